"""Closing the window with a request stuck on a slow store, a hundred times over.

Every close must come back within 2 s (the runner waits at most 1.5 s; interrupting the
socket should make it far quicker), with every job ended, no exception and no Qt warning about
a thread destroyed while running. The real executable is then stopped with SIGTERM.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QEvent, Qt, qWarning
from PySide6.QtWidgets import QApplication, QPushButton
from pytestqt.qtbot import QtBot

from desktop_app.app_context import SANDBOX, AppContext, ClientOptions, SandboxHandle
from desktop_app.sandbox import RunningSandbox, demo_seed
from desktop_app.sandbox.app import SandboxApp
from desktop_app.sandbox.controls import Controls
from desktop_app.sandbox.wsgi_server import KeepAliveWSGIServer
from desktop_app.ui.main_window import MainWindow
from desktop_app.worker import JobRunner
from tests.conftest import FAST_RETRY, FAST_TIMEOUTS
from tests.ui.test_login_story import type_login

CYCLES = 100
CLOSE_BOUND_SECONDS = 2.0
SLOW_STORE_MS = 10_000
PROCESS_CYCLES = 3
THREAD_WARNINGS = ("QThread", "Destroyed while thread")


class Arrivals:
    """WSGI middleware: counts requests as they *arrive*, before the slow store answers."""

    def __init__(self, app: Callable[..., Iterable[bytes]]) -> None:
        self.app = app
        self._lock = threading.Lock()
        self.count = 0

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        with self._lock:
            self.count += 1
        return self.app(environ, start_response)


@pytest.fixture(scope="module")
def slow_store() -> Iterator[tuple[RunningSandbox, Arrivals]]:
    """One sandbox for every cycle, with a way to know a request is waiting on it."""
    controls = Controls()
    app = SandboxApp(demo_seed(), controls)
    arrivals = Arrivals(app)
    server = KeepAliveWSGIServer(("127.0.0.1", 0), arrivals)  # daemon request threads
    running = RunningSandbox(server, app, controls)
    yield running, arrivals
    running.stop()


def one_cycle(qtbot: QtBot, sandbox: RunningSandbox, arrivals: Arrivals) -> float:
    """Open, connect, start a login the store sits on, close; returns how long close took."""
    context = AppContext(
        runner=JobRunner(),
        environ={},
        sandbox=SandboxHandle.attached(sandbox),
        client_options=ClientOptions(timeouts=FAST_TIMEOUTS, retry=FAST_RETRY),
    )
    window = MainWindow(context)
    try:
        window.show()
        sandbox.set_latency(0)
        with qtbot.waitSignal(window.connection_ready, timeout=10_000):
            assert window.select_connection(SANDBOX)
        sandbox.set_latency(SLOW_STORE_MS)
        type_login(qtbot, window, "ron@swanson.com", "pawnee-parks-1")
        before = arrivals.count
        button = window.login_form.findChild(QPushButton, "loginButton")
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: arrivals.count > before, timeout=5_000)  # now stuck on the store
        assert context.runner.busy
        started = time.monotonic()
        window.close()
        elapsed = time.monotonic() - started
        assert window.stopped_cleanly is True
        assert not window.isVisible()
        return elapsed
    finally:
        if window.stopped_cleanly is None:  # a failed cycle still lets its jobs go
            context.shutdown(0)
        window.deleteLater()
        context.runner.deleteLater()
        QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def test_a_hundred_closes_with_a_request_in_flight(
    qtbot: QtBot, qtlog: Any, slow_store: tuple[RunningSandbox, Arrivals]
) -> None:
    sandbox, arrivals = slow_store
    qWarning("shutdown stress: Qt messages are being captured")
    durations: list[float] = []
    for cycle in range(CYCLES):
        elapsed = one_cycle(qtbot, sandbox, arrivals)
        assert elapsed <= CLOSE_BOUND_SECONDS, f"cycle {cycle}: close took {elapsed:.2f} s"
        durations.append(elapsed)
    sandbox.set_latency(0)
    assert len(durations) == CYCLES
    messages = [record.message for record in qtlog.records]
    assert "shutdown stress: Qt messages are being captured" in messages  # the net is there
    assert [m for m in messages if any(text in m for text in THREAD_WARNINGS)] == []


# ------------------------------------------------------------------ the real executable


def wait_for_line(stream: Any, needle: str, timeout: float) -> list[str]:
    """Read ``stream`` on a helper thread until a line holds ``needle``; all lines read so far."""
    lines: list[str] = []
    found = threading.Event()

    def read() -> None:
        for line in stream:
            lines.append(line)
            if needle in line:
                found.set()
        found.set()  # end of output: the caller checks what it got

    threading.Thread(target=read, daemon=True).start()
    found.wait(timeout)
    return lines


@pytest.mark.skipif(sys.platform == "win32", reason="SIGTERM is a POSIX signal")
@pytest.mark.parametrize("cycle", range(PROCESS_CYCLES))
def test_sigterm_closes_the_real_app_like_the_window_would(cycle: int, tmp_path: Path) -> None:
    config = tmp_path / "config"
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "XDG_CONFIG_HOME": str(config),
        "PYTHONUNBUFFERED": "1",
    }
    for variable in ("EPCC_API_BASE_URL", "EPCC_CLIENT_ID", "EPCC_CLIENT_SECRET"):
        env.pop(variable, None)
    process = subprocess.Popen(
        [sys.executable, "-m", "desktop_app", "--sandbox"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        lines = wait_for_line(process.stderr, "password-profiles", timeout=60)
        assert any("password-profiles" in line for line in lines), "".join(lines)
        assert process.poll() is None, "".join(lines)
        started = time.monotonic()
        process.send_signal(signal.SIGTERM)
        status = process.wait(timeout=30)
        elapsed = time.monotonic() - started
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert elapsed <= CLOSE_BOUND_SECONDS, f"exit took {elapsed:.2f} s"
    assert status == 0, "".join(lines)
    # Closed like the window's own close: the layout was saved on the way out.
    (settings,) = config.rglob("*.ini")
    text = settings.read_text(encoding="utf-8")
    assert "geometry" in text
    assert "last_used=sandbox" in text
    assert not any("Traceback" in line for line in lines)
