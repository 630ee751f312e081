"""The validator, as the store uses it: one pass over a dataset folder that gives the report and
the cells as read (what a version keeps), and the typing of stored cells into the loader's frame.

The only module of techmap.store that reaches into techmap.dataformat.validate, so that publishing and loading
share the validator's code with `python -m techmap validate` and `load_dataset`."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from techmap.dataformat.problems import Problem
from techmap.dataformat.contract_checks import typed_frame
from techmap.dataformat.table_reader import Table, paused_gc
from techmap.dataformat.validate import CONTRACTS_FILE, MANIFEST_FILE, check_path, manifest_sources
from techmap.dataformat.validate_cli import summary_line

__all__ = ["CONTRACTS_FILE", "MANIFEST_FILE", "CheckedFolder", "check_folder", "typed_contracts"]


@dataclass(frozen=True)
class CheckedFolder:
    problems: list[Problem]
    summary: str  # the validator's last line: "OK: 1,455 rows, 0 errors, 3 warnings"
    manifest: dict[str, Any] | None
    columns: list[str]  # contracts.csv's header, normalised as the validator reads it
    rows: list[list[str]]  # the cells as read (stripped), one list per row, in file order
    frame: pd.DataFrame | None  # the typed table, as the loader makes it

    @property
    def has_errors(self) -> bool:
        return any(p.severity == "error" for p in self.problems)

    @property
    def report(self) -> str:
        """The same text `python -m techmap validate FOLDER` prints."""
        return "\n".join([*(str(p) for p in self.problems), self.summary])


def check_folder(folder: Path) -> CheckedFolder:
    """Validate a dataset folder (manifest.json + contracts.csv) once, keeping what was read."""
    folder = Path(folder)
    if not folder.is_dir():
        reason = "no such folder" if not folder.exists() else "not a dataset folder"
        problems = [Problem(str(folder), 1, "-", "", reason)]
        return CheckedFolder(problems, summary_line(problems, 0), None, [], [], None)
    check = check_path(folder)
    table = check.table
    return CheckedFolder(check.problems, summary_line(check.problems, check.rows, check.encoding),
                         check.manifest, list(table.names) if table else [],
                         table.rows if table else [], check.frame)


def typed_contracts(columns: list[str], rows: list[list[str]], label: str,
                    manifest: dict[str, Any]) -> tuple[pd.DataFrame, list[Problem]]:
    """The loader's typed frame of stored cells (rows numbered as in an exported contracts.csv:
    the header is line 1) and the problems the validator finds in them now."""
    problems: list[Problem] = []
    table = Table(list(columns), rows, list(range(2, len(rows) + 2)))
    with paused_gc():  # as the validator reads a file (table_reader.paused_gc)
        frame = typed_frame(table, label, manifest_sources(manifest), problems)
    return frame, problems
