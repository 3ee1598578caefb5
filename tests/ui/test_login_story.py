"""A support agent logs in as a shopper and reads their account tokens."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import TypeVar

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QTableView,
)
from pytestqt.qtbot import QtBot

from desktop_app import worker
from desktop_app.api.errors import OperationCancelled
from desktop_app.api.models import AccountToken, LoginProgress
from desktop_app.app_context import SANDBOX
from desktop_app.sandbox import RunningSandbox
from desktop_app.sandbox.seed import DEMO_EMAIL_PROFILE_ID, DEMO_SHOPPER_PROFILE_ID
from desktop_app.ui.login_form import LoginRequest
from desktop_app.ui.main_window import MainWindow

TOKENS = "/v2/account-members/tokens"


T = TypeVar("T")


def find(window: MainWindow, kind: type[T], name: str) -> T:
    widget = window.findChild(kind, name)
    assert widget is not None, f"no {kind.__name__} named {name}"
    return widget


def choose_profile(window: MainWindow, profile_id: str) -> None:
    combo = find(window, QComboBox, "loginPasswordProfileCombo")
    combo.setCurrentIndex(combo.findData(profile_id, Qt.ItemDataRole.UserRole))


def type_login(qtbot: QtBot, window: MainWindow, username: str, password: str) -> None:
    username_edit = find(window, QLineEdit, "loginUsernameEdit")
    password_edit = find(window, QLineEdit, "loginPasswordEdit")
    username_edit.clear()
    password_edit.clear()
    qtbot.keyClicks(username_edit, username)
    qtbot.keyClicks(password_edit, password)


def log_in(qtbot: QtBot, window: MainWindow, username: str, password: str) -> object:
    type_login(qtbot, window, username, password)
    with qtbot.waitSignal(window.login_succeeded, timeout=20_000) as blocker:
        qtbot.mouseClick(find(window, QPushButton, "loginButton"), Qt.MouseButton.LeftButton)
    return blocker.args[0]


@contextmanager
def slow_store(sandbox: RunningSandbox, ms: int) -> Iterator[None]:
    """Every request waits ``ms`` in the sandbox until the block ends."""
    sandbox.set_latency(ms)
    try:
        yield
    finally:
        sandbox.set_latency(0)


def in_focus(qtbot: QtBot, window: MainWindow) -> MainWindow:
    """The active window, so keyboard focus behaves as on a desktop."""
    with qtbot.waitActive(window):
        window.activateWindow()
    return window


def log_in_and_fail(qtbot: QtBot, window: MainWindow, username: str, password: str) -> str:
    """Type, click Log in, wait for the failure; returns what the error label says."""
    type_login(qtbot, window, username, password)
    with qtbot.waitSignal(window.login_failed, timeout=20_000):
        qtbot.mouseClick(find(window, QPushButton, "loginButton"), Qt.MouseButton.LeftButton)
    return find(window, QLabel, "loginErrorLabel").text()


def table_column(window: MainWindow, column: int) -> list[str]:
    view = find(window, QTableView, "tokenTable")
    model = view.model()
    return [str(model.index(r, column).data()) for r in range(model.rowCount())]


def test_selecting_the_sandbox_connects_and_lists_profiles(
    qtbot: QtBot, window: MainWindow
) -> None:
    status = find(window, QLabel, "connectionStatusLabel")
    with qtbot.waitSignal(window.connection_ready, timeout=10_000):
        window.select_connection(SANDBOX)
    assert status.text().startswith("Connected to Sandbox")
    assert "2 password profiles" in status.text()
    combo = find(window, QComboBox, "loginPasswordProfileCombo")
    assert [combo.itemData(i, Qt.ItemDataRole.UserRole) for i in range(combo.count())] == [
        DEMO_SHOPPER_PROFILE_ID,
        DEMO_EMAIL_PROFILE_ID,
    ]
    assert find(window, QPushButton, "loginButton").isEnabled()


def test_agent_logs_in_as_ron_and_sees_his_three_accounts(
    qtbot: QtBot, connected_window: MainWindow
) -> None:
    window = connected_window
    choose_profile(window, DEMO_SHOPPER_PROFILE_ID)
    log_in(qtbot, window, "Ron@Swanson.com", "pawnee-parks-1")
    assert table_column(window, 0) == [
        "Pawnee Parks Department",
        "Swanson Woodworking",
        "Very Good Building Company",
    ]
    time_left = table_column(window, 3)
    # issued a moment ago with the store's default 24 h lifetime
    assert all(text in ("24 h", "23 h 59 min") for text in time_left), time_left
    masked = table_column(window, 4)
    assert all("…" in text for text in masked)
    summary = find(window, QLabel, "loginSummaryLabel").text()
    assert summary.startswith("ron@swanson.com · account member ")
    assert "3 accounts" in summary
    assert find(window, QLabel, "loginErrorLabel").text() == ""
    assert find(window, QPushButton, "loginButton").isEnabled()
    assert not find(window, QPushButton, "cancelButton").isEnabled()


def test_enter_in_the_password_field_logs_in(qtbot: QtBot, connected_window: MainWindow) -> None:
    window = connected_window
    type_login(qtbot, window, "ron@swanson.com", "pawnee-parks-1")
    with qtbot.waitSignal(window.login_succeeded, timeout=20_000):
        qtbot.keyClick(find(window, QLineEdit, "loginPasswordEdit"), Qt.Key.Key_Return)
    assert len(table_column(window, 0)) == 3


def test_wrong_password_is_explained_and_nothing_typed_is_lost(
    qtbot: QtBot, connected_window: MainWindow
) -> None:
    window = connected_window
    error = log_in_and_fail(qtbot, window, "ron@swanson.com", "not-his-password")
    assert error.startswith("Username or password not accepted for this password profile.")
    assert "not-his-password" not in error
    assert find(window, QLineEdit, "loginUsernameEdit").text() == "ron@swanson.com"
    assert find(window, QLineEdit, "loginPasswordEdit").text() == "not-his-password"
    assert find(window, QPushButton, "loginButton").isEnabled()


def test_empty_fields_are_flagged_before_anything_is_sent(
    qtbot: QtBot, connected_window: MainWindow, sandbox: RunningSandbox
) -> None:
    window = connected_window
    sandbox.reset_request_log()
    qtbot.keyClicks(find(window, QLineEdit, "loginUsernameEdit"), "ron@swanson.com")
    qtbot.mouseClick(find(window, QPushButton, "loginButton"), Qt.MouseButton.LeftButton)
    assert find(window, QLabel, "loginPasswordError").text() == "Enter the shopper's password."
    assert find(window, QLabel, "loginPasswordError").isVisible()
    assert not find(window, QLabel, "loginUsernameError").isVisible()
    error = find(window, QLabel, "loginErrorLabel")
    assert error.text() == "Fill in the highlighted fields to log in."
    assert error.textInteractionFlags() & Qt.TextInteractionFlag.TextSelectableByMouse
    assert find(window, QLineEdit, "loginUsernameEdit").text() == "ron@swanson.com"
    assert sandbox.request_log == []


def test_a_server_error_is_plain_words_and_the_next_try_works(
    qtbot: QtBot, connected_window: MainWindow, sandbox: RunningSandbox
) -> None:
    window = connected_window
    sandbox.fail_next(500, TOKENS)
    error = log_in_and_fail(qtbot, window, "ron@swanson.com", "pawnee-parks-1")
    assert error.startswith("The store had a problem answering (HTTP 500).")
    label = find(window, QLabel, "loginErrorLabel")  # selectable, to paste into a ticket
    assert label.textInteractionFlags() & Qt.TextInteractionFlag.TextSelectableByMouse
    with qtbot.waitSignal(window.login_succeeded, timeout=20_000):
        qtbot.mouseClick(find(window, QPushButton, "loginButton"), Qt.MouseButton.LeftButton)
    assert len(table_column(window, 0)) == 3
    assert find(window, QLabel, "loginErrorLabel").text() == ""


def test_rate_limiting_is_explained(
    qtbot: QtBot, connected_window: MainWindow, sandbox: RunningSandbox
) -> None:
    window = connected_window
    sandbox.fail_next(429, TOKENS, times=5)
    error = log_in_and_fail(qtbot, window, "ron@swanson.com", "pawnee-parks-1")
    assert error.startswith("The store is receiving too many requests. Try again in 1 second.")


def test_a_shopper_with_no_accounts_is_told_exactly_that(
    qtbot: QtBot, connected_window: MainWindow
) -> None:
    window = connected_window
    log_in(qtbot, window, "april", "no-accounts-1")
    assert find(window, QLabel, "loginSummaryLabel").text() == (
        "april logged in, but this shopper has no account memberships."
    )
    assert table_column(window, 0) == []


def test_a_large_login_shows_page_progress(
    qtbot: QtBot, connected_window: MainWindow, sandbox: RunningSandbox
) -> None:
    """Page 1 shows at once; a later page shows at the next paced showing (every 100 ms),
    its rows and the progress bar together."""
    window = connected_window
    choose_profile(window, DEMO_EMAIL_PROFILE_ID)
    formats: list[str] = []
    rows_at_showing: list[int] = []
    bar = find(window, QProgressBar, "loginProgressBar")
    bar.valueChanged.connect(lambda _: formats.append(bar.format()))
    bar.valueChanged.connect(lambda _: rows_at_showing.append(len(table_column(window, 0))))
    with slow_store(sandbox, 300):  # page 2 arrives 300 ms before page 3: shown first
        log_in(qtbot, window, "leslie@knope.com", "waffles-250")
    assert formats[:2] == [
        "Read page 1 of 3 (100 of 250 accounts)",
        "Read page 2 of 3 (200 of 250 accounts)",
    ]
    assert rows_at_showing[:2] == [100, 200]
    assert len(table_column(window, 0)) == 250
    assert not bar.isVisible()


def test_a_large_login_shows_its_first_page_at_once_and_later_pages_together(
    qtbot: QtBot, connected_window: MainWindow
) -> None:
    window = connected_window
    choose_profile(window, DEMO_EMAIL_PROFILE_ID)
    window._page_timer.setInterval(60_000)  # no paced showing before the login ends
    model = window.token_panel.model
    shown_at_reset: list[int] = []
    inserts: list[object] = []
    model.modelReset.connect(lambda: shown_at_reset.append(model.rowCount()))
    model.rowsInserted.connect(lambda *args: inserts.append(args))
    log_in(qtbot, window, "leslie@knope.com", "waffles-250")
    assert shown_at_reset == [100, 250]  # page 1 of 3 as it arrived; the final sorted reset
    assert inserts == []  # pages 2 and 3 were staged, never shown one by one
    assert table_column(window, 0)[:2] == ["Knope Campaign 001", "Knope Campaign 002"]


def test_a_large_login_paints_its_first_rows_before_asking_for_the_second_page(
    qtbot: QtBot,
    connected_window: MainWindow,
    sandbox: RunningSandbox,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    window = connected_window
    monkeypatch.setattr(worker, "HANDLED_WAIT_S", 30.0)  # only the window's handling ends it
    choose_profile(window, DEMO_EMAIL_PROFILE_ID)
    sandbox.reset_request_log()
    token_requests_while_first_rows_shown: list[int] = []

    def on_first_rows() -> None:
        if token_requests_while_first_rows_shown:
            return
        time.sleep(0.2)  # a slow window: the worker, not blocked by this thread, could go on
        token_requests_while_first_rows_shown.append(
            sum(path == TOKENS for _method, path, _status in sandbox.request_log)
        )

    window.token_panel.model.modelReset.connect(on_first_rows)
    log_in(qtbot, window, "leslie@knope.com", "waffles-250")
    assert token_requests_while_first_rows_shown == [1]
    assert sum(path == TOKENS for _method, path, _status in sandbox.request_log) == 3


def test_the_table_stays_put_while_a_large_login_streams_in(
    qtbot: QtBot, connected_window: MainWindow, sandbox: RunningSandbox
) -> None:
    """Nothing moves the table mid-login: moving it repainted all of it while pages arrived."""
    window = connected_window
    window.resize(window.sizeHint())  # wide enough for "Reading accounts…" on one line
    choose_profile(window, DEMO_EMAIL_PROFILE_ID)
    window.summary_label.setText("A summary so long\nthat it wraps")  # "Reading…" is one line
    qtbot.wait(20)
    table = window.token_panel.view
    before = table.geometry()
    first_rows: list[int] = []
    window.token_panel.model.modelReset.connect(lambda: first_rows.append(1))
    type_login(qtbot, window, "leslie@knope.com", "waffles-250")
    with slow_store(sandbox, 300), qtbot.waitSignal(window.login_succeeded, timeout=20_000):
        qtbot.mouseClick(find(window, QPushButton, "loginButton"), Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: bool(first_rows), timeout=10_000)
        qtbot.wait(100)  # laid out and repainted while page 2 is still on its way
        assert window.summary_label.text() == "Reading accounts… 100 of 250"
        assert table.geometry() == before
    qtbot.wait(20)
    summary = window.summary_label
    assert summary.height() == summary.heightForWidth(summary.width())  # fits its text again


def test_focus_waits_on_cancel_during_a_slow_login_unless_the_agent_moves_it(
    qtbot: QtBot, connected_window: MainWindow, sandbox: RunningSandbox
) -> None:
    """Switching the fields off used to send the focus to the token filter, and it stayed."""
    window = in_focus(qtbot, connected_window)
    type_login(qtbot, window, "ron@swanson.com", "pawnee-parks-1")
    password = find(window, QLineEdit, "loginPasswordEdit")
    cancel = find(window, QPushButton, "cancelButton")
    table = window.token_panel.view
    for moves_focus_meanwhile in (False, True):
        password.setFocus()
        # 600 ms a request: past the 250 ms after which the form looks busy.
        with slow_store(sandbox, 600), qtbot.waitSignal(window.login_succeeded, timeout=20_000):
            qtbot.keyClick(password, Qt.Key.Key_Return)
            qtbot.waitUntil(cancel.isEnabled, timeout=5_000)
            assert QApplication.focusWidget() is cancel
            if moves_focus_meanwhile:
                table.setFocus()  # the agent clicks into the table while they wait
        assert QApplication.focusWidget() is (table if moves_focus_meanwhile else password)


def test_a_newer_login_never_shows_pages_an_older_one_left_unshown(
    qtbot: QtBot, connected_window: MainWindow
) -> None:
    window = connected_window
    window._page_timer.setInterval(60_000)
    stale = AccountToken(
        account_id="stale-1",
        account_name="Stale Holdings",
        token="stale-token",
        expires=datetime.now(UTC) + timedelta(hours=1),
    )
    # An older login's progress, as the worker reports it: page 1 shown, page 2 still waiting.
    window._on_login_progress(LoginProgress(1, 3, 1, 3, (stale,)))
    window._on_login_progress(LoginProgress(2, 3, 2, 3, (stale,)))
    window.login_form.set_busy(False)  # as if the agent could submit again at once
    choose_profile(window, DEMO_EMAIL_PROFILE_ID)
    model = window.token_panel.model
    first_shown: list[tuple[str, ...]] = []
    model.modelReset.connect(
        lambda: first_shown.append(tuple(t.account_name for t in model.tokens()))
    )
    log_in(qtbot, window, "leslie@knope.com", "waffles-250")
    assert first_shown
    assert "Stale Holdings" not in first_shown[0]
    assert "Stale Holdings" not in table_column(window, 0)


def test_cancel_stops_a_slow_login_and_keeps_the_previous_table(
    qtbot: QtBot, connected_window: MainWindow, sandbox: RunningSandbox
) -> None:
    window = connected_window
    log_in(qtbot, window, "ron@swanson.com", "pawnee-parks-1")
    sandbox.set_latency(10_000)
    choose_profile(window, DEMO_EMAIL_PROFILE_ID)
    type_login(qtbot, window, "leslie@knope.com", "waffles-250")
    qtbot.mouseClick(find(window, QPushButton, "loginButton"), Qt.MouseButton.LeftButton)
    cancel = find(window, QPushButton, "cancelButton")
    qtbot.waitUntil(cancel.isEnabled)  # a slow login looks busy after a moment
    assert not find(window, QPushButton, "loginButton").isEnabled()
    with qtbot.waitSignal(window.login_failed, timeout=5_000) as blocker:
        qtbot.mouseClick(cancel, Qt.MouseButton.LeftButton)
    assert isinstance(blocker.args[0], OperationCancelled)
    assert find(window, QLabel, "loginErrorLabel").text() == "Login cancelled. Nothing was changed."
    assert len(table_column(window, 0)) == 3  # Ron's table is still there
    qtbot.waitUntil(lambda: find(window, QPushButton, "loginButton").isEnabled())
    assert find(window, QLineEdit, "loginUsernameEdit").text() == "leslie@knope.com"
    sandbox.set_latency(0)


def test_a_newer_login_wins_over_an_older_slow_one(
    qtbot: QtBot, connected_window: MainWindow, sandbox: RunningSandbox
) -> None:
    window = connected_window
    runs: list[object] = []
    window.login_succeeded.connect(runs.append)
    sandbox.set_latency(400)
    type_login(qtbot, window, "leslie@knope.com", "waffles-250")
    choose_profile(window, DEMO_EMAIL_PROFILE_ID)
    window.login_form.submit()
    window.login_form.set_busy(False)  # as if the agent could submit again at once
    choose_profile(window, DEMO_SHOPPER_PROFILE_ID)
    type_login(qtbot, window, "ron@swanson.com", "pawnee-parks-1")
    window.login_form.submit()
    qtbot.waitUntil(lambda: not window.context.runner.busy, timeout=20_000)
    sandbox.set_latency(0)
    assert len(runs) == 1
    assert len(table_column(window, 0)) == 3


def test_closing_with_a_request_in_flight_interrupts_it(
    qtbot: QtBot, connected_window: MainWindow, sandbox: RunningSandbox
) -> None:
    window = connected_window
    sandbox.set_latency(30_000)
    type_login(qtbot, window, "ron@swanson.com", "pawnee-parks-1")
    qtbot.mouseClick(find(window, QPushButton, "loginButton"), Qt.MouseButton.LeftButton)
    qtbot.wait(300)  # the login request is now blocked on the slow store
    assert window.context.runner.busy
    window.close()
    # Closing interrupted the socket: the job ended instead of waiting 30 s for the store.
    assert window.stopped_cleanly is True
    sandbox.set_latency(0)


def test_a_refused_connection_is_explained(qtbot: QtBot, window: MainWindow) -> None:
    import socket

    from desktop_app.api.connection import ConnectionConfig
    from desktop_app.app_context import ENVIRONMENT, ConnectionEntry

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    entry = ConnectionEntry(
        key=ENVIRONMENT,
        label="Environment",
        kind=ENVIRONMENT,
        config=ConnectionConfig("Environment", f"http://127.0.0.1:{port}", "id", "secret"),
    )
    with qtbot.waitSignal(window.connection_failed, timeout=10_000):
        window.connect_to(entry)
    status = find(window, QLabel, "connectionStatusLabel").text()
    assert "refused the connection" in status
    assert not find(window, QPushButton, "loginButton").isEnabled()


def test_a_login_failing_on_a_later_page_puts_the_previous_table_back(
    qtbot: QtBot, connected_window: MainWindow, sandbox: RunningSandbox
) -> None:
    window = connected_window
    log_in(qtbot, window, "ron@swanson.com", "pawnee-parks-1")
    summary = find(window, QLabel, "loginSummaryLabel").text()
    choose_profile(window, DEMO_EMAIL_PROFILE_ID)
    sandbox.fail_next(500, TOKENS, after=1)
    error = log_in_and_fail(qtbot, window, "leslie@knope.com", "waffles-250")
    assert error.startswith("The store had a problem answering (HTTP 500).")
    assert len(table_column(window, 0)) == 3
    assert find(window, QLabel, "loginSummaryLabel").text() == summary


def test_the_real_start_shows_the_window_first_and_the_rest_right_after(
    qtbot: QtBot, context: object
) -> None:
    """As application.run builds it: the second phase waits for the first paint."""
    window = MainWindow(context, defer_extras=True)  # type: ignore[arg-type]
    qtbot.addWidget(window)
    assert not window.has_extras
    assert window.form_tabs.count() == 1
    assert not window.token_panel.has_model  # the table shows its titles only
    with qtbot.waitSignal(window.extras_ready, timeout=5_000):
        window.show()
    assert window.form_tabs.count() == 2
    assert window.token_panel.has_model
    summary = find(window, QLabel, "loginSummaryLabel")
    assert summary.textInteractionFlags() & Qt.TextInteractionFlag.TextSelectableByMouse
    with qtbot.waitSignal(window.connection_ready, timeout=10_000):
        window.select_connection(SANDBOX)
    combo = window.password_login_form.profile_combo
    assert combo.count() == 2  # the late tab got the profiles too
    view_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&View")
    assert "&Activity log" in [a.text() for a in view_menu.actions()]


def test_a_login_request_never_shows_its_password_when_printed() -> None:
    request = LoginRequest("profile-1", "ron@swanson.com", "pawnee-parks-1")
    assert "pawnee-parks-1" not in repr(request)
    assert "ron@swanson.com" in repr(request)
    assert request.password == "pawnee-parks-1"
