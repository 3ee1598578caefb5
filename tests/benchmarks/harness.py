"""Shared pieces of the benchmarks: figures with their floor and goal, and the result table.

Every bench module measures a figure *and* its floor in the same run on the same machine, and
hands back :class:`Figure` records (as JSON) to ``tests/benchmarks/run.py``, which prints one
table. Nothing here asserts on time: figures are reported, never tested.
"""

from __future__ import annotations

import json
import os
import resource
import statistics
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]

# Goal kinds: the figure's median over the floor's median at most / at least the goal value,
# or the figure's median itself at most the goal value (in the figure's unit).
RATIO_MAX = "ratio<="
RATIO_MIN = "ratio>="
ABSOLUTE_MAX = "<="


@dataclass
class Figure:
    """One row of the table: samples of the figure, samples of its floor, and the goal."""

    name: str
    unit: str
    goal_kind: str
    goal: float
    samples: list[float] = field(default_factory=list)
    floor_name: str = ""
    floor_samples: list[float] = field(default_factory=list)
    note: str = ""
    skipped: str = ""  # why it was not measured; the row then shows this instead of numbers

    @property
    def median(self) -> float | None:
        return statistics.median(self.samples) if self.samples else None

    @property
    def floor_median(self) -> float | None:
        return statistics.median(self.floor_samples) if self.floor_samples else None

    @property
    def ratio(self) -> float | None:
        if self.median is None or not self.floor_median:
            return None
        return self.median / self.floor_median

    @property
    def met(self) -> bool | None:
        if self.skipped or self.median is None:
            return None
        if self.goal_kind == ABSOLUTE_MAX:
            return self.median <= self.goal
        if self.ratio is None:
            return None
        if self.goal_kind == RATIO_MAX:
            return self.ratio <= self.goal
        return self.ratio >= self.goal

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)

        def stats(values: list[float]) -> dict[str, float] | None:
            if not values:
                return None
            return {
                "median": round(statistics.median(values), 3),
                "min": round(min(values), 3),
                "max": round(max(values), 3),
                "runs": len(values),
            }

        data["figure"] = stats(self.samples)
        data["floor"] = stats(self.floor_samples)
        data["ratio"] = None if self.ratio is None else round(self.ratio, 3)
        data["goal_text"] = goal_text(self)
        data["met"] = self.met
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Figure:
        names = cls.__dataclass_fields__
        return cls(**{key: value for key, value in data.items() if key in names})


def goal_text(figure: Figure) -> str:
    if figure.goal_kind == ABSOLUTE_MAX:
        return f"≤ {figure.goal:g} {figure.unit}"
    return f"{'≤' if figure.goal_kind == RATIO_MAX else '≥'} {figure.goal:g}×"


def write_figures(path: Path, figures: list[Figure]) -> None:
    """What a bench module hands to the runner (``--json-out``)."""
    path.write_text(json.dumps([f.to_json() for f in figures], indent=2) + "\n", encoding="utf-8")


def read_figures(path: Path) -> list[Figure]:
    return [Figure.from_json(item) for item in json.loads(path.read_text(encoding="utf-8"))]


def _number(value: float | None, unit: str) -> str:
    if value is None:
        return ""
    if unit in ("ms", "MB") and abs(value) < 100:
        return f"{value:.1f}"
    return f"{value:,.0f}"


def table(figures: list[Figure]) -> str:
    """The result table, in Markdown so it can be pasted into the README as is."""
    header = ["figure", "unit", "median", "min", "max", "floor (median)", "ratio", "goal", "met"]
    rows = [header, ["---"] * len(header)]
    for f in figures:
        if f.skipped:
            rows.append([f.name, f.unit, "", "", "", "", "", goal_text(f), f"skipped: {f.skipped}"])
            continue
        floor = ""
        if f.floor_samples:
            floor = f"{_number(f.floor_median, f.unit)} ({f.floor_name})"
        elif f.floor_name:
            floor = f.floor_name
        ratio = "" if f.ratio is None else f"{f.ratio:.2f}×"
        met = {True: "yes", False: "**no**", None: "?"}[f.met]
        rows.append(
            [
                f.name,
                f.unit,
                _number(f.median, f.unit),
                _number(min(f.samples), f.unit) if f.samples else "",
                _number(max(f.samples), f.unit) if f.samples else "",
                floor,
                ratio,
                goal_text(f),
                met,
            ]
        )
    return "\n".join("| " + " | ".join(cells) + " |" for cells in rows)


# ---------------------------------------------------------------------- process helpers


@dataclass(frozen=True)
class CpuSnapshot:
    """CPU seconds spent so far by the whole machine and by this process with its waited-for
    children (a bench and the sandbox it started), and when they were read."""

    machine_busy_s: float
    own_s: float
    at_s: float


def machine_busy_seconds(proc_stat: str, ticks_per_second: int) -> float:
    """Busy CPU seconds of all CPUs from ``/proc/stat``'s first line: user, nice, system, irq,
    softirq and steal (a hypervisor running another guest is as much a neighbour as a process;
    guest time is already inside user)."""
    fields = proc_stat.splitlines()[0].split()
    if fields[0] != "cpu":
        raise ValueError(f"not /proc/stat: {fields[0]!r}")
    user, nice, system, _idle, _iowait, irq, softirq, steal = (int(v) for v in fields[1:9])
    return (user + nice + system + irq + softirq + steal) / ticks_per_second


def cpu_snapshot() -> CpuSnapshot | None:
    """None where the machine's busy time cannot be read (not Linux)."""
    try:
        with open("/proc/stat", encoding="ascii") as stat:
            busy = machine_busy_seconds(stat.read(), os.sysconf("SC_CLK_TCK"))
    except (OSError, ValueError):
        return None
    own = 0.0
    for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN):
        usage = resource.getrusage(who)
        own += usage.ru_utime + usage.ru_stime
    return CpuSnapshot(busy, own, time.perf_counter())


def others_busy_share(before: CpuSnapshot, after: CpuSnapshot, cores: int) -> float:
    """The share of the machine's CPUs that other processes kept busy between two snapshots.

    Why it is reported: the figures are ratios against floors measured beside them, which
    cancels what slows both sides alike, but the app runs more threads than its floors (the
    window's, the job's, and the store's beside them): on a busy machine each one it wakes
    waits for a CPU the floor never asks for, and its ratios read high."""
    elapsed = after.at_s - before.at_s
    if elapsed <= 0 or cores <= 0:
        return 0.0
    others = (after.machine_busy_s - before.machine_busy_s) - (after.own_s - before.own_s)
    return min(1.0, max(0.0, others / (elapsed * cores)))


def rss_mb() -> float:
    """Resident set size of this process now, in MB (Linux /proc; peak RSS elsewhere)."""
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            pages = int(statm.read().split()[1])
        return pages * os.sysconf("SC_PAGE_SIZE") / 1e6
    except (OSError, ValueError):  # pragma: no cover - not Linux
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return peak / 1e6 if sys.platform == "darwin" else peak / 1e3


def isolated_environment() -> dict[str, str]:
    """Environment for app processes: offscreen Qt, settings and logs in a throw-away home,
    no keyring backend, so a benchmark never touches the developer's own profile."""
    home = Path(tempfile.mkdtemp(prefix="shopper-login-desk-bench-"))
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    for variable, folder in (
        ("XDG_CONFIG_HOME", "config"),
        ("XDG_DATA_HOME", "data"),
        ("XDG_CACHE_HOME", "cache"),
        ("XDG_STATE_HOME", "state"),
    ):
        (home / folder).mkdir(parents=True, exist_ok=True)
        env[variable] = str(home / folder)
    env["PYTHON_KEYRING_BACKEND"] = "keyring.backends.null.Keyring"
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    return env


class SandboxProcess:
    """The sandbox CLI in its own process, so its request handling never competes with the
    measured process for the GIL (the app talks to a store on another machine, after all)."""

    def __init__(self, *args: str, env: dict[str, str] | None = None) -> None:
        import subprocess

        self.process = subprocess.Popen(
            [sys.executable, "-m", "desktop_app.sandbox", "--port", "0", *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            env=env or isolated_environment(),
            cwd=ROOT,
        )
        assert self.process.stdout is not None
        line = self.process.stdout.readline().strip()
        prefix = "Sandbox listening on "
        if not line.startswith(prefix):
            self.stop()
            raise RuntimeError(f"the sandbox did not start: {line!r}")
        self.url = line[len(prefix) :]

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except Exception:
                self.process.kill()
                self.process.wait()

    def __enter__(self) -> SandboxProcess:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stop()
