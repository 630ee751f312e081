"""A problem found in a data file, reported as `file:line: column: value: reason`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Problem:
    file: str
    line: int | None  # 1-based line in the file (the header is line 1); None for whole-file problems
    column: str  # column name, or "-" when the problem is not about one column
    value: str  # the offending value as found (shortened), or "" when none
    reason: str
    severity: Severity = "error"

    def __str__(self) -> str:
        value = self.value if len(self.value) <= 60 else self.value[:57] + "..."
        line = "" if self.line is None else str(self.line)
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
