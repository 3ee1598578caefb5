"""The "Connections" dialog: saved stores, their client id, and where the secret is kept.

Plain settings go through ``AppSettings``, the client secret through ``SecretStore`` only.
Testing a connection is the caller's job (this module never imports the API client): the dialog
emits ``test_requested(ConnectionConfig)`` and shows whatever ``show_test_result`` is given.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop_app.api.connection import REGION_URLS, ConnectionConfig, normalize_base_url
from desktop_app.api.errors import ConfigurationError
from desktop_app.credentials import SecretStore
from desktop_app.settings import CUSTOM_REGION, AppSettings, SavedConnection
from desktop_app.ui.form_fields import (
    FieldError,
    add_password_toggle,
    buddy,
    make_selectable,
    named,
    with_error,
)
from desktop_app.ui.tones import STATUS_TONES, Tone, set_tone

SECRET_HINT = "Without a secret only shopper login works; giving a password login needs it."
UNSAVED_NAME = "New connection"

REGION_CHOICES: tuple[tuple[str, str], ...] = (
    ("US East (useast)", "useast"),
    ("EU West (euwest)", "euwest"),
    ("Custom URL", CUSTOM_REGION),
)


class ConnectionsDialog(QDialog):
    """Add, edit, remove and test saved connections. Nothing typed is lost on an error."""

    test_requested = Signal(object)  # ConnectionConfig, secret included; run it on a worker
    connections_changed = Signal()  # a connection was saved or removed

    def __init__(
        self,
        settings: AppSettings,
        secrets: SecretStore,
        parent: QWidget | None = None,
        *,
        select_id: str | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("connectionsDialog")
        self.setWindowTitle("Connections")
        self.settings = settings
        self.secrets = secrets
        self._editing_id: str | None = None  # None: the form holds a new connection
        self._loaded_secret: str | None = None
        self._custom_url = ""
        self._dirty = False

        # -- the list -------------------------------------------------------------------------
        self.connection_list = named(QListWidget(), "connectionList")
        self.connection_list.setAccessibleName("Saved connections")
        self.add_button = named(QPushButton("&Add"), "connectionAddButton")
        self.add_button.setToolTip("Start a new connection in the form")
        self.edit_button = named(QPushButton("&Edit"), "connectionEditButton")
        self.edit_button.setToolTip("Load the selected connection into the form (or double-click)")
        self.remove_button = named(QPushButton("&Remove"), "connectionRemoveButton")
        self.remove_button.setToolTip("Remove the selected connection and its client secret")
        list_label = QLabel("Sa&ved connections")
        list_label.setBuddy(self.connection_list)
        list_buttons = QHBoxLayout()
        list_buttons.addWidget(self.add_button)
        list_buttons.addWidget(self.edit_button)
        list_buttons.addWidget(self.remove_button)
        list_column = QVBoxLayout()
        list_column.addWidget(list_label)
        list_column.addWidget(self.connection_list, 1)
        list_column.addLayout(list_buttons)

        # -- the form -------------------------------------------------------------------------
        self.name_edit = named(QLineEdit(), "connectionNameEdit")
        self.name_edit.setAccessibleName("Connection name")
        self.name_edit.setPlaceholderText("e.g. Production store")
        self.region_combo = named(QComboBox(), "connectionRegionCombo")
        self.region_combo.setAccessibleName("Region")
        for label, region in REGION_CHOICES:
            self.region_combo.addItem(label, region)
        self.url_edit = named(QLineEdit(), "connectionUrlEdit")
        self.url_edit.setAccessibleName("Custom API URL")
        self.url_edit.setPlaceholderText("https://your-store.example.com")
        self.client_id_edit = named(QLineEdit(), "connectionClientIdEdit")
        self.client_id_edit.setAccessibleName("Client ID")
        self.secret_edit = named(QLineEdit(), "connectionSecretEdit")
        self.secret_edit.setAccessibleName("Client secret")
        self.secret_edit.setPlaceholderText("Optional")
        self.secret_toggle = add_password_toggle(self.secret_edit)
        self.name_error = FieldError("connectionNameError")
        self.url_error = FieldError("connectionUrlError")
        self.client_id_error = FieldError("connectionClientIdError")
        self.secret_location_label = named(QLabel(), "connectionSecretLocationLabel")
        self.secret_location_label.setWordWrap(True)
        set_tone(self.secret_location_label, Tone.HINT)

        self.form_box = QGroupBox(UNSAVED_NAME)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        form.addRow(buddy("&Name", self.name_edit), with_error(self.name_edit, self.name_error))
        form.addRow(buddy("Re&gion", self.region_combo), self.region_combo)
        form.addRow(buddy("&URL", self.url_edit), with_error(self.url_edit, self.url_error))
        form.addRow(
            buddy("Client &ID", self.client_id_edit),
            with_error(self.client_id_edit, self.client_id_error),
        )
        form.addRow(
            buddy("Client se&cret", self.secret_edit),
            with_error(self.secret_edit, FieldError("connectionSecretError"), hint=SECRET_HINT),
        )
        form.addRow(self.secret_location_label)

        self.test_button = named(QPushButton("&Test"), "connectionTestButton")
        self.test_button.setToolTip("Check that the store accepts this client ID and secret")
        self.save_button = named(QPushButton("&Save"), "connectionSaveButton")
        self.test_result_label = named(QLabel(), "connectionTestResultLabel")
        self.test_result_label.setWordWrap(True)
        make_selectable(self.test_result_label)
        self.error_label = named(QLabel(), "connectionErrorLabel")
        self.error_label.setWordWrap(True)
        set_tone(self.error_label, Tone.ERROR)
        make_selectable(self.error_label)
        self.status_label = named(QLabel(), "connectionStatusLabel")
        self.status_label.setWordWrap(True)
        form_buttons = QHBoxLayout()
        form_buttons.addStretch(1)
        form_buttons.addWidget(self.test_button)
        form_buttons.addWidget(self.save_button)
        form_column = QVBoxLayout(self.form_box)
        form_column.addLayout(form)
        form_column.addLayout(form_buttons)
        form_column.addWidget(self.test_result_label)
        form_column.addWidget(self.error_label)
        form_column.addWidget(self.status_label)
        form_column.addStretch(1)

        self.button_box = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close_button = self.button_box.button(QDialogButtonBox.StandardButton.Close)
        named(close_button, "connectionCloseButton")
        # Enter in a line edit saves the form; no button is the dialog default, so Enter on the
        # list (which loads a connection) never also presses a button.
        for button in (
            self.add_button,
            self.edit_button,
            self.remove_button,
            self.test_button,
            self.save_button,
            close_button,
        ):
            button.setAutoDefault(False)
            button.setDefault(False)

        columns = QHBoxLayout()
        columns.addLayout(list_column, 2)
        columns.addWidget(self.form_box, 3)
        layout = QVBoxLayout(self)
        layout.addLayout(columns, 1)
        layout.addWidget(self.button_box)
        for first, second in (
            (self.connection_list, self.add_button),
            (self.add_button, self.edit_button),
            (self.edit_button, self.remove_button),
            (self.remove_button, self.name_edit),
            (self.name_edit, self.region_combo),
            (self.region_combo, self.url_edit),
            (self.url_edit, self.client_id_edit),
            (self.client_id_edit, self.secret_edit),
            (self.secret_edit, self.test_button),
            (self.test_button, self.save_button),
            (self.save_button, close_button),
        ):
            QWidget.setTabOrder(first, second)

        self.button_box.rejected.connect(self.reject)
        self.add_button.clicked.connect(self.start_new)
        self.edit_button.clicked.connect(self.edit_selected)
        self.connection_list.itemActivated.connect(lambda _item: self.edit_selected())
        self.connection_list.currentItemChanged.connect(lambda *_: self._update_buttons())
        self.remove_button.clicked.connect(self.remove_selected)
        self.save_button.clicked.connect(self.save)
        self.test_button.clicked.connect(self.request_test)
        self.region_combo.currentIndexChanged.connect(self._region_changed)
        self.region_combo.activated.connect(lambda _index: self._edited())
        for edit, error in (
            (self.name_edit, self.name_error),
            (self.url_edit, self.url_error),
            (self.client_id_edit, self.client_id_error),
            (self.secret_edit, None),
        ):
            edit.textEdited.connect(lambda _text, e=error: self._edited(e))
            edit.returnPressed.connect(self.save)

        self._reload_list(select_id)
        chosen = self._selected_connection()
        if chosen is not None:
            self._load(chosen)
        else:
            self._load(None)
        self._update_location_label()

    # -- what the caller tells the dialog -----------------------------------------------------

    def show_test_result(self, ok: bool, message: str) -> None:
        """The outcome of the last ``test_requested``, in plain words."""
        self._set_state_text(self.test_result_label, message, "ok" if ok else "error")
        self.test_button.setEnabled(True)
        self._update_location_label()

    # -- actions ----------------------------------------------------------------------------

    def start_new(self) -> None:
        if self._may_discard():
            self.connection_list.setCurrentRow(-1)
            self._load(None)
            self.name_edit.setFocus()

    def edit_selected(self) -> None:
        connection = self._selected_connection()
        if connection is None or (connection.id == self._editing_id and not self._dirty):
            return
        if self._may_discard():
            self._load(connection)
            self.name_edit.setFocus()

    def save(self) -> bool:
        """Validate, write the plain settings and the secret; ``False`` when nothing was saved."""
        self._clear_messages()
        connection = self._validated_connection()
        if connection is None:
            return False
        self.settings.save_connection(connection)
        problem = self.settings.sync()
        if problem:
            self._set_state_text(self.error_label, problem, "error")
            return False
        secret = self.secret_edit.text().strip()
        secret_note = ""
        if secret and secret != self._loaded_secret:
            secret_note = " " + self.secrets.set(connection.id, secret).description
        elif not secret and self._loaded_secret:
            deleted = self.secrets.delete(connection.id)
            if deleted.problem:
                self._set_state_text(self.error_label, deleted.problem, "error")
            else:
                secret_note = " Its client secret was removed."
        self._editing_id = connection.id
        self._loaded_secret = secret or None
        self._dirty = False
        self.form_box.setTitle(f"Edit “{connection.name}”")
        self._reload_list(connection.id)
        self._update_location_label()
        self._set_state_text(self.status_label, f"Saved “{connection.name}”.{secret_note}", "ok")
        self.connections_changed.emit()
        return True

    def remove_selected(self) -> bool:
        connection = self._selected_connection()
        if connection is None:
            return False
        answer = QMessageBox.question(
            self,
            "Remove connection",
            f"Remove the connection “{connection.name}”? Its client secret is deleted from "
            f"{self.secrets.location} too.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return False
        self._clear_messages()
        self.settings.remove_connection(connection.id)
        problem = self.settings.sync()
        if problem:
            self._set_state_text(self.error_label, problem, "error")
            return False
        deleted = self.secrets.delete(connection.id)
        if deleted.problem:
            self._set_state_text(self.error_label, deleted.problem, "error")
        if connection.id == self._editing_id:
            self._load(None)
        self._reload_list(self._editing_id)
        self._update_location_label()
        self._set_state_text(self.status_label, f"Removed “{connection.name}”.", "ok")
        self.connections_changed.emit()
        return True

    def request_test(self) -> None:
        """Emit ``test_requested`` with the form as it is (saved or not)."""
        self._clear_messages()
        base_url = self._checked_base_url()
        client_id = self._checked_client_id()
        if base_url is None or client_id is None:
            self._focus_first_error()
            return
        config = ConnectionConfig(
            name=self.name_edit.text().strip() or UNSAVED_NAME,
            base_url=base_url,
            client_id=client_id,
            client_secret=self.secret_edit.text().strip() or None,
        )
        self.test_button.setEnabled(False)
        self._set_state_text(self.test_result_label, "Testing the connection…", "busy")
        self.test_requested.emit(config)

    def reject(self) -> None:
        """Escape and Close ask before unsaved typing is dropped."""
        if self._may_discard():
            super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:
        """The title bar's close asks too; a programmatic ``close()`` (app quitting) does not."""
        if event.spontaneous() and not self._may_discard():
            event.ignore()
            return
        self._dirty = False  # answered, or closed by the program: QDialog's reject() must not ask
        super().closeEvent(event)

    # -- the form ---------------------------------------------------------------------------

    def _load(self, connection: SavedConnection | None) -> None:
        self._clear_messages()
        for error in (self.name_error, self.url_error, self.client_id_error):
            error.clear_message()
        self.test_result_label.clear()
        if connection is None:
            self._editing_id = None
            self._loaded_secret = None
            self.form_box.setTitle(UNSAVED_NAME)
            self.name_edit.clear()
            self.client_id_edit.clear()
            self.secret_edit.clear()
            self._set_region(REGION_CHOICES[1][1], "")
        else:
            self._editing_id = connection.id
            self._loaded_secret = self.secrets.get(connection.id)
            self.form_box.setTitle(f"Edit “{connection.name}”")
            self.name_edit.setText(connection.name)
            self.client_id_edit.setText(connection.client_id)
            self.secret_edit.setText(self._loaded_secret or "")
            self._set_region(connection.region, connection.custom_url)
            self._update_location_label()
        self._dirty = False
        self._update_buttons()

    def _set_region(self, region: str, custom_url: str) -> None:
        self.url_edit.setEnabled(False)  # so the previous form's URL is not kept as custom
        self._custom_url = custom_url
        index = self.region_combo.findData(region)
        if index == self.region_combo.currentIndex():
            self._region_changed(index)
        else:
            self.region_combo.setCurrentIndex(index)

    def _region_changed(self, index: int) -> None:
        region = self.region_combo.itemData(index)
        custom = region == CUSTOM_REGION
        if self.url_edit.isEnabled() and not custom:
            self._custom_url = self.url_edit.text()  # kept for switching back
        self.url_edit.setEnabled(custom)
        self.url_edit.setText(self._custom_url if custom else REGION_URLS.get(region, ""))
        self.url_error.clear_message()

    def _edited(self, error: FieldError | None = None) -> None:
        self._dirty = True
        if error is not None:
            error.clear_message()

    def _validated_connection(self) -> SavedConnection | None:
        name = self._checked_name()
        base_url = self._checked_base_url()
        client_id = self._checked_client_id()
        if name is None or base_url is None or client_id is None:
            self._focus_first_error()
            return None
        region = str(self.region_combo.currentData())
        custom_url = base_url if region == CUSTOM_REGION else ""
        if self._editing_id is None:
            return SavedConnection.new(name, region, client_id, custom_url)
        return SavedConnection(
            id=self._editing_id,
            name=name,
            region=region,
            custom_url=custom_url,
            client_id=client_id,
        )

    def _checked_name(self) -> str | None:
        name = self.name_edit.text().strip()
        if not name:
            self.name_error.show_message("Enter a name for this connection.")
            return None
        for other in self.settings.connections():
            if other.id != self._editing_id and other.name.casefold() == name.casefold():
                self.name_error.show_message(
                    f"Another connection is already called “{other.name}”. Choose a different name."
                )
                return None
        return name

    def _checked_base_url(self) -> str | None:
        region = self.region_combo.currentData()
        if region != CUSTOM_REGION:
            return REGION_URLS[str(region)]
        try:
            return normalize_base_url(self.url_edit.text())
        except ConfigurationError as error:
            self.url_error.show_message(str(error))
            return None

    def _checked_client_id(self) -> str | None:
        client_id = self.client_id_edit.text().strip()
        if client_id:
            return client_id
        self.client_id_error.show_message(
            "Enter the connection's client ID (Commerce Manager → System → Application Keys)."
        )
        return None

    def _focus_first_error(self) -> None:
        for error, field in (
            (self.name_error, self.name_edit),
            (self.url_error, self.url_edit),
            (self.client_id_error, self.client_id_edit),
        ):
            if error.text():
                field.setFocus()
                return

    # -- list, labels, confirmations ----------------------------------------------------------

    def _reload_list(self, select_id: str | None) -> None:
        self.connection_list.clear()
        for connection in self.settings.connections():
            item = QListWidgetItem(connection.name)
            item.setData(Qt.ItemDataRole.UserRole, connection.id)
            try:
                item.setToolTip(connection.base_url)
            except ConfigurationError:
                item.setToolTip("The saved URL is not usable; edit it.")
            self.connection_list.addItem(item)
            if connection.id == select_id:
                self.connection_list.setCurrentItem(item)
        if self.connection_list.currentItem() is None and self.connection_list.count():
            self.connection_list.setCurrentRow(0)
        self._update_buttons()

    def _selected_connection(self) -> SavedConnection | None:
        item = self.connection_list.currentItem()
        if item is None:
            return None
        return self.settings.connection(str(item.data(Qt.ItemDataRole.UserRole)))

    def _update_buttons(self) -> None:
        selected = self.connection_list.currentItem() is not None
        self.edit_button.setEnabled(selected)
        self.remove_button.setEnabled(selected)

    def _update_location_label(self) -> None:
        notice = self.secrets.notice
        if notice:
            self._set_state_text(self.secret_location_label, notice, "error")
        else:
            self._set_state_text(
                self.secret_location_label,
                f"Client secrets are stored in {self.secrets.location}, never in the "
                "settings file.",
                "ok",
            )

    def _may_discard(self) -> bool:
        if not self._dirty:
            return True
        answer = QMessageBox.question(
            self,
            "Discard changes",
            "Discard what you typed in the connection form?",
            QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        if answer == QMessageBox.StandardButton.Discard:
            self._dirty = False
            return True
        return False

    def _clear_messages(self) -> None:
        self.error_label.clear()
        self.status_label.clear()

    @staticmethod
    def _set_state_text(label: QLabel, text: str, state: str) -> None:
        """``state`` is "ok", "busy" or "error"."""
        label.setText(text)
        set_tone(label, STATUS_TONES[state])
