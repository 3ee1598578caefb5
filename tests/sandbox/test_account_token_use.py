"""Using an account-management token: GET /v2/account-members and /v2/accounts/{id} (§2)."""

from __future__ import annotations

import base64
import json

import pytest

from desktop_app.sandbox import Seed, demo_seed, start_sandbox
from desktop_app.sandbox.seed import RON_ID
from tests.sandbox.client import SandboxClient, error_of

HEADER = "EP-Account-Management-Authentication-Token"


@pytest.fixture
def ron_tokens(api: SandboxClient) -> list[dict[str, str]]:
    tokens: list[dict[str, str]] = api.login("ron@swanson.com", "pawnee-parks-1").json()["data"]
    return tokens


def test_account_members_names_the_logged_in_shopper(
    api: SandboxClient, ron_tokens: list[dict[str, str]]
) -> None:
    reply = api.get("/v2/account-members", api.token("implicit"), {HEADER: ron_tokens[0]["token"]})
    assert reply.status_code == 200
    assert reply.json()["data"] == [
        {"id": RON_ID, "type": "account_member", "name": "Ron Swanson", "email": "ron@swanson.com"}
    ]


def test_get_the_tokens_account(api: SandboxClient, ron_tokens: list[dict[str, str]]) -> None:
    item = ron_tokens[1]
    reply = api.get(
        f"/v2/accounts/{item['account_id']}", api.token("implicit"), {HEADER: item["token"]}
    )
    assert reply.status_code == 200
    data = reply.json()["data"]
    assert data["id"] == item["account_id"]
    assert data["type"] == "account"
    assert data["name"] == data["legal_name"] == "Pawnee Parks Department"


def test_another_account_is_403_and_unknown_is_404(
    api: SandboxClient, ron_tokens: list[dict[str, str]]
) -> None:
    token = api.token("implicit")
    header = {HEADER: ron_tokens[0]["token"]}
    error_of(api.get(f"/v2/accounts/{ron_tokens[1]['account_id']}", token, header), 403)
    error_of(api.get("/v2/accounts/no-such-account", token, header), 404)


def _tamper(token: str) -> str:
    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["scope"] = "someone-elses-account"
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    return f"{header}.{forged}.{signature}"


@pytest.mark.parametrize(
    ("mangle", "word"),
    [
        (_tamper, "signature"),
        (lambda t: t + "x", "signature"),
        (lambda t: "garbage", "JWT"),
        (lambda t: "a.b.c", "malformed"),
    ],
    ids=["tampered", "bad-signature", "not-jwt", "bad-base64"],
)
def test_bad_account_token_is_401_saying_why(
    api: SandboxClient, ron_tokens: list[dict[str, str]], mangle: object, word: str
) -> None:
    assert callable(mangle)
    header = {HEADER: mangle(ron_tokens[0]["token"])}
    reply = api.get("/v2/account-members", api.token("implicit"), header)
    assert word in error_of(reply, 401)["detail"]


def test_token_from_another_sandbox_is_rejected(api: SandboxClient) -> None:
    with start_sandbox() as other:
        foreign = SandboxClient(other).login("ron@swanson.com", "pawnee-parks-1").json()["data"][0]
    reply = api.get("/v2/account-members", api.token("implicit"), {HEADER: foreign["token"]})
    assert "signature" in error_of(reply, 401)["detail"]


def test_expired_account_token_is_401(monkeypatch: pytest.MonkeyPatch) -> None:
    seed = Seed.from_dict(demo_seed().to_dict() | {"account_token_timeout_secs": 1})
    with start_sandbox(seed) as sandbox:
        api = SandboxClient(sandbox)
        token = api.login("ron@swanson.com", "pawnee-parks-1").json()["data"][0]["token"]
        real_time = __import__("time").time
        monkeypatch.setattr("desktop_app.sandbox.tokens.time.time", lambda: real_time() + 5)
        reply = api.get("/v2/account-members", api.token("implicit"), {HEADER: token})
    assert "expired" in error_of(reply, 401)["detail"]


def test_implicit_call_without_account_token_is_401(api: SandboxClient) -> None:
    reply = api.get("/v2/account-members", api.token("implicit"))
    assert HEADER in error_of(reply, 401)["detail"]


def test_admin_lists_members_and_reads_any_account(
    api: SandboxClient, ron_tokens: list[dict[str, str]]
) -> None:
    token = api.token()
    members = api.get("/v2/account-members", token).json()
    assert members["meta"]["results"]["total"] == 4
    reply = api.get(f"/v2/accounts/{ron_tokens[2]['account_id']}", token)
    assert reply.json()["data"]["name"] == "Very Good Building Company"
