"""Everything about one account token: who and what it is for, its claims, and copy tools.

The dialog never talks to the network: "Verify" emits :attr:`TokenDetailsDialog.verify_requested`
and the window runs the check on a worker, then hands the outcome to
:meth:`TokenDetailsDialog.show_verification`. Copies go through a :class:`ClipboardGuard`, and
nothing copied ever holds a store bearer or the client secret.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import QTimer, Signal
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop_app.api.account_members import curl_command, header_line
from desktop_app.api.errors import ApiError, OperationCancelled
from desktop_app.api.jwt_display import DecodedJwt, claim_time, decode_for_display
from desktop_app.api.models import AccountToken, VerifiedMember
from desktop_app.ui.clipboard_guard import ClipboardGuard
from desktop_app.ui.form_fields import make_selectable, named
from desktop_app.ui.time_format import EXPIRED_TEXT, format_expiry_local, format_time_left
from desktop_app.ui.tones import Tone, set_tone

__all__ = ["TokenDetailsDialog", "claims_text", "verification_text"]

Clock = Callable[[], datetime]
TICK_INTERVAL_MS = 1000
_TIME_CLAIMS = ("exp", "iat", "nbf", "auth_time")


def _utc_text(when: datetime) -> str:
    return when.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def _is_epoch(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int | float):
        return True
    return isinstance(value, str) and value.strip().replace(".", "", 1).isdigit()


def _annotated_json(document: dict[str, Any]) -> str:
    """Pretty JSON where each top-level epoch time claim gets its UTC reading after it."""
    if not document:
        return "{}"
    members: list[list[str]] = []
    notes: list[str] = []
    for key, value in document.items():
        text = json.dumps({key: value}, indent=2, ensure_ascii=False)
        members.append(text.splitlines()[1:-1])  # the member's lines, without the braces
        when = claim_time(value) if key in _TIME_CLAIMS and _is_epoch(value) else None
        notes.append(f"   ← {_utc_text(when)}" if when is not None else "")
    lines: list[str] = []
    for index, member in enumerate(members):
        if index < len(members) - 1:
            member[-1] += ","
        member[-1] += notes[index]
        lines.extend(member)
    return "{\n" + "\n".join(lines) + "\n}"


def claims_text(decoded: DecodedJwt) -> str:
    """What the claims view shows: problems first, then the header and the claims."""
    parts: list[str] = []
    if decoded.problems:
        parts.append("Problems (the token may be damaged):")
        parts.extend(f"  • {problem}" for problem in decoded.problems)
        parts.append("")
    parts.append("Header")
    parts.append(_annotated_json(decoded.header) if decoded.header is not None else "(unreadable)")
    parts.append("")
    parts.append("Claims")
    parts.append(_annotated_json(decoded.claims) if decoded.claims is not None else "(unreadable)")
    parts.append("")
    parts.append("Decoded for display only: the signature cannot be checked here. Use Verify.")
    return "\n".join(parts)


def verification_text(
    result: VerifiedMember | BaseException, expected_member_id: str | None = None
) -> tuple[str, bool]:
    """The verify label's sentence and whether it is good news."""
    if isinstance(result, VerifiedMember):
        text = f"The store accepted this token: it acts as {result.label} (member {result.id})."
        if expected_member_id and result.id != expected_member_id:
            return (
                text + f" That is not the member who logged in ({expected_member_id}).",
                False,
            )
        return text, True
    if isinstance(result, OperationCancelled):
        return "Verification cancelled.", False
    if isinstance(result, ApiError):
        return result.explain(), False
    return "The token could not be checked because of an unexpected problem.", False


def _default_clock() -> datetime:
    return datetime.now(UTC)


class TokenDetailsDialog(QDialog):
    """Details of one :class:`AccountToken`, for the login's ``member_id`` on ``base_url``."""

    verify_requested = Signal(object)
    """``AccountToken``: run ``verify_account_token`` and call :meth:`show_verification`."""

    def __init__(
        self,
        token: AccountToken,
        member_id: str | None,
        base_url: str,
        guard: ClipboardGuard,
        parent: QWidget | None = None,
        *,
        clock: Clock = _default_clock,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("tokenDetailsDialog")
        self.setWindowTitle(f"Token for {token.account_name or token.account_id}")
        self.token = token
        self.base_url = base_url
        self._guard = guard
        self._clock = clock
        self.decoded = decode_for_display(token.token)
        self.member_id = member_id or self.decoded.account_member_id

        self.account_name_label = self._value("tokenAccountNameLabel", token.account_name or "—")
        self.account_id_label = self._value("tokenAccountIdLabel", token.account_id)
        self.member_id_label = self._value("tokenMemberIdLabel", self.member_id or "unknown")
        self.expires_label = self._value("tokenExpiresLabel", format_expiry_local(token.expires))
        self.expires_label.setToolTip(_utc_text(token.expires))
        self.time_left_label = self._value("tokenTimeLeftLabel", "")

        self.raw_edit = named(QLineEdit(token.token), "tokenRawEdit")
        self.raw_edit.setReadOnly(True)
        self.raw_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.raw_edit.setAccessibleName("Account token")
        self.show_token_toggle = named(QPushButton("Show token"), "showTokenToggle")
        self.show_token_toggle.setCheckable(True)
        self.show_token_toggle.toggled.connect(self._set_token_shown)
        raw_row = QHBoxLayout()
        raw_row.addWidget(self.raw_edit, 1)
        raw_row.addWidget(self.show_token_toggle)

        form = QFormLayout()
        form.addRow("Account name", self.account_name_label)
        form.addRow("Account ID", self.account_id_label)
        form.addRow("Member ID", self.member_id_label)
        form.addRow("Expires", self.expires_label)
        form.addRow("Time left", self.time_left_label)
        form.addRow("Token", raw_row)

        self.claims_view = named(QPlainTextEdit(), "tokenClaimsView")
        self.claims_view.setReadOnly(True)
        self.claims_view.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.claims_view.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.claims_view.setAccessibleName("Token header and claims")
        self.claims_view.setPlainText(claims_text(self.decoded))

        self.verify_button = named(QPushButton("Verify"), "verifyTokenButton")
        self.verify_button.setToolTip("Ask the store who this token acts as")
        self.verify_button.clicked.connect(self.request_verification)
        self.verify_result_label = named(QLabel(), "verifyResultLabel")
        self.verify_result_label.setWordWrap(True)
        make_selectable(self.verify_result_label)
        verify_row = QHBoxLayout()
        verify_row.addWidget(self.verify_button)
        verify_row.addWidget(self.verify_result_label, 1)

        self.copy_token_button = named(QPushButton("Copy token"), "copyTokenButton")
        self.copy_token_button.clicked.connect(self.copy_token)
        self.copy_header_button = named(QPushButton("Copy as HTTP header"), "copyHeaderButton")
        self.copy_header_button.clicked.connect(self.copy_header)
        self.copy_curl_button = named(QPushButton("Copy as curl"), "copyCurlButton")
        self.copy_curl_button.setToolTip(
            "A curl command for GET /v2/account-members; set EPCC_BEARER_TOKEN to a store "
            "bearer first"
        )
        self.copy_curl_button.clicked.connect(self.copy_curl)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        copy_row = QHBoxLayout()
        for button in (self.copy_token_button, self.copy_header_button, self.copy_curl_button):
            copy_row.addWidget(button)
        copy_row.addStretch(1)
        copy_row.addWidget(buttons)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.claims_view, 1)
        layout.addLayout(verify_row)
        layout.addLayout(copy_row)
        self.resize(720, 560)

        self._timer = QTimer(self)
        self._timer.setInterval(TICK_INTERVAL_MS)
        self._timer.timeout.connect(self.refresh_time_left)
        self.refresh_time_left()

    @staticmethod
    def _value(object_name: str, text: str) -> QLabel:
        label = named(QLabel(text), object_name)
        make_selectable(label)
        return label

    # ------------------------------------------------------------------ time left

    def refresh_time_left(self) -> None:
        """Re-read the clock; stops ticking once the token has expired."""
        seconds = self.token.seconds_left(self._clock())
        if seconds <= 0:
            self.time_left_label.setText(EXPIRED_TEXT)
            set_tone(self.time_left_label, Tone.ERROR)
            self._timer.stop()
        else:
            self.time_left_label.setText(format_time_left(seconds))
            if not self._timer.isActive():
                self._timer.start()

    def is_ticking(self) -> bool:
        return self._timer.isActive()

    # --------------------------------------------------------------------- verify

    def request_verification(self) -> None:
        self.verify_button.setEnabled(False)
        set_tone(self.verify_result_label, Tone.PLAIN)
        self.verify_result_label.setText("Asking the store…")
        self.verify_requested.emit(self.token)

    def show_verification(self, result: VerifiedMember | BaseException) -> None:
        """The outcome of :attr:`verify_requested`: the member, or why it failed."""
        text, good = verification_text(result, self.member_id)
        set_tone(self.verify_result_label, Tone.OK if good else Tone.ERROR)
        self.verify_result_label.setText(text)
        self.verify_button.setEnabled(True)

    # ---------------------------------------------------------------------- copy

    def copy_token(self) -> None:
        self._guard.copy(self.token.token, self._describe("the token"))

    def copy_header(self) -> None:
        self._guard.copy(header_line(self.token), self._describe("the token header"))

    def copy_curl(self) -> None:
        self._guard.copy(
            curl_command(self.base_url, self.token), self._describe("a curl command with the token")
        )

    def _describe(self, what: str) -> str:
        name = self.token.account_name or self.token.account_id
        return f"{what} for {name}"

    def _set_token_shown(self, shown: bool) -> None:
        self.raw_edit.setEchoMode(
            QLineEdit.EchoMode.Normal if shown else QLineEdit.EchoMode.Password
        )
        self.show_token_toggle.setText("Hide token" if shown else "Show token")

    def done(self, result: int) -> None:
        self._timer.stop()
        super().done(result)
