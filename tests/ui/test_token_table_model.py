"""Unit tests for the token table's formatting, model and filter proxy, with no view shown.

The model is exercised the way a view would use it (indexes and roles) and with a fake clock,
so nothing here sleeps or asserts on timing.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st
from PySide6.QtCore import (
    QItemSelectionModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    QStringListModel,
    Qt,
)
from PySide6.QtGui import QColor

from desktop_app.api.models import AccountToken
from desktop_app.ui.time_format import (
    format_expiry_local,
    format_expiry_utc_iso,
    format_time_left,
)
from desktop_app.ui.token_filter_proxy import TokenFilterProxy
from desktop_app.ui.token_table_model import TokenColumn, TokenTableModel, mask_token

NOW = datetime(2026, 11, 20, 12, 0, 0, tzinfo=UTC)
DISPLAY = Qt.ItemDataRole.DisplayRole
ASC = Qt.SortOrder.AscendingOrder
DESC = Qt.SortOrder.DescendingOrder


class FakeClock:
    """A clock the test moves by hand, so "time left" changes without waiting."""

    def __init__(self, now: datetime = NOW) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


def token(name: str, account_id: str, seconds_left: float, raw: str | None = None) -> AccountToken:
    return AccountToken(
        account_id=account_id,
        account_name=name,
        token=raw if raw is not None else f"eyJhbGciOiJIUzI1NiJ9.{account_id}.signature-part",
        expires=NOW + timedelta(seconds=seconds_left),
    )


ACME = token("Acme Retail", "acc-001", 2 * 3600)
BETA = token("beta Wholesale", "acc-002", 30 * 60)
COBALT = token("Cobalt Outlet", "acc-003", -5 * 60)
THREE = (COBALT, ACME, BETA)
DUNE = token("Dune Traders", "acc-004", 3600)


def many_tokens(count: int, seed: int = 7) -> list[AccountToken]:
    """``count`` tokens in a shuffled order, with duplicate names and expiries for ties."""
    rng = random.Random(seed)
    tokens = [
        token(
            f"Account {rng.randrange(count // 2 or 1):05d}",
            f"id-{i:06d}",
            rng.randrange(-3600, 86400 * 3),
        )
        for i in range(count)
    ]
    rng.shuffle(tokens)
    return tokens


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def model(qapp: object, clock: FakeClock) -> TokenTableModel:
    model = TokenTableModel(clock=clock)
    model.set_tokens(THREE)
    return model


def display(model: TokenTableModel, row: int, column: TokenColumn) -> str:
    return model.data(model.index(row, column), DISPLAY)


def names(model: TokenTableModel | TokenFilterProxy) -> list[str]:
    return [
        model.data(model.index(row, TokenColumn.ACCOUNT_NAME), DISPLAY)
        for row in range(model.rowCount())
    ]


# --------------------------------------------------------------------- time_format


@pytest.mark.parametrize(
    ("seconds", "expected"),
    [
        (12, "12 s"),
        (0.3, "1 s"),
        (59, "59 s"),
        (60, "1 min"),
        (4 * 60 + 12, "4 min 12 s"),
        (3600, "1 h"),
        (23 * 3600 + 59 * 60, "23 h 59 min"),
        (23 * 3600 + 59 * 60 + 30, "23 h 59 min"),
        (86400, "24 h"),
        (47 * 3600 + 59 * 60, "47 h 59 min"),
        (2 * 86400, "2 d"),
        (2 * 86400 + 3 * 3600, "2 d 3 h"),
        (400 * 86400, "400 d"),
        (0, "Expired"),
        (-0.5, "Expired"),
        (-86400, "Expired"),
    ],
)
def test_format_time_left_is_compact(seconds: float, expected: str) -> None:
    """A countdown reads with its two largest units and is rounded up, never down to 0 s."""
    assert format_time_left(seconds) == expected


@given(st.floats(allow_nan=True, allow_infinity=True))
def test_format_time_left_never_raises(seconds: float) -> None:
    """Any float, even NaN or infinity, formats to some text instead of raising in data()."""
    text = format_time_left(seconds)
    assert isinstance(text, str)
    assert text
    if seconds <= 0:
        assert text == "Expired"


@given(st.floats(min_value=1e-9, max_value=1e12))
def test_format_time_left_positive_is_never_expired(seconds: float) -> None:
    """A token with any time left is never shown as expired."""
    assert format_time_left(seconds) != "Expired"


@pytest.fixture
def local_zone(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[str], None]]:
    """Switch the process's local zone (POSIX ``TZ``) and restore it afterwards."""
    if not hasattr(time, "tzset"):
        pytest.skip("time.tzset is POSIX-only")

    def set_zone(zone: str) -> None:
        monkeypatch.setenv("TZ", zone)
        time.tzset()

    yield set_zone
    monkeypatch.undo()
    time.tzset()


def test_format_expiry_local_in_utc(local_zone: Callable[[str], None]) -> None:
    """On a machine set to UTC the expiry reads as UTC with its abbreviation."""
    local_zone("UTC0")
    assert format_expiry_local(NOW) == "2026-11-20 12:00:00 UTC"


def test_format_expiry_local_follows_the_machine_zone(local_zone: Callable[[str], None]) -> None:
    """The same instant reads in the local zone, with the right daylight-saving name."""
    local_zone("EST5EDT,M3.2.0,M11.1.0")
    assert format_expiry_local(NOW) == "2026-11-20 07:00:00 EST"
    summer = datetime(2026, 7, 1, 12, 0, tzinfo=UTC)
    assert format_expiry_local(summer) == "2026-07-01 08:00:00 EDT"


def test_format_expiry_local_accepts_other_offsets_and_naive(
    local_zone: Callable[[str], None],
) -> None:
    """Aware datetimes in any offset convert; a naive one is taken as UTC (the API's zone)."""
    local_zone("UTC0")
    plus_two = NOW.astimezone(timezone(timedelta(hours=2)))
    assert format_expiry_local(plus_two) == "2026-11-20 12:00:00 UTC"
    assert format_expiry_local(NOW.replace(tzinfo=None)) == "2026-11-20 12:00:00 UTC"


def test_format_expiry_utc_iso() -> None:
    """Tooltips carry the unambiguous UTC ISO form, whatever offset the datetime has."""
    plus_two = NOW.astimezone(timezone(timedelta(hours=2)))
    assert format_expiry_utc_iso(plus_two) == "2026-11-20T12:00:00Z"


# -------------------------------------------------------------------------- model


def test_empty_model_has_columns_but_no_rows(qapp: object) -> None:
    model = TokenTableModel()
    assert model.rowCount() == 0
    assert model.columnCount() == 5
    assert model.tokens() == ()


def test_counts_and_child_indexes(model: TokenTableModel) -> None:
    """A flat table: three rows, five columns, and no children under any cell."""
    assert model.rowCount() == 3
    assert model.columnCount() == 5
    cell = model.index(0, 0)
    assert model.rowCount(cell) == 0
    assert model.columnCount(cell) == 0
    assert model.flags(cell) & Qt.ItemFlag.ItemIsSelectable
    assert model.flags(cell) & Qt.ItemFlag.ItemNeverHasChildren


def test_header_titles(model: TokenTableModel) -> None:
    titles = [
        model.headerData(c, Qt.Orientation.Horizontal, DISPLAY) for c in range(model.columnCount())
    ]
    assert titles == ["Account name", "Account ID", "Expires", "Time left", "Token"]
    assert [c.title for c in TokenColumn] == titles
    assert model.headerData(0, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole) is None


def test_display_text_per_column(model: TokenTableModel, local_zone: Callable[[str], None]) -> None:
    """Each column shows what support staff read: names, IDs, local expiry, countdown, mask."""
    local_zone("UTC0")
    row = model.tokens().index(ACME)
    assert display(model, row, TokenColumn.ACCOUNT_NAME) == "Acme Retail"
    assert display(model, row, TokenColumn.ACCOUNT_ID) == "acc-001"
    assert display(model, row, TokenColumn.EXPIRES) == "2026-11-20 14:00:00 UTC"
    assert display(model, row, TokenColumn.TIME_LEFT) == "2 h"
    assert display(model, row, TokenColumn.TOKEN) == "eyJhbG…part"
    assert model.data(model.index(row, TokenColumn.TIME_LEFT), Qt.ItemDataRole.TextAlignmentRole)


def test_invalid_index_has_no_data(model: TokenTableModel) -> None:
    assert model.data(QModelIndex(), DISPLAY) is None
    assert model.flags(QModelIndex()) == Qt.ItemFlag.NoItemFlags


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("abcdef0123456789WXYZ", "abcdef…WXYZ"),
        ("eyJhbGciOiJIUzI1NiJ9.payload.signature", "eyJhbG…ture"),
        ("short-token", "••••••••"),
        ("abcdef012345678WXYZ", "••••••••"),
        ("", ""),
    ],
)
def test_mask_token(raw: str, shown: str) -> None:
    """Long tokens show 6 + 4 characters; short ones are hidden entirely, length included."""
    assert mask_token(raw) == shown


def test_token_column_never_displays_the_raw_token(model: TokenTableModel) -> None:
    """The raw token is only reachable through TOKEN_ROLE, which copying uses."""
    for row, tok in enumerate(model.tokens()):
        cell = model.index(row, TokenColumn.TOKEN)
        assert tok.token not in model.data(cell, DISPLAY)
        assert model.data(cell, TokenTableModel.TOKEN_ROLE) == tok.token


def test_tooltips(model: TokenTableModel) -> None:
    """Expiry cells explain the instant in UTC; the token cell says how to copy it."""
    row = model.tokens().index(ACME)
    for column in (TokenColumn.EXPIRES, TokenColumn.TIME_LEFT):
        tip = model.data(model.index(row, column), Qt.ItemDataRole.ToolTipRole)
        assert "2026-11-20T14:00:00Z" in tip
    tip = model.data(model.index(row, TokenColumn.TOKEN), Qt.ItemDataRole.ToolTipRole)
    assert tip == "Right-click or Ctrl+C to copy"
    assert (
        model.data(model.index(row, TokenColumn.ACCOUNT_NAME), Qt.ItemDataRole.ToolTipRole) is None
    )


def test_expired_rows_are_marked(model: TokenTableModel) -> None:
    """An expired row reads "Expired" and every cell in it is coloured; live rows are not."""
    expired = model.tokens().index(COBALT)
    live = model.tokens().index(ACME)
    assert display(model, expired, TokenColumn.TIME_LEFT) == "Expired"
    for column in TokenColumn:
        colour = model.data(model.index(expired, column), Qt.ItemDataRole.ForegroundRole)
        assert isinstance(colour, QColor)
        assert colour == TokenTableModel.EXPIRED_COLOR
        assert model.data(model.index(live, column), Qt.ItemDataRole.ForegroundRole) is None
    assert model.is_expired(expired)
    assert not model.is_expired(live)


def test_custom_roles(model: TokenTableModel) -> None:
    """SORT_ROLE returns native values; FILTER_KEY_ROLE the lower-case name + ID key."""
    row = model.tokens().index(BETA)

    def at(column: TokenColumn, role: int) -> object:
        return model.data(model.index(row, column), role)

    assert at(TokenColumn.ACCOUNT_NAME, TokenTableModel.SORT_ROLE) == "beta wholesale"
    assert at(TokenColumn.ACCOUNT_ID, TokenTableModel.SORT_ROLE) == "acc-002"
    assert at(TokenColumn.EXPIRES, TokenTableModel.SORT_ROLE) == BETA.expires
    assert at(TokenColumn.TIME_LEFT, TokenTableModel.SORT_ROLE) == BETA.expires
    assert isinstance(at(TokenColumn.EXPIRES, TokenTableModel.SORT_ROLE), datetime)
    key = at(TokenColumn.ACCOUNT_NAME, TokenTableModel.FILTER_KEY_ROLE)
    assert key == "beta wholesale\nacc-002"  # the newline: no match across name and ID
    assert "beta wholesale" in key
    assert "acc-002" in key
    assert key == key.lower()


def test_set_tokens_is_one_reset(qapp: object, clock: FakeClock) -> None:
    """A bulk load is one modelReset, not a row insertion per token (see platform notes)."""
    model = TokenTableModel(clock=clock)
    events: list[str] = []
    model.modelAboutToBeReset.connect(lambda: events.append("about"))
    model.modelReset.connect(lambda: events.append("reset"))
    model.rowsInserted.connect(lambda *_: events.append("inserted"))
    model.set_tokens(many_tokens(500))
    assert events == ["about", "reset"]
    assert model.rowCount() == 500


def test_staged_pages_show_together_at_the_end_in_arrival_order(
    qapp: object, clock: FakeClock
) -> None:
    """A long login stages each page as it arrives and shows them in one insert."""
    model = TokenTableModel(clock=clock)
    inserts: list[tuple[int, int]] = []
    model.rowsInserted.connect(lambda _parent, first, last: inserts.append((first, last)))
    model.sort(TokenColumn.ACCOUNT_NAME)
    first_page = [COBALT, ACME]
    model.set_tokens(first_page)
    model.stage_tokens([BETA])
    model.stage_tokens([DUNE])
    assert model.rowCount() == 2  # staged, not shown
    model.show_staged()
    model.show_staged()  # nothing left: no empty insert
    assert inserts == [(2, 3)]
    shown = [model.token_at(row) for row in range(model.rowCount())]
    assert shown[2:] == [BETA, DUNE]  # sorted once, by the final load
    model.set_tokens([*first_page, BETA, DUNE])
    assert [model.token_at(row) for row in range(4)] == sorted(
        [COBALT, ACME, BETA, DUNE], key=lambda t: t.account_name.casefold()
    )
    model.sort(-1)  # load order is arrival order, staged pages included
    assert [model.token_at(row) for row in range(4)] == [COBALT, ACME, BETA, DUNE]


def test_the_final_load_takes_staged_rows_not_yet_shown(qapp: object, clock: FakeClock) -> None:
    model = TokenTableModel(clock=clock)
    model.set_tokens([ACME])
    model.stage_tokens([BETA, COBALT])
    model.set_tokens([ACME, BETA, COBALT])
    assert model.rowCount() == 3
    model.show_staged()  # the load took them: nothing shows twice
    assert model.rowCount() == 3


def test_dropped_or_replaced_staged_rows_never_show(qapp: object, clock: FakeClock) -> None:
    model = TokenTableModel(clock=clock)
    model.set_tokens([ACME])
    model.stage_tokens([BETA])
    model.drop_staged()
    model.show_staged()
    assert model.tokens() == (ACME,)
    model.stage_tokens([BETA])
    model.set_tokens([COBALT])  # another login's result
    model.show_staged()
    assert model.tokens() == (COBALT,)


def test_clear_removes_everything(model: TokenTableModel) -> None:
    model.clear()
    assert model.rowCount() == 0
    assert model.tokens() == ()


def test_token_at_follows_display_order(model: TokenTableModel) -> None:
    assert [model.token_at(r) for r in range(model.rowCount())] == list(model.tokens())
    with pytest.raises(IndexError):
        model.token_at(3)


# ---------------------------------------------------------------------- sorting

NATIVE_KEYS = {
    TokenColumn.ACCOUNT_NAME: lambda t: t.account_name.casefold(),
    TokenColumn.ACCOUNT_ID: lambda t: t.account_id.casefold(),
    TokenColumn.EXPIRES: lambda t: t.expires,
    TokenColumn.TIME_LEFT: lambda t: t.expires,
    TokenColumn.TOKEN: lambda t: t.token,
}


@pytest.mark.parametrize("order", [ASC, DESC])
@pytest.mark.parametrize("column", list(TokenColumn))
def test_sort_by_each_column(
    qapp: object, clock: FakeClock, column: TokenColumn, order: Qt.SortOrder
) -> None:
    """Every column sorts by its native value (datetimes, not text) in both directions."""
    model = TokenTableModel(clock=clock)
    tokens = many_tokens(300)
    model.set_tokens(tokens)
    model.sort(column, order)
    keys = [NATIVE_KEYS[column](t) for t in model.tokens()]
    assert keys == sorted(keys, reverse=order == DESC)
    assert sorted(model.tokens(), key=id) == sorted(tokens, key=id)
    sort_values = [
        model.data(model.index(r, column), TokenTableModel.SORT_ROLE)
        for r in range(model.rowCount())
    ]
    assert sort_values == keys


@pytest.mark.parametrize("order", [ASC, DESC])
def test_sort_ties_fall_back_to_account_name(qapp: object, order: Qt.SortOrder) -> None:
    """Rows expiring at the same instant are listed by name, whichever way expiry runs."""
    same = NOW + timedelta(hours=1)
    tied = [
        AccountToken("c", "Charlie", "t" * 30, same),
        AccountToken("a", "alpha", "t" * 30, same),
        AccountToken("b", "Bravo", "t" * 30, same),
        AccountToken("z", "Zulu", "t" * 30, same + timedelta(hours=1)),
    ]
    model = TokenTableModel(clock=FakeClock())
    model.set_tokens(tied)
    model.sort(TokenColumn.EXPIRES, order)
    expected = (
        ["alpha", "Bravo", "Charlie", "Zulu"]
        if order == ASC
        else ["Zulu", "alpha", "Bravo", "Charlie"]
    )
    assert names(model) == expected


def test_expiry_sorts_chronologically_not_as_text(qapp: object) -> None:
    """Offsets differ in text but the sort is by instant: 13:00+02:00 is before 12:00Z."""
    early = AccountToken(
        "1", "early", "t" * 30, datetime(2026, 1, 1, 13, tzinfo=timezone(timedelta(hours=2)))
    )
    late = AccountToken("2", "late", "t" * 30, datetime(2026, 1, 1, 12, tzinfo=UTC))
    model = TokenTableModel(clock=FakeClock())
    model.set_tokens([late, early])
    model.sort(TokenColumn.EXPIRES, ASC)
    assert names(model) == ["early", "late"]


def test_sort_emits_layout_change_not_reset(model: TokenTableModel) -> None:
    """Sorting keeps the model alive (layoutChanged), so views keep selection and scroll."""
    events: list[str] = []
    model.layoutAboutToBeChanged.connect(lambda *_: events.append("about"))
    model.layoutChanged.connect(lambda *_: events.append("changed"))
    model.modelReset.connect(lambda: events.append("reset"))
    model.sort(TokenColumn.ACCOUNT_NAME, ASC)
    assert events == ["about", "changed"]
    assert (model.sort_column(), model.sort_order()) == (TokenColumn.ACCOUNT_NAME, ASC)


def test_set_tokens_keeps_the_current_sort(model: TokenTableModel) -> None:
    """After a reload (e.g. logging in again) rows come back in the order the user chose."""
    model.sort(TokenColumn.TIME_LEFT, DESC)
    model.set_tokens([BETA, COBALT, ACME])
    assert names(model) == ["Acme Retail", "beta Wholesale", "Cobalt Outlet"]
    model.set_tokens([ACME, BETA, COBALT])
    assert names(model) == ["Acme Retail", "beta Wholesale", "Cobalt Outlet"]


def test_sort_minus_one_restores_load_order(model: TokenTableModel) -> None:
    model.sort(TokenColumn.ACCOUNT_NAME, DESC)
    model.sort(-1, ASC)
    assert model.tokens() == THREE


def test_persistent_index_survives_sort(model: TokenTableModel) -> None:
    """A persistent index (what views keep for selection) moves with its row."""
    row = model.tokens().index(BETA)
    kept = QPersistentModelIndex(model.index(row, TokenColumn.ACCOUNT_ID))
    for column in TokenColumn:
        for order in (ASC, DESC):
            model.sort(column, order)
            assert kept.isValid()
            assert kept.column() == TokenColumn.ACCOUNT_ID
            assert model.token_at(kept.row()) == BETA


def test_selection_survives_sort(model: TokenTableModel) -> None:
    """A selected row stays selected, and is still the same account, after re-sorting."""
    selection = QItemSelectionModel(model)
    row = model.tokens().index(COBALT)
    selection.select(
        model.index(row, 0),
        QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows,
    )
    model.sort(TokenColumn.EXPIRES, DESC)
    selected = selection.selectedRows()
    assert len(selected) == 1
    assert model.token_at(selected[0].row()) == COBALT
    assert selected[0].row() == model.tokens().index(COBALT)


# ---------------------------------------------------------------- time left tick


def test_refresh_time_left_emits_one_change_for_the_column(
    model: TokenTableModel, clock: FakeClock
) -> None:
    """One tick = one dataChanged spanning the whole Time left column, with the new text."""
    row = model.tokens().index(BETA)
    assert display(model, row, TokenColumn.TIME_LEFT) == "30 min"
    changes: list[tuple[int, int, int, int]] = []
    model.dataChanged.connect(
        lambda tl, br, _roles=(): changes.append((tl.row(), tl.column(), br.row(), br.column()))
    )
    clock.advance(12)
    model.refresh_time_left()
    assert changes == [(0, TokenColumn.TIME_LEFT, 2, TokenColumn.TIME_LEFT)]
    assert display(model, row, TokenColumn.TIME_LEFT) == "29 min 48 s"


def test_refresh_time_left_restyles_rows_that_just_expired(
    model: TokenTableModel, clock: FakeClock
) -> None:
    """When a token expires between ticks, its whole row is refreshed so its colour changes."""
    row = model.tokens().index(BETA)
    changes: list[tuple[int, int, int, int]] = []
    model.dataChanged.connect(
        lambda tl, br, _roles=(): changes.append((tl.row(), tl.column(), br.row(), br.column()))
    )
    clock.advance(30 * 60)
    model.refresh_time_left()
    assert changes == [
        (0, TokenColumn.TIME_LEFT, 2, TokenColumn.TIME_LEFT),
        (row, 0, row, len(TokenColumn) - 1),
    ]
    assert display(model, row, TokenColumn.TIME_LEFT) == "Expired"
    assert model.data(model.index(row, 0), Qt.ItemDataRole.ForegroundRole) is not None

    changes.clear()
    clock.advance(1)
    model.refresh_time_left()
    assert len(changes) == 1, "an already expired row is not restyled again"


def test_refresh_time_left_on_empty_model_is_silent(qapp: object, clock: FakeClock) -> None:
    model = TokenTableModel(clock=clock)
    changes: list[object] = []
    model.dataChanged.connect(lambda *args: changes.append(args))
    model.refresh_time_left()
    assert changes == []


# ------------------------------------------------------------------ filter proxy


@pytest.fixture
def proxy(model: TokenTableModel) -> TokenFilterProxy:
    proxy = TokenFilterProxy()
    proxy.setSourceModel(model)
    return proxy


def test_proxy_filters_by_name_or_id_ignoring_case(proxy: TokenFilterProxy) -> None:
    proxy.token_model().sort(TokenColumn.ACCOUNT_NAME, ASC)
    assert proxy.rowCount() == 3
    proxy.set_filter_text("ACME")
    assert names(proxy) == ["Acme Retail"]
    proxy.set_filter_text("acc-00")
    assert proxy.rowCount() == 3
    proxy.set_filter_text("  ACC-002\n")
    assert names(proxy) == ["beta Wholesale"]
    proxy.set_filter_text("nobody")
    assert proxy.rowCount() == 0
    proxy.set_filter_text("")
    assert proxy.rowCount() == 3


def test_proxy_filter_does_not_match_across_name_and_id(proxy: TokenFilterProxy) -> None:
    """ "retailacc" would only match a name glued to an ID; it must match nothing."""
    proxy.set_filter_text("retailacc")
    assert proxy.rowCount() == 0


def test_proxy_forwards_sort_to_the_model(proxy: TokenFilterProxy) -> None:
    """The proxy never sorts in Python; the model sorts and the proxy keeps its order."""
    model = proxy.token_model()
    assert not proxy.dynamicSortFilter()
    proxy.sort(TokenColumn.EXPIRES, DESC)
    assert proxy.sortColumn() == -1
    assert model.sort_column() == TokenColumn.EXPIRES
    assert model.sort_order() == DESC
    assert names(proxy) == names(model) == ["Acme Retail", "beta Wholesale", "Cobalt Outlet"]


def test_proxy_token_at_maps_to_the_source(proxy: TokenFilterProxy) -> None:
    proxy.set_filter_text("cobalt")
    assert proxy.token_at(0) == COBALT
    with pytest.raises(IndexError):
        proxy.token_at(1)


def test_proxy_needs_a_token_model(qapp: object) -> None:
    with pytest.raises(TypeError):
        TokenFilterProxy().setSourceModel(QStringListModel())


def test_proxy_with_ten_thousand_rows(qapp: object, clock: FakeClock) -> None:
    """10,000 rows: the filter finds exactly the matching rows, and sorting keeps the filter."""
    tokens = many_tokens(10_000)
    model = TokenTableModel(clock=clock)
    proxy = TokenFilterProxy()
    proxy.setSourceModel(model)
    model.set_tokens(tokens)
    needle = "account 012"
    expected = {t.account_id for t in tokens if needle in t.account_name.lower()}
    assert expected

    proxy.set_filter_text("Account 012")
    shown = {proxy.token_at(r).account_id for r in range(proxy.rowCount())}
    assert shown == expected

    proxy.sort(TokenColumn.EXPIRES, ASC)
    assert proxy.rowCount() == len(expected)
    expiries = [proxy.token_at(r).expires for r in range(proxy.rowCount())]
    assert expiries == sorted(expiries)

    proxy.set_filter_text("id-009999")
    assert [proxy.token_at(r).account_id for r in range(proxy.rowCount())] == ["id-009999"]

    model.set_tokens(tokens[:10])
    assert proxy.rowCount() == sum("id-009999" in t.account_id for t in tokens[:10])


def test_proxy_filter_matches_a_plain_qt_filter(qapp: object, clock: FakeClock) -> None:
    """On name-only needles the key-based filter agrees with Qt's own (slow) name filter."""
    tokens = many_tokens(1000)
    model = TokenTableModel(clock=clock)
    model.set_tokens(tokens)
    ours = TokenFilterProxy()
    ours.setSourceModel(model)
    qt_filter = QSortFilterProxyModel()
    qt_filter.setSourceModel(model)
    qt_filter.setFilterKeyColumn(TokenColumn.ACCOUNT_NAME)
    qt_filter.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
    for text in ("unt 01", "ACCOUNT 00", "count 004"):
        ours.set_filter_text(text)
        qt_filter.setFilterFixedString(text)
        assert names(ours) == names(qt_filter)
