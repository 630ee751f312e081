"""Shared test set-up: a fixed "today" so date-based figures are reproducible."""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

os.environ.setdefault("TECHMAP_TODAY", "2026-11-22")
# The test client is one client: the per-client limit of expensive downloads would refuse the
# suite's own requests. tests/unit/test_expensive_requests.py turns it on to test it.
os.environ.setdefault("TECHMAP_EXPENSIVE_RATE", "off")
