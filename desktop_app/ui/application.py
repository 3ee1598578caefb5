"""Creating (or reusing) the QApplication and running the main window."""

from __future__ import annotations

import gc
import logging
import signal
import sys
import time
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QSocketNotifier, QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from desktop_app import APP_NAME, ORGANIZATION, __version__
from desktop_app.app_context import SANDBOX, AppContext
from desktop_app.resource_paths import resource_path
from desktop_app.ui.main_window import MainWindow
from desktop_app.ui.tones import follow_colour_scheme

if TYPE_CHECKING:  # annotations only: each import after PySide6 costs its source scan
    import argparse
    from collections.abc import Callable
    from pathlib import Path

    from desktop_app.ui.crash_handler import CrashHandler

log = logging.getLogger("desktop_app")


class FirstPaintProbe(QObject):
    """Reports once, after the window's first paint, how long start-up took.

    It then waits for the window's second phase before quitting, so ``--startup-time`` also
    proves that everything loaded after the first paint is there (a frozen build missing a
    module would otherwise pass)."""

    SECOND_PHASE_WAIT_MS = 10_000

    def __init__(self, window: MainWindow, started_at: float, app: QApplication) -> None:
        super().__init__(window)
        self._window = window
        self._started_at = started_at
        self._app = app
        self._done = False
        self.complete = False
        window.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if not self._done and event.type() == QEvent.Type.Paint:
            self._done = True
            # Let this paint finish and reach the screen before the clock stops.
            QTimer.singleShot(0, self._report)
        return False

    def _report(self) -> None:
        elapsed_ms = round((time.perf_counter() - self._started_at) * 1000)
        print(f"startup_ms={elapsed_ms}", flush=True)
        if self._window.has_extras:
            self._finish()
        else:
            self._window.extras_ready.connect(self._finish)
            QTimer.singleShot(self.SECOND_PHASE_WAIT_MS, self._give_up)

    def _finish(self) -> None:
        self.complete = True
        self._window.close()
        self._app.quit()

    def _give_up(self) -> None:
        if not self.complete:
            print("the window's second phase did not finish", file=sys.stderr, flush=True)
            self._window.close()
            self._app.quit()


def configure_application(app: QApplication) -> None:
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(ORGANIZATION)
    app.setApplicationVersion(__version__)
    app.setDesktopFileName("shopper-login-desk")
    app.setWindowIcon(QIcon(str(resource_path("icons", "app.svg"))))
    follow_colour_scheme(app)


def run(args: argparse.Namespace, *, started_at: float) -> int:
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv[:1])
    configure_application(app)
    context = AppContext()
    window = MainWindow(context, defer_extras=True)
    probe = FirstPaintProbe(window, started_at, app) if args.startup_time else None
    session = Session(window, context, on_terminate=lambda: (window.close(), app.quit()))
    if not args.startup_time:
        # After the first paint and the window's second phase: the crash handler and the
        # log file install, the keyring loads, the sandbox starts and the connection is
        # checked on workers — never before the window is up.
        window.extras_ready.connect(lambda: session.start(sandbox=args.sandbox))
    window.show()
    status = app.exec()
    session.end()
    context.shutdown()
    if probe is not None and not probe.complete:
        return 1  # the second phase failed: its error was printed above
    return status


class TerminationWatcher(QObject):
    """Turns SIGTERM into ``on_terminate`` on the GUI thread: layout saved, requests interrupted,
    a normal exit — instead of the default of dying on the spot.

    Qt's event loop runs no Python while it waits, so a Python signal handler alone would not
    run until the next event. ``signal.set_wakeup_fd`` makes the signal write a byte to a
    socket that a ``QSocketNotifier`` watches, which wakes the loop at once (no polling timer).
    """

    def __init__(self, on_terminate: Callable[[], object]) -> None:
        import socket  # loaded after the first paint, with the session

        super().__init__()
        self._on_terminate = on_terminate
        self._reader, self._writer = socket.socketpair()
        self._reader.setblocking(False)
        self._writer.setblocking(False)
        self._previous_fd = signal.set_wakeup_fd(self._writer.fileno())
        self._previous_handler = signal.signal(signal.SIGTERM, lambda *_: None)
        self._notifier = QSocketNotifier(self._reader.fileno(), QSocketNotifier.Type.Read, self)
        self._notifier.activated.connect(self._woken)

    def _woken(self) -> None:
        try:
            received = self._reader.recv(64)
        except OSError:
            return
        if signal.SIGTERM in received:  # one byte per signal: its number
            self._on_terminate()

    def uninstall(self) -> None:
        self._notifier.setEnabled(False)
        signal.signal(signal.SIGTERM, self._previous_handler)
        signal.set_wakeup_fd(self._previous_fd)
        self._reader.close()
        self._writer.close()


def settle_heap() -> None:
    """Tune the interpreter for a window that shares it with worker threads.

    Everything start-up created is moved out of the garbage collector's sight, so the
    collections a 10,000-account login triggers do not walk every Qt wrapper again; and a
    1 ms thread switch interval (5 ms by default) lets the GUI thread take the GIL back
    sooner from a worker parsing pages. Measured with ./dev bench: longest stall during
    that login 21 -> 18 ms (median)."""
    gc.collect()
    gc.freeze()
    sys.setswitchinterval(0.001)


class Session:
    """What runs between the first paint and quitting: crash handler, log file, connection."""

    def __init__(
        self, window: MainWindow, context: AppContext, on_terminate: Callable[[], object]
    ) -> None:
        self.window = window
        self.context = context
        self.on_terminate = on_terminate
        self.log_file: Path | None = None
        self.crash_handler: CrashHandler | None = None
        self.termination: TerminationWatcher | None = None

    def start(self, *, sandbox: bool) -> None:
        from desktop_app.ui.activity_log import log_directory
        from desktop_app.ui.crash_handler import CrashHandler

        self.crash_handler = CrashHandler(
            self.context.redactor, log_directory(), lambda: self.window
        )
        self.crash_handler.install()
        # SIGTERM (logout, `kill`, a service manager) closes the window as its close button does.
        self.termination = TerminationWatcher(self.on_terminate)
        self.log_file = start_session(self.window, self.context, sandbox)
        settle_heap()

    def end(self) -> None:
        if self.termination is not None:
            self.termination.uninstall()
        if self.crash_handler is not None:
            self.crash_handler.uninstall()
        if self.log_file is not None:
            from desktop_app.ui.activity_log import remove_file_log

            remove_file_log(self.log_file)


def start_session(window: MainWindow, context: AppContext, sandbox: bool) -> Path:
    """Returns the log file it opened, for the caller to close at exit."""
    from PySide6.QtWidgets import QMessageBox

    from desktop_app.ui.activity_log import install_file_log

    log_file = install_file_log(redact=context.redactor)
    if context.settings.problem:
        notice = QMessageBox(
            QMessageBox.Icon.Warning, "Settings set aside", context.settings.problem, parent=window
        )
        notice.setObjectName("settingsProblemMessage")
        notice.open()
    context.runner.submit("keyring-warm-up", lambda job: context.secrets.warm_up())
    last = context.settings.last_connection_key
    if sandbox:
        window.select_connection(SANDBOX)
    elif last:
        window.select_connection(last)  # gone since last time: nothing is selected
    return log_file
