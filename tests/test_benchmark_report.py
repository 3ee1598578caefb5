"""The benchmark report (``./dev bench``): what it says about each figure, and about the machine.

Nothing here times anything: these check the arithmetic and the wording a reader of the table
relies on, so a figure is never called met, or a run called quiet, by mistake.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.benchmarks.harness import (
    ABSOLUTE_MAX,
    RATIO_MAX,
    RATIO_MIN,
    CpuSnapshot,
    Figure,
    cpu_snapshot,
    machine_busy_seconds,
    others_busy_share,
    read_figures,
    table,
    write_figures,
)
from tests.benchmarks.run import BUSY_MACHINE_SHARE, busy_machine_notes

PROC_STAT = (
    "cpu  1000 50 300 9000 40 20 30 100 0 0\n"
    "cpu0 500 25 150 4500 20 10 15 50 0 0\n"
    "cpu1 500 25 150 4500 20 10 15 50 0 0\n"
    "intr 12345\n"
)


def test_a_click_figure_meets_its_goal_by_the_ratio_of_the_medians() -> None:
    click = Figure("click", "ms", RATIO_MAX, 1.2, samples=[2.5, 2.6, 9.0], floor_samples=[2.2])
    assert click.ratio == pytest.approx(2.6 / 2.2)
    assert click.met is True  # one slow run moves the median no more than one place
    click.samples = [2.7, 2.7, 2.6]
    assert click.met is False


def test_a_throughput_goal_is_a_floor_and_an_absolute_goal_ignores_the_floor() -> None:
    sandbox = Figure("logins/s", "1/s", RATIO_MIN, 0.5, samples=[600.0], floor_samples=[1300.0])
    assert sandbox.met is False
    sandbox.samples = [700.0]
    assert sandbox.met is True
    stall = Figure("stall", "ms", ABSOLUTE_MAX, 16, samples=[12.0, 17.0, 15.9])
    assert stall.met is True
    assert Figure("stall", "ms", ABSOLUTE_MAX, 16).met is None  # nothing measured, nothing met


def test_the_table_marks_misses_and_says_why_a_row_was_skipped() -> None:
    rows = table(
        [
            Figure(
                "click",
                "ms",
                RATIO_MAX,
                1.2,
                samples=[2.9],
                floor_name="bare requests",
                floor_samples=[2.3],
            ),
            Figure("frozen size", "MB", RATIO_MAX, 1.0, skipped="run ./dev package"),
        ]
    ).splitlines()
    assert rows[2] == (
        "| click | ms | 2.9 | 2.9 | 2.9 | 2.3 (bare requests) | 1.26× | ≤ 1.2× | **no** |"
    )
    assert rows[3] == "| frozen size | MB |  |  |  |  |  | ≤ 1× | skipped: run ./dev package |"


def test_figures_come_back_from_their_json_with_their_samples(tmp_path: Path) -> None:
    sent = Figure(
        "sort", "ms", ABSOLUTE_MAX, 50, samples=[11.0, 12.5], note="10,000 rows", floor_name="—"
    )
    write_figures(tmp_path / "figures.json", [sent])
    assert read_figures(tmp_path / "figures.json") == [sent]


def test_busy_seconds_are_read_from_the_machine_line_of_proc_stat() -> None:
    # user + nice + system + irq + softirq + steal; idle and iowait are not busy.
    assert machine_busy_seconds(PROC_STAT, 100) == pytest.approx(15.0)
    with pytest.raises(ValueError, match="not /proc/stat"):
        machine_busy_seconds("intr 12345\n", 100)


def test_the_benchs_own_processes_do_not_count_as_the_machine_being_busy() -> None:
    before = CpuSnapshot(machine_busy_s=100.0, own_s=5.0, at_s=10.0)
    # 10 s on 2 cores: 6 busy seconds, 4 of them the bench's own.
    after = CpuSnapshot(machine_busy_s=106.0, own_s=9.0, at_s=20.0)
    assert others_busy_share(before, after, cores=2) == pytest.approx(0.1)
    # Tick rounding can make the bench look busier than the whole machine: never below 0.
    assert others_busy_share(before, CpuSnapshot(101.0, 9.0, 20.0), cores=2) == 0.0
    assert others_busy_share(before, before, cores=2) == 0.0


@pytest.mark.skipif(cpu_snapshot() is None, reason="the machine's busy time is read on Linux")
def test_a_child_process_cpu_time_counts_as_the_benchs_own() -> None:
    """As a bench and the sandbox it starts are children: their work is the run's own."""
    before = cpu_snapshot()
    burn = "import time\nwhile time.process_time() < 0.3: pass"
    subprocess.run([sys.executable, "-c", burn], check=True, timeout=60)
    after = cpu_snapshot()
    assert before is not None
    assert after is not None
    assert after.own_s - before.own_s >= 0.3
    # The machine saw that work too (its counters tick every 10 ms).
    assert after.machine_busy_s - before.machine_busy_s >= 0.25


def test_only_a_bench_that_shared_a_busy_machine_gets_a_warning() -> None:
    notes = busy_machine_notes({"startup": 0.02, "login": 0.49, "frozen": None})
    assert len(notes) == 1
    assert notes[0].startswith("- the machine was busy during the login bench")
    assert "49%" in notes[0]
    assert busy_machine_notes({"login": BUSY_MACHINE_SHARE}) == []
