"""The app refuses to start on a dataset with errors, printing the validator's report."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _start(dataset: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "TECHMAP_DATASET": str(dataset)}
    return subprocess.run([sys.executable, "-c", "import app"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)


def test_refuses_a_dataset_with_errors_and_prints_the_report():
    bad = ROOT / "tests" / "fixtures" / "validation" / "bad_source_dataset"
    result = _start(bad)
    assert result.returncode == 1
    assert "contracts.csv:" in result.stderr and ": source: " in result.stderr
    assert "has errors" in result.stderr
    assert "Traceback" not in result.stderr


def test_says_when_the_dataset_is_missing():
    result = _start(ROOT / "no-such-dataset")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "no-such-dataset" in result.stderr
