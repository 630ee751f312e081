"""Checks the column parsers of techmap.dataformat.validate do not make: text that would break the pages,
and shared contracts whose rows disagree on value_public. Called once by the validator.

- A name longer than MAX_NAME_LENGTH is an error: a 32,767-character system name, sent to every
  page as a drop-down label, crashed the browser tab.
- Control characters and Unicode direction controls (which reorder how text is shown, so that
  "evil\u202egnp.exe" reads "evilexe.png") are reported as warnings.
- A supplier or system name without a letter or digit ("!!!") would get an empty slug, so no
  page address: an error.
- Rows sharing a shared_ref where some withhold their values (value_public false) and some do not:
  a warning; a public instance hides the values of the whole group (techmap.dataformat.redaction).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Hashable, Iterable, Mapping
from typing import Protocol

import pandas as pd

from techmap.dataformat.problems import Severity
from techmap.dataformat.schema import slugify
from techmap.dataformat.shared_refs import mixed_rows

MAX_NAME_LENGTH = 200
TEXT_COLUMNS = ("contract_id", "system", "manufacturer", "supplier", "procurement_route", "shared_ref")
SLUG_COLUMNS = ("system", "supplier")  # each gets a page address from its slug
# Longer fields are reported by the reader (techmap.dataformat.validate.MAX_FIELD_CHARS, a spreadsheet
# cell's limit), once: this module does not report them again.
SPREADSHEET_CELL_LIMIT = 32_767
# C0 and C1 controls but NUL (the reader reports it) and the white space HTML collapses (tab, line
# breaks), and the bidirectional embeddings, overrides, isolates and marks.
_CONTROL = re.compile("[\u0001-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f"
                      "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


class Reporter(Protocol):
    """What the validator's checker offers: a problem on a row, and a capped repeated warning."""

    def add(self, index: Hashable, column: str, reason: str, severity: Severity = "error") -> None: ...

    def add_capped(self, indexes: Iterable[Hashable], column: str, reason: str, summary: str) -> None: ...


def _describe(ch: str) -> str:
    name = unicodedata.name(ch, "")
    return f"U+{ord(ch):04X}" + (f" {name}" if name else "")


def _check_text(column: str, values: pd.Series, report: Reporter) -> None:
    cells = values.tolist()
    # Almost every file is clean: one pass in C over all cells (their longest, one regex search
    # through them joined) decides whether the per-row checks below need to run at all.
    if cells and max(map(len, cells)) > MAX_NAME_LENGTH:
        lengths = values.str.len()
        for index in values.index[((lengths > MAX_NAME_LENGTH) & (lengths <= SPREADSHEET_CELL_LIMIT)).to_numpy()]:
            report.add(index, column, f"{int(lengths[index]):,} characters; at most {MAX_NAME_LENGTH} are "
                       "allowed (a name this long breaks the pages): shorten it")
    if not _CONTROL.search("\n".join(cells)):  # "\n" is not one of the characters looked for
        return
    odd = values.index[values.str.contains(_CONTROL).to_numpy()]
    by_reason: dict[str, list[Hashable]] = {}
    for index in odd:
        found = sorted(set(_CONTROL.findall(values[index])))
        kind = ("a direction control" if any(c >= "\u061c" for c in found) else "a control character")
        reason = (f"contains {kind} ({', '.join(_describe(c) for c in found)}), which changes how the "
                  "text is shown: remove it")
        by_reason.setdefault(reason, []).append(index)
    for reason, indexes in by_reason.items():
        report.add_capped(indexes, column, reason,
                          "and {rest} more rows with the same characters in " + column)


def _check_slugs(column: str, values: pd.Series, report: Reporter) -> None:
    empty = {v for v in values.unique() if v.strip() and not slugify(v)}
    for index in values.index[values.isin(empty).to_numpy()]:
        report.add(index, column, "has no letter or digit, so it gets no page address: use the name "
                   "as the organisation writes it")


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
    for column in TEXT_COLUMNS:
        if column in raw:
            _check_text(column, raw[column], report)
    for column in SLUG_COLUMNS:
        if column in raw:
            _check_slugs(column, raw[column], report)
    _check_shared_values(raw, value_public, report)
