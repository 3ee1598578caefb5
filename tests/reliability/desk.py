"""The support agent's desk for fault stories: one main window on a faulty store front.

``Desk`` holds the window, the sandbox behind the front and the front itself, and offers what
the agent does with the mouse and keyboard (connect, type, click, wait for the outcome) plus
what a test reads back (labels, the activity log).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from PySide6.QtCore import QObject, Qt, SignalInstance
from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit, QListWidget, QPushButton, QTableView
from pytestqt.qtbot import QtBot

from desktop_app.activity import ActivityEntry
from desktop_app.sandbox import RunningSandbox
from desktop_app.ui.main_window import MainWindow
from desktop_app.ui.token_details_dialog import TokenDetailsDialog
from desktop_app.ui.tones import Tone, tone_of
from tests.reliability.fault_proxy import FaultyStoreFront

T = TypeVar("T", bound=QObject)
WAIT_MS = 10_000


@dataclass
class Desk:
    qtbot: QtBot
    window: MainWindow
    sandbox: RunningSandbox
    front: FaultyStoreFront

    # -- reading the window ---------------------------------------------------------------

    def find(self, kind: type[T], name: str) -> T:
        widget = self.window.findChild(kind, name)
        assert widget is not None, f"no {kind.__name__} named {name}"
        return widget

    def text(self, label: str) -> str:
        if label == "verifyResultLabel":
            return self.dialog.verify_result_label.text()
        return self.find(QLabel, label).text()

    def edit(self, name: str) -> QLineEdit:
        return self.find(QLineEdit, name)

    def button(self, name: str) -> QPushButton:
        return self.find(QPushButton, name)

    def table_rows(self) -> int:
        return int(self.find(QTableView, "tokenTable").model().rowCount())

    @property
    def dialog(self) -> TokenDetailsDialog:
        dialog = self.window.token_tools.dialog
        assert dialog is not None, "the token details dialog is not open"
        return dialog

    def activity(self) -> tuple[ActivityEntry, ...]:
        """Every row of the activity dock, including those still waiting for the next flush."""
        self.window.activity_dock.flush()
        return self.window.activity_dock.model.entries()

    # -- what the agent does --------------------------------------------------------------

    def click(self, name: str) -> None:
        self.qtbot.mouseClick(self.button(name), Qt.MouseButton.LeftButton)

    def type_into(self, name: str, text: str) -> None:
        edit = self.edit(name)
        edit.clear()
        if text:
            self.qtbot.keyClicks(edit, text)

    def choose(self, combo_name: str, data: str) -> None:
        combo = self.find(QComboBox, combo_name)
        index = combo.findData(data, Qt.ItemDataRole.UserRole)
        assert index >= 0, f"{combo_name} has no item {data}"
        combo.setCurrentIndex(index)

    def outcome(
        self, succeeded: SignalInstance, failed: SignalInstance, act: Callable[[], Any]
    ) -> bool:
        """Do ``act`` and wait for whichever of the two signals comes; True if it succeeded."""
        seen: list[bool] = []

        def on_success(*_: object) -> None:
            seen.append(True)

        def on_failure(*_: object) -> None:
            seen.append(False)

        succeeded.connect(on_success)
        failed.connect(on_failure)
        try:
            act()
            self.qtbot.waitUntil(lambda: bool(seen), timeout=WAIT_MS)
        finally:
            succeeded.disconnect(on_success)
            failed.disconnect(on_failure)
        return seen[0]

    def connect(self) -> bool:
        """Pick the store in the combo the first time, press Reconnect after that."""
        window = self.window

        def choose_or_reconnect() -> None:
            if window.connection_bar.current_entry() is None:
                assert window.select_connection("environment")
            else:
                self.click("reconnectButton")

        return self.outcome(window.connection_ready, window.connection_failed, choose_or_reconnect)

    def log_in(self) -> bool:
        window = self.window
        return self.outcome(
            window.login_succeeded, window.login_failed, lambda: self.click("loginButton")
        )

    def open_password_tab(self) -> None:
        self.window.form_tabs.setCurrentWidget(self.window.password_login_form)

    def search(self, text: str) -> bool:
        """Type in Find user (once) and press Enter, as an impatient agent does."""
        window = self.window
        search = self.edit("profileUserSearchEdit")

        def type_and_enter() -> None:
            if search.text() != text:
                self.type_into("profileUserSearchEdit", text)
            self.qtbot.keyClick(search, Qt.Key.Key_Return)

        return self.outcome(window.users_found, window.password_login_failed, type_and_enter)

    def pick_only_result(self) -> None:
        window = self.window
        search = self.edit("profileUserSearchEdit")
        with self.qtbot.waitSignal(window.logins_listed, timeout=WAIT_MS):
            self.qtbot.keyClick(search, Qt.Key.Key_Down)
            results = self.find(QListWidget, "profileUserResultsList")
            self.qtbot.keyClick(results, Qt.Key.Key_Return)

    def save_password_login(self, button: str) -> bool:
        window = self.window
        return self.outcome(
            window.password_login_saved, window.password_login_failed, lambda: self.click(button)
        )

    def verify(self) -> bool:
        dialog = self.dialog
        self.qtbot.mouseClick(dialog.verify_button, Qt.MouseButton.LeftButton)
        self.qtbot.waitUntil(dialog.verify_button.isEnabled, timeout=WAIT_MS)
        return tone_of(dialog.verify_result_label) is Tone.OK
