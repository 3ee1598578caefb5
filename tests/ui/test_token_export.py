"""Exporting accounts to CSV: safe in a spreadsheet, tokens only when asked for."""

from __future__ import annotations

import csv
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QFileDialog
from pytestqt.qtbot import QtBot

from desktop_app.api.models import AccountToken
from desktop_app.ui.token_export import ExportDialog, safe_cell, write_tokens_csv

EXPIRES = datetime(2030, 1, 2, 3, 4, 5, tzinfo=UTC)
TOKENS = (
    AccountToken(
        "acc-1", "Pawnee Parks Department", "eyJhbGciOi.eyJzdWIiOi.c2lnbmF0dXJl1", EXPIRES
    ),
    AccountToken(
        "acc-2", '=HYPERLINK("http://evil")', "eyJhbGciOi.eyJzdWIiOi.c2lnbmF0dXJl2", EXPIRES
    ),
    AccountToken("acc-3", "Café Ñandú 東京", "eyJhbGciOi.eyJzdWIiOi.c2lnbmF0dXJl3", EXPIRES),
)


def read_rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as file:
        return list(csv.reader(file))


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+SUM(A1)", "'+SUM(A1)"),
        ("-2", "'-2"),
        ("@cmd", "'@cmd"),
        ("\tTab", "'\tTab"),
        ("\rCR", "'\rCR"),
        ("Plain name", "Plain name"),
        ("a=b", "a=b"),
        ("", ""),
    ],
)
def test_formula_starts_are_quoted(value: str, expected: str) -> None:
    assert safe_cell(value) == expected


def test_without_tokens_there_is_no_token_column(tmp_path: Path) -> None:
    path = tmp_path / "accounts.csv"
    assert write_tokens_csv(path, TOKENS, include_tokens=False) == 3
    rows = read_rows(path)
    assert rows[0] == ["account_name", "account_id", "expires_utc"]
    assert rows[1] == ["Pawnee Parks Department", "acc-1", "2030-01-02T03:04:05Z"]
    assert rows[2][0] == '\'=HYPERLINK("http://evil")'
    assert rows[3][0] == "Café Ñandú 東京"
    assert "eyJ" not in path.read_text(encoding="utf-8")


def test_with_tokens_the_token_is_the_last_column(tmp_path: Path) -> None:
    path = tmp_path / "accounts.csv"
    write_tokens_csv(path, TOKENS, include_tokens=True)
    rows = read_rows(path)
    assert rows[0] == ["account_name", "account_id", "expires_utc", "token"]
    assert [row[3] for row in rows[1:]] == [t.token for t in TOKENS]


def test_the_file_is_utf8_without_a_bom(tmp_path: Path) -> None:
    path = tmp_path / "accounts.csv"
    write_tokens_csv(path, TOKENS, include_tokens=False)
    raw = path.read_bytes()
    assert raw.startswith(b"account_name,")
    assert "Café Ñandú 東京".encode() in raw


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path: Path) -> None:
    path = tmp_path / "accounts.csv"
    path.write_text("old contents", encoding="utf-8")

    def exploding() -> object:
        yield TOKENS[0]
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        write_tokens_csv(path, exploding(), include_tokens=False)  # type: ignore[arg-type]
    assert path.read_text(encoding="utf-8") == "old contents"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["accounts.csv"]


def make_dialog(qtbot: QtBot, path: Path) -> ExportDialog:
    dialog = ExportDialog(TOKENS, path, native_file_dialog=False)
    qtbot.addWidget(dialog)
    with qtbot.waitExposed(dialog):
        dialog.show()
    return dialog


def test_tokens_are_left_out_unless_the_box_is_ticked(qtbot: QtBot, tmp_path: Path) -> None:
    path = tmp_path / "ron.csv"
    dialog = make_dialog(qtbot, path)
    assert dialog.findChild(type(dialog.include_tokens_check), "includeTokensCheck") is not None
    assert not dialog.include_tokens_check.isChecked()
    assert not dialog.tokens_warning.isVisible()
    with qtbot.waitSignal(dialog.exported) as exported:
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert exported.args == [path, 3, False]
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert "token" not in read_rows(path)[0]


def test_ticking_the_box_warns_and_writes_the_tokens(qtbot: QtBot, tmp_path: Path) -> None:
    path = tmp_path / "ron.csv"
    dialog = make_dialog(qtbot, path)
    qtbot.mouseClick(dialog.include_tokens_check, Qt.MouseButton.LeftButton)
    assert dialog.tokens_warning.isVisible()
    assert "act as this shopper" in dialog.tokens_warning.text()
    with qtbot.waitSignal(dialog.exported) as exported:
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert exported.args[2] is True
    assert read_rows(path)[0][-1] == "token"


def test_browse_picks_the_file_with_qts_own_dialog(qtbot: QtBot, tmp_path: Path) -> None:
    dialog = make_dialog(qtbot, tmp_path / "first.csv")
    qtbot.mouseClick(dialog.browse_button, Qt.MouseButton.LeftButton)
    chooser = dialog.file_dialog
    assert isinstance(chooser, QFileDialog)
    assert chooser.testOption(QFileDialog.Option.DontUseNativeDialog)
    assert chooser.acceptMode() == QFileDialog.AcceptMode.AcceptSave
    chosen = tmp_path / "chosen.csv"
    chooser.selectFile(str(chosen))
    chooser.accept()
    assert dialog.path() == chosen
    with qtbot.waitSignal(dialog.exported):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert chosen.exists()


def test_an_unwritable_place_is_explained_and_the_dialog_stays(
    qtbot: QtBot, tmp_path: Path
) -> None:
    dialog = make_dialog(qtbot, tmp_path / "missing-folder" / "ron.csv")
    with qtbot.assertNotEmitted(dialog.exported):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible()
    assert dialog.error.isVisible()
    assert dialog.error.text().startswith("Could not write")

    dialog.path_edit.setText(str(tmp_path))
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert "is a folder" in dialog.error.text()

    dialog.path_edit.clear()
    assert not dialog.save_button.isEnabled()
