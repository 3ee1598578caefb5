"""One full session with marker secrets, then every file and every captured line is searched.

The client secret, every password typed and every account token the store returned must be
nowhere on disk (settings, logs, crash reports, exports) and nowhere in captured output or log
records — while the secret *is* in the keyring, where it belongs.
"""

from __future__ import annotations

import logging
import os
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from keyring.backend import KeyringBackend
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QLabel,
    QListWidget,
    QPushButton,
    QWidget,
)
from pytestqt.qtbot import QtBot

from desktop_app.api.models import AccountToken, ShopperLogin
from desktop_app.app_context import SAVED, AppContext, ClientOptions, SandboxHandle
from desktop_app.credentials import SERVICE_NAME
from desktop_app.sandbox import RunningSandbox, demo_seed, start_sandbox
from desktop_app.sandbox.seed import DEMO_CLIENT_ID, DEMO_SHOPPER_PROFILE_ID
from desktop_app.settings import CUSTOM_REGION
from desktop_app.ui.activity_log import install_file_log, remove_file_log
from desktop_app.ui.connections_dialog import ConnectionsDialog
from desktop_app.ui.crash_handler import CrashHandler
from desktop_app.ui.main_window import MainWindow
from desktop_app.ui.token_export import ExportDialog
from desktop_app.worker import JobRunner
from tests.conftest import FAST_RETRY, FAST_TIMEOUTS
from tests.ui.test_login_story import find, type_login
from tests.ui.test_password_login_story import click, search_and_pick, type_new_login

TOKENS = "/v2/account-members/tokens"
MARK = uuid.uuid4().hex[:12]
CLIENT_SECRET = f"client-secret-{MARK}"
FIRST_PASSWORD = f"first-pass-{MARK}"
WRONG_PASSWORD = f"wrong-pass-{MARK}"
RESET_PASSWORD = f"reset-pass-{MARK}"
FAILED_PASSWORD = f"failed-pass-{MARK}"  # a create that the store answers with a 500
USERNAME = f"leak-{MARK}"


def temp_home() -> Path:
    """The session's temp home that tests/conftest.py points every XDG variable into."""
    return Path(os.environ["XDG_CONFIG_HOME"]).parent


@pytest.fixture
def marked_sandbox() -> Iterator[RunningSandbox]:
    seed = demo_seed().to_dict()
    seed["client_secret"] = CLIENT_SECRET
    running = start_sandbox(seed)
    yield running
    running.stop()


def press(qtbot: QtBot, parent: QWidget, name: str) -> None:
    button = parent.findChild(QPushButton, name)
    assert button is not None, f"no button {name}"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def log_in_with_button(qtbot: QtBot, window: MainWindow, button: str) -> ShopperLogin:
    with qtbot.waitSignal(window.login_succeeded, timeout=20_000) as blocker:
        click(qtbot, window, button)
    login = blocker.args[0]
    assert isinstance(login, ShopperLogin)
    return login


def fail_login(qtbot: QtBot, window: MainWindow, password: str) -> str:
    type_login(qtbot, window, USERNAME, password)
    with qtbot.waitSignal(window.login_failed, timeout=20_000):
        click(qtbot, window, "loginButton")
    return find(window, QLabel, "loginErrorLabel").text()


def add_saved_connection(qtbot: QtBot, window: MainWindow, url: str) -> str:
    """Through File ▸ Connections…, as the agent would; returns the connection's key."""
    window.open_connections()
    dialog = window.connections_dialog
    assert isinstance(dialog, ConnectionsDialog)
    assert QTest.qWaitForWindowExposed(dialog)
    for edit, text in (
        (dialog.name_edit, f"Leak test {MARK}"),
        (dialog.client_id_edit, DEMO_CLIENT_ID),
        (dialog.secret_edit, CLIENT_SECRET),
    ):
        qtbot.keyClicks(edit, text)
    dialog.region_combo.setCurrentIndex(dialog.region_combo.findData(CUSTOM_REGION))
    qtbot.keyClicks(dialog.url_edit, url)
    result = dialog.test_result_label
    press(qtbot, dialog, "connectionTestButton")
    qtbot.waitUntil(lambda: result.text().startswith("Connected (admin access)"), timeout=20_000)
    press(qtbot, dialog, "connectionSaveButton")
    assert dialog.status_label.text().startswith("Saved")
    (saved,) = [c for c in window.context.settings.connections() if MARK in c.name]
    dialog.close()
    return f"{SAVED}:{saved.id}"


def crash_with_markers(qtbot: QtBot, handler: CrashHandler, tokens: list[str]) -> None:
    """An exception nobody caught, its message full of secrets, through ``sys.excepthook``."""
    secrets = " ".join([CLIENT_SECRET, FIRST_PASSWORD, WRONG_PASSWORD, RESET_PASSWORD, *tokens])
    try:
        raise RuntimeError(f"planted crash while holding {secrets}")
    except RuntimeError:
        kind, error, tb = sys.exc_info()
        assert kind is not None
        assert error is not None
        with qtbot.waitSignal(handler.report_ready, timeout=5_000):
            sys.excepthook(kind, error, tb)
    qtbot.waitUntil(lambda: handler.dialog is not None and handler.dialog.isVisible())


def every_file(*roots: Path) -> list[Path]:
    return sorted({p.resolve() for root in roots for p in root.rglob("*") if p.is_file()})


def test_a_full_session_leaves_no_secret_anywhere(
    qtbot: QtBot,
    marked_sandbox: RunningSandbox,
    memory_keyring: KeyringBackend,
    caplog: pytest.LogCaptureFixture,
    capfd: pytest.CaptureFixture[str],
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    caplog.set_level(logging.DEBUG)  # the strictest view: every record any logger makes
    session_dir = temp_home() / "data" / f"leak-scan-{MARK}"
    context = AppContext(
        runner=JobRunner(),
        environ={},
        sandbox=SandboxHandle.attached(marked_sandbox),
        client_options=ClientOptions(timeouts=FAST_TIMEOUTS, retry=FAST_RETRY),
    )
    log_file = install_file_log(session_dir / "logs", redact=context.redactor)
    window = MainWindow(context)
    qtbot.addWidget(window)
    crash_handler = CrashHandler(context.redactor, session_dir / "crash-reports", lambda: window)
    crash_handler.install()
    tokens: list[AccountToken] = []
    try:
        with qtbot.waitExposed(window):
            window.show()

        # 1. A saved connection with the marker secret, then connect with it.
        key = add_saved_connection(qtbot, window, marked_sandbox.url)
        with qtbot.waitSignal(window.connection_ready, timeout=20_000):
            assert window.select_connection(key)

        # 2. A new password login (a 500 first, then for real), then log in as that shopper.
        search_and_pick(qtbot, window, "Bob")
        window.password_login_form.profile_combo.setCurrentIndex(
            window.password_login_form.profile_combo.findData(DEMO_SHOPPER_PROFILE_ID)
        )
        type_new_login(qtbot, window, USERNAME, FAILED_PASSWORD, FAILED_PASSWORD)
        marked_sandbox.fail_next(500, "/v2/authentication-realms/")
        with qtbot.waitSignal(window.password_login_failed, timeout=20_000):
            click(qtbot, window, "createProfileButton")
        type_new_login(qtbot, window, USERNAME, FIRST_PASSWORD, FIRST_PASSWORD)
        with qtbot.waitSignal(window.password_login_saved, timeout=20_000):
            click(qtbot, window, "createProfileButton")
        tokens += log_in_with_button(qtbot, window, "loginAsCreatedButton").tokens

        # 3. Failures that carry the password: wrong password, 500, 429.
        assert fail_login(qtbot, window, WRONG_PASSWORD).startswith("Username or password not")
        marked_sandbox.fail_next(500, TOKENS)
        assert "HTTP 500" in fail_login(qtbot, window, FIRST_PASSWORD)
        marked_sandbox.fail_next(429, TOKENS, times=3)  # the try and both retries
        assert "too many requests" in fail_login(qtbot, window, FIRST_PASSWORD)

        # 4. Reset the password and log in with the new one.
        window.form_tabs.setCurrentWidget(window.password_login_form)
        logins = find(window, QListWidget, "profileExistingLoginsList")
        qtbot.waitUntil(lambda: logins.count() == 1 and USERNAME in logins.item(0).text())
        logins.setCurrentRow(0)
        window.password_login_form.confirm_reset = lambda login: True
        type_new_login(qtbot, window, "", RESET_PASSWORD, RESET_PASSWORD)
        with qtbot.waitSignal(window.password_login_saved, timeout=20_000):
            click(qtbot, window, "resetPasswordButton")
        login = log_in_with_button(qtbot, window, "loginAsCreatedButton")
        assert login.username == USERNAME
        tokens += login.tokens
        assert tokens, "the shopper has an account, so the login returned tokens"

        # 5. Copy a token through the clipboard guard.
        window.token_panel.view.selectRow(0)
        with qtbot.waitSignal(window.clipboard_guard.copied, timeout=5_000):
            assert window.token_panel.copy_selected_token()
        assert QGuiApplication.clipboard().text() in {t.token for t in tokens}

        # 6. Export the accounts to CSV, without tokens (the default).
        export_path = session_dir / "exports" / "accounts.csv"
        export_path.parent.mkdir(parents=True)
        window.token_tools.export_action.trigger()
        dialog = window.findChild(ExportDialog, "exportDialog")
        assert dialog is not None
        assert not dialog.include_tokens_check.isChecked()
        dialog.path_edit.setText(str(export_path))
        with qtbot.waitSignal(dialog.exported, timeout=5_000):
            press(qtbot, dialog, "exportButton")

        # 7. A crash whose message holds every secret.
        token_texts = [t.token for t in tokens]
        crash_with_markers(qtbot, crash_handler, token_texts)
        crash_text = crash_handler.dialog.report_view.toPlainText()  # type: ignore[union-attr]
        assert "planted crash while holding" in crash_text
        crash_handler.dialog.close()  # type: ignore[union-attr]

        window.activity_dock.flush()
        activity = [
            window.activity_dock.model.index(row, column).data()
            for row in range(window.activity_dock.model.rowCount())
            for column in range(window.activity_dock.model.columnCount())
        ]
        labels = [label.text() for label in window.findChildren(QLabel)]
        window.close()
        assert window.stopped_cleanly is True
        assert QGuiApplication.clipboard().text() == ""  # the guard cleared the copied token
    finally:
        crash_handler.uninstall()
        remove_file_log(log_file)

    # The secret is stored where it belongs: the keyring, under the saved connection's id.
    stored = memory_keyring.entries  # type: ignore[attr-defined]
    assert stored == {(SERVICE_NAME, key.split(":", 1)[1]): CLIENT_SECRET}

    # What the scan reads is real: the export, the log, the crash report and the settings.
    assert export_path.read_text(encoding="utf-8").startswith("account_name,account_id,")
    assert "Bob's Burgers" in export_path.read_text(encoding="utf-8")
    log_text = log_file.read_text(encoding="utf-8")
    assert "POST /v2/account-members/tokens" in log_text
    assert " -> 201 " in log_text
    assert "-> 401" in log_text
    assert "-> 429" in log_text
    assert "-> 500" in log_text
    (report,) = (session_dir / "crash-reports").glob("crash-*.txt")
    assert "planted crash while holding" in report.read_text(encoding="utf-8")
    settings_file = Path(context.settings.qsettings.fileName())
    assert MARK in settings_file.read_text(encoding="utf-8")  # the connection's name
    assert len(activity) > 20
    assert len(labels) > 10

    secrets = {
        "client secret": CLIENT_SECRET,
        "first password": FIRST_PASSWORD,
        "wrong password": WRONG_PASSWORD,
        "reset password": RESET_PASSWORD,
        "refused password": FAILED_PASSWORD,
    }
    for number, text in enumerate(token_texts):
        secrets[f"token {number}"] = text
        secrets[f"token {number} signature"] = text.rsplit(".", 1)[1]

    files = every_file(temp_home(), tmp_path_factory.getbasetemp())
    assert {export_path.resolve(), log_file.resolve(), report.resolve()} <= set(files)
    assert settings_file.resolve() in files
    out, err = capfd.readouterr()
    formatter = logging.Formatter("%(name)s %(levelname)s %(message)s")
    captured = {
        "stdout": out,
        "stderr": err,
        "log records": "\n".join(formatter.format(r) for r in caplog.records),
        "activity log": "\n".join(str(cell) for cell in activity),
        "window labels": "\n".join(labels),
        "crash dialog": crash_text,
    }
    assert captured["log records"], "logging was captured"
    leaks = [
        f"{what} in {path}"
        for path in files
        for what, secret in secrets.items()
        if secret.encode() in path.read_bytes()
    ]
    leaks += [
        f"{what} in {where}"
        for where, text in captured.items()
        for what, secret in secrets.items()
        if secret in text
    ]
    assert leaks == [], f"scanned {len(files)} files and {len(captured)} captures"
