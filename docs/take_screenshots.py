"""Regenerate the README's screenshots from the real window.

Run under a real X server so the picture is what users get, e.g.:
    xvfb-run -a -s "-screen 0 1280x800x24" .venv/bin/python docs/take_screenshots.py
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtWidgets import QApplication

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


def main() -> int:
    app = QApplication(sys.argv[:1])
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
    window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
