"""The size and start-up floor: a small PySide6 window (form + table), frozen with default settings.

``packaging/compare_size.py`` and ``packaging/compare_startup.py`` build it next to the app so the
app's frozen build is always judged against what PyInstaller makes of a trivial Qt window.
``--startup-time`` prints ``startup_ms=…`` after the first paint and exits, like the app.
"""

from __future__ import annotations

import time

STARTED_AT = time.perf_counter()

import sys  # noqa: E402

from PySide6.QtCore import QEvent, QObject, QTimer  # noqa: E402
from PySide6.QtWidgets import (  # noqa: E402
    QApplication,
    QFormLayout,
    QLineEdit,
    QMainWindow,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)


class FirstPaint(QObject):
    def __init__(self, window: QMainWindow, app: QApplication) -> None:
        super().__init__(window)
        self._app = app
        self._done = False
        window.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if not self._done and event.type() == QEvent.Type.Paint:
            self._done = True
            QTimer.singleShot(0, self._report)
        return False

    def _report(self) -> None:
        print(f"startup_ms={round((time.perf_counter() - STARTED_AT) * 1000)}", flush=True)
        self._app.quit()


def build_window() -> QMainWindow:
    window = QMainWindow()
    window.setWindowTitle("Hello world")
    central = QWidget()
    layout = QVBoxLayout(central)
    form = QFormLayout()
    form.addRow("Username", QLineEdit())
    password = QLineEdit()
    password.setEchoMode(QLineEdit.EchoMode.Password)
    form.addRow("Password", password)
    layout.addLayout(form)
    layout.addWidget(QPushButton("Log in"))
    table = QTableWidget(3, 3)
    table.setHorizontalHeaderLabels(["Account", "ID", "Expires"])
    for row in range(3):
        for column in range(3):
            table.setItem(row, column, QTableWidgetItem(f"cell {row},{column}"))
    layout.addWidget(table)
    window.setCentralWidget(central)
    window.resize(800, 500)
    return window


def main() -> int:
    app = QApplication(sys.argv[:1])
    window = build_window()
    if "--startup-time" in sys.argv[1:]:
        FirstPaint(window, app)
    window.show()
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
