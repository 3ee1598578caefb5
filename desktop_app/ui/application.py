"""Creating (or reusing) the QApplication and running the main window."""

from __future__ import annotations

import argparse
import logging
import sys
import time
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtGui import QIcon, QPalette
from PySide6.QtWidgets import QApplication, QMessageBox

from desktop_app import APP_NAME, ORGANIZATION, __version__
from desktop_app.app_context import SANDBOX, AppContext
from desktop_app.resource_paths import resource_path
from desktop_app.ui.activity_log import install_file_log, log_directory, remove_file_log
from desktop_app.ui.crash_handler import CrashHandler
from desktop_app.ui.main_window import MainWindow
from desktop_app.worker import JobRunner

log = logging.getLogger("desktop_app")


class FirstPaintProbe(QObject):
    """Reports once, after the window's first paint, how long start-up took."""

    def __init__(self, window: MainWindow, started_at: float, app: QApplication) -> None:
        super().__init__(window)
        self._started_at = started_at
        self._app = app
        self._done = False
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
        window = self.parent()
        if isinstance(window, MainWindow):
            window.close()
        self._app.quit()


def configure_application(app: QApplication) -> None:
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(ORGANIZATION)
    app.setApplicationVersion(__version__)
    app.setDesktopFileName("shopper-login-desk")
    app.setWindowIcon(QIcon(str(resource_path("icons", "app.svg"))))
    apply_stylesheet(app)
    # Follow the desktop when it switches between light and dark while the app runs.
    app.styleHints().colorSchemeChanged.connect(lambda _: apply_stylesheet(app))


# (light, dark) pairs, each with at least 4.5:1 contrast on its usual window colour.
MESSAGE_COLOURS = {"error": ("#c0281f", "#ff7a70"), "ok": ("#23773a", "#6fd38a")}


def apply_stylesheet(app: QApplication) -> None:
    dark = app.palette().color(QPalette.ColorRole.Window).lightness() < 128
    sheet = resource_path("style.qss").read_text(encoding="utf-8")
    for name, (light_colour, dark_colour) in MESSAGE_COLOURS.items():
        sheet = sheet.replace(f"@{name}@", dark_colour if dark else light_colour)
    app.setStyleSheet(sheet)


def run(args: argparse.Namespace, *, started_at: float) -> int:
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv[:1])
    configure_application(app)
    context = AppContext(runner=JobRunner())
    window = MainWindow(context)
    crash_handler = CrashHandler(context.redactor, log_directory(), lambda: window)
    crash_handler.install()
    if args.startup_time:
        FirstPaintProbe(window, started_at, app)
    window.show()
    log_files: list[Path] = []
    if not args.startup_time:
        # After the first paint: the log file opens, the keyring loads, the sandbox starts
        # and the connection is checked on workers, never before the window is up.
        QTimer.singleShot(0, lambda: log_files.append(start_session(window, context, args.sandbox)))
    status = app.exec()
    crash_handler.uninstall()
    context.shutdown()
    for path in log_files:
        remove_file_log(path)
    return status


def start_session(window: MainWindow, context: AppContext, sandbox: bool) -> Path:
    """Returns the log file it opened, for the caller to close at exit."""
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
