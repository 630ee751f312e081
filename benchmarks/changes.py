"""Budget of issue 16 for /changes: between two `--scale 100` versions, under 1 s cold and under
100 ms warm.

    python benchmarks/changes.py               # --scale 100 (~140k rows), 1% of rows changed
    python benchmarks/changes.py --smoke       # tiny inputs: checks that it runs

Generates the demo (as `python -m techmap generate-demo --scale N --out DIR` does), copies it with
1% of its rows changed (half end dates a year later, half another supplier), publishes both to a
temporary SQLite store, then times the page's layout (the versions read, both versions loaded, the
changes computed, the page built and serialised as Dash sends it): cold (nothing cached, as the
first request after a new version) and warm (median of --runs repeats). Exits 1 over budget.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
os.environ.setdefault("TECHMAP_TODAY", "2026-11-22")

from _budgets import add_smoke_flag, exit_status  # noqa: E402  (beside this script)
from plotly.utils import PlotlyJSONEncoder  # noqa: E402

import app as app_module  # noqa: E402,F401  (loads the pages, as Dash does)
from pages import changes as page  # noqa: E402
from techmap.demo.generate import build_contracts, manifest, write_dataset  # noqa: E402
from techmap.service import cache, change_views  # noqa: E402
from techmap.store.db import open_database  # noqa: E402
from techmap.store.publishing import publish_folder  # noqa: E402

COLD_S = 1.0
WARM_S = 0.100


def changed_copy(folder: Path, out: Path, share: float, rng: random.Random) -> int:
    """`folder` copied to `out` with `share` of its rows changed; the number changed."""
    out.mkdir()
    (out / "manifest.json").write_bytes((folder / "manifest.json").read_bytes())
    with (folder / "contracts.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    columns = rows[0]
    dates = [columns.index("end_date"), columns.index("max_end_date")]
    supplier = columns.index("supplier")
    suppliers = sorted({row[supplier] for row in rows[1:]})
    picked = rng.sample(range(1, len(rows)), max(2, int((len(rows) - 1) * share)))
    for n, i in enumerate(picked):
        row = rows[i]
        if n % 2 == 0 and row[dates[0]]:
            for d in (d for d in dates if row[d]):  # a year later, its latest end too: valid
                year, rest = row[d].split("-", 1)
                row[d] = f"{int(year) + 1}-{rest.replace('02-29', '02-28')}"
        else:
            row[supplier] = rng.choice([s for s in suppliers[:50] if s != row[supplier]])
    with (out / "contracts.csv").open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)
    return len(picked)


def render() -> int:
    """The page as Dash would send it; its size in bytes."""
    return len(json.dumps(page.layout(), cls=PlotlyJSONEncoder))


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=100)
    parser.add_argument("--runs", type=int, default=10)
    add_smoke_flag(parser)
    args = parser.parse_args()
    scale = 0.2 if args.smoke else args.scale
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        started = time.perf_counter()
        first = root / "v1"
        write_dataset(first, manifest(2019, scale, True), build_contracts(2019, scale, True))
        changed = changed_copy(first, root / "v2", 0.01, random.Random(16))
        database = open_database(f"sqlite:///{root / 'store.db'}")
        publish_folder(database, first, note="generated", by="benchmark")
        publish_folder(database, root / "v2", note="1% changed", by="benchmark")
        print(f"generate --scale {scale:g}, change {changed:,} rows, publish both: "
              f"{time.perf_counter() - started:.1f} s")
        change_views.use_store(lambda: database)
        cache.clear()
        render()  # the app's own dataset (the cache keys name it) is loaded before timing
        change_views.use_store(lambda: database)  # forget the versions loaded: cold again
        cache.clear()
        start = time.perf_counter()
        size = render()
        cold = time.perf_counter() - start
        warm_times = []
        for _ in range(args.runs):
            start = time.perf_counter()
            render()
            warm_times.append(time.perf_counter() - start)
        warm = statistics.median(warm_times)
        change_views.use_store(None)
    print(f"/changes between two --scale {scale:g} versions ({size:,} bytes): "
          f"cold {cold * 1000:.0f} ms, warm {warm * 1000:.1f} ms (median of {args.runs})")
    over = []
    for name, value, budget in (("cold", cold, COLD_S), ("warm", warm, WARM_S)):
        ok = value <= budget
        print(f"budget: /changes {name} {value * 1000:.1f} ms <= {budget * 1000:.0f} ms: "
              f"{'OK' if ok else 'OVER'}")
        if not ok:
            over.append(f"/changes {name}")
    return exit_status(over, args.smoke)


if __name__ == "__main__":
    sys.exit(main())
