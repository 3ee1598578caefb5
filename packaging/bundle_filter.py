"""What the spec leaves out of the frozen build, as plain functions the tests can check.

PyInstaller's PySide6 hook collects every Qt plugin a QtGui/QtWidgets app *might* load and every
host library those plugins link to (gtk3, cairo, pango, krb5…). The app needs far less:

* platform plugins: xcb (X11), wayland and offscreen (CI, ``--diagnostics``); not eglfs, linuxfb,
  minimal, vnc or vkkhrdisplay (embedded devices and debugging);
* no Qt translations (the app is English only and installs no QTranslator);
* no tls / networkinformation plugins and no QtNetwork: the app talks HTTP through ``requests``;
* image formats: SVG only (the app icon); icon engine: SVG;
* no gtk3 platform theme (it alone drags in gtk3, gdk, cairo, pango and ~20 MB of host libraries);
* PySide6 extension modules: only those the app imports (QtCore, QtGui, QtWidgets).

After those cuts, :func:`unreferenced_libraries` drops every bundled shared library that nothing
kept links to (its "dependency closure"), so host libraries that only a dropped plugin needed go
too — without a hand-kept list that could drop something still needed.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from pathlib import PurePosixPath

# The PySide6 modules desktop_app imports (tests/packaging/test_spec.py checks this by grep).
PYSIDE_MODULES_USED = frozenset({"QtCore", "QtGui", "QtWidgets"})

KEPT_PLATFORM_PLUGINS = frozenset({"libqxcb.so", "libqwayland.so", "libqoffscreen.so"})
KEPT_IMAGE_FORMATS = frozenset({"libqsvg.so"})
DROPPED_PLUGIN_FOLDERS = frozenset(
    {
        "egldeviceintegrations",  # eglfs only
        "generic",  # evdev/tuio input for eglfs/linuxfb
        "networkinformation",
        "tls",
        "designer",
        "qmltooling",
        "qmllint",
        "sqldrivers",
        "printsupport",
        "vectorimageformats",
        "wayland-graphics-integration-server",  # compositors only
    }
)
DROPPED_PLATFORM_THEMES = frozenset({"libqgtk3.so"})
DROPPED_INPUT_CONTEXTS = frozenset({"libqtvirtualkeyboardplugin.so"})
# Qt libraries only the dropped plugins or unused modules link to.
DROPPED_QT_LIBRARIES = re.compile(
    r"^libQt6(Network|EglFSDeviceIntegration|EglFsKmsSupport|Pdf|Quick\w*|Qml\w*|"
    r"VirtualKeyboard\w*|Designer\w*|PrintSupport|Sql)\.so"
)
# Loaded with dlopen() (not a DT_NEEDED link), so the closure cannot see that it is needed.
DLOPENED_LIBRARIES = frozenset({"libdbus-1.so.3"})

_QT_PREFIX = ("PySide6", "Qt")


def _parts(dest_name: str) -> tuple[str, ...]:
    return PurePosixPath(dest_name.replace("\\", "/")).parts


def keep_data(dest_name: str) -> bool:
    """False for data files the app never reads (Qt translations)."""
    parts = _parts(dest_name)
    return parts[:3] != (*_QT_PREFIX, "translations")


def keep_binary(dest_name: str) -> bool:
    """False for Qt plugins, Qt libraries and PySide6 modules the app does not use."""
    parts = _parts(dest_name)
    name = parts[-1]
    if len(parts) == 2 and parts[0] == "PySide6" and name.endswith((".so", ".pyd")):
        module = name.split(".", 1)[0]
        if module.startswith("Qt"):
            return module in PYSIDE_MODULES_USED
    if DROPPED_QT_LIBRARIES.match(name):
        return False
    if parts[:3] == (*_QT_PREFIX, "plugins") and len(parts) >= 5:
        folder = parts[3]
        if folder in DROPPED_PLUGIN_FOLDERS:
            return False
        if folder == "platforms":
            return name in KEPT_PLATFORM_PLUGINS
        if folder == "imageformats":
            return name in KEPT_IMAGE_FORMATS
        if folder == "platformthemes":
            return name not in DROPPED_PLATFORM_THEMES
        if folder == "platforminputcontexts":
            return name not in DROPPED_INPUT_CONTEXTS
    return True


def unreferenced_libraries(
    binaries: Iterable[tuple[str, str, str]],
    linked_libraries: Callable[[str], Iterable[str]],
) -> set[str]:
    """Destination names of plain libraries (typecode BINARY) nothing kept links to.

    Roots are Python extension modules, Qt plugins, the Python library itself and the dlopen()ed
    libraries; ``linked_libraries(src)`` returns the sonames a file needs (PyInstaller's ldd
    wrapper gives the transitive set, which is what is wanted here).
    """
    entries = list(binaries)
    by_soname: dict[str, list[tuple[str, str]]] = {}
    roots: list[str] = []
    for dest, src, typecode in entries:
        name = _parts(dest)[-1]
        by_soname.setdefault(name, []).append((dest, src))
        is_plugin = _parts(dest)[:3] == (*_QT_PREFIX, "plugins")
        dlopened = name in DLOPENED_LIBRARIES
        if typecode != "BINARY" or is_plugin or name.startswith("libpython") or dlopened:
            roots.append(src)
    reached: set[str] = set()
    pending = list(roots)
    seen_sources: set[str] = set()
    while pending:
        src = pending.pop()
        if src in seen_sources:
            continue
        seen_sources.add(src)
        for soname in linked_libraries(src):
            for dest, dep_src in by_soname.get(PurePosixPath(soname).name, []):
                if dest not in reached:
                    reached.add(dest)
                    pending.append(dep_src)
    return {
        dest
        for dest, src, typecode in entries
        if typecode == "BINARY"
        and src not in roots
        and dest not in reached
        and _parts(dest)[:3] != (*_QT_PREFIX, "plugins")
    }
