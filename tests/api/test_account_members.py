"""Checking an account token with the store: who it acts as, and plain words when refused."""

from __future__ import annotations

import base64
import json
import logging
import shlex
import subprocess
import sys
import threading
import time

import pytest

from desktop_app.api.account_members import (
    ACCOUNT_TOKEN_HEADER,
    TokenRejected,
    curl_command,
    fetch_account,
    header_line,
    verify_account_token,
)
from desktop_app.api.client import CommerceClient
from desktop_app.api.errors import NotFound, OperationCancelled, PermissionDenied
from desktop_app.api.models import AccountToken, ShopperLogin
from desktop_app.sandbox import RunningSandbox, Seed, demo_seed, start_sandbox
from desktop_app.sandbox.seed import DEMO_SHOPPER_PROFILE_ID, RON_ID
from tests.conftest import make_client

RON = ("ron@swanson.com", "pawnee-parks-1")
REJECTED = (
    "This account token was not accepted: it has expired, was revoked, or belongs to another store."
)


def ron_login(client: CommerceClient) -> ShopperLogin:
    return client.login_shopper(DEMO_SHOPPER_PROFILE_ID, *RON)


def tampered(token: str) -> str:
    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["sub"] = "someone-else"
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    return f"{header}.{forged}.{signature}"


def test_a_fresh_token_belongs_to_ron(client: CommerceClient) -> None:
    """The store names the member: the same check epcc-cli makes with data[0]."""
    token = ron_login(client).tokens[0]
    member = verify_account_token(client, token)
    assert member.id == RON_ID
    assert member.name == "Ron Swanson"
    assert member.email == "ron@swanson.com"
    assert member.label == "Ron Swanson <ron@swanson.com>"


def test_a_raw_jwt_string_is_accepted_too(client: CommerceClient) -> None:
    token = ron_login(client).tokens[1].token
    assert verify_account_token(client, f"  {token}\n").id == RON_ID


def test_a_tampered_token_is_rejected_in_plain_words(client: CommerceClient) -> None:
    token = ron_login(client).tokens[0]
    with pytest.raises(TokenRejected) as caught:
        verify_account_token(client, tampered(token.token))
    assert str(caught.value) == REJECTED
    assert caught.value.status == 401
    assert caught.value.detail is not None
    assert "signature" in caught.value.detail


def test_a_token_from_another_store_is_rejected(client: CommerceClient) -> None:
    with start_sandbox() as other:
        foreign_client = make_client(other)
        try:
            foreign = ron_login(foreign_client).tokens[0]
        finally:
            foreign_client.close()
    with pytest.raises(TokenRejected):
        verify_account_token(client, foreign)


def test_an_expired_token_is_rejected(monkeypatch: pytest.MonkeyPatch) -> None:
    seed = Seed.from_dict(demo_seed().to_dict() | {"account_token_timeout_secs": 1})
    with start_sandbox(seed) as sandbox:
        client = make_client(sandbox)
        try:
            token = ron_login(client).tokens[0]
            real_time = time.time
            # The sandbox's clock moves 5 s on: the 1-second token is past its exp.
            monkeypatch.setattr("desktop_app.sandbox.tokens.time.time", lambda: real_time() + 5)
            with pytest.raises(TokenRejected) as caught:
                verify_account_token(client, token)
        finally:
            client.close()
    assert str(caught.value) == REJECTED
    assert "expired" in (caught.value.detail or "")


def test_the_account_token_never_reaches_the_log_or_the_error(
    client: CommerceClient, caplog: pytest.LogCaptureFixture
) -> None:
    token = ron_login(client).tokens[0]
    bad = tampered(token.token)
    with caplog.at_level(logging.DEBUG):
        verify_account_token(client, token)
        with pytest.raises(TokenRejected) as caught:
            verify_account_token(client, bad)
    text = caplog.text + repr(caught.value) + caught.value.explain()
    assert "/v2/account-members -> 200" in caplog.text
    assert "/v2/account-members -> 401" in caplog.text
    for secret in (token.token, bad, token.token.split(".")[2], bad.split(".")[1]):
        assert secret not in text


def test_the_token_is_sent_with_the_implicit_bearer(sandbox: RunningSandbox) -> None:
    """A shopper-side call: no client secret needed, only the implicit grant."""
    with_secret = make_client(sandbox)
    shopper_only = make_client(sandbox, secret=False)
    try:
        token = ron_login(with_secret).tokens[0]
        assert verify_account_token(shopper_only, token).id == RON_ID
    finally:
        with_secret.close()
        shopper_only.close()


def test_cancel_interrupts_a_check_blocked_on_a_slow_store(
    sandbox: RunningSandbox, client: CommerceClient
) -> None:
    token = ron_login(client).tokens[0]
    sandbox.set_latency(5000)
    cancelled = threading.Event()
    outcome: list[BaseException] = []

    def check() -> None:
        try:
            verify_account_token(client, token, cancelled)
        except BaseException as error:
            outcome.append(error)

    worker = threading.Thread(target=check)
    worker.start()
    threading.Event().wait(0.3)  # let the request reach the store and block
    cancelled.set()
    client.abort_in_flight()
    worker.join(timeout=3)
    sandbox.set_latency(0)
    assert not worker.is_alive()
    assert len(outcome) == 1
    assert isinstance(outcome[0], OperationCancelled)


def test_fetch_account_reads_the_tokens_own_account(client: CommerceClient) -> None:
    token = next(t for t in ron_login(client).tokens if t.account_name.startswith("Pawnee"))
    account = fetch_account(client, token)
    assert account.id == token.account_id
    assert account.name == "Pawnee Parks Department"
    assert account.legal_name == "Pawnee Parks Department"


def test_fetch_account_for_another_account_is_403_in_plain_words(client: CommerceClient) -> None:
    first, second, *_ = ron_login(client).tokens
    crossed = AccountToken(second.account_id, second.account_name, first.token, first.expires)
    with pytest.raises(PermissionDenied) as caught:
        fetch_account(client, crossed)
    assert "different account" in str(caught.value)


def test_fetch_account_of_a_removed_account_is_404_in_plain_words(
    client: CommerceClient,
) -> None:
    first = ron_login(client).tokens[0]
    gone = AccountToken("no-such-account", "Gone", first.token, first.expires)
    with pytest.raises(NotFound) as caught:
        fetch_account(client, gone)
    assert str(caught.value) == "That account no longer exists in the store."


def test_header_line_and_curl_hold_the_token_but_no_bearer(client: CommerceClient) -> None:
    token = ron_login(client).tokens[0]
    assert header_line(token) == f"{ACCOUNT_TOKEN_HEADER}: {token.token}"
    command = curl_command("https://api.example.com/", token)
    words = shlex.split(command.replace("\\\n", " "))
    assert words[:3] == ["curl", "-sS", "https://api.example.com/v2/account-members"]
    assert words[3:] == [
        "-H",
        "Authorization: Bearer $EPCC_BEARER_TOKEN",
        "-H",
        f"{ACCOUNT_TOKEN_HEADER}: {token.token}",
    ]
    assert '"Authorization: Bearer $EPCC_BEARER_TOKEN"' in command  # the shell expands it
    assert client.config.client_secret is not None
    assert client.config.client_secret not in command


def test_the_helpers_and_new_widgets_do_not_import_requests() -> None:
    """The window imports these at start-up: they must not slow the first paint."""
    modules = (
        "desktop_app.api.account_members",
        "desktop_app.activity",
        "desktop_app.ui.activity_log",
        "desktop_app.ui.clipboard_guard",
        "desktop_app.ui.token_details_dialog",
        "desktop_app.ui.token_export",
    )
    code = "import sys\n" + "".join(f"import {m}\n" for m in modules)
    code += "print('requests' in sys.modules)\n"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert result.stdout.strip() == "False"
