"""Build the app and a PySide6 hello-world (default PyInstaller settings) and compare their sizes.

    .venv/bin/python packaging/compare_size.py [--onefile] [--check]
    ./dev package --compare [--onefile]

The hello-world (packaging/hello_world/hello_world.py: a QMainWindow with a form and a
QTableWidget) is the floor: what PyInstaller makes of a trivial Qt window with no tuning. The goal
is an app one-folder build no larger than it. Builds go under build/compare/ (not in git).
``--check`` exits 1 when the app's one-folder build is larger than the hello-world's.
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import build as app_build  # packaging/build.py: this script's folder is first on sys.path

HELLO_SCRIPT = app_build.PACKAGING / "hello_world" / "hello_world.py"
COMPARE = app_build.ROOT / "build" / "compare"


def hello_executable(onefile: bool = False) -> Path:
    if onefile:
        return COMPARE / "dist-onefile" / "hello_world"
    return COMPARE / "dist" / "hello_world" / "hello_world"


def build_hello(onefile: bool = False) -> tuple[Path, float]:
    """PyInstaller's defaults on the hello-world script; returns (build, seconds)."""
    program = hello_executable(onefile)
    distpath = program.parent if onefile else program.parent.parent
    seconds = app_build.run_pyinstaller(
        HELLO_SCRIPT,
        distpath,
        COMPARE / ("work-onefile" if onefile else "work"),
        extra=["--specpath", str(COMPARE)] + (["--onefile"] if onefile else []),
    )
    return (program if onefile else program.parent), seconds


@dataclass(frozen=True)
class Row:
    label: str
    size: int
    files: int
    seconds: float


def row(label: str, path: Path, seconds: float) -> Row:
    size, files = app_build.bundle_stats(path)
    return Row(label, size, files, seconds)


def table(rows: list[Row]) -> str:
    lines = [f"{'build':<40} {'size MB':>9} {'files':>7} {'build s':>8}"]
    lines += [f"{r.label:<40} {r.size / 1e6:>9.1f} {r.files:>7} {r.seconds:>8.0f}" for r in rows]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--onefile", action="store_true", help="also compare one-file builds")
    parser.add_argument(
        "--check", action="store_true", help="exit 1 if the app is larger than the hello-world"
    )
    args = parser.parse_args(argv)
    rows: list[Row] = []
    hello_dir, seconds = build_hello()
    rows.append(row("hello-world, one-folder, default", hello_dir, seconds))
    started = time.perf_counter()
    app_build.build()
    seconds = time.perf_counter() - started
    rows.append(row("shopper-login-desk, one-folder (spec)", app_build.onedir_path(), seconds))
    if args.onefile:
        hello_file, seconds = build_hello(onefile=True)
        rows.append(row("hello-world, one-file, default", hello_file, seconds))
        started = time.perf_counter()
        app_build.build(onefile=True)
        seconds = time.perf_counter() - started
        rows.append(row("shopper-login-desk, one-file (spec)", app_build.onefile_path(), seconds))
    print()
    print(table(rows))
    hello, app = rows[0], rows[1]
    print(
        f"app / hello-world, one-folder: size {app.size / hello.size:.2f}x, "
        f"files {app.files / hello.files:.2f}x"
    )
    if args.check and app.size > hello.size:
        print("error: the app's one-folder build is larger than the hello-world's", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
