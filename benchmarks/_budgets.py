"""Shared by the benchmark scripts (not a script itself): the --smoke flag and the exit status, and
what the in-process callback benchmarks share (their arguments, varied filter states, timing a
callback with the size of its response, p50/p95).

Every script prints its figures and one `budget: ... OK|OVER` line a budget, and exits 1 when a
budget is over. `--smoke` runs it on tiny inputs so that tests/unit/test_benchmarks_run.py can
check that it still runs: its timing figures then say nothing (tiny data, a busy test machine), so
they are printed but not enforced; errors and sizes in bytes still exit 1.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any


def add_smoke_flag(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--smoke", action="store_true",
                        help="tiny inputs, to check that the script runs; budgets printed, not enforced")


def exit_status(over: Iterable[str], smoke: bool, always: Iterable[str] = ()) -> int:
    """0, or 1 when a budget in `over` is over (not enforced on a smoke run) or one in `always` is
    (enforced on every run: errors, sizes in bytes, which tiny inputs or a busy machine do not change)."""
    over, always = list(over), list(always)
    for name in always:
        print(f"OVER budget: {name}")
    if smoke:
        if over:
            print(f"smoke run: {len(over)} timing budget(s) over on tiny inputs, not enforced")
        return 1 if always else 0
    for name in over:
        print(f"OVER budget: {name}")
    return 1 if over or always else 0


def callback_benchmark_args(count: str, default: int, smoke: int) -> argparse.Namespace:
    """The arguments of the in-process callback benchmarks: --dataset (default datasets/demo) or
    --scale N (generate-demo --scale N, kept in /tmp/tmN), a count of requests or states
    (`--<count>`, `smoke` of them on a --smoke run) and --smoke. Points the app at the dataset
    (TECHMAP_DATASET) and a fixed today, so call it before importing the app."""
    parser = argparse.ArgumentParser()
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--dataset", type=Path, help="dataset folder (default: the demo, datasets/demo)")
    where.add_argument("--scale", type=int, help="the demo N times larger (generated into /tmp/tmN if missing)")
    parser.add_argument(f"--{count}", type=int, default=default)
    add_smoke_flag(parser)
    args = parser.parse_args()
    if args.smoke:
        setattr(args, count, smoke)
    if args.scale:
        args.dataset = generated(args.scale, Path(f"/tmp/tm{args.scale}"))
    # London scale is the demo: the real rows plus illustrative ones for every unknown pair
    os.environ["TECHMAP_DATASET"] = str(args.dataset or Path(__file__).resolve().parent.parent / "datasets" / "demo")
    os.environ.setdefault("TECHMAP_TODAY", "2026-11-22")
    return args


def generated(scale: int, folder: Path) -> Path:
    """`folder`, holding `generate-demo --scale scale` (generated now unless already there)."""
    if not (folder / "contracts.csv").exists():
        print(f"generating --scale {scale} into {folder} ...", flush=True)
        subprocess.run([sys.executable, "-m", "techmap", "generate-demo", "--scale", str(scale), "--out", str(folder)],
                       cwd=Path(__file__).resolve().parent.parent, check=True)
    return folder


def cold_callback(client: Any, body: dict, what: str) -> float:
    """POST one Dash callback with every per-state cache emptied first (measure the work, not the
    caches); milliseconds taken. Any answer but 200 ends the benchmark, naming `what`."""
    from techmap.service import cache

    cache.RESPONSES.clear()
    cache.VIEWS.clear()
    cache.MASKS.clear()
    start = time.perf_counter()
    response = client.post("/_dash-update-component", json=body)
    elapsed = (time.perf_counter() - start) * 1000
    if response.status_code != 200:
        raise SystemExit(f"{what}: HTTP {response.status_code}: {response.data[:300]!r}")
    return elapsed


def p50_p95(values: list[float]) -> tuple[float, float]:
    """The median and the 95th percentile (statistics.quantiles' default method, as the other
    benchmarks print it); a single value is both."""
    if len(values) < 2:
        return values[0], values[0]
    return statistics.median(values), statistics.quantiles(values, n=20)[18]


def response_bytes(result: Any) -> int:
    """Bytes of the JSON Dash sends for a callback's result (a tuple of outputs, or one output):
    every output but those left unchanged with no_update, which are not sent."""
    import dash
    from plotly.utils import PlotlyJSONEncoder

    outputs = result if isinstance(result, tuple) else (result,)
    sent = [value for value in outputs if value is not dash.no_update]
    return len(json.dumps(sent, cls=PlotlyJSONEncoder, separators=(",", ":")).encode())


def timed_callback(fn: Callable[..., Any], *args: Any) -> tuple[Any, float, float, int]:
    """Call a page's callback function as the server answers it (the call, then the JSON encoding
    of what it returns): (its result, wall ms, this thread's CPU ms, bytes sent)."""
    start, cpu = time.perf_counter(), time.thread_time()
    result = fn(*args)
    size = response_bytes(result)
    return result, (time.perf_counter() - start) * 1000, (time.thread_time() - cpu) * 1000, size


def random_filters(rng: random.Random, data: Any, *, borough_counts: Sequence[int], area_chance: float,
                   area_counts: Sequence[int], ends_chance: float) -> dict[str, Any]:
    """One varied filter state for a page benchmark: some boroughs (how many: one of
    `borough_counts`), and now and then service areas, suppliers, a system, an end-date window and
    a search word."""
    from techmap.dataformat.authorities import authorities
    from techmap.dataformat.schema import SERVICE_AREAS

    codes = [a.code for a in authorities()]
    filters: dict[str, Any] = {"authority": rng.sample(codes, rng.choice(borough_counts))}
    if rng.random() < area_chance:
        filters["area"] = rng.sample([a.slug for a in SERVICE_AREAS], rng.choice(area_counts))
    if rng.random() < 0.4:
        filters["supplier"] = rng.sample(list(data.supplier_names), rng.choice([1, 1, 2]))
    if rng.random() < 0.15:
        filters["system"] = [rng.choice(list(data.system_names))]
    if rng.random() < ends_chance:
        filters["ends_from"], filters["ends_to"] = "2026-11-22", rng.choice(["2027-11-22", "2028-11-22"])
    if rng.random() < 0.15:
        filters["q"] = rng.choice(["microsoft", "capita", "cloud", "housing"])
    return filters
