"""Cold start to first paint, from outside, next to a bare PySide6 window measured the same way.

Run: ``python -m tests.benchmarks.bench_startup [--runs 11] [--frozen]``

The figure is the wall time from spawning the process to reading its ``startup_ms=`` line (so it
includes Python's start and every import), exactly as ``packaging/compare_startup.py`` measures
frozen builds. The floor is ``packaging/hello_world/hello_world.py``: a window with a form and a
table and no other imports, run by the same interpreter. One warm-up each, then the two alternate.

``--frozen`` measures the frozen one-folder builds instead (``dist/shopper-login-desk/`` against
the PyInstaller hello-world of ``packaging/compare_size.py``), plus their sizes. Without
``dist/shopper-login-desk/`` those rows say "skipped: run ./dev package".
"""

from __future__ import annotations

import argparse
import importlib
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.benchmarks.harness import (
    RATIO_MAX,
    ROOT,
    Figure,
    isolated_environment,
    write_figures,
)

HELLO_SCRIPT = ROOT / "packaging" / "hello_world" / "hello_world.py"


def measure_once(command: list[str], env: dict[str, str], timeout: float = 10.0) -> float | None:
    """Wall ms from spawn to the ``startup_ms=`` line (``compare_startup.measure_once``'s
    clock, with an environment: the app must not read or write the developer's settings).
    None if no such line came within ``timeout`` seconds (the process is then killed)."""
    import queue
    import subprocess
    import threading

    lines: queue.Queue[tuple[float, str]] = queue.Queue()
    started = time.perf_counter()
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env, cwd=ROOT
    )

    def read() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            lines.put((time.perf_counter(), line))
        lines.put((time.perf_counter(), ""))

    threading.Thread(target=read, daemon=True).start()
    deadline = started + timeout
    try:
        while True:
            try:
                at, line = lines.get(timeout=max(0.0, deadline - time.perf_counter()))
            except queue.Empty:
                return None
            if line.startswith("startup_ms="):
                process.wait(timeout=timeout)
                return (at - started) * 1000
            if not line:
                return None
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def alternate(
    app: list[str], floor: list[str], runs: int, env: dict[str, str]
) -> tuple[list[float], list[float], int]:
    """Samples of both, and how many launches gave no startup_ms line in time (not counted)."""
    measure_once(app, env)  # warm-up: page cache, fontconfig cache, .pyc files
    measure_once(floor, env)
    app_ms: list[float] = []
    floor_ms: list[float] = []
    failures = 0
    for _ in range(runs):
        for command, samples in ((app, app_ms), (floor, floor_ms)):
            wall_ms = measure_once(command, env)
            if wall_ms is None:
                failures += 1
            else:
                samples.append(wall_ms)
        if failures >= 3:  # something is wrong with the build: do not wait out every run
            break
    return app_ms, floor_ms, failures


def failure_note(failures: int) -> str:
    return f"; {failures} launch(es) printed no startup_ms within 10 s" if failures else ""


def source_figures(runs: int) -> list[Figure]:
    env = isolated_environment()
    app_ms, floor_ms, failures = alternate(
        [sys.executable, "-m", "desktop_app", "--startup-time"],
        [sys.executable, str(HELLO_SCRIPT), "--startup-time"],
        runs,
        env,
    )
    return [
        Figure(
            "cold start to first paint (python -m desktop_app)",
            "ms",
            RATIO_MAX,
            1.3,
            samples=app_ms,
            floor_name="bare PySide6 form + table",
            floor_samples=floor_ms,
            note=f"platform {env['QT_QPA_PLATFORM']}; spawn → startup_ms line read"
            + failure_note(failures),
        )
    ]


def frozen_figures(runs: int) -> list[Figure]:
    size = Figure("frozen one-folder build size", "MB", RATIO_MAX, 1.0)
    start = Figure("frozen cold start to first paint", "ms", RATIO_MAX, 1.3)
    sys.path.insert(0, str(ROOT / "packaging"))
    # By name: ruff would sort `build` by whether a build/ folder exists at the time.
    app_build = importlib.import_module("build")  # packaging/build.py
    compare_size = importlib.import_module("compare_size")  # packaging/compare_size.py

    app_exe = app_build.executable()
    if not app_exe.exists():
        size.skipped = start.skipped = "run ./dev package"
        return [size, start]
    hello_exe = compare_size.hello_executable()
    if not hello_exe.exists():
        try:  # PyInstaller's defaults on the hello-world: ~10 s, once
            compare_size.build_hello()
        except Exception as error:  # no PyInstaller, or the build failed
            size.skipped = start.skipped = f"hello-world build failed ({error}); ./dev package"
            return [size, start]
    app_bytes, app_files = app_build.bundle_stats(app_build.onedir_path())
    hello_bytes, hello_files = app_build.bundle_stats(hello_exe.parent)
    size.samples = [app_bytes / 1e6]
    size.floor_name = "PyInstaller hello-world, default"
    size.floor_samples = [hello_bytes / 1e6]
    built = time.strftime("%Y-%m-%d %H:%M", time.localtime(app_exe.stat().st_mtime))
    size.note = f"{app_files} vs {hello_files} files; app built {built}"
    env = isolated_environment()
    start.samples, start.floor_samples, failures = alternate(
        [str(app_exe), "--startup-time"], [str(hello_exe), "--startup-time"], runs, env
    )
    start.floor_name = "PyInstaller hello-world"
    start.note = f"platform {env['QT_QPA_PLATFORM']}; spawn → startup_ms line read" + (
        failure_note(failures)
    )
    return [size, start]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=11)
    parser.add_argument("--frozen", action="store_true", help="the frozen builds instead")
    parser.add_argument("--json-out", type=Path)
    args = parser.parse_args(argv)
    figures = frozen_figures(args.runs) if args.frozen else source_figures(args.runs)
    for figure in figures:
        if figure.skipped or figure.median is None or figure.floor_median is None:
            print(f"{figure.name}: skipped: {figure.skipped or figure.note}", file=sys.stderr)
        else:
            print(
                f"{figure.name}: {figure.median:.1f} vs {figure.floor_median:.1f}", file=sys.stderr
            )
    if args.json_out is not None:
        write_figures(args.json_out, figures)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
