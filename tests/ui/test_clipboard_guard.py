"""The clipboard guard: copies a secret, says for how long, and takes it back off."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtGui import QClipboard, QGuiApplication
from pytestqt.qtbot import QtBot

from desktop_app.ui.clipboard_guard import ClipboardGuard, copied_message

TINY = 0.05  # seconds: the countdown tests run in tens of milliseconds


@pytest.fixture
def clipboard(qtbot: QtBot) -> Iterator[QClipboard]:
    board = QGuiApplication.clipboard()
    board.clear()
    yield board
    board.clear()


def test_copy_puts_the_text_on_the_clipboard_and_announces_the_countdown(
    qtbot: QtBot, clipboard: QClipboard
) -> None:
    guard = ClipboardGuard()
    with qtbot.waitSignal(guard.copied) as copied:
        guard.copy("eyJ.secret.token", "the token for Swanson Woodworking")
    assert clipboard.text() == "eyJ.secret.token"
    assert copied.args == ["the token for Swanson Woodworking", 60]
    assert guard.pending
    assert copied_message(*copied.args) == (
        "Copied the token for Swanson Woodworking; the clipboard will be cleared in 60 s"
    )
    guard.clear_now()


def test_the_copy_is_marked_secret_for_clipboard_managers(
    qtbot: QtBot, clipboard: QClipboard
) -> None:
    guard = ClipboardGuard(seconds=0)
    guard.copy("value", "a value")
    mime = clipboard.mimeData()
    assert mime is not None
    assert bytes(mime.data("x-kde-passwordManagerHint").data()) == b"secret"


def test_the_clipboard_is_cleared_after_the_interval(qtbot: QtBot, clipboard: QClipboard) -> None:
    guard = ClipboardGuard(seconds=TINY)
    with qtbot.waitSignals([guard.copied, guard.cleared], timeout=2000):
        guard.copy("eyJ.secret.token", "the token")
    assert clipboard.text() == ""
    assert not guard.pending


def test_something_copied_since_is_left_alone(qtbot: QtBot, clipboard: QClipboard) -> None:
    guard = ClipboardGuard(seconds=TINY)
    guard.copy("eyJ.secret.token", "the token")
    clipboard.setText("the user's own note")
    with qtbot.assertNotEmitted(guard.cleared, wait=300):
        qtbot.waitUntil(lambda: not guard.pending, timeout=2000)
    assert clipboard.text() == "the user's own note"


def test_zero_seconds_never_clears(qtbot: QtBot, clipboard: QClipboard) -> None:
    guard = ClipboardGuard(seconds=0)
    with qtbot.waitSignal(guard.copied) as copied:
        guard.copy("kept", "the account ID")
    assert copied.args == ["the account ID", 0]
    assert copied_message(*copied.args) == "Copied the account ID"
    assert not guard.pending
    with qtbot.assertNotEmitted(guard.cleared, wait=100):
        pass
    assert clipboard.text() == "kept"


def test_a_new_copy_restarts_the_countdown_for_the_new_text(
    qtbot: QtBot, clipboard: QClipboard
) -> None:
    guard = ClipboardGuard(seconds=TINY)
    guard.copy("first", "the first token")
    with qtbot.waitSignal(guard.cleared, timeout=2000):
        guard.copy("second", "the second token")
    assert clipboard.text() == ""


def test_protect_current_guards_what_another_widget_copied(
    qtbot: QtBot, clipboard: QClipboard
) -> None:
    """The token table copies by itself; the window then hands the copy to the guard."""
    guard = ClipboardGuard(seconds=TINY)
    assert not guard.protect_current("nothing")
    clipboard.setText("eyJ.from.table")
    with qtbot.waitSignals([guard.copied, guard.cleared], timeout=2000):
        assert guard.protect_current("the token for Pawnee Parks Department")
    assert clipboard.text() == ""


def test_clear_now_only_clears_our_copy(qtbot: QtBot, clipboard: QClipboard) -> None:
    guard = ClipboardGuard()
    assert not guard.clear_now()
    guard.copy("ours", "a token")
    with qtbot.waitSignal(guard.cleared):
        assert guard.clear_now()
    assert clipboard.text() == ""
    assert not guard.pending


def test_negative_seconds_are_refused(qtbot: QtBot) -> None:
    with pytest.raises(ValueError, match="seconds"):
        ClipboardGuard(seconds=-1)
