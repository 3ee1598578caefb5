"""POST /v2/account-members/tokens: the shopper login (commerce-api.md §2)."""

from __future__ import annotations

import re
import time
from datetime import datetime
from urllib.parse import parse_qs, urlsplit

import pytest

from desktop_app.sandbox import demo_seed, start_sandbox
from desktop_app.sandbox.seed import (
    APRIL_ID,
    DEMO_EMAIL_PROFILE_ID,
    DEMO_REALM_ID,
    DEMO_STORE_ID,
    LESLIE_ID,
    RON_ID,
)
from tests.sandbox.client import SandboxClient, error_of
from tests.sandbox.jwt import claims, decode_part

RFC3339_MS = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$")
RON_ACCOUNTS = ["Swanson Woodworking", "Pawnee Parks Department", "Very Good Building Company"]


def _page_query(link: str) -> tuple[int, int]:
    query = parse_qs(urlsplit(link).query)
    return int(query["page[limit]"][0]), int(query["page[offset]"][0])


@pytest.mark.parametrize("grant", ["implicit", "client_credentials"])
def test_ron_logs_in_to_three_accounts(api: SandboxClient, grant: str) -> None:
    reply = api.login("ron@swanson.com", "pawnee-parks-1", token=api.token(grant))
    assert reply.status_code == 201, reply.text
    body = reply.json()
    assert [item["account_name"] for item in body["data"]] == RON_ACCOUNTS
    for item in body["data"]:
        assert set(item) == {"type", "account_id", "account_name", "token", "expires"}
        assert item["type"] == "account_management_authentication_token"
        assert RFC3339_MS.match(item["expires"])
    assert body["meta"] == {
        "page": {"limit": 25, "offset": 0, "current": 1, "total": 1},
        "results": {"total": 3},
        "account_member_id": RON_ID,
    }
    links = body["links"]
    assert links["next"] is None
    assert links["prev"] is None
    assert links["current"] == links["first"] == links["last"]
    assert links["first"] == f"{api.url}/v2/account-members/tokens?page[limit]=25&page[offset]=0"


def test_jwt_claims(api: SandboxClient) -> None:
    before = int(time.time())
    item = api.login("ron@swanson.com", "pawnee-parks-1").json()["data"][0]
    assert decode_part(item["token"], 0) == {"alg": "HS256", "typ": "JWT"}
    payload = claims(item["token"])
    assert payload["sub"] == RON_ID
    assert payload["scope"] == item["account_id"]
    assert payload["realm_id"] == DEMO_REALM_ID
    assert payload["store_id"] == DEMO_STORE_ID
    assert isinstance(payload["iat"], int)
    assert isinstance(payload["exp"], int)
    assert before <= payload["iat"] <= int(time.time())
    assert payload["exp"] - payload["iat"] == 86400
    expires = datetime.fromisoformat(item["expires"].replace("Z", "+00:00"))
    assert int(expires.timestamp()) == payload["exp"]


def test_username_is_case_insensitive(api: SandboxClient) -> None:
    assert api.login("RON@Swanson.COM", "pawnee-parks-1").status_code == 201


def test_member_without_accounts_gets_empty_list(api: SandboxClient) -> None:
    body = api.login("april", "no-accounts-1").json()
    assert body["data"] == []
    assert body["meta"]["account_member_id"] == APRIL_ID
    assert body["meta"]["results"] == {"total": 0}
    assert body["meta"]["page"]["total"] == 1


@pytest.mark.parametrize(
    ("username", "password"),
    [
        ("ron@swanson.com", "wrong-password"),
        ("nobody", "pawnee-parks-1"),
        ("ron@swanson.com", "PAWNEE-PARKS-1"),
    ],
)
def test_wrong_username_or_password_is_401(
    api: SandboxClient, username: str, password: str
) -> None:
    error = error_of(api.login(username, password), 401)
    assert error == {"status": "401", "title": "Unauthorized", "detail": "authentication failed"}


def test_login_in_the_wrong_profile_fails(api: SandboxClient) -> None:
    error_of(api.login("ron@swanson.com", "pawnee-parks-1", DEMO_EMAIL_PROFILE_ID), 401)


def test_unknown_password_profile_is_404(api: SandboxClient) -> None:
    error_of(api.login("ron@swanson.com", "pawnee-parks-1", "no-such-profile"), 404)


@pytest.mark.parametrize(
    ("change", "word"),
    [
        ({"type": "account-management-authentication-token"}, "type"),
        ({"authentication_mechanism": "oidc"}, "authentication_mechanism"),
        ({"username": None}, "username"),
        ({"password": None}, "password"),
        ({"password_profile_id": None}, "password_profile_id"),
        ({"password": 12345678}, "password"),
    ],
)
def test_malformed_login_is_400(api: SandboxClient, change: dict[str, object], word: str) -> None:
    data: dict[str, object] = {
        "type": "account_management_authentication_token",
        "authentication_mechanism": "password",
        "password_profile_id": DEMO_EMAIL_PROFILE_ID,
        "username": "leslie@knope.com",
        "password": "waffles-250",
    }
    data.update(change)
    body = {"data": {k: v for k, v in data.items() if v is not None}}
    reply = api.post("/v2/account-members/tokens", api.token("implicit"), body)
    assert word in error_of(reply, 400)["detail"]


def test_login_needs_a_bearer(api: SandboxClient) -> None:
    reply = api.post("/v2/account-members/tokens", None, {"data": {}})
    error_of(reply, 401)


def test_leslie_250_accounts_across_pages(api: SandboxClient) -> None:
    token = api.token("implicit")
    first = api.login("leslie@knope.com", "waffles-250", DEMO_EMAIL_PROFILE_ID, token).json()
    assert len(first["data"]) == 25
    assert first["meta"]["page"] == {"limit": 25, "offset": 0, "current": 1, "total": 10}
    assert first["meta"]["results"] == {"total": 250}
    assert first["meta"]["account_member_id"] == LESLIE_ID
    assert _page_query(first["links"]["next"]) == (25, 25)
    assert _page_query(first["links"]["last"]) == (25, 225)
    names: list[str] = []
    query = "?page[limit]=100&page[offset]=0"
    pages = 0
    while query:
        reply = api.login("leslie@knope.com", "waffles-250", DEMO_EMAIL_PROFILE_ID, token, query)
        body = reply.json()
        pages += 1
        assert body["meta"]["page"]["current"] == pages
        names += [item["account_name"] for item in body["data"]]
        next_link = body["links"]["next"]
        query = f"?{urlsplit(next_link).query}" if next_link else ""
        if pages > 1:
            assert body["links"]["prev"] is not None
    assert pages == 3
    assert names == [f"Knope Campaign {n:03d}" for n in range(1, 251)]


@pytest.mark.parametrize(
    "query",
    [
        "?page[limit]=0",
        "?page[limit]=101",
        "?page[offset]=-1",
        "?page[offset]=10001",
        "?page[limit]=x",
    ],
)
def test_bad_page_parameters_are_400(api: SandboxClient, query: str) -> None:
    reply = api.login("ron@swanson.com", "pawnee-parks-1", query=query)
    assert "page[" in error_of(reply, 400)["detail"]


def test_ten_thousand_accounts_read_in_100_pages() -> None:
    with start_sandbox(demo_seed(accounts=10_000)) as sandbox:
        api = SandboxClient(sandbox)
        token = api.token("implicit")
        ids: list[str] = []
        for offset in range(0, 10_000, 100):
            query = f"?page[limit]=100&page[offset]={offset}"
            body = api.login("ron@swanson.com", "pawnee-parks-1", token=token, query=query).json()
            assert body["meta"]["page"]["total"] == 100
            assert body["meta"]["results"]["total"] == 10_000
            ids += [item["account_id"] for item in body["data"]]
        assert body["links"]["next"] is None
        assert len(set(ids)) == 10_000
