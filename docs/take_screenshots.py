"""Regenerate the README's screenshots from the real window.

Run under a real X server so the picture is what users get, e.g.:
    xvfb-run -a -s "-screen 0 1280x800x24" .venv/bin/python docs/take_screenshots.py
Add ``--dark`` for the dark colour scheme (pictures go to docs/images/dark/).
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QWidget

from desktop_app.app_context import SANDBOX, AppContext
from desktop_app.ui.application import configure_application
from desktop_app.ui.main_window import MainWindow
from desktop_app.worker import JobRunner

OUT = Path(__file__).resolve().parent / "images"


def wait_for(signal: object, timeout_ms: int = 20_000) -> None:
    loop = QEventLoop()
    signal.connect(loop.quit)  # type: ignore[attr-defined]
    QTimer.singleShot(timeout_ms, loop.quit)
    loop.exec()


def settle(ms: int = 300) -> None:
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def shoot(window: MainWindow, name: str) -> None:
    settle()
    screen = window.screen()
    picture = screen.grabWindow(0).copy(window.frameGeometry())
    path = OUT / name
    picture.save(str(path))
    print(f"wrote {path}")


def shoot_widget(widget: QWidget, name: str) -> None:
    settle()
    picture = widget.screen().grabWindow(0).copy(widget.frameGeometry())
    path = OUT / name
    picture.save(str(path))
    print(f"wrote {path}")


def dark_palette() -> QPalette:
    """What a desktop's dark theme hands Qt; bare X11 under Xvfb has no theme to ask."""
    palette = QPalette()
    colors = {
        QPalette.ColorRole.Window: "#2b2b2b",
        QPalette.ColorRole.WindowText: "#e6e6e6",
        QPalette.ColorRole.Base: "#1e1e1e",
        QPalette.ColorRole.AlternateBase: "#262626",
        QPalette.ColorRole.Text: "#e6e6e6",
        QPalette.ColorRole.Button: "#353535",
        QPalette.ColorRole.ButtonText: "#e6e6e6",
        QPalette.ColorRole.Highlight: "#2f6fde",
        QPalette.ColorRole.HighlightedText: "#ffffff",
        QPalette.ColorRole.PlaceholderText: "#9a9a9a",
        QPalette.ColorRole.ToolTipBase: "#353535",
        QPalette.ColorRole.ToolTipText: "#e6e6e6",
    }
    for role, color in colors.items():
        palette.setColor(role, QColor(color))
    for role in (
        QPalette.ColorRole.ButtonText,
        QPalette.ColorRole.Text,
        QPalette.ColorRole.WindowText,
    ):
        palette.setColor(QPalette.ColorGroup.Disabled, role, QColor("#7a7a7a"))
    return palette


def main() -> int:
    # A throw-away home: the pictures never depend on, or change, anyone's settings.
    home = tempfile.mkdtemp(prefix="screenshots-")
    for variable in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME"):
        os.environ[variable] = home
    app = QApplication(sys.argv[:1])
    if "--dark" in sys.argv:
        app.setStyle("Fusion")
        app.setPalette(dark_palette())
        OUT.joinpath("dark").mkdir(exist_ok=True)
        globals()["OUT"] = OUT / "dark"
    configure_application(app)
    context = AppContext(runner=JobRunner(), environ={})
    window = MainWindow(context)
    window.resize(1200, 680)
    window.move(20, 20)
    window.show()
    window.select_connection(SANDBOX)
    wait_for(window.connection_ready)
    window.login_form.fill(
        window.login_form.profile_combo.currentData(), "Ron@Swanson.com", "pawnee-parks-1"
    )
    window.login_form.submit()
    wait_for(window.login_succeeded)
    window.token_panel.view.selectRow(1)
    shoot(window, "login.png")
    window.login_form.fill(
        window.login_form.profile_combo.currentData(), "ron@swanson.com", "wrong-password"
    )
    window.login_form.submit()
    wait_for(window.login_failed)
    shoot(window, "login-error.png")

    form = window.password_login_form
    window.form_tabs.setCurrentWidget(form)
    form.search_edit.setText("Bob")
    form._search_now()
    wait_for(window.users_found)
    form.results_list.setCurrentRow(0)
    form.choose_user(form.results_list.currentItem().data(256))
    wait_for(window.logins_listed)
    form.username_edit.setText("bob")
    form.password_edit.setText("burgers-1234")
    form.confirm_edit.setText("burgers-1234")
    form.submit_create()
    wait_for(window.password_login_saved)
    wait_for(window.logins_listed, 2_000)
    shoot(window, "password-login.png")

    window.form_tabs.setCurrentWidget(window.login_form)
    window.activity_dock.show()
    window.token_panel.view.selectRow(0)
    window.token_tools.details_action.trigger()
    dialog = window.token_tools.dialog
    dialog.verify_button.click()
    settle(800)
    dialog.move(window.x() + 160, window.y() + 60)
    shoot_widget(dialog, "token-details.png")
    dialog.close()
    shoot(window, "activity-log.png")

    window.open_connections()
    connections = window.connections_dialog
    connections.start_new()
    connections.name_edit.setText("EU store (production)")
    connections.client_id_edit.setText("a1b2c3d4e5")
    connections.secret_edit.setText("not-a-real-secret")
    settle()
    shoot_widget(connections, "connections.png")
    connections.secret_edit.clear()
    connections.name_edit.clear()
    connections.done(0)
    window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
