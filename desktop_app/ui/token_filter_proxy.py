"""Filter-only proxy for :class:`TokenTableModel`.

``QSortFilterProxyModel`` sorting a Python model calls ``data()`` ~2·n·log n times: ~1.4 s for
10,000 rows. So this proxy never sorts: :meth:`sort` forwards to the source model, which sorts
its own list in ~30 ms and emits ``layoutChanged``; the proxy keeps source order (its own sort
column stays -1).

Filtering is Qt's fixed-string filter on the source's precomputed case-folded key (one
``data()`` call per row, and only while there is filter text). A Python ``filterAcceptsRow``
filtered faster (17 vs 38 ms for 10,000 rows) but ran for every row of every reset, insert
and sort even with an empty filter: ~5 ms more on the stall that ends a 10,000-account login,
and twice the time for a sort (./dev bench).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import (
    QObject,
    QSortFilterProxyModel,
    Qt,
)

from desktop_app.ui.token_table_model import TokenTableModel

if TYPE_CHECKING:  # annotations only: the models load with the API client, after the paint
    from desktop_app.api.models import AccountToken

__all__ = ["TokenFilterProxy"]


class TokenFilterProxy(QSortFilterProxyModel):
    """Case-insensitive substring filter on account name or ID; sorting is the source's job."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        # Dynamic sort/filter would re-run the filter on every dataChanged (every second, for
        # the ticking column) and could re-sort in Python; the key never changes on a tick.
        self.setDynamicSortFilter(False)
        # Qt's own fixed-string filter on the precomputed key: with no filter text it accepts
        # every row in C++, so loading 10,000 rows calls no Python per row at all.
        self.setFilterRole(TokenTableModel.FILTER_KEY_ROLE)
        self.setFilterKeyColumn(0)
        self.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseSensitive)  # both sides folded
        self._needle = ""
        self._source: TokenTableModel | None = None

    # ----------------------------------------------------------------- source

    def setSourceModel(self, source_model: TokenTableModel) -> None:  # type: ignore[override]
        """Accept only a :class:`TokenTableModel`: the filter reads its ``FILTER_KEY_ROLE``."""
        if not isinstance(source_model, TokenTableModel):
            raise TypeError("TokenFilterProxy needs a TokenTableModel as its source")
        self._source = source_model
        super().setSourceModel(source_model)

    def token_model(self) -> TokenTableModel:
        """The source model, typed."""
        if self._source is None:
            raise RuntimeError("TokenFilterProxy has no source model")
        return self._source

    def token_at(self, proxy_row: int) -> AccountToken:
        """The token shown at ``proxy_row`` of this proxy."""
        source_index = self.mapToSource(self.index(proxy_row, 0))
        if not source_index.isValid():
            raise IndexError(f"proxy row {proxy_row} out of range")
        return self.token_model().token_at(source_index.row())

    # ----------------------------------------------------------------- filter

    def filter_text(self) -> str:
        return self._needle

    def set_filter_text(self, text: str) -> None:
        """Show only rows whose account name or ID contains ``text`` (case-insensitive).

        Surrounding whitespace is ignored: pasted IDs often carry a trailing space or newline.
        """
        needle = text.strip().casefold()
        if needle == self._needle:
            return
        self._needle = needle
        self.setFilterFixedString(needle)

    # ------------------------------------------------------------------- sort

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Forward to the source model; the proxy itself must never sort (see module doc).

        ``QTableView`` with sorting enabled calls this on a header click; the source emits
        ``layoutChanged``, which the proxy maps through, keeping the view's selection.
        """
        if self._source is not None:
            self._source.sort(column, order)
