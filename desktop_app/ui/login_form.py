"""The "Log in as a shopper" form: profile, username, password, and what happened."""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop_app.ui.form_fields import (
    FieldError,
    FocusKeeper,
    add_clear_button,
    add_password_toggle,
    buddy,
    make_selectable,
    named,
    with_error,
)
from desktop_app.ui.tones import Tone, set_tone

if TYPE_CHECKING:  # annotations only: the models load with the API client, after the paint
    from desktop_app.api.models import LoginProgress, PasswordProfile


# A login that answers sooner than this never greys the form out and back: a flash that reads
# as flicker, and a repaint of the whole form while the login it announces is on the wire.
BUSY_LOOK_DELAY_MS = 250


class LoginRequest(NamedTuple):
    """What the form hands the window; a NamedTuple, as it loads before the first paint."""

    password_profile_id: str
    username: str
    password: str

    def __repr__(self) -> str:  # never the password, should one ever be logged
        return f"LoginRequest({self.password_profile_id!r}, {self.username!r}, password=•••)"


class LoginForm(QWidget):
    """Validates before anything is sent and never clears what the user typed on failure.

    A plain widget, not a group box: its tab names it. A flat, untitled ``QGroupBox`` drew
    nothing visible, yet Qt painted its frame under every repaint of the Log in button, and
    a button repaints at once on press and again on release, before ``clicked``: ~0.08 ms
    of each click, ~3 % of a quick login (./dev bench)."""

    submitted = Signal(object)  # LoginRequest
    cancel_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Log in as a shopper")
        self.profile_combo = named(QComboBox(), "loginPasswordProfileCombo")
        self.profile_combo.setAccessibleName("Password profile")
        self.profile_combo.setPlaceholderText("Connect to a store to list its profiles")
        self.username_edit = named(QLineEdit(), "loginUsernameEdit")
        self.username_edit.setAccessibleName("Shopper username")
        self.username_edit.setPlaceholderText("e.g. ron@swanson.com")
        add_clear_button(self.username_edit)
        self.password_edit = named(QLineEdit(), "loginPasswordEdit")
        self.password_edit.setAccessibleName("Shopper password")
        self.password_toggle = add_password_toggle(self.password_edit)
        self.profile_error = FieldError("loginProfileError")
        self.username_error = FieldError("loginUsernameError")
        self.password_error = FieldError("loginPasswordError")

        self.login_button = named(QPushButton("&Log in"), "loginButton")
        self.login_button.setDefault(True)
        self.login_button.setAutoDefault(True)
        self.cancel_button = named(QPushButton("&Cancel"), "cancelButton")
        self.cancel_button.setEnabled(False)
        self.cancel_button.setToolTip("Stop reading this shopper's accounts")
        self.progress_bar = named(QProgressBar(), "loginProgressBar")
        self.progress_bar.setTextVisible(True)
        self.progress_bar.hide()
        self.error_label = named(QLabel(), "loginErrorLabel")
        set_tone(self.error_label, Tone.ERROR)
        self.error_label.setWordWrap(True)  # selectable once it has an error: see show_error

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        form.addRow(
            buddy("Password &profile", self.profile_combo),
            with_error(self.profile_combo, self.profile_error),
        )
        form.addRow(
            buddy("&Username", self.username_edit),
            with_error(
                self.username_edit,
                self.username_error,
                hint="Sent in lower case, as storefronts do.",
            ),
        )
        form.addRow(
            buddy("Pass&word", self.password_edit),
            with_error(self.password_edit, self.password_error),
        )
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.login_button)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addLayout(buttons)
        layout.addWidget(self.progress_bar)
        layout.addWidget(self.error_label)
        layout.addStretch(1)

        self.login_button.clicked.connect(self.submit)
        self.username_edit.returnPressed.connect(self.submit)
        self.password_edit.returnPressed.connect(self.submit)
        self.cancel_button.clicked.connect(self.cancel_requested)
        self.username_edit.textEdited.connect(lambda _: self.username_error.clear_message())
        self.password_edit.textEdited.connect(lambda _: self.password_error.clear_message())
        self.profile_combo.currentIndexChanged.connect(lambda _: self.profile_error.clear_message())
        self._busy = False
        self._busy_look = False
        self._focus = FocusKeeper(self, self.cancel_button)
        self._busy_look_timer = QTimer(self)
        self._busy_look_timer.setSingleShot(True)
        self._busy_look_timer.setInterval(BUSY_LOOK_DELAY_MS)
        self._busy_look_timer.timeout.connect(lambda: self._set_busy_look(True))
        self._connected = False
        self._update_enabled()

    # -- what the window tells the form ---------------------------------------------------

    def set_profiles(self, profiles: tuple[PasswordProfile, ...]) -> None:
        """Keep the chosen profile when the list is refreshed, so a reconnect loses nothing."""
        previous = self.profile_combo.currentData()
        self.profile_combo.clear()
        for profile in profiles:
            label = profile.name + (" (email usernames)" if profile.requires_email else "")
            self.profile_combo.addItem(label, profile.id)
        index = self.profile_combo.findData(previous) if previous else -1
        self.profile_combo.setCurrentIndex(index if index >= 0 else (0 if profiles else -1))
        if not profiles:
            self.profile_combo.setPlaceholderText("This store has no password profiles")
        self._connected = bool(profiles)
        self._update_enabled()

    def set_disconnected(self, placeholder: str) -> None:
        self._connected = False
        self.profile_combo.setPlaceholderText(placeholder)
        self._update_enabled()

    def set_busy(self, busy: bool) -> None:
        """Busy at once (another submit is ignored); it looks busy after a short delay."""
        self._busy = busy
        if busy:
            self._busy_look_timer.start()
        else:
            self._busy_look_timer.stop()
            self._set_busy_look(False)

    def _set_busy_look(self, shown: bool) -> None:
        """Progress bar and Cancel on, fields and Log in off: the form says "wait"."""
        if shown == self._busy_look:
            return
        self._busy_look = shown
        if shown:
            self.progress_bar.setRange(0, 0)  # indeterminate until the first page reports
            self.progress_bar.setFormat("Logging in…")
            self.progress_bar.show()
        else:
            self.progress_bar.hide()
        self._update_enabled()

    def show_progress(self, progress: LoginProgress) -> None:
        self._busy_look_timer.stop()
        self._set_busy_look(True)  # pages are coming: not a login to wait out silently
        # QProgressBar.setValue repaints at once, and with it everything dirty in the window
        # (the table that just grew): ~3 ms per page. Updates off turn it into one queued paint.
        self.progress_bar.setUpdatesEnabled(False)
        try:
            self.progress_bar.setFormat(
                f"Read page {progress.pages_done} of {progress.pages_total} "
                f"({progress.accounts_read:,} of {progress.accounts_total:,} accounts)"
            )
            self.progress_bar.setRange(0, max(1, progress.pages_total))
            self.progress_bar.setValue(progress.pages_done)
        finally:
            self.progress_bar.setUpdatesEnabled(True)

    def show_error(self, message: str) -> None:
        self.error_label.setText(message)
        make_selectable(self.error_label)  # so it can be pasted into a ticket

    def clear_error(self) -> None:
        # Not QLabel.clear(): that re-lays out and repaints the whole form even when the label
        # is already empty — on every click, while the login it starts is on the wire.
        self.error_label.setText("")

    def fill(self, password_profile_id: str, username: str, password: str) -> None:
        index = self.profile_combo.findData(password_profile_id)
        if index >= 0:
            self.profile_combo.setCurrentIndex(index)
        self.username_edit.setText(username)
        self.password_edit.setText(password)

    # -- what the user does ---------------------------------------------------------------

    def submit(self) -> None:
        if self._busy or not self.login_button.isEnabled():
            return
        request = self._validated_request()
        if request is not None:
            self.clear_error()
            self.submitted.emit(request)

    def _validated_request(self) -> LoginRequest | None:
        profile_id = self.profile_combo.currentData()
        username = self.username_edit.text().strip()
        password = self.password_edit.text()
        checks = (
            (
                self.profile_combo,
                self.profile_error,
                "" if profile_id else "Choose a password profile.",
            ),
            (
                self.username_edit,
                self.username_error,
                "" if username else "Enter the shopper's username.",
            ),
            (
                self.password_edit,
                self.password_error,
                "" if password else "Enter the shopper's password.",
            ),
        )
        for _, error, message in checks:
            error.show_message(message)
        invalid = [field for field, _, message in checks if message]
        if invalid:
            self.show_error("Fill in the highlighted fields to log in.")
            invalid[0].setFocus()
            return None
        return LoginRequest(
            password_profile_id=str(profile_id), username=username, password=password
        )

    def _update_enabled(self) -> None:
        busy = self._busy_look
        if busy:
            self._focus.enter_busy()  # Cancel on and holding the focus, before the rest goes off
        self.login_button.setEnabled(self._connected and not busy)
        for field in (self.profile_combo, self.username_edit, self.password_edit):
            field.setEnabled(not busy)
        if not busy:
            self._focus.leave_busy()
