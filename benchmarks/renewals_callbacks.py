"""Renewals page budget (issue 4): server time of the page's callbacks per filter change, and the
size of what they send, at the bundled London scale and at --scale 100.

    python benchmarks/renewals_callbacks.py                  # bundled + /tmp/tm100 (generated if missing)
    python benchmarks/renewals_callbacks.py --big PATH       # another large dataset folder
    python benchmarks/renewals_callbacks.py --repeat 9     # more repetitions per step

Budget: a filter change is handled in under 50 ms (p95) at the bundled scale and under 150 ms at
--scale 100. A "filter change" runs every callback of the page that the change triggers, one after
the other, as a single-threaded server would (the GIL serialises them anyway): the controls, the
quarterly summary, the timeline and the finder, each timed with the JSON encoding of its response
(as Dash does before sending it). The page's own callbacks are called in-process as
plain functions (pages.renewals.*_response, summary_chart, summary_table) with the context pointed
at the dataset; like the page, only those whose part of the state changed draw (shell/state_change.py).

Three passes over the same sequence of states (see PASSES): "cold" (caches emptied before every
change: the worst case), "session" (a fresh visit: open the page, then the changes in turn) and
"warm". Each pass is repeated and every step's median kept, since other processes on a shared
machine add noise; CPU time is printed beside wall time for the same reason. Exits 1 when a pass
is over its budget.
"""

from __future__ import annotations

import argparse
import gzip
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

from _budgets import add_smoke_flag, exit_status  # noqa: E402  (beside this script)
from shell.state_change import FILTERS, changed_parts  # noqa: E402
from dash_compat import to_json  # noqa: E402
from techmap.appstate import AppState  # noqa: E402
from techmap.dataformat.dataset import DEMO_DATASET  # noqa: E402
from techmap.analysis.filters import FilterState  # noqa: E402
from techmap.analysis.renewals import add_months  # noqa: E402
from techmap.service import cache, context, renewal_views  # noqa: E402

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
    """What the page holds between steps: the state its stores were written for, the pages shown."""

    state: AppState = field(default_factory=AppState)
    timeline: Any = 0
    finder: Any = 0


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


def run_step(step: Step, stores: Stores) -> tuple[dict[str, float], dict[str, float], tuple[int, int]]:
    """Every callback this step triggers: wall seconds and CPU seconds per callback, bytes sent."""
    data = {**step.state.to_dict(), "query": step.state.to_query_string()}
    wall: dict[str, float] = {}
    cpu: dict[str, float] = {}
    sent = [0, 0]

    def timed(name: str, func: Callable[[], tuple[Any, ...]]) -> tuple[Any, ...]:
        start, start_cpu = time.perf_counter(), time.process_time()
        out = func()
        body = to_json([o for o in out if o is not NO_UPDATE]).encode()  # Dash encodes the response too
        wall[name] = time.perf_counter() - start
        cpu[name] = time.process_time() - start_cpu
        raw, zipped = len(body), len(gzip.compress(body, 6))
        sent[0] += raw
        sent[1] += zipped
        return out

    # Each callback draws only when the part of the state it depends on changed (pages/renewals.py).
    moved = changed_parts(stores.state, step.state)
    stores.state = step.state
    if step.timeline_step:
        stores.timeline = timed("timeline", lambda: renewals.timeline_response(
            data, stores.timeline, step.timeline_step))[-1]
    elif step.finder_step:
        stores.finder = timed("finder", lambda: renewals.finder_response(data, stores.finder, step.finder_step))[-1]
    elif moved:
        timed("controls", lambda: renewals.controls_response(data, list(renewals.WINDOW_MONTHS)))
        timed("summary", lambda: (*(renewals.summary_chart(data) if moved & FILTERS else ()),
                                  renewals.summary_table(data)))
        if moved & (FILTERS | {"group"}):
            stores.timeline = timed("timeline", lambda: renewals.timeline_response(data))[-1]
        stores.finder = timed("finder", lambda: renewals.finder_response(data))[-1]
    return wall, cpu, (sent[0], sent[1])


def clear_caches() -> None:
    cache.VIEWS.clear()  # the summary and the finder's scan
    cache.RESPONSES.clear()


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


def fresh_stores(state: AppState) -> Stores:
    """The page-local stores as layout() leaves them for `state`."""
    return Stores(state=state)


def land(state: AppState) -> None:
    """What opening the page does to the caches: layout() and its background scans."""
    renewals.layout(**dict(state.filters.to_pairs()))
    renewal_views.wait_for_warm_up()  # wait for the background scans


PASSES = {
    "cold": "every state scanned from nothing (caches emptied before each change): the worst case",
    "session": "a fresh visit: the page opened (which scans the window buttons' states in the "
               "background), then the changes in turn",
    "warm": "the same changes again, caches warm",
}


def run_pass(name: str, steps: list[Step], repeat: int) -> list[Any]:
    """Per step, the repetition with the median total wall time."""
    landing = AppState()
    runs: list[list[Any]] = [[] for _ in steps]
    if name == "warm":
        stores = fresh_stores(landing)
        for step in steps:  # prime every cache once
            run_step(step, stores)
    for _ in range(repeat):
        if name in ("session", "cold"):
            clear_caches()
        if name == "session":
            land(landing)
        stores = fresh_stores(landing)
        for i, step in enumerate(steps):
            if name == "cold":
                clear_caches()
            runs[i].append(run_step(step, stores))
    out = []
    for trials in runs:
        trials.sort(key=lambda t: sum(t[0].values()))
        out.append(trials[len(trials) // 2])
    return out


def measure(label: str, path: Path, repeat: int, budget_ms: float) -> list[str]:
    """Prints the figures; returns the budgets that are over (one a pass)."""
    over = []
    os.environ["TECHMAP_DATASET"] = str(path)
    context.reset()
    clear_caches()
    start = time.perf_counter()
    rows = len(context.dataset().contracts)
    load = time.perf_counter() - start
    start = time.perf_counter()
    layout = renewals.layout()
    layout_ms = (time.perf_counter() - start) * 1000
    renewal_views.wait_for_warm_up()  # let the layout's background scans finish before measuring
    layout_bytes = len(to_json(layout))
    print(f"\n== {label}: {path} ({rows:,} contracts; loaded in {load:.1f} s)")
    print(f"first paint layout(): {layout_ms:.0f} ms (cold), {layout_bytes / 1024:.0f} KB")
    steps = scenario(context.today())
    for pass_name, words in PASSES.items():
        results = run_pass(pass_name, steps, repeat)
        ms = [sum(wall.values()) * 1000 for wall, _, _ in results]
        cpu_ms = [sum(cpu.values()) * 1000 for _, cpu, _ in results]
        sizes = [sent for _, _, sent in results]
        print(f"-- {pass_name} ({words}); {len(steps)} changes, median of {repeat} runs each")
        if percentile(ms, 0.95) >= budget_ms:
            over.append(f"{label}, {pass_name}: a filter change p95 < {budget_ms:.0f} ms")
        print(f"   server time per change: p50 {statistics.median(ms):.1f} ms, p95 {percentile(ms, 0.95):.1f} ms, "
              f"max {max(ms):.1f} ms (budget p95 < {budget_ms:.0f} ms); CPU time p50 "
              f"{statistics.median(cpu_ms):.1f} ms, p95 {percentile(cpu_ms, 0.95):.1f} ms")
        per: dict[str, list[float]] = {}
        for wall, _, _ in results:
            for name, seconds in wall.items():
                per.setdefault(name, []).append(seconds * 1000)
        for name, v in per.items():
            print(f"   {name:9s} p50 {statistics.median(v):7.1f} ms  p95 {percentile(v, 0.95):7.1f} ms  "
                  f"max {max(v):7.1f} ms  ({len(v)} calls)")
        raw = [r for r, _ in sizes]
        zipped = [z for _, z in sizes]
        print(f"   response JSON per change: p50 {statistics.median(raw) / 1024:.1f} KB, max "
              f"{max(raw) / 1024:.1f} KB (gzipped: p50 {statistics.median(zipped) / 1024:.1f} KB, "
              f"max {max(zipped) / 1024:.1f} KB)")
        worst = sorted(zip(ms, (s.name for s in steps), strict=True), reverse=True)[:3]
        print("   slowest: " + ", ".join(f"{n} {t:.0f} ms" for t, n in worst))
    try:
        print(f"   (load average while measuring: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs)")
    except OSError:
        pass
    return over


def ensure_big(path: Path) -> Path:
    if (path / "contracts.csv").exists():
        return path
    print(f"generating --scale 100 dataset into {path} ...", flush=True)
    subprocess.run([sys.executable, "-m", "techmap", "generate-demo", "--scale", "100", "--out", str(path)],
                   cwd=REPO, check=True)
    return path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--big", type=Path, default=Path("/tmp/tm100"), help="a --scale 100 dataset folder")
    parser.add_argument("--repeat", type=int, default=5, help="repetitions per step; the median is kept")
    parser.add_argument("--skip-big", action="store_true")
    parser.add_argument("--skip-london", action="store_true", help="only the --big dataset (cost_curve.py)")
    add_smoke_flag(parser)
    args = parser.parse_args()
    if args.smoke:
        args.skip_big, args.repeat = True, 1
    print(f"today = {context.today()}; page size {PAGE_SIZE} bars, {CARDS_PER_PAGE} finder cards")
    over = [] if args.skip_london else measure("bundled London", DEMO_DATASET, args.repeat, 50)
    if not args.skip_big:
        over += measure("--scale 100", ensure_big(args.big), args.repeat, 150)
    return exit_status(over, args.smoke)


if __name__ == "__main__":
    sys.exit(main())
