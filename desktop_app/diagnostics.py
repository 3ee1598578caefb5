"""``--diagnostics``: what this copy of the app runs on, for a support ticket. No window needed.

Every line is ``Label: value``. Each probe catches its own failure and prints it as the value,
so one broken piece (no keyring, no display, missing Qt library) never hides the others.
"""

from __future__ import annotations

import os
import platform
import sys
from collections.abc import Callable, Mapping
from typing import TextIO

from desktop_app import APP_NAME, ORGANIZATION, __version__

LABELS = (
    "Shopper Login Desk",
    "Python",
    "Qt",
    "PySide6",
    "Qt platform",
    "Keyring backend",
    "Settings file",
    "Log folder",
    "CA bundle",
    "Frozen",
)


def is_frozen() -> bool:
    return bool(getattr(sys, "frozen", False))


def has_display(environ: Mapping[str, str], system: str) -> bool:
    """Whether a Qt window could start: only Linux (and BSDs) need DISPLAY/WAYLAND_DISPLAY."""
    if system in ("win32", "darwin"):
        return True
    return bool(environ.get("DISPLAY") or environ.get("WAYLAND_DISPLAY"))


def platform_request(environ: Mapping[str, str], system: str) -> tuple[str | None, str]:
    """The QT_QPA_PLATFORM to use while probing, and a note to print after the platform name.

    Without a display, Qt would abort: probe with ``offscreen`` and say a window would not start.
    Otherwise probe what Qt itself would pick, with ``offscreen`` as a fallback so a platform
    plugin that cannot load is reported instead of aborting the process.
    """
    requested = environ.get("QT_QPA_PLATFORM", "")
    if requested:
        if "offscreen" in requested.split(";"):
            return requested, "(from QT_QPA_PLATFORM)"
        return f"{requested};offscreen", f"(from QT_QPA_PLATFORM={requested})"
    if not has_display(environ, system):
        return "offscreen", "(no DISPLAY or WAYLAND_DISPLAY: a window would not start)"
    if system in ("win32", "darwin"):
        return None, ""
    if environ.get("XDG_SESSION_TYPE") == "wayland" and environ.get("WAYLAND_DISPLAY"):
        return "wayland;xcb;offscreen", ""
    return "xcb;offscreen", ""


def qt_platform(environ: Mapping[str, str], system: str) -> str:
    """The QPA platform the app's window would use, found with a QGuiApplication (no window)."""
    from PySide6.QtGui import QGuiApplication

    existing = QGuiApplication.instance()
    if isinstance(existing, QGuiApplication):
        return f"{existing.platformName()} (already running)"
    request, note = platform_request(environ, system)
    previous = os.environ.get("QT_QPA_PLATFORM")
    if request is not None:
        os.environ["QT_QPA_PLATFORM"] = request
    try:
        app = QGuiApplication(sys.argv[:1])
        name = app.platformName()
    finally:
        if previous is None:
            os.environ.pop("QT_QPA_PLATFORM", None)
        else:
            os.environ["QT_QPA_PLATFORM"] = previous
    if name == "offscreen" and request and not request.startswith("offscreen"):
        first = request.split(";", 1)[0]
        note = f"({first} could not start; a window would not open)"
    return f"{name} {note}".strip()


def qt_version() -> str:
    from PySide6.QtCore import qVersion

    return qVersion()


def pyside_version() -> str:
    import PySide6

    return PySide6.__version__


def keyring_backend() -> str:
    try:
        import keyring

        backend = keyring.get_keyring()
    except Exception as error:  # any failure is the answer here
        return f"unavailable ({type(error).__name__}: {error})"
    kind = type(backend)
    name = f"{kind.__module__}.{kind.__qualname__}"
    if kind.__module__ == "keyring.backends.fail":
        return f"{name} (no usable keyring: passwords cannot be remembered)"
    return name


def settings_file() -> str:
    from desktop_app.settings import open_qsettings

    return open_qsettings().fileName()  # the very file the app reads and writes


def log_folder() -> str:
    from PySide6.QtCore import QCoreApplication, QStandardPaths

    QCoreApplication.setOrganizationName(ORGANIZATION)
    QCoreApplication.setApplicationName(APP_NAME)
    base = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppLocalDataLocation)
    return f"{base}/logs"


def ca_bundle() -> str:
    from requests.utils import DEFAULT_CA_BUNDLE_PATH  # = requests.certs.where()

    path = DEFAULT_CA_BUNDLE_PATH
    return path if os.path.isfile(path) else f"{path} (missing!)"


def _probe(function: Callable[[], str]) -> str:
    try:
        return function()
    except Exception as error:
        return f"unavailable ({type(error).__name__}: {error})"


def collect(environ: Mapping[str, str] | None = None, system: str | None = None) -> list[str]:
    """The report, one ``Label: value`` line per entry of LABELS."""
    env = os.environ if environ is None else environ
    plat = sys.platform if system is None else system
    values = [
        __version__,
        f"{platform.python_version()} ({platform.python_implementation()}, {sys.platform}, "
        f"{platform.machine()})",
        _probe(qt_version),
        _probe(pyside_version),
        _probe(lambda: qt_platform(env, plat)),
        keyring_backend(),
        _probe(settings_file),
        _probe(log_folder),
        _probe(ca_bundle),
        f"yes ({getattr(sys, '_MEIPASS', '')})" if is_frozen() else "no",
    ]
    return [f"{label}: {value}" for label, value in zip(LABELS, values, strict=True)]


def main(out: TextIO | None = None) -> int:
    stream = out or sys.stdout
    for line in collect():
        print(line, file=stream)
    stream.flush()
    return 0
