"""Static checks of the PyInstaller spec and its filters (the real build runs in .ci/run)."""

from __future__ import annotations

import configparser
import importlib.util
import re
from importlib.metadata import entry_points
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGING = ROOT / "packaging"
SPEC_TEXT = (PACKAGING / "shopper-login-desk.spec").read_text(encoding="utf-8")


def _load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"_packaging_{name}", PACKAGING / f"{name}.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


bundle_filter = _load("bundle_filter")


def test_the_spec_compiles_as_python() -> None:
    compile(SPEC_TEXT, "shopper-login-desk.spec", "exec")


def _spec_resource_datas() -> list[tuple[str, str]]:
    """The spec's first ``datas = [...]`` list (the resources), evaluated."""
    match = re.search(r"^datas = (\[.*?^\])", SPEC_TEXT, re.MULTILINE | re.DOTALL)
    assert match, "the spec has no datas list"
    return eval(match.group(1), {"ROOT": ROOT, "str": str})  # the spec's own literal


def test_every_shipped_resource_is_in_the_datas_at_resources() -> None:
    bundled: set[str] = set()
    for source, dest in _spec_resource_datas():
        path = Path(source)
        if path.is_dir():
            bundled |= {f"{dest}/{item.relative_to(path)}" for item in path.rglob("*")}
        else:
            bundled.add(f"{dest}/{path.name}")
    shipped = {
        f"resources/{path.relative_to(ROOT / 'resources')}"
        for path in (ROOT / "resources").rglob("*")
        if path.is_file() and path.suffix not in (".py", ".pyc")
    }
    assert "resources/icons/app.svg" in shipped
    assert shipped <= bundled, f"not in the spec's datas: {sorted(shipped - bundled)}"


def test_metadata_and_run_time_discovery_are_bundled() -> None:
    assert 'copy_metadata("keyring")' in SPEC_TEXT  # keyring's backend entry points
    assert 'collect_submodules("keyring.backends")' in SPEC_TEXT
    assert 'collect_data_files("certifi")' in SPEC_TEXT  # requests' CA bundle
    for module in ("desktop_app.sandbox", "desktop_app.self_test", "desktop_app.diagnostics"):
        assert f'"{module}"' in SPEC_TEXT
    assert 'collect_submodules("werkzeug"' in SPEC_TEXT


def test_every_keyring_backend_entry_point_is_a_collected_submodule() -> None:
    for point in entry_points(group="keyring.backends"):
        assert point.value.split(":")[0].startswith("keyring.backends."), point


def test_the_filters_are_applied_and_the_build_is_stripped() -> None:
    assert "bundle_filter.keep_binary(" in SPEC_TEXT
    assert "bundle_filter.keep_data(" in SPEC_TEXT
    assert "bundle_filter.unreferenced_libraries(" in SPEC_TEXT
    assert SPEC_TEXT.count("strip=STRIP") >= 2
    assert "upx=True" not in SPEC_TEXT


def test_the_platform_pieces_are_in_the_spec() -> None:
    assert SPEC_TEXT.count("console=False") == 2  # one-folder and one-file
    assert 'BUNDLE_IDENTIFIER = "com.shopperlogindesk.app"' in SPEC_TEXT
    assert "bundle_identifier=BUNDLE_IDENTIFIER" in SPEC_TEXT
    assert '.ico"' in SPEC_TEXT
    assert '.icns"' in SPEC_TEXT


def test_pyside_modules_kept_are_the_ones_the_app_imports() -> None:
    used = set()
    for path in (ROOT / "desktop_app").rglob("*.py"):
        used |= set(re.findall(r"PySide6\.(Qt\w+)", path.read_text(encoding="utf-8")))
    assert used <= bundle_filter.PYSIDE_MODULES_USED, (
        "desktop_app imports a PySide6 module the spec drops: add it to "
        "packaging/bundle_filter.py PYSIDE_MODULES_USED"
    )


@pytest.mark.parametrize(
    ("dest", "kept"),
    [
        ("PySide6/Qt/plugins/platforms/libqxcb.so", True),
        ("PySide6/Qt/plugins/platforms/libqwayland.so", True),
        ("PySide6/Qt/plugins/platforms/libqoffscreen.so", True),
        ("PySide6/Qt/plugins/platforms/libqeglfs.so", False),
        ("PySide6/Qt/plugins/platforms/libqvnc.so", False),
        ("PySide6/Qt/plugins/platforms/libqlinuxfb.so", False),
        ("PySide6/Qt/plugins/platforms/libqminimal.so", False),
        ("PySide6/Qt/plugins/tls/libqopensslbackend.so", False),
        ("PySide6/Qt/plugins/networkinformation/libqglib.so", False),
        ("PySide6/Qt/plugins/platformthemes/libqgtk3.so", False),
        ("PySide6/Qt/plugins/platformthemes/libqxdgdesktopportal.so", True),
        ("PySide6/Qt/plugins/imageformats/libqsvg.so", True),
        ("PySide6/Qt/plugins/imageformats/libqjpeg.so", False),
        ("PySide6/Qt/plugins/iconengines/libqsvgicon.so", True),
        ("PySide6/Qt/plugins/platforminputcontexts/libcomposeplatforminputcontextplugin.so", True),
        ("PySide6/Qt/lib/libQt6Network.so.6", False),
        ("PySide6/Qt/lib/libQt6Pdf.so.6", False),
        ("PySide6/Qt/lib/libQt6Quick.so.6", False),
        ("PySide6/Qt/lib/libQt6Qml.so.6", False),
        ("PySide6/Qt/lib/libQt6Widgets.so.6", True),
        ("PySide6/Qt/lib/libQt6XcbQpa.so.6", True),
        ("PySide6/Qt/lib/libQt6WaylandClient.so.6", True),
        ("PySide6/QtNetwork.abi3.so", False),
        ("PySide6/QtWidgets.abi3.so", True),
        ("libpython3.11.so.1.0", True),
        ("cryptography/hazmat/bindings/_rust.abi3.so", True),
    ],
)
def test_keep_binary(dest: str, kept: bool) -> None:
    assert bundle_filter.keep_binary(dest) is kept


def test_keep_data_drops_qt_translations_only() -> None:
    assert not bundle_filter.keep_data("PySide6/Qt/translations/qtbase_de.qm")
    assert bundle_filter.keep_data("resources/icons/app.svg")
    assert bundle_filter.keep_data("certifi/cacert.pem")


def test_unreferenced_libraries_keeps_the_link_closure_of_what_is_kept() -> None:
    binaries = [
        ("PySide6/QtGui.abi3.so", "/src/QtGui.abi3.so", "EXTENSION"),
        ("PySide6/Qt/lib/libQt6Gui.so.6", "/src/libQt6Gui.so.6", "BINARY"),
        ("libfreetype.so.6", "/src/libfreetype.so.6", "BINARY"),
        ("libpng16.so.16", "/src/libpng16.so.16", "BINARY"),
        ("libcairo.so.2", "/src/libcairo.so.2", "BINARY"),  # only the dropped gtk3 theme
        ("libdbus-1.so.3", "/src/libdbus-1.so.3", "BINARY"),  # dlopen()ed: always kept
        ("PySide6/Qt/plugins/platforms/libqxcb.so", "/src/libqxcb.so", "BINARY"),
        ("libxcb-cursor.so.0", "/src/libxcb-cursor.so.0", "BINARY"),
    ]
    links = {
        "/src/QtGui.abi3.so": ["libQt6Gui.so.6", "libfreetype.so.6", "libpng16.so.16"],
        "/src/libqxcb.so": ["libxcb-cursor.so.0", "/usr/lib/libc.so.6"],
    }
    dropped = bundle_filter.unreferenced_libraries(binaries, lambda src: links.get(src, []))
    assert dropped == {"libcairo.so.2"}


def test_the_linux_desktop_file_matches_the_app() -> None:
    entry = configparser.ConfigParser(interpolation=None)
    entry.optionxform = str  # type: ignore[assignment,method-assign]
    entry.read(PACKAGING / "linux" / "shopper-login-desk.desktop", encoding="utf-8")
    section = entry["Desktop Entry"]
    assert section["Type"] == "Application"
    assert section["Name"] == "Shopper Login Desk"
    assert section["Exec"] == "shopper-login-desk"
    assert section["Icon"] == "shopper-login-desk"
    # QGuiApplication.setDesktopFileName("shopper-login-desk") in desktop_app/ui/application.py
    assert section["StartupWMClass"] == "shopper-login-desk"
    assert section["Terminal"] == "false"


def test_icons_render_from_the_svg(tmp_path: Path, qapp: object) -> None:
    # qapp first: render_icons would otherwise create a QGuiApplication, and every later
    # widget test in this process would abort for want of a QApplication.
    from PySide6.QtGui import QImage

    written = _load("icons").render_icons(tmp_path)
    assert set(written) == {"png", "ico", "icns"}
    for path in written.values():
        assert path.stat().st_size > 0
    image = QImage(str(written["png"]))
    assert (image.width(), image.height()) == (256, 256)
    assert image.pixelColor(128, 128).alpha() == 255  # the icon, not an empty canvas
