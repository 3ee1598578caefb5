"""The token details dialog: what a token is for, its claims, verify and the copy tools."""

from __future__ import annotations

import base64
import json
import shlex
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QClipboard, QGuiApplication
from PySide6.QtWidgets import QLabel, QLineEdit, QPlainTextEdit, QPushButton
from pytestqt.qtbot import QtBot

from desktop_app.api.account_members import TokenRejected, verify_account_token
from desktop_app.api.client import CommerceClient
from desktop_app.api.errors import NetworkError, OperationCancelled
from desktop_app.api.models import AccountToken, VerifiedMember
from desktop_app.sandbox.seed import DEMO_SHOPPER_PROFILE_ID, RON_ID
from desktop_app.ui.clipboard_guard import ClipboardGuard
from desktop_app.ui.token_details_dialog import TokenDetailsDialog, claims_text
from desktop_app.ui.tones import Tone, tone_of
from desktop_app.worker import JobContext, JobRunner

NOW = datetime(2030, 1, 1, 12, 0, 0, tzinfo=UTC)
BASE_URL = "https://useast.api.elasticpath.com"
MEMBER_ID = "b73aff2e-3681-48c6-992b-116ddfe5f397"


def b64(value: Any) -> str:
    raw = value if isinstance(value, bytes) else json.dumps(value).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def jwt(claims: dict[str, Any], header: dict[str, Any] | None = None) -> str:
    return f"{b64(header or {'alg': 'HS256', 'typ': 'JWT'})}.{b64(claims)}.c2lnbmF0dXJl"


EXP = int((NOW + timedelta(hours=2, minutes=5)).timestamp())
GOOD = AccountToken(
    account_id="acc-1",
    account_name="Swanson Woodworking",
    token=jwt({"sub": MEMBER_ID, "scope": "acc-1", "iat": EXP - 86400, "exp": EXP}),
    expires=NOW + timedelta(hours=2, minutes=5),
)


class FakeClock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clipboard(qtbot: QtBot) -> Iterator[QClipboard]:
    board = QGuiApplication.clipboard()
    board.clear()
    yield board
    board.clear()


@pytest.fixture
def guard(qtbot: QtBot) -> ClipboardGuard:
    return ClipboardGuard(seconds=60)


def make_dialog(
    qtbot: QtBot,
    guard: ClipboardGuard,
    token: AccountToken = GOOD,
    clock: FakeClock | None = None,
    member_id: str | None = MEMBER_ID,
    base_url: str = BASE_URL,
) -> TokenDetailsDialog:
    dialog = TokenDetailsDialog(token, member_id, base_url, guard, clock=clock or FakeClock(NOW))
    qtbot.addWidget(dialog)
    with qtbot.waitExposed(dialog):
        dialog.show()
    return dialog


def child(dialog: TokenDetailsDialog, kind: type[Any], name: str) -> Any:
    found = dialog.findChild(kind, name)
    assert found is not None, name
    return found


def test_it_shows_account_member_expiry_and_time_left(qtbot: QtBot, guard: ClipboardGuard) -> None:
    dialog = make_dialog(qtbot, guard)
    assert dialog.objectName() == "tokenDetailsDialog"
    assert dialog.account_name_label.text() == "Swanson Woodworking"
    assert dialog.account_id_label.text() == "acc-1"
    assert dialog.member_id_label.text() == MEMBER_ID
    assert dialog.expires_label.text().startswith(
        GOOD.expires.astimezone().strftime("%Y-%m-%d %H:%M:%S")
    )
    assert dialog.time_left_label.text() == "2 h 5 min"
    assert dialog.is_ticking()


def test_time_left_ticks_and_stops_at_expiry(qtbot: QtBot, guard: ClipboardGuard) -> None:
    clock = FakeClock(NOW)
    dialog = make_dialog(qtbot, guard, clock=clock)
    clock.now = GOOD.expires - timedelta(seconds=42)
    dialog.refresh_time_left()
    assert dialog.time_left_label.text() == "42 s"
    clock.now = GOOD.expires
    dialog.refresh_time_left()
    assert dialog.time_left_label.text() == "Expired"
    assert tone_of(dialog.time_left_label) is Tone.ERROR
    assert not dialog.is_ticking()


def test_the_member_id_falls_back_to_the_jwt_sub(qtbot: QtBot, guard: ClipboardGuard) -> None:
    dialog = make_dialog(qtbot, guard, member_id=None)
    assert dialog.member_id_label.text() == MEMBER_ID


def test_claims_are_pretty_json_with_readable_utc_times(
    qtbot: QtBot, guard: ClipboardGuard
) -> None:
    dialog = make_dialog(qtbot, guard)
    view = child(dialog, QPlainTextEdit, "tokenClaimsView")
    assert view.isReadOnly()
    text = view.toPlainText()
    assert '"alg": "HS256",' in text
    expiry = datetime.fromtimestamp(EXP, UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    assert f'"exp": {EXP}   ← {expiry}' in text
    assert f'"iat": {EXP - 86400},   ←' in text
    assert "Problems" not in text
    assert GOOD.token not in text


def test_a_malformed_token_lists_its_problems(qtbot: QtBot, guard: ClipboardGuard) -> None:
    broken = AccountToken("acc-9", "Broken", f"{b64({'alg': 'HS256'})}.%%%", NOW)
    dialog = make_dialog(qtbot, guard, token=broken, member_id=None)
    text = dialog.claims_view.toPlainText()
    assert text.startswith("Problems (the token may be damaged):")
    assert "this token has 2" in text
    assert "The claims part is not readable base64url JSON." in text
    assert '"alg": "HS256"' in text  # what can be read is still shown
    assert "Claims\n(unreadable)" in text
    assert dialog.member_id_label.text() == "unknown"


def test_iso_string_times_are_shown_as_they_are() -> None:
    from desktop_app.api.jwt_display import decode_for_display

    text = claims_text(decode_for_display(jwt({"exp": "2030-01-01T00:00:00Z", "sub": "m"})))
    assert '"exp": "2030-01-01T00:00:00Z",' in text
    assert "←" not in text


def test_the_raw_token_is_masked_until_shown(qtbot: QtBot, guard: ClipboardGuard) -> None:
    dialog = make_dialog(qtbot, guard)
    raw = child(dialog, QLineEdit, "tokenRawEdit")
    toggle = child(dialog, QPushButton, "showTokenToggle")
    assert raw.isReadOnly()
    assert raw.echoMode() == QLineEdit.EchoMode.Password
    assert GOOD.token not in raw.displayText()
    qtbot.mouseClick(toggle, Qt.MouseButton.LeftButton)
    assert raw.echoMode() == QLineEdit.EchoMode.Normal
    assert raw.displayText() == GOOD.token
    assert toggle.text() == "Hide token"
    qtbot.mouseClick(toggle, Qt.MouseButton.LeftButton)
    assert raw.echoMode() == QLineEdit.EchoMode.Password


def test_verify_asks_and_shows_the_member(qtbot: QtBot, guard: ClipboardGuard) -> None:
    dialog = make_dialog(qtbot, guard)
    button = child(dialog, QPushButton, "verifyTokenButton")
    label = child(dialog, QLabel, "verifyResultLabel")
    with qtbot.waitSignal(dialog.verify_requested) as asked:
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert asked.args == [GOOD]
    assert not button.isEnabled()
    assert label.text() == "Asking the store…"
    dialog.show_verification(VerifiedMember(MEMBER_ID, "Ron Swanson", "ron@swanson.com"))
    assert button.isEnabled()
    assert label.text() == (
        f"The store accepted this token: it acts as Ron Swanson <ron@swanson.com> "
        f"(member {MEMBER_ID})."
    )
    assert tone_of(label) is Tone.OK


def test_a_member_other_than_the_login_is_flagged(qtbot: QtBot, guard: ClipboardGuard) -> None:
    dialog = make_dialog(qtbot, guard)
    dialog.show_verification(VerifiedMember("someone-else", "April Ludgate", ""))
    assert "not the member who logged in" in dialog.verify_result_label.text()
    assert tone_of(dialog.verify_result_label) is Tone.ERROR


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (
            TokenRejected(status=401, detail="account token has expired"),
            "This account token was not accepted: it has expired, was revoked, or belongs to "
            "another store. The store said: account token has expired (HTTP 401)",
        ),
        (NetworkError(), "Could not reach the store."),
        (OperationCancelled(), "Verification cancelled."),
        (RuntimeError("boom"), "unexpected problem"),
    ],
)
def test_verify_failures_are_in_plain_words(
    qtbot: QtBot, guard: ClipboardGuard, error: BaseException, expected: str
) -> None:
    dialog = make_dialog(qtbot, guard)
    dialog.request_verification()
    dialog.show_verification(error)
    assert expected in dialog.verify_result_label.text()
    assert "boom" not in dialog.verify_result_label.text()
    assert dialog.verify_button.isEnabled()


def test_copy_token_goes_through_the_guard(
    qtbot: QtBot, guard: ClipboardGuard, clipboard: QClipboard
) -> None:
    dialog = make_dialog(qtbot, guard)
    with qtbot.waitSignal(guard.copied) as copied:
        qtbot.mouseClick(child(dialog, QPushButton, "copyTokenButton"), Qt.MouseButton.LeftButton)
    assert clipboard.text() == GOOD.token
    assert copied.args == ["the token for Swanson Woodworking", 60]
    assert guard.pending


def test_copy_as_header(qtbot: QtBot, guard: ClipboardGuard, clipboard: QClipboard) -> None:
    dialog = make_dialog(qtbot, guard)
    with qtbot.waitSignal(guard.copied):
        qtbot.mouseClick(child(dialog, QPushButton, "copyHeaderButton"), Qt.MouseButton.LeftButton)
    assert clipboard.text() == f"EP-Account-Management-Authentication-Token: {GOOD.token}"


def test_copy_as_curl_has_a_placeholder_bearer(
    qtbot: QtBot, guard: ClipboardGuard, clipboard: QClipboard
) -> None:
    dialog = make_dialog(qtbot, guard, base_url=BASE_URL + "/")
    with qtbot.waitSignal(guard.copied) as copied:
        qtbot.mouseClick(child(dialog, QPushButton, "copyCurlButton"), Qt.MouseButton.LeftButton)
    assert copied.args[0] == "a curl command with the token for Swanson Woodworking"
    words = shlex.split(clipboard.text().replace("\\\n", " "))
    assert words == [
        "curl",
        "-sS",
        f"{BASE_URL}/v2/account-members",
        "-H",
        "Authorization: Bearer $EPCC_BEARER_TOKEN",
        "-H",
        f"EP-Account-Management-Authentication-Token: {GOOD.token}",
    ]


def test_verify_story_against_the_sandbox(
    qtbot: QtBot, client: CommerceClient, guard: ClipboardGuard
) -> None:
    """The wiring the window uses: verify_requested → worker job → show_verification."""
    login = client.login_shopper(DEMO_SHOPPER_PROFILE_ID, "ron@swanson.com", "pawnee-parks-1")
    runner = JobRunner()
    try:
        for token, expected in (
            (login.tokens[0], "it acts as Ron Swanson <ron@swanson.com>"),
            (
                AccountToken(
                    login.tokens[0].account_id, "Forged", login.tokens[0].token + "x", NOW
                ),
                "This account token was not accepted",
            ),
        ):
            dialog = TokenDetailsDialog(
                token, login.account_member_id, client.config.base_url, guard
            )
            qtbot.addWidget(dialog)

            def verify(asked: object, dialog: TokenDetailsDialog = dialog) -> None:
                assert isinstance(asked, AccountToken)

                def job(context: JobContext) -> VerifiedMember:
                    return verify_account_token(client, asked, context.cancelled)

                runner.submit(
                    "verify-token",
                    job,
                    on_success=dialog.show_verification,
                    on_failure=dialog.show_verification,
                )

            dialog.verify_requested.connect(verify)
            qtbot.mouseClick(dialog.verify_button, Qt.MouseButton.LeftButton)
            qtbot.waitUntil(dialog.verify_button.isEnabled, timeout=10_000)
            assert expected in dialog.verify_result_label.text()
            assert RON_ID in dialog.member_id_label.text()
    finally:
        assert runner.shutdown()
