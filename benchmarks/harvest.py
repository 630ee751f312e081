"""Harvest budget of issue 13: releases parsed and classified per second end to end, network time
excluded, and memory flat in the number of pages.

    python benchmarks/harvest.py                 # 5,000 and 20,000 releases (10 and 40 copies)
    python benchmarks/harvest.py --copies 4 8    # other sizes (copies of the ~500 samples)

A local server (tests/ocds_server.py, in its own process so that its memory and time are not
counted) serves the real Contracts Finder samples, repeated with their own ocids, in pages of 100
chained by links.next. `python -m techmap harvest`'s own function runs against it: the time
counted is parsing each page's JSON, folding it (classifying each release, writing the spool)
and the import at the end (classification, merge by ocid, dataset, report); waiting for the
network is not. Memory is traced in a second run of each size (tracemalloc slows Python down, so
the timed run is untraced): the peak while pages are read, and the peak of the whole run.

Budgets: at least 500 releases/s at every size; the peak while pages are read at the largest
size no more than 1.25 times (+1 MB) the peak at the smallest (memory flat in the number of
pages). The import at the end holds only the kept releases (London boroughs' technology), so
its memory grows with what is kept, not with what is read. Exit 1 over budget.
"""

from __future__ import annotations

import argparse
import io
import subprocess
import sys
import tempfile
import time
import tracemalloc
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

# imported before memory is traced, so that loading modules is not counted
from _budgets import add_smoke_flag, exit_status  # noqa: E402  (beside this script)
from techmap.harvest import client, finish, fold, paging  # noqa: E402,F401
from techmap.harvest.command import harvest  # noqa: E402
from techmap.harvest.progress import Progress  # noqa: E402
from techmap.harvest.retries import RetryPolicy  # noqa: E402
from techmap.harvest.services import CONTRACTS_FINDER  # noqa: E402
from techmap.harvest.state import HarvestState  # noqa: E402

MIN_RELEASES_PER_S = 500
FLAT_FACTOR, FLAT_SLACK_MB = 1.25, 1.0


class TracedProgress(Progress):
    """Quiet progress that notes the traced memory peak after each page."""

    def __init__(self) -> None:
        super().__init__(io.StringIO(), tty=False)
        self.pages_peak = 0
        self.total_peak = 0

    def page(self, state: HarvestState) -> None:
        super().page(state)
        if tracemalloc.is_tracing():
            self.pages_peak = max(self.pages_peak, tracemalloc.get_traced_memory()[1])


def _serve(copies: int) -> tuple[subprocess.Popen, str, int]:
    server = subprocess.Popen([sys.executable, "-m", "tests.ocds_server", "--copies", str(copies)],
                              cwd=REPO, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    base_url, count = server.stdout.readline().split()
    return server, base_url, int(count)


def _one_run(base_url: str, folder: Path, traced: bool) -> tuple[object, TracedProgress, float]:
    progress = TracedProgress()
    if traced:
        tracemalloc.start()
    started = time.perf_counter()
    outcome = harvest(CONTRACTS_FINDER, date(2014, 1, 1), date(2025, 12, 31), folder,
                      base_url=base_url, policy=RetryPolicy(tries=3), stream=io.StringIO(),
                      progress=progress)
    wall = time.perf_counter() - started
    if traced:
        progress.total_peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    if outcome.exit_code != 0:
        raise SystemExit(f"harvest failed: {outcome.error}")
    return outcome, progress, wall


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--copies", type=int, nargs="+", default=[10, 40])
    add_smoke_flag(parser)
    args = parser.parse_args()
    if args.smoke:
        args.copies = [1, 2]
    print(f"{'releases':>9} {'pages':>6} {'kept rows':>9} {'parse s':>8} {'fold s':>7} "
          f"{'import s':>8} {'releases/s':>10} {'wall s':>7} {'pages peak MB':>13} "
          f"{'run peak MB':>11}")
    results = []
    for copies in args.copies:
        server, base_url, count = _serve(copies)
        try:
            with tempfile.TemporaryDirectory() as tmp:
                outcome, _, wall = _one_run(base_url, Path(tmp) / "timed", traced=False)
                _, traced, _ = _one_run(base_url, Path(tmp) / "traced", traced=True)
        finally:
            server.stdin.close()
            server.wait(timeout=30)
        busy = sum(outcome.seconds.values())
        rate = outcome.state.releases / busy
        results.append((count, rate, traced.pages_peak))
        print(f"{outcome.state.releases:>9,} {outcome.state.pages:>6,} "
              f"{len(outcome.report.kept):>9,} {outcome.seconds['parse']:>8.2f} "
              f"{outcome.seconds['fold']:>7.2f} {outcome.seconds['import']:>8.2f} "
              f"{rate:>10,.0f} {wall:>7.2f} {traced.pages_peak / 1e6:>13.1f} "
              f"{traced.total_peak / 1e6:>11.1f}")
    failures = [f"{n:,} releases: {rate:,.0f} releases/s, budget {MIN_RELEASES_PER_S:,}"
                for n, rate, _ in results if rate < MIN_RELEASES_PER_S]
    (small_n, _, small_peak), (large_n, _, large_peak) = results[0], results[-1]
    if large_peak > small_peak * FLAT_FACTOR + FLAT_SLACK_MB * 1e6:
        failures.append(f"memory while reading pages grew from {small_peak / 1e6:.1f} MB "
                        f"({small_n:,} releases) to {large_peak / 1e6:.1f} MB ({large_n:,})")
    print(f"budget: >= {MIN_RELEASES_PER_S} releases/s (parse + classify + merge, network "
          f"excluded); pages peak at the largest size <= {FLAT_FACTOR} x the smallest + "
          f"{FLAT_SLACK_MB:g} MB")
    return exit_status(failures, args.smoke)


if __name__ == "__main__":
    raise SystemExit(main())
