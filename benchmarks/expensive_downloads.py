"""Expensive requests against a real gunicorn (gunicorn.conf.py, 2 workers): /healthz while 16
clients download Excel files non-stop, each request a different view with junk parameters.

Before the bound on builds, the normalised cache and the rate limit, 16 such threads took
/healthz's p95 from 10 ms to 4.6 s. Each of the 16 threads is its own client (its own
X-Forwarded-For, as behind a proxy), so the per-client rate limit alone does not hide the cost.

    .venv/bin/python benchmarks/expensive_downloads.py               # 15 s
    .venv/bin/python benchmarks/expensive_downloads.py --seconds 5
Budget: /healthz p95 < 100 ms. Exits 1 over budget.
"""

from __future__ import annotations

import argparse
import itertools
import os
import statistics
import sys
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from techmap.authorities import authorities  # noqa: E402
from techmap.schema import SERVICE_AREAS  # noqa: E402
from tests.gunicorn_server import gunicorn  # noqa: E402

BUDGET_MS = 100.0
THREADS = 16  # --threads changes it (0 measures /healthz alone)


def _get(url: str, headers: dict[str, str] | None = None, timeout: float = 60) -> int:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            response.read()
            return response.status
    except urllib.error.HTTPError as error:
        error.read()
        return error.code


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--threads", type=int, default=THREADS)
    args = parser.parse_args()
    # every contract, then each service area's, then each borough's: real views, each a build
    views = itertools.cycle(["all=1", *(f"area={a.slug}" for a in SERVICE_AREAS),
                             *(f"authority={a.code}" for a in authorities())])
    lock = threading.Lock()
    statuses: Counter[int] = Counter()
    health_ms: list[float] = []

    with gunicorn({"WEB_CONCURRENCY": "2", "LOG_LEVEL": "warning",
                   "TECHMAP_EXPENSIVE_RATE": "30 per minute"}) as (base, _port, _log):
        stop = threading.Event()

        def downloader(n: int) -> None:
            headers = {"X-Forwarded-For": f"203.0.113.{n + 1}"}
            for junk in itertools.count():
                if stop.is_set():
                    return
                with lock:
                    view = next(views)
                status = _get(f"{base}/download/contracts.xlsx?{view}&utm_source=bench{n}&junk={junk}",
                              headers)
                with lock:
                    statuses[status] += 1

        def health() -> None:
            while not stop.is_set():
                start = time.perf_counter()
                status = _get(base + "/healthz", timeout=30)
                health_ms.append((time.perf_counter() - start) * 1000)
                if status != 200:
                    statuses[-status] += 1
                time.sleep(0.05)

        threads = [threading.Thread(target=downloader, args=(n,), daemon=True) for n in range(args.threads)]
        threads.append(threading.Thread(target=health, daemon=True))
        for thread in threads:
            thread.start()
        time.sleep(args.seconds)
        stop.set()
        for thread in threads:
            thread.join(timeout=60)

    load = os.getloadavg()[0]
    p95 = statistics.quantiles(health_ms, n=20)[18] if len(health_ms) > 20 else float("inf")
    print(f"gunicorn: 2 gevent workers; {args.threads} clients downloading Excel files for {args.seconds:g} s, "
          f"each request another view plus junk parameters (machine: {os.cpu_count()} CPUs, load "
          f"average {load:.1f}: figures from a loaded machine are not comparable)")
    print("downloads by status: " + ", ".join(f"{k}: {v:,}" for k, v in sorted(statuses.items()) if k > 0)
          + "  (200 built or shared, 429 rate-limited, 503 over the bound of builds)")
    if any(k < 0 for k in statuses):
        print(f"/healthz failures: {sum(v for k, v in statuses.items() if k < 0)}")
    print(f"/healthz: {len(health_ms)} requests; p50 {statistics.median(health_ms):.1f} ms; "
          f"p95 {p95:.1f} ms; max {max(health_ms):.1f} ms")
    ok = p95 < BUDGET_MS and not any(k < 0 for k in statuses)
    print(f"budget /healthz p95 < {BUDGET_MS:g} ms under {args.threads} concurrent Excel downloads: "
          f"{'OK' if ok else 'OVER'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
