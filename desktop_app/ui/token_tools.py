"""What an agent can do with the tokens on screen: details, verify, export.

Kept out of the main window so the window only assembles; this object owns the token
dialogs, their worker jobs and the menu actions that open them. The dialogs' modules load
when first opened, not before the window's first paint.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QStandardPaths, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow

from desktop_app.api.errors import OperationCancelled
from desktop_app.api.models import AccountToken, VerifiedMember
from desktop_app.app_context import AppContext, ConnectionEntry
from desktop_app.ui.clipboard_guard import ClipboardGuard
from desktop_app.ui.token_table_panel import TokenTablePanel
from desktop_app.worker import JobContext

if TYPE_CHECKING:
    from desktop_app.api.client import CommerceClient
    from desktop_app.ui.token_details_dialog import TokenDetailsDialog

VERIFY_CHANNEL = "verify-token"


@dataclass(frozen=True)
class CurrentLogin:
    """What the window knows about the shopper on screen."""

    entry: ConnectionEntry | None
    base_url: str
    member_id: str | None
    username: str


class TokenTools(QObject):
    def __init__(
        self,
        window: QMainWindow,
        context: AppContext,
        panel: TokenTablePanel,
        guard: ClipboardGuard,
        current: Callable[[], CurrentLogin],
    ) -> None:
        super().__init__(window)
        self._window = window
        self._context = context
        self._panel = panel
        self._guard = guard
        self._current = current
        self.dialog: TokenDetailsDialog | None = None

        self.details_action = QAction("Token &details…", window)
        self.details_action.setShortcut(QKeySequence(Qt.Key.Key_Return))
        self.details_action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self.details_action.triggered.connect(self.show_details)
        panel.view.addAction(self.details_action)
        first = panel.context_menu.actions()[0]
        panel.context_menu.insertAction(first, self.details_action)
        panel.context_menu.insertSeparator(first)
        panel.view.doubleClicked.connect(lambda _: self.show_details())

        self.export_action = QAction("&Export accounts to CSV…", window)
        self.export_action.setShortcut(QKeySequence("Ctrl+E"))
        self.export_action.triggered.connect(self.export)
        self.export_action.setEnabled(False)
        panel.model.modelReset.connect(self._update_export)
        panel.model.rowsInserted.connect(self._update_export)

    def _update_export(self, *_: object) -> None:
        self.export_action.setEnabled(self._panel.model.rowCount() > 0)

    def show_details(self) -> None:
        token = self._panel.selected_token()
        if token is None:
            self._window.statusBar().showMessage("Select an account first", 5000)
            return
        from desktop_app.ui.token_details_dialog import TokenDetailsDialog  # on first use

        current = self._current()
        if self.dialog is not None:
            self.dialog.close()
        dialog = TokenDetailsDialog(
            token, current.member_id, current.base_url, self._guard, self._window
        )
        dialog.verify_requested.connect(self._verify)
        dialog.finished.connect(lambda _: self._context.runner.cancel_channel(VERIFY_CHANNEL))
        self.dialog = dialog
        dialog.open()

    def _verify(self, token: AccountToken) -> None:
        entry = self._current().entry
        dialog = self.dialog
        if entry is None or dialog is None:
            return
        context = self._context

        def verify(job: JobContext) -> VerifiedMember:
            from desktop_app.api.account_members import verify_account_token

            client: CommerceClient = context.client_for(entry)
            return verify_account_token(client, token, job.cancelled)

        def deliver(result: object) -> None:
            # Only to the dialog that asked; a closed or replaced one is left alone.
            if self.dialog is dialog and not isinstance(result, OperationCancelled):
                dialog.show_verification(result)  # type: ignore[arg-type]

        context.runner.submit(VERIFY_CHANNEL, verify, on_success=deliver, on_failure=deliver)

    def export(self) -> None:
        tokens = self._panel.model.tokens()
        if not tokens:
            return
        from desktop_app.ui.token_export import ExportDialog  # on first use

        username = self._current().username
        folder = QStandardPaths.writableLocation(
            QStandardPaths.StandardLocation.DocumentsLocation
        ) or str(Path.home())
        who = "".join(ch if ch.isalnum() else "-" for ch in username).strip("-") or "shopper"
        default = Path(folder) / f"shopper-accounts-{who}-{date.today().isoformat()}.csv"
        dialog = ExportDialog(tokens, default, self._window)
        dialog.exported.connect(
            lambda path, rows, with_tokens: self._window.statusBar().showMessage(
                f"Exported {rows:,} accounts to {path}"
                + (" (tokens included: keep the file safe)" if with_tokens else ""),
                8000,
            )
        )
        dialog.open()
