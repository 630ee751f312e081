"""Budget of issue 13: `python -m techmap build-london` from datasets/sources/ in under 10 s.

    python benchmarks/build_london.py            # builds into a temporary folder, prints the time

Runs the command in a fresh process (imports included, as a user runs it) and prints the wall
time against the budget; exits 1 over budget or if the build fails.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
from _budgets import add_smoke_flag, exit_status  # noqa: E402  (beside this script)

BUDGET_SECONDS = 10.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_smoke_flag(parser)  # the build is small already: a smoke run is the same run
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "techmap", "build-london", "--out",
                               str(Path(folder) / "london")], cwd=REPO, capture_output=True,
                              text=True, check=False)
        seconds = time.perf_counter() - started
    if done.returncode != 0:
        print(done.stdout + done.stderr)
        print("build-london failed")
        return 1
    verdict = "ok" if seconds < BUDGET_SECONDS else "OVER BUDGET"
    print(f"build-london from datasets/sources: {seconds:.2f} s (budget < {BUDGET_SECONDS:g} s) "
          f"{verdict}")
    print(done.stdout.splitlines()[0])
    return exit_status([] if seconds < BUDGET_SECONDS else ["build-london < 10 s"], args.smoke)


if __name__ == "__main__":
    sys.exit(main())
