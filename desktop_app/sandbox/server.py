"""Running the sandbox in-process: a threaded HTTP/1.1 server on a daemon thread.

In-process (rather than a subprocess) so tests start one in milliseconds and can reach in to
inject faults or expire tokens, while still talking to it over real loopback HTTP exactly as the
app does. The CLI in ``__main__`` uses the same function.
"""

from __future__ import annotations

import ipaddress
import threading
from types import TracebackType
from typing import Any

from desktop_app.sandbox.app import SandboxApp
from desktop_app.sandbox.controls import Controls
from desktop_app.sandbox.seed import Seed, demo_seed
from desktop_app.sandbox.wsgi_server import KeepAliveWSGIServer

_POLL_INTERVAL_SECONDS = 0.05


class RunningSandbox:
    """A started sandbox: its URL, its seed, and the knobs tests turn while it runs."""

    def __init__(self, server: KeepAliveWSGIServer, app: SandboxApp, controls: Controls) -> None:
        self._server = server
        self._app = app
        self._controls = controls
        self._stop_lock = threading.Lock()
        self._stopped = False
        host = server.host if ":" not in server.host else f"[{server.host}]"
        self.url = f"http://{host}:{server.port}"
        self.seed = app.seed
        self._thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": _POLL_INTERVAL_SECONDS},
            name=f"sandbox {self.url}",
            daemon=True,
        )
        self._thread.start()

    def stop(self) -> None:
        """Stop serving and close the listening socket; calling it again does nothing."""
        with self._stop_lock:
            if self._stopped:
                return
            self._stopped = True
        self._server.shutdown()
        self._server.server_close()
        self._server.close_connections()  # a kept-alive connection must not reach a stopped store
        self._thread.join()

    def __enter__(self) -> RunningSandbox:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    def fail_next(
        self, status: int, path_prefix: str | None = None, *, times: int = 1, after: int = 0
    ) -> None:
        """Answer the next ``times`` requests whose path starts with ``path_prefix`` (any
        request if None) with ``status`` instead: 429/503 carry ``Retry-After: 1``, 500 an HTML
        page, 502 an empty body, others a JSON:API error — what gateways really send.
        ``after`` lets that many matching requests through first (a later page failing)."""
        self._controls.add_fault(status, path_prefix, times, after)

    def set_latency(self, ms: int) -> None:
        """Delay every reply by ``ms`` milliseconds, to exercise the app's busy states."""
        self._controls.latency_ms = ms

    def expire_access_tokens(self) -> None:
        """Make every bearer token issued so far expired, to drive the client's 401 re-auth."""
        self._app.bearers.expire_all()

    @property
    def access_token_lifetime_seconds(self) -> int:
        """Lifetime of bearer tokens issued from now on (``expires_in``); 3600 like a store."""
        return self._controls.access_token_lifetime_seconds

    @access_token_lifetime_seconds.setter
    def access_token_lifetime_seconds(self, seconds: int) -> None:
        self._controls.access_token_lifetime_seconds = seconds

    @property
    def request_log(self) -> list[tuple[str, str, int]]:
        """A snapshot of ``(method, path, status)`` for every request answered so far."""
        return self._controls.request_log()

    def reset_request_log(self) -> None:
        self._controls.reset_request_log()


def start_sandbox(
    seed: Seed | dict[str, Any] | None = None,
    port: int = 0,
    host: str = "127.0.0.1",
    *,
    latency_ms: int = 0,
    accounts: int | None = None,
    allow_remote: bool = False,
) -> RunningSandbox:
    """Start a sandbox store and return once it accepts connections.

    ``port=0`` picks a free port (read it from ``.url``). ``accounts`` gives the demo seed's
    first shopper that many accounts. A non-loopback ``host`` needs ``allow_remote=True``:
    the sandbox's demo credentials are public, so exposing it must be a deliberate choice.
    """
    if not allow_remote and not _is_loopback(host):
        raise ValueError(
            f"host {host!r} is not a loopback address; the sandbox's demo credentials are "
            "public, so pass allow_remote=True (CLI: --allow-remote) to listen on it anyway"
        )
    if seed is None:
        effective = demo_seed(accounts)
    elif accounts is not None:
        raise ValueError("accounts applies to the demo seed only; put accounts in your seed")
    elif isinstance(seed, Seed):
        effective = seed
    else:
        effective = Seed.from_dict(seed)
    controls = Controls(latency_ms)
    app = SandboxApp(effective, controls)
    server = KeepAliveWSGIServer((host, port), app)
    return RunningSandbox(server, app, controls)


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
