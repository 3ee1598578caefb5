"""A form switching its controls off for a request keeps the keyboard focus to itself."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication, QLineEdit, QPushButton, QVBoxLayout, QWidget
from pytestqt.qtbot import QtBot

from desktop_app.ui.form_fields import FocusKeeper


class Form(QWidget):
    """A field, a submit button and Cancel, switched the way the app's forms switch them, and
    a search box that stays usable while busy (as the password form's lists do)."""

    def __init__(self) -> None:
        super().__init__()
        self.field = QLineEdit()
        self.submit = QPushButton("Submit")
        self.cancel = QPushButton("Cancel")
        self.search = QLineEdit()
        layout = QVBoxLayout(self)
        for widget in (self.field, self.submit, self.cancel, self.search):
            layout.addWidget(widget)
        self.focus = FocusKeeper(self, self.cancel)
        self.set_busy(False)

    def set_busy(self, busy: bool) -> None:
        if busy:
            self.focus.enter_busy()
        self.field.setEnabled(not busy)
        self.submit.setEnabled(not busy)
        if not busy:
            self.focus.leave_busy()


class Window(QWidget):
    """The form, and after it the widget Qt would send the focus to."""

    def __init__(self) -> None:
        super().__init__()
        self.form = Form()
        self.elsewhere = QLineEdit()
        layout = QVBoxLayout(self)
        layout.addWidget(self.form)
        layout.addWidget(self.elsewhere)


@pytest.fixture
def window(qtbot: QtBot) -> Window:
    made = Window()
    qtbot.addWidget(made)
    with qtbot.waitActive(made):
        made.show()
        made.activateWindow()
    return made


def test_cancel_holds_the_focus_while_busy_and_gives_it_back(window: Window) -> None:
    form = window.form
    assert not form.cancel.isEnabled()
    form.submit.setFocus()
    form.set_busy(True)
    assert form.cancel.isEnabled()
    assert QApplication.focusWidget() is form.cancel
    form.set_busy(False)
    assert QApplication.focusWidget() is form.submit
    assert not form.cancel.isEnabled()


@pytest.mark.parametrize("moved_to", ["search", "elsewhere"])
def test_focus_the_user_moves_while_busy_stays_where_they_put_it(
    window: Window, moved_to: str
) -> None:
    form = window.form
    target = form.search if moved_to == "search" else window.elsewhere
    form.field.setFocus()
    form.set_busy(True)
    target.setFocus()  # the user clicks somewhere else while they wait
    form.set_busy(True)  # the form updates again, still busy: nothing is taken back
    assert QApplication.focusWidget() is target
    form.set_busy(False)
    assert QApplication.focusWidget() is target


def test_a_form_without_the_focus_leaves_the_focus_alone(window: Window) -> None:
    form, elsewhere = window.form, window.elsewhere
    elsewhere.setFocus()
    form.set_busy(True)
    form.set_busy(False)
    assert QApplication.focusWidget() is elsewhere
