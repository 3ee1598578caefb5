"""``shopper-login-desk-sandbox`` / ``python -m desktop_app.sandbox``: run a sandbox store.

The first stdout line is always ``Sandbox listening on <url>`` (flushed at once) so scripts and
tests can read the port picked by ``--port 0``; the following lines tell a trainee which demo
credentials to type into the app.
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading
from collections import Counter
from types import FrameType

from desktop_app.sandbox.seed import MAX_DEMO_ACCOUNTS, Seed, SeedError, demo_seed, load_seed
from desktop_app.sandbox.server import start_sandbox

_MAX_LOGINS_SHOWN = 10


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    faults = [_parse_fault(parser, spec) for spec in args.fail_next]
    if args.seed is not None and args.accounts is not None:
        parser.error("--accounts applies to the demo seed only; put accounts in your --seed file")
    try:
        seed = load_seed(args.seed) if args.seed is not None else demo_seed(args.accounts)
    except SeedError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.print_seed:
        print(json.dumps(seed.to_dict(), indent=2))
        return 0
    try:
        sandbox = start_sandbox(
            seed,
            port=args.port,
            host=args.host,
            latency_ms=args.latency_ms,
            allow_remote=args.allow_remote,
        )
    except (OSError, ValueError) as exc:
        print(f"error: cannot start the sandbox: {exc}", file=sys.stderr)
        return 2
    stop_requested = threading.Event()

    def request_stop(_signum: int, _frame: FrameType | None) -> None:
        stop_requested.set()

    signal.signal(signal.SIGINT, request_stop)
    signal.signal(signal.SIGTERM, request_stop)
    with sandbox:
        for status, prefix in faults:
            sandbox.fail_next(status, prefix)
        print(f"Sandbox listening on {sandbox.url}", flush=True)
        print(_describe(seed), flush=True)
        # A timed wait keeps the main thread returning to the interpreter, where the
        # signal handlers run.
        while not stop_requested.wait(0.5):
            pass
    print("Sandbox stopped.", flush=True)
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="shopper-login-desk-sandbox",
        description="Run a local stand-in for the Elastic Path Commerce API with demo shoppers.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (loopback)")
    parser.add_argument("--port", type=int, default=0, help="port; 0 picks a free one")
    parser.add_argument("--seed", metavar="FILE", help="seed JSON file instead of the demo store")
    parser.add_argument(
        "--print-seed", action="store_true", help="print the effective seed as JSON and exit"
    )
    parser.add_argument(
        "--latency-ms", type=_non_negative, default=0, help="delay every reply by N ms"
    )
    parser.add_argument(
        "--fail-next",
        metavar="STATUS[@/path/prefix]",
        action="append",
        default=[],
        help="answer the next matching request with STATUS (repeatable)",
    )
    parser.add_argument(
        "--accounts",
        type=_account_count,
        help=f"give the first demo shopper N accounts (0..{MAX_DEMO_ACCOUNTS})",
    )
    parser.add_argument(
        "--allow-remote",
        action="store_true",
        help="allow a non-loopback --host (the demo credentials are public)",
    )
    return parser


def _non_negative(text: str) -> int:
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more, got {value}")
    return value


def _account_count(text: str) -> int:
    value = int(text)
    if not 0 <= value <= MAX_DEMO_ACCOUNTS:
        raise argparse.ArgumentTypeError(f"must be between 0 and {MAX_DEMO_ACCOUNTS}")
    return value


def _parse_fault(parser: argparse.ArgumentParser, spec: str) -> tuple[int, str | None]:
    status_text, _, prefix = spec.partition("@")
    try:
        status = int(status_text)
    except ValueError:
        parser.error(f"--fail-next {spec!r}: STATUS must be a number such as 503")
    if not 400 <= status <= 599:
        parser.error(f"--fail-next {spec!r}: STATUS must be between 400 and 599")
    if prefix and not prefix.startswith("/"):
        parser.error(f"--fail-next {spec!r}: the path prefix must start with '/'")
    return status, prefix or None


def _describe(seed: Seed) -> str:
    """The credentials a trainee needs, read from the seed so custom seeds are described too."""
    profiles = {p.id: p.name for p in seed.password_profiles}
    users = {u.id: u.name for u in seed.user_authentication_info}
    account_counts = Counter(member for a in seed.accounts for member in a.members)
    lines = [
        f"Client id: {seed.client_id}",
        f"Client secret: {seed.client_secret}",
        f"Store id: {seed.store_id}",
        f"Authentication realm: {seed.realm_id}",
        "Shopper logins (username / password):",
    ]
    logins = seed.password_profile_info
    for login in logins[:_MAX_LOGINS_SHOWN]:
        count = account_counts[login.user_authentication_info_id]
        lines.append(
            f"  {login.username} / {login.password}"
            f"  ({users[login.user_authentication_info_id]}, "
            f"profile {profiles[login.password_profile_id]!r}, "
            f"{count} account{'' if count == 1 else 's'})"
        )
    if len(logins) > _MAX_LOGINS_SHOWN:
        lines.append(f"  … and {len(logins) - _MAX_LOGINS_SHOWN} more (see --print-seed)")
    with_login = {login.user_authentication_info_id for login in logins}
    without = [u.name for u in seed.user_authentication_info if u.id not in with_login]
    if without:
        shown = ", ".join(without[:_MAX_LOGINS_SHOWN])
        more = (
            f" and {len(without) - _MAX_LOGINS_SHOWN} more"
            if len(without) > _MAX_LOGINS_SHOWN
            else ""
        )
        lines.append(f"Shoppers without a login (give them one): {shown}{more}")
    lines.append("Press Ctrl+C to stop.")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
