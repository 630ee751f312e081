"""Checks the column parsers of techmap.validate do not make. Called once by the validator.

- Rows sharing a shared_ref where some withhold their values (value_public false) and some do not:
  a warning; a public instance hides the values of the whole group (techmap.redaction).
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from typing import Protocol

import pandas as pd

from techmap.problems import Severity
from techmap.shared_refs import mixed_rows

class Reporter(Protocol):
    """What the validator's checker offers: a problem on a row, and a capped repeated warning."""

    def add(self, index: Hashable, column: str, reason: str, severity: Severity = "error") -> None: ...

    def add_capped(self, indexes: Iterable[Hashable], column: str, reason: str, summary: str) -> None: ...


def _check_shared_values(raw: Mapping[str, pd.Series], value_public: pd.Series, report: Reporter) -> None:
    refs = raw["shared_ref"]
    positions = mixed_rows(refs, value_public)
    if not len(positions):
        return
    indexes = [value_public.index[p] for p in positions]
    report.add_capped(indexes, "value_public",
                      "another row of this shared contract (same shared_ref) withholds its values "
                      "(value_public false): a public instance hides the values of every row of it",
                      "and {rest} more public rows of shared contracts with withheld values")


def check_rows(raw: Mapping[str, pd.Series], value_public: pd.Series, report: Reporter) -> None:
    """Report every problem above. `raw` holds the file's columns as text, `value_public` the
    parsed flags; both are indexed by row position."""
    _check_shared_values(raw, value_public, report)
