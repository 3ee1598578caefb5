"""Table model for the accounts a shopper belongs to and their account tokens.

Built for 10,000 rows in a shown view (see ``docs/platform-notes.md``, "10,000-row table"):

* Bulk loads are one ``beginResetModel``/``endResetModel``: one relayout instead of 10,000.
* Sorting happens here, with ``list.sort(key=…)`` on precomputed native keys (~30 ms), never in
  ``QSortFilterProxyModel``, which would call the Python ``data()`` ~2·n·log n times (~1.4 s).
* Each row carries a precomputed case-folded filter key (``FILTER_KEY_ROLE``), so filtering is
  one lookup and one substring test per row instead of ``data()`` for every cell.
* The ticking "Time left" column is refreshed with one ``dataChanged`` per tick for the whole
  column; views repaint only what is visible.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from operator import attrgetter
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QColor

from desktop_app.ui.time_format import (
    EXPIRED_TEXT,
    format_expiry_local,
    format_expiry_utc_iso,
    format_time_left,
)
from desktop_app.ui.token_columns import TokenColumn

if TYPE_CHECKING:  # annotations only: the models load with the API client, after the paint
    from desktop_app.api.models import AccountToken

__all__ = ["Clock", "TokenTableModel", "mask_token"]

Clock = Callable[[], datetime]

_AnyIndex = QModelIndex | QPersistentModelIndex

# PySide6 binds the bare layout signals to their zero-argument overload; sending the
# VerticalSortHint (which lets views keep column layout work) needs the full signature.
_LAYOUT_SIGNATURE = ("QList<QPersistentModelIndex>", "QAbstractItemModel::LayoutChangeHint")


_COLUMN_COUNT = len(TokenColumn)

# Tokens shorter than this are masked completely: showing 6 + 4 characters of a short token
# would reveal most of it.
MASK_MIN_LENGTH = 20
_MASK_HEAD = 6
_MASK_TAIL = 4
_FULL_MASK = "•" * 8

COPY_HINT = "Right-click or Ctrl+C to copy"

# Plain ints for the hot path: data() runs for every visible cell on every repaint.
_DISPLAY = int(Qt.ItemDataRole.DisplayRole)
_TOOLTIP = int(Qt.ItemDataRole.ToolTipRole)
_FOREGROUND = int(Qt.ItemDataRole.ForegroundRole)
_ALIGNMENT = int(Qt.ItemDataRole.TextAlignmentRole)
_ACCESSIBLE = int(Qt.ItemDataRole.AccessibleTextRole)
_SORT_VALUE = int(Qt.ItemDataRole.UserRole) + 1
_RAW_TOKEN = int(Qt.ItemDataRole.UserRole) + 2
_FILTER_KEY = int(Qt.ItemDataRole.UserRole) + 3
_RIGHT_ALIGNED = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
# The item delegate asks every cell for about ten roles per paint (font, decoration, check
# state…); data() turns the ones it never answers away before touching the index.
_ANSWERED_ROLES = frozenset(
    {_DISPLAY, _ACCESSIBLE, _FOREGROUND, _TOOLTIP, _ALIGNMENT, _SORT_VALUE, _RAW_TOKEN, _FILTER_KEY}
)


def mask_token(token: str) -> str:
    """Show enough of a token to tell two apart (first 6 + ``…`` + last 4), never all of it."""
    if not token:
        return ""
    if len(token) < MASK_MIN_LENGTH:
        return _FULL_MASK
    return f"{token[:_MASK_HEAD]}…{token[-_MASK_TAIL:]}"


class _Row:
    """One table row: the token plus keys computed once at load time, not per paint or sort."""

    __slots__ = (
        "expires",
        "expires_text",
        "filter_key",
        "id_key",
        "name_key",
        "name_then_id",
        "seq",
        "token",
    )

    def __init__(self, seq: int, token: AccountToken) -> None:
        self.seq = seq  # load order, so sort(-1) can restore it
        self.token = token
        self.expires = token.expires
        self.name_key = token.account_name.casefold()
        self.id_key = token.account_id.casefold()
        self.name_then_id = (self.name_key, self.id_key)  # the name sort, ties broken by ID
        # A newline separator so a filter can never match across the name/ID boundary.
        self.filter_key = f"{self.name_key}\n{self.id_key}"
        self.expires_text: str | None = None  # formatted when first shown, then kept


# Sort keys are attribute reads done in C (attrgetter), not a Python call per row: sorting
# 10,000 rows spends its time comparing, not calling.
_load_order = attrgetter("seq")
_name_tiebreak = attrgetter("name_then_id")

_SORT_KEYS: dict[int, Callable[[_Row], Any]] = {
    TokenColumn.ACCOUNT_NAME: _name_tiebreak,
    TokenColumn.ACCOUNT_ID: attrgetter("id_key"),
    TokenColumn.EXPIRES: attrgetter("expires"),
    TokenColumn.TIME_LEFT: attrgetter("expires"),  # time left orders exactly like expiry
    TokenColumn.TOKEN: attrgetter("token.token"),
}


# What SORT_ROLE exposes: the primary native value only (the name tie-break is internal).
_SORT_ROLE_VALUES: dict[int, Callable[[_Row], Any]] = {
    **_SORT_KEYS,
    TokenColumn.ACCOUNT_NAME: attrgetter("name_key"),
}


def _default_clock() -> datetime:
    return datetime.now(UTC)


class TokenTableModel(QAbstractTableModel):
    """Rows of :class:`AccountToken`, sortable in the model and filterable by a cheap key.

    ``clock`` is injected so tests can move time without sleeping; the model reads it only on
    load and in :meth:`refresh_time_left`, so every cell painted in one tick agrees on "now".
    """

    SORT_ROLE = _SORT_VALUE
    """Native sort values: case-folded ``str`` for name/ID, ``datetime`` for expiry/time left."""
    TOKEN_ROLE = _RAW_TOKEN
    """The raw token, for copying; display text is always masked."""
    FILTER_KEY_ROLE = _FILTER_KEY
    """The row's precomputed lower-case filter key (account name + account ID)."""

    EXPIRED_COLOR = QColor(0xD6, 0x45, 0x45)
    """Mid-luminance red: ~4.4:1 against white and ~3.8:1 against near-black, so expired rows
    stay legible in both light and dark themes without reading the platform palette."""

    def __init__(self, parent: QObject | None = None, clock: Clock = _default_clock) -> None:
        super().__init__(parent)
        self._clock = clock
        self._rows: list[_Row] = []
        self._staged: list[_Row] = []  # built, not yet shown: see stage_tokens
        self._now: datetime = clock()
        self._sort_column = -1
        self._sort_order = Qt.SortOrder.AscendingOrder

    # ----------------------------------------------------------------- loading

    def set_tokens(self, tokens: Sequence[AccountToken]) -> None:
        """Replace all rows in one reset, keeping the current sort column and order applied."""
        self.beginResetModel()
        try:
            self._now = self._clock()
            # A streamed login ends with the very tokens its pages staged: keep those rows
            # (and their keys) instead of building 10,000 new ones on the GUI thread.
            rows = sorted(self._rows, key=_load_order) + self._staged
            self._staged = []
            if len(rows) != len(tokens) or any(
                row.token is not token for row, token in zip(rows, tokens, strict=True)
            ):
                rows = [_Row(seq, token) for seq, token in enumerate(tokens)]
            self._sort_rows(rows, self._sort_column, self._sort_order)
            self._rows = rows
        finally:
            self.endResetModel()

    def stage_tokens(self, tokens: Sequence[AccountToken]) -> None:
        """Get rows ready for ``tokens``, for :meth:`show_staged` to add at the end.

        A long login's pages arrive 100 at a time but are shown ten times a second. Building
        ~3,000 rows at the showing held the GIL ~3.5 ms while the worker waited for it with
        the next reply in hand: ~10 ms of a 10,000-account login (./dev bench). Staged as each
        page arrives, a page's rows take ~0.1 ms while the worker waits on the network."""
        first = len(self._rows) + len(self._staged)
        self._staged.extend(_Row(first + offset, token) for offset, token in enumerate(tokens))

    def show_staged(self) -> None:
        """Add the staged rows at the end, in arrival order, without a reset; the final
        ``set_tokens`` applies the sort once instead of re-sorting on every showing."""
        rows, self._staged = self._staged, []
        if not rows:
            return
        first = len(self._rows)
        self.beginInsertRows(QModelIndex(), first, first + len(rows) - 1)
        try:
            self._rows.extend(rows)
        finally:
            self.endInsertRows()

    def drop_staged(self) -> None:
        """Forget staged rows that were never shown (a superseded or failed login's)."""
        self._staged = []

    def clear(self) -> None:
        """Remove every row (e.g. on log-out), so no token stays in memory behind the view."""
        self.set_tokens(())

    def token_at(self, row: int) -> AccountToken:
        """The token shown at ``row`` of this model (in its current sort order)."""
        return self._rows[row].token

    def tokens(self) -> tuple[AccountToken, ...]:
        """All tokens in the current display order."""
        return tuple(row.token for row in self._rows)

    def is_expired(self, row: int) -> bool:
        """Whether ``row`` was expired as of the last clock read."""
        return self._rows[row].expires <= self._now

    def now(self) -> datetime:
        """The instant the model last read its clock; every cell is rendered against it."""
        return self._now

    def sort_column(self) -> int:
        """The column rows are sorted by, or -1 for load order."""
        return self._sort_column

    def sort_order(self) -> Qt.SortOrder:
        return self._sort_order

    # ------------------------------------------------------------ time ticking

    def refresh_time_left(self) -> None:
        """Re-read the clock and tell views the "Time left" column changed.

        Emits one ``dataChanged`` for the whole column, plus one spanning the whole rows that
        crossed into expired since the last tick (their colour changes in every column).
        """
        previous = self._now
        now = self._clock()
        self._now = now
        if not self._rows:
            return
        last = len(self._rows) - 1
        self.dataChanged.emit(
            self.index(0, TokenColumn.TIME_LEFT),
            self.index(last, TokenColumn.TIME_LEFT),
            [_DISPLAY, _ACCESSIBLE],
        )
        crossed = [i for i, row in enumerate(self._rows) if previous < row.expires <= now]
        if crossed:
            self.dataChanged.emit(
                self.index(crossed[0], 0),
                self.index(crossed[-1], _COLUMN_COUNT - 1),
                [_DISPLAY, _FOREGROUND, _TOOLTIP, _ACCESSIBLE],
            )

    # ------------------------------------------------------------------ shape

    def rowCount(self, parent: _AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else _COLUMN_COUNT

    def flags(self, index: _AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return (
            Qt.ItemFlag.ItemIsEnabled
            | Qt.ItemFlag.ItemIsSelectable
            | Qt.ItemFlag.ItemNeverHasChildren
        )

    def headerData(
        self,
        section: int,
        orientation: Qt.Orientation,
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> Any:
        if role != _DISPLAY:
            return None
        if orientation == Qt.Orientation.Horizontal:
            if 0 <= section < _COLUMN_COUNT:
                return TokenColumn(section).title
            return None
        return str(section + 1)

    # ------------------------------------------------------------------- data

    def data(self, index: _AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role not in _ANSWERED_ROLES:
            return None
        rows = self._rows
        r = index.row()
        if not 0 <= r < len(rows):  # an invalid index has row -1
            return None
        row = rows[r]
        if role == _FILTER_KEY:  # first: the filter asks it of every row, ~10,000 times
            return row.filter_key
        column = index.column()
        if role in (_DISPLAY, _ACCESSIBLE):
            return self._display(row, column)
        if role == _FOREGROUND:
            return self.EXPIRED_COLOR if row.expires <= self._now else None
        if role == _TOOLTIP:
            return self._tooltip(row, column)
        if role == _ALIGNMENT:
            return _RIGHT_ALIGNED if column == TokenColumn.TIME_LEFT else None
        if role == _SORT_VALUE:
            key = _SORT_ROLE_VALUES.get(column)
            return key(row) if key is not None else None
        if role == _RAW_TOKEN:
            return row.token.token
        return None

    def _display(self, row: _Row, column: int) -> str | None:
        token = row.token
        if column == TokenColumn.ACCOUNT_NAME:
            return token.account_name
        if column == TokenColumn.ACCOUNT_ID:
            return token.account_id
        if column == TokenColumn.EXPIRES:
            if row.expires_text is None:
                row.expires_text = format_expiry_local(row.expires)
            return row.expires_text
        if column == TokenColumn.TIME_LEFT:
            if row.expires <= self._now:
                return EXPIRED_TEXT
            return format_time_left((row.expires - self._now).total_seconds())
        if column == TokenColumn.TOKEN:
            return mask_token(token.token)
        return None

    def _tooltip(self, row: _Row, column: int) -> str | None:
        if column in (TokenColumn.EXPIRES, TokenColumn.TIME_LEFT):
            return f"Expires {format_expiry_utc_iso(row.expires)} (UTC)"
        if column == TokenColumn.TOKEN:
            return COPY_HINT
        return None

    # ------------------------------------------------------------------- sort

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort in Python on native keys and tell views the layout changed.

        Persistent indexes (the view's selection and current index) are moved with their rows,
        so a selected account stays selected after a header click. ``column`` -1 restores
        load order. The sort is stable; ties are broken by account name.
        """
        if column >= _COLUMN_COUNT:
            return
        self._sort_column = column
        self._sort_order = order
        hint = QAbstractItemModel.LayoutChangeHint.VerticalSortHint
        self.layoutAboutToBeChanged[_LAYOUT_SIGNATURE].emit([], hint)  # type: ignore[index]
        old_persistent = self.persistentIndexList()
        tracked = [(self._rows[ix.row()], ix.column()) for ix in old_persistent]
        self._sort_rows(self._rows, column, order)
        if old_persistent:
            new_row = {id(row): i for i, row in enumerate(self._rows)}
            new_persistent = [self.index(new_row[id(row)], col) for row, col in tracked]
            self.changePersistentIndexList(old_persistent, new_persistent)
        self.layoutChanged[_LAYOUT_SIGNATURE].emit([], hint)  # type: ignore[index]

    @staticmethod
    def _sort_rows(rows: list[_Row], column: int, order: Qt.SortOrder) -> None:
        """Sort in place: by account name first, then (stably) by the requested column.

        Two stable passes make ties fall in ascending name order whichever way the main key
        runs; sorting a list of 10,000 rows twice still costs only a few milliseconds.
        """
        descending = order == Qt.SortOrder.DescendingOrder
        if column < 0:
            rows.sort(key=_load_order)
            return
        if column == TokenColumn.ACCOUNT_NAME:
            rows.sort(key=_name_tiebreak, reverse=descending)
            return
        rows.sort(key=_name_tiebreak)
        rows.sort(key=_SORT_KEYS[column], reverse=descending)
