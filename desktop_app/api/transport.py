"""One ``requests.Session`` per connection, with the rules every call shares.

Timeouts, retries, the User-Agent, TLS verification, logging and the translation of transport
failures into typed errors all live here, so no operation can forget one of them.
"""

from __future__ import annotations

import contextlib
import json
import logging
import socket
import threading
import time
import weakref
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any
from urllib.parse import urlencode

import requests
from requests.adapters import HTTPAdapter
from requests.structures import CaseInsensitiveDict
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import ConnectionPool, HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import MaxRetryError
from urllib3.response import BaseHTTPResponse
from urllib3.util.retry import Retry

from desktop_app import __version__
from desktop_app.api.errors import (
    ApiError,
    BadResponse,
    ConnectionLost,
    NetworkError,
    OperationCancelled,
    RequestTimeout,
)
from desktop_app.api.redaction import Redactor, redact_shapes

log = logging.getLogger("desktop_app.api")

USER_AGENT = f"shopper-login-desk/{__version__}"
REQUEST_ID_HEADERS = ("X-Request-ID", "X-Request-Id", "Request-Id", "X-Amzn-RequestId")


@dataclass(frozen=True)
class Timeouts:
    connect: float = 5.0
    read: float = 30.0


@dataclass(frozen=True)
class RetryPolicy:
    """How patient the client is. Tests shrink these so fault cases run in milliseconds."""

    attempts: int = 3  # retries after the first try, for 429/503 and refused connections
    backoff_factor: float = 0.5
    max_retry_after: float = 10.0  # a longer Retry-After is reported instead of waited out
    sleep: Callable[[float], None] = field(default=time.sleep, compare=False)


DEFAULT_TIMEOUTS = Timeouts()
DEFAULT_RETRY = RetryPolicy()


class _BoundedRetry(Retry):
    """urllib3's Retry, but a server's Retry-After can never freeze a job for minutes."""

    policy: RetryPolicy = DEFAULT_RETRY

    def new(self, **kwargs: Any) -> _BoundedRetry:
        retry = super().new(**kwargs)
        retry.policy = self.policy
        return retry

    def parse_retry_after(self, retry_after: str) -> float:
        """A malformed Retry-After (negative, huge, garbage) means "no hint", not a failure:
        urllib3 would raise InvalidHeader and the 429 would read as a network error."""
        try:
            seconds = super().parse_retry_after(retry_after)
        except Exception:  # urllib3 raises InvalidHeader; anything else is just as unusable
            return 0.0
        return seconds if 0 <= seconds < float("inf") else 0.0

    def sleep_for_retry(self, response: Any) -> bool:
        retry_after = self.get_retry_after(response)
        if retry_after is None:
            return False
        self.policy.sleep(retry_after)
        return True

    def _sleep_backoff(self) -> None:
        backoff = self.get_backoff_time()
        if backoff > 0:
            self.policy.sleep(backoff)

    def increment(
        self,
        method: str | None = None,
        url: str | None = None,
        response: BaseHTTPResponse | None = None,
        error: Exception | None = None,
        _pool: ConnectionPool | None = None,
        _stacktrace: TracebackType | None = None,
    ) -> _BoundedRetry:
        if response is not None:
            retry_after = self.get_retry_after(response)
            if retry_after is not None and retry_after > self.policy.max_retry_after:
                # Waiting that long inside a click is worse than saying so: urllib3 hands
                # the reply back (raise_on_status is off) and it becomes a typed error.
                raise MaxRetryError(_pool, url or "", reason=None)  # type: ignore[arg-type]
        retry = super().increment(method, url, response, error, _pool, _stacktrace)
        if response is not None:  # a reply the transport never sees: log it for the activity log
            request_id = next(
                (response.headers[h] for h in REQUEST_ID_HEADERS if h in response.headers), None
            )
            url = redact_shapes(url or "")  # no client redactor here: mask every secret shape
            log.info(
                "%s %s -> %s, retrying (request %s)",
                method,
                url,
                response.status,
                request_id or "-",
                extra=_activity(
                    method or "", url or "", response.status, None, request_id, "reply"
                ),
            )
        return retry


def build_retry(policy: RetryPolicy) -> Retry:
    retry = _BoundedRetry(
        total=policy.attempts,
        connect=policy.attempts,  # nothing was sent yet: safe for any method
        read=False,  # the server may have acted on a POST: never resend, report as it is
        other=0,
        status=policy.attempts,
        status_forcelist=(429, 503),  # the request was not processed: safe for any method
        allowed_methods=None,
        backoff_factor=policy.backoff_factor,
        respect_retry_after_header=True,
        raise_on_status=False,  # the last 429/503 reply reaches us and becomes a typed error
        redirect=3,
    )
    retry.policy = policy
    return retry


class _SocketRegistry:
    """Open sockets of one adapter, so a cancel or a shutdown can interrupt a blocked read.

    A cancel can land before the request's socket exists; the cancel flag of the request
    being sent on this thread is therefore checked again when a socket connects. It also
    runs the request's ``on_sent`` hook once the request has left (see ``Transport.send``)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._sockets: weakref.WeakSet[socket.socket] = weakref.WeakSet()
        self._current = threading.local()

    @contextlib.contextmanager
    def sending(
        self, cancelled: threading.Event | None, on_sent: Callable[[], None] | None = None
    ) -> Iterator[None]:
        self._current.cancelled = cancelled
        self._current.on_sent = on_sent
        try:
            yield
        finally:
            self._current.cancelled = None
            self._current.on_sent = None

    def sent(self) -> None:
        """The request on this thread is on the wire: run its hook, once (not for a retry)."""
        on_sent = getattr(self._current, "on_sent", None)
        if on_sent is not None:
            self._current.on_sent = None
            on_sent()

    def add(self, sock: socket.socket) -> None:
        with self._lock:
            self._sockets.add(sock)
        cancelled = getattr(self._current, "cancelled", None)
        if cancelled is not None and cancelled.is_set():
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    def shutdown_all(self) -> int:
        with self._lock:
            sockets = list(self._sockets)
            self._sockets = weakref.WeakSet()
        for sock in sockets:
            with contextlib.suppress(OSError):  # already closed: nothing left to interrupt
                sock.shutdown(socket.SHUT_RDWR)
        return len(sockets)


class _AbortableAdapter(HTTPAdapter):
    """An HTTPAdapter whose pools record every socket they open."""

    def __init__(self, registry: _SocketRegistry, **kwargs: Any) -> None:
        self._registry = registry
        super().__init__(**kwargs)

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        registry = self._registry

        class TrackedHTTPConnection(HTTPConnection):
            def connect(self) -> None:
                super().connect()
                registry.add(self.sock)

            def request(self, *args: Any, **kwargs: Any) -> None:
                super().request(*args, **kwargs)
                registry.sent()

        # The same tracking over the TLS connect: HTTPSConnection is an HTTPConnection, so
        # TrackedHTTPConnection's super() calls reach HTTPSConnection's methods first here.
        class TrackedHTTPSConnection(TrackedHTTPConnection, HTTPSConnection):
            pass

        class TrackedHTTPPool(HTTPConnectionPool):
            ConnectionCls = TrackedHTTPConnection

        class TrackedHTTPSPool(HTTPSConnectionPool):
            ConnectionCls = TrackedHTTPSConnection

        self.poolmanager.pool_classes_by_scheme = {
            "http": TrackedHTTPPool,
            "https": TrackedHTTPSPool,
        }


def _activity(
    method: str,
    path: str,
    status: int | None,
    elapsed_ms: float | None,
    request_id: str | None,
    result: str,
) -> dict[str, object]:
    """Structured fields for the activity log, so it never has to parse message text."""
    return {
        "activity": {
            "method": method,
            "path": path,
            "status": status,
            "elapsed_ms": elapsed_ms,
            "request_id": request_id,
            "result": result,
        }
    }


@dataclass(frozen=True)
class Reply:
    """A completed HTTP exchange, whatever its status."""

    status: int
    body: bytes
    content_type: str | None
    headers: dict[str, str]
    request_id: str | None
    elapsed_ms: float

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    def json(self) -> Any:
        try:
            return json.loads(self.body)
        except (ValueError, UnicodeDecodeError, RecursionError) as exc:  # Recursion: [[[[…
            raise BadResponse(
                "The store sent a reply that is not valid JSON.",
                status=self.status,
                request_id=self.request_id,
            ) from exc


class Transport:
    """Sends requests for one connection; every failure leaves as an ApiError."""

    def __init__(
        self,
        base_url: str,
        redactor: Redactor,
        *,
        timeouts: Timeouts = DEFAULT_TIMEOUTS,
        retry: RetryPolicy = DEFAULT_RETRY,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.redact = redactor
        self.timeouts = timeouts
        self._registry = _SocketRegistry()
        self.session = requests.Session()
        self.session.trust_env = False  # a stray proxy variable must not reroute secrets
        self.session.verify = True
        self.session.headers.update({"User-Agent": USER_AGENT, "Accept": "application/json"})
        adapter = _AbortableAdapter(self._registry, max_retries=build_retry(retry))
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)

    def close(self) -> None:
        self.session.close()

    def abort_in_flight(self) -> int:
        """Interrupt blocked reads; the requests they served end as OperationCancelled."""
        return self._registry.shutdown_all()

    def send(
        self,
        method: str,
        path: str,
        *,
        headers: dict[str, str] | None = None,
        params: dict[str, Any] | None = None,
        json_body: Any = None,
        form: dict[str, str] | None = None,
        cancelled: threading.Event | None = None,
        on_sent: Callable[[], None] | None = None,
    ) -> Reply:
        """``on_sent`` runs on this thread once the request has been written to the socket,
        while the store works on it (never if it could not be sent): a reader of many pages
        hands the previous page on then, so the work on it overlaps the network wait."""
        url = self.base_url + path
        if cancelled is not None and cancelled.is_set():
            raise OperationCancelled()
        started = time.perf_counter()
        try:
            prepared = self._prepare(method, url, headers, params, json_body, form)
            with self._registry.sending(cancelled, on_sent):
                response = self.session.send(
                    prepared, timeout=(self.timeouts.connect, self.timeouts.read)
                )
        except requests.RequestException as exc:
            elapsed = (time.perf_counter() - started) * 1000
            # With its query, as a reply's line has it: which page failed matters.
            sent = self.redact(path + (f"?{urlencode(params)}" if params else ""))
            if cancelled is not None and cancelled.is_set():
                log.info(
                    "%s %s cancelled after %.0f ms",
                    method,
                    sent,
                    elapsed,
                    extra=_activity(method, sent, None, elapsed, None, "cancelled"),
                )
                raise OperationCancelled() from None
            error = self._transport_error(exc)
            log.warning(
                "%s %s failed after %.0f ms: %s",
                method,
                sent,
                elapsed,
                self.redact(f"{type(exc).__name__}: {exc}"),
                extra=_activity(method, sent, None, elapsed, None, "failed"),
            )
            raise error from None
        elapsed = (time.perf_counter() - started) * 1000
        request_id = next(
            (response.headers[h] for h in REQUEST_ID_HEADERS if h in response.headers), None
        )
        logged_path = self.redact(response.request.path_url or path)
        log.info(
            "%s %s -> %s in %.0f ms (request %s)",
            method,
            logged_path,
            response.status_code,
            elapsed,
            request_id or "-",
            extra=_activity(
                method, logged_path, response.status_code, elapsed, request_id, "reply"
            ),
        )
        return Reply(
            status=response.status_code,
            body=response.content,
            content_type=response.headers.get("Content-Type"),
            headers=dict(response.headers),
            request_id=request_id,
            elapsed_ms=elapsed,
        )

    def _prepare(
        self,
        method: str,
        url: str,
        headers: dict[str, str] | None,
        params: dict[str, Any] | None,
        json_body: Any,
        form: dict[str, str] | None,
    ) -> requests.PreparedRequest:
        """The request ``Session.request`` would build, built directly.

        ``Session.request`` merges the session's settings into every request with generic
        helpers that accept any mapping or pair list; on Python 3.11 their runtime-checked
        protocol tests and copies cost ~0.1 ms a request, as much as the rest of preparing
        it, and a quick login waits for two (./dev bench). Here the query and the body are
        encoded from the plain dicts this module is given, and the session's headers and
        cookies are merged as ``Session.request`` merges them; ``Session.send`` still adds
        its adapters, proxies, TLS settings and redirects."""
        merged = CaseInsensitiveDict(self.session.headers)
        body: bytes | None = None
        if json_body is not None:
            merged["Content-Type"] = "application/json"
            body = json.dumps(json_body, allow_nan=False).encode("utf-8")
        elif form is not None:
            merged["Content-Type"] = "application/x-www-form-urlencoded"
            body = urlencode(form).encode("ascii")
        if headers:
            merged.update(headers)
        query = urlencode({k: v for k, v in (params or {}).items() if v is not None}, doseq=True)
        if query:
            url += "?" + query
        prepared = requests.PreparedRequest()
        prepared.prepare(
            method=method, url=url, headers=merged, data=body, cookies=self.session.cookies
        )
        return prepared

    def _transport_error(self, exc: requests.RequestException) -> ApiError:
        """Plain words for what went wrong below HTTP; the original text is masked first."""
        text = self.redact(str(exc))
        host = self.base_url.split("://", 1)[-1]
        if isinstance(exc, requests.exceptions.SSLError):
            return NetworkError(
                f"The secure connection to {host} could not be verified, so nothing was sent. "
                "The store's certificate is not trusted on this computer.",
                detail=text,
            )
        if isinstance(exc, requests.exceptions.ConnectTimeout):
            return RequestTimeout(
                f"Could not connect to {host} in time. Check the network and the store URL.",
                detail=text,
            )
        if isinstance(exc, requests.exceptions.Timeout):
            return RequestTimeout(
                f"{host} did not answer within {self.timeouts.read:g} seconds. "
                "Try again in a moment.",
                detail=text,
            )
        lowered = text.lower()
        if (
            "name or service not known" in lowered
            or "nodename nor servname" in lowered
            or ("getaddrinfo failed" in lowered)
            or "failed to resolve" in lowered
            or "name resolution" in lowered
        ):
            return NetworkError(
                f"The store's host name {host.split(':')[0]} could not be found. "
                "Check the store URL and the network connection.",
                detail=text,
            )
        if "refused" in lowered:
            return NetworkError(
                f"{host} refused the connection. Check the store URL; for the sandbox, "
                "check that it is running.",
                detail=text,
            )
        if isinstance(exc, requests.exceptions.ConnectionError):
            return ConnectionLost(
                f"The connection to {host} was lost before the store answered. Try again.",
                detail=text,
            )
        return NetworkError(detail=text)
