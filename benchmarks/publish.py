"""Budgets of issue 16 for the store of published versions, on SQLite and PostgreSQL.

    python benchmarks/publish.py                      # London + a generated --scale 100 dataset
    python benchmarks/publish.py --scale 10           # a smaller generated dataset
    python benchmarks/publish.py --backend sqlite     # only one backend

Measures (budget):
- publish the London dataset (datasets/london: validate + store, into an empty store), median of
  --runs runs (< 2 s) on each backend;
- at --scale 100 (generated with `python -m techmap generate-demo`, ~140k rows): publish the first
  version (no budget), then a version changing 1% of the rows' end dates (< 10 s);
- start-up: load London as the app's Dataset from the store (`load_version`) and from the folder
  (`load_dataset`), median of --runs runs: the store no slower than the folder (10% + 20 ms of
  timer noise allowed), and under 2 s.
PostgreSQL runs in a throw-away cluster (Debian's postgresql, started as the tests start it).
Prints the figures; exits 1 when one is over budget.
"""

from __future__ import annotations

import argparse
import csv
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from _budgets import add_smoke_flag, exit_status  # noqa: E402  (beside this script)
from techmap.dataset import DEFAULT_DATASET, load_dataset  # noqa: E402
from techmap.demo import build_contracts, manifest, write_dataset  # noqa: E402
from techmap.store.checked import check_folder  # noqa: E402
from techmap.store.db import close_all, open_database  # noqa: E402
from techmap.store.publishing import folder_files, publish_checked  # noqa: E402
from techmap.store.reading import load_version  # noqa: E402

PUBLISH_LONDON_S = 2.0
PUBLISH_CHANGE_S = 10.0
STARTUP_S = 2.0
STARTUP_SLACK = (1.10, 0.020)  # store <= folder * 1.10 + 20 ms


def _median(runs: int, action: Callable[[], object]) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _medians_alternating(runs: int, first: Callable[[], object],
                         second: Callable[[], object]) -> tuple[float, float]:
    """Medians of two actions timed in turns, so a busy machine slows both alike."""
    pairs = [(_median(1, first), _median(1, second)) for _ in range(runs)]
    return statistics.median(p[0] for p in pairs), statistics.median(p[1] for p in pairs)


def _changed_copy(folder: Path, out: Path, share: float, seed: int = 16) -> int:
    """`folder` with `share` of its contracts extended a year; returns the rows changed."""
    from tests.unit.store_helpers import extend_a_year

    shutil.copytree(folder, out)
    with (folder / "contracts.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    picked = random.Random(seed).sample(range(1, len(rows)), round((len(rows) - 1) * share))
    for i in picked:
        rows[i] = extend_a_year(rows[i], rows[0])
    with (out / "contracts.csv").open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)
    return len(picked)


class _Databases:
    """Fresh empty databases: SQLite files in a temp folder, PostgreSQL databases in a throw-away
    cluster (Debian's postgresql, started as the tests start it)."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.cluster = None
        self.count = 0

    def new(self, backend: str) -> str:
        self.count += 1
        if backend == "sqlite":
            return f"sqlite:///{self.folder / f'store-{self.count}.sqlite3'}"
        if self.cluster is None:
            from tests.postgres import PostgresCluster

            self.cluster = PostgresCluster()
            self.cluster.start()
        return self.cluster.create_database()

    def stop(self) -> None:
        close_all()
        if self.cluster is not None:
            self.cluster.stop()


@contextmanager
def _timed(label: str) -> Iterator[None]:
    start = time.perf_counter()
    yield
    print(f"  ({label}: {time.perf_counter() - start:.1f} s)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=100)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    add_smoke_flag(parser)
    args = parser.parse_args()
    if args.smoke:  # SQLite only, one run, a small generated dataset
        args.scale, args.runs, args.backend = 1, 1, "sqlite"
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    over: list[str] = []

    def report(label: str, seconds: float, budget: float | None) -> None:
        verdict = "" if budget is None else (f"budget {budget:.2f} s: " +
                                             ("OK" if seconds <= budget else "OVER"))
        print(f"{label:58} {seconds:8.3f} s   {verdict}")
        if budget is not None and seconds > budget:
            over.append(label)

    temp = Path(tempfile.mkdtemp(prefix="techmap-bench-publish-"))
    databases = _Databases(temp)
    try:
        for backend in backends:
            urls = [databases.new(backend) for _ in range(args.runs)]
            report(f"{backend}: publish London (validate + store)",
                   statistics.median(_publish_time(url, DEFAULT_DATASET) for url in urls),
                   PUBLISH_LONDON_S)
            store = open_database(urls[0])
            store_load, folder_load = _medians_alternating(
                args.runs + 2, lambda store=store: load_version(store),
                lambda: load_dataset(DEFAULT_DATASET))
            report(f"{backend}: start-up, London from the store", store_load,
                   min(STARTUP_S, folder_load * STARTUP_SLACK[0] + STARTUP_SLACK[1]))
            report(f"{backend}: start-up, London from the folder (in turns)", folder_load,
                   STARTUP_S)

        big = temp / f"scale-{args.scale:g}"
        with _timed(f"generate --scale {args.scale:g} and a 1% change"):
            write_dataset(big, manifest(2019, args.scale, True),
                          build_contracts(2019, args.scale, True))
            changed = _changed_copy(big, temp / "changed", 0.01)
        for backend in backends:
            url = databases.new(backend)
            report(f"{backend}: publish --scale {args.scale:g} (first version)",
                   _publish_time(url, big), None)
            validating, storing = _publish_times(url, temp / "changed")
            report(f"{backend}: publish a 1% change ({changed:,} rows) at --scale "
                   f"{args.scale:g}", validating + storing, PUBLISH_CHANGE_S)
            report("    of which validating (techmap.validate)", validating, None)
            report("    of which storing", storing, None)
            store = open_database(url)
            report(f"{backend}: load --scale {args.scale:g} from the store",
                   _median(1, lambda store=store: load_version(store)), None)
        report(f"load --scale {args.scale:g} from the folder (for comparison)",
               _median(1, lambda: load_dataset(big)), None)
    finally:
        databases.stop()
        shutil.rmtree(temp, ignore_errors=True)
    print("over budget: " + ", ".join(over) if over else "every figure within budget")
    return exit_status(over, args.smoke)


def _publish_times(url: str, folder: Path) -> tuple[float, float]:
    """(seconds validating, seconds storing) of `publish_folder`'s two steps."""
    database = open_database(url)
    start = time.perf_counter()
    checked = check_folder(folder)
    validated = time.perf_counter()
    result = publish_checked(database, checked, folder_files(folder), origin=str(folder),
                             note="benchmark", by="benchmark")
    stored = time.perf_counter()
    if result.number is None:
        raise SystemExit(f"{folder}: nothing was published")
    return validated - start, stored - validated


def _publish_time(url: str, folder: Path) -> float:
    return sum(_publish_times(url, folder))


if __name__ == "__main__":
    sys.exit(main())
