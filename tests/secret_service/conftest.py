"""Real Secret Service tests: they replace the in-memory keyring every other test gets.

They run only when asked with ``REQUIRE_SECRET_SERVICE=1`` — ``./dev test`` does that inside a
throw-away gnome-keyring in ``dbus-run-session`` — so a developer's own keyring is never touched
by a plain ``pytest``. When asked, a missing or locked Secret Service is a failure, not a skip,
so the CI step cannot pass by skipping them.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import closing

import keyring
import pytest
from keyring.backend import KeyringBackend

REQUIRED = os.environ.get("REQUIRE_SECRET_SERVICE") == "1"


def secret_service_problem() -> str | None:
    """Why the real Secret Service cannot be used here, or ``None`` when it can."""
    if not os.environ.get("DBUS_SESSION_BUS_ADDRESS"):
        return "no D-Bus session bus (DBUS_SESSION_BUS_ADDRESS is not set)"
    from keyring.backends import SecretService

    try:
        priority = SecretService.Keyring.priority
    except Exception as error:
        return f"the Secret Service is not reachable: {error}"
    if priority <= 0:
        return f"the Secret Service backend is not usable (priority {priority})"
    import secretstorage

    try:
        with closing(secretstorage.dbus_init()) as connection:
            # The default alias only; get_default_collection() would create one (a prompt).
            collection = secretstorage.Collection(connection)
            if collection.is_locked():
                return "the default Secret Service collection is locked (using it would prompt)"
    except secretstorage.exceptions.SecretStorageException as error:
        return f"the Secret Service has no usable default collection: {error!r}"
    return None


@pytest.fixture(autouse=True)
def memory_keyring() -> Iterator[KeyringBackend]:
    """Overrides tests/conftest.py's fixture of the same name: the real backend, not memory."""
    if not REQUIRED:
        pytest.skip("real keyring tests run only with REQUIRE_SECRET_SERVICE=1 (./dev test)")
    problem = secret_service_problem()
    if problem is not None:
        pytest.fail(f"REQUIRE_SECRET_SERVICE=1 but {problem}", pytrace=False)
    from keyring.backends import SecretService

    previous = keyring.get_keyring()
    backend = SecretService.Keyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)
