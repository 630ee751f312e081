"""Shared test set-up: a fixed "today" so date-based figures are reproducible, and Hypothesis
settings that make a failure reproducible."""

import os
import sys
import tempfile
from pathlib import Path

from hypothesis import settings

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

os.environ.setdefault("TECHMAP_TODAY", "2026-11-22")
# The test client is one client: the per-client limit of expensive downloads would refuse the
# suite's own requests. tests/unit/test_expensive_requests.py turns it on to test it.
os.environ.setdefault("TECHMAP_EXPENSIVE_RATE", "off")
# The tests exercise every feature on the demo dataset (real rows plus illustrative ones); tests of
# the real dataset name datasets/london themselves.
os.environ.setdefault("TECHMAP_DATASET", str(ROOT / "datasets" / "demo"))

# The app the tests import (and the servers they start) keep their users, sessions and published
# versions in a throw-away SQLite file, never in the repository's instance/ folder; plain HTTP.
os.environ.setdefault("TECHMAP_DATABASE_URL",
                      f"sqlite:///{tempfile.mkdtemp(prefix='techmap-test-db-')}/techmap.sqlite3")
os.environ.setdefault("TECHMAP_SECURE_COOKIES", "0")

# A throw-away PostgreSQL cluster for the database tests (fixtures postgres_cluster, database_url).
pytest_plugins = ["tests.postgres"]

# No timed assertions (deadline=None), and the same examples on every run (derandomize=True), so a
# failure in CI shows again on a developer's machine. `HYPOTHESIS_PROFILE=explore` draws fresh
# random examples when hunting for new bugs.
settings.register_profile("ci", deadline=None, derandomize=True, print_blob=True)
settings.register_profile("explore", deadline=None, derandomize=False)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
