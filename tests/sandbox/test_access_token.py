"""POST /oauth/access_token and the bearer check every /v2 call makes (commerce-api.md §1)."""

from __future__ import annotations

import time

import pytest

from desktop_app.sandbox import RunningSandbox
from tests.sandbox.client import SandboxClient, error_of

SETTINGS = "/v2/settings/account-authentication"


@pytest.mark.parametrize("grant", ["client_credentials", "implicit"])
def test_token_reply_is_flat_and_complete(api: SandboxClient, grant: str) -> None:
    form = {"grant_type": grant, "client_id": "demo-client-id"}
    if grant == "client_credentials":
        form["client_secret"] = "demo-client-secret"
    before = int(time.time())
    reply = api.session.post(f"{api.url}/oauth/access_token", data=form, timeout=10)
    assert reply.status_code == 200
    body = reply.json()
    assert set(body) == {"access_token", "token_type", "identifier", "expires_in", "expires"}
    assert body["token_type"] == "Bearer"
    assert body["identifier"] == grant
    assert body["expires_in"] == 3600
    assert isinstance(body["expires"], int)
    assert before + 3600 <= body["expires"] <= int(time.time()) + 3600
    assert reply.headers["X-Request-ID"]


@pytest.mark.parametrize(
    "form",
    [
        {"grant_type": "client_credentials", "client_id": "demo-client-id", "client_secret": "x"},
        {
            "grant_type": "client_credentials",
            "client_id": "nope",
            "client_secret": "demo-client-secret",
        },
        {"grant_type": "implicit", "client_id": "nope"},
    ],
)
def test_bad_client_credentials_are_401(api: SandboxClient, form: dict[str, str]) -> None:
    reply = api.session.post(f"{api.url}/oauth/access_token", data=form, timeout=10)
    error_of(reply, 401)


@pytest.mark.parametrize(
    ("form", "word"),
    [
        ({}, "grant_type"),
        ({"grant_type": "implicit"}, "client_id"),
        ({"grant_type": "client_credentials", "client_id": "demo-client-id"}, "client_secret"),
        ({"grant_type": "password", "client_id": "demo-client-id"}, "password"),
    ],
)
def test_missing_fields_and_unknown_grant_are_400(
    api: SandboxClient, form: dict[str, str], word: str
) -> None:
    reply = api.session.post(f"{api.url}/oauth/access_token", data=form, timeout=10)
    assert word in error_of(reply, 400)["detail"]


def test_json_token_request_is_415(api: SandboxClient) -> None:
    reply = api.session.post(
        f"{api.url}/oauth/access_token",
        json={"grant_type": "implicit", "client_id": "demo-client-id"},
        timeout=10,
    )
    error_of(reply, 415)


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer"}, {"Authorization": "Basic abc"}],
    ids=["none", "empty", "basic"],
)
def test_missing_bearer_is_401(api: SandboxClient, headers: dict[str, str]) -> None:
    reply = api.session.get(api.url + SETTINGS, headers=headers, timeout=10)
    assert "Authorization" in error_of(reply, 401)["detail"]


def test_unknown_bearer_is_401(api: SandboxClient) -> None:
    error_of(api.get(SETTINGS, "not-a-token"), 401)


def test_expire_access_tokens_makes_old_tokens_401_and_new_ones_work(
    own_sandbox: RunningSandbox, own_api: SandboxClient
) -> None:
    old = own_api.token("implicit")
    assert own_api.get(SETTINGS, old).status_code == 200
    own_sandbox.expire_access_tokens()
    assert "expired" in error_of(own_api.get(SETTINGS, old), 401)["detail"]
    assert own_api.get(SETTINGS, own_api.token("implicit")).status_code == 200


def test_access_token_lifetime_is_settable(
    own_sandbox: RunningSandbox, own_api: SandboxClient
) -> None:
    assert own_sandbox.access_token_lifetime_seconds == 3600
    own_sandbox.access_token_lifetime_seconds = 120
    reply = own_api.session.post(
        f"{own_api.url}/oauth/access_token",
        data={"grant_type": "implicit", "client_id": "demo-client-id"},
        timeout=10,
    )
    assert reply.json()["expires_in"] == 120
    with pytest.raises(ValueError, match="at least 1"):
        own_sandbox.access_token_lifetime_seconds = 0
