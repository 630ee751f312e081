"""Renewals page budget (issue 4): server time of the page's callbacks per filter change, and the
size of what they send, at the bundled London scale and at --scale 100.

    python benchmarks/renewals_callbacks.py                  # bundled + /tmp/tm100 (generated if missing)
    python benchmarks/renewals_callbacks.py --big PATH       # another large dataset folder
    python benchmarks/renewals_callbacks.py --repeat 9     # more repetitions per step

Budget: a filter change is handled in under 50 ms (p95) at the bundled scale and under 300 ms at
--scale 100. A "filter change" runs every callback of the page that the change triggers, one after
the other, as a single-threaded server would (the GIL serialises them anyway): the controls, the
quarterly summary, the timeline and the finder. The page's own callbacks are called in-process as
plain functions (pages.renewals.*_response) with the context pointed at the dataset, each given the
page-local stores of the previous step, exactly as the browser would.

Two passes over the same sequence of states: "first visit" (the page's caches emptied before each
step, as for a state never seen) and "again" (caches warm). Each step is repeated and its median
kept, since other processes on a shared machine add noise. Prints figures only.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
os.environ.setdefault("TECHMAP_TODAY", "2026-11-22")

import dash  # noqa: E402
from dash._utils import to_json  # noqa: E402

from techmap import context  # noqa: E402
from techmap.appstate import AppState  # noqa: E402
from techmap.dataset import DEFAULT_DATASET  # noqa: E402
from techmap.filters import FilterState  # noqa: E402
from techmap.renewals import add_months  # noqa: E402

_app = dash.Dash(__name__, use_pages=True, pages_folder="")  # register_page needs an app
import pages.renewals as renewals  # noqa: E402
from components.joint_procurement import CARDS_PER_PAGE  # noqa: E402
from components.timeline import PAGE_SIZE  # noqa: E402

NO_UPDATE = dash.no_update


@dataclass
class Step:
    name: str
    state: AppState
    timeline_step: int = 0  # -1 / +1: a click on the timeline pager instead of a state change
    finder_step: int = 0


@dataclass
class Stores:
    summary: Any = None
    timeline: Any = None
    finder: Any = None
    data: dict[str, Any] = field(default_factory=dict)


def _top(values: Any, n: int) -> list[str]:
    return [str(v) for v in values.value_counts().index[:n]]


def scenario(today: date) -> list[Step]:
    """A user's session: windows, boroughs, areas, suppliers, systems, search, view settings."""
    contracts = context.dataset().contracts
    dated = contracts[contracts["end_date"].notna()]
    suppliers = _top(dated["supplier_slug"], 3)
    systems = _top(dated["system_slug"], 3)
    areas = _top(dated["service_area"].astype(str), 3)
    boroughs = ["E09000007", "E09000012", "E09000019", "E09000022", "E09000033"]

    def window(months: int, **more: Any) -> FilterState:
        return FilterState.from_params({"ends_from": today.isoformat(),
                                        "ends_to": add_months(today, months).isoformat(), **more})

    def st(filters: FilterState, **view: str) -> AppState:
        return AppState(filters).with_view(*next(iter(view.items()))) if view else AppState(filters)

    steps = [
        Step("next 12 months", st(window(12))),
        Step("next 6 months", st(window(6))),
        Step("next 24 months", st(window(24))),
        Step("custom range", st(FilterState.from_params({"ends_from": "2027-04-01", "ends_to": "2027-09-30"}))),
        Step("all end dates", st(FilterState())),
        Step("timeline: later", st(FilterState()), timeline_step=1),
        Step("timeline: later", st(FilterState()), timeline_step=1),
        Step("timeline: earlier", st(FilterState()), timeline_step=-1),
        Step("finder: next", st(FilterState()), finder_step=1),
        Step("group by borough", st(FilterState(), group="authority")),
        Step("within 24 months", st(FilterState(), within="24")),
        Step("lead 12 months", st(FilterState(), lead="12")),
    ]
    for code in boroughs:
        steps.append(Step(f"borough {code}", st(FilterState(authority=(code,)))))
    steps.append(Step("two boroughs", st(FilterState(authority=tuple(boroughs[:2])))))
    steps.append(Step("two boroughs, 12 months", st(window(12, authority=boroughs[:2]))))
    for area in areas:
        steps.append(Step(f"area {area}", st(FilterState(area=(area,)))))
        steps.append(Step(f"area {area}, 24 months", st(window(24, area=[area]))))
    for supplier in suppliers:
        steps.append(Step(f"supplier {supplier}", st(FilterState(supplier=(supplier,)))))
    for system in systems:
        steps.append(Step(f"system {system}", st(FilterState(system=(system,)))))
    steps.append(Step("search 'capita'", st(FilterState(q="capita"))))
    steps.append(Step("search 'cloud', 12 months", st(window(12, q="cloud"))))
    steps.append(Step("borough + area", st(FilterState(authority=(boroughs[0],), area=(areas[0],)))))
    return steps


def _size(outputs: tuple[Any, ...]) -> int:
    return len(to_json([o for o in outputs if o is not NO_UPDATE]))


def run_step(step: Step, stores: Stores) -> tuple[dict[str, float], dict[str, float], int]:
    """Every callback this step triggers: wall seconds and CPU seconds per callback, bytes sent."""
    data = {**step.state.to_dict(), "query": step.state.to_query_string()}
    wall: dict[str, float] = {}
    cpu: dict[str, float] = {}
    sent = 0

    def timed(name: str, func: Callable[[], tuple[Any, ...]]) -> tuple[Any, ...]:
        nonlocal sent
        start, start_cpu = time.perf_counter(), time.process_time()
        out = func()
        wall[name] = time.perf_counter() - start
        cpu[name] = time.process_time() - start_cpu
        sent += _size(out)
        return out

    def keep(out: tuple[Any, ...], old: Any) -> Any:
        return out[-1] if out[-1] is not NO_UPDATE else old

    if step.timeline_step:
        out = timed("timeline", lambda: renewals.timeline_response(data, stores.timeline, step.timeline_step))
        stores.timeline = keep(out, stores.timeline)
    elif step.finder_step:
        out = timed("finder", lambda: renewals.finder_response(data, stores.finder, step.finder_step))
        stores.finder = keep(out, stores.finder)
    else:
        timed("controls", lambda: renewals.controls_response(data, list(renewals.WINDOW_MONTHS)))
        stores.summary = keep(timed("summary", lambda: renewals.summary_response(data, stores.summary)),
                              stores.summary)
        stores.timeline = keep(timed("timeline", lambda: renewals.timeline_response(data, stores.timeline)),
                               stores.timeline)
        stores.finder = keep(timed("finder", lambda: renewals.finder_response(data, stores.finder)),
                             stores.finder)
    return wall, cpu, sent


def clear_caches() -> None:
    renewals._clusters_for.cache_clear()
    renewals._summary_for.cache_clear()


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


def measure(label: str, path: Path, repeat: int, budget_ms: float) -> None:
    os.environ["TECHMAP_DATASET"] = str(path)
    context.reset()
    clear_caches()
    start = time.perf_counter()
    rows = len(context.dataset().contracts)
    load = time.perf_counter() - start
    today = context.today()
    first = AppState()
    start = time.perf_counter()
    layout = renewals.layout()
    layout_ms = (time.perf_counter() - start) * 1000
    with renewals._warming:  # let the layout's background scans finish before measuring
        pass
    layout_bytes = len(to_json(layout))
    print(f"\n== {label}: {path} ({rows:,} contracts; loaded in {load:.1f} s)")
    print(f"first paint layout(): {layout_ms:.0f} ms, {layout_bytes / 1024:.0f} KB")
    steps = scenario(today)
    # Each step is repeated `repeat` times from the same page stores and the median kept, so that
    # other processes on the machine disturb the figures less. "first visit": the page's caches
    # are emptied before every repetition (the cost of a state never seen); "again": warm caches.
    for pass_name, cold in (("first visit", True), ("again", False)):
        stores = Stores(summary=renewals.summary_keys(first),
                        timeline={"key": renewals.timeline_key_of(first), "page": 0},
                        finder={"key": renewals.finder_key_of(first), "page": 0})
        totals: list[float] = []
        cpu_totals: list[float] = []
        per: dict[str, list[float]] = {}
        sizes: list[int] = []
        worst: list[tuple[float, str]] = []
        for step in steps:
            trials = []
            for _ in range(repeat):
                if cold:
                    clear_caches()
                trial_stores = Stores(stores.summary, stores.timeline, stores.finder)
                trials.append((*run_step(step, trial_stores), trial_stores))
            trials.sort(key=lambda t: sum(t[0].values()))
            wall, cpu, sent, after = trials[len(trials) // 2]  # the median repetition
            stores = after
            total = sum(wall.values())
            totals.append(total)
            cpu_totals.append(sum(cpu.values()))
            sizes.append(sent)
            worst.append((total, step.name))
            for name, seconds in wall.items():
                per.setdefault(name, []).append(seconds)
        ms = [t * 1000 for t in totals]
        cpu_ms = [t * 1000 for t in cpu_totals]
        print(f"-- {pass_name}: {len(steps)} changes (median of {repeat} each); server time per change "
              f"p50 {statistics.median(ms):.1f} ms, p95 {percentile(ms, 0.95):.1f} ms, max {max(ms):.1f} ms "
              f"(budget p95 < {budget_ms:.0f} ms); CPU p50 {statistics.median(cpu_ms):.1f} ms, "
              f"p95 {percentile(cpu_ms, 0.95):.1f} ms")
        for name, values in per.items():
            v = [x * 1000 for x in values]
            print(f"   {name:9s} p50 {statistics.median(v):7.1f} ms  p95 {percentile(v, 0.95):7.1f} ms  "
                  f"max {max(v):7.1f} ms  ({len(v)} calls)")
        print(f"   response JSON per change: p50 {statistics.median(sizes) / 1024:.1f} KB, "
              f"max {max(sizes) / 1024:.1f} KB")
        slowest = ", ".join(f"{name} {seconds * 1000:.0f} ms" for seconds, name in sorted(worst, reverse=True)[:3])
        print(f"   slowest: {slowest}")
    try:
        print(f"   (load average while measuring: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs)")
    except OSError:
        pass


def ensure_big(path: Path) -> Path:
    if (path / "contracts.csv").exists():
        return path
    print(f"generating --scale 100 dataset into {path} ...", flush=True)
    subprocess.run([sys.executable, "-m", "techmap", "generate-demo", "--scale", "100", "--out", str(path)],
                   cwd=REPO, check=True)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--big", type=Path, default=Path("/tmp/tm100"), help="a --scale 100 dataset folder")
    parser.add_argument("--repeat", type=int, default=5, help="repetitions per step; the median is kept")
    parser.add_argument("--skip-big", action="store_true")
    args = parser.parse_args()
    print(f"today = {context.today()}; page size {PAGE_SIZE} bars, {CARDS_PER_PAGE} finder cards")
    measure("bundled London", DEFAULT_DATASET, args.repeat, 50)
    if not args.skip_big:
        measure("--scale 100", ensure_big(args.big), args.repeat, 300)


if __name__ == "__main__":
    main()
