"""The import report: every row read is accounted for as kept, skipped or merged, with its line and
reason, and kept rows carry their flags. Nothing is dropped without a line saying why."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from techmap.dataformat.problems import Problem

if TYPE_CHECKING:
    from techmap.importers.merge import MergeResult

# Where a row is: a line number (CSV, JSON) or, in a workbook, "sheet!row" (Excel's own notation,
# e.g. "2025-26!14"), since row 14 alone does not say which sheet. Problem.line is typed int, but
# only ever formatted with str(), so a "sheet!row" text prints the same way.
Line = int | str | None


@dataclass(frozen=True)
class Kept:
    file: str
    line: Line
    contract_id: str
    why: str  # why it counts as technology (CPV code / keyword / survey)
    area: str
    area_reason: str

    def __str__(self) -> str:
        line = "" if self.line is None else str(self.line)
        return (f"{self.file}:{line}: {self.contract_id}: {self.why}; "
                f"service area {self.area} ({self.area_reason})")


@dataclass(frozen=True)
class Entry:
    """A skipped or merged row: the problem line and a short key used for the tallies."""

    problem: Problem
    key: str

    def __str__(self) -> str:
        return problem_line(self.problem)


def problem_line(problem: Problem) -> str:
    """`file:line: column: value: reason`, without the validator's '(warning)' tag: in a report
    every line is a note about one row."""
    text = str(problem)
    return text[: -len(" (warning)")] if text.endswith(" (warning)") else text


@dataclass
class ImportReport:
    kind: str  # register, ocds, survey
    files: list[str]
    unit: str = "rows"  # what `read` counts: rows (register, survey) or releases (OCDS)
    read: int = 0
    kept: list[Kept] = field(default_factory=list)
    skipped: list[Entry] = field(default_factory=list)
    merged: list[Entry] = field(default_factory=list)
    flagged: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    unmatched_suppliers: list[str] = field(default_factory=list)
    sources: dict[str, str] = field(default_factory=dict)  # source id -> file
    merge: MergeResult | None = None
    validation: list[Problem] = field(default_factory=list)
    validation_summary: str = ""
    report_path: Path | None = None
    fatal: list[Problem] = field(default_factory=list)  # the file could not be imported at all
    nothing_kept: bool = False  # no row kept and no dataset to merge into: none was created
    outcome: str = ""  # what happened to the dataset when it was not merged into

    # -- building ---------------------------------------------------------------------------------

    def skip(self, file: str, line: Line, column: str, value: object, reason: str,
             key: str) -> None:
        self.skipped.append(Entry(_note(file, line, column, value, reason), key))

    def fold(self, file: str, line: Line, column: str, value: object, reason: str,
             key: str = "merged") -> None:
        self.merged.append(Entry(_note(file, line, column, value, reason), key))

    def flag(self, file: str, line: Line, column: str, value: object, reason: str) -> None:
        self.flagged.append(_note(file, line, column, value, reason))

    # -- reading ----------------------------------------------------------------------------------

    @property
    def flagged_rows(self) -> int:
        return len({(p.file, p.line) for p in self.flagged})

    @property
    def ok(self) -> bool:
        return (not self.fatal and not self.nothing_kept
                and not any(p.severity == "error" for p in self.validation))

    def tally(self, entries: list[Entry]) -> list[tuple[str, int]]:
        return Counter(e.key for e in entries).most_common()

    def headline(self) -> str:
        parts = [f"read {self.read:,} {self.unit}", f"kept {len(self.kept):,} rows",
                 f"skipped {len(self.skipped):,}", f"merged {len(self.merged):,}",
                 f"flagged {len(self.flagged):,} notes on {self.flagged_rows:,} kept rows"]
        return ", ".join(parts)

    def summary(self, listed: int = 10) -> str:
        """What the command prints: counts, reasons, the first few skipped rows, the validator."""
        lines = [f"Import ({self.kind}): " + ", ".join(self.files), self.headline()]
        why = Counter(k.why.split(" (")[0].split(" ")[0] for k in self.kept)
        if self.kept:
            lines.append("kept by: " + ", ".join(f"{k} {n:,}" for k, n in why.most_common()))
            areas = Counter(k.area for k in self.kept)
            lines.append("service areas: " + ", ".join(f"{a} {n:,}" for a, n in
                                                        areas.most_common()))
        if self.skipped:
            lines.append("skipped because: " + "; ".join(f"{k} {n:,}" for k, n in
                                                          self.tally(self.skipped)))
            for entry in self.skipped[:listed]:
                lines.append(f"  {entry}")
            if len(self.skipped) > listed:
                lines.append(f"  ... and {len(self.skipped) - listed:,} more (see the report)")
        if self.merged:
            lines.append("merged: " + "; ".join(f"{k} {n:,}" for k, n in self.tally(self.merged)))
        if self.unmatched_suppliers:
            lines.append(f"suppliers not in datasets/supplier_aliases.csv: "
                         f"{len(self.unmatched_suppliers):,} (listed in the report)")
        for problem in self.fatal:
            lines.append(f"error: {problem}")
        if not self.kept and (self.fatal or self.nothing_kept):
            # Nothing to show on the map: how the file was read is what helps most now.
            lines += [f"note: {note}" for note in self.notes]
        if self.outcome:
            lines.append(self.outcome)
        if self.merge is not None:
            lines.append(f"dataset: {self.merge.describe()}")
        if self.validation_summary:
            lines.append(f"validator: {self.validation_summary}")
            for problem in [p for p in self.validation if p.severity == "error"][:listed]:
                lines.append(f"  {problem}")
        if self.report_path is not None:
            lines.append(f"report: {self.report_path}")
        return "\n".join(lines)

    def render(self) -> str:
        """The full report written next to the dataset: every kept, skipped, merged and flagged
        row with its line and reason."""
        out = [f"# Import report ({self.kind})", "", "Files: " + ", ".join(self.files)]
        for source, file in self.sources.items():
            out.append(f"Source {source!r}: {file}")
        out += ["", self.headline()]
        if self.outcome:
            out.append(self.outcome)
        if self.merge is not None:
            out.append(f"Dataset: {self.merge.describe()}")
        if self.validation_summary:
            out.append(f"Validator: {self.validation_summary}")
        sections: list[tuple[str, list[str]]] = [
            ("Errors", [str(p) for p in self.fatal]),
            ("Notes", self.notes),
            ("Kept", [str(k) for k in self.kept]),
            ("Skipped", [f"{e}  [{e.key}]" for e in self.skipped]),
            ("Merged", [str(e) for e in self.merged]),
            ("Flagged", [problem_line(p) for p in self.flagged]),
            ("Suppliers not in the alias table (datasets/supplier_aliases.csv)",
             self.unmatched_suppliers),
            ("Validator problems", [str(p) for p in self.validation]),
        ]
        if self.merge is not None:
            sections.append(("Dataset changes", self.merge.lines()))
        for title, items in sections:
            if not items:
                continue
            out += ["", f"## {title} ({len(items):,})", *items]
        return "\n".join(out) + "\n"


def _note(file: str, line: Line, column: str, value: object, reason: str) -> Problem:
    return Problem(file, line, column, _shown(value), reason, "warning")  # type: ignore[arg-type]


def _shown(value: object) -> str:
    if value is None:
        return ""
    text = str(value).replace("\n", " ")
    return text if len(text) <= 200 else text[:197] + "..."
