"""The main window's menu actions: every command has a menu entry and most a shortcut, so
nothing needs the mouse.

The window creates the menu titles itself, so the menu bar is there (and the layout final) at
the first paint; these actions are added in its second phase, a few milliseconds later, because
the Qt types they need (key sequences, action groups, message boxes) cost start-up time the
first time Python touches them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QMenu, QMessageBox

from desktop_app import APP_NAME, __version__
from desktop_app.ui.activity_log import open_log_folder

if TYPE_CHECKING:
    from desktop_app.ui.main_window import MainWindow

CLIPBOARD_CHOICES = (
    (15, "&15 seconds"),
    (60, "&60 seconds"),
    (300, "&5 minutes"),
    (0, "&Never (not recommended)"),
)


def populate_menus(window: MainWindow) -> None:
    """Needs the second phase's parts: token tools and the activity log dock."""
    file_menu = window.file_menu
    connections = file_menu.addAction("&Connections…")
    connections.setShortcut(QKeySequence("Ctrl+Shift+C"))
    connections.triggered.connect(window.open_connections)
    _add_clipboard_menu(window, file_menu.addMenu("Clear copied &tokens after"))
    file_menu.addAction(window.token_tools.export_action)
    file_menu.addSeparator()
    quit_action = file_menu.addAction("&Quit")
    quit_action.setShortcut(QKeySequence.StandardKey.Quit)
    quit_action.triggered.connect(window.close)

    view_menu = window.view_menu
    for index, (key, title) in enumerate(
        (("Ctrl+1", "&1 Log in as a shopper"), ("Ctrl+2", "&2 Give a password login"))
    ):
        action = view_menu.addAction(title)
        action.setShortcut(QKeySequence(key))
        action.triggered.connect(lambda _=False, i=index: window.form_tabs.setCurrentIndex(i))
    find = view_menu.addAction("&Filter accounts")
    find.setShortcut(QKeySequence.StandardKey.Find)
    find.triggered.connect(lambda: window.token_panel.filter_edit.setFocus())
    view_menu.addAction(window.token_tools.details_action)
    view_menu.addSeparator()
    log_action: QAction = window.activity_dock.toggleViewAction()
    log_action.setText("&Activity log")
    log_action.setShortcut(QKeySequence("Ctrl+L"))
    view_menu.addAction(log_action)

    help_menu = window.help_menu
    logs = help_menu.addAction("Open &log folder")
    logs.triggered.connect(lambda: open_log_folder())
    about = help_menu.addAction(f"&About {APP_NAME}")
    about.triggered.connect(lambda: show_about(window))


def _add_clipboard_menu(window: MainWindow, menu: QMenu) -> None:
    """How long a copied token may stay on the clipboard; remembered in the settings."""
    group = QActionGroup(window)
    current = window.context.settings.clipboard_clear_seconds
    for seconds, text in CLIPBOARD_CHOICES:
        action = menu.addAction(text)
        action.setCheckable(True)
        action.setChecked(seconds == current)
        action.setData(seconds)
        group.addAction(action)
    group.triggered.connect(lambda action: _set_clipboard_seconds(window, action))


def _set_clipboard_seconds(window: MainWindow, action: QAction) -> None:
    seconds = int(action.data())
    window.context.settings.clipboard_clear_seconds = seconds
    window.clipboard_guard.seconds = seconds
    window.statusBar().showMessage(
        f"Copied tokens are cleared from the clipboard after {action.text()}"
        if seconds
        else "Copied tokens stay on the clipboard",
        5000,
    )


def show_about(window: MainWindow) -> None:
    QMessageBox.about(
        window,
        f"About {APP_NAME}",
        f"<b>{APP_NAME}</b> {__version__}<br>Log in as an Elastic Path Commerce shopper "
        "and read their account tokens.",
    )
