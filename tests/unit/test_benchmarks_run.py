"""Every script under benchmarks/ still runs: each is found by glob (a new one is included without
editing this file) and run with --smoke, its tiny mode (bundled data, a few requests), and must
exit 0, print its budget lines and no traceback. The figures themselves are not checked (no timed
assertions); --smoke enforces only the budgets that are not timings (errors, sizes in bytes)."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPTS = sorted(p.name for p in (ROOT / "benchmarks").glob("*.py") if not p.name.startswith("_"))


def test_the_benchmarks_are_found() -> None:
    assert {"api.py", "data_layer.py", "first_load.py", "load_test.py"} <= set(SCRIPTS)


@pytest.fixture(scope="module")
def runs() -> Iterator[dict[str, subprocess.Popen]]:
    """Every script started at once: most of a smoke run is waiting (a server starting, a browser
    loading), so together they take about as long as the slowest one."""
    procs = {script: subprocess.Popen([sys.executable, str(ROOT / "benchmarks" / script), "--smoke"],
                                      cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for script in SCRIPTS}
    yield procs
    for proc in procs.values():
        if proc.poll() is None:
            proc.kill()
            proc.wait()


@pytest.mark.parametrize("script", SCRIPTS)
def test_benchmark_runs_in_its_smoke_mode(runs: dict[str, subprocess.Popen], script: str) -> None:
    stdout, stderr = runs[script].communicate(timeout=300)
    assert runs[script].returncode == 0, stdout[-2000:] + stderr[-3000:]
    assert "budget" in stdout
    assert "Traceback" not in stderr, stderr[-3000:]


def test_a_budget_over_exits_1_except_timings_on_a_smoke_run() -> None:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from _budgets import exit_status

    assert exit_status([], smoke=False) == 0
    assert exit_status(["p95 < 100 ms"], smoke=False) == 1
    assert exit_status(["p95 < 100 ms"], smoke=True) == 0  # tiny inputs: timings say nothing
    assert exit_status([], smoke=True, always=["errors == 0"]) == 1
