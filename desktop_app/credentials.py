"""Where client secrets live: the operating system's keyring, or memory for this session only.

A client secret is never written to a file by this app. ``SecretStore`` uses the ``keyring``
package (service ``shopper-login-desk``, one entry per saved connection id). When no real
keyring works — no backend at all, keyring's ``null`` backend (which silently stores nothing),
a plain-text file backend from ``keyrings.alt``, or a keyring that is locked or errors — secrets
are kept in a dict for this session only and ``notice`` says so in plain words.

``keyring`` is imported on first use, not at import time: it costs ~66 ms at start-up.
Every method is thread-safe; the keyring calls may block (an unlock prompt, D-Bus), so the
window should call them from a worker where it can.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from keyring.backend import KeyringBackend

log = logging.getLogger("desktop_app.credentials")

SERVICE_NAME = "shopper-login-desk"
MEMORY_LOCATION = "Memory (this session only)"

# Known backends by "module.Class", named the way a user knows them. Matched by name so that
# describing a backend never imports another platform's module.
_BACKEND_LOCATIONS: dict[str, str] = {
    "keyring.backends.Windows.WinVaultKeyring": "Windows Credential Manager",
    "keyring.backends.macOS.Keyring": "macOS Keychain",
    "keyring.backends.SecretService.Keyring": "Secret Service (GNOME Keyring / KWallet)",
    "keyring.backends.libsecret.Keyring": "Secret Service (GNOME Keyring / KWallet)",
    "keyring.backends.kwallet.DBusKeyring": "KWallet",
    "keyring.backends.kwallet.DBusKeyringKWallet4": "KWallet",
}


class SecretLocation(Enum):
    KEYRING = "keyring"
    MEMORY = "memory"


@dataclass(frozen=True)
class SecretSaveResult:
    """Where ``SecretStore.set`` put the secret, in words the window can show as they are."""

    location: SecretLocation
    description: str  # e.g. "Saved in macOS Keychain." or the memory notice

    @property
    def persistent(self) -> bool:
        return self.location is SecretLocation.KEYRING


@dataclass(frozen=True)
class SecretDeleteResult:
    """``problem`` is set when the keyring may still hold the secret (it could not be reached)."""

    problem: str | None = None

    @property
    def ok(self) -> bool:
        return self.problem is None


def _qualified_name(backend: object) -> str:
    kind = type(backend)
    return f"{kind.__module__}.{kind.__qualname__}"


def describe_backend(backend: object) -> str:
    """A plain-words name for a keyring backend: where the user would find the secret."""
    known = _BACKEND_LOCATIONS.get(_qualified_name(backend))
    if known:
        return known
    name = getattr(type(backend), "name", None)
    return name if isinstance(name, str) and name else type(backend).__name__


def unusable_reason(backend: object) -> str | None:
    """Why this backend must not hold secrets, or ``None`` when it is a real keyring.

    A chainer is judged by what it chains: see ``_unwrap_chainer``.
    """
    module = type(backend).__module__
    qualified = _qualified_name(backend)
    if qualified == "keyring.backends.fail.Keyring":
        return "No system keyring is available on this computer."
    if qualified == "keyring.backends.null.Keyring":
        return "The system keyring is turned off (keyring's null backend stores nothing)."
    if module == "keyrings.alt" or module.startswith("keyrings.alt."):
        return (
            "The only keyring found is a keyrings.alt file store, which keeps secrets "
            "unencrypted or asks for a password on a terminal; this app never uses it."
        )
    if "plaintext" in qualified.lower():
        return (
            "The only keyring found stores secrets unencrypted in a file; this app never uses it."
        )
    return None


class SecretStore:
    """Client secrets by connection id: the OS keyring, else memory for this session only."""

    def __init__(self, service: str = SERVICE_NAME) -> None:
        self.service = service
        self._lock = threading.RLock()
        self._resolved = False
        self._backend: KeyringBackend | None = None  # None: memory for this session only
        self._backend_location = MEMORY_LOCATION
        # A real keyring that failed part-way through the session: deleting still tries it.
        self._failed_backend: KeyringBackend | None = None
        self._memory: dict[str, str] = {}
        self._notice: str | None = None

    # -- what the window shows -------------------------------------------------------------

    @property
    def location(self) -> str:
        """Where secrets live right now, e.g. "macOS Keychain" or "Memory (this session only)"."""
        with self._lock:
            self._resolve()
            return self._backend_location if self._backend is not None else MEMORY_LOCATION

    @property
    def is_persistent(self) -> bool:
        with self._lock:
            self._resolve()
            return self._backend is not None

    @property
    def notice(self) -> str | None:
        """The message for the window while secrets are kept in memory only, else ``None``."""
        with self._lock:
            self._resolve()
            return self._notice

    def warm_up(self) -> None:
        """Import keyring and pick the backend now (call it on a worker after first paint)."""
        with self._lock:
            self._resolve()

    # -- secrets -----------------------------------------------------------------------------

    def get(self, connection_id: str) -> str | None:
        with self._lock:
            self._resolve()
            backend = self._backend
            if backend is not None:
                try:
                    return backend.get_password(self.service, connection_id)
                except Exception as error:
                    self._fall_back(error, "reading")
            return self._memory.get(connection_id)

    def set(self, connection_id: str, secret: str) -> SecretSaveResult:
        if not secret:
            raise ValueError("An empty secret cannot be stored; delete the entry instead.")
        with self._lock:
            self._resolve()
            backend = self._backend
            if backend is not None:
                try:
                    backend.set_password(self.service, connection_id, secret)
                    stored = backend.get_password(self.service, connection_id)
                except Exception as error:
                    self._fall_back(error, "saving")
                else:
                    if stored == secret:
                        self._memory.pop(connection_id, None)
                        return SecretSaveResult(
                            SecretLocation.KEYRING, f"Saved in {self._backend_location}."
                        )
                    self._fall_back(None, "saving")
            self._memory[connection_id] = secret
            return SecretSaveResult(SecretLocation.MEMORY, self._notice or MEMORY_LOCATION)

    def delete(self, connection_id: str) -> SecretDeleteResult:
        """Forget the secret everywhere this store can reach; a missing entry is fine."""
        with self._lock:
            self._resolve()
            self._memory.pop(connection_id, None)
            backend = self._backend or self._failed_backend
            if backend is None:
                return SecretDeleteResult()
            keyring_errors = _keyring_errors()
            try:
                backend.delete_password(self.service, connection_id)
            except keyring_errors.PasswordDeleteError:
                pass  # nothing was stored under this id
            except Exception as error:
                log.warning(
                    "could not delete the secret of connection %s from %s: %s",
                    connection_id,
                    self._backend_location,
                    type(error).__name__,
                )
                if self._backend is not None:
                    self._fall_back(error, "deleting")
                return SecretDeleteResult(
                    problem=(
                        f"The client secret could not be removed from {self._backend_location}. "
                        f"Remove the entry “{self.service}” / “{connection_id}” there by hand."
                    )
                )
            return SecretDeleteResult()

    # -- internals ---------------------------------------------------------------------------

    def _resolve(self) -> None:
        """Pick the backend once, on first use (the lazy ``import keyring`` happens here)."""
        if self._resolved:
            return
        self._resolved = True
        try:
            import keyring

            backend = _unwrap_chainer(keyring.get_keyring())
        except Exception as error:  # a broken keyring config or backend import
            log.warning("no keyring backend could be loaded: %s", type(error).__name__)
            self._use_memory("No system keyring could be loaded on this computer.")
            return
        reason = unusable_reason(backend)
        if reason is not None:
            log.warning("keyring backend %s is not used: %s", _qualified_name(backend), reason)
            self._use_memory(reason)
            return
        self._backend = backend
        self._backend_location = describe_backend(backend)
        log.info("client secrets are stored in %s", self._backend_location)

    def _fall_back(self, error: BaseException | None, doing: str) -> None:
        """The keyring failed: memory for the rest of the session, and say why."""
        backend = self._backend
        where = self._backend_location
        if error is None:
            detail = "did not keep the secret it was given"
        elif _is_locked(error):
            detail = "is locked or refused access"
        else:
            detail = f"could not be used ({type(error).__name__})"
        log.warning("%s while %s a client secret; using memory for this session", detail, doing)
        self._failed_backend = backend
        self._use_memory(f"{where} {detail}.")

    def _use_memory(self, reason: str) -> None:
        self._backend = None
        self._notice = (
            f"{reason} Client secrets are kept in memory for this session only: enter them "
            "again after restarting the app."
        )


def _keyring_errors() -> Any:
    import keyring.errors

    return keyring.errors


def _is_locked(error: BaseException) -> bool:
    return isinstance(error, _keyring_errors().KeyringLocked)


def _unwrap_chainer(backend: KeyringBackend) -> KeyringBackend:
    """A chainer writes to its first chained backend, which may be a plain-text file.

    Use its best real backend directly instead; with none it is as good as no keyring.
    """
    if _qualified_name(backend) != "keyring.backends.chainer.ChainerBackend":
        return backend
    for chained in getattr(backend, "backends", ()):
        if unusable_reason(chained) is None:
            return chained
    from keyring.backends import fail

    return fail.Keyring()
