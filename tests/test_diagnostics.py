"""--diagnostics: one line per fact, exit 0, and no display needed."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from desktop_app import APP_NAME, __version__, diagnostics


def _headless_env(tmp_path: Path) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM", "XDG_SESSION_TYPE")
    }
    env["XDG_CONFIG_HOME"] = str(tmp_path / "config")
    env["XDG_DATA_HOME"] = str(tmp_path / "data")
    return env


def test_diagnostics_without_a_display_prints_every_line_and_exits_0(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "desktop_app", "--diagnostics"],
        env=_headless_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert [line.split(":", 1)[0] for line in lines] == list(diagnostics.LABELS)
    report = dict(line.split(": ", 1) for line in lines)
    assert report["Shopper Login Desk"] == __version__
    assert report["Python"].startswith(f"{sys.version_info[0]}.{sys.version_info[1]}.")
    from PySide6 import __version__ as pyside_version
    from PySide6.QtCore import qVersion

    assert report["Qt"] == qVersion()
    assert report["PySide6"] == pyside_version
    assert report["Qt platform"].startswith("offscreen (no DISPLAY or WAYLAND_DISPLAY")
    assert report["Keyring backend"].startswith("keyring.backends.")
    assert report["Settings file"].startswith(str(tmp_path / "config" / APP_NAME))
    assert report["Log folder"].startswith(str(tmp_path / "data"))
    assert report["Log folder"].endswith("/logs")
    from requests.certs import where

    assert report["CA bundle"] == where()
    assert report["Frozen"] == "no"
    assert "needs a graphical desktop" not in result.stderr


def test_a_broken_keyring_is_reported_not_raised(monkeypatch: pytest.MonkeyPatch) -> None:
    import keyring

    def broken() -> None:
        raise RuntimeError("no backend today")

    monkeypatch.setattr(keyring, "get_keyring", broken)
    assert diagnostics.keyring_backend() == "unavailable (RuntimeError: no backend today)"


def test_a_failing_probe_becomes_its_value() -> None:
    def probe() -> str:
        raise OSError("nope")

    assert diagnostics._probe(probe) == "unavailable (OSError: nope)"


@pytest.mark.parametrize(
    ("environ", "system", "request_", "note"),
    [
        ({}, "linux", "offscreen", "(no DISPLAY or WAYLAND_DISPLAY: a window would not start)"),
        ({"DISPLAY": ":0"}, "linux", "xcb;offscreen", ""),
        (
            {"WAYLAND_DISPLAY": "wayland-0", "XDG_SESSION_TYPE": "wayland"},
            "linux",
            "wayland;xcb;offscreen",
            "",
        ),
        ({"QT_QPA_PLATFORM": "offscreen"}, "linux", "offscreen", "(from QT_QPA_PLATFORM)"),
        (
            {"QT_QPA_PLATFORM": "xcb", "DISPLAY": ":0"},
            "linux",
            "xcb;offscreen",
            "(from QT_QPA_PLATFORM=xcb)",
        ),
        ({}, "win32", None, ""),
        ({}, "darwin", None, ""),
    ],
)
def test_platform_request(
    environ: dict[str, str], system: str, request_: str | None, note: str
) -> None:
    assert diagnostics.platform_request(environ, system) == (request_, note)


def test_an_unreachable_display_falls_back_to_offscreen_instead_of_aborting(
    tmp_path: Path,
) -> None:
    env = {**_headless_env(tmp_path), "DISPLAY": ":9999"}  # nothing listens there
    result = subprocess.run(
        [sys.executable, "-m", "desktop_app", "--diagnostics"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "Qt platform: offscreen (xcb could not start" in result.stdout
