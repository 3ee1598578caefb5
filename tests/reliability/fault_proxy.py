"""A store front for fault tests: the sandbox behind https, a host name and switchable faults.

The app talks to ``https://store.fault-matrix.test:PORT`` exactly as it would to a real store:
the name is resolved (by a patched resolver that can stop knowing it), TLS is verified against
a test CA this machine is made to trust (and the front can start presenting a certificate
nobody trusts), and every request is forwarded to the sandbox (the listener can go away, a
reply can stall or come back as broken JSON). Faults are aimed at one request by path prefix
and position, so "the second page fails" or "the realm lookup is refused" can be said exactly.

Network faults (refused, untrusted certificate, unknown host) happen before a request's path is
known, so they are *armed*: switched on once a given earlier request has been answered, and
from then on every new connection meets them. The front answers ``Connection: close`` so each
request opens a new connection, as requests to the sandbox do.
"""

from __future__ import annotations

import datetime as dt
import http.client
import socket
import ssl
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

STORE_HOST = "store.fault-matrix.test"
MALFORMED_JSON = b'{"data": [{"id": "half a reply'
STALL_SECONDS = 3.0  # far beyond the tests' read timeout; cleared faults release it at once
_HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "content-length"}


class NetworkFault(Enum):
    REFUSED = "refused"
    UNTRUSTED_CERTIFICATE = "untrusted certificate"
    UNKNOWN_HOST = "unknown host"


@dataclass(frozen=True)
class Certificates:
    ca_bundle: Path  # the CA the test makes this machine trust
    trusted: tuple[Path, Path]  # certificate and key for STORE_HOST, signed by that CA
    untrusted: tuple[Path, Path]  # a self-signed certificate for STORE_HOST


def make_certificates(folder: Path, host: str = STORE_HOST) -> Certificates:
    """A test CA, a certificate it signed for ``host``, and a self-signed one for ``host``."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    now = dt.datetime.now(dt.UTC)

    def write(name: str, cert: x509.Certificate, key: ec.EllipticCurvePrivateKey) -> Path:
        (folder / f"{name}.key").write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
        path = folder / f"{name}.pem"
        path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
        return path

    def certificate(
        subject: str, key: ec.EllipticCurvePrivateKey, issuer: str, signer: Any, ca: bool
    ) -> x509.Certificate:
        builder = (
            x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)]))
            .issuer_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, issuer)]))
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=1))
            .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
            .add_extension(
                x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False
            )
        )
        if ca:
            builder = builder.add_extension(
                x509.KeyUsage(False, False, False, False, False, True, True, False, False),
                critical=True,
            )
        else:
            builder = builder.add_extension(
                x509.SubjectAlternativeName([x509.DNSName(host)]), critical=False
            ).add_extension(
                x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False
            )
        return builder.sign(signer, hashes.SHA256())

    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_cert = certificate("Fault matrix test CA", ca_key, "Fault matrix test CA", ca_key, True)
    store_key = ec.generate_private_key(ec.SECP256R1())
    store_cert = certificate(host, store_key, "Fault matrix test CA", ca_key, False)
    rogue_key = ec.generate_private_key(ec.SECP256R1())
    rogue_cert = certificate(host, rogue_key, host, rogue_key, False)
    write("ca", ca_cert, ca_key)
    return Certificates(
        ca_bundle=folder / "ca.pem",
        trusted=(write("store", store_cert, store_key), folder / "store.key"),
        untrusted=(write("rogue", rogue_cert, rogue_key), folder / "rogue.key"),
    )


@dataclass
class _Rule:
    """Acts on the request after ``after`` matching requests have gone through untouched."""

    path_prefix: str
    after: int
    stall: bool = False
    garble: bool = False
    before: Callable[[], None] | None = None
    arm: NetworkFault | None = None
    done: bool = field(default=False)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, port: int, front: FaultyStoreFront) -> None:
        self.front = front
        super().__init__(("127.0.0.1", port), _Handler)

    def get_request(self) -> tuple[Any, Any]:
        sock, address = super().get_request()
        sock.settimeout(5)
        try:
            return self.front.tls_context().wrap_socket(sock, server_side=True), address
        except OSError:
            sock.close()  # the client refused our certificate: that is the point
            raise


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, *args: object) -> None:
        pass

    def _answer(self) -> None:
        front = self.server.front
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        rules = front._take_rules(self.path.split("?", 1)[0])
        if any(rule.stall for rule in rules):
            front._released.wait(STALL_SECONDS)
            self.close_connection = True
            return  # hung up without a word, and nothing reached the store
        for rule in rules:
            if rule.before is not None:
                rule.before()
        status, headers, reply = front._forward(self.command, self.path, self.headers, body)
        if any(rule.garble for rule in rules):
            reply = MALFORMED_JSON
            headers["Content-Type"] = "application/json"
        for rule in rules:
            if rule.arm is not None:
                front.switch_on(rule.arm)
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(reply)))
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(reply)
        self.close_connection = True

    do_GET = do_POST = do_PUT = do_DELETE = _answer  # noqa: N815 - http.server's naming


class FaultyStoreFront:
    """``https://store.fault-matrix.test:PORT`` in front of ``upstream`` (the sandbox)."""

    def __init__(self, upstream: str, certificates: Certificates) -> None:
        parts = urlsplit(upstream)
        self._upstream = (parts.hostname or "127.0.0.1", parts.port or 80)
        self._certificates = certificates
        self._lock = threading.Lock()
        self._rules: list[_Rule] = []
        self._released = threading.Event()
        self._faults: set[NetworkFault] = set()
        self._contexts = {
            trusted: self._context(*pair)
            for trusted, pair in ((True, certificates.trusted), (False, certificates.untrusted))
        }
        self._server: _Server | None = None
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = int(probe.getsockname()[1])
        self.url = f"https://{STORE_HOST}:{self.port}"
        self.host = f"{STORE_HOST}:{self.port}"
        self._listen()

    @staticmethod
    def _context(cert: Path, key: Path) -> ssl.SSLContext:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert, key)
        return context

    # -- what a test turns ------------------------------------------------------------------

    def stall(self, path_prefix: str, *, after: int = 0) -> None:
        """The matching request gets no answer at all (the client's read timeout fires)."""
        self._add(_Rule(path_prefix, after, stall=True))

    def garble(self, path_prefix: str, *, after: int = 0) -> None:
        """The matching request reaches the store, but its reply comes back as broken JSON."""
        self._add(_Rule(path_prefix, after, garble=True))

    def before(self, path_prefix: str, action: Callable[[], None], *, after: int = 0) -> None:
        """Run ``action`` just before the matching request is forwarded to the store."""
        self._add(_Rule(path_prefix, after, before=action))

    def arm(self, fault: NetworkFault, path_prefix: str | None = None, *, after: int = 0) -> None:
        """Switch ``fault`` on now, or once the matching request has been answered."""
        if path_prefix is None:
            self.switch_on(fault)
        else:
            self._add(_Rule(path_prefix, after, arm=fault))

    def switch_on(self, fault: NetworkFault) -> None:
        with self._lock:
            self._faults.add(fault)
        if fault is NetworkFault.REFUSED:
            self._close()

    def clear(self) -> None:
        """Every fault gone: rules dropped, stalls released, listening again, trusted again."""
        with self._lock:
            self._rules.clear()
            self._faults.clear()
            self._released.set()
        self._listen()

    def stop(self) -> None:
        self._released.set()
        self._close()

    # -- what the patched resolver and the server ask ---------------------------------------

    @property
    def resolvable(self) -> bool:
        with self._lock:
            return NetworkFault.UNKNOWN_HOST not in self._faults

    def tls_context(self) -> ssl.SSLContext:
        with self._lock:
            trusted = NetworkFault.UNTRUSTED_CERTIFICATE not in self._faults
        return self._contexts[trusted]

    # -- internals ------------------------------------------------------------------------

    def _add(self, rule: _Rule) -> None:
        with self._lock:
            self._released.clear()
            self._rules.append(rule)

    def _take_rules(self, path: str) -> list[_Rule]:
        taken: list[_Rule] = []
        with self._lock:
            for rule in self._rules:
                if rule.done or not path.startswith(rule.path_prefix):
                    continue
                if rule.after:
                    rule.after -= 1
                    continue
                rule.done = True
                taken.append(rule)
        return taken

    def _forward(
        self, method: str, path: str, headers: Any, body: bytes
    ) -> tuple[int, dict[str, str], bytes]:
        upstream = http.client.HTTPConnection(*self._upstream, timeout=30)
        try:
            forwarded = {k: v for k, v in headers.items() if k.lower() not in _HOP_BY_HOP}
            forwarded["Host"] = f"{self._upstream[0]}:{self._upstream[1]}"
            upstream.request(method, path, body=body or None, headers=forwarded)
            response = upstream.getresponse()
            reply = response.read()
            kept = {k: v for k, v in response.getheaders() if k.lower() not in _HOP_BY_HOP}
            return response.status, kept, reply
        finally:
            upstream.close()

    def _listen(self) -> None:
        with self._lock:
            if self._server is not None:
                return
            server = _Server(self.port, self)
            self._server = server
        threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        ).start()

    def _close(self) -> None:
        with self._lock:
            server, self._server = self._server, None
        if server is not None:
            server.shutdown()
            server.server_close()


def resolver_for(front: FaultyStoreFront) -> Callable[..., Any]:
    """A ``socket.getaddrinfo`` that knows STORE_HOST (as 127.0.0.1) until told otherwise."""
    real = socket.getaddrinfo

    def getaddrinfo(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        if host == STORE_HOST:
            if not front.resolvable:
                raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
            host = "127.0.0.1"
        return real(host, port, *args, **kwargs)

    return getaddrinfo
