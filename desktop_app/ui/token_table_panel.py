"""Reusable widget: filter box, token table and a row count, with copy actions.

The panel owns the model, the filter proxy and the one-second timer that keeps "Time left"
current. It knows nothing about logging in: the window hands it tokens with :meth:`set_tokens`
and listens to :attr:`token_copied` for its status bar.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, QPoint, QTimer, Signal
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop_app.ui.form_fields import add_clear_button
from desktop_app.ui.token_columns import TokenColumn

if TYPE_CHECKING:  # annotations only: the models load with the API client, after the paint
    from desktop_app.api.models import AccountToken
    from desktop_app.ui.token_filter_proxy import TokenFilterProxy
    from desktop_app.ui.token_table_model import Clock, TokenTableModel

__all__ = ["TokenTablePanel", "count_text"]

TICK_INTERVAL_MS = 1000

# Initial widths as sample texts, measured with the view's font: ResizeToContents would measure
# up to 1,000 rows on every reset, which a 10,000-row load should not pay for.
_WIDTH_SAMPLES: dict[TokenColumn, str] = {
    TokenColumn.ACCOUNT_ID: "00000000-0000-0000-0000-000000000000",
    TokenColumn.EXPIRES: "2026-12-31 23:59:59 CEST",
    TokenColumn.TIME_LEFT: "23 h 59 min",
    TokenColumn.TOKEN: "abcdef…wxyz",
}


def count_text(shown: int, total: int) -> str:
    """The summary under the table: ``3 accounts``, ``2 of 250 accounts shown``, or ``""``."""
    if total <= 0:
        return ""
    noun = "account" if total == 1 else "accounts"
    if shown == total:
        return f"{total} {noun}"
    return f"{shown} of {total} {noun} shown"


class TokenTablePanel(QWidget):
    """Filter + table + count for a shopper's account tokens.

    ``clock`` is passed to the model so tests can drive "Time left" without waiting.
    """

    token_copied = Signal(str)
    """A row's raw token went to the clipboard; carries the account *name* for a status line."""
    account_id_copied = Signal(str)
    """A row's account ID went to the clipboard; carries the account name."""

    def __init__(
        self,
        parent: QWidget | None = None,
        clock: Clock | None = None,
        *,
        model_later: bool = False,
    ) -> None:
        """With ``model_later`` the view shows only its column titles until
        :meth:`attach_model` (the window calls it right after its first paint)."""
        super().__init__(parent)
        self._clock = clock
        self.model: TokenTableModel
        self.proxy: TokenFilterProxy
        self.has_model = False

        self.filter_edit = QLineEdit(self)
        self.filter_edit.setObjectName("tokenFilterEdit")
        self.filter_edit.setPlaceholderText("Filter by account name or ID")
        add_clear_button(self.filter_edit)
        self.filter_edit.setAccessibleName("Filter accounts")
        self.filter_edit.setAccessibleDescription(
            "Shows only the accounts whose name or ID contains this text"
        )

        self.view = QTableView(self)
        self._titles_only = QStandardItemModel(0, len(TokenColumn), self)
        self._titles_only.setHorizontalHeaderLabels([column.title for column in TokenColumn])
        self._setup_view()

        self.count_label = QLabel(self)
        self.count_label.setObjectName("tokenCountLabel")

        self._context_menu: QMenu | None = None  # with the first rows: see context_menu
        self._timer = QTimer(self)
        self._timer.setInterval(TICK_INTERVAL_MS)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.filter_edit)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.count_label)
        if not model_later:
            self.attach_model()

    def _setup_view(self) -> None:
        view = self.view
        view.setObjectName("tokenTable")
        view.setAccessibleName("Accounts and tokens")
        view.setModel(self._titles_only)
        view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        view.setAlternatingRowColors(True)
        view.setWordWrap(False)
        view.setCornerButtonEnabled(False)
        view.verticalHeader().hide()
        # Fixed row heights: the view never measures rows, which matters at 10,000 of them.
        view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)

        header = view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(TokenColumn.ACCOUNT_NAME, QHeaderView.ResizeMode.Stretch)
        metrics = view.fontMetrics()
        padding = 2 * metrics.horizontalAdvance("M")
        for column, sample in _WIDTH_SAMPLES.items():
            header.resizeSection(column, metrics.horizontalAdvance(sample) + padding)
        header.setHighlightSections(False)

    def attach_model(self) -> None:
        """Put the model behind the view and switch on sorting, filtering and the tick.

        Why not in ``__init__`` for the main window: the first call Qt makes into a Python
        model passes a ``Qt`` enum, and PySide builds the whole ``Qt`` namespace (93 enum
        types, ~12 ms) the first time any of it is touched. Until this runs, the view shows
        the same column titles from a C++ model of no rows; the header keeps its section
        sizes and any restored state across the swap (same column count)."""
        if self.has_model:
            return
        from PySide6.QtCore import Qt

        from desktop_app.ui.token_filter_proxy import TokenFilterProxy
        from desktop_app.ui.token_table_model import TokenTableModel

        clock = self._clock
        self.model = TokenTableModel(self) if clock is None else TokenTableModel(self, clock)
        self.proxy = TokenFilterProxy(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.set_filter_text(self.filter_edit.text())
        self.filter_edit.textChanged.connect(self.proxy.set_filter_text)

        view = self.view
        view.setModel(self.proxy)
        self._titles_only.deleteLater()
        view.setTextElideMode(Qt.TextElideMode.ElideMiddle)  # ids stay recognisable at both ends
        # Always there, so rows arriving never narrow the viewport: a scroll bar that appeared
        # with a login's first page re-laid out every column and repainted the table twice.
        view.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        view.customContextMenuRequested.connect(self._show_context_menu)
        header = view.horizontalHeader()
        if not header.isSortIndicatorShown():  # no saved layout restored: the default order
            header.setSortIndicator(TokenColumn.ACCOUNT_NAME, Qt.SortOrder.AscendingOrder)
        # Header clicks reach TokenFilterProxy.sort, which forwards to the model's fast sort.
        view.setSortingEnabled(True)

        self._timer.timeout.connect(self.model.refresh_time_left)
        # Anything that changes what is shown updates the count and the timer,
        # including callers that load the model directly.
        for signal in (
            self.proxy.modelReset,
            self.proxy.layoutChanged,
            self.proxy.rowsInserted,
            self.proxy.rowsRemoved,
        ):
            signal.connect(self._on_contents_changed)
        self.has_model = True
        self._on_contents_changed()

    # ------------------------------------------------------------- public API

    def set_tokens(self, tokens: Sequence[AccountToken]) -> None:
        """Show ``tokens`` (one model reset), keeping the user's sort and filter."""
        self.model.set_tokens(tokens)

    def stage_tokens(self, tokens: Sequence[AccountToken]) -> None:
        """Get a page of a login still being read ready for :meth:`show_staged_tokens`."""
        self.model.stage_tokens(tokens)

    def show_staged_tokens(self) -> None:
        """Show the staged pages at the end of the table, without resetting the view."""
        self.model.show_staged()

    def drop_staged_tokens(self) -> None:
        self.model.drop_staged()

    def paint_rows_now(self) -> None:
        """Paint the rows at once, ahead of the rest of the window's repaint.

        For a long login's first page: otherwise the rows wait for the window to lay out and
        repaint everything the same moment changed (progress bar, fields, summary, scroll bar),
        ~1 ms at the moment the agent is waiting for them (./dev bench). The view lays out
        first: left pending, its layout ran inside this paint and asked for a second full
        one (an update requested while painting is queued for later)."""
        self.view.doItemsLayout()
        self.view.viewport().repaint()

    def clear(self) -> None:
        """Remove all rows and stop the tick (e.g. on log-out); the filter text is kept."""
        self.model.clear()

    def selected_token(self) -> AccountToken | None:
        """The selected row's token, or ``None`` when nothing is selected."""
        rows = self.view.selectionModel().selectedRows()
        if not rows:
            return None
        return self.proxy.token_at(rows[0].row())

    def copy_selected_token(self) -> bool:
        """Put the selected row's raw token on the clipboard; ``False`` if nothing is selected."""
        token = self.selected_token()
        if token is None:
            return False
        QGuiApplication.clipboard().setText(token.token)
        self.token_copied.emit(token.account_name)
        return True

    def copy_selected_account_id(self) -> bool:
        """Put the selected row's account ID on the clipboard; ``False`` if nothing is selected."""
        token = self.selected_token()
        if token is None:
            return False
        QGuiApplication.clipboard().setText(token.account_id)
        self.account_id_copied.emit(token.account_name)
        return True

    def is_ticking(self) -> bool:
        """Whether the one-second "Time left" refresh is running (only while there are rows)."""
        return self._timer.isActive()

    @property
    def context_menu(self) -> QMenu:
        """Copy token / Copy account ID, also bound to the platform's Copy key on the table."""
        return self._copy_actions()

    def _copy_actions(self) -> QMenu:
        """Built when first needed (the first rows, a right-click, the window's token tools), not
        before the window's first paint, when there is nothing to copy yet."""
        if self._context_menu is None:
            from PySide6.QtCore import Qt

            copy_token = QAction("Copy token", self.view)
            copy_token.setShortcut(QKeySequence(QKeySequence.StandardKey.Copy))
            # Scoped to the table so Ctrl+C in the filter box still copies the filter text.
            copy_token.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            copy_token.triggered.connect(self.copy_selected_token)
            self.view.addAction(copy_token)
            copy_account_id = QAction("Copy account ID", self.view)
            copy_account_id.triggered.connect(self.copy_selected_account_id)
            self._context_menu = QMenu(self.view)
            self._context_menu.addAction(copy_token)
            self._context_menu.addAction(copy_account_id)
        return self._context_menu

    # --------------------------------------------------------------- internal

    def _on_contents_changed(self, *_args: object) -> None:
        total = self.model.rowCount()
        self.count_label.setText(count_text(self.proxy.rowCount(), total))
        if total and not self._timer.isActive():
            self._copy_actions()  # rows to copy: the Copy key works from now on
            self._timer.start()
        elif not total:
            self._timer.stop()

    def _show_context_menu(self, pos: QPoint) -> None:
        """Select the row under the pointer (as file managers do), then offer the copy actions.

        ``popup`` rather than ``exec``: it does not start a nested event loop, so the menu can
        be driven from tests and never blocks the timer.
        """
        index: QModelIndex = self.view.indexAt(pos)
        if index.isValid():
            self.view.selectRow(index.row())
        elif not self.view.selectionModel().hasSelection():
            return
        self.context_menu.popup(self.view.viewport().mapToGlobal(pos))
