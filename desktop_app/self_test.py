"""``--self-test``: prove this copy of the app can do its job end to end, without a window.

It starts the embedded sandbox store, connects to it with the app's real API client and logs in
the demo shopper, over real loopback HTTP. In a frozen build this shows that the network stack,
the CA bundle, keyring's backends, the sandbox and werkzeug were all bundled. One line per step,
then ``self-test passed`` (exit 0) — or ``self-test FAILED …`` on stderr (exit 1).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any, TextIO

DEMO_USERNAME = "ron@swanson.com"
DEMO_PASSWORD = "pawnee-parks-1"
DEMO_PROFILE_NAME = "Shopper logins"
EXPECTED_ACCOUNTS = 3
STEPS = 5


class SelfTestFailure(Exception):
    """A step's result was wrong (as opposed to raising on its own)."""


def _describe(error: BaseException) -> str:
    from desktop_app.api.errors import ApiError

    if isinstance(error, ApiError):
        return error.explain()
    return f"{type(error).__name__}: {error}"


def check_ca_bundle() -> str:
    import ssl

    from requests.utils import DEFAULT_CA_BUNDLE_PATH  # = requests.certs.where()

    path = DEFAULT_CA_BUNDLE_PATH
    context = ssl.create_default_context(cafile=path)
    authorities = context.cert_store_stats()["x509_ca"]
    if authorities == 0:
        raise SelfTestFailure(f"the CA bundle {path} holds no certificates")
    return f"CA bundle {path} ({authorities} authorities)"


def check_keyring_backends() -> str:
    from importlib.metadata import entry_points

    found = sorted(entry_points(group="keyring.backends"), key=lambda point: point.name)
    if not found:
        raise SelfTestFailure("keyring found no backends (its package metadata is missing)")
    for point in found:
        point.load()
    return "keyring backends " + ", ".join(point.name for point in found)


def run(
    *,
    username: str = DEMO_USERNAME,
    password: str = DEMO_PASSWORD,
    out: TextIO | None = None,
    err: TextIO | None = None,
) -> int:
    """Run every step; returns the process exit code."""
    stdout = out or sys.stdout
    stderr = err or sys.stderr
    resources: list[Callable[[], Any]] = []
    step = "start"
    number = 0

    def report(text: str) -> None:
        print(f"self-test [{number}/{STEPS}] {text}", file=stdout, flush=True)

    try:
        number, step = 1, "CA bundle"
        report(check_ca_bundle())

        number, step = 2, "keyring backends"
        report(check_keyring_backends())

        number, step = 3, "start the sandbox"
        from desktop_app.sandbox import start_sandbox

        sandbox = start_sandbox()
        resources.append(sandbox.stop)
        report(f"sandbox listening on {sandbox.url}")

        number, step = 4, "connect"
        from desktop_app.api.client import CommerceClient
        from desktop_app.api.connection import ConnectionConfig
        from desktop_app.api.transport import Timeouts
        from desktop_app.sandbox.seed import DEMO_SHOPPER_PROFILE_ID

        config = ConnectionConfig(
            name="Sandbox (self-test)",
            base_url=sandbox.url,
            client_id=sandbox.seed.client_id,
            client_secret=sandbox.seed.client_secret,
        )
        client = CommerceClient(config, timeouts=Timeouts(connect=5.0, read=15.0))
        resources.append(client.close)
        connection = client.connect()
        profile_id = next(
            (p.id for p in connection.password_profiles if p.name == DEMO_PROFILE_NAME),
            DEMO_SHOPPER_PROFILE_ID,
        )
        report(
            f"connected with {connection.grant_type}: realm {connection.realm.id}, "
            f"{len(connection.password_profiles)} password profiles"
        )

        number, step = 5, f"log in {username}"
        login = client.login_shopper(profile_id, username, password)
        count = len(login.tokens)
        if count != EXPECTED_ACCOUNTS:
            raise SelfTestFailure(
                f"expected {EXPECTED_ACCOUNTS} account tokens for {username}, got {count}"
            )
        if any(not token.token for token in login.tokens):
            raise SelfTestFailure("an account token came back empty")
        report(f"logged in {login.username}: {count} account tokens")
    except Exception as error:
        print(f"self-test FAILED at step {number} ({step}): {_describe(error)}", file=stderr)
        return 1
    finally:
        for release in reversed(resources):
            release()
    print("self-test passed", file=stdout, flush=True)
    return 0


def main() -> int:
    return run()
