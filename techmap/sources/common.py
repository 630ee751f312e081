"""What every source reader shares: where the sources live, the shape of what a reader returns
(rows in the dataset's columns, what it left out and why, its manifest entry) and small helpers."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from techmap.dataformat.authorities import by_code
from techmap.dataformat.problems import DatasetError, Problem
from techmap.dataformat.schema import COLUMN_NAMES

REPO_ROOT = Path(__file__).resolve().parent.parent.parent
SOURCES_DIR = REPO_ROOT / "datasets" / "sources"
# The day the shared copies of the sources were taken: the date a source file was seen to list a
# fact when the source itself gives no better one.
TAKEN_ON = "2026-11-22"


@dataclass(frozen=True)
class LeftOut:
    """A piece of evidence the build did not turn into a row, and why."""

    source: str
    where: str  # file and line, or a reference a person can follow
    what: str  # borough and supplier or system
    reason: str


@dataclass
class SourceResult:
    """What one reader gives the build."""

    source_id: str
    meta: dict[str, Any]  # the manifest's entry for this source
    rows: list[dict[str, str]] = field(default_factory=list)
    left_out: list[LeftOut] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # checks against the extracted tables


def blank_row(**values: str) -> dict[str, str]:
    """A row with every schema column ("" where not given); real by default."""
    row = dict.fromkeys(COLUMN_NAMES, "")
    row["synthetic"] = "false"
    unknown = set(values) - set(row)
    if unknown:
        raise KeyError(f"not dataset columns: {sorted(unknown)}")
    row.update(values)
    return row


def repo_ref(repo: str, commit: str, path: str, line: int | None = None) -> str:
    """owner/repo@commit:path[#Ln], the evidence format for a file in a public repository."""
    return f"{repo}@{commit}:{path}" + (f"#L{line}" if line else "")


def authority_name(code: str) -> str:
    return by_code()[code].name


def file_label(path: Path) -> str:
    """A source file's path as reports name it: relative to the repository where it is inside."""
    return str(path.relative_to(REPO_ROOT)) if path.is_relative_to(REPO_ROOT) else str(path)


def read_csv_rows(path: Path, expected: tuple[str, ...]) -> Iterator[tuple[int, dict[str, str]]]:
    """(line, row) of a CSV file whose header starts with `expected`; a clear DatasetError if the
    file is missing or has another shape. `line` is the line the row starts on."""
    label = file_label(path)
    try:
        handle = path.open(encoding="utf-8", newline="")
    except FileNotFoundError:
        raise DatasetError([Problem(label, 1, "-", "", "file not found")]) from None
    with handle:
        reader = csv.DictReader(handle)
        header = tuple(reader.fieldnames or ())
        if header[:len(expected)] != expected:
            raise DatasetError([Problem(label, 1, "-", ",".join(header)[:200],
                                        f"expected the columns {','.join(expected)}")])
        line = reader.line_num + 1
        for row in reader:
            yield line, {k: (v or "").strip() for k, v in row.items() if k is not None}
            line = reader.line_num + 1


def check_code(code: str, label: str, line: int) -> str:
    """`code` if it is a London ONS code, else a DatasetError naming the place."""
    if code not in by_code():
        raise DatasetError([Problem(label, line, "gss_code", code, "not a London ONS code")])
    return code
