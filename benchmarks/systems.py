"""/systems budgets (issue 14): server time of the grid's callback after a filter change, and the
size of what it sends.

Calls pages.systems.cells_response in-process for a varied set of app states (what Dash runs when
the "filters" state store changed: each row's faded cells and selection), and prints p50/p95 time
(the call and the JSON encoding of its response) and the size of that JSON.
The view cache is emptied before each call, so every state is one no one has asked for yet; the
grid itself is built once per dataset (and role), as on a server, and that build is timed apart.
A new sort (order_response: the rows re-sent) and a new colouring (colour_response: one class and
the legend) are printed too; no budget names them.

    .venv/bin/python benchmarks/systems.py                       # the demo dataset (London scale)
    .venv/bin/python benchmarks/systems.py --dataset /tmp/tm100  # --scale 100 data
    (make it with: .venv/bin/python -m techmap generate-demo --scale 100 --out /tmp/tm100)
Budgets: a filter change p95 < 50 ms at London scale, < 300 ms at --scale 100; its response < 60 KB.
"""

from __future__ import annotations

import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from _budgets import callback_benchmark_args, exit_status, p50_p95, random_filters, timed_callback  # noqa: E402

MAX_BYTES = 60 * 1024


def _states(data: Any, n: int, seed: int = 14) -> list[dict]:
    """Varied app states: boroughs and areas (cells chosen), suppliers, systems, dates, search."""
    from techmap.analysis.systems_grid import ROW_SORTS

    rng = random.Random(seed)
    out = []
    for _ in range(n):
        filters = random_filters(rng, data, borough_counts=[0, 0, 1, 1, 3], area_chance=0.4,
                                 area_counts=[1, 1, 2], ends_chance=0.25)
        view = {"grid_sort": rng.choice(ROW_SORTS), "grid_colour": rng.choice(["supplier", "ends"])}
        out.append({"filters": filters, "view": view})
    return out


def main() -> int:
    args = callback_benchmark_args("states", default=200, smoke=3)

    import app  # noqa: F401  (creates the app, which imports and registers the pages)
    import pages.systems as page
    from techmap.analysis.systems_grid import build_grid
    from techmap.appstate import AppState
    from techmap.service import cache, context
    from techmap.service.systems_views import grid

    data = context.dataset()
    rows = len(data.contracts)
    states = _states(data, args.states)
    print(f"dataset: {data.path} ({rows:,} contracts); {len(states)} app states")
    start = time.perf_counter()
    build_grid(data.contracts, context.today())
    print(f"grid built once per dataset version and role: {(time.perf_counter() - start) * 1000:.1f} ms")
    codes = list(grid().codes)
    responses = {"filter change": lambda s: page.cells_response(s, codes), "new sort": page.order_response,
                 "new colouring": page.colour_response}
    for state in states[:5]:  # warm-up: the search index, display names
        page.cells_response(AppState.from_dict(state), codes)

    runs: dict[str, tuple[list[float], list[int]]] = {}
    for i, state in enumerate(states):
        app_state = AppState.from_dict(state)
        for name in list(responses) if i < 20 else ["filter change"]:  # a few of the others will do
            cache.VIEWS.clear()  # a state no one has asked for yet
            _, wall, _, size = timed_callback(responses[name], app_state)
            times, sizes = runs.setdefault(name, ([], []))
            times.append(wall)
            sizes.append(size)

    print(f"{'change':<16}{'n':>5}{'p50 ms':>9}{'p95 ms':>9}{'p50 KB':>9}{'max KB':>9}")
    for name, (times, sizes) in runs.items():
        p50, p95 = p50_p95(times)
        print(f"{name:<16}{len(times):>5}{p50:>9.1f}{p95:>9.1f}{statistics.median(sizes) / 1024:>9.1f}"
              f"{max(sizes) / 1024:>9.1f}")
    budget = 50 if rows < 20_000 else 300
    p95 = p50_p95(runs["filter change"][0])[1]
    biggest = max(runs["filter change"][1])
    print(f"budget: filter change p95 < {budget} ms: {'OK' if p95 < budget else 'OVER'} ({p95:.1f} ms)")
    print(f"budget: filter change response < {MAX_BYTES // 1024} KB: {'OK' if biggest < MAX_BYTES else 'OVER'} "
          f"(largest {biggest / 1024:.1f} KB)")
    return exit_status([f"filter change p95 < {budget} ms"] if p95 >= budget else [], args.smoke,
                       always=[f"filter change response < {MAX_BYTES // 1024} KB"] if biggest >= MAX_BYTES else [])


if __name__ == "__main__":
    sys.exit(main())
