"""start_sandbox / RunningSandbox: starting, stopping, addresses, seeds, and loopback latency."""

from __future__ import annotations

import http.client
import json
import socket
import statistics
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from desktop_app.sandbox import RunningSandbox, demo_seed, start_sandbox, wsgi_server
from desktop_app.sandbox.wsgi_server import KeepAliveWSGIServer
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

    The bound is far above the ~1.5 ms a request takes and far below the stall, so it only
    fails on a real regression.
    """
    token = api.token()
    timings = []
    for _ in range(21):
        start = time.perf_counter()
        api.get("/v2/settings/account-authentication", token).json()
        timings.append(time.perf_counter() - start)
    assert statistics.median(timings) < 0.030


# -- connections ---------------------------------------------------------------------------


def _address(running: RunningSandbox) -> tuple[str, int]:
    host, port = running.url.removeprefix("http://").rsplit(":", 1)
    return host, int(port)


def _connection(running: RunningSandbox) -> http.client.HTTPConnection:
    return http.client.HTTPConnection(*_address(running), timeout=10)


def _raw_exchange(running: RunningSandbox, *parts: bytes) -> bytes:
    """Send bytes as they are; everything the server sends until it closes the connection."""
    with socket.create_connection(_address(running), timeout=10) as raw:
        for part in parts:
            raw.sendall(part)
        answer = b""
        while chunk := raw.recv(65536):
            answer += chunk
    return answer


def _token_body(running: RunningSandbox) -> str:
    return f"grant_type=implicit&client_id={running.seed.client_id}"


FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def test_one_connection_serves_many_requests(sandbox: RunningSandbox) -> None:
    """As a store does: the app's session sends every call of a login on one connection."""
    connection = _connection(sandbox)
    try:
        for _ in range(3):
            connection.request("POST", "/oauth/access_token", _token_body(sandbox), FORM)
            reply = connection.getresponse()
            assert reply.status == 200
            assert json.loads(reply.read())["token_type"] == "Bearer"
            assert reply.getheader("Connection") is None  # HTTP/1.1: kept open
        local_port = connection.sock.getsockname()[1]
        connection.request("GET", "/nowhere")
        connection.getresponse().read()
        assert connection.sock.getsockname()[1] == local_port  # never reconnected
    finally:
        connection.close()


def test_a_request_whose_body_was_never_read_does_not_leak_into_the_next(
    sandbox: RunningSandbox,
) -> None:
    """A 401 is answered before the body is looked at; the body must still be consumed, or
    its bytes would be read as the next request line."""
    connection = _connection(sandbox)
    try:
        body = json.dumps({"data": {"type": "account", "name": "x" * 5000}})
        connection.request(
            "POST", "/v2/account-members/tokens", body, {"Content-Type": "application/json"}
        )
        refused = connection.getresponse()
        assert (refused.status, refused.getheader("Connection")) == (401, None)
        refused.read()
        connection.request("POST", "/oauth/access_token", _token_body(sandbox), FORM)
        assert connection.getresponse().status == 200
    finally:
        connection.close()


def test_a_chunked_body_is_read_and_its_connection_closed(sandbox: RunningSandbox) -> None:
    reply = requests.post(
        f"{sandbox.url}/oauth/access_token",
        data=iter([_token_body(sandbox).encode()]),  # a generator: requests sends it chunked
        headers=FORM,
        timeout=10,
    )
    assert reply.request.headers.get("Transfer-Encoding") == "chunked"
    assert reply.status_code == 200
    assert reply.headers["Connection"] == "close"


def test_a_body_over_a_megabyte_is_refused_without_reading_it(sandbox: RunningSandbox) -> None:
    answer = _raw_exchange(
        sandbox,
        b"POST /v2/accounts HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        b"Content-Length: 50000000\r\n\r\n{",
    )
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 413")
    assert b"Connection: close" in head
    assert json.loads(body)["errors"][0]["status"] == "413"


@pytest.mark.parametrize("length", [b"-5", b"many"])
def test_a_bad_content_length_gets_a_400_and_a_closed_connection(
    sandbox: RunningSandbox, length: bytes
) -> None:
    answer = _raw_exchange(
        sandbox, b"POST /v2/accounts HTTP/1.1\r\nHost: x\r\nContent-Length: " + length, b"\r\n\r\n"
    )
    assert answer.startswith(b"HTTP/1.1 400")


def test_an_http_1_0_client_gets_its_connection_closed(sandbox: RunningSandbox) -> None:
    answer = _raw_exchange(sandbox, b"GET /nowhere HTTP/1.0\r\n\r\n")  # returns once closed
    assert answer.startswith(b"HTTP/1.1 404")


def test_stopping_closes_kept_alive_connections() -> None:
    """A stopped sandbox answers nothing more, even on a connection opened before the stop."""
    running = start_sandbox()
    session = requests.Session()
    assert session.get(f"{running.url}/nowhere", timeout=10).status_code == 404
    running.stop()
    with pytest.raises(requests.ConnectionError):
        session.get(f"{running.url}/nowhere", timeout=2)


def test_an_idle_connection_is_closed_after_the_idle_timeout(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(wsgi_server._RequestHandler, "timeout", 0.2)
    with start_sandbox() as running:
        connection = _connection(running)
        connection.request("GET", "/nowhere")
        connection.getresponse().read()
        time.sleep(0.6)
        assert connection.sock.recv(1) == b""  # the server hung up
        connection.close()
        # and a client that reconnects is served as before
        assert requests.get(f"{running.url}/nowhere", timeout=10).status_code == 404


@pytest.fixture
def bare_wsgi_server() -> Iterator[str]:
    """The server alone, around a tiny app: /boom fails, /headers echoes the X- headers it
    got, anything else answers "fine" in two parts (WSGI's write(), then the iterable)."""

    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        if environ["PATH_INFO"] == "/boom":
            raise RuntimeError("a bug in the app")
        write = start_response("200 OK", [("Content-Type", "text/plain")])
        if environ["PATH_INFO"] == "/headers":
            names = sorted(k for k in environ if k.startswith("HTTP_X"))
            return [f"{names} {environ['HTTP_X_TOKEN']}".encode()]
        write(b"fi")  # WSGI's legacy write(), then the iterable
        return [b"ne"]

    server = KeepAliveWSGIServer(("127.0.0.1", 0), app)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.port}"
    server.shutdown()
    server.server_close()
    server.close_connections()
    thread.join()


def test_an_app_error_is_a_500_and_the_server_goes_on(
    bare_wsgi_server: str, caplog: pytest.LogCaptureFixture
) -> None:
    assert requests.get(f"{bare_wsgi_server}/boom", timeout=10).status_code == 500
    assert "a bug in the app" in caplog.text
    reply = requests.get(f"{bare_wsgi_server}/ok", timeout=10)
    assert (reply.status_code, reply.text, reply.headers["Content-Length"]) == (200, "fine", "4")


def test_a_header_name_with_an_underscore_is_not_passed_to_the_app(bare_wsgi_server: str) -> None:
    """X_Token would otherwise arrive as HTTP_X_TOKEN, the same as X-Token."""
    reply = requests.get(
        f"{bare_wsgi_server}/headers", headers={"X-Token": "a", "X_Token": "b"}, timeout=10
    )
    assert reply.text == "['HTTP_X_TOKEN'] a"
