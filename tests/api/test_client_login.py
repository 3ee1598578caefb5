"""Shopper login: every account, every page, plain words for every refusal."""

from __future__ import annotations

import base64
import json
import threading
from datetime import UTC, datetime, timedelta

import pytest

from desktop_app.api.client import CommerceClient
from desktop_app.api.errors import NotFound, OperationCancelled, ShopperAuthenticationError
from desktop_app.api.models import LoginProgress
from desktop_app.sandbox import demo_seed, start_sandbox
from desktop_app.sandbox.seed import (
    APRIL_ID,
    DEMO_EMAIL_PROFILE_ID,
    DEMO_SHOPPER_PROFILE_ID,
    RON_ID,
)
from tests.conftest import make_client

RON = ("ron@swanson.com", "pawnee-parks-1")


def claims_of(token: str) -> dict[str, object]:
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def test_ron_sees_his_three_accounts(client: CommerceClient) -> None:
    login = client.login_shopper(DEMO_SHOPPER_PROFILE_ID, *RON)
    assert login.account_member_id == RON_ID
    assert sorted(t.account_name for t in login.tokens) == [
        "Pawnee Parks Department",
        "Swanson Woodworking",
        "Very Good Building Company",
    ]
    now = datetime.now(UTC)
    for token in login.tokens:
        assert token.expires.tzinfo is not None
        assert timedelta(hours=23) < token.expires - now <= timedelta(hours=24, seconds=5)
        assert claims_of(token.token)["scope"] == token.account_id
        assert claims_of(token.token)["sub"] == RON_ID


def test_username_is_sent_in_lower_case(client: CommerceClient) -> None:
    login = client.login_shopper(DEMO_SHOPPER_PROFILE_ID, "  Ron@Swanson.COM ", RON[1])
    assert login.username == "ron@swanson.com"
    assert len(login.tokens) == 3


def test_wrong_password_is_said_in_plain_words(client: CommerceClient) -> None:
    with pytest.raises(ShopperAuthenticationError) as caught:
        client.login_shopper(DEMO_SHOPPER_PROFILE_ID, RON[0], "wrong-password")
    assert str(caught.value) == "Username or password not accepted for this password profile."
    assert caught.value.status == 401
    assert caught.value.detail == "authentication failed"
    assert "wrong-password" not in repr(caught.value)


def test_right_login_in_the_wrong_profile_is_refused(client: CommerceClient) -> None:
    with pytest.raises(ShopperAuthenticationError):
        client.login_shopper(DEMO_EMAIL_PROFILE_ID, *RON)


def test_unknown_profile_is_not_found(client: CommerceClient) -> None:
    with pytest.raises(NotFound, match="password profile does not exist"):
        client.login_shopper("00000000-0000-4000-8000-000000000000", *RON)


def test_shopper_without_accounts_gets_an_empty_result(client: CommerceClient) -> None:
    login = client.login_shopper(DEMO_SHOPPER_PROFILE_ID, "april", "no-accounts-1")
    assert login.has_no_accounts
    assert login.account_member_id == APRIL_ID


def test_login_works_with_only_a_client_id(sandbox: object) -> None:
    client = make_client(sandbox, secret=False)  # type: ignore[arg-type]
    assert len(client.login_shopper(DEMO_SHOPPER_PROFILE_ID, *RON).tokens) == 3


def test_250_accounts_are_read_across_pages_with_progress(client: CommerceClient) -> None:
    seen: list[LoginProgress] = []
    login = client.login_shopper(
        DEMO_EMAIL_PROFILE_ID, "leslie@knope.com", "waffles-250", on_progress=seen.append
    )
    assert len(login.tokens) == 250
    assert len({t.account_id for t in login.tokens}) == 250
    assert seen == [
        LoginProgress(1, 3, 100, 250),
        LoginProgress(2, 3, 200, 250),
        LoginProgress(3, 3, 250, 250),
    ]


def test_ten_thousand_accounts_are_all_read() -> None:
    with start_sandbox(demo_seed(accounts=10_000)) as sandbox:
        client = make_client(sandbox)
        pages: list[LoginProgress] = []
        login = client.login_shopper(DEMO_SHOPPER_PROFILE_ID, *RON, on_progress=pages.append)
        assert len(login.tokens) == 10_000
        assert len({t.account_id for t in login.tokens}) == 10_000
        assert pages[-1] == LoginProgress(100, 100, 10_000, 10_000)
        logins = [p for m, p, s in sandbox.request_log if p.startswith("/v2/account-members")]
        assert len(logins) == 100


def test_cancel_between_pages_stops_reading(client: CommerceClient) -> None:
    cancelled = threading.Event()

    def cancel_after_first_page(progress: LoginProgress) -> None:
        cancelled.set()

    with pytest.raises(OperationCancelled):
        client.login_shopper(
            DEMO_EMAIL_PROFILE_ID,
            "leslie@knope.com",
            "waffles-250",
            on_progress=cancel_after_first_page,
            cancelled=cancelled,
        )


def test_abort_interrupts_a_request_blocked_on_a_slow_store(sandbox: object) -> None:
    running = sandbox
    client = make_client(running)  # type: ignore[arg-type]
    client.connect()
    running.set_latency(5000)  # type: ignore[attr-defined]
    cancelled = threading.Event()
    outcome: list[BaseException] = []

    def login() -> None:
        try:
            client.login_shopper(DEMO_SHOPPER_PROFILE_ID, *RON, cancelled=cancelled)
        except BaseException as error:
            outcome.append(error)

    worker = threading.Thread(target=login)
    worker.start()
    threading.Event().wait(0.3)  # let the request reach the store and block
    cancelled.set()
    client.abort_in_flight()
    worker.join(timeout=3)
    assert not worker.is_alive()
    assert len(outcome) == 1
    assert isinstance(outcome[0], OperationCancelled)
    running.set_latency(0)  # type: ignore[attr-defined]


def test_each_progress_report_carries_its_page(client: CommerceClient) -> None:
    pages: list[LoginProgress] = []
    login = client.login_shopper(
        DEMO_EMAIL_PROFILE_ID, "leslie@knope.com", "waffles-250", on_progress=pages.append
    )
    assert [len(p.page_tokens) for p in pages] == [100, 100, 50]
    assert tuple(t for p in pages for t in p.page_tokens) == login.tokens
