"""Connecting: credentials, realm discovery, profiles, token caching and refresh."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from desktop_app.api.client import CommerceClient
from desktop_app.api.connection import ConnectionConfig
from desktop_app.api.errors import ClientAuthenticationError, ConfigurationError, NotFound
from desktop_app.sandbox import RunningSandbox
from desktop_app.sandbox.seed import (
    DEMO_EMAIL_PROFILE_ID,
    DEMO_REALM_ID,
    DEMO_SHOPPER_PROFILE_ID,
)
from tests.conftest import FAST_RETRY, make_client


def token_requests(sandbox: RunningSandbox) -> int:
    return sum(1 for method, path, _ in sandbox.request_log if path == "/oauth/access_token")


def test_connect_finds_the_realm_and_both_password_profiles(client: CommerceClient) -> None:
    store = client.connect()
    assert store.realm.id == DEMO_REALM_ID
    assert store.realm.token_timeout_seconds == 86400
    assert store.grant_type == "client_credentials"
    profiles = {p.id: p for p in store.password_profiles}
    assert set(profiles) == {DEMO_SHOPPER_PROFILE_ID, DEMO_EMAIL_PROFILE_ID}
    assert profiles[DEMO_EMAIL_PROFILE_ID].requires_email
    assert not profiles[DEMO_SHOPPER_PROFILE_ID].requires_email


def test_connection_without_secret_uses_the_implicit_grant(sandbox: RunningSandbox) -> None:
    client = make_client(sandbox, secret=False)
    store = client.connect()
    assert store.grant_type == "implicit"
    assert len(store.password_profiles) == 2


def test_wrong_secret_is_a_client_credentials_problem(sandbox: RunningSandbox) -> None:
    config = ConnectionConfig("S", sandbox.url, sandbox.seed.client_id, "not-the-secret")
    client = CommerceClient(config, retry=FAST_RETRY)
    with pytest.raises(ClientAuthenticationError, match="client ID or client secret") as caught:
        client.connect()
    assert caught.value.status == 401
    assert "not-the-secret" not in caught.value.explain()


def test_wrong_client_id_on_implicit(sandbox: RunningSandbox) -> None:
    client = CommerceClient(ConnectionConfig("S", sandbox.url, "nobody"), retry=FAST_RETRY)
    with pytest.raises(ClientAuthenticationError, match="this connection's client ID"):
        client.connect()


def test_bearer_token_is_cached_across_calls(sandbox: RunningSandbox) -> None:
    client = make_client(sandbox)
    client.connect()
    realm = client.find_realm()
    client.list_password_profiles(realm.id)
    # connect() signs in afresh once on purpose (it is the credential check); no more after.
    assert token_requests(sandbox) == 1


def test_token_is_refreshed_a_minute_before_it_expires(sandbox: RunningSandbox) -> None:
    now = [datetime.now(UTC)]
    client = make_client(sandbox, clock=lambda: now[0])
    client.find_realm()
    now[0] += timedelta(seconds=3600 - 61)
    client.find_realm()
    assert token_requests(sandbox) == 1
    now[0] += timedelta(seconds=2)  # inside the 60 s margin now
    client.find_realm()
    assert token_requests(sandbox) == 2


def test_a_401_from_an_expired_bearer_signs_in_again_and_retries_once(
    sandbox: RunningSandbox, client: CommerceClient
) -> None:
    client.find_realm()
    sandbox.expire_access_tokens()
    sandbox.reset_request_log()
    assert client.find_realm().id == DEMO_REALM_ID
    assert [(m, p, s) for m, p, s in sandbox.request_log] == [
        ("GET", "/v2/settings/account-authentication", 401),
        ("POST", "/oauth/access_token", 200),
        ("GET", "/v2/settings/account-authentication", 200),
    ]


def test_unknown_realm_is_not_found(client: CommerceClient) -> None:
    with pytest.raises(NotFound, match="authentication realm was not found"):
        client.list_password_profiles("00000000-0000-0000-0000-000000000000")


def test_admin_grant_without_secret_is_explained_before_sending(sandbox: RunningSandbox) -> None:
    client = make_client(sandbox, secret=False)
    with pytest.raises(ConfigurationError, match="client secret"):
        client._tokens.bearer("client_credentials")
    assert token_requests(sandbox) == 0


def test_every_request_identifies_the_app(sandbox: RunningSandbox) -> None:
    from tests.scripted_server import Scripted, scripted_server

    with scripted_server() as server:
        server.script(
            "/oauth/access_token",
            Scripted(200, b'{"access_token":"abc","expires_in":3600,"identifier":"implicit"}'),
        )
        client = CommerceClient(ConnectionConfig("S", server.url, "id"), retry=FAST_RETRY)
        client.check_credentials()
        (request,) = server.requests
        assert request.headers["User-Agent"].startswith("shopper-login-desk/")
        assert request.headers["Content-Type"] == "application/x-www-form-urlencoded"
        assert request.body == b"grant_type=implicit&client_id=id"
