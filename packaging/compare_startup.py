"""Frozen start-up, app vs hello-world: launch → first paint, measured the same way from outside.

    xvfb-run -a -s "-screen 0 1280x800x24" .venv/bin/python packaging/compare_startup.py
    QT_QPA_PLATFORM=offscreen .venv/bin/python packaging/compare_startup.py --runs 21

Both binaries are run with ``--startup-time`` under the current display; each prints
``startup_ms=…`` right after its window's first paint and quits. The figure compared is the wall
time from this script spawning the process to reading that line — the same clock for both, and
it includes what the programs cannot see themselves (the bootloader, unpacking, Python's start).
Each program's own ``startup_ms`` (from its first line of Python) is shown as well.

Runs alternate between the two programs after one warm-up each. Binaries default to the
one-folder builds of ``./dev package`` and ``packaging/compare_size.py``; ``--build`` builds
whichever is missing. ``--check 1.3`` exits 1 when the app's median is above 1.3x the hello-world's.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

# Unsorted on purpose: ruff would sort `build` by whether a build/ folder exists at the time.
# isort: off
import build as app_build  # packaging/build.py: this script's folder is first on sys.path
import compare_size

# isort: on


def measure_once(program: Path, timeout: float = 60.0) -> tuple[float, int]:
    """(wall ms from spawn to the startup_ms line, the program's own startup_ms)."""
    started = time.perf_counter()
    process = subprocess.Popen(
        [str(program), "--startup-time"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert process.stdout is not None
    try:
        for line in process.stdout:
            if line.startswith("startup_ms="):
                wall_ms = (time.perf_counter() - started) * 1000
                reported = int(line.strip().split("=", 1)[1])
                process.wait(timeout=timeout)
                return wall_ms, reported
        process.wait(timeout=timeout)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    raise SystemExit(f"error: {program} exited ({process.returncode}) without a startup_ms line")


def summary(values: list[float]) -> str:
    return (
        f"{statistics.median(values):>8.0f} {min(values):>6.0f} {max(values):>6.0f}"
        if values
        else ""
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=15, help="runs of each program (15)")
    parser.add_argument("--app", type=Path, default=app_build.executable())
    parser.add_argument("--hello", type=Path, default=compare_size.hello_executable())
    parser.add_argument("--build", action="store_true", help="build missing binaries first")
    parser.add_argument("--check", type=float, metavar="RATIO", help="fail above this ratio")
    args = parser.parse_args(argv)
    if (
        sys.platform.startswith("linux")
        and not os.environ.get("QT_QPA_PLATFORM")
        and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    ):
        raise SystemExit(
            "error: no display. Run it under `xvfb-run -a` or with QT_QPA_PLATFORM=offscreen."
        )
    if args.build and not args.app.exists():
        app_build.build()
    if args.build and not args.hello.exists():
        compare_size.build_hello()
    for program in (args.app, args.hello):
        if not program.exists():
            raise SystemExit(f"error: {program} is not built (add --build)")
    programs = {"shopper-login-desk": args.app, "hello-world": args.hello}
    wall: dict[str, list[float]] = {name: [] for name in programs}
    reported: dict[str, list[float]] = {name: [] for name in programs}
    for program in programs.values():
        measure_once(program)  # warm-up: page cache, fontconfig cache
    for _ in range(args.runs):
        for name, program in programs.items():
            wall_ms, own_ms = measure_once(program)
            wall[name].append(wall_ms)
            reported[name].append(own_ms)
    platform = os.environ.get("QT_QPA_PLATFORM") or (
        "xcb" if os.environ.get("DISPLAY") else "wayland"
    )
    print(f"launch -> first paint, {args.runs} runs each, platform {platform}, ms")
    print(f"{'program':<20} {'wall: median':>12} {'min':>6} {'max':>6}   own startup_ms median")
    for name in programs:
        print(f"{name:<20} {summary(wall[name]):>26}   {statistics.median(reported[name]):>8.0f}")
    ratio = statistics.median(wall["shopper-login-desk"]) / statistics.median(wall["hello-world"])
    print(f"ratio app / hello-world (wall medians): {ratio:.2f}")
    if args.check is not None and ratio > args.check:
        print(f"error: start-up ratio {ratio:.2f} is above {args.check}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
