"""Small pieces every form uses: a field with its own error line, and a password toggle."""

from __future__ import annotations

from typing import TypeVar

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QIcon
from PySide6.QtWidgets import QAbstractButton, QLabel, QLineEdit, QVBoxLayout, QWidget

from desktop_app.resource_paths import resource_path
from desktop_app.ui.tones import Tone, set_tone

ObjectT = TypeVar("ObjectT", bound=QObject)


def named(widget: ObjectT, object_name: str) -> ObjectT:
    """Set the stable objectName that tests and automation find widgets by."""
    widget.setObjectName(object_name)
    return widget


def make_selectable(*labels: QLabel) -> None:
    """Let the reader select and copy a label's text, e.g. an error to paste into a ticket.

    Never from the main window's first phase (it calls this when there is text to select):
    the flag is a ``Qt`` enum, and PySide builds all 93 enums of the ``Qt`` namespace (~12 ms)
    the first time any of them is touched."""
    from PySide6.QtCore import Qt

    for label in labels:
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)


class FieldError(QLabel):
    """A message shown right under the field it is about; hidden while there is none."""

    def __init__(self, object_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(object_name)
        set_tone(self, Tone.ERROR)
        self.setWordWrap(True)
        self.hide()

    def show_message(self, message: str) -> None:
        self.setText(message)
        self.setVisible(bool(message))

    def clear_message(self) -> None:
        self.show_message("")


def buddy(text: str, field: QWidget) -> QLabel:
    """A form label whose mnemonic (the letter after &) moves focus to ``field``."""
    label = QLabel(text)
    label.setBuddy(field)
    return label


def with_error(field: QWidget, error: FieldError, hint: str | None = None) -> QWidget:
    """Stack a field, an optional hint and its error line so they stay together in a form."""
    box = QWidget()
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(2)
    layout.addWidget(field)
    if hint:
        note = QLabel(hint)
        set_tone(note, Tone.HINT)
        note.setWordWrap(True)
        layout.addWidget(note)
    layout.addWidget(error)
    return box


def add_clear_button(edit: QLineEdit) -> None:
    """The small ⓧ that empties the field, switched on with the first character typed.

    Qt shows it only while there is text anyway, and switching it on costs ~3.5 ms the first
    time (the style looks its icon up in the desktop's icon theme): a window that paints
    before anyone types should not pay that first."""

    def switch_on(text: str) -> None:
        if text:
            edit.textChanged.disconnect(switch_on)
            edit.setClearButtonEnabled(True)

    edit.textChanged.connect(switch_on)


def add_password_toggle(edit: QLineEdit) -> QAction:
    """A show/hide eye inside the field: support staff often read a password back to a caller."""
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    # Our own eye, not a style's standard pixmap: no style offers an eye, and touching QStyle
    # from Python costs ~4 ms of start-up (PySide builds all of its enums on first use).
    icon = QIcon(str(resource_path("icons", "show-password.svg")))
    action = edit.addAction(icon, QLineEdit.ActionPosition.TrailingPosition)
    action.setCheckable(True)
    action.setToolTip("Show password")

    def toggle(shown: bool) -> None:
        edit.setEchoMode(QLineEdit.EchoMode.Normal if shown else QLineEdit.EchoMode.Password)
        action.setToolTip("Hide password" if shown else "Show password")

    action.toggled.connect(toggle)
    return action


class FocusKeeper:
    """Keeps keyboard focus in a form while its controls are switched off for a request, and
    owns the form's Cancel button, which is on exactly then.

    Switching off the focused field or button makes Qt move the focus to the next widget in
    the window (beside the login form: the token filter), where it stayed. Instead Cancel
    takes it while the form is busy and hands it back after, unless the user moved it
    meanwhile. Call :meth:`enter_busy` before switching anything off, and :meth:`leave_busy`
    once everything is back on; either may be called again without harm."""

    def __init__(self, form: QWidget, cancel: QAbstractButton) -> None:
        self._form = form
        self._cancel = cancel
        self._busy = False
        self._before: QWidget | None = None

    def enter_busy(self) -> None:
        self._cancel.setEnabled(True)
        if self._busy:
            return  # already holding: a click meanwhile is the user's, not to be undone
        self._busy = True
        focused = self._form.focusWidget()  # the form's last focused child
        if focused is not None and focused is not self._cancel and focused.hasFocus():
            self._before = focused
            self._cancel.setFocus()

    def leave_busy(self) -> None:
        before, self._before = self._before, None
        self._busy = False
        if before is not None and self._cancel.hasFocus() and before.isEnabled():
            before.setFocus()
        self._cancel.setEnabled(False)
