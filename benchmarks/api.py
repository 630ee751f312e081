"""Open data API budget of issue 5: server time of /api/v1/contracts pages, printed as a table.

    python benchmarks/api.py                   # uses /tmp/tm100, generating it if missing
    python benchmarks/api.py --data PATH       # any dataset folder
    python benchmarks/api.py --scale 10        # generate a smaller dataset into a temp folder

Budget: at --scale 100 (~140k rows), each page of 100 contracts in under 100 ms at the 95th
percentile on the server. Measured through Flask's test client (the WSGI app without a network,
so the figure is the server's time plus the test client's small overhead), over random pages
and a mix of filters, after one warm-up request per query (the sorted order and the search index
are built once per process). Other endpoints are timed too, for context. Prints figures only.
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from _budgets import add_smoke_flag, exit_status  # noqa: E402

DEFAULT_DATA = Path("/tmp/tm100")


def _complete(folder: Path) -> bool:
    """A dataset folder another process is not still writing (both files, csv ends with a newline)."""
    csv_path, manifest = folder / "contracts.csv", folder / "manifest.json"
    if not (csv_path.is_file() and manifest.is_file()) or csv_path.stat().st_size < 1_000_000:
        return False
    with csv_path.open("rb") as handle:
        handle.seek(-1, os.SEEK_END)
        return handle.read(1) == b"\n"


def _generate(scale: int, out: Path) -> None:
    print(f"generating the demo dataset at --scale {scale} into {out} ...", flush=True)
    subprocess.run([sys.executable, "-m", "techmap", "generate-demo", "--scale", str(scale),
                    "--out", str(out)], cwd=REPO, check=True, stdout=subprocess.DEVNULL)


def _dataset_folder(args: argparse.Namespace) -> Path:
    if args.data:
        return Path(args.data)
    if args.scale == 100 and _complete(DEFAULT_DATA):
        return DEFAULT_DATA
    out = Path(tempfile.mkdtemp(prefix="techmap-api-bench-"))
    _generate(args.scale, out)
    return out


def _percentile(sorted_ms: list[float], fraction: float) -> float:
    return sorted_ms[min(len(sorted_ms) - 1, round(fraction * (len(sorted_ms) - 1)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", help="dataset folder (default: /tmp/tm100, generated when missing)")
    parser.add_argument("--scale", type=int, default=100)
    parser.add_argument("--requests", type=int, default=300, help="requests per query (default 300)")
    add_smoke_flag(parser)
    args = parser.parse_args()
    if args.smoke:  # the bundled dataset, a few requests
        args.data, args.requests = str(REPO / "datasets" / "london"), 3

    folder = _dataset_folder(args)
    os.environ["TECHMAP_DATASET"] = str(folder)
    os.environ.setdefault("TECHMAP_TODAY", "2026-11-22")

    from flask import Flask

    from techmap.service import context
    from web import api

    context.reset()
    start = time.perf_counter()
    data = context.dataset()
    print(f"dataset {folder}: {len(data.contracts):,} rows, loaded in {time.perf_counter() - start:.1f} s")
    app = Flask("bench")
    app.register_blueprint(api.bp)
    client = app.test_client()

    total = len(data.contracts)
    last_page = max(1, -(-total // 100))
    rng = random.Random(2019)
    some_supplier = data.contracts["supplier_slug"].iat[total // 2]
    queries = [
        ("contracts, no filter, random page (JSON)", "/api/v1/contracts?page={page}", True),
        ("contracts, no filter, random page (CSV)", "/api/v1/contracts?format=csv&page={page}", True),
        ("contracts, area=housing, page 1..5", "/api/v1/contracts?area=housing&page={small}", False),
        ("contracts, authority + end window", "/api/v1/contracts?authority=E09000007&ends_from=2027-01-01"
                                              "&ends_to=2028-12-31&page={small}", False),
        (f"contracts, supplier={some_supplier}", f"/api/v1/contracts?supplier={some_supplier}&page={{small}}",
         False),
        ("contracts, q=housing, page 1..5", "/api/v1/contracts?q=housing&page={small}", False),
        ("contracts, per_page=1000", "/api/v1/contracts?per_page=1000&page={small}", False),
        ("authorities", "/api/v1/authorities", False),
        ("service-areas", "/api/v1/service-areas", False),
        ("suppliers (cached table)", "/api/v1/suppliers?page={small}", False),
        ("summary", "/api/v1/summary", False),
        ("summary, supplier + system", f"/api/v1/summary?supplier={some_supplier}&system=mosaic", False),
    ]
    print(f"{'query':<52} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
    budget_rows = []
    for label, template, random_page in queries:
        client.get(template.format(page=1, small=1))  # warm-up: sorted order, search index, caches
        times = []
        for _ in range(args.requests):
            url = template.format(page=rng.randint(1, last_page) if random_page else 1,
                                  small=rng.randint(1, 5))
            begin = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - begin) * 1000)
            if response.status_code != 200:
                raise SystemExit(f"{url}: {response.status_code} {response.get_data(as_text=True)[:200]}")
        times.sort()
        p50, p95 = _percentile(times, 0.5), _percentile(times, 0.95)
        print(f"{label:<52} {p50:8.1f} {p95:8.1f} {times[-1]:8.1f}")
        if label.startswith("contracts") and "per_page=1000" not in label:
            budget_rows.append(p95)
    worst = max(budget_rows)
    print(f"\nbudget: /api/v1/contracts pages of 100 rows, p95 < 100 ms: worst p95 {worst:.1f} ms "
          f"({'within' if worst < 100 else 'OVER'} budget)")
    return exit_status(["contracts pages p95 < 100 ms"] if worst >= 100 else [], args.smoke)


if __name__ == "__main__":
    sys.exit(main())
