"""A support agent keeps store connections: the secret goes to the keyring, never the file."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import TypeVar

import keyring
import pytest
from keyring.backend import KeyringBackend
from keyring.backends import fail
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QMessageBox,
    QPushButton,
    QWidget,
)
from pytestqt.qtbot import QtBot

from desktop_app.api.connection import REGION_URLS, ConnectionConfig
from desktop_app.credentials import SERVICE_NAME, SecretStore
from desktop_app.settings import AppSettings, SavedConnection
from desktop_app.ui.connections_dialog import SECRET_HINT, ConnectionsDialog
from desktop_app.ui.tones import Tone, tone_of

SECRET = "very-secret-client-secret-42"
T = TypeVar("T", bound=QWidget)


def find(dialog: ConnectionsDialog, kind: type[T], name: str) -> T:
    widget = dialog.findChild(kind, name)
    assert widget is not None, f"no {kind.__name__} named {name}"
    return widget


@pytest.fixture
def ini(tmp_path: Path) -> Path:
    return tmp_path / "settings.ini"


@pytest.fixture
def settings(ini: Path) -> AppSettings:
    return AppSettings(QSettings(str(ini), QSettings.Format.IniFormat))


def open_dialog(qtbot: QtBot, settings: AppSettings, **kwargs: object) -> ConnectionsDialog:
    dialog = ConnectionsDialog(settings, SecretStore(), **kwargs)  # type: ignore[arg-type]
    qtbot.addWidget(dialog)
    with qtbot.waitExposed(dialog):
        dialog.show()
    return dialog


@pytest.fixture
def dialog(qtbot: QtBot, settings: AppSettings) -> ConnectionsDialog:
    return open_dialog(qtbot, settings)


class Answers:
    """What the user answers to the next questions; each question asked is recorded."""

    def __init__(self) -> None:
        self.queue: list[QMessageBox.StandardButton] = []
        self.asked: list[str] = []

    def append(self, button: QMessageBox.StandardButton) -> None:
        self.queue.append(button)

    def question(self, _parent: QWidget, _title: str, text: str, *_args: object) -> object:
        self.asked.append(text)
        return self.queue.pop(0)


@pytest.fixture
def answer(monkeypatch: pytest.MonkeyPatch) -> Answers:
    answers = Answers()
    monkeypatch.setattr(QMessageBox, "question", answers.question)
    return answers


def choose_region(qtbot: QtBot, dialog: ConnectionsDialog, region: str) -> None:
    """With the keyboard, as a user would: arrow keys on the focused combo."""
    combo = find(dialog, QComboBox, "connectionRegionCombo")
    combo.setFocus()
    target = combo.findData(region)
    while combo.currentIndex() != target:
        key = Qt.Key.Key_Down if combo.currentIndex() < target else Qt.Key.Key_Up
        qtbot.keyClick(combo, key)


def fill_form(
    qtbot: QtBot,
    dialog: ConnectionsDialog,
    *,
    name: str = "Production",
    region: str = "euwest",
    url: str = "",
    client_id: str = "client-prod",
    secret: str = SECRET,
) -> None:
    for object_name, text in (
        ("connectionNameEdit", name),
        ("connectionClientIdEdit", client_id),
        ("connectionSecretEdit", secret),
    ):
        edit = find(dialog, QLineEdit, object_name)
        edit.clear()
        qtbot.keyClicks(edit, text)
    choose_region(qtbot, dialog, region)
    if url:
        url_edit = find(dialog, QLineEdit, "connectionUrlEdit")
        url_edit.clear()
        qtbot.keyClicks(url_edit, url)


def click(qtbot: QtBot, dialog: ConnectionsDialog, name: str) -> None:
    qtbot.mouseClick(find(dialog, QPushButton, name), Qt.MouseButton.LeftButton)


def listed(dialog: ConnectionsDialog) -> list[str]:
    view = find(dialog, QListWidget, "connectionList")
    return [view.item(row).text() for row in range(view.count())]


def error_text(dialog: ConnectionsDialog, name: str) -> str:
    label = find(dialog, QLabel, name)
    return label.text() if label.isVisible() else ""


def test_adding_a_connection_lists_it_and_keeps_the_secret_out_of_the_file(
    qtbot: QtBot,
    dialog: ConnectionsDialog,
    settings: AppSettings,
    ini: Path,
    memory_keyring: KeyringBackend,
) -> None:
    fill_form(qtbot, dialog)
    secret_edit = find(dialog, QLineEdit, "connectionSecretEdit")
    assert secret_edit.echoMode() is QLineEdit.EchoMode.Password

    with qtbot.waitSignal(dialog.connections_changed, timeout=2000):
        click(qtbot, dialog, "connectionSaveButton")

    assert listed(dialog) == ["Production"]
    [saved] = settings.connections()
    assert (saved.name, saved.region, saved.client_id) == ("Production", "euwest", "client-prod")
    assert saved.base_url == REGION_URLS["euwest"]
    assert memory_keyring.entries == {(SERVICE_NAME, saved.id): SECRET}  # type: ignore[attr-defined]
    stored = ini.read_bytes()
    assert b"client-prod" in stored
    assert SECRET.encode() not in stored
    assert "Saved “Production”." in find(dialog, QLabel, "connectionStatusLabel").text()
    location = find(dialog, QLabel, "connectionSecretLocationLabel").text()
    assert location.startswith("Client secrets are stored in ")
    assert "never in the settings file" in location


def test_enter_in_a_field_saves(qtbot: QtBot, dialog: ConnectionsDialog) -> None:
    fill_form(qtbot, dialog, name="Keyboard only", secret="")

    with qtbot.waitSignal(dialog.connections_changed, timeout=2000):
        qtbot.keyClick(find(dialog, QLineEdit, "connectionClientIdEdit"), Qt.Key.Key_Return)

    assert listed(dialog) == ["Keyboard only"]


def test_a_bad_url_is_explained_next_to_the_field_and_nothing_typed_is_lost(
    qtbot: QtBot, dialog: ConnectionsDialog, settings: AppSettings
) -> None:
    fill_form(qtbot, dialog, name="Staging", region="custom", url="http://staging.example.com")
    url_edit = find(dialog, QLineEdit, "connectionUrlEdit")
    assert url_edit.isEnabled()

    click(qtbot, dialog, "connectionSaveButton")

    assert "Plain http is only allowed for the local sandbox" in error_text(
        dialog, "connectionUrlError"
    )
    assert url_edit.text() == "http://staging.example.com"
    assert find(dialog, QLineEdit, "connectionNameEdit").text() == "Staging"
    assert find(dialog, QLineEdit, "connectionSecretEdit").text() == SECRET
    assert url_edit.hasFocus()
    assert settings.connections() == []
    assert listed(dialog) == []

    qtbot.keyClicks(url_edit, "x")  # typing clears the message
    assert error_text(dialog, "connectionUrlError") == ""


def test_empty_and_duplicate_names_and_a_missing_client_id_are_refused(
    qtbot: QtBot, dialog: ConnectionsDialog, settings: AppSettings
) -> None:
    fill_form(qtbot, dialog, name="", client_id="", secret="")
    click(qtbot, dialog, "connectionSaveButton")

    assert error_text(dialog, "connectionNameError") == "Enter a name for this connection."
    assert "client ID" in error_text(dialog, "connectionClientIdError")
    assert find(dialog, QLineEdit, "connectionNameEdit").hasFocus()

    settings.save_connection(SavedConnection.new("Production", "useast", "other"))
    fill_form(qtbot, dialog, name="production", client_id="client-2", secret="")
    click(qtbot, dialog, "connectionSaveButton")

    assert "already called “Production”" in error_text(dialog, "connectionNameError")
    assert error_text(dialog, "connectionClientIdError") == ""
    assert [c.client_id for c in settings.connections()] == ["other"]


def test_switching_region_keeps_the_custom_url_typed(
    qtbot: QtBot, dialog: ConnectionsDialog
) -> None:
    url_edit = find(dialog, QLineEdit, "connectionUrlEdit")
    assert not url_edit.isEnabled()
    assert url_edit.text() == REGION_URLS["euwest"]

    choose_region(qtbot, dialog, "custom")
    qtbot.keyClicks(url_edit, "https://mine.example.com")
    choose_region(qtbot, dialog, "useast")
    assert url_edit.text() == REGION_URLS["useast"]
    assert not url_edit.isEnabled()
    choose_region(qtbot, dialog, "custom")

    assert url_edit.text() == "https://mine.example.com"
    assert url_edit.isEnabled()


def test_editing_loads_the_secret_masked_and_saves_in_place(
    qtbot: QtBot, settings: AppSettings, memory_keyring: KeyringBackend
) -> None:
    original = SavedConnection.new("Local", "custom", "client-1", "http://127.0.0.1:9000")
    settings.save_connection(original)
    SecretStore().set(original.id, SECRET)
    dialog = open_dialog(qtbot, settings, select_id=original.id)

    secret_edit = find(dialog, QLineEdit, "connectionSecretEdit")
    assert find(dialog, QLineEdit, "connectionUrlEdit").text() == "http://127.0.0.1:9000"
    assert secret_edit.text() == SECRET
    assert secret_edit.echoMode() is QLineEdit.EchoMode.Password
    dialog.secret_toggle.trigger()
    assert secret_edit.echoMode() is QLineEdit.EchoMode.Normal

    fill_form(qtbot, dialog, name="Local renamed", region="custom", url="localhost:9001", secret="")
    with qtbot.waitSignal(dialog.connections_changed, timeout=2000):
        click(qtbot, dialog, "connectionSaveButton")

    assert settings.connections() == [
        SavedConnection(
            original.id, "Local renamed", "custom", "https://localhost:9001", "client-prod"
        )
    ]
    assert memory_keyring.entries == {}  # type: ignore[attr-defined]  # cleared secret: deleted
    assert "client secret was removed" in find(dialog, QLabel, "connectionStatusLabel").text()


def test_removing_asks_and_deletes_the_keyring_entry_too(
    qtbot: QtBot,
    settings: AppSettings,
    memory_keyring: KeyringBackend,
    answer: Answers,
) -> None:
    keep = SavedConnection.new("Keep", "euwest", "client-keep")
    gone = SavedConnection.new("Gone", "useast", "client-gone")
    for connection in (keep, gone):
        settings.save_connection(connection)
        SecretStore().set(connection.id, f"secret-of-{connection.name}")
    dialog = open_dialog(qtbot, settings, select_id=gone.id)

    answer.append(QMessageBox.StandardButton.No)
    click(qtbot, dialog, "connectionRemoveButton")
    assert listed(dialog) == ["Keep", "Gone"]

    answer.append(QMessageBox.StandardButton.Yes)
    with qtbot.waitSignal(dialog.connections_changed, timeout=2000):
        click(qtbot, dialog, "connectionRemoveButton")

    assert "Remove the connection “Gone”?" in answer.asked[-1]
    assert listed(dialog) == ["Keep"]
    assert settings.connections() == [keep]
    assert memory_keyring.entries == {  # type: ignore[attr-defined]
        (SERVICE_NAME, keep.id): "secret-of-Keep"
    }
    assert find(dialog, QLineEdit, "connectionNameEdit").text() == ""  # form was on "Gone"
    assert "Removed “Gone”." in find(dialog, QLabel, "connectionStatusLabel").text()


def test_test_button_emits_the_form_as_a_connection_config(
    qtbot: QtBot, dialog: ConnectionsDialog
) -> None:
    fill_form(qtbot, dialog, name="Try me", region="custom", url="http://127.0.0.1:8080/v2")
    test_button = find(dialog, QPushButton, "connectionTestButton")

    with qtbot.waitSignal(dialog.test_requested, timeout=2000) as blocker:
        click(qtbot, dialog, "connectionTestButton")

    assert blocker.args == [
        ConnectionConfig(
            name="Try me",
            base_url="http://127.0.0.1:8080",
            client_id="client-prod",
            client_secret=SECRET,
        )
    ]
    assert blocker.args[0].client_secret == SECRET
    assert not test_button.isEnabled()
    result = find(dialog, QLabel, "connectionTestResultLabel")
    assert result.text() == "Testing the connection…"

    dialog.show_test_result(False, "The store did not accept this client ID.")

    assert test_button.isEnabled()
    assert result.text() == "The store did not accept this client ID."
    assert tone_of(result) is Tone.ERROR
    dialog.show_test_result(True, "Connected: admin access.")
    assert tone_of(result) is Tone.OK


def test_test_with_a_bad_url_does_not_emit(qtbot: QtBot, dialog: ConnectionsDialog) -> None:
    fill_form(qtbot, dialog, region="custom", url="ftp://nope")

    with qtbot.assertNotEmitted(dialog.test_requested):
        click(qtbot, dialog, "connectionTestButton")

    assert "not a web address" in error_text(dialog, "connectionUrlError")
    assert find(dialog, QPushButton, "connectionTestButton").isEnabled()


def test_without_a_keyring_the_dialog_says_secrets_stay_in_memory(
    qtbot: QtBot, settings: AppSettings, ini: Path
) -> None:
    keyring.set_keyring(fail.Keyring())
    dialog = open_dialog(qtbot, settings)
    location = find(dialog, QLabel, "connectionSecretLocationLabel")
    assert "memory for this session only" in location.text()

    fill_form(qtbot, dialog)
    click(qtbot, dialog, "connectionSaveButton")

    assert listed(dialog) == ["Production"]
    assert "memory for this session only" in find(dialog, QLabel, "connectionStatusLabel").text()
    assert SECRET.encode() not in ini.read_bytes()
    [saved] = settings.connections()
    assert dialog.secrets.get(saved.id) == SECRET


def test_unsaved_typing_is_kept_unless_the_user_discards_it(
    qtbot: QtBot,
    settings: AppSettings,
    answer: Answers,
) -> None:
    existing = SavedConnection.new("Existing", "euwest", "client-e")
    settings.save_connection(existing)
    dialog = open_dialog(qtbot, settings)
    name_edit = find(dialog, QLineEdit, "connectionNameEdit")
    assert name_edit.text() == "Existing"  # the first saved connection is loaded
    qtbot.keyClicks(name_edit, " (typed)")

    answer.append(QMessageBox.StandardButton.Cancel)
    click(qtbot, dialog, "connectionAddButton")
    assert name_edit.text() == "Existing (typed)"
    answer.append(QMessageBox.StandardButton.Cancel)
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert dialog.isVisible()

    answer.append(QMessageBox.StandardButton.Discard)
    click(qtbot, dialog, "connectionAddButton")
    assert name_edit.text() == ""
    assert dialog.form_box.title() == "New connection"
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)  # nothing typed: closes without asking
    assert not dialog.isVisible()
    assert len(answer.asked) == 3


def test_fields_are_named_labelled_and_reachable_by_keyboard(
    qtbot: QtBot, dialog: ConnectionsDialog
) -> None:
    assert dialog.objectName() == "connectionsDialog"
    for kind, name, accessible in (
        (QListWidget, "connectionList", "Saved connections"),
        (QLineEdit, "connectionNameEdit", "Connection name"),
        (QComboBox, "connectionRegionCombo", "Region"),
        (QLineEdit, "connectionUrlEdit", "Custom API URL"),
        (QLineEdit, "connectionClientIdEdit", "Client ID"),
        (QLineEdit, "connectionSecretEdit", "Client secret"),
    ):
        widget = find(dialog, kind, name)
        assert widget.accessibleName() == accessible
        assert widget.focusPolicy() & Qt.FocusPolicy.TabFocus
        buddies = [
            label.text()
            for label in dialog.findChildren(QLabel)
            if label.buddy() is widget and "&" in label.text()
        ]
        assert buddies, f"{name} has no label with a mnemonic"
    for name in (
        "connectionSaveButton",
        "connectionRemoveButton",
        "connectionTestButton",
        "connectionAddButton",
        "connectionEditButton",
    ):
        assert "&" in find(dialog, QPushButton, name).text()
    region = find(dialog, QComboBox, "connectionRegionCombo")
    assert [region.itemData(i) for i in range(region.count())] == ["useast", "euwest", "custom"]
    assert region.itemText(2) == "Custom URL"
    assert any(label.text() == SECRET_HINT for label in dialog.findChildren(QLabel))
    choose_region(qtbot, dialog, "custom")  # the URL field takes focus only for a custom URL
    focus = find(dialog, QLineEdit, "connectionNameEdit")
    focus.setFocus()
    order = []
    for _ in range(6):
        qtbot.keyClick(focus, Qt.Key.Key_Tab)
        focus = QApplication.focusWidget()
        order.append(focus.objectName())
    qtbot.keyClick(focus, Qt.Key.Key_G, Qt.KeyboardModifier.AltModifier)  # "Re&gion"
    assert QApplication.focusWidget() is find(dialog, QComboBox, "connectionRegionCombo")
    qtbot.keyClick(focus, Qt.Key.Key_C, Qt.KeyboardModifier.AltModifier)  # "Client se&cret"
    assert QApplication.focusWidget() is find(dialog, QLineEdit, "connectionSecretEdit")
    assert order == [
        "connectionRegionCombo",
        "connectionUrlEdit",
        "connectionClientIdEdit",
        "connectionSecretEdit",
        "connectionTestButton",
        "connectionSaveButton",
    ]


def test_the_dialog_module_loads_neither_requests_nor_keyring() -> None:
    code = (
        "import sys\n"
        "import desktop_app.ui.connections_dialog\n"
        "print(sorted(m for m in ('requests', 'keyring') if m in sys.modules))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
