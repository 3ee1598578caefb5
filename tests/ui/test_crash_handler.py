"""An unexpected error is logged masked, saved, shown with a copyable report — and survived."""

from __future__ import annotations

import logging
import sys
import threading
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QPlainTextEdit, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from desktop_app.api.redaction import Redactor
from desktop_app.ui.crash_handler import CrashHandler

SECRET = "client-secret-marker-9137"


@pytest.fixture
def parent(qtbot: QtBot) -> QWidget:
    widget = QWidget()
    qtbot.addWidget(widget)
    widget.show()
    return widget


def raise_with_secret() -> None:
    raise RuntimeError(f"boom while sending client_secret={SECRET} and Bearer abc.def.ghi")


def test_a_main_thread_error_is_masked_saved_and_shown(
    qtbot: QtBot, parent: QWidget, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    handler = CrashHandler(Redactor([SECRET]), tmp_path, lambda: parent)
    try:
        raise_with_secret()
    except RuntimeError:
        with qtbot.waitSignal(handler.report_ready):
            handler.handle(*sys.exc_info())  # type: ignore[arg-type]
    qtbot.waitUntil(lambda: handler.dialog is not None and handler.dialog.isVisible())
    assert handler.dialog is not None
    report = handler.dialog.findChild(QPlainTextEdit, "crashReportText").toPlainText()
    assert "RuntimeError: boom while sending" in report
    assert "raise_with_secret" in report  # the traceback is there
    (saved,) = tmp_path.glob("crash-*.txt")
    for text in (report, saved.read_text(encoding="utf-8"), caplog.text):
        assert SECRET not in text
        assert "abc.def.ghi" not in text
    qtbot.mouseClick(
        handler.dialog.findChild(QPushButton, "copyCrashReportButton"), Qt.MouseButton.LeftButton
    )
    assert QGuiApplication.clipboard().text() == report
    handler.dialog.close()
    qtbot.waitUntil(lambda: handler.dialog is None)


def test_an_error_on_another_thread_reaches_the_dialog(
    qtbot: QtBot, parent: QWidget, tmp_path: Path
) -> None:
    handler = CrashHandler(Redactor(), tmp_path, lambda: parent)
    handler.install()
    try:
        with qtbot.waitSignal(handler.report_ready) as shown:
            worker = threading.Thread(target=raise_with_secret, name="worker-7")
            worker.start()
            worker.join(5)
    finally:
        handler.uninstall()
    assert "thread worker-7" in shown.args[0]
    qtbot.waitUntil(lambda: handler.dialog is not None)


def test_a_burst_of_errors_opens_one_dialog(qtbot: QtBot, parent: QWidget) -> None:
    handler = CrashHandler(Redactor(), None, lambda: parent)
    for _ in range(3):
        try:
            raise_with_secret()
        except RuntimeError:
            handler.handle(*sys.exc_info())  # type: ignore[arg-type]
    qtbot.waitUntil(lambda: handler.dialog is not None)
    dialogs = [w for w in parent.findChildren(QWidget, "crashReportDialog") if w.isVisible()]
    assert len(dialogs) == 1


def test_install_and_uninstall_restore_the_previous_hooks(parent: QWidget) -> None:
    before = (sys.excepthook, threading.excepthook)
    handler = CrashHandler(Redactor(), None, lambda: parent)
    handler.install()
    assert sys.excepthook == handler.handle
    handler.uninstall()
    assert (sys.excepthook, threading.excepthook) == before


def test_the_report_is_logged_as_critical(
    parent: QWidget, caplog: pytest.LogCaptureFixture, qtbot: QtBot
) -> None:
    caplog.set_level(logging.CRITICAL, logger="desktop_app.crash")
    handler = CrashHandler(Redactor(), None, lambda: parent)
    try:
        raise_with_secret()
    except RuntimeError:
        handler.handle(*sys.exc_info())  # type: ignore[arg-type]
    assert any(r.levelno == logging.CRITICAL for r in caplog.records)
    qtbot.waitUntil(lambda: handler.dialog is not None)
