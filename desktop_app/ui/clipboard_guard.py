"""Copying secrets to the clipboard, and taking them off it again after a while.

A token left on the clipboard ends up pasted into chats and tickets. The guard copies, tells the
status bar how long the copy will stay, then clears the clipboard — but only if it still holds
what we put there, so it never wipes something the user copied since.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QByteArray, QMimeData, QObject, QTimer, Signal
from PySide6.QtGui import QClipboard, QGuiApplication

__all__ = ["DEFAULT_CLEAR_SECONDS", "ClipboardGuard", "copied_message"]

DEFAULT_CLEAR_SECONDS = 60

# Clipboard managers that honour these keep the copy out of their history.
_KDE_SECRET_HINT = "x-kde-passwordManagerHint"
_WINDOWS_NO_HISTORY = (
    'application/x-qt-windows-mime;value="ExcludeClipboardContentFromMonitorProcessing"'
)


def copied_message(description: str, seconds: int) -> str:
    """The status-bar sentence for :attr:`ClipboardGuard.copied`."""
    if seconds <= 0:
        return f"Copied {description}"
    return f"Copied {description}; the clipboard will be cleared in {seconds} s"


class ClipboardGuard(QObject):
    """``copy(text, description)``, then clear after ``seconds`` (0 never clears).

    ``seconds`` may be fractional so tests can use a tiny interval; the signal reports it
    rounded up to whole seconds.
    """

    copied = Signal(str, int)
    """``(description, seconds until clearing — 0 when it never clears)``"""
    cleared = Signal()
    """The clipboard still held our copy and was emptied."""

    def __init__(
        self,
        parent: QObject | None = None,
        seconds: float = DEFAULT_CLEAR_SECONDS,
        *,
        clipboard: QClipboard | None = None,
    ) -> None:
        super().__init__(parent)
        if seconds < 0:
            raise ValueError("seconds must be 0 (never clear) or more")
        self.seconds = seconds
        self._clipboard = clipboard if clipboard is not None else QGuiApplication.clipboard()
        self._copied: str | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.clear_now)

    @property
    def pending(self) -> bool:
        """Whether a copy is waiting to be cleared."""
        return self._timer.isActive()

    def copy(self, text: str, description: str) -> None:
        """Put ``text`` on the clipboard (marked as a secret) and start the countdown."""
        mime = QMimeData()
        mime.setText(text)
        mime.setData(_KDE_SECRET_HINT, QByteArray(b"secret"))
        mime.setData(_WINDOWS_NO_HISTORY, QByteArray(b"\x00\x00\x00\x00"))
        self._clipboard.setMimeData(mime)
        self._arm(text, description)

    def protect_current(self, description: str) -> bool:
        """Start the countdown for what is on the clipboard now (copied by another widget)."""
        text = self._clipboard.text()
        if not text:
            return False
        self.copy(text, description)
        return True

    def clear_now(self) -> bool:
        """Clear the clipboard if it still holds our copy; ``True`` if it did."""
        self._timer.stop()
        ours, self._copied = self._copied, None
        if ours is None or self._clipboard.text() != ours:
            return False
        self._clipboard.clear()
        self.cleared.emit()
        return True

    def _arm(self, text: str, description: str) -> None:
        if self.seconds <= 0:
            self._timer.stop()
            self._copied = None
            self.copied.emit(description, 0)
            return
        self._copied = text
        self._timer.start(max(1, round(self.seconds * 1000)))
        self.copied.emit(description, math.ceil(self.seconds))
