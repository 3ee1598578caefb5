"""One place for every exception nobody caught: masked, logged, saved, shown — and survived.

Python calls ``sys.excepthook`` for errors in Qt slots and on the main thread, and
``threading.excepthook`` for other threads; both end here. The report is masked with the
app's redactor before it is logged, written or shown, so a secret in an exception's text
never reaches a file or the screen.
"""

from __future__ import annotations

import logging
import sys
import threading
import traceback
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop_app import APP_NAME, __version__
from desktop_app.api.redaction import Redactor
from desktop_app.ui.form_fields import named

log = logging.getLogger("desktop_app.crash")

ExcInfo = tuple[type[BaseException], BaseException, TracebackType | None]


def crash_report(exc_info: ExcInfo, redact: Callable[[str], str], where: str) -> str:
    kind, error, tb = exc_info
    text = "".join(traceback.format_exception(kind, error, tb))
    header = (
        f"{APP_NAME} {__version__} · Python {sys.version.split()[0]} · {sys.platform}\n"
        f"{datetime.now(UTC).isoformat(timespec='seconds')} · {where}\n\n"
    )
    return redact(header + text)


class CrashReportDialog(QDialog):
    """Says what happened in plain words, with the masked report ready to copy."""

    def __init__(self, report: str, saved_to: Path | None, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("crashReportDialog")
        self.setWindowTitle("Something went wrong")
        where = f" A copy was saved to {saved_to}." if saved_to else ""
        message = QLabel(
            "Something unexpected went wrong inside the app. It is still running and nothing "
            "you typed was lost. Please send this report to the team that maintains it "
            f"(secrets are already masked).{where}"
        )
        message.setWordWrap(True)
        self.report_view = named(QPlainTextEdit(report), "crashReportText")
        self.report_view.setReadOnly(True)
        self.report_view.setAccessibleName("Crash report")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        copy = named(QPushButton("&Copy report"), "copyCrashReportButton")
        buttons.addButton(copy, QDialogButtonBox.ButtonRole.ActionRole)
        copy.clicked.connect(lambda: QGuiApplication.clipboard().setText(report))
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(message)
        layout.addWidget(self.report_view, 1)
        layout.addWidget(buttons)
        self.resize(640, 420)


class CrashHandler(QObject):
    """Install once at start; ``uninstall`` restores the previous hooks."""

    report_ready = Signal(str, object)  # masked report, saved path (or None)

    def __init__(
        self,
        redactor: Redactor,
        report_folder: Path | None,
        parent_window: Callable[[], QWidget | None],
    ) -> None:
        super().__init__()
        self._redact = redactor
        self._folder = report_folder
        self._parent_window = parent_window
        self._previous_hook = sys.excepthook
        self._previous_thread_hook = threading.excepthook
        self._showing = False
        self.dialog: CrashReportDialog | None = None
        self.report_ready.connect(self._show)  # queued when raised off the GUI thread

    def install(self) -> None:
        sys.excepthook = self.handle
        threading.excepthook = self._handle_thread

    def uninstall(self) -> None:
        sys.excepthook = self._previous_hook
        threading.excepthook = self._previous_thread_hook

    def _handle_thread(self, args: threading.ExceptHookArgs) -> None:
        if args.exc_value is None:
            return
        name = args.thread.name if args.thread else "a background thread"
        self.handle(args.exc_type, args.exc_value, args.exc_traceback, where=f"thread {name}")

    def handle(
        self,
        kind: type[BaseException],
        error: BaseException,
        tb: TracebackType | None,
        where: str = "main thread",
    ) -> None:
        if issubclass(kind, KeyboardInterrupt):
            self._previous_hook(kind, error, tb)
            return
        try:
            report = crash_report((kind, error, tb), self._redact, where)
            log.critical("unhandled exception\n%s", report)
            saved = self._save(report)
            self.report_ready.emit(report, saved)
        except Exception:  # the handler must never become the crash
            self._previous_hook(kind, error, tb)

    def _save(self, report: str) -> Path | None:
        if self._folder is None:
            return None
        try:
            self._folder.mkdir(parents=True, exist_ok=True)
            stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S-%f")
            path = self._folder / f"crash-{stamp}.txt"
            path.write_text(report, encoding="utf-8")
            return path
        except OSError as problem:
            log.error("could not save the crash report: %s", problem)
            return None

    @Slot(str, object)
    def _show(self, report: str, saved: object) -> None:
        if self._showing:  # one dialog at a time: a burst of errors is one problem to read
            return
        self._showing = True
        dialog = CrashReportDialog(
            report, saved if isinstance(saved, Path) else None, self._parent_window()
        )
        dialog.finished.connect(self._closed)
        self.dialog = dialog
        dialog.open()

    def _closed(self, _result: int) -> None:
        self._showing = False
        self.dialog = None
