"""The command line: version, start-up timing and a missing display."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from desktop_app import __version__
from desktop_app.__main__ import display_problem, main


def test_version_flag_prints_the_package_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--version"])
    assert exited.value.code == 0
    assert capsys.readouterr().out.strip() == f"shopper-login-desk {__version__}"


def test_no_display_is_one_clear_line_instead_of_a_qt_abort() -> None:
    problem = display_problem({}, "linux")
    assert problem is not None
    assert "neither DISPLAY nor WAYLAND_DISPLAY is set" in problem
    assert display_problem({"DISPLAY": ":0"}, "linux") is None
    assert display_problem({"QT_QPA_PLATFORM": "offscreen"}, "linux") is None
    assert display_problem({}, "win32") is None


def test_no_display_exits_with_a_message_in_a_real_process() -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env.pop("QT_QPA_PLATFORM", None)
    result = subprocess.run(
        [sys.executable, "-m", "desktop_app"], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 2
    assert "needs a graphical desktop" in result.stderr


def test_startup_time_paints_the_window_and_exits() -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run(
        [sys.executable, "-m", "desktop_app", "--startup-time"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    lines = [line for line in result.stdout.splitlines() if line.startswith("startup_ms=")]
    assert len(lines) == 1
    assert int(lines[0].split("=", 1)[1]) > 0


def test_the_window_paints_before_requests_or_keyring_are_imported() -> None:
    code = (
        "import sys\n"
        "from desktop_app.__main__ import main\n"
        "code = main(['--startup-time'])\n"
        "print('heavy:', sorted(m for m in ('requests', 'keyring', 'werkzeug') "
        "if m in sys.modules))\n"
    )
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert "heavy: []" in result.stdout


def test_the_version_has_one_source() -> None:
    """pyproject reads desktop_app._version, so the installed metadata can never disagree."""
    from importlib.metadata import version

    assert version("shopper-login-desk") == __version__
