"""Skills page budget (issue 14): server time of the /skills callback after a filter change.

Calls the page's callback (pages.skills.update_page) in-process for a varied set of app states
(borough filters of 0, 1, 2 or 5 boroughs, the other filters, a chosen borough or none), with the
view cache emptied before each, so every call computes its views as for a state no one has asked
for yet. Prints p50/p95 time (the call and the JSON encoding of its response) and the size of the
JSON it returns.

    .venv/bin/python benchmarks/skills.py          # datasets/demo (London scale, with skills.csv)
Budget: a filter change handled in p95 < 30 ms.
"""

from __future__ import annotations

import random
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from _budgets import callback_benchmark_args, exit_status, p50_p95, timed_callback  # noqa: E402

BUDGET_MS = 30


def _states(n: int, seed: int = 14) -> list[dict]:
    from techmap.dataformat.authorities import authorities
    from techmap.dataformat.schema import SERVICE_AREAS

    rng = random.Random(seed)
    codes = [a.code for a in authorities()]
    out = []
    for _ in range(n):
        filters: dict = {"authority": rng.sample(codes, rng.choice([0, 0, 1, 2, 5]))}
        if rng.random() < 0.3:
            filters["area"] = [rng.choice(SERVICE_AREAS).slug]
        if rng.random() < 0.2:
            filters["ends_from"], filters["ends_to"] = "2026-11-22", "2028-11-22"
        view = {"borough": rng.choice(codes)} if rng.random() < 0.7 else {}
        out.append({"filters": filters, "view": view})
    return out


def main() -> int:
    args = callback_benchmark_args("states", default=300, smoke=3)

    import app  # noqa: F401  (creates the app, which imports and registers the pages)
    import pages.skills as page
    from techmap.service import cache, context

    data = context.dataset()
    skills = 0 if data.skills is None else len(data.skills)
    states = _states(args.states)
    print(f"dataset: {data.path} ({len(data.contracts):,} contracts, {skills:,} skill levels); "
          f"{len(states)} app states")
    if not skills:
        print("budget: the dataset has no skills.csv, so there is nothing to measure: OVER")
        return exit_status([], args.smoke, always=["a dataset with skills"])
    from techmap.appstate import AppState

    def draw(state: dict) -> object:
        """What the page callback computes for a change to `state` (the finder and the caption)."""
        return page._parts(AppState.from_dict(state))  # pylint: disable=protected-access

    draw(states[0])  # warm-up: imports, name tables
    times, cpus, sizes = [], [], []
    for state in states:
        cache.VIEWS.clear()
        _, wall, cpu, size = timed_callback(draw, state)
        times.append(wall)
        cpus.append(cpu)
        sizes.append(size)
    p50, p95 = p50_p95(times)
    c50, c95 = p50_p95(cpus)
    print("wall = elapsed time; cpu = this thread's CPU time (what the wall time would be on an idle machine)")
    print(f"filter change: wall p50 {p50:.1f} ms, p95 {p95:.1f} ms; cpu p50 {c50:.1f} ms, p95 {c95:.1f} ms; "
          f"response p50 {statistics.median(sizes) / 1024:.1f} KB, max {max(sizes) / 1024:.1f} KB")
    ok = p95 < BUDGET_MS
    print(f"budget: /skills filter change p95 < {BUDGET_MS} ms: {'OK' if ok else 'OVER'} (wall {p95:.1f} ms)")
    return exit_status([] if ok else [f"/skills filter change p95 < {BUDGET_MS} ms"], args.smoke)


if __name__ == "__main__":
    sys.exit(main())
