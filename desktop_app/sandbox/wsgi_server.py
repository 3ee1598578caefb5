"""A small threaded HTTP/1.1 server for the sandbox's WSGI app, with keep-alive connections.

Why not werkzeug's development server: it answers every request with ``Connection: close``
and then reads the socket dry, so no connection is ever reused. A store keeps connections
open, and the app keeps one ``requests.Session`` per connection to use that: each new
connection costs a TCP handshake and, here, a new server thread — both on the path of every
click (./dev bench). This server keeps a connection for as long as the client does, up to
``IDLE_TIMEOUT_S`` without a request, and closes every open connection when it stops, so
nothing reaches a stopped sandbox.

A request with a chunked body, or one too large to read ahead, is answered and its
connection closed.
"""

from __future__ import annotations

import contextlib
import io
import logging
import socket
import socketserver
import sys
import threading
from collections.abc import Iterable
from http.server import BaseHTTPRequestHandler
from typing import IO, Any, cast
from urllib.parse import unquote

from werkzeug.serving import DechunkedInput
from werkzeug.wsgi import LimitedStream

IDLE_TIMEOUT_S = 60.0  # how long an idle keep-alive connection is kept, as load balancers do
# Bodies up to this size are read before the app runs, so the connection can be kept
# whatever the app reads; the app's own limit is 1 MB, and it refuses larger ones unread.
READ_AHEAD_BYTES = 1024 * 1024 + 1
_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")

log = logging.getLogger(__name__)

WSGIApp = Any  # a WSGI callable: (environ, start_response) -> iterable of bytes


class KeepAliveWSGIServer(socketserver.ThreadingTCPServer):
    """One thread per connection; remembers its connections so ``stop`` can close them.

    A ``TCPServer``, not ``http.server.HTTPServer``: that one looks its host name up in DNS
    (``getfqdn``) when it binds, which can take seconds on a badly configured network."""

    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True  # a fixed --port can be used again right after a restart

    def __init__(self, address: tuple[str, int], app: WSGIApp) -> None:
        self.app = app
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()
        self.address_family = socket.AF_INET6 if ":" in address[0] else socket.AF_INET
        super().__init__(address, _RequestHandler)
        host, port = self.server_address[:2]
        self.host = str(host)
        self.port = int(port)

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._connections_lock:
            self._connections.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self._connections_lock:
            self._connections.discard(request)
        super().shutdown_request(request)

    def close_connections(self) -> None:
        """End every open connection: a client's next request on one fails to connect."""
        with self._connections_lock:
            connections = list(self._connections)
        for connection in connections:
            with contextlib.suppress(OSError):  # already closed by the client
                connection.shutdown(socket.SHUT_RDWR)


class _RequestHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "shopper-login-desk-sandbox"
    sys_version = ""
    disable_nagle_algorithm = True  # else each reply waits ~40 ms for a delayed ACK
    timeout = IDLE_TIMEOUT_S
    server: KeepAliveWSGIServer

    def __getattr__(self, name: str) -> Any:
        if name.startswith("do_") and name[3:] in _METHODS:
            return self._serve
        raise AttributeError(name)

    def handle(self) -> None:
        # The client went away, or an idle connection timed out: nobody to answer.
        with contextlib.suppress(ConnectionError, TimeoutError):
            super().handle()

    def log_message(self, format: str, *args: Any) -> None:
        """Silenced: the sandbox keeps its own request log."""

    def _serve(self) -> None:
        environ = self._environ()
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            environ["wsgi.input"] = DechunkedInput(cast(IO[bytes], self.rfile))
            environ["wsgi.input_terminated"] = True
            self.close_connection = True  # what the app leaves unread would be the next request
        else:
            try:
                length = int(self.headers.get("Content-Length") or 0)
            except ValueError:
                length = -1
            if length < 0:
                self.close_connection = True
                self.send_error(400, "Bad Content-Length")
                return
            if length <= READ_AHEAD_BYTES:
                body = self.rfile.read(length) if length else b""
                if len(body) < length:
                    self.close_connection = True  # the client hung up mid-body
                    return
                environ["wsgi.input"] = io.BytesIO(body)
            else:  # the app refuses it unread (413): do not read megabytes to keep the socket
                environ["wsgi.input"] = LimitedStream(cast(IO[bytes], self.rfile), length)
                self.close_connection = True
        self._answer(environ)

    def _environ(self) -> dict[str, Any]:
        path, _, query = self.path.partition("?")
        environ: dict[str, Any] = {
            "wsgi.version": (1, 0),
            "wsgi.url_scheme": "http",
            "wsgi.errors": sys.stderr,
            "wsgi.multithread": True,
            "wsgi.multiprocess": False,
            "wsgi.run_once": False,
            "REQUEST_METHOD": self.command,
            "SCRIPT_NAME": "",
            "PATH_INFO": unquote(path, "latin-1"),
            "QUERY_STRING": query,
            "REQUEST_URI": self.path,
            "REMOTE_ADDR": self.client_address[0],
            "REMOTE_PORT": str(self.client_address[1]),
            "SERVER_NAME": self.server.host,
            "SERVER_PORT": str(self.server.port),
            "SERVER_PROTOCOL": self.request_version,
        }
        for key, value in self.headers.items():
            if "_" in key:
                continue  # X_Token would pass for X-Token: dropped, as werkzeug and nginx do
            name = key.upper().replace("-", "_")
            if name not in ("CONTENT_TYPE", "CONTENT_LENGTH"):
                name = f"HTTP_{name}"
            environ[name] = f"{environ[name]},{value}" if name in environ else value
        return environ

    def _answer(self, environ: dict[str, Any]) -> None:
        started: list[tuple[str, list[tuple[str, str]]]] = []
        written: list[bytes] = []  # through WSGI's legacy write() callable, ahead of the rest

        def start_response(
            status: str, headers: list[tuple[str, str]], exc_info: Any = None
        ) -> Any:
            started[:] = [(status, headers)]
            return written.append

        try:
            result: Iterable[bytes] = self.server.app(environ, start_response)
            try:
                payload = b"".join([*written, *result])
            finally:
                close = getattr(result, "close", None)
                if close is not None:
                    close()
        except Exception:
            log.exception("the sandbox failed to answer %s %s", self.command, self.path)
            self.close_connection = True
            self.send_error(500, "The sandbox failed to answer; see its log")
            return
        status, headers = started[0]
        code, _, reason = status.partition(" ")
        self.send_response(int(code), reason)
        names = set()
        for name, value in headers:
            names.add(name.lower())
            self.send_header(name, value)
        if "content-length" not in names:
            self.send_header("Content-Length", str(len(payload)))
        if self.close_connection:
            self.send_header("Connection", "close")  # the client must not send another
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(payload)
