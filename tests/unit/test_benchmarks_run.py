"""The in-process callback benchmarks still run against the current callbacks (they call the
pages' callbacks directly and unpack their outputs, so a changed callback breaks them). Small
sizes, the demo dataset only (and the real build); the figures themselves are not checked (no timed assertions)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("args", [
    ["map_callbacks.py", "--requests", "5"],
    ["suppliers_callbacks.py", "--states", "3"],
    ["data_grid.py", "--requests", "5"],
    ["renewals_callbacks.py", "--skip-big", "--repeat", "1"],
    ["build_london.py"],
])
def test_benchmark_runs_and_prints_its_budget_line(args):
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / args[0]), *args[1:]], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-1500:] + done.stderr[-3000:]
    assert "budget" in done.stdout
    assert "Traceback" not in done.stderr
