"""The main window: choose a store, log in as a shopper, read their account tokens."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QObject, QSize, QTimer, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QLabel,
    QMainWindow,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop_app import APP_NAME
from desktop_app.api.errors import (
    OperationCancelled,
)
from desktop_app.app_context import AppContext, ConnectionEntry, describe_error
from desktop_app.ui.clipboard_guard import ClipboardGuard, copied_message
from desktop_app.ui.connection_bar import ConnectionBar
from desktop_app.ui.form_fields import make_selectable, named
from desktop_app.ui.login_form import LoginForm, LoginRequest
from desktop_app.ui.token_table_panel import TokenTablePanel
from desktop_app.ui.tones import emphasise

if TYPE_CHECKING:  # annotations only: loaded at run time when first needed
    from desktop_app.api.models import AccountToken, LoginProgress, ShopperLogin, StoreConnection
    from desktop_app.ui.connections_dialog import ConnectionsDialog
    from desktop_app.ui.token_tools import CurrentLogin
    from desktop_app.worker import JobContext

log = logging.getLogger("desktop_app.ui")

# While a large login streams its pages in, the window shows them at most this often: each
# showing repaints most of the window, and 100 repaints in a third of a second slowed the login
# they reported on by ~40 ms (./dev bench). The first page shows at once.
PAGE_SHOWING_INTERVAL_MS = 100

CONNECT_CHANNEL = "connect"
CONNECTION_TEST_CHANNEL = "connection-test"
LOGIN_CHANNEL = "login"


class _AfterFirstPaint(QObject):
    """Runs ``then`` once, just after the watched widget's first paint has been handled."""

    def __init__(self, watched: QWidget, then: Callable[[], None]) -> None:
        super().__init__(watched)
        self._then: Callable[[], None] | None = then
        watched.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if self._then is not None and event.type() == QEvent.Type.Paint:
            then, self._then = self._then, None
            watched.removeEventFilter(self)
            QTimer.singleShot(0, then)
        return False


class MainWindow(QMainWindow):
    """Owns no network code: it submits jobs to the context's runner and shows the outcome."""

    connection_ready = Signal(object)  # StoreConnection
    connection_failed = Signal(object)  # ApiError
    login_succeeded = Signal(object)  # ShopperLogin
    login_failed = Signal(object)  # ApiError or OperationCancelled
    users_found = Signal(object)  # tuple[RealmUser, ...]
    logins_listed = Signal(object)  # tuple[PasswordLogin, ...]
    password_login_saved = Signal(object)  # PasswordLogin (created or reset)
    password_login_failed = Signal(object)  # ApiError

    extras_ready = Signal()  # the second phase of construction is done (see __init__)

    def __init__(
        self, context: AppContext, parent: QWidget | None = None, *, defer_extras: bool = False
    ) -> None:
        """Built in two phases. First what the agent looks at: connection bar, login form,
        the token table's titles, menu titles. Then the table's model, the password-login tab,
        activity log, token tools, the menus' actions and their imports — at once, or with
        ``defer_extras`` right after the first paint, so the window appears sooner (Qt types
        cost time the first time Python touches them). The first phase touches no ``Qt``
        namespace enum: PySide builds all 93 of them, ~12 ms, at the first touch of any."""
        super().__init__(parent)
        self.setObjectName("mainWindow")
        self.setWindowTitle(APP_NAME)
        self.context = context
        self._entry: ConnectionEntry | None = None
        self.stopped_cleanly: bool | None = None  # set on close: did every job end in time?
        self._before_login: tuple[tuple[AccountToken, ...], str] = ((), "")
        self._base_url = ""
        self._streaming = False
        self._unshown_progress: LoginProgress | None = None
        self._page_timer = QTimer(self)
        self._page_timer.setSingleShot(True)
        self._page_timer.setInterval(PAGE_SHOWING_INTERVAL_MS)
        self._page_timer.timeout.connect(self._show_pages)
        self._store: StoreConnection | None = None
        self._login: ShopperLogin | None = None
        self.connections_dialog: ConnectionsDialog | None = None
        self.has_extras = False

        self.connection_bar = ConnectionBar()
        self.login_form = LoginForm()
        self.form_tabs = named(QTabWidget(), "formTabs")
        self.form_tabs.addTab(self.login_form, "&1 Log in as a shopper")
        self.token_panel = TokenTablePanel(model_later=defer_extras)
        self.summary_label = named(QLabel(), "loginSummaryLabel")
        self.summary_label.setWordWrap(True)
        emphasise(self.summary_label)
        self.summary_label.setText("Log in as a shopper to see their account tokens here.")

        results = QWidget()
        results_layout = QVBoxLayout(results)
        results_layout.setContentsMargins(0, 0, 0, 0)
        results_layout.addWidget(self.summary_label)
        results_layout.addWidget(self.token_panel, 1)
        self.splitter = named(QSplitter(), "mainSplitter")  # side by side
        self.splitter.addWidget(self.form_tabs)
        self.splitter.addWidget(results)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([380, 820])
        self.splitter.setChildrenCollapsible(False)

        central = QWidget()
        layout = QVBoxLayout(central)
        layout.addWidget(self.connection_bar)
        layout.addWidget(self.splitter, 1)
        self.setCentralWidget(central)
        self.clipboard_guard = ClipboardGuard(
            self, seconds=context.settings.clipboard_clear_seconds
        )
        # Titles now, so the menu bar is in place at the first paint; actions in build_extras.
        self.file_menu = self.menuBar().addMenu("&File")
        self.view_menu = self.menuBar().addMenu("&View")
        self.help_menu = self.menuBar().addMenu("&Help")
        self.statusBar().showMessage(context.settings.problem or "Ready")

        self.connection_bar.connection_chosen.connect(self.connect_to)
        self.login_form.submitted.connect(self._start_login)
        self.login_form.cancel_requested.connect(self.cancel_login)
        self.token_panel.token_copied.connect(
            lambda name: self.clipboard_guard.protect_current(f"the token for {name}")
        )
        self.clipboard_guard.copied.connect(
            lambda what, seconds: self.statusBar().showMessage(copied_message(what, seconds), 8000)
        )
        self.clipboard_guard.cleared.connect(
            lambda: self.statusBar().showMessage("Clipboard cleared", 5000)
        )
        self.login_form.set_disconnected("Choose a store connection first")
        self._restore_layout()
        if defer_extras:
            self._first_paint_watch = _AfterFirstPaint(self, self.build_extras)
        else:
            self.build_extras()

    def build_extras(self) -> None:
        """Second phase: everything the first glance does not need."""
        if self.has_extras:
            return
        from PySide6.QtCore import Qt

        from desktop_app.ui.activity_log import ActivityLogDock, ActivityLogHandler, QuietLogging
        from desktop_app.ui.menus import populate_menus
        from desktop_app.ui.password_login_form import PasswordLoginForm
        from desktop_app.ui.password_logins import PasswordLogins
        from desktop_app.ui.token_tools import TokenTools

        self.token_panel.attach_model()
        make_selectable(self.summary_label)
        self.password_login_form = PasswordLoginForm()
        self.form_tabs.addTab(self.password_login_form, "&2 Give a password login")
        self.password_logins = PasswordLogins(
            self.password_login_form, self.context, lambda: (self._entry, self._store)
        )
        self.password_logins.users_found.connect(self.users_found)
        self.password_logins.logins_listed.connect(self.logins_listed)
        self.password_logins.saved.connect(self.password_login_saved)
        self.password_logins.failed.connect(self.password_login_failed)
        self.password_logins.status.connect(lambda text: self.statusBar().showMessage(text, 5000))
        self.password_login_form.log_in_as_requested.connect(self.log_in_as)
        if self._store is not None:
            self.password_login_form.set_profiles(self._store.password_profiles)

        self.activity_handler = ActivityLogHandler(self.context.redactor)
        self.activity_handler.install()
        self.activity_dock = ActivityLogDock(self)
        self.activity_dock.attach(self.activity_handler)
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.activity_dock)
        self.activity_dock.hide()
        self.quiet_logging = QuietLogging(self)
        self.context.runner.busy_changed.connect(self.quiet_logging.set_busy)
        self.quiet_logging.set_busy(self.context.runner.busy)
        # The connection list lives in the combo's popup: nobody sees it at the first paint.
        self.connection_bar.set_entries(self.context.connections())
        self.token_tools = TokenTools(
            self, self.context, self.token_panel, self.clipboard_guard, self._current_login
        )
        populate_menus(self)
        if (state := self.context.settings.window_state) is not None:
            self.restoreState(state)  # again: the dock did not exist the first time
        self.has_extras = True
        self.extras_ready.emit()

    def sizeHint(self) -> QSize:
        return QSize(1200, 640)

    # -- connection -----------------------------------------------------------------------

    def select_connection(self, key: str) -> bool:
        return self.connection_bar.select(key)

    def connect_to(self, entry: ConnectionEntry) -> None:
        """Check the connection and load its realm and profiles, off the GUI thread."""
        self._entry = entry
        self.context.settings.last_connection_key = entry.key
        self._store = None
        self.login_form.set_disconnected("Connecting…")
        if self.has_extras:
            self.password_login_form.set_disconnected()
        self.connection_bar.set_status(f"Connecting to {entry.label}…", "busy")
        context = self.context

        def connect(job: JobContext) -> tuple[StoreConnection, str]:
            client = context.client_for(entry)
            job.on_cancel(client.abort_in_flight)
            return client.connect(), client.config.base_url

        context.runner.submit(
            CONNECT_CHANNEL,
            connect,
            on_success=self._on_connected,
            on_failure=self._on_connect_failed,
        )

    def _on_connected(self, result: tuple[StoreConnection, str]) -> None:
        store, self._base_url = result
        self._store = store
        notice = self.context.secrets.notice
        if notice and self._entry is not None and self._entry.kind == "saved":
            self.statusBar().showMessage(notice, 15000)
        self.login_form.set_profiles(store.password_profiles)
        if self.has_extras:
            self.password_login_form.set_profiles(store.password_profiles)
        count = len(store.password_profiles)
        grant = (
            "admin access" if store.grant_type == "client_credentials" else "shopper access only"
        )
        label = self._entry.label if self._entry else "the store"
        self.connection_bar.set_status(
            f"Connected to {label} ({grant}) · {count} password profile{'s' * (count != 1)}",
            "ok",
        )
        self.statusBar().showMessage("Connected", 5000)
        self.connection_ready.emit(store)

    def _on_connect_failed(self, error: BaseException) -> None:
        if isinstance(error, OperationCancelled):
            return
        self.login_form.set_disconnected("Not connected")
        if self.has_extras:
            self.password_login_form.set_disconnected()
        self.connection_bar.set_status(describe_error(error), "error")
        self.connection_failed.emit(error)

    # -- login ----------------------------------------------------------------------------

    def _start_login(self, request: LoginRequest) -> None:
        entry = self._entry
        if entry is None or self._store is None:
            self.login_form.show_error("Connect to a store first.")
            return
        self.login_form.set_busy(True)
        self.statusBar().showMessage(f"Logging in as {request.username.lower()}…")
        self._end_streaming()
        self._forget_unshown_pages()  # a superseded login's last pages must not show up here
        context = self.context

        def login(job: JobContext) -> ShopperLogin:
            def on_progress(progress: LoginProgress) -> None:
                if progress.pages_total <= 1:
                    return  # the result follows at once: no progress bar to flash
                if progress.pages_done == 1:
                    # The first rows are painted before the next page is asked for: the user
                    # waits for them, and the store working on page two meanwhile left the
                    # window waiting for a CPU on a two-core machine (./dev bench).
                    job.report_progress_and_wait(progress)
                else:
                    job.report_progress(progress)

            client = context.client_for(entry)
            job.on_cancel(client.abort_in_flight)
            return client.login_shopper(
                request.password_profile_id,
                request.username,
                request.password,
                on_progress=on_progress,
                cancelled=job.cancelled,
            )

        context.runner.submit(
            LOGIN_CHANNEL,
            login,
            on_success=self._on_logged_in,
            on_failure=self._on_login_failed,
            on_progress=self._on_login_progress,
            on_finished=lambda: self.login_form.set_busy(False),
        )

    def cancel_login(self) -> None:
        self.context.runner.cancel_channel(LOGIN_CHANNEL)
        self.statusBar().showMessage("Cancelling…")

    def _on_login_progress(self, progress: LoginProgress) -> None:
        """Large logins show their first page at once, then grow ten times a second; each
        page's rows are staged as it arrives (see ``TokenTableModel.stage_tokens``). A login
        of one page reports no progress: its result follows at once."""
        self._unshown_progress = progress
        if not self._streaming:
            self._streaming = True
            # What to put back if this login fails part-way. Taken here, not on the click: a
            # login of one page never needs it, and copying a 10,000-row table's tokens would
            # delay every next login's request by ~0.16 ms.
            self._before_login = (self.token_panel.model.tokens(), self.summary_label.text())
            # The summary keeps its height while pages stream in: "Reading accounts…" is one
            # line where the last shopper's summary may have been two, and the table moving up
            # under it cost a second full paint of the table mid-login (./dev bench).
            self.summary_label.setMinimumHeight(self.summary_label.height())
            self.token_panel.set_tokens(progress.page_tokens)
            self.token_panel.paint_rows_now()
            self._show_pages()
            return
        self.token_panel.stage_tokens(progress.page_tokens)
        if not self._page_timer.isActive():
            self._page_timer.start()

    def _show_pages(self) -> None:
        self._page_timer.stop()
        progress, self._unshown_progress = self._unshown_progress, None
        if progress is None:
            return
        self.token_panel.show_staged_tokens()
        self.login_form.show_progress(progress)
        self.summary_label.setText(
            f"Reading accounts… {progress.accounts_read:,} of {progress.accounts_total:,}"
        )

    def _forget_unshown_pages(self) -> None:
        self._page_timer.stop()
        self._unshown_progress = None
        self.token_panel.drop_staged_tokens()

    def _end_streaming(self) -> None:
        self._streaming = False
        self.summary_label.setMinimumHeight(0)

    def _on_logged_in(self, login: ShopperLogin) -> None:
        self._page_timer.stop()  # the staged rows are kept by set_tokens below, not rebuilt
        self._unshown_progress = None
        self._end_streaming()
        self.login_form.set_busy(False)  # usable again before anyone hears the outcome
        self._login = login
        self.token_panel.set_tokens(login.tokens)
        when = login.logged_in_at.astimezone().strftime("%H:%M:%S")
        if login.has_no_accounts:
            self.summary_label.setText(
                f"{login.username} logged in, but this shopper has no account memberships."
            )
        else:
            count = len(login.tokens)
            member = (
                f" · account member {login.account_member_id}" if login.account_member_id else ""
            )
            self.summary_label.setText(
                f"{login.username}{member} · {count:,} account{'s' * (count != 1)} · "
                f"logged in at {when}"
            )
        self.statusBar().showMessage(f"Logged in as {login.username}", 5000)
        self.login_succeeded.emit(login)

    def _on_login_failed(self, error: BaseException) -> None:
        self._forget_unshown_pages()
        self.login_form.set_busy(False)
        if self._streaming:  # never leave a half-read shopper in the table
            tokens, summary = self._before_login
            self.token_panel.set_tokens(tokens)
            self.summary_label.setText(summary)
            self._end_streaming()
        if isinstance(error, OperationCancelled):
            self.login_form.show_error("Login cancelled. Nothing was changed.")
            self.statusBar().showMessage("Login cancelled", 5000)
        else:
            self.login_form.show_error(describe_error(error))
            self.statusBar().showMessage("Login failed", 5000)
        self.login_failed.emit(error)

    # -- password logins ------------------------------------------------------------------

    def log_in_as(self, password_profile_id: str, username: str, password: str) -> None:
        """One click from a new login to seeing that shopper's accounts."""
        self.form_tabs.setCurrentWidget(self.login_form)
        self.login_form.fill(password_profile_id, username, password)
        self.login_form.submit()

    def _current_login(self) -> CurrentLogin:
        from desktop_app.ui.token_tools import CurrentLogin  # loaded with the extras

        login = self._login
        return CurrentLogin(
            entry=self._entry,
            base_url=self._base_url,
            member_id=login.account_member_id if login else None,
            username=login.username if login else "",
        )

    # -- connections dialog ---------------------------------------------------------------

    def open_connections(self) -> None:
        from desktop_app.ui.connections_dialog import ConnectionsDialog  # on first use

        entry = self._entry
        selected = entry.saved.id if entry is not None and entry.saved is not None else None
        dialog = ConnectionsDialog(
            self.context.settings, self.context.secrets, self, select_id=selected
        )
        dialog.connections_changed.connect(self._reload_connections)
        dialog.test_requested.connect(lambda config: self._test_connection(dialog, config))
        dialog.finished.connect(
            lambda _: self.context.runner.cancel_channel(CONNECTION_TEST_CHANNEL)
        )
        self.connections_dialog = dialog
        dialog.open()

    def _reload_connections(self) -> None:
        current = self.connection_bar.current_entry()
        self.connection_bar.set_entries(self.context.connections())
        if current is not None:
            index = self.connection_bar.combo.findData(current.key)
            self.connection_bar.combo.setCurrentIndex(index)
            if index < 0:  # the connection in use was removed
                self._entry = self._store = None
                self.login_form.set_disconnected("Choose a store connection")
                if self.has_extras:
                    self.password_login_form.set_disconnected()
                self.connection_bar.set_status("Not connected", "error")

    def _test_connection(self, dialog: ConnectionsDialog, config: Any) -> None:
        context = self.context

        def test(job: JobContext) -> StoreConnection:
            client = context.make_client(config)
            try:
                job.on_cancel(client.abort_in_flight)
                return client.connect()
            finally:
                client.close()

        def passed(store: StoreConnection) -> None:
            access = (
                "admin access"
                if store.grant_type == "client_credentials"
                else "shopper access only"
            )
            count = len(store.password_profiles)
            dialog.show_test_result(
                True, f"Connected ({access}) · {count} password profile{'s' * (count != 1)}"
            )

        def failed(error: BaseException) -> None:
            if not isinstance(error, OperationCancelled):
                dialog.show_test_result(False, describe_error(error))

        context.runner.submit(CONNECTION_TEST_CHANNEL, test, on_success=passed, on_failure=failed)

    # -- window state ---------------------------------------------------------------------

    def _restore_layout(self) -> None:
        settings = self.context.settings
        if (geometry := settings.window_geometry) is not None:
            self.restoreGeometry(geometry)
        if (state := settings.window_state) is not None:
            self.restoreState(state)
        if (splitter := settings.splitter_state) is not None:
            self.splitter.restoreState(splitter)
        if (header := settings.table_header_state) is not None:
            self.token_panel.view.horizontalHeader().restoreState(header)

    def _save_layout(self) -> None:
        settings = self.context.settings
        settings.window_geometry = self.saveGeometry()
        settings.window_state = self.saveState()
        settings.splitter_state = self.splitter.saveState()
        settings.table_header_state = self.token_panel.view.horizontalHeader().saveState()
        problem = settings.sync()
        if problem:
            log.warning("settings were not saved: %s", problem)

    # -- shutdown -------------------------------------------------------------------------

    def closeEvent(self, event: QCloseEvent) -> None:
        """Bounded: in-flight requests are interrupted, never waited out."""
        if self.context.runner.busy:
            self.statusBar().showMessage("Stopping running requests…")
        self._save_layout()
        self.stopped_cleanly = self.context.shutdown()
        if self.has_extras:
            self.quiet_logging.set_busy(False)  # a job cut short never reports its end
            self.activity_handler.uninstall()
        self.clipboard_guard.clear_now()
        event.accept()
