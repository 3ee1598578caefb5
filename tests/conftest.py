"""Isolation for every test: no real keyring, no real settings, no real network."""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterator

import keyring
import pytest
from hypothesis import HealthCheck, settings
from keyring.backend import KeyringBackend

from desktop_app.api.client import CommerceClient
from desktop_app.api.connection import ConnectionConfig
from desktop_app.api.transport import RetryPolicy, Timeouts
from desktop_app.sandbox import RunningSandbox, start_sandbox

# Shared, noisy machines: hypothesis judges inputs, never how fast they ran.
settings.register_profile(
    "project", deadline=None, suppress_health_check=[HealthCheck.too_slow], max_examples=100
)
settings.load_profile("project")


def _no_wait(seconds: float) -> None:
    """Retry waits are recorded by the tests that care, never slept through."""


def pytest_configure(config: pytest.Config) -> None:
    """Every file the app (or an app subprocess a test starts) writes lands in a temp home:
    settings, logs, caches. Set before any test runs so Qt and subprocesses both see it."""
    import os
    import tempfile

    home = tempfile.mkdtemp(prefix="shopper-login-desk-tests-")
    for variable, folder in (
        ("XDG_CONFIG_HOME", "config"),
        ("XDG_DATA_HOME", "data"),
        ("XDG_CACHE_HOME", "cache"),
        ("XDG_STATE_HOME", "state"),
    ):
        path = os.path.join(home, folder)
        os.makedirs(path, exist_ok=True)
        os.environ[variable] = path


FAST_RETRY = RetryPolicy(attempts=2, backoff_factor=0.0, sleep=_no_wait)
FAST_TIMEOUTS = Timeouts(connect=2.0, read=5.0)


def _memory_keyring() -> KeyringBackend:
    """Defined inside a function on purpose: keyring registers every KeyringBackend subclass
    alive when it first picks a backend, so a module-level class would become the default."""

    class MemoryKeyring(KeyringBackend):
        priority = 1  # type: ignore[assignment]

        def __init__(self) -> None:
            super().__init__()
            self.entries: dict[tuple[str, str], str] = {}

        def get_password(self, service: str, username: str) -> str | None:
            return self.entries.get((service, username))

        def set_password(self, service: str, username: str, password: str) -> None:
            self.entries[(service, username)] = password

        def delete_password(self, service: str, username: str) -> None:
            self.entries.pop((service, username), None)

    return MemoryKeyring()


@pytest.fixture(autouse=True)
def memory_keyring() -> Iterator[KeyringBackend]:
    previous = keyring.get_keyring()
    backend = _memory_keyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


@pytest.fixture(autouse=True)
def isolated_settings(tmp_path_factory: pytest.TempPathFactory) -> None:
    """QSettings of the app go to a temp folder, never the developer's real profile."""
    from PySide6.QtCore import QSettings

    folder = tmp_path_factory.mktemp("settings")
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    for scope in (QSettings.Scope.UserScope, QSettings.Scope.SystemScope):
        QSettings.setPath(QSettings.Format.IniFormat, scope, str(folder))


@pytest.fixture(autouse=True)
def no_remote_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """A test that tries to leave this machine fails loudly instead of touching a store."""
    real_connect = socket.socket.connect

    def guarded_connect(self: socket.socket, address: object) -> None:
        if isinstance(address, tuple) and address:
            host = str(address[0])
            try:
                allowed = ipaddress.ip_address(host).is_loopback
            except ValueError:
                allowed = host == "localhost"
            if not allowed:
                raise AssertionError(f"test tried to connect to a non-loopback address {host}")
        real_connect(self, address)  # type: ignore[arg-type]

    monkeypatch.setattr(socket.socket, "connect", guarded_connect)


@pytest.fixture
def sandbox() -> Iterator[RunningSandbox]:
    running = start_sandbox()
    yield running
    running.stop()


def make_client(
    sandbox: RunningSandbox, *, secret: bool = True, **kwargs: object
) -> CommerceClient:
    config = ConnectionConfig(
        name="Sandbox",
        base_url=sandbox.url,
        client_id=sandbox.seed.client_id,
        client_secret=sandbox.seed.client_secret if secret else None,
    )
    options: dict[str, object] = {"retry": FAST_RETRY, "timeouts": FAST_TIMEOUTS, **kwargs}
    return CommerceClient(config, **options)  # type: ignore[arg-type]


@pytest.fixture
def client(sandbox: RunningSandbox) -> Iterator[CommerceClient]:
    made = make_client(sandbox)
    yield made
    made.close()
