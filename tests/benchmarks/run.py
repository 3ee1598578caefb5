"""``./dev bench``: every figure next to its floor, measured in this run on this machine.

    ./dev bench                 # all benches, one table, benchmark-results/latest.json
    ./dev bench --quick         # fewer repetitions (a smoke run, not for the README)
    ./dev bench --only login    # one or more of: startup, login, table, sandbox, frozen

Each bench module runs in its own process (a fresh RSS, a fresh QApplication, no leftovers from
another bench) and hands back its figures as JSON. The table shows median, min and max over the
repeated runs, the floor's median, their ratio, the goal and whether the median meets it. It never
fails on a missed goal: benchmarks report, tests assert.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.benchmarks.harness import (
    ROOT,
    CpuSnapshot,
    Figure,
    cpu_snapshot,
    isolated_environment,
    others_busy_share,
    read_figures,
    table,
)

RESULTS = ROOT / "benchmark-results" / "latest.json"
# Other processes keeping more than this share of the CPUs busy during a bench get a warning
# under the table. Measured on two cores: beside one busy loop (49%) the 10,000-account total
# read 1.15x of its floor instead of 0.94x; beside two (78%) click -> 3 rows read 2.5x, not 1.13x.
BUSY_MACHINE_SHARE = 0.3

# name -> (module, arguments, quick arguments)
BENCHES: dict[str, tuple[str, list[str], list[str]]] = {
    "startup": ("bench_startup", ["--runs", "15"], ["--runs", "3"]),
    "login": (
        "bench_login",
        ["--small-runs", "41", "--large-runs", "7"],
        ["--small-runs", "3", "--large-runs", "2"],
    ),
    "table": ("bench_token_table", ["--runs", "7"], ["--runs", "3"]),
    "sandbox": (
        "bench_sandbox",
        ["--rounds", "3", "--seconds", "2"],
        ["--rounds", "1", "--seconds", "1"],
    ),
    "frozen": ("bench_startup", ["--frozen", "--runs", "15"], ["--frozen", "--runs", "3"]),
}


def machine() -> dict[str, str]:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        import PySide6

        pyside = PySide6.__version__
    except ImportError:  # pragma: no cover
        pyside = "?"
    os_name = platform.platform()
    try:
        release = dict(
            line.split("=", 1)
            for line in Path("/etc/os-release").read_text(encoding="utf-8").splitlines()
            if "=" in line
        )
        os_name = release.get("PRETTY_NAME", os_name).strip('"')
    except OSError:
        pass
    return {
        "cpu": cpu,
        "cores": str(os.cpu_count()),
        "os": os_name,
        "python": platform.python_version(),
        "pyside6": pyside,
        "qt_platform": os.environ.get("QT_QPA_PLATFORM", "offscreen"),
    }


def run_bench(name: str, quick: bool) -> tuple[list[Figure], float | None]:
    """The bench's figures, and the share of the CPUs other processes kept busy meanwhile."""
    module, arguments, quick_arguments = BENCHES[name]
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "figures.json"
        command = [sys.executable, "-m", f"tests.benchmarks.{module}"]
        command += [*(quick_arguments if quick else arguments), "--json-out", str(out)]
        started = time.perf_counter()
        print(f"== {name}: {' '.join(command[2:-2])}", file=sys.stderr, flush=True)
        before = cpu_snapshot()
        result = subprocess.run(
            command,
            cwd=ROOT,
            env=isolated_environment(),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        seconds = time.perf_counter() - started
        busy = _others_busy(before, cpu_snapshot())
        # Qt's offscreen plugin warns on every window; the bench's own lines are kept.
        for line in result.stderr.splitlines():
            if "propagateSizeHints" not in line and "keyring backend" not in line:
                print(f"   {line}", file=sys.stderr)
        load = "" if busy is None else f"; other processes kept {busy:.0%} of the CPUs busy"
        print(f"   ({seconds:.0f} s{load})", file=sys.stderr, flush=True)
        if result.returncode != 0 or not out.exists():
            return [
                Figure(
                    f"{name} bench",
                    "",
                    "<=",
                    0,
                    skipped=f"the bench failed (exit {result.returncode}); see its output above",
                )
            ], busy
        return read_figures(out), busy


def _others_busy(before: CpuSnapshot | None, after: CpuSnapshot | None) -> float | None:
    if before is None or after is None:
        return None
    return others_busy_share(before, after, os.cpu_count() or 1)


def busy_machine_notes(busy: dict[str, float | None]) -> list[str]:
    """A line under the table for each bench that shared a busy machine."""
    return [
        f"- the machine was busy during the {name} bench: other processes kept {share:.0%} of "
        "its CPUs busy, so threads the app wakes waited for a CPU the floor never needed; "
        "run it again on a quieter machine before reading its ratios"
        for name, share in busy.items()
        if share is not None and share > BUSY_MACHINE_SHARE
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repetitions (smoke run)")
    parser.add_argument("--only", nargs="+", choices=list(BENCHES), metavar="BENCH")
    parser.add_argument("--json", type=Path, default=RESULTS, help=f"default {RESULTS}")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    figures: list[Figure] = []
    busy: dict[str, float | None] = {}
    for name in args.only or list(BENCHES):
        bench_figures, busy[name] = run_bench(name, args.quick)
        figures += bench_figures
    info = machine()
    seconds = time.perf_counter() - started
    print()
    print(
        f"{info['cpu']}, {info['cores']} cores, {info['os']}, Python {info['python']}, "
        f"PySide6 {info['pyside6']}, Qt platform {info['qt_platform']}"
        f"{' (--quick)' if args.quick else ''}; {seconds:.0f} s"
    )
    print(table(figures))
    notes = [f"- {f.name}: {f.note}" for f in figures if f.note and not f.skipped]
    notes += busy_machine_notes(busy)
    if notes:
        print("\n".join(notes))
    args.json.parent.mkdir(parents=True, exist_ok=True)
    payload = {
        "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "command": "./dev bench" + (" --quick" if args.quick else ""),
        "seconds": round(seconds, 1),
        "machine": info,
        # Per bench: the share of the CPUs other processes kept busy while it ran (null where
        # it cannot be read).
        "others_cpu_busy": {
            name: None if share is None else round(share, 3) for name, share in busy.items()
        },
        "figures": [f.to_json() for f in figures],
    }
    args.json.write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"\nwrote {args.json.relative_to(ROOT) if args.json.is_relative_to(ROOT) else args.json}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
