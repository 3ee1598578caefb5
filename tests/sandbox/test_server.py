"""start_sandbox / RunningSandbox: starting, stopping, addresses, seeds, and loopback latency."""

from __future__ import annotations

import statistics
import time

import pytest
import requests

from desktop_app.sandbox import RunningSandbox, demo_seed, start_sandbox
from tests.sandbox.client import SandboxClient


def test_url_and_seed(sandbox: RunningSandbox) -> None:
    assert sandbox.url.startswith("http://127.0.0.1:")
    assert int(sandbox.url.rsplit(":", 1)[1]) > 0
    assert sandbox.seed == demo_seed()


def test_stop_is_idempotent_and_closes_the_socket() -> None:
    running = start_sandbox()
    assert requests.get(f"{running.url}/v2/accounts/x", timeout=10).status_code == 401
    running.stop()
    running.stop()
    with pytest.raises(requests.ConnectionError):
        requests.get(f"{running.url}/v2/accounts/x", timeout=2)


def test_context_manager_stops() -> None:
    with start_sandbox() as running:
        url = running.url
    with pytest.raises(requests.ConnectionError):
        requests.get(url, timeout=2)


def test_seed_as_dict_and_accounts_option() -> None:
    with start_sandbox(demo_seed().to_dict()) as running:
        assert running.seed == demo_seed()
    with start_sandbox(accounts=7) as running:
        body = SandboxClient(running).login("ron@swanson.com", "pawnee-parks-1").json()
        assert body["meta"]["results"]["total"] == 7


def test_accounts_with_a_custom_seed_is_refused() -> None:
    with pytest.raises(ValueError, match="demo seed only"):
        start_sandbox(demo_seed(), accounts=5)


@pytest.mark.parametrize("host", ["0.0.0.0", "192.0.2.1", "example.com"])
def test_remote_host_needs_allow_remote(host: str) -> None:
    with pytest.raises(ValueError, match="allow_remote=True"):
        start_sandbox(host=host)


def test_remote_host_with_allow_remote() -> None:
    with start_sandbox(host="0.0.0.0", allow_remote=True) as running:
        port = running.url.rsplit(":", 1)[1]
        reply = requests.get(f"http://127.0.0.1:{port}/nowhere", timeout=10)
        assert reply.status_code == 404


@pytest.mark.parametrize("host", ["localhost", "::1"])
def test_other_loopback_hosts(host: str) -> None:
    try:
        running = start_sandbox(host=host)
    except OSError:
        pytest.skip(f"{host} is not available on this machine")
    with running:
        assert requests.get(f"{running.url}/nowhere", timeout=10).status_code == 404


def test_start_latency_option() -> None:
    with start_sandbox(latency_ms=120) as running:
        reply = requests.get(f"{running.url}/nowhere", timeout=10)
    assert reply.elapsed.total_seconds() >= 0.12


def test_loopback_requests_do_not_stall_on_nagle(api: SandboxClient) -> None:
    """A keep-alive server with Nagle on stalls each reply ~44 ms (platform-notes.md).

    werkzeug 3.1 closes every connection, which hides the stall today; this guards the day
    it keeps connections alive. The bound is far above the ~1.5 ms a request takes and far
    below the stall, so it only fails on a real regression.
    """
    token = api.token()
    timings = []
    for _ in range(21):
        start = time.perf_counter()
        api.get("/v2/settings/account-authentication", token).json()
        timings.append(time.perf_counter() - start)
    assert statistics.median(timings) < 0.030
