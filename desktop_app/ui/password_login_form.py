"""The "Give a password login" form: find a user, see their logins, create or reset one.

It only validates and emits requests; the window runs them on the worker and calls back.
Nothing typed is ever cleared by a failure.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
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

from desktop_app.api.login_rules import (
    confirmation_problem,
    password_problem,
    username_problem,
)
from desktop_app.api.models import PasswordLogin, PasswordProfile, RealmUser
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

SEARCH_DELAY_MS = 350  # long enough not to search on every keystroke, short enough to feel live


@dataclass(frozen=True)
class CreateLoginRequest:
    user_id: str
    user_label: str
    profile: PasswordProfile
    username: str
    password: str


@dataclass(frozen=True)
class ResetPasswordRequest:
    login: PasswordLogin
    password: str


def ask_to_confirm_reset(parent: QWidget, login: PasswordLogin) -> bool:
    answer = QMessageBox.question(
        parent,
        "Reset password",
        f"Set a new password for “{login.username}”?\n\nThe old password stops working at once.",
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
        QMessageBox.StandardButton.Cancel,
    )
    return answer == QMessageBox.StandardButton.Yes


class PasswordLoginForm(QWidget):
    """A plain widget named by its tab, as ``LoginForm`` is (see there for why)."""

    search_requested = Signal(str)
    logins_requested = Signal(str)  # user id
    create_requested = Signal(object)  # CreateLoginRequest
    reset_requested = Signal(object)  # ResetPasswordRequest
    log_in_as_requested = Signal(str, str, str)  # profile id, username, password
    cancel_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Give a shopper a password login")
        self.confirm_reset: Callable[[PasswordLogin], bool] = lambda login: ask_to_confirm_reset(
            self, login
        )
        self._profiles: dict[str, PasswordProfile] = {}
        self._chosen: RealmUser | None = None
        self._prefilled_username = ""
        self._created: tuple[str, str, str] | None = None
        self._busy = False
        self._connected = False

        self.search_edit = named(QLineEdit(), "profileUserSearchEdit")
        self.search_edit.setPlaceholderText("Type a name or email, then pick the user")
        self.search_edit.setAccessibleName("Search users by name or email")
        add_clear_button(self.search_edit)
        self.results_list = named(QListWidget(), "profileUserResultsList")
        self.results_list.setAccessibleName("Matching users")
        self.results_list.setMaximumHeight(96)
        self.search_status = QLabel()
        set_tone(self.search_status, Tone.HINT)
        self.user_id_edit = named(QLineEdit(), "profileUserAuthInfoEdit")
        self.user_id_edit.setAccessibleName("User ID")
        self.user_id_edit.setPlaceholderText("Picked from the search, or paste a user ID")
        self.logins_list = named(QListWidget(), "profileExistingLoginsList")
        self.logins_list.setAccessibleName("The user's existing logins")
        self.logins_list.setMaximumHeight(64)
        self.reset_button = named(QPushButton("R&eset password…"), "resetPasswordButton")
        self.reset_button.setToolTip("Set the password below on the selected existing login")
        self.reset_button.setEnabled(False)
        self.profile_combo = named(QComboBox(), "profilePasswordProfileCombo")
        self.profile_combo.setAccessibleName("Password profile for the new login")
        self.username_edit = named(QLineEdit(), "profileUsernameEdit")
        self.username_edit.setAccessibleName("New login username")
        self.password_edit = named(QLineEdit(), "profilePasswordEdit")
        self.password_edit.setAccessibleName("New password")
        self.password_edit.setPlaceholderText("At least 8 characters")
        add_password_toggle(self.password_edit)
        self.confirm_edit = named(QLineEdit(), "profilePasswordConfirmEdit")
        self.confirm_edit.setAccessibleName("Confirm new password")
        add_password_toggle(self.confirm_edit)
        self.user_error = FieldError("profileUserError")
        self.profile_error = FieldError("profileProfileError")
        self.username_error = FieldError("profileUsernameError")
        self.password_error = FieldError("profilePasswordError")
        self.confirm_error = FieldError("profileConfirmError")
        self.create_button = named(QPushButton("Create lo&gin"), "createProfileButton")
        self.cancel_button = named(QPushButton("&Cancel"), "profileCancelButton")
        self.cancel_button.setToolTip("Stop waiting for the store")
        self.result_label = named(QLabel(), "profileResultLabel")
        self.result_label.setWordWrap(True)
        make_selectable(self.result_label)
        self.log_in_as_button = named(
            QPushButton("Log in as this shopper &now"), "loginAsCreatedButton"
        )
        self.log_in_as_button.hide()
        self.error_label = named(QLabel(), "profileErrorLabel")
        set_tone(self.error_label, Tone.ERROR)
        self.error_label.setWordWrap(True)
        make_selectable(self.error_label)

        logins_box = QWidget()
        logins_column = QVBoxLayout(logins_box)
        logins_column.setContentsMargins(0, 0, 0, 0)
        logins_column.setSpacing(2)
        logins_column.addWidget(self.logins_list)
        logins_column.addWidget(self.reset_button, 0, Qt.AlignmentFlag.AlignRight)

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        form.addRow(
            buddy("&Find user", self.search_edit),
            self._stack(self.search_edit, self.results_list, self.search_status),
        )
        form.addRow(
            buddy("User &ID", self.user_id_edit),
            with_error(self.user_id_edit, self.user_error),
        )
        form.addRow(buddy("E&xisting logins", self.logins_list), logins_box)
        form.addRow(
            buddy("P&rofile", self.profile_combo),
            with_error(self.profile_combo, self.profile_error),
        )
        form.addRow(
            buddy("User&name", self.username_edit),
            with_error(self.username_edit, self.username_error),
        )
        form.addRow(
            buddy("Pass&word", self.password_edit),
            with_error(self.password_edit, self.password_error),
        )
        form.addRow(
            buddy("Con&firm", self.confirm_edit),
            with_error(self.confirm_edit, self.confirm_error),
        )
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.create_button)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addLayout(buttons)
        layout.addWidget(self.result_label)
        layout.addWidget(self.log_in_as_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.error_label)
        layout.addStretch(1)

        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self._search_now)
        self.search_edit.textEdited.connect(lambda _: self._search_timer.start())
        self.search_edit.returnPressed.connect(self._on_search_return)
        self.search_edit.installEventFilter(self)
        self.results_list.itemActivated.connect(self._pick_item)
        self.results_list.itemClicked.connect(self._pick_item)
        self.user_id_edit.editingFinished.connect(self._on_user_id_edited)
        self.user_id_edit.textEdited.connect(lambda _: self.user_error.clear_message())
        self.logins_list.currentItemChanged.connect(lambda *_: self._update_enabled())
        self.profile_combo.currentIndexChanged.connect(self._on_profile_changed)
        self.username_edit.textEdited.connect(lambda _: self.username_error.clear_message())
        self.password_edit.textEdited.connect(lambda _: self.password_error.clear_message())
        self.confirm_edit.textEdited.connect(lambda _: self.confirm_error.clear_message())
        self.create_button.clicked.connect(self.submit_create)
        self.confirm_edit.returnPressed.connect(self.submit_create)
        self.reset_button.clicked.connect(self.submit_reset)
        self.log_in_as_button.clicked.connect(self._log_in_as_created)
        self.cancel_button.clicked.connect(self.cancel_requested)
        self._focus = FocusKeeper(self, self.cancel_button)
        self._update_enabled()

    @staticmethod
    def _stack(*widgets: QWidget) -> QWidget:
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        for widget in widgets:
            layout.addWidget(widget)
        return box

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Down arrow from the search box walks into the results, like a completer."""
        if (
            watched is self.search_edit
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() == Qt.Key.Key_Down
            and self.results_list.count()
        ):
            self.results_list.setFocus()
            self.results_list.setCurrentRow(0)
            return True
        return super().eventFilter(watched, event)

    # -- what the window tells the form ---------------------------------------------------

    def set_profiles(self, profiles: tuple[PasswordProfile, ...]) -> None:
        previous = self.profile_combo.currentData(Qt.ItemDataRole.UserRole)
        self._profiles = {p.id: p for p in profiles}
        self.profile_combo.blockSignals(True)
        self.profile_combo.clear()
        for profile in profiles:
            suffix = " (email usernames)" if profile.requires_email else ""
            self.profile_combo.addItem(profile.name + suffix, profile.id)
        index = self.profile_combo.findData(previous) if previous else -1
        self.profile_combo.setCurrentIndex(index if index >= 0 else (0 if profiles else -1))
        self.profile_combo.blockSignals(False)
        self._connected = True
        self._on_profile_changed()

    def set_disconnected(self) -> None:
        self._connected = False
        self._update_enabled()

    def set_busy(self, busy: bool) -> None:
        self._busy = busy
        self._update_enabled()

    def show_search_results(self, users: tuple[RealmUser, ...]) -> None:
        self.results_list.clear()
        for user in users:
            item = QListWidgetItem(user.label)
            item.setData(Qt.ItemDataRole.UserRole, user)
            item.setToolTip(user.id)
            self.results_list.addItem(item)
        count = len(users)
        self.search_status.setText(
            "No users match."
            if not count
            else f"{count} user{'s' * (count != 1)} found — pick one (Down arrow, Enter)."
        )
        if count == 1:
            self.results_list.setCurrentRow(0)

    def show_logins(self, user_id: str, logins: tuple[PasswordLogin, ...]) -> None:
        if user_id != self.user_id_edit.text().strip():
            return  # the agent picked someone else meanwhile
        current = self.logins_list.currentItem()
        selected = current.data(Qt.ItemDataRole.UserRole) if current is not None else None
        selected_id = selected.id if isinstance(selected, PasswordLogin) else None
        self.logins_list.clear()
        for login in logins:
            profile = self._profiles.get(login.password_profile_id)
            name = profile.name if profile else login.password_profile_id
            item = QListWidgetItem(f"{login.username} — {name}")
            item.setData(Qt.ItemDataRole.UserRole, login)
            self.logins_list.addItem(item)
            if login.id == selected_id:  # a refresh keeps the agent's selection
                self.logins_list.setCurrentItem(item)
        if not logins:
            placeholder = QListWidgetItem("No password logins yet")
            placeholder.setFlags(Qt.ItemFlag.NoItemFlags)
            self.logins_list.addItem(placeholder)
        self._update_enabled()

    def show_created(self, login: PasswordLogin, user_label: str, password: str) -> None:
        self.error_label.clear()
        self.result_label.setText(
            f"Created the login “{login.username}” for {user_label} (login ID {login.id})."
        )
        self._created = (login.password_profile_id, login.username, password)
        self.log_in_as_button.show()

    def show_reset(self, login: PasswordLogin, password: str) -> None:
        self.error_label.clear()
        self.result_label.setText(
            f"Set a new password for “{login.username}” (login ID {login.id})."
        )
        self._created = (login.password_profile_id, login.username, password)
        self.log_in_as_button.show()

    def show_error(self, message: str) -> None:
        self.error_label.setText(message)

    # -- what the user does ---------------------------------------------------------------

    def _on_search_return(self) -> None:
        if self.results_list.count() == 1 and self.results_list.currentItem() is not None:
            self._pick_item(self.results_list.currentItem())
        else:
            self._search_now()

    def _search_now(self) -> None:
        self._search_timer.stop()
        text = self.search_edit.text().strip()
        if not text:
            self.results_list.clear()
            self.search_status.clear()
            return
        self.search_status.setText("Searching…")
        self.search_requested.emit(text)

    def _pick_item(self, item: QListWidgetItem | None) -> None:
        user = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
        if isinstance(user, RealmUser):
            self.choose_user(user)

    def choose_user(self, user: RealmUser) -> None:
        self._chosen = user
        self.user_id_edit.setText(user.id)
        self.user_error.clear_message()
        self.search_status.setText(f"Chosen: {user.label}")
        self._prefill_username()
        self.logins_list.clear()
        self.logins_requested.emit(user.id)

    def _on_user_id_edited(self) -> None:
        user_id = self.user_id_edit.text().strip()
        if self._chosen is not None and self._chosen.id != user_id:
            self._chosen = None  # a pasted id: we no longer know the name
        if user_id and (self._chosen is None or not self.logins_list.count()):
            self.logins_list.clear()
            self.logins_requested.emit(user_id)

    def _current_profile(self) -> PasswordProfile | None:
        return self._profiles.get(self.profile_combo.currentData(Qt.ItemDataRole.UserRole) or "")

    def _on_profile_changed(self, *_: object) -> None:
        self.profile_error.clear_message()
        self._prefill_username()
        self._update_enabled()

    def _prefill_username(self) -> None:
        """Only overwrite a username the form itself filled in, never one the agent typed."""
        profile = self._current_profile()
        current = self.username_edit.text().strip()
        if current and current != self._prefilled_username:
            return
        email = self._chosen.email if self._chosen else ""
        value = email if (profile is not None and profile.requires_email and email) else ""
        if value or current == self._prefilled_username:
            self.username_edit.setText(value)
            self._prefilled_username = value

    def _validate_password_fields(self) -> list[QWidget]:
        password = self.password_edit.text()
        checks: list[tuple[QWidget, FieldError, str | None]] = [
            (self.password_edit, self.password_error, password_problem(password)),
            (
                self.confirm_edit,
                self.confirm_error,
                confirmation_problem(password, self.confirm_edit.text()),
            ),
        ]
        for _, error, message in checks:
            error.show_message(message or "")
        return [field for field, _, message in checks if message]

    def submit_create(self) -> None:
        if self._busy or not self.create_button.isEnabled():
            return
        self.result_label.clear()
        self.log_in_as_button.hide()
        profile = self._current_profile()
        user_id = self.user_id_edit.text().strip()
        checks: list[tuple[QWidget, FieldError, str | None]] = [
            (
                self.user_id_edit,
                self.user_error,
                None if user_id else "Pick a user from the search, or paste a user ID.",
            ),
            (
                self.profile_combo,
                self.profile_error,
                None if profile else "Choose a password profile.",
            ),
            (
                self.username_edit,
                self.username_error,
                username_problem(self.username_edit.text(), profile),
            ),
        ]
        for _, error, message in checks:
            error.show_message(message or "")
        invalid = [field for field, _, message in checks if message]
        invalid += self._validate_password_fields()
        if invalid or profile is None:
            self.error_label.setText("Fix the highlighted fields to create the login.")
            invalid[0].setFocus(Qt.FocusReason.OtherFocusReason)
            return
        self.error_label.clear()
        label = self._chosen.label if self._chosen and self._chosen.id == user_id else user_id
        self.create_requested.emit(
            CreateLoginRequest(
                user_id=user_id,
                user_label=label,
                profile=profile,
                username=self.username_edit.text().strip(),
                password=self.password_edit.text(),
            )
        )

    def submit_reset(self) -> None:
        item = self.logins_list.currentItem()
        login = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
        if self._busy or not isinstance(login, PasswordLogin):
            return
        self.result_label.clear()
        self.log_in_as_button.hide()
        invalid = self._validate_password_fields()
        if invalid:
            self.error_label.setText("Type the new password twice to reset this login.")
            invalid[0].setFocus(Qt.FocusReason.OtherFocusReason)
            return
        if not self.confirm_reset(login):
            return
        self.error_label.clear()
        self.reset_requested.emit(ResetPasswordRequest(login, self.password_edit.text()))

    def _log_in_as_created(self) -> None:
        if self._created is not None:
            self.log_in_as_requested.emit(*self._created)

    def _update_enabled(self) -> None:
        ready = self._connected and not self._busy
        item = self.logins_list.currentItem()
        has_login = item is not None and isinstance(
            item.data(Qt.ItemDataRole.UserRole), PasswordLogin
        )
        if self._busy:
            self._focus.enter_busy()  # Cancel on and holding the focus, before the rest goes off
        self.create_button.setEnabled(ready)
        self.reset_button.setEnabled(ready and has_login)
        if not self._busy:
            self._focus.leave_busy()
