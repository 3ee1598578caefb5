"""The command line: version, start-up timing and a missing display."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from desktop_app import __version__
from desktop_app.__main__ import main
from desktop_app.startup_checks import (
    default_log_folder,
    display_problem,
    missing_library_problem,
)


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
    log = default_log_folder() / "shopper-login-desk.log"  # the tests' temp home
    assert "ERROR start: Shopper Login Desk needs a graphical desktop" in log.read_text()


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


def run_offscreen(code: str) -> subprocess.CompletedProcess[str]:
    """``code`` in a fresh interpreter: what is imported depends on nothing a test loaded."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60
    )


def test_the_window_paints_before_requests_or_keyring_are_imported() -> None:
    result = run_offscreen(
        "import sys\n"
        "from desktop_app.__main__ import main\n"
        "code = main(['--startup-time'])\n"
        "print('heavy:', sorted(m for m in ('requests', 'keyring', 'werkzeug') "
        "if m in sys.modules))\n"
    )
    assert result.returncode == 0, result.stderr
    assert "heavy: []" in result.stdout


AFTER_THE_FIRST_PAINT = (
    "ctypes",
    "dataclasses",
    "datetime",
    "desktop_app.api.connection",
    "desktop_app.api.models",
    "desktop_app.api.redaction",
    "desktop_app.credentials",
    "desktop_app.ui.activity_log",
    "desktop_app.ui.menus",
    "desktop_app.ui.password_login_form",
    "desktop_app.ui.token_filter_proxy",
    "desktop_app.ui.token_table_model",
    "desktop_app.ui.token_tools",
    "desktop_app.worker",
    "json",
    "socket",
)


def test_the_first_paint_loads_only_what_the_first_window_shows() -> None:
    """Each module here once cost start-up time before the window appeared (./dev bench), and
    so did the ``Qt`` namespace: PySide builds its 93 enums (~12 ms) at the first touch."""
    result = run_offscreen(
        "import sys\n"
        "import PySide6.QtCore\n"
        "import desktop_app.ui.application as application\n"
        "from desktop_app.__main__ import main\n"
        "report = application.FirstPaintProbe._report\n"
        "def at_first_paint(self):\n"
        f"    early = [m for m in {AFTER_THE_FIRST_PAINT!r} if m in sys.modules]\n"
        "    print('loaded before the paint:', early)\n"
        "    print('Qt namespace built before the paint:', 'Qt' in vars(PySide6.QtCore))\n"
        "    report(self)\n"
        "application.FirstPaintProbe._report = at_first_paint\n"
        "sys.exit(main(['--startup-time']))\n"
    )
    assert result.returncode == 0, result.stderr
    assert "loaded before the paint: []" in result.stdout, result.stdout
    assert "Qt namespace built before the paint: False" in result.stdout, result.stdout


def test_the_version_has_one_source() -> None:
    """pyproject reads desktop_app._version, so the installed metadata can never disagree."""
    from importlib.metadata import version

    assert version("shopper-login-desk") == __version__


def test_a_missing_xcb_library_is_named_with_its_install_line(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import ctypes

    real = ctypes.CDLL

    def without_cursor(name: str, *args: object, **kwargs: object) -> object:
        if name == "libxcb-cursor.so.0":
            raise OSError("cannot open shared object file")
        return real(name, *args, **kwargs)

    monkeypatch.setattr(ctypes, "CDLL", without_cursor)
    problem = missing_library_problem({"DISPLAY": ":0"}, "linux")
    assert problem == (
        "Shopper Login Desk cannot open a window: system libraries it needs are missing. "
        "On Debian/Ubuntu install them with: sudo apt-get install libxcb-cursor0"
    )
    assert missing_library_problem({"DISPLAY": ":0", "WAYLAND_DISPLAY": "w"}, "linux") is None
    assert (
        missing_library_problem({"DISPLAY": ":0", "QT_QPA_PLATFORM": "offscreen"}, "linux") is None
    )


def test_with_every_library_present_nothing_is_said() -> None:
    assert missing_library_problem({"DISPLAY": ":0"}, "linux") is None


def test_the_start_log_is_where_the_app_logs(qapp: object) -> None:
    from PySide6.QtCore import QCoreApplication

    from desktop_app import APP_NAME, ORGANIZATION
    from desktop_app.ui.activity_log import log_directory

    names = (QCoreApplication.organizationName(), QCoreApplication.applicationName())
    QCoreApplication.setOrganizationName(ORGANIZATION)
    QCoreApplication.setApplicationName(APP_NAME)
    try:
        assert default_log_folder() == log_directory()
    finally:
        QCoreApplication.setOrganizationName(names[0])
        QCoreApplication.setApplicationName(names[1])


def test_settling_the_heap_freezes_start_up_objects_and_shortens_the_switch_interval() -> None:
    import gc

    from desktop_app.ui.application import settle_heap

    before = sys.getswitchinterval()
    try:
        settle_heap()
        assert gc.get_freeze_count() > 0
        assert sys.getswitchinterval() == 0.001
    finally:
        gc.unfreeze()
        sys.setswitchinterval(before)


def test_startup_time_fails_when_the_second_phase_cannot_load() -> None:
    """What the frozen smoke test relies on: a module missing from the bundle shows up."""
    code = (
        "import sys\n"
        "from desktop_app.ui import main_window\n"
        "def broken(self):\n"
        "    raise ImportError('No module named desktop_app.ui.password_logins')\n"
        "main_window.MainWindow.build_extras = broken\n"
        "from desktop_app.ui import application\n"
        "application.FirstPaintProbe.SECOND_PHASE_WAIT_MS = 500\n"
        "from desktop_app.__main__ import main\n"
        "sys.exit(main(['--startup-time']))\n"
    )
    result = run_offscreen(code)
    assert result.returncode == 1
    assert "startup_ms=" in result.stdout
    assert "No module named desktop_app.ui.password_logins" in result.stderr
    assert "the window's second phase did not finish" in result.stderr
