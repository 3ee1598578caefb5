"""The strip at the top of the window: which store we talk to, and whether it answered."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QWidget

from desktop_app.app_context import ConnectionEntry
from desktop_app.ui.form_fields import named
from desktop_app.ui.tones import STATUS_TONES, set_tone


class ConnectionBar(QWidget):
    connection_chosen = Signal(object)  # ConnectionEntry

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.combo = named(QComboBox(), "connectionCombo")
        self.combo.setAccessibleName("Store connection")
        self.combo.setMinimumContentsLength(28)
        self.combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.combo.setPlaceholderText("Choose a store connection")
        self.reconnect_button = named(QPushButton("&Reconnect"), "reconnectButton")
        self.reconnect_button.setToolTip("Check the connection again and reload its profiles")
        self.reconnect_button.setEnabled(False)
        self.status_label = named(QLabel("Not connected"), "connectionStatusLabel")
        self.status_label.setWordWrap(True)
        label = QLabel("&Store:")
        label.setBuddy(self.combo)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(label)
        layout.addWidget(self.combo)
        layout.addWidget(self.reconnect_button)
        layout.addWidget(self.status_label, 1)
        self._entries: list[ConnectionEntry] = []
        self.combo.activated.connect(self._emit_current)
        self.reconnect_button.clicked.connect(self._emit_current)

    def set_entries(self, entries: list[ConnectionEntry]) -> None:
        self._entries = list(entries)
        self.combo.clear()
        for entry in entries:
            self.combo.addItem(entry.label, entry.key)
        self.combo.setCurrentIndex(-1)

    def select(self, key: str) -> bool:
        index = self.combo.findData(key)
        if index < 0:
            return False
        self.combo.setCurrentIndex(index)
        self._emit_current()
        return True

    def current_entry(self) -> ConnectionEntry | None:
        index = self.combo.currentIndex()
        return self._entries[index] if 0 <= index < len(self._entries) else None

    def set_status(self, text: str, state: str) -> None:
        """``state`` is "busy", "ok" or "error": it sets the colour and the Reconnect button."""
        self.status_label.setText(text)
        set_tone(self.status_label, STATUS_TONES[state])
        self.reconnect_button.setEnabled(state != "busy" and self.current_entry() is not None)

    def _emit_current(self) -> None:
        entry = self.current_entry()
        if entry is not None:
            self.connection_chosen.emit(entry)
