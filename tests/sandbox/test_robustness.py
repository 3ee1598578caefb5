"""Whatever a client sends, the answer is a JSON:API error, never a traceback page (§9)."""

from __future__ import annotations

import socket
from urllib.parse import urlsplit

import pytest
from werkzeug.test import Client

from desktop_app.sandbox import demo_seed
from desktop_app.sandbox.app import SandboxApp
from desktop_app.sandbox.controls import Controls
from desktop_app.sandbox.seed import BOB_ID
from tests.sandbox.client import SandboxClient, error_of


def test_invalid_json_is_400(api: SandboxClient) -> None:
    reply = api.session.post(
        f"{api.url}/v2/account-members/tokens",
        data=b"{not json",
        headers={"Authorization": f"Bearer {api.token()}", "Content-Type": "application/json"},
        timeout=10,
    )
    assert "JSON" in error_of(reply, 400)["detail"]


@pytest.mark.parametrize("body", [b"[]", b'{"data": []}', b'"text"', b"\xff\xfe"])
def test_json_without_data_object_is_400(api: SandboxClient, body: bytes) -> None:
    reply = api.session.post(
        f"{api.url}{api.users_path()}",
        data=body,
        headers={"Authorization": f"Bearer {api.token()}", "Content-Type": "application/json"},
        timeout=10,
    )
    error_of(reply, 400)


def test_non_json_content_type_is_415(api: SandboxClient) -> None:
    reply = api.session.post(
        f"{api.url}{api.logins_path(BOB_ID)}",
        data={"data": "x"},
        headers={"Authorization": f"Bearer {api.token()}"},
        timeout=10,
    )
    error_of(reply, 415)


def test_vnd_api_json_is_accepted(api: SandboxClient) -> None:
    reply = api.session.post(
        f"{api.url}/v2/account-members/tokens",
        data=b'{"data": {"type": "account_management_authentication_token", '
        b'"authentication_mechanism": "password", "password_profile_id": "x", '
        b'"username": "a", "password": "b"}}',
        headers={
            "Authorization": f"Bearer {api.token()}",
            "Content-Type": "application/vnd.api+json",
        },
        timeout=10,
    )
    error_of(reply, 404)


def test_body_over_one_megabyte_is_413(api: SandboxClient) -> None:
    reply = api.session.post(
        f"{api.url}{api.users_path()}",
        data=b"x" * (1024 * 1024 + 1),
        headers={"Authorization": f"Bearer {api.token()}", "Content-Type": "application/json"},
        timeout=10,
    )
    error_of(reply, 413)


def test_chunked_body_over_one_megabyte_is_413(api: SandboxClient) -> None:
    chunks = (b"x" * 65536 for _ in range(17))
    reply = api.session.post(
        f"{api.url}{api.users_path()}",
        data=chunks,
        headers={"Authorization": f"Bearer {api.token()}", "Content-Type": "application/json"},
        timeout=10,
    )
    error_of(reply, 413)


def test_unknown_path_is_404(api: SandboxClient) -> None:
    error_of(api.get("/v2/nothing-here", api.token()), 404)
    error_of(api.session.get(f"{api.url}/", timeout=10), 404)


def test_wrong_method_is_405(api: SandboxClient) -> None:
    error_of(api.session.delete(f"{api.url}/v2/settings/account-authentication", timeout=10), 405)
    error_of(api.session.get(f"{api.url}/oauth/access_token", timeout=10), 405)


def test_every_reply_has_a_fresh_request_id(api: SandboxClient) -> None:
    replies = [api.session.get(f"{api.url}/nowhere", timeout=10) for _ in range(3)]
    replies.append(api.get("/v2/settings/account-authentication", api.token()))
    ids = {r.headers["X-Request-ID"] for r in replies}
    assert len(ids) == 4


def test_unexpected_exception_is_a_json_500(monkeypatch: pytest.MonkeyPatch) -> None:
    """Driven through werkzeug's test client because only in-process code can plant the bug."""
    app = SandboxApp(demo_seed(), Controls())

    def broken() -> list[object]:
        raise RuntimeError("planted bug")

    monkeypatch.setattr(app.store, "profiles", broken)
    client = Client(app)
    form = {"grant_type": "implicit", "client_id": "demo-client-id"}
    token = client.post("/oauth/access_token", data=form).get_json()["access_token"]
    reply = client.get(
        f"/v2/authentication-realms/{app.seed.realm_id}/password-profiles",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert reply.status_code == 500
    assert reply.mimetype == "application/json"
    assert reply.get_json()["errors"][0]["status"] == "500"
    assert "Traceback" not in reply.get_data(as_text=True)


def test_server_survives_a_client_that_hangs_up_mid_request(api: SandboxClient) -> None:
    host, port = urlsplit(api.url).hostname, urlsplit(api.url).port
    with socket.create_connection((host, port), timeout=5) as raw:
        raw.sendall(
            b"POST /v2/account-members/tokens HTTP/1.1\r\nHost: x\r\n"
            b'Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{"da'
        )
    assert api.get("/v2/settings/account-authentication", api.token()).status_code == 200
