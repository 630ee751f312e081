"""Map page budgets (issue 3): server time and response size of a map update after a filter change.

Sends real `/_dash-update-component` requests through the Flask test client (the same code path as
a browser, minus the network) for a varied set of filter states, and prints p50/p95 time and the
response size, for the map patch and, for comparison, the side panel (headline + ranked list):
first with every per-state cache emptied before each request (the work itself), then for views
already seen (served from the caches). The floor, the map and the side panel take each state in
turn, so that a shared machine's load weighs on them alike; CPU time is printed beside wall time.

    .venv/bin/python benchmarks/map_callbacks.py                 # the demo dataset (London scale)
    .venv/bin/python benchmarks/map_callbacks.py --dataset /tmp/tm100   # e.g. --scale 100 data
    .venv/bin/python benchmarks/map_callbacks.py --scale 100    # generate-demo --scale 100 (kept in /tmp/tm100)
Budgets: map update p95 < 10 ms and < 5 KB at London scale; p95 < 50 ms at --scale 100; and
(issue 18) within 2x the lean `Patch` floor measured in the same run: a benchmark-only callback
on the same request path that computes the filter mask, counts contracts per borough with one
bincount over precomputed borough positions and patches `z` (the least work a map update can do).
"""

from __future__ import annotations

import json
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from _budgets import callback_benchmark_args, exit_status  # noqa: E402  (beside this script)


def _states(data, n: int, seed: int = 7) -> list[dict]:
    from techmap.dataformat.authorities import authorities
    from techmap.dataformat.schema import SERVICE_AREAS

    rng = random.Random(seed)
    codes = [a.code for a in authorities()]
    suppliers = list(data.supplier_names)
    systems = list(data.system_names)
    metrics = ["contracts", "suppliers", "systems", "ending_12m", "annual_value", "supplier_share", "runs_system"]
    out = []
    for _ in range(n):
        filters: dict = {"authority": rng.sample(codes, rng.choice([0, 0, 1, 2, 3]))}
        if rng.random() < 0.4:
            filters["area"] = [rng.choice([a.slug for a in SERVICE_AREAS])]
        if rng.random() < 0.4:
            filters["supplier"] = [rng.choice(suppliers)]
        if rng.random() < 0.2:
            filters["system"] = [rng.choice(systems)]
        if rng.random() < 0.2:
            filters["q"] = rng.choice(["microsoft", "capita", "cloud", "housing"])
        out.append({"filters": filters, "view": {"metric": rng.choice(metrics)}})
    return out


def _change_to(state: dict) -> dict:
    """The change (shell/state_change.py) that brings a page to `state`: its URL."""
    from shell.state_change import url_change
    from techmap.appstate import AppState

    return url_change(AppState.from_dict(state).to_query_string())


def _payload(output: str, outputs: object, state: dict) -> dict:
    return {
        "output": output,
        "outputs": outputs,
        "inputs": [{"id": "state-change", "property": "data", "value": _change_to(state)}],
        "changedPropIds": ["state-change.data"],
        "state": [],
    }


FLOOR_ID = "benchmark-lean-floor"


def _register_floor(app, data) -> None:
    """The lean floor: a callback on the same request path doing the least a map update must
    (mask, one bincount, a Patch of z). Registered before the first request, like the pages'."""
    import numpy as np
    from dash import Input, Output, Patch

    import ids
    from techmap.analysis.queries import AUTHORITY_CODES, authority_positions, filter_mask
    from shell.state_change import new_state

    positions = authority_positions(data.contracts)
    valid = positions >= 0

    @app.callback(Output(FLOOR_ID, "children"), Input(ids.STATE_CHANGE, "data"), prevent_initial_call=True)
    def lean_floor(change: object) -> object:  # takes the change record, as the map's callback does
        mask = filter_mask(data.contracts, new_state(change).filters, ignore=("authority",))
        patch = Patch()
        patch["data"][0]["z"] = np.bincount(positions[mask & valid], minlength=len(AUTHORITY_CODES)).tolist()
        return patch


def main() -> int:
    args = callback_benchmark_args("requests", default=300, smoke=5)

    import app as app_module
    from techmap.service import context

    data = context.dataset()
    _register_floor(app_module.app, data)
    client = app_module.server.test_client()
    client.get("/")  # first request registers the pages' router
    map_id = {"page": "map", "type": "map-graph"}
    map_output = json.dumps(map_id, separators=(",", ":"), sort_keys=True) + ".figure"
    side_output = "..map-ranked-rows.data...map-caption.children.."
    side_outputs = [{"id": "map-ranked-rows", "property": "data"},
                    {"id": "map-caption", "property": "children"}]
    states = _states(data, args.requests)

    from techmap.service import cache

    def post(output: str, outputs: object, state: dict, cold: bool) -> tuple[float, float, int]:
        """(wall ms, CPU ms, response bytes) of one request."""
        body = _payload(output, outputs, state)
        if cold:  # measure the work, not the per-state caches
            cache.RESPONSES.clear()
            cache.VIEWS.clear()
            cache.MASKS.clear()
        start, start_cpu = time.perf_counter(), time.process_time()
        response = client.post("/_dash-update-component", json=body)
        wall, cpu = (time.perf_counter() - start) * 1000, (time.process_time() - start_cpu) * 1000
        if response.status_code != 200:
            raise SystemExit(f"{output}: HTTP {response.status_code}: {response.data[:300]!r}")
        return wall, cpu, len(response.data)

    def run(*callbacks: tuple[str, object], cold: bool = True) -> list[tuple[list[float], list[float], list[int]]]:
        """Every state through each callback in turn (state by state, so that callbacks compared
        with each other see the same load on a shared machine): per callback, times and sizes."""
        if not cold:  # visit every view once, untimed, so the timed pass finds them cached
            for state in states:
                for output, outputs in callbacks:
                    post(output, outputs, state, False)
        out: list[tuple[list[float], list[float], list[int]]] = [([], [], []) for _ in callbacks]
        for state in states:
            for (output, outputs), (walls, cpus, sizes) in zip(callbacks, out, strict=True):
                wall, cpu, size = post(output, outputs, state, cold)
                walls.append(wall)
                cpus.append(cpu)
                sizes.append(size)
        return out

    floor_cb = (f"{FLOOR_ID}.children", {"id": FLOOR_ID, "property": "children"})
    map_cb = (map_output, {"id": map_id, "property": "figure"})
    side_cb = (side_output, side_outputs)
    run(map_cb, floor_cb)  # warm-up
    rows = len(data.contracts)
    print(f"dataset: {data.path} ({rows:,} contracts); {len(states)} filter states")
    print(f"{'callback':<28}{'p50 ms':>9}{'p95 ms':>9}{'CPU p50':>9}{'CPU p95':>9}{'max KB':>9}{'mean KB':>9}")
    budget_ms = 10 if rows < 20_000 else 50
    results = {}
    cold_runs = run(floor_cb, map_cb, side_cb)  # floor and map side by side, state by state
    # one callback at a time: the states of both would overflow the response cache (400 entries)
    warm_runs = [*run(map_cb, cold=False), *run(side_cb, cold=False)]
    for name, (times, cpus, sizes) in zip(
            ("lean Patch floor", "map update (Patch)", "side panel (headline+list)", "map update, cached view",
             "side panel, cached view"), (*cold_runs, *warm_runs), strict=True):
        p50 = statistics.median(times)
        p95 = statistics.quantiles(times, n=20)[18]
        cpu95 = statistics.quantiles(cpus, n=20)[18]
        results[name] = (p95, max(sizes), cpu95)
        print(f"{name:<28}{p50:>9.2f}{p95:>9.2f}{statistics.median(cpus):>9.2f}{cpu95:>9.2f}"
              f"{max(sizes) / 1024:>9.2f}{statistics.mean(sizes) / 1024:>9.2f}")
    print(f"(load average while measuring: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs)")
    p95, biggest, cpu95 = results["map update (Patch)"]
    print(f"budget: map update p95 < {budget_ms} ms: {'OK' if p95 < budget_ms else 'OVER'} ({p95:.2f} ms)")
    over = [f"map update p95 < {budget_ms} ms"] if p95 >= budget_ms else []
    floor, floor_cpu = results["lean Patch floor"][0], results["lean Patch floor"][2]
    within = p95 < 2 * floor
    print(f"budget: map update p95 within 2x the lean Patch floor ({floor:.2f} ms): "
          f"{'OK' if within else 'OVER'} ({p95 / floor:.1f}x; CPU time {cpu95 / floor_cpu:.1f}x)")
    if not within:
        over.append("map update p95 within 2x the lean Patch floor")
    if rows < 20_000:
        print(f"budget: map update response < 5 KB: {'OK' if biggest < 5120 else 'OVER'} ({biggest:,} bytes)")
        if biggest >= 5120:
            over.append("map update response < 5 KB")
    return exit_status(over, args.smoke)


if __name__ == "__main__":
    sys.exit(main())
