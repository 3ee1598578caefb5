"""What goes on the wire: the transport builds its requests itself (see ``Transport._prepare``)
and must send exactly what ``requests.Session.request`` would have sent."""

from __future__ import annotations

from typing import Any

import pytest
import requests

from desktop_app.api.redaction import Redactor
from desktop_app.api.transport import USER_AGENT, Transport
from tests.conftest import FAST_RETRY, FAST_TIMEOUTS
from tests.scripted_server import Scripted, scripted_server

BASE = "https://store.example.com"
LOGIN_BODY = {
    "data": {
        "type": "account_management_authentication_token",
        "authentication_mechanism": "password",
        "password_profile_id": "a1b2",
        "username": "ron@swanson.com",
        "password": "pawnee “parks” 1",
    }
}


@pytest.mark.parametrize(
    ("kwargs", "ours"),
    [
        (
            {
                "method": "POST",
                "path": "/v2/account-members/tokens",
                "params": {"page[limit]": 100, "page[offset]": 200},
                "json": LOGIN_BODY,
                "headers": {"Authorization": "Bearer t0k", "content-type": "application/json"},
            },
            {
                "method": "POST",
                "path": "/v2/account-members/tokens",
                "params": {"page[limit]": 100, "page[offset]": 200},
                "json_body": LOGIN_BODY,
                "headers": {"Authorization": "Bearer t0k", "content-type": "application/json"},
                "form": None,
            },
        ),
        (
            {
                "method": "POST",
                "path": "/oauth/access_token",
                "data": {"grant_type": "client_credentials", "client_id": "c i&d=", "x": "é"},
            },
            {
                "method": "POST",
                "path": "/oauth/access_token",
                "params": None,
                "json_body": None,
                "headers": None,
                "form": {"grant_type": "client_credentials", "client_id": "c i&d=", "x": "é"},
            },
        ),
        (
            {
                "method": "GET",
                "path": "/v2/authentication-realms/r 1/user-authentication-info",
                "params": {"filter": 'eq(email,"ron+1@swanson.com")', "skipped": None},
                "headers": {"Accept": "application/vnd.api+json"},
            },
            {
                "method": "GET",
                "path": "/v2/authentication-realms/r 1/user-authentication-info",
                "params": {"filter": 'eq(email,"ron+1@swanson.com")', "skipped": None},
                "json_body": None,
                "headers": {"Accept": "application/vnd.api+json"},
                "form": None,
            },
        ),
        (
            {"method": "GET", "path": "/v2/settings", "params": {"only": None}},
            {
                "method": "GET",
                "path": "/v2/settings",
                "params": {"only": None},
                "json_body": None,
                "headers": None,
                "form": None,
            },
        ),
    ],
    ids=["json-with-query", "form", "get-with-filter", "get-with-no-query-left"],
)
def test_requests_are_built_as_session_request_builds_them(
    kwargs: dict[str, Any], ours: dict[str, Any]
) -> None:
    transport = Transport(BASE, Redactor(), timeouts=FAST_TIMEOUTS, retry=FAST_RETRY)
    transport.session.cookies.set("__cf_bm", "abc", domain="store.example.com")
    path = kwargs.pop("path")
    expected = transport.session.prepare_request(requests.Request(url=BASE + path, **kwargs))
    built = transport._prepare(
        ours["method"],
        BASE + ours["path"],
        ours["headers"],
        ours["params"],
        ours["json_body"],
        ours["form"],
    )
    assert built.method == expected.method
    assert built.url == expected.url
    assert built.body == (
        expected.body.encode() if isinstance(expected.body, str) else expected.body
    )
    assert dict(built.headers) == dict(expected.headers)
    assert built.headers["User-Agent"] == USER_AGENT
    assert built.headers["Cookie"] == "__cf_bm=abc"
    transport.close()


def test_a_cookie_the_store_sets_is_sent_back() -> None:
    """Load balancers in front of a store pin a client with a cookie: it must come back."""
    with scripted_server() as server:
        server.script(
            "/first",
            Scripted(200, b"{}", headers={"Set-Cookie": "AWSALB=pinned; Path=/"}),
        )
        server.script("/second", Scripted(200, b"{}"))
        transport = Transport(server.url, Redactor(), timeouts=FAST_TIMEOUTS, retry=FAST_RETRY)
        assert transport.send("GET", "/first").ok
        assert transport.send("POST", "/second", json_body={"a": 1}).ok
        transport.close()
    first, second = server.requests
    assert "Cookie" not in first.headers
    assert second.headers["Cookie"] == "AWSALB=pinned"
    assert second.headers["Content-Type"] == "application/json"
    assert second.body == b'{"a": 1}'
