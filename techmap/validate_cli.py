"""`python -m techmap validate PATH`: every problem of a dataset folder or contracts file, then a
one-line summary; exit 0 without errors, 1 with errors."""

from __future__ import annotations

from pathlib import Path

from techmap.cli_output import emit
from techmap.parsing import ENCODING_NAMES
from techmap.problems import Problem
from techmap.validate import FolderCheck, check_path, no_such_path
from techmap.wording import plural


def summary_line(problems: list[Problem], rows: int, encoding: str = "utf-8") -> str:
    """'3 errors, 2 warnings in 1,203 rows' or 'OK: 1,203 rows, 0 errors, 12 warnings'."""
    errors = sum(p.severity == "error" for p in problems)
    warnings = len(problems) - errors
    if errors:
        text = (f"{plural(errors, 'error')}, {plural(warnings, 'warning')} "
                f"in {plural(rows, 'row')}")
    else:
        text = f"OK: {plural(rows, 'row')}, 0 errors, {plural(warnings, 'warning')}"
    if encoding not in ("utf-8", "utf-8-sig", "xlsx"):
        text += f" (read as {ENCODING_NAMES.get(encoding, encoding)})"
    return text


def run_validate_command(path: Path) -> int:
    """`python -m techmap validate PATH`: every problem, then a summary. Exit 0 without errors,
    1 with errors (a PATH that does not exist is one, reported like the others)."""
    path = Path(path)
    check = check_path(path) if path.exists() else FolderCheck([no_such_path(path)])
    for problem in check.problems:
        emit(str(problem))
    emit(summary_line(check.problems, check.rows, check.encoding))
    return 1 if any(p.severity == "error" for p in check.problems) else 0
