"""What can stop the window from opening, found before Qt would abort the process.

Qt aborts with a long message (and for xcb always names libxcb-cursor0, even when another
library is missing) — so the app checks first and says in one line what to do. The same line
goes to the log file, where a support ticket will look for it.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path

from desktop_app import APP_NAME, ORGANIZATION

# What Qt's xcb platform plugin loads, and the Debian/Ubuntu package that ships each.
XCB_LIBRARIES: dict[str, str] = {
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-render.so.0": "libxcb-render0",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-util.so.1": "libxcb-util1",
    "libxcb-xkb.so.1": "libxcb-xkb1",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
}


def display_problem(environ: Mapping[str, str], platform: str) -> str | None:
    """Qt aborts the process without a display; say why in one line instead."""
    if not platform.startswith("linux") or environ.get("QT_QPA_PLATFORM"):
        return None
    if environ.get("DISPLAY") or environ.get("WAYLAND_DISPLAY"):
        return None
    return (
        f"{APP_NAME} needs a graphical desktop: neither DISPLAY nor WAYLAND_DISPLAY is set. "
        "Run it inside a desktop session (or set QT_QPA_PLATFORM=offscreen for automation)."
    )


def _loadable(soname: str) -> bool:
    bundled = getattr(sys, "_MEIPASS", None)
    if bundled is not None and Path(bundled, soname).exists():
        return True
    import ctypes  # only on X11, where Qt is about to load these libraries itself

    try:
        ctypes.CDLL(soname)
    except OSError:
        return False
    return True


def missing_library_problem(environ: Mapping[str, str], platform: str) -> str | None:
    """On X11, name every missing xcb library and the exact install line."""
    if not platform.startswith("linux") or environ.get("WAYLAND_DISPLAY"):
        return None
    if environ.get("QT_QPA_PLATFORM", "xcb") != "xcb" or not environ.get("DISPLAY"):
        return None
    missing = [package for soname, package in XCB_LIBRARIES.items() if not _loadable(soname)]
    if not missing:
        return None
    return (
        f"{APP_NAME} cannot open a window: system libraries it needs are missing. "
        f"On Debian/Ubuntu install them with: sudo apt-get install {' '.join(missing)}"
    )


def default_log_folder(environ: Mapping[str, str] = os.environ) -> Path:
    """Where the app's log file lives, found without Qt (which may be what cannot start)."""
    if sys.platform == "win32":
        base = Path(environ.get("LOCALAPPDATA", Path.home() / "AppData" / "Local"))
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Application Support"
    else:
        base = Path(environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / ORGANIZATION / APP_NAME / "logs"


def record_start_failure(message: str, folder: Path | None = None) -> Path | None:
    """Append the line to the log file; a log that cannot be written is not a second error."""
    from datetime import datetime  # a start that fails is the rare path

    folder = folder or default_log_folder()
    path = folder / "shopper-login-desk.log"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as log:
            log.write(f"{datetime.now().isoformat(timespec='seconds')} ERROR start: {message}\n")
    except OSError:
        return None
    return path
