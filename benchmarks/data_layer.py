"""Data-layer budgets of issue 2: load and query times and memory, printed as a table.

    python benchmarks/data_layer.py                 # bundled dataset + a generated --scale 100 one
    python benchmarks/data_layer.py --big PATH      # reuse a large dataset folder
    python benchmarks/data_layer.py --scale 10      # a smaller generated dataset

Measures (budget):
- load + validate the demo dataset (datasets/demo), median of --runs runs (< 1 s)
- at --scale 100 (generated with `python -m techmap generate-demo`, ~140k rows):
  load + validate (< 10 s, in a fresh process), filter + borough_metrics median over varied filter
  states (< 20 ms), hierarchy + concentration_by median over the same states (< 100 ms), resident
  memory (VmRSS) of a process holding the loaded data (< 400 MB)
plus a few unbudgeted figures for context. Exits 1 when a budget is over.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

import pandas as pd  # noqa: E402

from _budgets import add_smoke_flag, exit_status  # noqa: E402  (beside this script)
from techmap.concentration import concentration_by, hierarchy, supplier_shares  # noqa: E402
from techmap.dataset import DEMO_DATASET, load_dataset  # noqa: E402
from techmap.filters import FilterState  # noqa: E402
from techmap.quality import quality_flags  # noqa: E402
from techmap.queries import apply_filter, borough_metrics, headline  # noqa: E402
from techmap.renewals import add_months, joint_procurement_clusters  # noqa: E402

MB = 1024 * 1024

# Run in a fresh interpreter so that the memory figure is that of a process holding only the data
# (plus what the app imports), not the benchmark's leftovers.
_CHILD = r"""
import gc, json, sys, time
from pathlib import Path
sys.path.insert(0, sys.argv[2])

def rss():
    with open("/proc/self/status") as handle:
        for line in handle:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    return 0

from techmap.dataset import load_dataset
import techmap.queries, techmap.concentration, techmap.renewals
before = rss()
start, start_cpu = time.perf_counter(), time.process_time()
dataset = load_dataset(Path(sys.argv[1]))
seconds, cpu = time.perf_counter() - start, time.process_time() - start_cpu
gc.collect()
loaded = rss()
try:
    import dash, plotly.graph_objects, dash_ag_grid, dash_bootstrap_components  # what app.py adds
    with_app = rss()
except ImportError:
    with_app = None
print(json.dumps({"seconds": seconds, "cpu": cpu, "rows": len(dataset.contracts), "before": before,
                  "loaded": loaded, "with_app": with_app}))
"""


def median_time(func: Callable[..., object], runs: int,
                setup: Callable[[], object] | None = None) -> tuple[float, float]:
    """Median wall-clock seconds of `runs` calls (the budgets are wall-clock) and the median CPU
    seconds of the same calls, which tells slow code from a busy machine. With `setup`, each call
    gets a fresh setup() result as its argument, made outside the timing."""
    wall, cpu = [], []
    for _ in range(runs):
        args = () if setup is None else (setup(),)
        start, start_cpu = time.perf_counter(), time.process_time()
        func(*args)
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return statistics.median(wall), statistics.median(cpu)


def filter_states(df: pd.DataFrame, today: date) -> list[FilterState]:
    """A spread of realistic states: nothing, one or two of each field, date windows, free text
    and combinations, taken from the data so that each one selects something."""
    suppliers = df["supplier_slug"].value_counts().index.tolist()
    systems = df["system_slug"].value_counts().index.tolist()
    areas = df["service_area"].value_counts().index.astype(str).tolist()
    codes = df["authority_code"].value_counts().index.astype(str).tolist()
    word = df["system"].value_counts().index[0].split()[0].lower()
    return [
        FilterState(),
        FilterState(authority=(codes[0],)),
        FilterState(authority=tuple(codes[:3])),
        FilterState(area=(areas[0],)),
        FilterState(area=tuple(areas[1:4])),
        FilterState(supplier=(suppliers[0],)),
        FilterState(supplier=(suppliers[5], suppliers[12])),
        FilterState(system=(systems[0],)),
        FilterState(system=tuple(systems[3:6])),
        FilterState(ends_from=today, ends_to=add_months(today, 12)),
        FilterState(ends_to=add_months(today, 6)),
        FilterState(q=word),
        FilterState(q="camden"),
        FilterState(q=f"{word} hackney"),
        FilterState(area=(areas[0],), ends_from=today, ends_to=add_months(today, 24)),
        FilterState(authority=(codes[1],), supplier=(suppliers[0],), q=word[:3]),
    ]


def per_state_median(states: list[FilterState], func: Callable[..., object], runs: int,
                     setup: Callable[[FilterState], object] | None = None) -> tuple[float, float, float]:
    """Over the states, each timed `runs` times: the median of the per-state median wall times,
    the slowest state's median, and the median of the per-state median CPU times. func gets the
    state, or setup(state) made afresh for every call outside the timing."""
    timings = []
    for state in states:
        if setup is None:
            timings.append(median_time(lambda s=state: func(s), runs))
        else:
            timings.append(median_time(func, runs, setup=lambda s=state: setup(s)))
    wall = [t[0] for t in timings]
    return statistics.median(wall), max(wall), statistics.median(t[1] for t in timings)


def generate(scale: float, out: Path) -> float:
    start = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "techmap", "generate-demo", "--scale", str(scale), "--out", str(out)],
        cwd=REPO, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise SystemExit(f"generate-demo failed ({result.returncode}):\n{result.stderr}{result.stdout}")
    return time.perf_counter() - start


def child_load(path: Path) -> dict[str, float]:
    result = subprocess.run([sys.executable, "-c", _CHILD, str(path), str(REPO)], cwd=REPO,
                            capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise SystemExit(f"loading {path} failed:\n{result.stderr}")
    return json.loads(result.stdout.strip().splitlines()[-1])


Row = tuple[str, str, str, str]


def row(measure: str, value: float, unit: str, budget: float | None, cpu: float | None = None) -> Row:
    shown = f"{value:,.1f} {unit}" if unit != "s" else f"{value:.2f} s"
    if cpu is not None:
        shown += f" (cpu {cpu:,.1f})" if unit != "s" else f" (cpu {cpu:.2f})"
    if budget is None:
        return (measure, shown, "-", "")
    budget_text = f"< {budget:g} {unit}"
    return (measure, shown, budget_text, "OK" if value < budget else "OVER")


def print_table(rows: list[Row]) -> None:
    headers = ("measure", "value", "budget", "")
    widths = [max(len(r[i]) for r in [headers, *rows]) for i in range(4)]
    line = "  ".join("-" * w for w in widths)
    print("  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)))
    print(line)
    for r in rows:
        print("  ".join(c.ljust(w) if i == 0 else c.rjust(w) if i == 1 else c.ljust(w)
                        for i, (c, w) in enumerate(zip(r, widths, strict=True))).rstrip())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=100.0, help="generate-demo scale (default 100)")
    parser.add_argument("--big", type=Path, help="use this dataset folder instead of generating one")
    parser.add_argument("--runs", type=int, default=7, help="repetitions per measure (median)")
    parser.add_argument("--today", type=date.fromisoformat, default=date.today())
    add_smoke_flag(parser)
    args = parser.parse_args(argv)
    if args.smoke:  # the demo (London scale) stands in for the large one
        args.big, args.runs = DEMO_DATASET, 1
    today: date = args.today
    rows: list[Row] = []

    # ---- bundled dataset ----------------------------------------------------------------------
    load_dataset(DEMO_DATASET)  # warm imports and caches once, as a server would at start-up
    seconds, cpu = median_time(lambda: load_dataset(DEMO_DATASET), args.runs)
    bundled_rows = len(load_dataset(DEMO_DATASET).contracts)
    rows.append(row(f"load+validate bundled ({bundled_rows:,} rows)", seconds, "s", 1.0, cpu))

    # ---- large dataset ------------------------------------------------------------------------
    with tempfile.TemporaryDirectory(prefix="techmap-bench-") as tmp:
        big = args.big
        if big is None:
            big = Path(tmp) / f"scale{args.scale:g}"
            gen_seconds = generate(args.scale, big)
            rows.append(row(f"generate-demo --scale {args.scale:g} (no budget)", gen_seconds, "s", None))
        child = child_load(big)
        label = f"{int(child['rows']):,} rows"
        rows.append(row(f"load+validate large ({label}, fresh process)", child["seconds"], "s", 10.0,
                        child["cpu"]))

        dataset = load_dataset(big)
        df = dataset.contracts
        gc.collect()
        states = filter_states(df, today)

        def map_query(state: FilterState) -> object:
            # what the map does on a filter change: everything but the boroughs, then the metrics
            selected = apply_filter(df, state, ignore=("authority",))
            return borough_metrics(selected, today=today, supplier=state.supplier, system=state.system)

        med, worst, cpu = per_state_median(states, map_query, args.runs)
        rows.append(row(f"filter + borough_metrics, median of {len(states)} states", med * 1000, "ms",
                        20.0, cpu * 1000))
        rows.append(row("  slowest state (no budget)", worst * 1000, "ms", None))

        # as a page callback does: filter afresh (not timed), then build the supplier views
        def fresh(state: FilterState) -> pd.DataFrame:
            return apply_filter(df, state)

        def suppliers_query(rows_in: pd.DataFrame) -> object:
            return hierarchy(rows_in), concentration_by(rows_in, "service_area")

        med, worst, cpu = per_state_median(states, suppliers_query, args.runs, setup=fresh)
        rows.append(row("hierarchy + concentration_by, median", med * 1000, "ms", 100.0, cpu * 1000))
        rows.append(row("  slowest state (no budget)", worst * 1000, "ms", None))

        suppliers, systems = dataset.supplier_names, dataset.system_names  # cached once

        def suppliers_query_named(rows_in: pd.DataFrame) -> object:
            return (hierarchy(rows_in, supplier_names=suppliers, system_names=systems),
                    concentration_by(rows_in, "service_area", supplier_names=suppliers))

        med, worst, cpu = per_state_median(states, suppliers_query_named, args.runs, setup=fresh)
        rows.append(row("  same, given Dataset names: median", med * 1000, "ms", 100.0, cpu * 1000))
        rows.append(row("  same, given Dataset names: slowest (no budget)", worst * 1000, "ms", None))

        rows.append(row("rss holding the data (python + pandas)", child["loaded"] / MB, "MB", 400.0))
        if child.get("with_app") is not None:
            rows.append(row("rss with dash/plotly/ag-grid/dbc imported", child["with_app"] / MB,
                            "MB", 400.0))
        rows.append(row("  rss before loading (no budget)", child["before"] / MB, "MB", None))

        # context, no budget: the other queries at this size
        extra = {
            "headline, all rows": lambda: headline(df, today=today),
            "supplier_shares, all rows": lambda: supplier_shares(df),
            "quality_flags, all rows": lambda: quality_flags(df, sources={}, today=today),
            "joint_procurement_clusters, all rows": lambda: joint_procurement_clusters(df, today=today),
        }
        for name, func in extra.items():
            func()
            func()  # warm, as a running server is: cached codes, search index
            wall, cpu = median_time(func, max(3, args.runs // 2))
            rows.append(row(f"{name} (no budget)", wall * 1000, "ms", None, cpu * 1000))

    print_table(rows)
    try:
        load = Path("/proc/loadavg").read_text().split()[:3]
        print(f"\nload average {' '.join(load)} on {os.cpu_count()} CPUs: timings on a busy machine "
              "are inflated; rerun when it is idle.")
    except OSError:
        pass
    return exit_status([r[0].strip() for r in rows if r[3] == "OVER"], args.smoke)


if __name__ == "__main__":
    raise SystemExit(main())
