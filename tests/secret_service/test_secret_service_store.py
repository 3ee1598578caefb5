"""SecretStore against a real Secret Service (gnome-keyring), through keyring's own backend."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from keyring.backend import KeyringBackend

from desktop_app.credentials import SERVICE_NAME, SecretLocation, SecretStore

pytestmark = pytest.mark.secret_service

SECRET_SERVICE = "Secret Service (GNOME Keyring / KWallet)"


@pytest.fixture
def connection_id(memory_keyring: KeyringBackend) -> Iterator[str]:
    """A fresh id per test, removed afterwards even if the test failed half-way."""
    made = uuid.uuid4().hex
    yield made
    SecretStore().delete(made)
    assert memory_keyring.get_password(SERVICE_NAME, made) is None


def test_the_real_backend_is_the_one_in_use(memory_keyring: KeyringBackend) -> None:
    store = SecretStore()

    assert type(memory_keyring).__module__ == "keyring.backends.SecretService"
    assert store.location == SECRET_SERVICE
    assert store.is_persistent
    assert store.notice is None


def test_store_read_back_and_delete(memory_keyring: KeyringBackend, connection_id: str) -> None:
    store = SecretStore()
    secret = "real-secret-" + uuid.uuid4().hex + " ünïcødé ✓"

    result = store.set(connection_id, secret)

    assert result.location is SecretLocation.KEYRING
    assert result.description == f"Saved in {SECRET_SERVICE}."
    assert store.get(connection_id) == secret
    # A fresh store (as after a restart) and keyring itself find it in the Secret Service.
    assert SecretStore().get(connection_id) == secret
    assert memory_keyring.get_password(SERVICE_NAME, connection_id) == secret

    replaced = store.set(connection_id, "second-" + secret)
    assert replaced.persistent
    assert SecretStore().get(connection_id) == "second-" + secret

    assert store.delete(connection_id).ok
    assert store.get(connection_id) is None
    assert SecretStore().get(connection_id) is None
    assert memory_keyring.get_password(SERVICE_NAME, connection_id) is None
    assert store.delete(connection_id).ok  # deleting again: nothing there, still fine
    assert store.is_persistent


def test_entries_are_kept_apart_per_connection(connection_id: str) -> None:
    other = uuid.uuid4().hex
    store = SecretStore()
    try:
        store.set(connection_id, "first")
        store.set(other, "second")

        assert SecretStore().get(connection_id) == "first"
        assert SecretStore().get(other) == "second"
    finally:
        assert store.delete(other).ok
