"""The cost curve (issue 18 item 5): how load, memory, validation and one filter change on each page
grow with the data, for `generate-demo --scale 1, 10, 30, 100`.

    .venv/bin/python benchmarks/cost_curve.py                       # scales 1 10 30 100
    .venv/bin/python benchmarks/cost_curve.py --scales 1 10         # a quicker look
    .venv/bin/python benchmarks/cost_curve.py --cache /tmp/curve    # keep the generated datasets

For each scale (datasets generated once into --cache, a temp folder by default), every figure is
measured in a fresh process:
- load: seconds to load the dataset as the app does (techmap.dataformat.dataset.load_dataset),
  wall and CPU time;
- RSS: the peak resident memory (VmHWM) of that process, MB;
- validate: seconds of techmap.dataformat.validate.check_path (what `python -m techmap validate`
  runs), wall and CPU time;
- the p95 of one filter change, ms, per page, from the page's own callback benchmark run on that
  dataset: map (map_callbacks.py: the map update plus the side panel, both sent per change),
  suppliers (suppliers_callbacks.py), renewals (renewals_callbacks.py, its cold pass), data
  (data_grid.py: the first page of a new view) and borough (here: the profile's callback through
  the Flask test client, as the browser sends it).
A step "grows faster than the rows" when (time at scale b / time at scale a) / (rows b / rows a)
is over GROWTH_LIMIT between consecutive scales; those are flagged, and the script exits 1 if any
is. Load and validate are flagged on their CPU time (FLAGGED_ON_CPU). Not run in CI: a few minutes at scale 100 (timings on a shared machine: the load average is
printed beside them).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCHMARKS = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCHMARKS))

from _budgets import add_smoke_flag, cold_callback, exit_status  # noqa: E402  (beside this script)

PYTHON = sys.executable
GROWTH_LIMIT = 1.3
TODAY = "2026-11-22"
COLUMNS = ("load s", "load CPU s", "RSS MB", "validate s", "validate CPU s", "map ms", "suppliers ms",
           "renewals ms", "data ms", "borough ms")
# Flagged on CPU time: one process's own work, which the neighbours' load on a shared machine
# barely changes (its wall time is printed beside it).
FLAGGED_ON_CPU = {"load s": "load CPU s", "validate s": "validate CPU s"}
SAMPLES = int(os.environ.get("COST_CURVE_SAMPLES", "40"))  # filter changes per page and scale

# Run in a fresh process: load the dataset, print seconds and peak RSS as JSON.
_LOAD = """
import json, sys, time
from pathlib import Path
start, start_cpu = time.perf_counter(), time.process_time()
from techmap.dataformat.dataset import load_dataset
data = load_dataset(Path(sys.argv[1]))
seconds, cpu = time.perf_counter() - start, time.process_time() - start_cpu
peak = next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmHWM:"))
print(json.dumps({"rows": len(data.contracts), "load": seconds, "load_cpu": cpu, "rss_mb": peak / 1024}))
"""
_VALIDATE = """
import json, sys, time
from pathlib import Path
from techmap.dataformat.validate import check_path
start, start_cpu = time.perf_counter(), time.process_time()
check_path(Path(sys.argv[1]))
print(json.dumps({"validate": time.perf_counter() - start, "validate_cpu": time.process_time() - start_cpu}))
"""


def _env(dataset: Path | None = None) -> dict[str, str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TECHMAP_TODAY": TODAY}
    if dataset is not None:
        env["TECHMAP_DATASET"] = str(dataset)
    return env


def _run(args: list[str], dataset: Path | None = None) -> str:
    done = subprocess.run(args, cwd=ROOT, env=_env(dataset), capture_output=True, text=True, timeout=1800)
    if done.returncode not in (0, 1):  # 1: a benchmark over its own budget still printed its figures
        raise SystemExit(f"{' '.join(args)} failed ({done.returncode}):\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
    return done.stdout


def _json(code: str, dataset: Path) -> dict:
    return json.loads(_run([PYTHON, "-c", code, str(dataset)]).strip().splitlines()[-1])


def _number(pattern: str, text: str, what: str) -> float:
    found = re.search(pattern, text, re.MULTILINE)
    if not found:
        raise SystemExit(f"cannot find {what} in the output:\n{text[-3000:]}")
    return float(found.group(1))


def _map_ms(dataset: Path) -> float:
    out = _run([PYTHON, str(BENCHMARKS / "map_callbacks.py"), "--dataset", str(dataset), "--requests", str(SAMPLES)])
    return (_number(r"^map update \(Patch\)\s+[\d.]+\s+([\d.]+)", out, "the map update's p95")
            + _number(r"^side panel \(headline\+list\)\s+[\d.]+\s+([\d.]+)", out, "the side panel's p95"))


def _suppliers_ms(dataset: Path) -> float:
    out = _run([PYTHON, str(BENCHMARKS / "suppliers_callbacks.py"), "--dataset", str(dataset), "--states", str(SAMPLES)])
    return _number(r"budget: filter change p95 .*\(wall ([\d.]+) ms", out, "the suppliers page's p95")


def _renewals_ms(dataset: Path) -> float:
    out = _run([PYTHON, str(BENCHMARKS / "renewals_callbacks.py"), "--big", str(dataset), "--skip-london",
                "--repeat", "3"])  # its own method: each change's median of runs
    return _number(r"^-- cold.*\n\s+server time per change: p50 [\d.]+ ms, p95 ([\d.]+) ms", out,
                   "the renewals page's cold p95")


def _data_ms(dataset: Path) -> float:
    out = _run([PYTHON, str(BENCHMARKS / "data_grid.py"), "--dataset", str(dataset), "--requests", str(SAMPLES)])
    return _number(r"^first page of a new view\s+\d+\s+[\d.]+\s+([\d.]+)", out, "the data page's p95")


def _borough_ms(dataset: Path) -> float:
    out = _run([PYTHON, str(Path(__file__).resolve()), "--borough-child"], dataset)
    return _number(r"^borough p95 ([\d.]+)", out, "the borough page's p95")


def borough_child() -> None:
    """In a process pointed at the dataset: the borough profile's callback for SAMPLES filter
    changes, sent as the browser sends it (its inputs and state read off the app's callback map,
    so the wiring of the page may change), with the per-state caches emptied before each."""
    import app as app_module
    import ids
    from shell.state_change import url_change
    from techmap.appstate import AppState
    from techmap.dataformat.authorities import authorities
    from techmap.dataformat.schema import SERVICE_AREAS
    from techmap.service import context

    client = app_module.server.test_client()
    client.get("/")
    key, entry = next((k, v) for k, v in app_module.app.callback_map.items() if ids.BOROUGH_BODY in k)
    rng = random.Random(5)
    codes = [a.code for a in authorities()]
    suppliers = list(context.dataset().supplier_names)
    times = []
    for _ in range(SAMPLES):
        filters: dict = {}
        if rng.random() < 0.5:
            filters["area"] = [rng.choice(SERVICE_AREAS).slug]
        if rng.random() < 0.3:
            filters["supplier"] = [rng.choice(suppliers)]
        if rng.random() < 0.2:
            filters["q"] = rng.choice(["cloud", "housing", "capita"])
        query = AppState.from_dict({"filters": filters, "view": {}}).to_query_string()
        values = {ids.STATE_CHANGE: url_change(query), ids.BOROUGH_CODE: rng.choice(codes)}  # shell/state_change.py

        def spec(items: list[dict]) -> list[dict]:
            return [{**item, "value": values.get(item["id"])} for item in items]

        body = {"output": key, "outputs": {"id": ids.BOROUGH_BODY, "property": "children"},
                "inputs": spec(entry["inputs"]), "state": spec(entry.get("state", [])),
                "changedPropIds": [f"{ids.STATE_CHANGE}.data"]}
        times.append(cold_callback(client, body, "borough callback"))
    print(f"borough p95 {statistics.quantiles(times, n=20)[18]:.2f}")


def generate(scale: int, cache_dir: Path) -> Path:
    folder = cache_dir / f"scale-{scale}"
    if not (folder / "contracts.csv").exists():
        print(f"generating --scale {scale} into {folder} ...", flush=True)
        subprocess.run([PYTHON, "-m", "techmap", "generate-demo", "--scale", str(scale), "--out", str(folder)],
                       cwd=ROOT, env=_env(), check=True, capture_output=True)
    return folder


def measure(dataset: Path) -> tuple[int, dict[str, float]]:
    loaded = _json(_LOAD, dataset)
    validated = _json(_VALIDATE, dataset)
    figures = {"load s": loaded["load"], "load CPU s": loaded["load_cpu"], "RSS MB": loaded["rss_mb"],
               "validate s": validated["validate"], "validate CPU s": validated["validate_cpu"],
               "map ms": _map_ms(dataset), "suppliers ms": _suppliers_ms(dataset),
               "renewals ms": _renewals_ms(dataset), "data ms": _data_ms(dataset),
               "borough ms": _borough_ms(dataset)}
    return loaded["rows"], figures


def growth_flags(results: list[tuple[int, int, dict[str, float]]]) -> list[str]:
    """Steps where a figure grows more than GROWTH_LIMIT times faster than the rows."""
    flags = []
    for (scale_a, rows_a, a), (scale_b, rows_b, b) in zip(results, results[1:]):
        row_growth = rows_b / rows_a
        for column in COLUMNS:
            if column in FLAGGED_ON_CPU:
                continue
            if a[column] > 0 and (b[column] / a[column]) / row_growth > GROWTH_LIMIT:
                flags.append(f"{column}: x{b[column] / a[column]:.1f} from scale {scale_a} to {scale_b} "
                             f"(rows x{row_growth:.1f})")
    return flags


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scales", type=int, nargs="+", default=[1, 10, 30, 100])
    parser.add_argument("--cache", type=Path, help="folder for the generated datasets (default: a temp folder)")
    parser.add_argument("--borough-child", action="store_true", help=argparse.SUPPRESS)
    add_smoke_flag(parser)
    args = parser.parse_args()
    if args.smoke:  # scale 1, a few changes a page: checks that every part still runs
        global SAMPLES
        SAMPLES = 4
        os.environ["COST_CURVE_SAMPLES"] = str(SAMPLES)
        args.scales = [1]
    if args.borough_child:
        borough_child()
        return 0
    cache_dir = args.cache or Path(tempfile.mkdtemp(prefix="techmap-cost-curve-"))
    results = []
    print(f"{'scale':>6}{'rows':>10}" + "".join(f"{c:>15}" for c in COLUMNS) + f"{'load avg':>10}", flush=True)
    for scale in sorted(args.scales):
        rows, figures = measure(generate(scale, cache_dir))
        results.append((scale, rows, figures))
        print(f"{scale:>6}{rows:>10,}" + "".join(f"{figures[c]:>15.2f}" for c in COLUMNS)
              + f"{os.getloadavg()[0]:>10.1f}", flush=True)
    if args.cache is None:  # the run's own temp folder
        shutil.rmtree(cache_dir, ignore_errors=True)
    flags = growth_flags(results)
    for flag in flags:
        print(f"grows faster than the rows: {flag}")
    print(f"budget: no step grows more than {GROWTH_LIMIT}x faster than the rows: "
          f"{'OK' if not flags else 'OVER'} ({os.cpu_count()} CPUs)")
    return exit_status(flags, args.smoke)


if __name__ == "__main__":
    sys.exit(main())
