"""Benchmark: stream the CSV download of the ~100k-row dataset (issue 5: under 5 s, without
holding more than one copy of the data in memory), plus the Excel and calendar figures.

    .venv/bin/python benchmarks/export.py [DATASET_DIR]

DATASET_DIR defaults to /tmp/tm100, generated first when missing with
`python -m techmap generate-demo --scale 100 --out /tmp/tm100`.
RSS is sampled from /proc/self/statm after every chunk; "growth" is the peak over the RSS before
the export, to compare with the size of the loaded table. Exits 1 when a budget is over.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from _budgets import add_smoke_flag, exit_status  # noqa: E402  (beside this script)

DEFAULT_DIR = Path("/tmp/tm100")
PAGE = os.sysconf("SC_PAGE_SIZE")
MB = 1024 * 1024


def rss() -> int:
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * PAGE


def ensure_dataset(path: Path) -> None:
    if (path / "contracts.csv").exists():
        return
    print(f"generating {path} (scale 100)...", flush=True)
    subprocess.run([sys.executable, "-m", "techmap", "generate-demo", "--scale", "100",
                    "--out", str(path)], cwd=ROOT, check=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("dataset", nargs="?", type=Path, default=DEFAULT_DIR,
                        help=f"dataset folder (default {DEFAULT_DIR}, generated when missing)")
    add_smoke_flag(parser)
    args = parser.parse_args()
    path = ROOT / "datasets" / "london" if args.smoke else args.dataset
    ensure_dataset(path)
    os.environ["TECHMAP_DATASET"] = str(path)
    os.environ.setdefault("TECHMAP_TODAY", "2026-11-22")

    import flask

    import web.calendar
    import web.downloads
    from techmap.service import context
    from techmap.calendar_export import calendar_bytes
    from techmap.export import csv_chunks, xlsx_bytes
    from techmap.filters import FilterState
    from techmap.queries import apply_filter

    started = time.perf_counter()
    data = context.dataset()
    frame = data.contracts
    table_mb = frame.memory_usage(deep=True).sum() / MB
    print(f"dataset: {len(frame):,} rows, loaded in {time.perf_counter() - started:.1f} s, "
          f"table {table_mb:.0f} MB in memory, process RSS {rss() / MB:.0f} MB")

    # 1. the generator alone
    before = peak = rss()
    started = time.perf_counter()
    size = chunks = 0
    for chunk in csv_chunks(frame):
        size += len(chunk)
        chunks += 1
        peak = max(peak, rss())
    elapsed = time.perf_counter() - started
    print(f"csv_chunks, every row: {elapsed:.2f} s, {size / MB:.1f} MB in {chunks} chunks, "
          f"peak RSS growth {(peak - before) / MB:.1f} MB")

    # RSS can hide growth when the allocator reuses memory freed after loading, so count the
    # bytes allocated during a second pass too (tracemalloc also sees numpy's buffers; slower).
    tracemalloc.start()
    for _ in csv_chunks(frame):
        pass
    _, traced_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"csv_chunks, every row: peak traced allocation {traced_peak / MB:.1f} MB "
          f"(the table is {table_mb:.0f} MB)")
    over = []
    copy_ok = traced_peak < table_mb * MB
    print(f"budget: csv_chunks holds less than one copy of the table: {'OK' if copy_ok else 'OVER'} "
          f"({traced_peak / MB:.1f} MB < {table_mb:.1f} MB)")
    if not copy_ok:
        over.append("csv_chunks holds less than one copy of the table")

    # 2. the route, through Flask (query string -> filter -> streamed response)
    server = flask.Flask("benchmark")
    server.register_blueprint(web.downloads.bp)
    server.register_blueprint(web.calendar.bp)
    client = server.test_client()
    for query in ("", "?area=housing&area=finance-erp"):
        before = peak = rss()
        started = time.perf_counter()
        response = client.get(f"/download/contracts.csv{query}", buffered=False)
        size = 0
        for chunk in response.response:
            size += len(chunk)
            peak = max(peak, rss())
        response.close()
        elapsed = time.perf_counter() - started
        print(f"GET /download/contracts.csv{query}: {elapsed:.2f} s, {size / MB:.1f} MB, "
              f"peak RSS growth {(peak - before) / MB:.1f} MB")
        print(f"budget: GET /download/contracts.csv{query} < 5 s: {'OK' if elapsed < 5 else 'OVER'} "
              f"({elapsed:.2f} s)")
        if elapsed >= 5:
            over.append(f"GET /download/contracts.csv{query} < 5 s")

    # 3. Excel (write-only openpyxl) at the route's row limit
    rows = frame.iloc[:web.downloads.XLSX_MAX_ROWS]
    started = time.perf_counter()
    body = xlsx_bytes(rows, title=data.title, filters_text="none", manifest=data.manifest)
    elapsed = time.perf_counter() - started
    print(f"xlsx_bytes, {len(rows):,} rows (the route's limit): {elapsed:.2f} s, "
          f"{len(body) / MB:.1f} MB ({len(rows) / elapsed:,.0f} rows/s)")

    # 4. one borough's calendar feed, built and then served from the cache
    camden = apply_filter(frame, FilterState(authority=("E09000007",)))
    started = time.perf_counter()
    body = calendar_bytes(camden, name="Camden", stamp=data.as_of, sources=data.sources)
    elapsed = time.perf_counter() - started
    events = body.count(b"BEGIN:VEVENT")
    print(f"calendar_bytes, Camden ({len(camden):,} contracts, {events:,} events): "
          f"{elapsed:.2f} s, {len(body) / MB:.1f} MB")
    for attempt in ("first", "cached"):
        started = time.perf_counter()
        status = client.get("/calendar/E09000007.ics").status_code
        print(f"GET /calendar/E09000007.ics ({attempt}): {status}, "
              f"{time.perf_counter() - started:.2f} s")
    return exit_status(over, args.smoke)


if __name__ == "__main__":
    sys.exit(main())
