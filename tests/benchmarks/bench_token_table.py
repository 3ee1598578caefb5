"""Benchmark the token table at 10,000 rows in a shown QTableView (offscreen).

Run: ``python -m tests.benchmarks.bench_token_table [--json PATH]`` (offscreen by default);
``./dev bench`` runs it with the others (``--json-out``) and puts sort by name, sort by expiry
and filter in its table, each against the 50 ms goal.

Not a pytest module (pytest ignores ``tests/benchmarks``): timings belong in a report, never
in an assertion. Each timed operation includes ``processEvents()`` so the view's relayout and
repaint are counted, as the user would feel them. Before each sort run the rows are reloaded
in a fresh random order (untimed), so no run sorts already-sorted data.

The "proxy-sort floor" is a plain ``QSortFilterProxyModel`` sorting the same model through
``data()``: the design this module's model-side sort replaces (see docs/platform-notes.md).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import PySide6
from PySide6.QtCore import QSortFilterProxyModel, Qt
from PySide6.QtWidgets import QApplication

from desktop_app.api.models import AccountToken
from desktop_app.ui.token_columns import TokenColumn
from desktop_app.ui.token_table_panel import TokenTablePanel
from tests.benchmarks.harness import ABSOLUTE_MAX, Figure, write_figures

ROWS = 10_000
RUNS = 7
GOAL_MS = 50.0
NOW = datetime(2026, 11, 20, 12, 0, 0, tzinfo=UTC)


def make_tokens(count: int, rng: random.Random) -> list[AccountToken]:
    words = ["Acme", "Beta", "Cobalt", "Delta", "Ember", "Falcon", "Granite", "Harbor"]
    kinds = ["Retail", "Wholesale", "Outlet", "B2B", "Partner"]
    return [
        AccountToken(
            account_id=f"{rng.getrandbits(128):032x}",
            account_name=f"{rng.choice(words)} {rng.choice(kinds)} {i:05d}",
            token=f"eyJhbGciOiJIUzI1NiJ9.{rng.getrandbits(256):064x}",
            expires=NOW + timedelta(seconds=rng.randrange(-3600, 86400)),
        )
        for i in range(count)
    ]


def timed(
    app: QApplication, runs: int, prepare: Callable[[int], None], action: Callable[[int], None]
) -> list[float]:
    """Run ``prepare`` untimed, then time ``action`` plus the event processing it causes."""
    samples = []
    for run in range(runs):
        prepare(run)
        app.processEvents()
        start = time.perf_counter()
        action(run)
        app.processEvents()
        samples.append((time.perf_counter() - start) * 1000.0)
    return samples


def summary(samples: list[float]) -> dict[str, float]:
    return {
        "median_ms": round(statistics.median(samples), 2),
        "min_ms": round(min(samples), 2),
        "max_ms": round(max(samples), 2),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path, metavar="PATH", help="also write results as JSON")
    parser.add_argument("--rows", type=int, default=ROWS)
    parser.add_argument("--runs", type=int, default=RUNS)
    parser.add_argument("--json-out", type=Path, help="figures for tests/benchmarks/run.py")
    args = parser.parse_args(argv)

    app = QApplication.instance() or QApplication(sys.argv[:1])
    rng = random.Random(20261120)
    tokens = make_tokens(args.rows, rng)
    clock_now = [NOW]
    panel = TokenTablePanel(clock=lambda: clock_now[0])
    panel.resize(1100, 700)
    panel.show()
    app.processEvents()
    model, proxy = panel.model, panel.proxy

    def shuffled_unsorted(_run: int) -> None:
        proxy.set_filter_text("")
        model.sort(-1, Qt.SortOrder.AscendingOrder)  # load order = the shuffled input order
        rng.shuffle(tokens)
        model.set_tokens(tokens)

    def sort_by(column: TokenColumn) -> Callable[[int], None]:
        def action(run: int) -> None:
            order = Qt.SortOrder.AscendingOrder if run % 2 == 0 else Qt.SortOrder.DescendingOrder
            # Exactly what a header click does: QTableView -> proxy.sort -> model.sort.
            panel.view.sortByColumn(column, order)

        return action

    def tick(_run: int) -> None:
        clock_now[0] += timedelta(seconds=1)
        model.refresh_time_left()

    samples: dict[str, list[float]] = {}
    samples["model reset (set_tokens)"] = timed(
        app, args.runs, lambda _r: rng.shuffle(tokens), lambda _r: model.set_tokens(tokens)
    )
    samples["sort by name"] = timed(
        app, args.runs, shuffled_unsorted, sort_by(TokenColumn.ACCOUNT_NAME)
    )
    samples["sort by expiry"] = timed(
        app, args.runs, shuffled_unsorted, sort_by(TokenColumn.EXPIRES)
    )
    needles = ["acme retail 0", "falcon", "7", "b2b 01", "harbor partner", "0000", "ember"]
    samples["filter (set_filter_text)"] = timed(
        app,
        args.runs,
        lambda _r: proxy.set_filter_text(""),
        lambda r: proxy.set_filter_text(needles[r % len(needles)]),
    )
    proxy.set_filter_text("")
    samples["refresh_time_left (one tick)"] = timed(app, args.runs, lambda _r: None, tick)

    # The floor: Qt's own proxy sorting the same model through Python data() calls.
    floor = QSortFilterProxyModel()
    floor.setSourceModel(model)

    def floor_prepare(_run: int) -> None:
        floor.sort(-1)
        shuffled_unsorted(_run)

    samples["proxy-sort floor (QSortFilterProxyModel, name)"] = timed(
        app,
        args.runs,
        floor_prepare,
        lambda _r: floor.sort(TokenColumn.ACCOUNT_NAME, Qt.SortOrder.AscendingOrder),
    )
    results = {name: summary(values) for name, values in samples.items()}

    width = max(len(name) for name in results)
    print(
        f"{args.rows:,} rows, shown QTableView ({os.environ['QT_QPA_PLATFORM']}), {args.runs} runs"
    )
    print(f"{'operation':<{width}}  {'median':>9}  {'min':>9}  {'max':>9}")
    for name, row in results.items():
        print(
            f"{name:<{width}}  {row['median_ms']:>6.1f} ms  {row['min_ms']:>6.1f} ms"
            f"  {row['max_ms']:>6.1f} ms"
        )

    if args.json is not None:
        payload = {
            "rows": args.rows,
            "runs": args.runs,
            "goal_ms": GOAL_MS,
            "python": platform.python_version(),
            "pyside6": PySide6.__version__,
            "platform": os.environ["QT_QPA_PLATFORM"],
            "results": results,
        }
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
        print(f"wrote {args.json}")

    if args.json_out is not None:
        write_figures(
            args.json_out,
            [
                Figure(
                    f"{label}, {args.rows:,} rows",
                    "ms",
                    ABSOLUTE_MAX,
                    GOAL_MS,
                    samples=samples[key],
                    note="shown QTableView, includes processEvents()",
                )
                for label, key in (
                    ("sort by name", "sort by name"),
                    ("sort by expiry", "sort by expiry"),
                    ("filter", "filter (set_filter_text)"),
                )
            ],
        )

    panel.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
