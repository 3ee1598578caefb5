"""What the client says when the store, the network or TLS misbehaves."""

from __future__ import annotations

import datetime as dt
import logging
import socket
import ssl
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest

from desktop_app.api.client import CommerceClient
from desktop_app.api.connection import ConnectionConfig
from desktop_app.api.errors import (
    BadResponse,
    NetworkError,
    RateLimited,
    RequestTimeout,
    ServerError,
)
from desktop_app.api.transport import RetryPolicy, Timeouts
from desktop_app.sandbox import RunningSandbox
from desktop_app.sandbox.seed import DEMO_SHOPPER_PROFILE_ID
from tests.conftest import FAST_RETRY, make_client
from tests.scripted_server import Scripted, scripted_server

RON = ("ron@swanson.com", "pawnee-parks-1")
TOKENS = "/v2/account-members/tokens"


def test_429_once_is_waited_out_and_retried(sandbox: RunningSandbox) -> None:
    waits: list[float] = []
    client = make_client(
        sandbox, retry=RetryPolicy(attempts=2, backoff_factor=0, sleep=waits.append)
    )
    sandbox.fail_next(429, TOKENS)
    assert len(client.login_shopper(DEMO_SHOPPER_PROFILE_ID, *RON).tokens) == 3
    assert waits == [1.0]  # the sandbox's Retry-After: 1
    statuses = [s for m, p, s in sandbox.request_log if p == TOKENS]
    assert statuses == [429, 201]


def test_503_once_is_retried(sandbox: RunningSandbox) -> None:
    client = make_client(sandbox)
    sandbox.fail_next(503, "/v2/settings")
    assert client.find_realm().id


def test_429_always_becomes_rate_limited_in_plain_words(sandbox: RunningSandbox) -> None:
    client = make_client(sandbox)
    sandbox.fail_next(429, TOKENS, times=10)
    with pytest.raises(RateLimited, match=r"Try again in 1 second\.") as caught:
        client.login_shopper(DEMO_SHOPPER_PROFILE_ID, *RON)
    assert caught.value.status == 429
    assert [s for m, p, s in sandbox.request_log if p == TOKENS] == [429, 429, 429]


def test_a_long_retry_after_is_reported_not_waited(sandbox: RunningSandbox) -> None:
    with scripted_server() as server:
        server.script(
            "/oauth/access_token",
            Scripted(200, b'{"access_token":"t","expires_in":3600}'),
        )
        server.script(
            "/v2/settings/account-authentication",
            Scripted(429, b"", {"Retry-After": "3600"}),
        )
        client = CommerceClient(ConnectionConfig("S", server.url, "id"), retry=RetryPolicy())
        with pytest.raises(RateLimited, match="3600 seconds"):
            client.find_realm()
        assert sum(r.path.startswith("/v2/settings") for r in server.requests) == 1


def test_retry_after_as_an_http_date_is_honoured() -> None:
    soon = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=1)
    with scripted_server() as server:
        server.script(
            "/oauth/access_token", Scripted(200, b'{"access_token":"t","expires_in":3600}')
        )
        realm = b'{"data":{"relationships":{"authentication_realm":{"data":{"id":"r1"}}}}}'
        server.script(
            "/v2/settings/account-authentication",
            Scripted(503, b"", {"Retry-After": soon.strftime("%a, %d %b %Y %H:%M:%S GMT")}),
            Scripted(200, realm),
        )
        client = CommerceClient(ConnectionConfig("S", server.url, "id"), retry=FAST_RETRY)
        assert client.find_realm().id == "r1"


def test_500_with_an_html_body_is_a_server_error(sandbox: RunningSandbox) -> None:
    client = make_client(sandbox)
    sandbox.fail_next(500, TOKENS)
    with pytest.raises(ServerError, match=r"The store had a problem answering \(HTTP 500\)"):
        client.login_shopper(DEMO_SHOPPER_PROFILE_ID, *RON)
    # the app stays usable: the next attempt works
    assert len(client.login_shopper(DEMO_SHOPPER_PROFILE_ID, *RON).tokens) == 3


def test_502_with_an_empty_body_is_a_server_error(sandbox: RunningSandbox) -> None:
    client = make_client(sandbox)
    sandbox.fail_next(502, TOKENS)
    with pytest.raises(ServerError, match="HTTP 502") as caught:
        client.login_shopper(DEMO_SHOPPER_PROFILE_ID, *RON)
    assert caught.value.detail is None


def test_malformed_json_is_a_bad_response() -> None:
    with scripted_server() as server:
        server.script("/oauth/access_token", Scripted(200, b"{this is not json"))
        client = CommerceClient(ConnectionConfig("S", server.url, "id"), retry=FAST_RETRY)
        with pytest.raises(BadResponse, match="not valid JSON"):
            client.check_credentials()


def test_reply_without_expected_fields_is_a_bad_response() -> None:
    with scripted_server() as server:
        server.script(
            "/oauth/access_token", Scripted(200, b'{"access_token":"t","expires_in":3600}')
        )
        server.script("/v2/settings/account-authentication", Scripted(200, b'{"data":{}}'))
        client = CommerceClient(ConnectionConfig("S", server.url, "id"), retry=FAST_RETRY)
        with pytest.raises(BadResponse, match="name no authentication realm"):
            client.find_realm()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_connection_refused_says_to_check_the_sandbox() -> None:
    port = free_port()
    client = CommerceClient(
        ConnectionConfig("S", f"http://127.0.0.1:{port}", "id"), retry=FAST_RETRY
    )
    with pytest.raises(NetworkError, match="refused the connection"):
        client.check_credentials()


def test_unresolvable_host_is_explained(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_such_host(*args: object, **kwargs: object) -> object:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", no_such_host)
    client = CommerceClient(
        ConnectionConfig("S", "https://no-such-store.invalid", "id"), retry=FAST_RETRY
    )
    with pytest.raises(NetworkError, match=r"host name no-such-store\.invalid could not be found"):
        client.check_credentials()


def test_a_store_that_does_not_answer_in_time(sandbox: RunningSandbox) -> None:
    client = make_client(sandbox, timeouts=Timeouts(connect=1.0, read=0.3))
    sandbox.set_latency(1500)
    with pytest.raises(RequestTimeout, match=r"did not answer within 0\.3 seconds"):
        client.check_credentials()
    sandbox.set_latency(0)


@pytest.fixture
def self_signed_https_server(tmp_path: Path) -> Iterator[str]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost")]), critical=False)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_file, key_file)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"https://localhost:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_untrusted_certificate_is_refused_before_anything_is_sent(
    self_signed_https_server: str,
) -> None:
    config = ConnectionConfig("S", self_signed_https_server, "id", "the-client-secret")
    client = CommerceClient(config, retry=FAST_RETRY)
    with pytest.raises(NetworkError, match=r"could not be verified, so nothing was sent"):
        client.check_credentials()


def test_logs_say_what_happened_and_never_a_secret(
    sandbox: RunningSandbox, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    client = make_client(sandbox)
    client.connect()
    login = client.login_shopper(DEMO_SHOPPER_PROFILE_ID, *RON)
    with pytest.raises(Exception):  # noqa: B017,PT011 - any failure; we only read the log
        client.login_shopper(DEMO_SHOPPER_PROFILE_ID, RON[0], "a-wrong-password")
    text = caplog.text
    assert "POST /v2/account-members/tokens?page%5Blimit%5D=100&page%5Boffset%5D=0 -> 201" in text
    assert "GET /v2/settings/account-authentication -> 200" in text
    for secret in (sandbox.seed.client_secret, RON[1], "a-wrong-password"):
        assert secret not in text
    for token in login.tokens:
        assert token.token not in text


@pytest.mark.parametrize("header", ["-5", "1e999", "soon", "9" * 400])
def test_an_unusable_retry_after_still_reads_as_rate_limiting(header: str) -> None:
    with scripted_server() as server:
        server.script(
            "/oauth/access_token", Scripted(200, b'{"access_token":"t","expires_in":3600}')
        )
        server.script(
            "/v2/settings/account-authentication", Scripted(429, b"", {"Retry-After": header})
        )
        client = CommerceClient(ConnectionConfig("S", server.url, "id"), retry=FAST_RETRY)
        with pytest.raises(RateLimited, match="too many requests"):
            client.find_realm()
