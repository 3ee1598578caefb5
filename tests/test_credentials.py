"""SecretStore: the OS keyring when one works, memory for this session (and a notice) when not."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import threading
from pathlib import Path

import keyring
import pytest
from keyring.backend import KeyringBackend
from keyring.backends import chainer, fail, null
from keyring.errors import KeyringLocked, PasswordDeleteError

from desktop_app.credentials import (
    MEMORY_LOCATION,
    SERVICE_NAME,
    SecretLocation,
    SecretStore,
    describe_backend,
    unusable_reason,
)
from tests.conftest import _memory_keyring

SECRET = "s3cret-value-that-must-not-leak"


def _backend(kind: str) -> KeyringBackend:
    """Test backends, made inside a function so keyring never registers them as a default."""

    class LockedKeyring(KeyringBackend):
        """A Secret Service whose collection stays locked: every call raises."""

        priority = 1  # type: ignore[assignment]

        def get_password(self, service: str, username: str) -> str | None:
            raise KeyringLocked("Failed to unlock the collection!")

        def set_password(self, service: str, username: str, password: str) -> None:
            raise KeyringLocked("Failed to unlock the collection!")

        def delete_password(self, service: str, username: str) -> None:
            raise KeyringLocked("Failed to unlock the collection!")

    class ForgetfulKeyring(KeyringBackend):
        """Accepts a secret and keeps nothing, like null but under another name."""

        priority = 1  # type: ignore[assignment]

        def get_password(self, service: str, username: str) -> str | None:
            return None

        def set_password(self, service: str, username: str, password: str) -> None:
            return None

        def delete_password(self, service: str, username: str) -> None:
            raise PasswordDeleteError("nothing stored")

    class PlaintextKeyring(type(_memory_keyring())):  # type: ignore[misc]
        """Works like the test keyring but looks like keyrings.alt's file store: never use."""

    PlaintextKeyring.__module__ = "keyrings.alt.file"
    kinds: dict[str, type[KeyringBackend]] = {
        "locked": LockedKeyring,
        "forgetful": ForgetfulKeyring,
        "plaintext": PlaintextKeyring,
    }
    return kinds[kind]()


@pytest.fixture
def isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every place a file-based keyring could write to points into an empty folder."""
    home = tmp_path / "home"
    home.mkdir()
    for variable in ("HOME", "XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME"):
        monkeypatch.setenv(variable, str(home))
    monkeypatch.chdir(home)
    return home


def _files_under(folder: Path) -> list[Path]:
    return [path for path in folder.rglob("*") if path.is_file()]


def test_secret_goes_to_the_keyring_and_comes_back(memory_keyring: KeyringBackend) -> None:
    store = SecretStore()

    result = store.set("abc123", SECRET)

    assert result.location is SecretLocation.KEYRING
    assert result.persistent
    assert result.description == f"Saved in {store.location}."
    assert memory_keyring.entries == {(SERVICE_NAME, "abc123"): SECRET}  # type: ignore[attr-defined]
    assert store.get("abc123") == SECRET
    assert store.get("unknown") is None
    assert store.is_persistent
    assert store.notice is None
    assert store.location == describe_backend(memory_keyring)


def test_a_second_store_reads_what_the_first_saved() -> None:
    SecretStore().set("conn", SECRET)

    assert SecretStore().get("conn") == SECRET


def test_delete_removes_the_keyring_entry(memory_keyring: KeyringBackend) -> None:
    store = SecretStore()
    store.set("conn", SECRET)

    result = store.delete("conn")

    assert result.ok
    assert memory_keyring.entries == {}  # type: ignore[attr-defined]
    assert store.get("conn") is None
    assert store.delete("never-saved").ok


def test_delete_of_a_missing_entry_is_fine_when_the_backend_says_so() -> None:
    keyring.set_keyring(_backend("forgetful"))
    store = SecretStore()
    store.set("conn", SECRET)  # falls back to memory: the backend kept nothing

    assert store.delete("conn").ok
    assert store.get("conn") is None


def test_an_empty_secret_is_refused() -> None:
    with pytest.raises(ValueError, match="empty"):
        SecretStore().set("conn", "")


@pytest.mark.parametrize(
    ("make_backend", "notice_part"),
    [
        pytest.param(fail.Keyring, "No system keyring is available", id="fail"),
        pytest.param(null.Keyring, "null backend stores nothing", id="null"),
        pytest.param(lambda: _backend("locked"), "is locked or refused access", id="locked"),
        pytest.param(lambda: _backend("forgetful"), "did not keep the secret", id="forgetful"),
        pytest.param(lambda: _backend("plaintext"), "this app never uses it", id="plaintext"),
    ],
)
def test_without_a_working_keyring_secrets_stay_in_memory_with_a_notice(
    make_backend: object,
    notice_part: str,
    isolated_home: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    backend = make_backend()  # type: ignore[operator]
    keyring.set_keyring(backend)
    store = SecretStore()
    caplog.set_level(logging.DEBUG)

    result = store.set("conn", SECRET)

    assert result.location is SecretLocation.MEMORY
    assert not result.persistent
    assert notice_part in result.description
    assert store.notice is not None
    assert notice_part in store.notice
    assert "memory for this session only" in store.notice
    assert not store.is_persistent
    assert store.location == MEMORY_LOCATION
    assert store.get("conn") == SECRET  # still usable for this session
    assert getattr(backend, "entries", {}) == {}  # the plain-text look-alike got nothing
    assert _files_under(isolated_home) == []  # nothing written anywhere
    assert SECRET not in caplog.text
    deleted = store.delete("conn")  # a locked keyring may still hold an old entry: said so
    assert deleted.ok is (notice_part != "is locked or refused access")
    assert store.get("conn") is None


def test_a_keyring_that_fails_on_read_switches_to_memory_before_any_save() -> None:
    keyring.set_keyring(_backend("locked"))
    store = SecretStore()
    assert store.is_persistent  # nothing has failed yet

    assert store.get("conn") is None

    assert not store.is_persistent
    assert store.notice is not None
    assert "locked" in store.notice
    assert store.set("conn", SECRET).location is SecretLocation.MEMORY
    assert store.get("conn") == SECRET


def test_deleting_from_a_locked_keyring_says_the_entry_may_remain() -> None:
    keyring.set_keyring(_backend("locked"))
    store = SecretStore()

    result = store.delete("conn")

    assert not result.ok
    assert result.problem is not None
    assert "could not be removed" in result.problem
    assert "conn" in result.problem
    assert store.notice is not None


def test_a_chainer_with_nothing_to_chain_counts_as_no_keyring(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(chainer.ChainerBackend, "backends", [])
    keyring.set_keyring(chainer.ChainerBackend())
    store = SecretStore()

    assert store.set("conn", SECRET).location is SecretLocation.MEMORY
    assert store.notice is not None
    assert "No system keyring" in store.notice


def test_a_chainer_skips_plain_text_backends_and_uses_the_real_one(
    monkeypatch: pytest.MonkeyPatch, memory_keyring: KeyringBackend
) -> None:
    plaintext = _backend("plaintext")
    monkeypatch.setattr(chainer.ChainerBackend, "backends", [plaintext, memory_keyring])
    keyring.set_keyring(chainer.ChainerBackend())
    store = SecretStore()

    assert store.set("conn", SECRET).location is SecretLocation.KEYRING
    assert plaintext.entries == {}  # type: ignore[attr-defined]
    assert memory_keyring.entries == {(SERVICE_NAME, "conn"): SECRET}  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("module", "name", "expected"),
    [
        ("keyring.backends.Windows", "WinVaultKeyring", "Windows Credential Manager"),
        ("keyring.backends.macOS", "Keyring", "macOS Keychain"),
        ("keyring.backends.SecretService", "Keyring", "Secret Service (GNOME Keyring / KWallet)"),
        ("keyring.backends.libsecret", "Keyring", "Secret Service (GNOME Keyring / KWallet)"),
        ("keyring.backends.kwallet", "DBusKeyring", "KWallet"),
    ],
)
def test_backends_are_described_in_words_users_know(module: str, name: str, expected: str) -> None:
    kind = type(name, (), {"__module__": module})
    assert describe_backend(kind()) == expected
    assert unusable_reason(kind()) is None


def test_an_unknown_backend_is_described_by_its_own_name() -> None:
    kind = type("VaultKeyring", (), {"__module__": "corp.vault", "name": "Corp Vault"})
    assert describe_backend(kind()) == "Corp Vault"


def test_concurrent_use_from_worker_threads(memory_keyring: KeyringBackend) -> None:
    store = SecretStore()
    errors: list[BaseException] = []

    def work(worker: int) -> None:
        try:
            for round_ in range(50):
                key = f"conn-{worker}-{round_ % 5}"
                store.set(key, f"secret-{worker}-{round_}")
                assert store.get(key) == f"secret-{worker}-{round_}"
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert len(memory_keyring.entries) == 8 * 5  # type: ignore[attr-defined]


def test_keyring_is_imported_on_first_use_not_at_import() -> None:
    code = (
        "import sys\n"
        "from desktop_app.credentials import SecretStore\n"
        "store = SecretStore()\n"
        "assert 'keyring' not in sys.modules, 'imported too early'\n"
        "from keyring.backends import fail\n"
        "import keyring\n"
        "keyring.set_keyring(fail.Keyring())\n"
        "assert store.notice is not None\n"
        "print('ok')\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"},
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"
