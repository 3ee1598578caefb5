"""The activity log: every request as a masked row, from any thread, and in a rotating file."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from logging.handlers import RotatingFileHandler
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QCoreApplication, QModelIndex, QStandardPaths, Qt, QThread, QUrl
from pytestqt.qtbot import QtBot

from desktop_app.activity import (
    CANCELLED_TEMPLATE,
    FAILED_TEMPLATE,
    REPLY_TEMPLATE,
    ActivityEntry,
    MaskingFormatter,
    entry_from_record,
    outcome_for_status,
)
from desktop_app.api.client import CommerceClient
from desktop_app.api.connection import ConnectionConfig
from desktop_app.api.errors import NetworkError
from desktop_app.sandbox import RunningSandbox
from desktop_app.sandbox.seed import DEMO_SHOPPER_PROFILE_ID
from desktop_app.ui import activity_log
from desktop_app.ui.activity_log import (
    ActivityColumn,
    ActivityLogDock,
    ActivityLogHandler,
    ActivityTableModel,
    QuietLogging,
    flush_file_log,
    install_file_log,
    log_directory,
    open_log_folder,
    remove_file_log,
)
from desktop_app.ui.main_window import MainWindow
from desktop_app.worker import JobContext
from tests.conftest import FAST_RETRY, FAST_TIMEOUTS, make_client

SECRET_CLIENT = "marker-client-secret-9f3a"
PASSWORD = "hunter2-marker-password"
JWT = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJyb24ifQ.c2lnbmF0dXJlLW1hcmtlcg"
BEARER = "0123456789abcdef0123456789abcdef01234567"
KNOWN = "bare-known-secret-value"
SECRETS = (SECRET_CLIENT, PASSWORD, JWT, BEARER, KNOWN, "c2lnbmF0dXJlLW1hcmtlcg")


def record(msg: str, *args: Any, level: int = logging.INFO, **extra: Any) -> logging.LogRecord:
    made = logging.LogRecord("desktop_app.api", level, __file__, 1, msg, args, None)
    for key, value in extra.items():
        setattr(made, key, value)
    return made


def leaky_record() -> logging.LogRecord:
    """Everything a careless log call could leak, in one line."""
    return record(
        "%s %s failed after %.0f ms: %s",
        "POST",
        f"/oauth/access_token?client_secret={SECRET_CLIENT}",
        12.0,
        f'Authorization: Bearer {BEARER} body {{"password": "{PASSWORD}"}} '
        f"EP-Account-Management-Authentication-Token: {JWT} also {KNOWN}",
        level=logging.WARNING,
    )


def all_model_text(model: ActivityTableModel) -> str:
    roles = (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole)
    cells = [
        str(model.data(model.index(row, column), role))
        for row in range(model.rowCount())
        for column in range(model.columnCount())
        for role in roles
    ]
    return "\n".join(cells)


@pytest.fixture
def handler(qtbot: QtBot) -> Iterator[ActivityLogHandler]:
    made = ActivityLogHandler()
    made.redactor.add(KNOWN)
    made.install()
    yield made
    made.uninstall()


@pytest.fixture
def dock(qtbot: QtBot, handler: ActivityLogHandler) -> ActivityLogDock:
    made = ActivityLogDock(flush_interval_ms=10)
    made.attach(handler)
    qtbot.addWidget(made)
    with qtbot.waitExposed(made):
        made.show()
    return made


# ------------------------------------------------------------------- records → entries


@pytest.mark.parametrize(
    ("status", "words"),
    [
        (200, "OK"),
        (201, "Created"),
        (401, "Not accepted"),
        (403, "Not allowed"),
        (404, "Not found"),
        (429, "Too many requests"),
        (503, "Store busy"),
        (299, "OK"),
        (418, "Refused by the store"),
        (599, "Store error"),
    ],
)
def test_statuses_in_plain_words(status: int, words: str) -> None:
    assert outcome_for_status(status) == words


def test_a_reply_record_becomes_a_structured_row() -> None:
    entry = entry_from_record(
        record(REPLY_TEMPLATE, "POST", "/v2/account-members/tokens", 201, 12.4, "req-1")
    )
    assert (entry.method, entry.path, entry.status, entry.request_id) == (
        "POST",
        "/v2/account-members/tokens",
        201,
        "req-1",
    )
    assert entry.elapsed_ms == pytest.approx(12.4)
    assert entry.outcome == "Created"
    assert not entry.failed
    assert entry.message == "POST /v2/account-members/tokens -> 201 in 12 ms (request req-1)"


def test_a_reply_without_request_id_and_a_refusal() -> None:
    entry = entry_from_record(record(REPLY_TEMPLATE, "GET", "/v2/account-members", 401, 3.0, "-"))
    assert entry.request_id is None
    assert entry.outcome == "Not accepted"
    assert entry.failed


def test_cancelled_and_failed_records() -> None:
    cancelled = entry_from_record(record(CANCELLED_TEMPLATE, "GET", "/v2/x", 40.0))
    assert (cancelled.outcome, cancelled.status, cancelled.failed) == ("Cancelled", None, False)
    failed = entry_from_record(
        record(FAILED_TEMPLATE, "GET", "/v2/x", 5.0, "ConnectionError: refused", level=30)
    )
    assert (failed.outcome, failed.elapsed_ms, failed.failed) == ("Network failure", 5.0, True)


def test_structured_extra_is_preferred_over_args() -> None:
    """The shape proposed for transport.py: ``extra={"activity": {...}}``."""
    activity = {
        "method": "GET",
        "path": "/v2/accounts/a1",
        "status": 404,
        "elapsed_ms": 7.0,
        "request_id": "r9",
        "result": "reply",
    }
    entry = entry_from_record(record("anything %s", "x", activity=activity))
    assert (entry.method, entry.path, entry.status, entry.outcome) == (
        "GET",
        "/v2/accounts/a1",
        404,
        "Not found",
    )
    cancelled = entry_from_record(record("x", activity={"method": "GET", "result": "cancelled"}))
    assert cancelled.outcome == "Cancelled"
    failed = entry_from_record(record("x", activity={"method": "GET", "result": "failed"}))
    assert failed.outcome == "Network failure"


def test_paths_are_decoded_before_masking() -> None:
    entry = entry_from_record(
        record(REPLY_TEMPLATE, "GET", "/x?client%5Fsecret%3Dabc%26page%5Blimit%5D=1", 200, 1.0, "-")
    )
    assert entry.path == "/x?client_secret=•••&page[limit]=1"
    assert "abc" not in entry.path


def test_other_records_show_their_masked_message() -> None:
    entry = entry_from_record(record("signed in again with %s", f"Bearer {BEARER}"))
    assert entry.method == ""
    assert entry.outcome == "signed in again with Bearer •••"
    broken = entry_from_record(record("%s and %s", "only one"))
    assert broken.outcome == "%s and %s"


def test_the_transport_templates_have_not_drifted(sandbox: RunningSandbox) -> None:
    """Real records from the real transport parse into structured rows."""
    seen: list[ActivityEntry] = []

    class Collect(logging.Handler):
        def emit(self, made: logging.LogRecord) -> None:
            seen.append(entry_from_record(made))

    collector = Collect(logging.INFO)
    logger = logging.getLogger("desktop_app.api")
    previous = logger.level
    logger.setLevel(logging.INFO)
    logger.addHandler(collector)
    client = make_client(sandbox)
    dead = CommerceClient(
        ConnectionConfig("Dead", "http://127.0.0.1:9", "id", None),
        timeouts=FAST_TIMEOUTS,
        retry=FAST_RETRY,
    )
    try:
        client.login_shopper(DEMO_SHOPPER_PROFILE_ID, "ron@swanson.com", "pawnee-parks-1")
        with pytest.raises(NetworkError):
            dead.check_credentials()
    finally:
        logger.removeHandler(collector)
        logger.setLevel(previous)
        client.close()
        dead.close()
    assert [(e.method, e.path, e.outcome) for e in seen[:2]] == [
        ("POST", "/oauth/access_token", "OK"),
        ("POST", "/v2/account-members/tokens?page[limit]=100&page[offset]=0", "Created"),
    ]
    assert seen[1].status == 201
    assert seen[1].elapsed_ms is not None
    assert seen[-1].outcome == "Network failure"
    assert seen[-1].method == "POST"


# ----------------------------------------------------------------------------- the dock


def test_records_from_a_worker_thread_arrive_on_the_gui_thread(
    qtbot: QtBot, dock: ActivityLogDock
) -> None:
    gui_thread = QCoreApplication.instance().thread()  # type: ignore[union-attr]
    inserted_on: list[bool] = []
    dock.model.rowsInserted.connect(
        lambda *_: inserted_on.append(QThread.currentThread() is gui_thread)
    )
    logger = logging.getLogger("desktop_app.api")

    def worker() -> None:
        for n in range(20):
            logger.info(REPLY_TEMPLATE, "GET", f"/v2/items/{n}", 200, 1.0, f"r{n}")

    threads = [threading.Thread(target=worker) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    qtbot.waitUntil(lambda: dock.model.rowCount() == 60, timeout=5000)
    assert inserted_on
    assert all(inserted_on)
    assert len(inserted_on) < 60  # batched, not one insert per record
    model = dock.model
    assert model.data(model.index(0, ActivityColumn.OUTCOME)) == "OK"
    assert model.data(model.index(0, ActivityColumn.METHOD)) == "GET"


def test_a_burst_of_requests_wakes_the_gui_thread_once(
    qtbot: QtBot, handler: ActivityLogHandler
) -> None:
    """Each wake takes the GIL from the worker reading the next page of a login."""
    told: list[bool] = []
    handler.entries_waiting.connect(lambda: told.append(True))
    logger = logging.getLogger("desktop_app.api")

    def worker() -> None:
        for n in range(100):
            logger.info(REPLY_TEMPLATE, "POST", f"/v2/tokens?page={n}", 201, 1.0, f"r{n}")

    thread = threading.Thread(target=worker)
    thread.start()
    thread.join()
    qtbot.waitUntil(lambda: bool(told), timeout=5000)
    QCoreApplication.processEvents()
    assert told == [True]
    taken = handler.take_entries()
    assert [entry.path for entry in taken] == [f"/v2/tokens?page={n}" for n in range(100)]
    assert handler.take_entries() == []
    logger.info(REPLY_TEMPLATE, "GET", "/v2/next", 200, 1.0, "r")  # after taking: told again
    qtbot.waitUntil(lambda: len(told) == 2, timeout=5000)


def test_rows_are_masked_on_the_thread_that_takes_them(
    qtbot: QtBot, handler: ActivityLogHandler
) -> None:
    """The worker that logged only hands the record over: masking and building the row wait
    for the GUI thread, while the worker is already sending its next request."""
    masked_on: set[str] = set()
    mask = handler.redactor

    def noting_mask(text: str) -> str:
        masked_on.add(threading.current_thread().name)
        return mask(text)

    handler.redactor = noting_mask  # type: ignore[assignment]
    logger = logging.getLogger("desktop_app.api")
    thread = threading.Thread(
        target=lambda: logger.info(REPLY_TEMPLATE, "GET", "/v2/x", 200, 1.0, "r"),
        name="a-worker",
    )
    thread.start()
    thread.join()
    assert masked_on == set()
    [entry] = handler.take_entries()
    assert entry.path == "/v2/x"
    assert masked_on == {threading.current_thread().name}


def test_columns_and_colours(qtbot: QtBot, dock: ActivityLogDock) -> None:
    assert dock.objectName() == "activityLog"
    model = dock.model
    titles = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    assert titles == [
        "Time",
        "Method",
        "Path",
        "Status",
        "Elapsed ms",
        "Request ID",
        "Outcome",
    ]
    logger = logging.getLogger("desktop_app.api")
    logger.info(REPLY_TEMPLATE, "POST", "/v2/account-members/tokens", 401, 8.6, "req-7")
    dock.flush()
    row = [model.data(model.index(0, c)) for c in range(model.columnCount())]
    assert row[1:] == ["POST", "/v2/account-members/tokens", "401", "9", "req-7", "Not accepted"]
    assert len(row[0]) == 8  # HH:MM:SS
    assert model.data(model.index(0, 0), Qt.ItemDataRole.ForegroundRole) is not None
    assert model.data(model.index(0, ActivityColumn.STATUS), Qt.ItemDataRole.TextAlignmentRole)
    assert model.rowCount(model.index(0, 0)) == 0
    assert model.data(QModelIndex()) is None


def test_secrets_never_reach_the_dock(qtbot: QtBot, dock: ActivityLogDock) -> None:
    logging.getLogger("desktop_app.api").handle(leaky_record())
    dock.flush()
    assert dock.model.rowCount() == 1
    text = all_model_text(dock.model)
    assert "client_secret=•••" in text
    assert "Network failure" in text
    for secret in SECRETS:
        assert secret not in text


def test_the_table_keeps_the_last_rows_in_batches(qtbot: QtBot) -> None:
    model = ActivityTableModel(max_rows=10)
    inserts: list[tuple[int, int]] = []
    removes: list[tuple[int, int]] = []
    model.rowsInserted.connect(lambda _p, first, last: inserts.append((first, last)))
    model.rowsRemoved.connect(lambda _p, first, last: removes.append((first, last)))

    def batch(start: int, count: int) -> list[ActivityEntry]:
        return [
            entry_from_record(record(REPLY_TEMPLATE, "GET", f"/p/{n}", 200, 1.0, "-"))
            for n in range(start, start + count)
        ]

    model.add_entries(batch(0, 6))
    model.add_entries(batch(6, 7))
    model.add_entries(batch(13, 25))
    model.add_entries([])
    assert model.rowCount() == 10
    assert [e.path for e in model.entries()] == [f"/p/{n}" for n in range(28, 38)]
    assert inserts == [(0, 5), (3, 9), (0, 9)]
    assert removes == [(0, 2), (0, 9)]
    with pytest.raises(ValueError, match="max_rows"):
        ActivityTableModel(max_rows=0)


def test_clear_empties_the_table(qtbot: QtBot, dock: ActivityLogDock) -> None:
    logging.getLogger("desktop_app.api").info("something happened")
    dock.flush()
    assert dock.model.rowCount() == 1
    qtbot.mouseClick(dock.clear_button, Qt.MouseButton.LeftButton)
    assert dock.model.rowCount() == 0


def test_uninstall_stops_the_rows_and_restores_the_level(qtbot: QtBot) -> None:
    logger = logging.getLogger("desktop_app.api")
    before = logger.level
    made = ActivityLogHandler()
    made.install()
    made.install()  # twice is once
    assert logger.handlers.count(made) == 1
    assert logger.isEnabledFor(logging.INFO)
    made.uninstall()
    assert made not in logger.handlers
    assert logger.level == before


# -------------------------------------------------------------------------- the log file


@pytest.fixture
def file_log(tmp_path: Path) -> Iterator[Path]:
    path = install_file_log(tmp_path / "logs")
    yield path
    remove_file_log(path)


def test_the_file_log_is_masked_and_rotating(file_log: Path) -> None:
    assert file_log.name == "shopper-login-desk.log"
    handlers = [
        h.file_handler
        for h in logging.getLogger("desktop_app").handlers
        if isinstance(getattr(h, "file_handler", None), RotatingFileHandler)
        and Path(h.file_handler.baseFilename) == file_log
    ]
    assert len(handlers) == 1
    assert (handlers[0].maxBytes, handlers[0].backupCount) == (1_000_000, 5)
    logging.getLogger("desktop_app.api").handle(leaky_record())
    logging.getLogger("desktop_app.api").info(
        REPLY_TEMPLATE, "GET", "/v2/account-members", 200, 2.0, "req-9"
    )
    try:
        raise RuntimeError(f"password={PASSWORD} Bearer {BEARER}")
    except RuntimeError:
        logging.getLogger("desktop_app.ui").exception("a bug with %s", JWT)
    assert flush_file_log(file_log)
    text = file_log.read_text(encoding="utf-8")
    assert "WARNING desktop_app.api: POST /oauth/access_token?client_secret=•••" in text
    assert "GET /v2/account-members -> 200 in 2 ms (request req-9)" in text
    assert "Traceback" in text
    for secret in (SECRET_CLIENT, PASSWORD, JWT, BEARER):
        assert secret not in text


def test_installing_twice_adds_one_handler(file_log: Path) -> None:
    assert install_file_log(file_log.parent) == file_log
    count = sum(
        isinstance(getattr(h, "file_handler", None), RotatingFileHandler)
        and Path(h.file_handler.baseFilename) == file_log
        for h in logging.getLogger("desktop_app").handlers
    )
    assert count == 1
    assert remove_file_log(file_log)
    assert not remove_file_log(file_log)
    assert not flush_file_log(file_log)


def _file_log_handler() -> Any:
    return next(
        h
        for h in logging.getLogger("desktop_app").handlers
        if getattr(h, "file_handler", None) is not None
    )


def _lines_when(path: Path, count: int) -> list[str]:
    """The file's lines once it has ``count`` of them (the writer thread writes them)."""
    deadline = time.monotonic() + 10
    while True:
        lines = path.read_text(encoding="utf-8").splitlines() if path.exists() else []
        if len(lines) >= count or time.monotonic() > deadline:
            return lines
        time.sleep(0.01)


def test_the_file_is_written_off_the_thread_that_logs(file_log: Path) -> None:
    """A worker's logging call only hands the line over: the worker sends its next request
    sooner. The writer thread writes the lines, in order, without anyone flushing."""
    written_on: list[str] = []
    file_handler = _file_log_handler().file_handler
    write = file_handler.emit

    def noting_emit(record: logging.LogRecord) -> None:
        written_on.append(threading.current_thread().name)
        write(record)

    file_handler.emit = noting_emit  # type: ignore[method-assign]
    logger = logging.getLogger("desktop_app.api")

    def worker() -> None:
        for n in range(50):
            logger.info(REPLY_TEMPLATE, "POST", f"/v2/tokens?page={n}", 201, 1.0, f"r{n}")

    thread = threading.Thread(target=worker, name="a-worker")
    thread.start()
    thread.join()
    lines = _lines_when(file_log, 50)
    assert [line.split("?page=")[1].split(" ")[0] for line in lines] == [str(n) for n in range(50)]
    assert set(written_on) == {"log-file-writer"}


def test_a_warning_is_written_at_once_with_the_lines_before_it(file_log: Path) -> None:
    handler = _file_log_handler()
    handler.BATCH_SECONDS = 600  # only a warning can make the writer write within the test
    logger = logging.getLogger("desktop_app.api")
    logger.info("first %d", 1)
    time.sleep(0.05)  # the writer is now waiting out its batch
    logger.warning("then a warning")
    lines = _lines_when(file_log, 2)
    assert [line.split(": ", 1)[1] for line in lines] == ["first 1", "then a warning"]


def test_closing_the_file_log_writes_what_was_queued(tmp_path: Path) -> None:
    path = install_file_log(tmp_path)
    for n in range(200):
        logging.getLogger("desktop_app.api").info("line %d", n)
    assert remove_file_log(path)  # at once: nothing flushed it before
    assert path.read_text(encoding="utf-8").count("desktop_app.api: line ") == 200


def test_known_values_are_masked_in_the_file_too(tmp_path: Path) -> None:
    from desktop_app.api.redaction import Redactor

    path = install_file_log(tmp_path, redact=Redactor([KNOWN]))
    try:
        logging.getLogger("desktop_app").warning("the value %s leaked", KNOWN)
    finally:
        remove_file_log(path)
    assert KNOWN not in path.read_text(encoding="utf-8")
    assert "the value ••• leaked" in path.read_text(encoding="utf-8")


def test_masking_formatter_masks_shapes_by_default() -> None:
    line = MaskingFormatter().format(record("token=%s", "abcdef"))
    assert line.endswith("desktop_app.api: token=•••")


def test_log_directory_is_app_local_data_logs(qtbot: QtBot) -> None:
    QStandardPaths.setTestModeEnabled(True)
    try:
        folder = log_directory()
        base = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppLocalDataLocation)
    finally:
        QStandardPaths.setTestModeEnabled(False)
    assert folder == Path(base) / "logs"
    assert folder.is_absolute()


def test_open_log_folder_opens_the_folder(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[QUrl] = []

    class FakeDesktop:
        @staticmethod
        def openUrl(url: QUrl) -> bool:
            opened.append(url)
            return True

    monkeypatch.setattr(activity_log, "QDesktopServices", FakeDesktop)
    folder = tmp_path / "logs"
    assert open_log_folder(folder)
    assert folder.is_dir()
    assert [url.toLocalFile() for url in opened] == [str(folder)]


def test_a_stalled_gui_keeps_only_what_can_be_shown(qtbot: QtBot) -> None:
    dock = ActivityLogDock(max_rows=5, flush_interval_ms=10_000)
    qtbot.addWidget(dock)
    for n in range(23):
        dock.add_entry(entry_from_record(record(REPLY_TEMPLATE, "GET", f"/p/{n}", 200, 1.0, "-")))
    dock.add_entry("not an entry")
    dock.flush()
    assert [e.path for e in dock.model.entries()] == [f"/p/{n}" for n in range(18, 23)]


# ------------------------------------------------------------- quiet while jobs run


def _log_on_a_worker(*paths: str) -> None:
    logger = logging.getLogger("desktop_app.api")

    def worker() -> None:
        for path in paths:
            logger.info(REPLY_TEMPLATE, "POST", path, 201, 1.0, "r")

    thread = threading.Thread(target=worker)
    thread.start()
    thread.join()


def test_while_busy_the_requests_wake_nobody_then_show_when_the_job_ends(
    qtbot: QtBot, handler: ActivityLogHandler, file_log: Path
) -> None:
    """A job's requests are logged while its next request is being sent: neither the GUI
    thread nor the file's writer is woken then; both get the lines once the jobs end."""
    told: list[bool] = []
    handler.entries_waiting.connect(lambda: told.append(True))
    file_handler = _file_log_handler()
    file_handler.BATCH_SECONDS = 0.0
    quiet = QuietLogging(interval_ms=60_000)
    quiet.set_busy(True)
    assert quiet.holding
    _log_on_a_worker("/v2/account-members/tokens?page=1", "/v2/account-members/tokens?page=2")
    QCoreApplication.processEvents()
    time.sleep(0.2)  # a woken writer would have written by now
    assert told == []
    assert not file_log.exists() or file_log.read_text(encoding="utf-8") == ""

    quiet.set_busy(False)
    assert not quiet.holding
    assert told == [True]  # at once, on this thread
    assert [entry.path for entry in handler.take_entries()] == [
        "/v2/account-members/tokens?page=1",
        "/v2/account-members/tokens?page=2",
    ]
    assert len(_lines_when(file_log, 2)) == 2


def test_a_long_job_still_shows_its_lines_as_it_runs(
    qtbot: QtBot, dock: ActivityLogDock, file_log: Path
) -> None:
    _file_log_handler().BATCH_SECONDS = 0.0
    quiet = QuietLogging(interval_ms=20)
    quiet.set_busy(True)
    _log_on_a_worker("/v2/page-1")
    qtbot.waitUntil(lambda: dock.model.rowCount() == 1, timeout=5000)
    assert len(_lines_when(file_log, 1)) == 1
    _log_on_a_worker("/v2/page-2")  # held again after each release
    qtbot.waitUntil(lambda: dock.model.rowCount() == 2, timeout=5000)
    assert quiet.holding
    quiet.set_busy(False)


def test_a_warning_reaches_the_file_at_once_even_while_busy(file_log: Path) -> None:
    handler = _file_log_handler()
    handler.BATCH_SECONDS = 600  # only a warning can make the writer write within the test
    quiet = QuietLogging(interval_ms=60_000)
    quiet.set_busy(True)
    logger = logging.getLogger("desktop_app.api")
    logger.info("first %d", 1)
    logger.warning("then a warning")
    lines = _lines_when(file_log, 2)
    assert [line.split(": ", 1)[1] for line in lines] == ["first 1", "then a warning"]
    quiet.set_busy(False)


@pytest.fixture
def built_window(qtbot: QtBot, window: MainWindow) -> MainWindow:
    """The main window once it has built its extras (the dock, the quiet logs)."""
    qtbot.waitUntil(lambda: window.has_extras, timeout=5000)
    return window


def test_the_window_holds_the_logs_while_its_runner_is_busy(
    qtbot: QtBot, handler: ActivityLogHandler, built_window: MainWindow
) -> None:
    """The main window ties the two together: held from before a job starts until the last
    one has ended."""
    runner = built_window.context.runner
    told: list[bool] = []
    handler.entries_waiting.connect(lambda: told.append(True))
    told_when_it_ended: list[list[bool]] = []
    runner.job_finished.connect(lambda _job: told_when_it_ended.append(list(told)))

    def job(_job: JobContext) -> None:
        logging.getLogger("desktop_app.api").info(REPLY_TEMPLATE, "GET", "/v2/x", 200, 1.0, "r")
        # The GUI thread runs its event loop meanwhile: a signal would land. Shorter than
        # the interval at which a long job's lines are let through.
        time.sleep(0.03)

    runner.submit("test", job)
    qtbot.waitUntil(lambda: not runner.busy, timeout=5000)
    assert told_when_it_ended == [[]]
    assert told == [True]
    assert not built_window.quiet_logging.holding


def test_closing_the_window_mid_job_lets_the_logs_speak_again(
    qtbot: QtBot, handler: ActivityLogHandler, built_window: MainWindow
) -> None:
    """A job cut short by the window closing never reports its end: the logs are not left
    holding their lines."""
    stop = threading.Event()

    def job(job: JobContext) -> None:
        job.on_cancel(stop.set)
        stop.wait(5)

    built_window.context.runner.submit("test", job)
    assert built_window.quiet_logging.holding
    built_window.close()
    assert not built_window.quiet_logging.holding
    told: list[bool] = []
    handler.entries_waiting.connect(lambda: told.append(True))
    _log_on_a_worker("/v2/after-close")
    qtbot.waitUntil(lambda: told == [True], timeout=5000)
