"""Exporting a shopper's accounts to CSV, tokens only when the user explicitly asks.

The file is UTF-8 with a header row. Cells that a spreadsheet would run as a formula
(starting with ``= + - @``, a tab or a carriage return) get a leading ``'``: account names come
from the store and may be written by anyone.
"""

from __future__ import annotations

import contextlib
import csv
import os
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop_app.api.models import AccountToken
from desktop_app.ui.form_fields import FieldError, named
from desktop_app.ui.time_format import format_expiry_utc_iso
from desktop_app.ui.tones import Tone, set_tone

__all__ = [
    "COLUMNS",
    "TOKEN_COLUMN",
    "ExportDialog",
    "safe_cell",
    "write_tokens_csv",
]

COLUMNS = ("account_name", "account_id", "expires_utc")
TOKEN_COLUMN = "token"
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

TOKENS_WARNING = (
    "The file will hold live tokens: anyone who gets it can act as this shopper in these "
    "accounts until the tokens expire. Delete it when you are done."
)


def safe_cell(value: str) -> str:
    """``value`` as a spreadsheet will show it, never run it: formula starts get a ``'``."""
    return "'" + value if value.startswith(_FORMULA_STARTS) else value


def _rows(tokens: Iterable[AccountToken], include_tokens: bool) -> Iterable[list[str]]:
    for token in tokens:
        row = [token.account_name, token.account_id, format_expiry_utc_iso(token.expires)]
        if include_tokens:
            row.append(token.token)
        yield [safe_cell(cell) for cell in row]


def write_tokens_csv(path: Path | str, tokens: Iterable[AccountToken], include_tokens: bool) -> int:
    """Write the CSV atomically (a half-written file never replaces a good one); returns rows.

    Raises ``OSError`` when the file cannot be written.
    """
    target = Path(path)
    header = [*COLUMNS, TOKEN_COLUMN] if include_tokens else list(COLUMNS)
    count = 0
    handle, temporary = tempfile.mkstemp(
        prefix=f".{target.name}.", suffix=".tmp", dir=target.parent
    )
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as file:
            writer = csv.writer(file)
            writer.writerow(header)
            for row in _rows(tokens, include_tokens):
                writer.writerow(row)
                count += 1
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    return count


class ExportDialog(QDialog):
    """Choose a file and whether tokens go in it (unchecked by default), then write it.

    ``native_file_dialog=False`` makes Browse use Qt's own file dialog, which tests can drive.
    """

    exported = Signal(object, int, bool)
    """``(Path, rows written, tokens included)`` after a successful write."""

    def __init__(
        self,
        tokens: Sequence[AccountToken],
        default_path: Path | str,
        parent: QWidget | None = None,
        *,
        native_file_dialog: bool = True,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("exportDialog")
        self.setWindowTitle("Export accounts to CSV")
        self._tokens = tuple(tokens)
        self._native = native_file_dialog
        self.file_dialog: QFileDialog | None = None

        noun = "account" if len(self._tokens) == 1 else "accounts"
        summary = QLabel(
            f"{len(self._tokens)} {noun}: name, ID and expiry (UTC) of each, one per line."
        )
        summary.setWordWrap(True)

        self.path_edit = named(QLineEdit(str(default_path)), "exportPathEdit")
        self.path_edit.setAccessibleName("File to write")
        self.browse_button = named(QPushButton("Browse…"), "exportBrowseButton")
        self.browse_button.clicked.connect(self.browse)
        path_row = QHBoxLayout()
        path_row.addWidget(self.path_edit, 1)
        path_row.addWidget(self.browse_button)

        self.include_tokens_check = named(
            QCheckBox("Include tokens (secret: lets anyone act as the shopper)"),
            "includeTokensCheck",
        )
        self.include_tokens_check.setChecked(False)
        self.tokens_warning = named(QLabel(TOKENS_WARNING), "includeTokensWarning")
        self.tokens_warning.setWordWrap(True)
        set_tone(self.tokens_warning, Tone.ERROR)
        self.tokens_warning.setVisible(False)
        self.include_tokens_check.toggled.connect(self.tokens_warning.setVisible)

        self.error = FieldError("exportErrorLabel")

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.save_button = named(
            self.buttons.button(QDialogButtonBox.StandardButton.Save), "exportButton"
        )
        self.save_button.setText("Export")
        self.buttons.accepted.connect(self.export)
        self.buttons.rejected.connect(self.reject)
        self.path_edit.textChanged.connect(self._update_enabled)

        layout = QVBoxLayout(self)
        layout.addWidget(summary)
        layout.addLayout(path_row)
        layout.addWidget(self.include_tokens_check)
        layout.addWidget(self.tokens_warning)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self._update_enabled()

    def include_tokens(self) -> bool:
        return self.include_tokens_check.isChecked()

    def path(self) -> Path:
        return Path(self.path_edit.text().strip()).expanduser()

    def browse(self) -> None:
        """Open a save-file dialog (window-modal, no nested event loop)."""
        dialog = QFileDialog(self, "Export accounts to CSV", str(self.path()))
        dialog.setObjectName("exportFileDialog")
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setFileMode(QFileDialog.FileMode.AnyFile)
        dialog.setNameFilters(["CSV files (*.csv)", "All files (*)"])
        dialog.setDefaultSuffix("csv")
        dialog.selectFile(str(self.path()))
        if not self._native:
            dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
        dialog.fileSelected.connect(self.path_edit.setText)
        dialog.finished.connect(dialog.deleteLater)
        self.file_dialog = dialog
        dialog.open()

    def export(self) -> None:
        """Write the file; on failure say why next to the buttons and stay open."""
        path = self.path()
        if not self.path_edit.text().strip():
            self.error.show_message("Choose a file to write.")
            return
        if path.is_dir():
            self.error.show_message(f"{path} is a folder: choose a file name.")
            return
        try:
            rows = write_tokens_csv(path, self._tokens, self.include_tokens())
        except OSError as exc:
            reason = exc.strerror or type(exc).__name__
            self.error.show_message(f"Could not write {path}: {reason}.")
            return
        self.error.clear_message()
        self.exported.emit(path, rows, self.include_tokens())
        self.accept()

    def _update_enabled(self) -> None:
        self.save_button.setEnabled(bool(self.path_edit.text().strip()))
