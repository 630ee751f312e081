"""Shared by the benchmark scripts (not a script itself): the --smoke flag and the exit status.

Every script prints its figures and one `budget: ... OK|OVER` line a budget, and exits 1 when a
budget is over. `--smoke` runs it on tiny inputs so that tests/unit/test_benchmarks_run.py can
check that it still runs: its timing figures then say nothing (tiny data, a busy test machine), so
they are printed but not enforced; errors and sizes in bytes still exit 1.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterable


def add_smoke_flag(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--smoke", action="store_true",
                        help="tiny inputs, to check that the script runs; budgets printed, not enforced")


def exit_status(over: Iterable[str], smoke: bool, always: Iterable[str] = ()) -> int:
    """0, or 1 when a budget in `over` is over (not enforced on a smoke run) or one in `always` is
    (enforced on every run: errors, sizes in bytes, which tiny inputs or a busy machine do not change)."""
    over, always = list(over), list(always)
    for name in always:
        print(f"OVER budget: {name}")
    if smoke:
        if over:
            print(f"smoke run: {len(over)} timing budget(s) over on tiny inputs, not enforced")
        return 1 if always else 0
    for name in over:
        print(f"OVER budget: {name}")
    return 1 if over or always else 0
