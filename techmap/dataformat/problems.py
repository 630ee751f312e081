"""A problem found in a data file, reported as `file:line: column: value: reason`.

Every report line has a line number, so that editors and `grep` can jump to it: a problem about the
file as a whole (it is missing, empty or cannot be read) is reported on line 1, a header problem on
the header's line and a count of repeated warnings on the first row it does not list.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning"]
WHOLE_FILE_LINE = 1  # the line given to a problem about the file as a whole


@dataclass(frozen=True)
class Problem:
    file: str
    # 1-based line in the file (the header is line 1). None is still accepted for a problem about
    # the whole file and is reported as line 1, like the validator's own whole-file problems.
    line: int | str | None  # importers give Excel rows as "sheet!row"
    column: str  # column name, or "-" when the problem is not about one column
    value: str  # the offending value as found (shortened), or "" when none
    reason: str
    severity: Severity = "error"

    def __str__(self) -> str:
        value = self.value if len(self.value) <= 60 else self.value[:57] + "..."
        line = WHOLE_FILE_LINE if self.line is None else self.line
        tag = "" if self.severity == "error" else " (warning)"
        return f"{self.file}:{line}: {self.column}: {value!r}: {self.reason}{tag}"


class DatasetError(Exception):
    """Raised by the loader when a dataset has errors; carries every problem found."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        errors = [p for p in problems if p.severity == "error"]
        super().__init__(f"{len(errors)} error(s) in dataset")

    def report(self) -> str:
        return "\n".join(str(p) for p in self.problems)
