"""Where the tests find the project and the shared data that sits beside its clone (../shared)."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = ROOT.parent / "shared" / "data"
