"""Logins through the real window, each next to a bare ``requests`` loop doing the same HTTP.

Run: ``python -m tests.benchmarks.bench_login [--small-runs 41] [--large-runs 5]``
(``./dev bench`` runs it with the others and prints one table).

In one process, offscreen: a :class:`MainWindow` wired exactly as the app wires it (its log
file too), connected to the sandbox, the login button clicked with ``QTest``. The sandbox runs
as its own process (the CLI), like a store on another machine: in-process it would compete with
the measured GUI thread for the GIL and count the emulator's work against the app. The floors
run in this same process against the same sandbox, alternating with the app's runs:

* click → 3 rows: until the model holds Ron's 3 rows; floor: the same two calls (implicit
  token, then the tokens POST) with a bare ``requests.Session``, one for all runs as the app
  keeps one: both send on a kept-alive connection an earlier run opened. The app's cached
  implicit token is dropped before each run so both make both calls. Ten untimed runs of
  each come first (see ``SMALL_WARM_UP_RUNS``).
* 10,000 accounts (``--accounts 10000``): total until ``login_succeeded``, and until the
  table's viewport first paints rows; floors: the same 100 page POSTs in a sequential loop,
  and its first page. The implicit token is cached in both (one warm-up login first).
* the longest gap of a 5 ms precise ``QTimer`` on the GUI thread during such a login (one run
  apart from the timed ones: the timer's own wakes would slow them); floor: the same timer with
  no work, for as long.
* RSS after each 10,000-account login minus RSS after start (window shown and connected).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.benchmarks.harness import (
    ABSOLUTE_MAX,
    RATIO_MAX,
    Figure,
    SandboxProcess,
    isolated_environment,
    rss_mb,
    write_figures,
)

os.environ.update(
    {k: v for k, v in isolated_environment().items() if k.startswith(("XDG_", "PYTHON_K"))}
)
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import requests
from PySide6.QtCore import QEvent, QEventLoop, QObject, Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QComboBox, QLineEdit, QPushButton

from desktop_app.api.auth import IMPLICIT
from desktop_app.app_context import SANDBOX, AppContext, SandboxHandle
from desktop_app.sandbox.seed import (
    DEMO_CLIENT_ID,
    DEMO_CLIENT_SECRET,
    DEMO_SHOPPER_PROFILE_ID,
)
from desktop_app.ui.activity_log import flush_file_log, install_file_log, remove_file_log
from desktop_app.ui.application import configure_application, settle_heap
from desktop_app.ui.main_window import MainWindow
from desktop_app.worker import JobRunner

USERNAME = "ron@swanson.com"
PASSWORD = "pawnee-parks-1"
TOKENS_PATH = "/v2/account-members/tokens"
PAGE_LIMIT = 100
TIMEOUT_S = 120.0
SETTLE_MS = 30
# Python 3.11 specialises a function's bytecode once it has run 8 times. The requests code both
# sides share runs twice a login and again in the floor; the window's and the client's own code
# runs once a login, so its first 8 logins ran unspecialised: the first runs of a measurement
# read ~0.2–0.5 ms slower, then settled. A user's app does that once, on its first logins.
SMALL_WARM_UP_RUNS = 10


def spin_until(app: QApplication, done: Callable[[], bool], timeout_s: float = TIMEOUT_S) -> None:
    """Run the event loop until ``done()``; a 20 ms heartbeat bounds each wait."""
    heartbeat = QTimer()
    heartbeat.start(20)
    deadline = time.perf_counter() + timeout_s
    try:
        while not done():
            if time.perf_counter() > deadline:
                raise TimeoutError("the window did not get there in time")
            app.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents)
    finally:
        heartbeat.stop()


def settle() -> None:
    """Idle for a moment, as a window does between a user's clicks: the view's deferred layout
    and the repaint it posts run now, not inside the next timed run. Each run, app or floor,
    starts after one (a floor timed right after the app's run, on a machine still warm from
    it, was ~1 ms faster than the same calls after an idle pause).

    In an event loop, as ``app.exec()`` idles, not ``QTest.qWait``: PySide6's qWait keeps the
    GIL for its whole wait, so a job thread that had just reported its result could not finish
    — it ended inside the next timed run (or the floor's), its thread still taken."""
    loop = QEventLoop()
    QTimer.singleShot(SETTLE_MS, loop.quit)
    loop.exec()


class GapTimer(QObject):
    """A 5 ms precise timer on the GUI thread; the longest gap between its ticks is the longest
    time the GUI thread could not run anything (the stall a user feels as a frozen window)."""

    def __init__(self) -> None:
        super().__init__()
        self._timer = QTimer(self)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.setInterval(5)
        self._timer.timeout.connect(self._tick)
        self._last = 0.0
        self.longest_ms = 0.0

    def start(self) -> None:
        self.longest_ms = 0.0
        self._last = time.perf_counter()
        self._timer.start()

    def stop(self) -> float:
        self._tick()
        self._timer.stop()
        return self.longest_ms

    def _tick(self) -> None:
        now = time.perf_counter()
        self.longest_ms = max(self.longest_ms, (now - self._last) * 1000.0)
        self._last = now


class FirstRowsPaint(QObject):
    """Notes when the table's viewport first paints while the model has rows."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__()
        self._model = window.token_panel.model
        window.token_panel.view.viewport().installEventFilter(self)
        self.at: float | None = None

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if self.at is None and event.type() == QEvent.Type.Paint and self._model.rowCount():
            self.at = time.perf_counter()
        return False


class Desk:
    """A main window connected to a sandbox, as ``desktop_app.ui.application`` builds it."""

    def __init__(self, app: QApplication, url: str) -> None:
        self.app = app
        running = SimpleNamespace(
            url=url,
            seed=SimpleNamespace(client_id=DEMO_CLIENT_ID, client_secret=DEMO_CLIENT_SECRET),
        )
        self.context = AppContext(
            runner=JobRunner(), environ={}, sandbox=SandboxHandle.attached(running)
        )
        self.window = MainWindow(self.context)
        # The size it asks for, as a full-HD desktop gives it: offscreen's 800x800 screen
        # would cap it at two thirds (533 px wide, the token table 131 px of it).
        self.window.resize(self.window.sizeHint())
        self.window.show()
        ready: list[object] = []
        self.window.connection_ready.connect(ready.append)
        self.window.connection_failed.connect(ready.append)
        self.window.select_connection(SANDBOX)
        spin_until(app, lambda: bool(ready))
        # As application.Session.start does once the window is up: the log file, then the heap.
        self.log_file = install_file_log(redact=self.context.redactor)
        settle_heap()
        if self.window.login_form.findChild(QPushButton, "loginButton") is None:
            raise RuntimeError("no login button")
        self.succeeded_at: float | None = None
        self.failed: object = None
        self.window.login_succeeded.connect(self._on_succeeded)
        self.window.login_failed.connect(self._on_failed)
        combo = self.window.findChild(QComboBox, "loginPasswordProfileCombo")
        combo.setCurrentIndex(combo.findData(DEMO_SHOPPER_PROFILE_ID, Qt.ItemDataRole.UserRole))
        self.window.findChild(QLineEdit, "loginUsernameEdit").setText(USERNAME)
        self.window.findChild(QLineEdit, "loginPasswordEdit").setText(PASSWORD)
        self.button = self.window.findChild(QPushButton, "loginButton")
        self.model = self.window.token_panel.model

    def _on_succeeded(self, _login: object) -> None:
        self.succeeded_at = time.perf_counter()

    def _on_failed(self, error: object) -> None:
        self.failed = error

    def forget_implicit_token(self) -> None:
        """So the next login signs in again, as a first login does (bench-only reach-in)."""
        entry = self.window.connection_bar.current_entry()
        assert entry is not None
        self.context.client_for(entry)._tokens.invalidate(IMPLICIT)

    def reset(self) -> None:
        """Untimed: an empty table and no pending events, like a window waiting for a click."""
        self.window.token_panel.clear()
        self.succeeded_at = None
        self.failed = None
        self.settle()

    def settle(self) -> None:
        """:func:`settle`, once the window has done what the last login left for later: its
        requests' lines in the activity log and the log file. A user's next click comes
        seconds later; runs 30 ms apart otherwise had that work land in a later timed run,
        the app's or a floor's, at random."""
        self.window.activity_dock.flush()
        flush_file_log(self.log_file)
        settle()

    def click_login(self) -> float:
        started = time.perf_counter()
        QTest.mouseClick(self.button, Qt.MouseButton.LeftButton)
        return started

    def wait_logged_in(self) -> None:
        spin_until(self.app, lambda: self.succeeded_at is not None or self.failed is not None)
        if self.failed is not None:
            raise RuntimeError(f"login failed: {self.failed!r}")

    def close(self) -> None:
        self.window.close()
        self.app.processEvents()
        remove_file_log(self.log_file)


def login_body() -> dict[str, object]:
    return {
        "data": {
            "type": "account_management_authentication_token",
            "authentication_mechanism": "password",
            "password_profile_id": DEMO_SHOPPER_PROFILE_ID,
            "username": USERNAME,
            "password": PASSWORD,
        }
    }


def bare_implicit_token(session: requests.Session, url: str) -> str:
    reply = session.post(
        f"{url}/oauth/access_token",
        data={"grant_type": "implicit", "client_id": DEMO_CLIENT_ID},
        timeout=30,
    )
    reply.raise_for_status()
    return str(reply.json()["access_token"])


def bare_page(session: requests.Session, url: str, token: str, offset: int) -> dict[str, object]:
    reply = session.post(
        f"{url}{TOKENS_PATH}",
        params={"page[limit]": PAGE_LIMIT, "page[offset]": offset},
        json=login_body(),
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    )
    reply.raise_for_status()
    document = reply.json()
    assert isinstance(document, dict)
    return document


def bench_small(app: QApplication, url: str, runs: int) -> Figure:
    desk = Desk(app, url)
    figure = Figure(
        "click → 3 token rows shown",
        "ms",
        RATIO_MAX,
        1.2,
        floor_name="bare requests: token + POST",
    )
    shown: list[float] = []

    def on_rows(*_args: object) -> None:
        if desk.model.rowCount() >= 3 and not shown:
            shown.append(time.perf_counter())

    desk.model.modelReset.connect(on_rows)
    desk.model.rowsInserted.connect(on_rows)
    # One session for every floor run, as the app keeps one per connection: both then send on
    # a connection opened by an earlier run (the store keeps it open).
    session = requests.Session()
    for run in range(SMALL_WARM_UP_RUNS + runs):
        desk.reset()
        desk.forget_implicit_token()
        shown.clear()
        started = desk.click_login()
        spin_until(app, lambda: bool(shown))
        desk.wait_logged_in()
        app_ms = (shown[0] - started) * 1000.0

        desk.settle()  # the floor starts from the same idle machine as the app did
        started = time.perf_counter()
        token = bare_implicit_token(session, url)
        document = bare_page(session, url, token, 0)
        floor_ms = (time.perf_counter() - started) * 1000.0
        assert len(document["data"]) == 3  # type: ignore[arg-type]
        if run >= SMALL_WARM_UP_RUNS:
            figure.samples.append(app_ms)
            figure.floor_samples.append(floor_ms)
    session.close()
    desk.close()
    return figure


def bench_large(app: QApplication, url: str, runs: int) -> list[Figure]:
    desk = Desk(app, url)
    app.processEvents()
    start_rss = rss_mb()
    total = Figure(
        "10,000-account login: total",
        "ms",
        RATIO_MAX,
        1.1,
        floor_name="bare loop, 100 pages",
    )
    first = Figure(
        "10,000-account login: first rows visible",
        "ms",
        RATIO_MAX,
        1.5,
        floor_name="bare, 1 page",
    )
    stall = Figure(
        "longest GUI-thread stall during it",
        "ms",
        ABSOLUTE_MAX,
        16.0,
        floor_name="same 5 ms timer, idle",
        note="longest gap between ticks of a 5 ms precise QTimer",
    )
    memory = Figure(
        "memory after the 10,000-account login (RSS − RSS after start)",
        "MB",
        ABSOLUTE_MAX,
        60.0,
        note=f"RSS after start {start_rss:.0f} MB (window shown, connected)",
    )
    painted = FirstRowsPaint(desk.window)
    gaps = GapTimer()
    for run in range(runs + 1):  # run 0 warms up, and caches the implicit token as a user's would
        # The stall in a login of its own: the 5 ms timer wakes the GUI thread 60 times a
        # login, and each wake takes the GIL from the worker; the totals must not pay for it.
        desk.reset()
        gaps.start()
        desk.click_login()
        desk.wait_logged_in()
        longest = gaps.stop()

        desk.reset()
        painted.at = None
        started = desk.click_login()
        desk.wait_logged_in()
        assert desk.succeeded_at is not None
        total_ms = (desk.succeeded_at - started) * 1000.0
        first_ms = ((painted.at or desk.succeeded_at) - started) * 1000.0
        if desk.model.rowCount() != 10_000:
            raise RuntimeError(f"expected 10,000 rows, got {desk.model.rowCount()}")
        app.processEvents()
        memory.samples.append(rss_mb() - start_rss)

        # Floors, in the same process against the same sandbox.
        desk.settle()
        idle_started = time.perf_counter()
        gaps.start()
        idle_until = idle_started + total_ms / 1000.0
        spin_until(app, lambda until=idle_until: time.perf_counter() >= until)
        idle_longest = gaps.stop()

        session = requests.Session()
        token = bare_implicit_token(session, url)
        started = time.perf_counter()
        first_page_ms = 0.0
        rows = 0
        for page in range(100):
            document = bare_page(session, url, token, page * PAGE_LIMIT)
            rows += len(document["data"])  # type: ignore[arg-type]
            if page == 0:
                first_page_ms = (time.perf_counter() - started) * 1000.0
        floor_total_ms = (time.perf_counter() - started) * 1000.0
        session.close()
        assert rows == 10_000
        if run:
            total.samples.append(total_ms)
            total.floor_samples.append(floor_total_ms)
            first.samples.append(first_ms)
            first.floor_samples.append(first_page_ms)
            stall.samples.append(longest)
            stall.floor_samples.append(idle_longest)
    desk.close()
    return [total, first, stall, memory]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small-runs", type=int, default=41)
    parser.add_argument("--large-runs", type=int, default=5)
    parser.add_argument("--json-out", type=Path)
    args = parser.parse_args(argv)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    configure_application(app)  # as the app does: painting costs what it costs
    figures: list[Figure] = []
    # The large login first: its memory figure is then measured on a fresh process.
    with SandboxProcess("--accounts", "10000") as large:
        figures += bench_large(app, large.url, args.large_runs)
    with SandboxProcess() as small:
        figures.insert(0, bench_small(app, small.url, args.small_runs))
    for figure in figures:
        print(
            f"{figure.name}: median {figure.median:.1f} {figure.unit}"
            + (f", floor {figure.floor_median:.1f}" if figure.floor_samples else ""),
            file=sys.stderr,
        )
    if args.json_out is not None:
        write_figures(args.json_out, figures)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
