"""Shared test set-up: a fixed "today" so date-based figures are reproducible."""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

os.environ.setdefault("TECHMAP_TODAY", "2026-11-22")
# The tests exercise every feature on the demo dataset (real rows plus illustrative ones); tests of
# the real dataset name datasets/london themselves.
os.environ.setdefault("TECHMAP_DATASET", str(ROOT / "datasets" / "demo"))
