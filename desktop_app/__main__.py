"""Command line entry: ``shopper-login-desk`` / ``python -m desktop_app``.

Kept free of Qt and network imports so ``--version`` and a missing display answer instantly.
"""

from __future__ import annotations

import time

STARTED_AT = time.perf_counter()  # before any heavy import: what --startup-time measures from

import argparse  # noqa: E402
import os  # noqa: E402
import sys  # noqa: E402

from desktop_app import APP_NAME, __version__  # noqa: E402


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="shopper-login-desk",
        description=f"{APP_NAME}: log in as an Elastic Path Commerce shopper and read their "
        "account tokens.",
    )
    parser.add_argument(
        "--sandbox",
        action="store_true",
        help="start the built-in sandbox store on a free local port and connect to it",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument(
        "--startup-time",
        action="store_true",
        help="print startup_ms=<milliseconds> once the window has painted, then exit",
    )
    parser.add_argument(
        "--diagnostics",
        action="store_true",
        help="print versions, the Qt platform, keyring backend and file locations, then exit "
        "(no display needed)",
    )
    parser.add_argument(
        "--self-test",
        action="store_true",
        help="log the demo shopper in to the built-in sandbox with the real API client, "
        "then exit (no display needed)",
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.diagnostics:
        from desktop_app.diagnostics import main as diagnostics

        return diagnostics()
    if args.self_test:
        from desktop_app.self_test import main as self_test

        return self_test()
    from desktop_app.startup_checks import (
        display_problem,
        missing_library_problem,
        record_start_failure,
    )

    problem = display_problem(os.environ, sys.platform) or missing_library_problem(
        os.environ, sys.platform
    )
    if problem:
        print(problem, file=sys.stderr)
        record_start_failure(problem)
        return 2
    from desktop_app.ui.application import run

    return run(args, started_at=STARTED_AT)


if __name__ == "__main__":
    sys.exit(main())
