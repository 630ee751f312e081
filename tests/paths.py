"""Where the tests find the project and the shared data that sits beside its clone (../shared)."""

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = ROOT.parent / "shared" / "data"


def shared(relative: str = "") -> Path:
    """A path under ../shared/data that a test reads. A missing one FAILS the test (never a skip):
    the shared data sits beside every clone, so its absence is a broken set-up, not an option."""
    path = SHARED_DATA / relative
    if not path.exists():
        pytest.fail(f"{path} is missing: the tests need the shared data folder beside the clone "
                    "(../shared/data)", pytrace=False)
    return path
