"""A support agent gives a shopper a password login, then logs in as them."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
)
from pytestqt.qtbot import QtBot

from desktop_app.api.errors import ConflictError, PermissionDenied
from desktop_app.app_context import ENVIRONMENT, AppContext, ClientOptions, SandboxHandle
from desktop_app.sandbox import RunningSandbox
from desktop_app.sandbox.seed import BOB_ID, DEMO_EMAIL_PROFILE_ID, DEMO_SHOPPER_PROFILE_ID
from desktop_app.ui.main_window import MainWindow
from desktop_app.worker import JobRunner
from tests.conftest import FAST_RETRY, FAST_TIMEOUTS
from tests.ui.test_login_story import find, in_focus, slow_store, table_column


def open_tab(window: MainWindow) -> None:
    window.form_tabs.setCurrentWidget(window.password_login_form)


def search_and_pick(qtbot: QtBot, window: MainWindow, text: str) -> None:
    open_tab(window)
    search = find(window, QLineEdit, "profileUserSearchEdit")
    with qtbot.waitSignal(window.users_found, timeout=10_000):
        qtbot.keyClicks(search, text)
    with qtbot.waitSignal(window.logins_listed, timeout=10_000):
        qtbot.keyClick(search, Qt.Key.Key_Down)
        results = find(window, QListWidget, "profileUserResultsList")
        qtbot.keyClick(results, Qt.Key.Key_Return)


def choose_profile(window: MainWindow, profile_id: str) -> None:
    combo = find(window, QComboBox, "profilePasswordProfileCombo")
    combo.setCurrentIndex(combo.findData(profile_id, Qt.ItemDataRole.UserRole))


def type_new_login(
    qtbot: QtBot, window: MainWindow, username: str, password: str, again: str
) -> None:
    for name, text in (
        ("profileUsernameEdit", username),
        ("profilePasswordEdit", password),
        ("profilePasswordConfirmEdit", again),
    ):
        edit = find(window, QLineEdit, name)
        edit.clear()
        qtbot.keyClicks(edit, text)


def click(qtbot: QtBot, window: MainWindow, name: str) -> None:
    qtbot.mouseClick(find(window, QPushButton, name), Qt.MouseButton.LeftButton)


def test_search_bob_create_a_login_and_log_in_as_him(
    qtbot: QtBot, connected_window: MainWindow
) -> None:
    window = connected_window
    search_and_pick(qtbot, window, "Bob")
    assert find(window, QLineEdit, "profileUserAuthInfoEdit").text() == BOB_ID
    logins = find(window, QListWidget, "profileExistingLoginsList")
    assert logins.item(0).text() == "No password logins yet"

    choose_profile(window, DEMO_SHOPPER_PROFILE_ID)
    type_new_login(qtbot, window, "bob", "burgers-1234", "burgers-1234")
    with qtbot.waitSignal(window.password_login_saved, timeout=10_000) as saved:
        click(qtbot, window, "createProfileButton")
    login = saved.args[0]
    result = find(window, QLabel, "profileResultLabel").text()
    assert result == (
        f"Created the login “bob” for Bob Belcher <bob@belcher.com> (login ID {login.id})."
    )
    assert find(window, QLabel, "profileErrorLabel").text() == ""
    qtbot.waitUntil(lambda: logins.count() == 1 and logins.item(0).text() == "bob — Shopper logins")

    with qtbot.waitSignal(window.login_succeeded, timeout=10_000):
        click(qtbot, window, "loginAsCreatedButton")
    assert window.form_tabs.currentWidget() is window.login_form
    assert table_column(window, 0) == ["Bob's Burgers"]


def test_email_profile_prefills_the_users_email(qtbot: QtBot, connected_window: MainWindow) -> None:
    window = connected_window
    search_and_pick(qtbot, window, "bob@belcher.com")
    username = find(window, QLineEdit, "profileUsernameEdit")
    choose_profile(window, DEMO_EMAIL_PROFILE_ID)
    assert username.text() == "bob@belcher.com"
    choose_profile(window, DEMO_SHOPPER_PROFILE_ID)
    assert username.text() == ""  # only what the form filled in itself is taken back


def test_bad_passwords_are_flagged_next_to_the_fields_before_sending(
    qtbot: QtBot, connected_window: MainWindow, sandbox: RunningSandbox
) -> None:
    window = connected_window
    search_and_pick(qtbot, window, "Bob")
    sandbox.reset_request_log()
    type_new_login(qtbot, window, "bob", "short", "short")
    click(qtbot, window, "createProfileButton")
    assert find(window, QLabel, "profilePasswordError").text() == (
        "The password must be at least 8 characters."
    )
    type_new_login(qtbot, window, "bob", "burgers-1234", "burgers-9999")
    click(qtbot, window, "createProfileButton")
    assert find(window, QLabel, "profilePasswordError").text() == ""
    assert find(window, QLabel, "profileConfirmError").text() == "The two passwords do not match."
    assert find(window, QLabel, "profileErrorLabel").text() == (
        "Fix the highlighted fields to create the login."
    )
    assert find(window, QLineEdit, "profilePasswordConfirmEdit").text() == "burgers-9999"
    assert sandbox.request_log == []


def test_a_non_email_username_in_an_email_profile_is_flagged(
    qtbot: QtBot, connected_window: MainWindow
) -> None:
    window = connected_window
    open_tab(window)
    find(window, QLineEdit, "profileUserAuthInfoEdit").setText(BOB_ID)
    choose_profile(window, DEMO_EMAIL_PROFILE_ID)
    type_new_login(qtbot, window, "bob", "burgers-1234", "burgers-1234")
    click(qtbot, window, "createProfileButton")
    assert find(window, QLabel, "profileUsernameError").text() == (
        "The “Email logins” profile needs an email address as the username."
    )


def test_a_duplicate_username_is_explained_and_nothing_is_lost(
    qtbot: QtBot, connected_window: MainWindow
) -> None:
    window = connected_window
    search_and_pick(qtbot, window, "Bob")
    choose_profile(window, DEMO_SHOPPER_PROFILE_ID)
    type_new_login(qtbot, window, "ron@swanson.com", "burgers-1234", "burgers-1234")
    with qtbot.waitSignal(window.password_login_failed, timeout=10_000) as failed:
        click(qtbot, window, "createProfileButton")
    assert isinstance(failed.args[0], ConflictError)
    assert (
        find(window, QLabel, "profileErrorLabel")
        .text()
        .startswith("That username already exists in this password profile.")
    )
    assert find(window, QLineEdit, "profileUsernameEdit").text() == "ron@swanson.com"
    assert find(window, QLineEdit, "profilePasswordEdit").text() == "burgers-1234"
    assert find(window, QPushButton, "createProfileButton").isEnabled()


def test_reset_a_password_then_log_in_with_the_new_one(
    qtbot: QtBot, connected_window: MainWindow
) -> None:
    window = connected_window
    search_and_pick(qtbot, window, "ron@swanson.com")
    logins = find(window, QListWidget, "profileExistingLoginsList")
    logins.setCurrentRow(0)
    asked: list[str] = []
    window.password_login_form.confirm_reset = lambda login: asked.append(login.username) or True
    type_new_login(qtbot, window, "", "a-new-secret-1", "a-new-secret-1")
    with qtbot.waitSignal(window.password_login_saved, timeout=10_000):
        click(qtbot, window, "resetPasswordButton")
    assert asked == ["ron@swanson.com"]
    assert (
        find(window, QLabel, "profileResultLabel")
        .text()
        .startswith("Set a new password for “ron@swanson.com”")
    )
    with qtbot.waitSignal(window.login_succeeded, timeout=10_000):
        click(qtbot, window, "loginAsCreatedButton")
    assert len(table_column(window, 0)) == 3


def test_declining_the_reset_confirmation_sends_nothing(
    qtbot: QtBot, connected_window: MainWindow, sandbox: RunningSandbox
) -> None:
    window = connected_window
    search_and_pick(qtbot, window, "ron@swanson.com")
    find(window, QListWidget, "profileExistingLoginsList").setCurrentRow(0)
    window.password_login_form.confirm_reset = lambda login: False
    type_new_login(qtbot, window, "", "a-new-secret-1", "a-new-secret-1")
    sandbox.reset_request_log()
    click(qtbot, window, "resetPasswordButton")
    qtbot.wait(100)
    assert sandbox.request_log == []


@pytest.fixture
def implicit_only_window(qtbot: QtBot, sandbox: RunningSandbox) -> Iterator[MainWindow]:
    context = AppContext(
        runner=JobRunner(),
        environ={"EPCC_API_BASE_URL": sandbox.url, "EPCC_CLIENT_ID": sandbox.seed.client_id},
        sandbox=SandboxHandle.attached(sandbox),
        client_options=ClientOptions(timeouts=FAST_TIMEOUTS, retry=FAST_RETRY),
    )
    window = MainWindow(context)
    qtbot.addWidget(window)
    window.show()
    with qtbot.waitSignal(window.connection_ready, timeout=10_000):
        window.select_connection(ENVIRONMENT)
    yield window
    context.shutdown()


def test_a_connection_without_a_secret_gets_the_stores_403_in_plain_words(
    qtbot: QtBot, implicit_only_window: MainWindow
) -> None:
    window = implicit_only_window
    assert "shopper access only" in find(window, QLabel, "connectionStatusLabel").text()
    open_tab(window)
    find(window, QLineEdit, "profileUserAuthInfoEdit").setText(BOB_ID)
    choose_profile(window, DEMO_SHOPPER_PROFILE_ID)
    type_new_login(qtbot, window, "bob", "burgers-1234", "burgers-1234")
    with qtbot.waitSignal(window.password_login_failed, timeout=10_000) as failed:
        click(qtbot, window, "createProfileButton")
    assert isinstance(failed.args[0], PermissionDenied)
    assert failed.args[0].status == 403
    assert (
        find(window, QLabel, "profileErrorLabel")
        .text()
        .startswith(
            "This connection has only a client ID, so the store does not let it manage logins."
        )
    )
    assert find(window, QLineEdit, "profileUsernameEdit").text() == "bob"


def test_a_slow_create_can_be_cancelled_and_the_form_says_what_that_means(
    qtbot: QtBot, connected_window: MainWindow, sandbox: RunningSandbox
) -> None:
    from desktop_app.api.errors import OperationCancelled

    window = connected_window
    search_and_pick(qtbot, window, "Bob")
    type_new_login(qtbot, window, "bob", "burgers-1234", "burgers-1234")
    sandbox.set_latency(10_000)
    click(qtbot, window, "createProfileButton")
    cancel = find(window, QPushButton, "profileCancelButton")
    assert cancel.isEnabled()
    with qtbot.waitSignal(window.password_login_failed, timeout=5_000) as failed:
        click(qtbot, window, "profileCancelButton")
    sandbox.set_latency(0)
    assert isinstance(failed.args[0], OperationCancelled)
    assert find(window, QLabel, "profileErrorLabel").text().startswith("Cancelled.")
    assert find(window, QPushButton, "createProfileButton").isEnabled()
    assert find(window, QLineEdit, "profilePasswordEdit").text() == "burgers-1234"


def test_focus_waits_on_cancel_while_a_login_is_created_and_comes_back_after(
    qtbot: QtBot, connected_window: MainWindow, sandbox: RunningSandbox
) -> None:
    """Switching Create off used to send the focus to whatever came next in the window."""
    window = in_focus(qtbot, connected_window)
    search_and_pick(qtbot, window, "Bob")
    type_new_login(qtbot, window, "bob", "burgers-1234", "burgers-1234")
    cancel = find(window, QPushButton, "profileCancelButton")
    with slow_store(sandbox, 400), qtbot.waitSignal(window.password_login_saved, timeout=10_000):
        click(qtbot, window, "createProfileButton")
        assert QApplication.focusWidget() is cancel
    assert QApplication.focusWidget() is find(window, QPushButton, "createProfileButton")
