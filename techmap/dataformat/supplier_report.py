"""`python -m techmap suppliers DATASET`: which supplier names of a dataset the alias table
(datasets/supplier_aliases.csv) does not know, so that the table can grow, and which spellings
the loader shows under another name. The same step runs when the app loads a dataset
(techmap.dataformat.dataset.normalise_suppliers) and in every import (listed in each import report).

Exit 0 when the dataset loads (whether or not names are missing from the table), 1 when it has
errors (run `python -m techmap validate` for the list), 2 when the path does not exist.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TextIO

from techmap.dataformat.dataset import UNKNOWN_SUPPLIER, SupplierSpelling, load_dataset
from techmap.dataformat.problems import DatasetError

ALIASES = "datasets/supplier_aliases.csv"


def report_lines(contracts: Path, spellings: tuple[SupplierSpelling, ...]) -> list[str]:
    """`file:line: supplier: 'name': reason` for each unmatched and each renamed spelling, then a
    one-line summary."""
    unmatched = sorted((s for s in spellings if not s.matched and s.name != UNKNOWN_SUPPLIER),
                       key=lambda s: (-s.rows, s.name.lower()))
    renamed = sorted((s for s in spellings if s.matched and s.shown != s.name),
                     key=lambda s: (-s.rows, s.name.lower()))
    lines = [f"{contracts}:{s.line}: supplier: {s.name!r}: not in {ALIASES} ({_rows(s.rows)}"
             + (f"; shown as {s.shown!r}" if s.shown != s.name else "") + ")"
             for s in unmatched]
    lines += [f"{contracts}:{s.line}: supplier: {s.name!r}: shown as {s.shown!r}, the alias "
              f"table's name for it ({_rows(s.rows)})" for s in renamed]
    names = [s for s in spellings if s.name != UNKNOWN_SUPPLIER]
    unknown = sum(s.rows for s in spellings if s.name == UNKNOWN_SUPPLIER)
    summary = (f"{len(names):,} supplier names: {len(names) - len(unmatched):,} in {ALIASES}, "
               f"{len(unmatched):,} not")
    if renamed:
        summary += (f"; {len(renamed):,} spelling{'' if len(renamed) == 1 else 's'} shown under "
                    "the canonical name")
    if unknown:
        summary += f"; {_rows(unknown)} with supplier {UNKNOWN_SUPPLIER!r}"
    return [*lines, summary]


def _rows(count: int) -> str:
    return f"{count:,} row" + ("" if count == 1 else "s")


def run_suppliers_command(path: Path, stream: TextIO | None = None) -> int:
    out = stream or sys.stdout
    path = Path(path)
    if not path.exists():
        print(f"error: {path}: no such file or folder", file=sys.stderr if stream is None
              else stream)
        return 2
    try:
        dataset = load_dataset(path)
    except DatasetError as exc:
        errors = sum(p.severity == "error" for p in exc.problems)
        print(f"error: {path} has {errors:,} errors, so its suppliers cannot be listed; "
              f"python -m techmap validate {path} lists them", file=out)
        return 1
    for line in report_lines(path / "contracts.csv", dataset.supplier_spellings):
        try:
            print(line, file=out)
        except UnicodeEncodeError:  # a console that cannot show every name gets escapes
            encoding = getattr(out, "encoding", None) or "ascii"
            print(line.encode(encoding, "backslashreplace").decode(encoding), file=out)
    return 0
