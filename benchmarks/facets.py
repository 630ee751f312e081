"""Faceted filter drop-downs (issue 14): server time and response size of the counts callback
after a filter change, and the group split of the headline figures.

Sends real `/_dash-update-component` requests for the counts callback (shell/facets.py) through
the Flask test client, walking a chain of filter changes as a user would (each request carries the
digests the previous answer left in the browser, so only changed counts are sent), with every
per-state cache emptied before each request (the work itself).

    .venv/bin/python benchmarks/facets.py                       # the demo dataset (London scale)
    .venv/bin/python benchmarks/facets.py --dataset /tmp/tm100  # e.g. --scale 100 data
Budgets: counts p95 < 20 ms at London scale (< 150 ms past 20,000 rows); every answer < 3 KB
(the map page's whole change must stay under 10 KB, issue 18).
"""

from __future__ import annotations

import json
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from _budgets import callback_benchmark_args, exit_status  # noqa: E402  (beside this script)

OUTPUT = "..facet-counts.data...facet-digests.data.."
OUTPUTS = [{"id": "facet-counts", "property": "data"}, {"id": "facet-digests", "property": "data"}]


def _states(data, n: int, seed: int = 11) -> list[dict]:
    """A walk of filter changes: each state adds or removes one filter value of the last."""
    from techmap.analysis.facets import facet_index

    index = facet_index(data)
    rng = random.Random(seed)
    filters: dict[str, list[str]] = {}
    out = []
    for _ in range(n):
        param = rng.choice(["authority", "area", "group", "supplier", "manufacturer", "system", "clear"])
        if param == "clear" or sum(map(len, filters.values())) >= 4:
            filters = {}
        else:
            values = filters.setdefault(param, [])
            choice = rng.choice(index.values[param])
            values.remove(choice) if choice in values else values.append(choice)
        out.append({"filters": {k: list(v) for k, v in filters.items()}, "view": {}})
    return out


def main() -> int:
    args = callback_benchmark_args("changes", default=300, smoke=5)

    import app as app_module
    import ids
    from shell.state_change import url_change
    from techmap.appstate import AppState
    from techmap.analysis.facets import counts_digests
    from techmap.analysis.filters import FilterState
    from techmap.service import cache, context
    from techmap.service.facet_views import facet_counts_for
    from techmap.service.group_views import group_split_for

    data = context.dataset()
    client = app_module.server.test_client()
    client.get("/")
    states = _states(data, args.changes)
    digests = counts_digests(facet_counts_for(FilterState()))  # what the page starts with
    times, sizes, split_times = [], [], []
    for state in states:
        cache.RESPONSES.clear()
        cache.VIEWS.clear()
        change = url_change(AppState.from_dict(state).to_query_string())  # shell/state_change.py
        body = {"output": OUTPUT, "outputs": OUTPUTS, "changedPropIds": [ids.STATE_CHANGE + ".data"],
                "inputs": [{"id": ids.STATE_CHANGE, "property": "data", "value": change}],
                "state": [{"id": "facet-digests", "property": "data", "value": digests}]}
        start = time.perf_counter()
        response = client.post("/_dash-update-component", json=body)
        times.append((time.perf_counter() - start) * 1000)
        if response.status_code not in (200, 204):
            raise SystemExit(f"HTTP {response.status_code}: {response.data[:300]!r}")
        sizes.append(len(response.data))
        if response.status_code == 200:
            answer = json.loads(response.data)["response"]
            digests = answer.get("facet-digests", {}).get("data", digests)
        filters = FilterState.from_dict(state["filters"])
        start = time.perf_counter()
        group_split_for(filters)
        split_times.append((time.perf_counter() - start) * 1000)

    rows = len(data.contracts)
    p95 = statistics.quantiles(times, n=20)[18] if len(times) > 1 else times[0]
    split_p95 = statistics.quantiles(split_times, n=20)[18] if len(split_times) > 1 else split_times[0]
    print(f"dataset: {data.path} ({rows:,} contracts); {len(states)} filter changes")
    print(f"facet counts: p50 {statistics.median(times):.2f} ms, p95 {p95:.2f} ms; "
          f"answer mean {statistics.mean(sizes):,.0f} bytes, max {max(sizes):,} bytes")
    print(f"group split (headline): p95 {split_p95:.2f} ms")
    budget_ms = 20 if rows < 20_000 else 150
    print(f"budget: facet counts p95 < {budget_ms} ms: {'OK' if p95 < budget_ms else 'OVER'} ({p95:.2f} ms)")
    print(f"budget: facet answer < 3 KB: {'OK' if max(sizes) < 3072 else 'OVER'} ({max(sizes):,} bytes)")
    over = [f"facet counts p95 < {budget_ms} ms"] if p95 >= budget_ms else []
    always = ["facet answer < 3 KB"] if max(sizes) >= 3072 else []
    return exit_status(over, args.smoke, always)


if __name__ == "__main__":
    sys.exit(main())
