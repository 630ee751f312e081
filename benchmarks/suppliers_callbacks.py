"""Suppliers page budgets (issue 4): server time of the page's callbacks after a filter change, and
the size of what they send.

Calls the callback functions in-process (pages.suppliers.page_response and pages.supplier's
update_profile) for a varied set of app states, and prints p50/p95 time (the call and the JSON encoding of its response) and the size in bytes of
the JSON they return (json.dumps with plotly's encoder; outputs left unchanged with no_update are
not sent, so they are not counted). Two kinds of change are measured separately: a new filter
state (the treemap's nodes change) and a supplier selection only (a treemap click: only the
highlight is patched).

    .venv/bin/python benchmarks/suppliers_callbacks.py                    # the demo dataset (London scale)
    .venv/bin/python benchmarks/suppliers_callbacks.py --dataset /tmp/tm100   # --scale 100 data
    (make it with: .venv/bin/python -m techmap generate-demo --scale 100 --out /tmp/tm100)
Budgets: a filter change handled in p95 < 50 ms at London scale, < 300 ms at --scale 100.
Prints figures only; nothing here asserts.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from _budgets import (callback_benchmark_args, exit_status, p50_p95, random_filters,  # noqa: E402
                      response_bytes, timed_callback)


def _states(data: Any, n: int, seed: int = 11) -> list[dict]:
    """Varied app states: boroughs, service areas, suppliers, systems, end dates, search, views."""
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        filters = random_filters(rng, data, borough_counts=[0, 0, 0, 1, 2, 5], area_chance=0.3,
                                 area_counts=[1, 1, 3], ends_chance=0.2)
        view = {"size": rng.choice(["count", "count", "value"]), "top": rng.choice(["5", "10", "15", "20"])}
        out.append({"filters": filters, "view": view})
    return out


def main() -> int:
    args = callback_benchmark_args("states", default=200, smoke=3)

    import app  # noqa: F401  (creates the app, which imports and registers the pages)
    import pages.supplier as profile_page
    import pages.suppliers as page
    from techmap.service import cache, context
    from components.state_stores import changed, store_value
    from techmap.appstate import AppState

    data = context.dataset()
    states = _states(data, args.states)
    rows = len(data.contracts)
    print(f"dataset: {data.path} ({rows:,} contracts, {len(data.supplier_names):,} suppliers); "
          f"{len(states)} app states")

    # warm-up (first calls build lasting caches: the search index, display names)
    for state in states[:5]:
        page.page_response(state)

    runs: dict[str, tuple[list[float], list[float], list[int]]] = {}

    def timed(name: str, fn: Any, *args: Any) -> Any:
        """Record the server time of one callback and the size of its response."""
        result, wall, cpu_ms, size = timed_callback(fn, *args)
        times, cpus, sizes = runs.setdefault(name, ([], [], []))
        times.append(wall)
        cpus.append(cpu_ms)
        sizes.append(size)
        return result

    biggest_outputs: dict[str, int] = {}
    previous: dict = {"filters": {}, "view": {}}
    for state in states:
        # a filter change: Dash runs the page's callback for the state stores that changed
        cache.VIEWS.clear()  # count from scratch, as for a state no one has asked for yet
        moved = {n for n in page.STORES if changed(n, store_value(AppState.from_dict(state), n),
                                                       store_value(AppState.from_dict(previous), n))}
        was = previous["filters"].get("supplier", [])
        result = timed("filter change", page.page_response, state, moved or set(page.STORES), was)
        names = ["treemap", "summary", "selection", "caption", "treemap table", "concentration",
                 "ranked table", "downloads"]  # the callback's outputs, in order (pages/suppliers.py)
        for name, value in zip(names, result, strict=True):
            if value is not dash_no_update():
                biggest_outputs[name] = max(biggest_outputs.get(name, 0), response_bytes((value,)))
        # a treemap click on the page just drawn: one more supplier selected
        largest = result and page.build_view(AppState.from_dict(state)).counted.shares["supplier_slug"]
        pick = next((s for s in largest if s not in state["filters"].get("supplier", [])), None) \
            if len(largest) else next(iter(data.supplier_names))
        clicked = state["filters"].get("supplier", []) + [pick]
        after = {**state, "filters": {**state["filters"], "supplier": clicked}}
        timed("supplier click", page.page_response, after, {"supplier"}, state["filters"].get("supplier", []))
        previous = after
        # the profile of one of the suppliers, under the same filters
        slug = clicked[0]
        timed("supplier profile", profile_page.update_profile, state, slug)

    budget = 50 if rows < 20_000 else 300
    print("wall = elapsed time; cpu = this thread's CPU time (what the wall time would be on an idle "
          "machine)")
    print(f"{'callback':<18}{'wall p50':>9}{'wall p95':>9}{'cpu p50':>9}{'cpu p95':>9}{'p50 KB':>8}"
          f"{'p95 KB':>8}{'max KB':>8}")
    for name, (times, cpu, sizes) in runs.items():
        p50, p95 = p50_p95(times)
        c50, c95 = p50_p95(cpu)
        s50, s95 = p50_p95([float(s) for s in sizes])
        print(f"{name:<18}{p50:>9.1f}{p95:>9.1f}{c50:>9.1f}{c95:>9.1f}{s50 / 1024:>8.1f}{s95 / 1024:>8.1f}"
              f"{max(sizes) / 1024:>8.1f}")
    print("largest single outputs of a filter change (KB): "
          + ", ".join(f"{k} {v / 1024:.1f}" for k, v in biggest_outputs.items()))
    p95 = p50_p95(runs["filter change"][0])[1]
    c95 = p50_p95(runs["filter change"][1])[1]
    print(f"budget: filter change p95 < {budget} ms: {'OK' if p95 < budget else 'OVER'} "
          f"(wall {p95:.1f} ms, cpu {c95:.1f} ms)")
    return exit_status([f"filter change p95 < {budget} ms"] if p95 >= budget else [], args.smoke)


def dash_no_update() -> Any:
    import dash

    return dash.no_update


if __name__ == "__main__":
    sys.exit(main())
