"""The composition root: every long-lived object the windows use, built once and passed in.

Nothing here imports ``requests``, keyring or the sandbox at import time: the window paints
first and the heavy modules load on the worker thread the first time they are needed. The
secret store and the redactor are built on first use too (after the first paint).
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable, Mapping
from types import ModuleType
from typing import TYPE_CHECKING, Any, NamedTuple

from desktop_app.api.errors import ApiError, ConfigurationError
from desktop_app.settings import AppSettings, SavedConnection

if TYPE_CHECKING:
    from desktop_app.api.client import CommerceClient
    from desktop_app.api.connection import ConnectionConfig
    from desktop_app.api.redaction import Redactor
    from desktop_app.api.transport import RetryPolicy, Timeouts
    from desktop_app.credentials import SecretStore
    from desktop_app.worker import JobRunner

log = logging.getLogger("desktop_app")

SANDBOX = "sandbox"
ENVIRONMENT = "environment"
SAVED = "saved"


class ConnectionEntry(NamedTuple):
    """A connection as the connection combo lists it.

    NamedTuples here, not dataclasses: this module loads before the window's first paint,
    where importing ``dataclasses`` and building each frozen dataclass cost ~1 ms."""

    key: str
    label: str
    kind: str  # SANDBOX, ENVIRONMENT or SAVED
    config: ConnectionConfig | None = None  # sandbox and saved: built when first used
    problem: str | None = None  # why this entry cannot be used, in plain words
    saved: SavedConnection | None = None  # SAVED only: its secret is read from the keyring


class ClientOptions(NamedTuple):
    """How patient clients are; tests pass small values so fault cases run fast."""

    timeouts: Timeouts | None = None
    retry: RetryPolicy | None = None


class SandboxHandle:
    """Starts the embedded sandbox once, on first use, from whichever thread needs it."""

    def __init__(self, starter: Callable[[], Any] | None = None) -> None:
        self._starter = starter or _start_default_sandbox
        self._lock = threading.Lock()
        self._running: Any = None
        self._owned = True

    @classmethod
    def attached(cls, running: Any) -> SandboxHandle:
        """Use a sandbox someone else started (tests); ``stop`` then leaves it running."""
        handle = cls(starter=lambda: running)
        handle._running = running
        handle._owned = False
        return handle

    def config(self) -> ConnectionConfig:
        from desktop_app.api.connection import ConnectionConfig

        with self._lock:
            if self._running is None:
                self._running = self._starter()
                log.info("sandbox started at %s", self._running.url)
            seed = self._running.seed
            return ConnectionConfig(
                name="Sandbox",
                base_url=self._running.url,
                client_id=seed.client_id,
                client_secret=seed.client_secret,
            )

    def stop(self) -> None:
        with self._lock:
            if self._running is not None and self._owned:
                self._running.stop()
                self._running = None


def _start_default_sandbox() -> Any:
    from desktop_app.sandbox import start_sandbox

    return start_sandbox()


class AppContext:
    """Handed to every window and form; owns the worker pool, clients and the sandbox."""

    def __init__(
        self,
        *,
        runner: JobRunner | None = None,
        environ: Mapping[str, str] | None = None,
        sandbox: SandboxHandle | None = None,
        client_options: ClientOptions | None = None,
        settings: AppSettings | None = None,
        secrets: SecretStore | None = None,
    ) -> None:
        self._runner = runner
        self.settings = settings or AppSettings()
        self._secrets = secrets
        self._redactor: Redactor | None = None
        self.environ = dict(os.environ if environ is None else environ)
        self.sandbox = sandbox or SandboxHandle()
        self.client_options = client_options or ClientOptions()
        self._clients: dict[str, CommerceClient] = {}
        self._lock = threading.Lock()  # the clients
        self._services_lock = threading.Lock()  # building secrets / redactor (not reentrant)

    @property
    def runner(self) -> JobRunner:
        """The worker pool every job goes through; made on first use, on the GUI thread (its
        replies are delivered there), which is after the window's first paint."""
        if self._runner is None:
            from desktop_app.worker import JobRunner

            self._runner = JobRunner()
        return self._runner

    @property
    def secrets(self) -> SecretStore:
        """The keyring-backed store; safe to reach first from any thread."""
        with self._services_lock:
            if self._secrets is None:
                from desktop_app.credentials import SecretStore

                self._secrets = SecretStore()
            return self._secrets

    @property
    def redactor(self) -> Redactor:
        """One for every client and the activity log: a secret any of them learns (client
        secret, shopper password) is masked everywhere from then on."""
        with self._services_lock:
            if self._redactor is None:
                from desktop_app.api.redaction import Redactor

                self._redactor = Redactor()
            return self._redactor

    def connections(self) -> list[ConnectionEntry]:
        from desktop_app.api.connection import ConnectionConfig  # with the window's second phase

        entries = [ConnectionEntry(key=SANDBOX, label="Sandbox (local demo store)", kind=SANDBOX)]
        try:
            environment = ConnectionConfig.from_environment(self.environ)
        except ConfigurationError as error:
            entries.append(
                ConnectionEntry(
                    key=ENVIRONMENT,
                    label="Environment (EPCC_* variables)",
                    kind=ENVIRONMENT,
                    problem=f"The EPCC_* variables are not usable: {error}",
                )
            )
        else:
            if environment is not None:
                host = environment.base_url.split("://", 1)[1]
                entries.append(
                    ConnectionEntry(
                        key=ENVIRONMENT,
                        label=f"Environment ({host})",
                        kind=ENVIRONMENT,
                        config=environment,
                    )
                )
        for saved in self.settings.connections():
            problem = None
            try:
                saved.base_url  # noqa: B018 - validates the stored URL
            except ConfigurationError as error:
                problem = f"The saved connection “{saved.name}” is not usable: {error}"
            entries.append(
                ConnectionEntry(
                    key=f"{SAVED}:{saved.id}",
                    label=saved.name,
                    kind=SAVED,
                    problem=problem,
                    saved=saved,
                )
            )
        return entries

    def client_for(self, entry: ConnectionEntry) -> CommerceClient:
        """Build (once) the client of a connection. Blocking: call it on a worker thread."""
        if entry.problem:
            raise ConfigurationError(entry.problem)
        config: ConnectionConfig | None
        if entry.kind == SANDBOX:
            config = self.sandbox.config()
        elif entry.saved is not None:  # read now: the secret may have changed since listing
            config = entry.saved.to_config(self.secrets.get(entry.saved.id))
        else:
            config = entry.config
        if config is None:
            raise ConfigurationError("This connection has no settings yet.")
        with self._lock:
            client = self._clients.get(entry.key)
            if client is not None and client.config == config:
                return client
            if client is not None:  # the connection was edited: let the old session go
                client.close()
            client = self.make_client(config)
            self._clients[entry.key] = client
            return client

    @property
    def operations(self) -> ModuleType:
        """The realm-admin operations (``desktop_app.api.user_logins``), loaded on first use
        because they pull in the network stack; jobs call them on the worker thread."""
        from desktop_app.api import user_logins

        return user_logins

    def make_client(self, config: ConnectionConfig) -> CommerceClient:
        """A throw-away client for a connection that is not saved yet (the dialog's Test)."""
        from desktop_app.api.client import CommerceClient

        kwargs: dict[str, Any] = {"redactor": self.redactor}
        if self.client_options.timeouts is not None:
            kwargs["timeouts"] = self.client_options.timeouts
        if self.client_options.retry is not None:
            kwargs["retry"] = self.client_options.retry
        return CommerceClient(config, **kwargs)

    def abort_all_requests(self) -> None:
        with self._lock:
            clients = list(self._clients.values())
        for client in clients:
            client.abort_in_flight()

    def shutdown(self, wait_ms: int | None = None) -> bool:
        """Bounded: cancel jobs, interrupt sockets, wait a little, then release everything."""
        self.abort_all_requests()
        finished = self.runner.shutdown() if wait_ms is None else self.runner.shutdown(wait_ms)
        with self._lock:
            clients = list(self._clients.values())
            self._clients.clear()
        for client in clients:
            client.close()
        self.sandbox.stop()
        return finished


def describe_error(error: BaseException) -> str:
    """The one sentence (plus server detail) shown for any failure."""
    if isinstance(error, ApiError):
        return error.explain()
    return "Something unexpected went wrong. The details are in the log."
