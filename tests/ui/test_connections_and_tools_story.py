"""A support agent saves a store connection, comes back to it, and works with the tokens."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QAbstractButton,
    QComboBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QTableView,
)
from pytestqt.qtbot import QtBot

from desktop_app.app_context import AppContext, ClientOptions, SandboxHandle
from desktop_app.credentials import SERVICE_NAME
from desktop_app.sandbox import RunningSandbox
from desktop_app.ui.application import start_session
from desktop_app.ui.main_window import MainWindow
from desktop_app.worker import JobRunner
from tests.conftest import FAST_RETRY, FAST_TIMEOUTS
from tests.ui.test_login_story import find, log_in


def new_window(qtbot: QtBot, sandbox: RunningSandbox) -> MainWindow:
    context = AppContext(
        runner=JobRunner(),
        environ={},
        sandbox=SandboxHandle.attached(sandbox),
        client_options=ClientOptions(timeouts=FAST_TIMEOUTS, retry=FAST_RETRY),
    )
    window = MainWindow(context)
    qtbot.addWidget(window)
    with qtbot.waitExposed(window):
        window.show()
    return window


def save_connection_to(qtbot: QtBot, window: MainWindow, sandbox: RunningSandbox) -> None:
    window.open_connections()
    dialog = window.connections_dialog
    assert dialog is not None
    assert QTest.qWaitForWindowExposed(dialog)
    qtbot.mouseClick(
        dialog.findChild(QPushButton, "connectionAddButton"), Qt.MouseButton.LeftButton
    )
    region = dialog.findChild(QComboBox, "connectionRegionCombo")
    region.setCurrentIndex(region.count() - 1)  # Custom URL
    for name, text in (
        ("connectionNameEdit", "Training store"),
        ("connectionUrlEdit", sandbox.url),
        ("connectionClientIdEdit", sandbox.seed.client_id),
        ("connectionSecretEdit", sandbox.seed.client_secret),
    ):
        qtbot.keyClicks(dialog.findChild(QLineEdit, name), text)
    with qtbot.waitSignal(dialog.test_requested):
        qtbot.mouseClick(
            dialog.findChild(QPushButton, "connectionTestButton"), Qt.MouseButton.LeftButton
        )
    result = dialog.findChild(QLabel, "connectionTestResultLabel")
    qtbot.waitUntil(lambda: result.text().startswith("Connected"), timeout=10_000)
    assert result.text() == "Connected (admin access) · 2 password profiles"
    with qtbot.waitSignal(dialog.connections_changed):
        qtbot.mouseClick(
            dialog.findChild(QPushButton, "connectionSaveButton"), Qt.MouseButton.LeftButton
        )
    dialog.close()


def test_a_saved_connection_keeps_its_secret_in_the_keyring_only(
    qtbot: QtBot, sandbox: RunningSandbox, memory_keyring: object
) -> None:
    window = new_window(qtbot, sandbox)
    save_connection_to(qtbot, window, sandbox)
    combo = find(window, QComboBox, "connectionCombo")
    labels = [combo.itemText(i) for i in range(combo.count())]
    assert "Training store" in labels
    with qtbot.waitSignal(window.connection_ready, timeout=10_000):
        assert window.select_connection(combo.itemData(labels.index("Training store")))
    assert "admin access" in find(window, QLabel, "connectionStatusLabel").text()
    settings_file = Path(window.context.settings.qsettings.fileName())
    window.context.settings.sync()
    assert sandbox.seed.client_secret not in settings_file.read_text(encoding="utf-8")
    stored = memory_keyring.entries  # type: ignore[attr-defined]
    assert [service for service, _ in stored] == [SERVICE_NAME]
    assert list(stored.values()) == [sandbox.seed.client_secret]


def test_the_next_start_returns_to_the_last_connection_and_layout(
    qtbot: QtBot, sandbox: RunningSandbox
) -> None:
    first = new_window(qtbot, sandbox)
    save_connection_to(qtbot, first, sandbox)
    combo = find(first, QComboBox, "connectionCombo")
    key = combo.itemData(combo.findText("Training store"))
    with qtbot.waitSignal(first.connection_ready, timeout=10_000):
        first.select_connection(key)
    first.splitter.setSizes([450, 750])
    sizes = first.splitter.sizes()
    first.close()

    second = new_window(qtbot, sandbox)
    with qtbot.waitSignal(second.connection_ready, timeout=10_000):
        start_session(second, second.context, sandbox=False)
    assert find(second, QComboBox, "connectionCombo").currentData() == key
    assert second.splitter.sizes() == sizes


def test_token_details_verify_who_the_token_belongs_to(
    qtbot: QtBot, connected_window: MainWindow
) -> None:
    window = connected_window
    log_in(qtbot, window, "ron@swanson.com", "pawnee-parks-1")
    view = find(window, QTableView, "tokenTable")
    view.setFocus()
    view.selectRow(0)
    qtbot.keyClick(view, Qt.Key.Key_Return)  # Enter on a row opens its details
    dialog = window.token_tools.dialog
    assert dialog is not None
    assert QTest.qWaitForWindowExposed(dialog)
    qtbot.mouseClick(dialog.findChild(QPushButton, "verifyTokenButton"), Qt.MouseButton.LeftButton)
    label = dialog.findChild(QLabel, "verifyResultLabel")
    qtbot.waitUntil(lambda: "Ron Swanson" in label.text(), timeout=10_000)
    dialog.close()


def test_copying_a_token_says_when_the_clipboard_will_be_cleared(
    qtbot: QtBot, connected_window: MainWindow
) -> None:
    window = connected_window
    login = log_in(qtbot, window, "ron@swanson.com", "pawnee-parks-1")
    view = find(window, QTableView, "tokenTable")
    view.setFocus()
    view.selectRow(0)
    qtbot.keyClick(view, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    copied = QGuiApplication.clipboard().text()
    assert copied in {t.token for t in login.tokens}  # type: ignore[attr-defined]
    assert "will be cleared in 60" in window.statusBar().currentMessage()
    window.clipboard_guard.clear_now()
    assert QGuiApplication.clipboard().text() == ""


def test_the_activity_log_lists_every_request_without_secrets(
    qtbot: QtBot, connected_window: MainWindow, sandbox: RunningSandbox
) -> None:
    window = connected_window
    log_in(qtbot, window, "ron@swanson.com", "pawnee-parks-1")
    model = window.activity_dock.model
    qtbot.waitUntil(
        lambda: any(e.path.startswith("/v2/account-members/tokens") for e in model.entries()),
        timeout=5_000,
    )
    entries = model.entries()
    assert {(e.method, e.status) for e in entries if "tokens" in e.path} == {("POST", 201)}
    everything = " ".join(e.message for e in entries)
    assert "pawnee-parks-1" not in everything
    assert sandbox.seed.client_secret not in everything
    log_action = next(a for a in window.menuBar().actions() if a.text() == "&View")
    assert any(a.text() == "&Activity log" for a in log_action.menu().actions())


def test_every_input_has_an_accessible_name_and_every_menu_action_a_way_in(
    connected_window: MainWindow,
) -> None:
    window = connected_window
    unnamed = [
        w.objectName()
        for kind in (QLineEdit, QComboBox, QTableView, QListWidget)
        for w in window.findChildren(kind)
        if not w.accessibleName() and not w.objectName().startswith("qt_")
    ]
    assert unnamed == []
    tabs = window.form_tabs
    assert all(tabs.widget(i).accessibleName() for i in range(tabs.count()))  # named pages
    for menu_action in window.menuBar().actions():
        assert "&" in menu_action.text()  # Alt+letter opens every menu
        for action in menu_action.menu().actions():
            if action.isSeparator():
                continue
            assert "&" in action.text() or not action.shortcut().isEmpty(), action.text()
    buttons = [b for b in window.findChildren(QAbstractButton) if b.text()]
    assert all("&" in b.text() for b in buttons if b.isVisible()), [
        b.text() for b in buttons if b.isVisible() and "&" not in b.text()
    ]


def test_the_clipboard_delay_is_chosen_in_the_menu_and_remembered(
    qtbot: QtBot, connected_window: MainWindow
) -> None:
    window = connected_window
    file_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&File")
    delay_menu = next(
        a.menu() for a in file_menu.actions() if a.text() == "Clear copied &tokens after"
    )
    assert [a.text() for a in delay_menu.actions() if a.isChecked()] == ["&60 seconds"]
    next(a for a in delay_menu.actions() if a.text() == "&15 seconds").trigger()
    assert window.clipboard_guard.seconds == 15
    assert window.context.settings.clipboard_clear_seconds == 15
    log_in(qtbot, window, "ron@swanson.com", "pawnee-parks-1")
    view = find(window, QTableView, "tokenTable")
    view.setFocus()
    view.selectRow(0)
    qtbot.keyClick(view, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert "will be cleared in 15" in window.statusBar().currentMessage()
    window.clipboard_guard.clear_now()
