"""The activity log: every request the app made, in a dock and in a rotating file.

``ActivityLogHandler`` is a ``logging.Handler`` on the ``desktop_app.api`` logger. Records arrive
on whichever worker thread sent the request; the handler only keeps each one, and the GUI thread
turns them into masked :class:`~desktop_app.activity.ActivityEntry` rows when it takes them. The
worker's next request waits for whatever the worker does between two requests: building an
entry there (four maskings, a local time, a dataclass) cost ~40 µs a request, ~4 ms of a
10,000-account login (./dev bench); taken in a batch, it runs while the worker waits on the network.
It tells the GUI thread once that records are waiting (a Qt signal, queued across threads), and
not again until they have been taken: the dock takes them at most every ``FLUSH_INTERVAL_MS``
and adds them to its model in one batch (one ``beginInsertRows``), keeping the last ``MAX_ROWS``
rows. A signal per record woke the GUI thread 100 times during a 10,000-account login, and each
wake took the GIL from the worker reading the next page: ~16 ms of that login (./dev bench).
While jobs run, :class:`QuietLogging` has the handlers keep even that one signal (and the log
file's writer its wake) for a timer on the GUI thread, or the job's end.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from enum import IntEnum
from logging.handlers import RotatingFileHandler
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QStandardPaths,
    Qt,
    QTimer,
    QUrl,
    Signal,
)
from PySide6.QtGui import QColor, QDesktopServices
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDockWidget,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop_app.activity import ActivityEntry, MaskingFormatter, entry_from_record
from desktop_app.api.redaction import Redactor
from desktop_app.ui.form_fields import named

__all__ = [
    "LOG_FILE_NAME",
    "MAX_ROWS",
    "ActivityColumn",
    "ActivityLogDock",
    "ActivityLogHandler",
    "ActivityTableModel",
    "QuietLogging",
    "flush_file_log",
    "install_file_log",
    "log_directory",
    "open_log_folder",
    "remove_file_log",
]

API_LOGGER = "desktop_app.api"
APP_LOGGER = "desktop_app"
LOG_FILE_NAME = "shopper-login-desk.log"
LOG_FILE_MAX_BYTES = 1_000_000
LOG_FILE_BACKUPS = 5
MAX_ROWS = 5_000
FLUSH_INTERVAL_MS = 100

_AnyIndex = QModelIndex | QPersistentModelIndex
_DISPLAY = int(Qt.ItemDataRole.DisplayRole)
_TOOLTIP = int(Qt.ItemDataRole.ToolTipRole)
_FOREGROUND = int(Qt.ItemDataRole.ForegroundRole)
_ALIGNMENT = int(Qt.ItemDataRole.TextAlignmentRole)


def _enable_info(logger: logging.Logger) -> int:
    """Let INFO records through ``logger``; returns the level to restore later."""
    previous = logger.level
    if not logger.isEnabledFor(logging.INFO):
        logger.setLevel(logging.INFO)
    return previous


# --------------------------------------------------------------------------- the handler


class _Bridge(QObject):
    """Lives on the GUI thread; emitting from a worker queues the call to the GUI thread."""

    entries_waiting = Signal()


class ActivityLogHandler(logging.Handler):
    """Turns log records into masked activity entries for the GUI thread to take.

    Create it on the GUI thread. ``redactor`` masks known values (add the client secret with
    ``handler.redactor.add(...)``) on top of the secret shapes it always masks.
    """

    def __init__(self, redactor: Redactor | None = None, level: int = logging.INFO) -> None:
        super().__init__(level)
        self.redactor = redactor if redactor is not None else Redactor()
        self._bridge = _Bridge()
        self._installed: list[tuple[logging.Logger, int]] = []
        self._waiting_lock = threading.Lock()
        self._waiting: list[logging.LogRecord] = []
        self._gui_told = False
        self._held = False

    @property
    def entries_waiting(self) -> Any:
        """``Signal()`` on the GUI thread: :meth:`take_entries` has entries. Sent once, then
        not again until they have been taken."""
        return self._bridge.entries_waiting

    def emit(self, record: logging.LogRecord) -> None:
        """Keep ``record`` for :meth:`take_entries`; no formatting or masking on this thread."""
        try:
            with self._waiting_lock:
                self._waiting.append(record)
                if len(self._waiting) > 2 * MAX_ROWS:  # a stalled GUI: keep what can be shown
                    del self._waiting[:-MAX_ROWS]
                tell = not self._gui_told and not self._held
                self._gui_told = self._gui_told or tell
            if tell:
                self._bridge.entries_waiting.emit()
        except RuntimeError:
            pass  # the bridge was deleted at shutdown: nobody is left to show the row
        except Exception:
            self.handleError(record)

    def hold_wakes(self) -> None:
        """Keep records without telling the GUI thread, until :meth:`release_wakes` (see
        :class:`QuietLogging`)."""
        with self._waiting_lock:
            self._held = True

    def release_wakes(self) -> None:
        """Tell again as records arrive, and now if some are waiting. On the GUI thread."""
        with self._waiting_lock:
            self._held = False
            tell = bool(self._waiting) and not self._gui_told
            self._gui_told = self._gui_told or tell
        if tell:
            self._bridge.entries_waiting.emit()

    def take_entries(self) -> list[ActivityEntry]:
        """Everything logged since the last call, oldest first, masked."""
        with self._waiting_lock:
            records, self._waiting = self._waiting, []
            self._gui_told = False
        return [entry_from_record(record, self.redactor) for record in records]

    def install(self, logger_name: str = API_LOGGER) -> None:
        """Start receiving ``logger_name``'s records (INFO and up)."""
        logger = logging.getLogger(logger_name)
        if self in logger.handlers:
            return
        self._installed.append((logger, _enable_info(logger)))
        logger.addHandler(self)

    def uninstall(self) -> None:
        """Stop receiving records and restore the loggers' levels."""
        for logger, level in reversed(self._installed):
            logger.removeHandler(self)
            logger.setLevel(level)
        self._installed.clear()


# ----------------------------------------------------------------------------- the model


class ActivityColumn(IntEnum):
    TIME = 0
    METHOD = 1
    PATH = 2
    STATUS = 3
    ELAPSED = 4
    REQUEST_ID = 5
    OUTCOME = 6

    @property
    def title(self) -> str:
        return _TITLES[self]


_TITLES: dict[ActivityColumn, str] = {
    ActivityColumn.TIME: "Time",
    ActivityColumn.METHOD: "Method",
    ActivityColumn.PATH: "Path",
    ActivityColumn.STATUS: "Status",
    ActivityColumn.ELAPSED: "Elapsed ms",
    ActivityColumn.REQUEST_ID: "Request ID",
    ActivityColumn.OUTCOME: "Outcome",
}
_COLUMN_COUNT = len(ActivityColumn)
_FAILED_COLOR = QColor(0xD6, 0x45, 0x45)  # the token table's "expired" red


class ActivityTableModel(QAbstractTableModel):
    """The last ``max_rows`` activity entries, oldest first."""

    def __init__(self, parent: QObject | None = None, max_rows: int = MAX_ROWS) -> None:
        super().__init__(parent)
        if max_rows < 1:
            raise ValueError("max_rows must be at least 1")
        self.max_rows = max_rows
        self._entries: list[ActivityEntry] = []

    def add_entries(self, entries: Sequence[ActivityEntry]) -> None:
        """Append a batch: at most one ``removeRows`` (oldest) and one ``insertRows``."""
        batch = list(entries)[-self.max_rows :]
        if not batch:
            return
        overflow = len(self._entries) + len(batch) - self.max_rows
        if overflow > 0:
            self.beginRemoveRows(QModelIndex(), 0, overflow - 1)
            del self._entries[:overflow]
            self.endRemoveRows()
        first = len(self._entries)
        self.beginInsertRows(QModelIndex(), first, first + len(batch) - 1)
        self._entries.extend(batch)
        self.endInsertRows()

    def clear(self) -> None:
        self.beginResetModel()
        self._entries.clear()
        self.endResetModel()

    def entries(self) -> tuple[ActivityEntry, ...]:
        return tuple(self._entries)

    def entry_at(self, row: int) -> ActivityEntry:
        return self._entries[row]

    def rowCount(self, parent: _AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._entries)

    def columnCount(self, parent: _AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else _COLUMN_COUNT

    def headerData(
        self,
        section: int,
        orientation: Qt.Orientation,
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> Any:
        if role != _DISPLAY or orientation != Qt.Orientation.Horizontal:
            return None
        return _TITLES[ActivityColumn(section)] if 0 <= section < _COLUMN_COUNT else None

    def data(self, index: _AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._entries):
            return None
        entry = self._entries[index.row()]
        column = index.column()
        if role == _DISPLAY:
            return _display(entry, column)
        if role == _TOOLTIP:
            return entry.message
        if role == _FOREGROUND:
            return _FAILED_COLOR if entry.failed else None
        if role == _ALIGNMENT and column in (ActivityColumn.STATUS, ActivityColumn.ELAPSED):
            return Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        return None


def _display(entry: ActivityEntry, column: int) -> str | None:
    if column == ActivityColumn.TIME:
        return entry.time.strftime("%H:%M:%S")
    if column == ActivityColumn.METHOD:
        return entry.method
    if column == ActivityColumn.PATH:
        return entry.path
    if column == ActivityColumn.STATUS:
        return "" if entry.status is None else str(entry.status)
    if column == ActivityColumn.ELAPSED:
        return "" if entry.elapsed_ms is None else f"{entry.elapsed_ms:.0f}"
    if column == ActivityColumn.REQUEST_ID:
        return entry.request_id or ""
    if column == ActivityColumn.OUTCOME:
        return entry.outcome
    return None


# ------------------------------------------------------------------------------ the dock


class ActivityLogDock(QDockWidget):
    """A dock with the activity table; feed it with :meth:`attach` or :meth:`add_entry`."""

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        max_rows: int = MAX_ROWS,
        flush_interval_ms: int = FLUSH_INTERVAL_MS,
    ) -> None:
        super().__init__("Activity", parent)
        self.setObjectName("activityLog")
        self.setAllowedAreas(
            Qt.DockWidgetArea.BottomDockWidgetArea | Qt.DockWidgetArea.RightDockWidgetArea
        )
        self.model = ActivityTableModel(self, max_rows)
        self._pending: list[ActivityEntry] = []
        self._handlers: list[ActivityLogHandler] = []
        self._flush_timer = QTimer(self)
        self._flush_timer.setSingleShot(True)
        self._flush_timer.setInterval(flush_interval_ms)
        self._flush_timer.timeout.connect(self.flush)

        self.view = named(QTableView(), "activityTable")
        self.view.setAccessibleName("Requests made by the app")
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setWordWrap(False)
        self.view.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.view.verticalHeader().hide()
        self.view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(ActivityColumn.PATH, QHeaderView.ResizeMode.Stretch)
        metrics = self.view.fontMetrics()
        for column, sample in (
            (ActivityColumn.TIME, "00:00:00"),
            (ActivityColumn.METHOD, "DELETE"),
            (ActivityColumn.STATUS, "Status"),
            (ActivityColumn.ELAPSED, "Elapsed ms"),
            (ActivityColumn.REQUEST_ID, "0000000000000000"),
            (ActivityColumn.OUTCOME, "Rejected as invalid"),
        ):
            header.resizeSection(column, metrics.horizontalAdvance(sample) + 24)

        self.clear_button = named(QPushButton("Clear"), "activityClearButton")
        self.clear_button.setToolTip("Empty this list (the log file is kept)")
        self.clear_button.clicked.connect(self.clear)

        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.view, 1)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.clear_button)
        layout.addLayout(buttons)
        self.setWidget(body)

    def attach(self, handler: ActivityLogHandler) -> None:
        """Show what ``handler`` receives, taken from it at the next flush."""
        self._handlers.append(handler)
        handler.entries_waiting.connect(self._schedule_flush)

    def add_entry(self, entry: object) -> None:
        """Queue one entry; the batch reaches the table on the next flush."""
        if isinstance(entry, ActivityEntry):
            self._pending.append(entry)
            if len(self._pending) > 2 * self.model.max_rows:  # only the newest can be shown
                del self._pending[: -self.model.max_rows]
            self._schedule_flush()

    def _schedule_flush(self) -> None:
        if not self._flush_timer.isActive():
            self._flush_timer.start()

    def flush(self) -> None:
        """Add everything queued in one batch and keep the newest row in view if it was."""
        self._flush_timer.stop()
        for handler in self._handlers:
            self._pending.extend(handler.take_entries())
        if not self._pending:
            return
        batch, self._pending = self._pending, []
        scrollbar = self.view.verticalScrollBar()
        following = scrollbar.value() >= scrollbar.maximum()
        self.model.add_entries(batch)
        if following:
            self.view.scrollToBottom()

    def clear(self) -> None:
        self._pending.clear()
        self.model.clear()


# -------------------------------------------------------------------------- the log file


class _BatchedFileLog(logging.Handler):
    """What :func:`install_file_log` puts on the logger: it keeps each record, and a writer
    thread masks, formats and writes them to the rotating file in batches.

    Why: the worker that logged a request sends the next one only when the logging call
    returns, and writing there (a size check for rotation, a write, a flush) cost ~45 µs a
    request, ~12 ms of a 10,000-account login. A queue with a thread woken per record cost
    more still: every wake takes the GIL from the worker (./dev bench). So the writer wakes
    once per batch: ``BATCH_SECONDS`` after the first record of a batch, at once for a
    warning or an error (the lines before it are written with it), and at close."""

    BATCH_SECONDS = 0.25

    def __init__(self, file_handler: RotatingFileHandler) -> None:
        super().__init__(logging.INFO)
        self.file_handler = file_handler
        self.restore_level = logging.NOTSET
        self._pending: list[logging.LogRecord] = []
        self._pending_lock = threading.Condition()
        self._held = False
        self._urgent = threading.Event()
        self._write_lock = threading.Lock()
        self._open = True
        self._writer = threading.Thread(
            target=self._write_batches, name="log-file-writer", daemon=True
        )
        self._writer.start()

    @property
    def path(self) -> Path:
        return Path(self.file_handler.baseFilename)

    def emit(self, record: logging.LogRecord) -> None:
        urgent = record.levelno >= logging.WARNING
        with self._pending_lock:
            self._pending.append(record)
            if urgent or (len(self._pending) == 1 and not self._held):
                self._pending_lock.notify()
        if urgent:
            self._urgent.set()

    def hold_wakes(self) -> None:
        """Wake the writer only for warnings and errors, until :meth:`release_wakes` (see
        :class:`QuietLogging`)."""
        with self._pending_lock:
            self._held = True

    def release_wakes(self) -> None:
        """Wake the writer as records arrive again, and now if some are waiting."""
        with self._pending_lock:
            self._held = False
            if self._pending:
                self._pending_lock.notify()

    def _write_batches(self) -> None:
        while True:
            with self._pending_lock:
                while self._open and not self._pending:
                    self._pending_lock.wait()
                if not self._open:
                    return  # close() writes what is left
            self._urgent.wait(self.BATCH_SECONDS)  # let the batch fill, unless it is urgent
            self._urgent.clear()
            self._write_pending()

    def _write_pending(self) -> None:
        with self._write_lock:  # batches reach the file whole and in order
            with self._pending_lock:
                batch, self._pending = self._pending, []
            for record in batch:
                self.file_handler.handle(record)

    def flush(self) -> None:
        """Write everything logged so far, on this thread (``logging.shutdown`` calls it)."""
        self._write_pending()
        self.file_handler.flush()

    def close(self) -> None:
        """End the writer thread, write what is left and close the file."""
        with self._pending_lock:
            was_open, self._open = self._open, False
            self._pending_lock.notify()
        if was_open:
            self._urgent.set()
            self._writer.join()
            self._write_pending()
            self.file_handler.close()
        super().close()


class QuietLogging(QObject):
    """Keeps log records from waking other threads while jobs run.

    A batch of records wakes two threads: the GUI thread (for the dock) and the log file's
    writer. A job's first record comes when its first request returns, so both woke while
    its next request was being sent: on a two-core machine the wakes cost ~0.3 ms of a 3 ms
    login (./dev bench). Between :meth:`set_busy` ``(True)`` and ``(False)`` the activity
    handlers and file logs on the app's loggers only keep their records (warnings and errors
    still reach the file at once); a timer here lets them tell every ``interval_ms``, so a
    long job's lines still show as it runs."""

    def __init__(self, parent: QObject | None = None, interval_ms: int = FLUSH_INTERVAL_MS):
        super().__init__(parent)
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self._release_waiting)

    @property
    def holding(self) -> bool:
        return self._timer.isActive()

    def set_busy(self, busy: bool) -> None:
        if busy == self._timer.isActive():
            return
        if busy:
            for handler in _quiet_handlers():
                handler.hold_wakes()
            self._timer.start()
        else:
            self._timer.stop()
            for handler in _quiet_handlers():
                handler.release_wakes()

    def _release_waiting(self) -> None:
        for handler in _quiet_handlers():
            handler.release_wakes()
            handler.hold_wakes()


_APP_LOGGERS = (logging.getLogger(API_LOGGER), logging.getLogger(APP_LOGGER))


def _quiet_handlers() -> list[ActivityLogHandler | _BatchedFileLog]:
    """This module's handlers on the app's loggers: the ones :class:`QuietLogging` holds.
    Looked up on each call (handlers come and go); the loggers themselves never change, and
    ``getLogger`` takes logging's global lock on a job's way to its first request."""
    return [
        handler
        for logger in _APP_LOGGERS
        for handler in logger.handlers
        if isinstance(handler, ActivityLogHandler | _BatchedFileLog)
    ]


def log_directory() -> Path:
    """``<AppLocalDataLocation>/logs``: where the rotating log file lives."""
    base = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppLocalDataLocation)
    return Path(base) / "logs"


def install_file_log(
    directory: Path | str | None = None,
    *,
    redact: Callable[[str], str] | None = None,
    logger_name: str = APP_LOGGER,
) -> Path:
    """Write ``logger_name``'s masked lines to ``<directory>/shopper-login-desk.log``.

    1 MB per file, 5 old files kept. Calling it again for the same file adds nothing.
    """

    folder = Path(directory) if directory is not None else log_directory()
    folder.mkdir(parents=True, exist_ok=True)
    path = (folder / LOG_FILE_NAME).resolve()
    logger = logging.getLogger(logger_name)
    if _file_log_for(path, logger) is not None:
        return path
    file_handler = RotatingFileHandler(
        path, maxBytes=LOG_FILE_MAX_BYTES, backupCount=LOG_FILE_BACKUPS, encoding="utf-8"
    )
    file_handler.setLevel(logging.INFO)
    file_handler.setFormatter(MaskingFormatter(redact))
    handler = _BatchedFileLog(file_handler)
    handler.restore_level = _enable_info(logger)
    logger.addHandler(handler)
    return path


def flush_file_log(path: Path | str, *, logger_name: str = APP_LOGGER) -> bool:
    """Wait until everything logged so far is written to ``path``; ``False`` if it is not
    being written."""
    existing = _file_log_for(Path(path).resolve(), logging.getLogger(logger_name))
    if existing is None:
        return False
    existing.flush()
    return True


def remove_file_log(path: Path | str, *, logger_name: str = APP_LOGGER) -> bool:
    """Stop writing to ``path`` (closing it); ``False`` if it was not being written."""
    logger = logging.getLogger(logger_name)
    existing = _file_log_for(Path(path).resolve(), logger)
    if existing is None:
        return False
    logger.removeHandler(existing)
    existing.close()
    logger.setLevel(existing.restore_level)
    return True


def _file_log_for(path: Path, logger: logging.Logger) -> _BatchedFileLog | None:
    """The handler :func:`install_file_log` put on ``logger`` for ``path`` (resolved), if any."""
    for existing in logger.handlers:
        if isinstance(existing, _BatchedFileLog) and existing.path == path:
            return existing
    return None


def open_log_folder(directory: Path | str | None = None) -> bool:
    """Open the log folder in the file manager (Help ▸ Open log folder)."""
    folder = Path(directory) if directory is not None else log_directory()
    folder.mkdir(parents=True, exist_ok=True)
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))
