"""The token table panel as a support engineer uses it: filter, sort, select and copy.

Each test drives the real widget with keyboard and mouse events (pytest-qt ``qtbot``) and
checks what the user would see: the table's rows, the count under it, the clipboard.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtCore import QEvent, QObject, QPoint, Qt
from PySide6.QtGui import QContextMenuEvent, QGuiApplication, QKeySequence
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit, QTableView
from pytestqt.qtbot import QtBot

from desktop_app.api.models import AccountToken
from desktop_app.ui.token_columns import TokenColumn
from desktop_app.ui.token_table_panel import TokenTablePanel, count_text

NOW = datetime(2026, 11, 20, 12, 0, 0, tzinfo=UTC)
DISPLAY = Qt.ItemDataRole.DisplayRole


class FakeClock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> datetime:
        return self.now


def token(name: str, account_id: str, seconds_left: float) -> AccountToken:
    return AccountToken(
        account_id=account_id,
        account_name=name,
        token=f"eyJhbGciOiJIUzI1NiJ9.{account_id}.raw-secret-signature",
        expires=NOW + timedelta(seconds=seconds_left),
    )


ACME = token("Acme Retail", "acc-001", 2 * 3600)
BETA = token("Beta Wholesale", "acc-002", 30 * 60)
COBALT = token("Cobalt Outlet", "acc-003", 5 * 60)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def panel(qtbot: QtBot, clock: FakeClock) -> TokenTablePanel:
    panel = TokenTablePanel(clock=clock)
    qtbot.addWidget(panel)
    panel.resize(900, 400)
    with qtbot.waitExposed(panel):
        panel.show()
    QGuiApplication.clipboard().clear()
    return panel


@pytest.fixture
def loaded(panel: TokenTablePanel) -> TokenTablePanel:
    panel.set_tokens([COBALT, ACME, BETA])
    return panel


def shown_names(panel: TokenTablePanel) -> list[str]:
    proxy = panel.proxy
    return [
        proxy.data(proxy.index(row, TokenColumn.ACCOUNT_NAME), DISPLAY)
        for row in range(proxy.rowCount())
    ]


def row_of(panel: TokenTablePanel, name: str) -> int:
    return shown_names(panel).index(name)


def click_row(qtbot: QtBot, panel: TokenTablePanel, name: str) -> None:
    rect = panel.view.visualRect(panel.proxy.index(row_of(panel, name), TokenColumn.ACCOUNT_ID))
    qtbot.mouseClick(panel.view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def click_header(qtbot: QtBot, panel: TokenTablePanel, column: TokenColumn) -> None:
    header = panel.view.horizontalHeader()
    x = header.sectionViewportPosition(column) + header.sectionSize(column) // 2
    qtbot.mouseClick(
        header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, header.height() // 2)
    )


def copy_keys() -> QKeySequence:
    """The platform's copy shortcut (Ctrl+C here); resolved once a QGuiApplication exists."""
    return QKeySequence(QKeySequence.StandardKey.Copy)


def test_count_text() -> None:
    assert count_text(0, 0) == ""
    assert count_text(1, 1) == "1 account"
    assert count_text(3, 3) == "3 accounts"
    assert count_text(2, 250) == "2 of 250 accounts shown"


def test_widgets_are_named_for_styling_tests_and_screen_readers(panel: TokenTablePanel) -> None:
    """The window, tests and accessibility tools find the parts by stable names."""
    edit = panel.findChild(QLineEdit, "tokenFilterEdit")
    table = panel.findChild(QTableView, "tokenTable")
    label = panel.findChild(QLabel, "tokenCountLabel")
    assert edit is panel.filter_edit
    assert table is panel.view
    assert label is panel.count_label
    assert edit.placeholderText() == "Filter by account name or ID"
    assert not edit.isClearButtonEnabled()  # nothing to clear yet
    edit.setText("pawnee")
    assert edit.isClearButtonEnabled()
    assert edit.accessibleName()
    assert table.accessibleName()
    assert table.isSortingEnabled()
    assert not table.verticalHeader().isVisible()
    assert not table.wordWrap()
    assert table.alternatingRowColors()


def test_loading_tokens_shows_them_sorted_by_name_with_a_count(panel: TokenTablePanel) -> None:
    """After login the accounts appear alphabetically and the count says how many."""
    assert panel.count_label.text() == ""
    panel.set_tokens([COBALT, ACME, BETA])
    assert shown_names(panel) == ["Acme Retail", "Beta Wholesale", "Cobalt Outlet"]
    assert panel.count_label.text() == "3 accounts"
    header = panel.view.horizontalHeader()
    assert header.sortIndicatorSection() == TokenColumn.ACCOUNT_NAME
    assert header.sortIndicatorOrder() == Qt.SortOrder.AscendingOrder
    assert panel.model.rowCount() == 3
    assert panel.selected_token() is None


def test_typing_in_the_filter_narrows_the_table(qtbot: QtBot, loaded: TokenTablePanel) -> None:
    """Typing part of a name shows only that account; clearing the box shows all again."""
    qtbot.keyClicks(loaded.filter_edit, "acme")
    assert shown_names(loaded) == ["Acme Retail"]
    assert loaded.count_label.text() == "1 of 3 accounts shown"

    loaded.filter_edit.clear()
    qtbot.keyClicks(loaded.filter_edit, "ACC-003")
    assert shown_names(loaded) == ["Cobalt Outlet"]

    loaded.filter_edit.clear()
    assert loaded.count_label.text() == "3 accounts"


def test_filter_survives_a_reload(qtbot: QtBot, loaded: TokenTablePanel) -> None:
    """Logging in again keeps what the user typed in the filter applied."""
    qtbot.keyClicks(loaded.filter_edit, "beta")
    loaded.set_tokens([ACME, BETA, COBALT, token("Beta Outlet", "acc-004", 60)])
    assert shown_names(loaded) == ["Beta Outlet", "Beta Wholesale"]
    assert loaded.count_label.text() == "2 of 4 accounts shown"


def test_clicking_a_header_sorts_through_the_model(qtbot: QtBot, loaded: TokenTablePanel) -> None:
    """Clicking "Time left" sorts soonest-expiring first; clicking again reverses it."""
    click_header(qtbot, loaded, TokenColumn.TIME_LEFT)
    assert shown_names(loaded) == ["Cobalt Outlet", "Beta Wholesale", "Acme Retail"]
    assert loaded.model.sort_column() == TokenColumn.TIME_LEFT
    assert loaded.proxy.sortColumn() == -1, "the proxy must not sort in Python"

    click_header(qtbot, loaded, TokenColumn.TIME_LEFT)
    assert shown_names(loaded) == ["Acme Retail", "Beta Wholesale", "Cobalt Outlet"]
    assert loaded.model.sort_order() == Qt.SortOrder.DescendingOrder


def test_selection_stays_on_the_same_account_after_sorting(
    qtbot: QtBot, loaded: TokenTablePanel
) -> None:
    click_row(qtbot, loaded, "Beta Wholesale")
    assert loaded.selected_token() == BETA
    click_header(qtbot, loaded, TokenColumn.EXPIRES)
    click_header(qtbot, loaded, TokenColumn.EXPIRES)
    assert loaded.selected_token() == BETA
    assert len(loaded.view.selectionModel().selectedRows()) == 1


def test_ctrl_c_copies_the_selected_raw_token(qtbot: QtBot, loaded: TokenTablePanel) -> None:
    """Select a row, press Ctrl+C: the clipboard holds the full token, not the masked text."""
    click_row(qtbot, loaded, "Beta Wholesale")
    loaded.view.setFocus()
    with qtbot.waitSignal(loaded.token_copied, timeout=1000) as copied:
        qtbot.keySequence(loaded.view, copy_keys())
    assert copied.args == ["Beta Wholesale"]
    assert QGuiApplication.clipboard().text() == BETA.token


def test_ctrl_c_with_nothing_selected_copies_nothing(qtbot: QtBot, loaded: TokenTablePanel) -> None:
    loaded.view.setFocus()
    with qtbot.assertNotEmitted(loaded.token_copied):
        qtbot.keySequence(loaded.view, copy_keys())
    assert BETA.token not in QGuiApplication.clipboard().text()


def test_ctrl_c_in_the_filter_box_copies_the_filter_text(
    qtbot: QtBot, loaded: TokenTablePanel
) -> None:
    """The table's copy shortcut is scoped to the table; the filter box keeps normal copy."""
    click_row(qtbot, loaded, "Acme Retail")
    qtbot.keyClicks(loaded.filter_edit, "acme")
    loaded.filter_edit.setFocus()
    loaded.filter_edit.selectAll()
    with qtbot.assertNotEmitted(loaded.token_copied):
        qtbot.keySequence(loaded.filter_edit, copy_keys())
    assert QGuiApplication.clipboard().text() == "acme"


def test_context_menu_copies_the_account_id(qtbot: QtBot, loaded: TokenTablePanel) -> None:
    """Right-clicking a row selects it and offers "Copy account ID", which copies the ID."""
    view = loaded.view
    rect = view.visualRect(loaded.proxy.index(row_of(loaded, "Cobalt Outlet"), 0))
    event = QContextMenuEvent(
        QContextMenuEvent.Reason.Mouse, rect.center(), view.viewport().mapToGlobal(rect.center())
    )
    QApplication.sendEvent(view.viewport(), event)

    menu = loaded.context_menu
    qtbot.waitUntil(menu.isVisible, timeout=2000)
    assert [a.text() for a in menu.actions()] == ["Copy token", "Copy account ID"]
    assert loaded.selected_token() == COBALT

    action = next(a for a in menu.actions() if a.text() == "Copy account ID")
    with qtbot.waitSignal(loaded.account_id_copied, timeout=1000) as copied:
        qtbot.mouseClick(menu, Qt.MouseButton.LeftButton, pos=menu.actionGeometry(action).center())
    assert copied.args == ["Cobalt Outlet"]
    assert QGuiApplication.clipboard().text() == "acc-003"
    qtbot.waitUntil(lambda: not menu.isVisible(), timeout=2000)


def test_context_menu_copy_token(qtbot: QtBot, loaded: TokenTablePanel) -> None:
    click_row(qtbot, loaded, "Acme Retail")
    with qtbot.waitSignal(loaded.token_copied, timeout=1000) as copied:
        next(a for a in loaded.context_menu.actions() if a.text() == "Copy token").trigger()
    assert copied.args == ["Acme Retail"]
    assert QGuiApplication.clipboard().text() == ACME.token


def test_time_left_ticks_while_there_are_rows(
    qtbot: QtBot, panel: TokenTablePanel, clock: FakeClock
) -> None:
    """With rows loaded the countdown runs; a token reaching its expiry turns "Expired"."""
    assert not panel.is_ticking()
    panel.set_tokens([COBALT])
    assert panel.is_ticking()
    cell = panel.proxy.index(0, TokenColumn.TIME_LEFT)
    assert panel.proxy.data(cell, DISPLAY) == "5 min"

    clock.now = COBALT.expires
    qtbot.waitUntil(lambda: panel.proxy.data(cell, DISPLAY) == "Expired", timeout=3000)

    panel.clear()
    assert not panel.is_ticking()
    assert panel.count_label.text() == ""
    assert panel.selected_token() is None


def header_titles(view: QTableView) -> list[str]:
    model = view.horizontalHeader().model()
    return [
        model.headerData(column, Qt.Orientation.Horizontal, DISPLAY)
        for column in range(model.columnCount())
    ]


def test_a_panel_whose_model_comes_later_shows_its_titles_and_keeps_what_was_done_meanwhile(
    qtbot: QtBot, clock: FakeClock
) -> None:
    """As the main window builds it: titles at the first paint, the model right after. A
    layout restored in between (widths, sort order) and text typed meanwhile are kept."""
    panel = TokenTablePanel(clock=clock, model_later=True)
    qtbot.addWidget(panel)
    panel.resize(900, 400)
    with qtbot.waitExposed(panel):
        panel.show()
    titles = [column.title for column in TokenColumn]
    assert header_titles(panel.view) == titles
    assert not panel.has_model

    saved = TokenTablePanel(clock=clock)  # a layout saved by last session's window
    qtbot.addWidget(saved)
    header = saved.view.horizontalHeader()
    header.resizeSection(TokenColumn.ACCOUNT_ID, 321)
    header.setSortIndicator(TokenColumn.EXPIRES, Qt.SortOrder.AscendingOrder)
    assert panel.view.horizontalHeader().restoreState(header.saveState())
    qtbot.keyClicks(panel.filter_edit, "co")

    panel.attach_model()
    panel.set_tokens([COBALT, ACME, BETA])
    assert header_titles(panel.view) == titles
    assert panel.view.horizontalHeader().sectionSize(TokenColumn.ACCOUNT_ID) == 321
    assert shown_names(panel) == ["Cobalt Outlet"]  # the filter typed before still applies
    qtbot.keyClicks(panel.filter_edit, "x")
    assert shown_names(panel) == []
    panel.filter_edit.clear()
    # Sorted as restored: soonest expiry first.
    assert shown_names(panel) == ["Cobalt Outlet", "Beta Wholesale", "Acme Retail"]
    assert panel.model.sort_column() == TokenColumn.EXPIRES
    assert panel.count_label.text() == "3 accounts"


def test_a_panel_with_no_saved_layout_sorts_by_name_once_its_model_is_attached(
    qtbot: QtBot, clock: FakeClock
) -> None:
    panel = TokenTablePanel(clock=clock, model_later=True)
    qtbot.addWidget(panel)
    panel.attach_model()
    panel.attach_model()  # a second call changes nothing
    panel.set_tokens([COBALT, ACME, BETA])
    header = panel.view.horizontalHeader()
    assert header.isSortIndicatorShown()
    assert header.sortIndicatorSection() == TokenColumn.ACCOUNT_NAME
    assert header.sortIndicatorOrder() == Qt.SortOrder.AscendingOrder
    assert shown_names(panel) == ["Acme Retail", "Beta Wholesale", "Cobalt Outlet"]


def test_rows_can_be_painted_ahead_of_the_rest_of_the_window(
    qtbot: QtBot, panel: TokenTablePanel
) -> None:
    """A long login's first page: the rows are painted at once, before the window's other
    pending layout and repaint (see MainWindow._on_login_progress)."""
    painted_rows: list[int] = []

    class PaintWatch(QObject):
        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint:
                painted_rows.append(panel.model.rowCount())
            return False

    watch = PaintWatch(panel)
    panel.view.viewport().installEventFilter(watch)
    QApplication.processEvents()
    painted_rows.clear()
    panel.set_tokens([ACME, BETA])
    panel.paint_rows_now()  # no event loop in between
    assert painted_rows == [2]
    qtbot.wait(50)  # the view's own layout and updates, had they been left pending
    assert painted_rows == [2]  # painted once: nothing asked for a second full paint


def test_rows_arriving_never_narrow_the_table(qtbot: QtBot, panel: TokenTablePanel) -> None:
    """A scroll bar appearing with a login's first page re-laid out every column."""
    QApplication.processEvents()
    width = panel.view.viewport().width()
    names = [token(f"Account {n:03d}", f"id-{n:03d}", 3600) for n in range(300)]
    panel.set_tokens(names)
    qtbot.wait(20)
    assert panel.view.verticalScrollBar().isVisible()
    assert panel.view.viewport().width() == width
    panel.set_tokens([ACME])
    qtbot.wait(20)
    assert panel.view.viewport().width() == width
