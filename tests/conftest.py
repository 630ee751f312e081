"""Shared test set-up: a fixed "today" so date-based figures are reproducible."""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

os.environ.setdefault("TECHMAP_TODAY", "2026-11-22")

# A throw-away PostgreSQL cluster for the database tests (fixtures postgres_cluster, database_url).
pytest_plugins = ["tests.postgres"]
