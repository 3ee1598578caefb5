"""Fault injection, latency and the request log: the knobs tests use to make the network fail."""

from __future__ import annotations

import pytest

from desktop_app.sandbox import RunningSandbox
from tests.sandbox.client import SandboxClient, error_of

SETTINGS = "/v2/settings/account-authentication"


@pytest.mark.parametrize("status", [429, 503])
def test_throttling_statuses_carry_retry_after(
    own_sandbox: RunningSandbox, own_api: SandboxClient, status: int
) -> None:
    token = own_api.token()
    own_sandbox.fail_next(status)
    reply = own_api.get(SETTINGS, token)
    error_of(reply, status)
    assert reply.headers["Retry-After"] == "1"
    assert reply.headers["X-Request-ID"]
    assert own_api.get(SETTINGS, token).status_code == 200


def test_500_is_an_html_page(own_sandbox: RunningSandbox, own_api: SandboxClient) -> None:
    own_sandbox.fail_next(500)
    reply = own_api.get(SETTINGS, None)
    assert reply.status_code == 500
    assert reply.headers["Content-Type"].startswith("text/html")
    assert "<html>" in reply.text


def test_502_is_empty(own_sandbox: RunningSandbox, own_api: SandboxClient) -> None:
    own_sandbox.fail_next(502)
    reply = own_api.get(SETTINGS, None)
    assert reply.status_code == 502
    assert reply.content == b""


@pytest.mark.parametrize("status", [400, 401, 403, 404, 409, 422, 504])
def test_other_statuses_are_json_api_errors(
    own_sandbox: RunningSandbox, own_api: SandboxClient, status: int
) -> None:
    token = own_api.token()
    own_sandbox.fail_next(status)
    reply = own_api.get(SETTINGS, token)
    error_of(reply, status)
    assert "Retry-After" not in reply.headers


def test_times_counts_down(own_sandbox: RunningSandbox, own_api: SandboxClient) -> None:
    token = own_api.token()
    own_sandbox.fail_next(503, times=2)
    statuses = [own_api.get(SETTINGS, token).status_code for _ in range(3)]
    assert statuses == [503, 503, 200]


def test_path_prefix_only_hits_matching_requests(
    own_sandbox: RunningSandbox, own_api: SandboxClient
) -> None:
    own_sandbox.fail_next(503, "/v2/account-members/tokens")
    token = own_api.token("implicit")
    assert own_api.get(SETTINGS, token).status_code == 200
    assert own_api.login("ron@swanson.com", "pawnee-parks-1", token=token).status_code == 503
    assert own_api.login("ron@swanson.com", "pawnee-parks-1", token=token).status_code == 201


def test_fault_on_the_token_endpoint(own_sandbox: RunningSandbox, own_api: SandboxClient) -> None:
    own_sandbox.fail_next(429, "/oauth")
    reply = own_api.session.post(
        f"{own_api.url}/oauth/access_token",
        data={"grant_type": "implicit", "client_id": "demo-client-id"},
        timeout=10,
    )
    assert reply.status_code == 429
    assert own_api.token("implicit")


@pytest.mark.parametrize(
    ("status", "prefix", "times", "message"),
    [
        (200, None, 1, "400..599"),
        (600, None, 1, "400..599"),
        (503, "v2", 1, "must start with '/'"),
        (503, None, 0, "at least 1"),
    ],
)
def test_fail_next_rejects_nonsense(
    own_sandbox: RunningSandbox, status: int, prefix: str | None, times: int, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        own_sandbox.fail_next(status, prefix, times=times)


def test_request_log(own_sandbox: RunningSandbox, own_api: SandboxClient) -> None:
    own_api.token("implicit")
    own_api.get(SETTINGS, None)
    own_sandbox.fail_next(502)
    own_api.get("/v2/accounts/x", None)
    assert own_sandbox.request_log == [
        ("POST", "/oauth/access_token", 200),
        ("GET", SETTINGS, 401),
        ("GET", "/v2/accounts/x", 502),
    ]
    own_sandbox.reset_request_log()
    assert own_sandbox.request_log == []


def test_latency_is_applied_and_removable(
    own_sandbox: RunningSandbox, own_api: SandboxClient
) -> None:
    own_sandbox.set_latency(150)
    slow = own_api.get(SETTINGS, None)
    own_sandbox.set_latency(0)
    assert slow.elapsed.total_seconds() >= 0.15
    with pytest.raises(ValueError, match="0 ms or more"):
        own_sandbox.set_latency(-1)


def test_a_fault_can_start_after_some_matching_requests(own_sandbox: RunningSandbox) -> None:
    import requests

    own_sandbox.fail_next(503, "/v2/settings", after=2)
    session = requests.Session()
    token = session.post(
        own_sandbox.url + "/oauth/access_token",
        data={"grant_type": "implicit", "client_id": own_sandbox.seed.client_id},
    ).json()["access_token"]
    headers = {"Authorization": f"Bearer {token}"}
    statuses = [
        session.get(
            own_sandbox.url + "/v2/settings/account-authentication", headers=headers
        ).status_code
        for _ in range(4)
    ]
    assert statuses == [200, 200, 503, 200]
