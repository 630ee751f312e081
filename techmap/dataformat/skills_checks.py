"""Reading and checking skills.csv (techmap.dataformat.skills_schema) into the loader's skills table,
every problem as `file:line: column: value: reason`, like contracts.csv.

The table is small (33 boroughs x 12 areas at most), so the checks are plain per-row Python.
The same function serves a folder (`check_skills_file`) and a published version's stored bytes
(`check_skills_bytes`), so what `validate` accepts the store loads back.
"""

from __future__ import annotations

import csv
import difflib
import io
import re
from collections.abc import Collection
from datetime import date
from pathlib import Path

import pandas as pd

from techmap.dataformat.authorities import by_code, match_authority
from techmap.dataformat.parsing import FALSE_WORDS, TRUE_WORDS, decode_text
from techmap.dataformat.problems import WHOLE_FILE_LINE, Problem
from techmap.dataformat.schema import ISO_DATE_PATTERN, slugify
from techmap.dataformat.skills_schema import (
    MAX_LEVEL,
    MIN_LEVEL,
    SKILL_AREAS,
    SKILL_AREAS_BY_SLUG,
    SKILL_COLUMN_NAMES,
)

FRAME_COLUMNS = (*SKILL_COLUMN_NAMES, "line")
_LEVEL = re.compile(r"^[0-9]+$")


def empty_skills() -> pd.DataFrame:
    return pd.DataFrame({name: pd.Series(dtype="object") for name in FRAME_COLUMNS})


def check_skills_file(path: Path, sources: Collection[str] | None,
                      label: str | None = None) -> tuple[pd.DataFrame, list[Problem]]:
    label = label or str(path)
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        return empty_skills(), [Problem(label, WHOLE_FILE_LINE, "-", "",
                                        f"cannot read file: {exc.strerror or exc}")]
    return check_skills_bytes(data, label, sources)


def check_skills_bytes(data: bytes, label: str,
                       sources: Collection[str] | None) -> tuple[pd.DataFrame, list[Problem]]:
    """The typed skills table (rows with errors left out) and every problem found."""
    text, _ = decode_text(data)
    problems: list[Problem] = []
    records = [(number, row) for number, row in _records(text, label, problems)
               if any(c.strip() for c in row)]
    if not records:
        problems.append(Problem(label, WHOLE_FILE_LINE, "-", "", "file is empty: give at least "
                                "the header row " + ",".join(SKILL_COLUMN_NAMES)))
        return empty_skills(), problems
    header_line, header = records[0]
    names = [re.sub(r"[\s\-]+", "_", cell.strip().lstrip("\ufeff").strip().lower())
             for cell in header]
    for position, name in enumerate(names):
        if name and name not in SKILL_COLUMN_NAMES:
            problems.append(Problem(label, header_line, header[position], "", "not a column of "
                                    "skills.csv; ignored", "warning"))
    missing = [name for name in SKILL_COLUMN_NAMES if name not in names]
    for name in missing:
        problems.append(Problem(label, header_line, name, "", "required column is missing from "
                                "the header"))
    if missing:
        return empty_skills(), problems
    where = {name: names.index(name) for name in SKILL_COLUMN_NAMES}
    kept: list[dict[str, object]] = []
    seen: dict[tuple[str, str], int] = {}
    for line, record in records[1:]:
        if len(record) != len(header) and any(c.strip() for c in record[len(header):]):
            problems.append(Problem(label, line, "-", ",".join(record[len(header):]),
                                    f"row has {len(record)} fields but the header has "
                                    f"{len(header)}"))
            continue
        cells = {name: (record[i].strip() if i < len(record) else "") for name, i in where.items()}
        row = _check_row(cells, line, label, sources, problems)
        if row is None:
            continue
        pair = (str(row["authority_code"]), str(row["skill_area"]))
        if pair in seen:
            problems.append(Problem(label, line, "skill_area", cells["skill_area"],
                                    f"the same borough and skill area as line {seen[pair]}: give "
                                    "one level per borough and area"))
            continue
        seen[pair] = line
        kept.append(row)
    frame = pd.DataFrame(kept, columns=list(FRAME_COLUMNS)) if kept else empty_skills()
    if kept:
        frame["level"] = frame["level"].astype("int64")
        frame["synthetic"] = frame["synthetic"].astype(bool)
        frame["line"] = frame["line"].astype("int64")
    return frame, problems


def _records(text: str, label: str, problems: list[Problem]) -> list[tuple[int, list[str]]]:
    reader = csv.reader(io.StringIO(text, newline=""))
    out: list[tuple[int, list[str]]] = []
    previous = 0
    try:
        for record in reader:
            out.append((previous + 1, record))
            previous = reader.line_num
    except csv.Error as exc:  # the rows before it are still checked
        problems.append(Problem(label, previous + 1, "-", "",
                                f"cannot read CSV from this line on: {exc}"))
    return out


def _check_row(cells: dict[str, str], line: int, label: str, sources: Collection[str] | None,
               problems: list[Problem]) -> dict[str, object] | None:
    """The row typed, or None (with its problems added) when a cell is wrong."""
    before = len(problems)

    def bad(column: str, reason: str) -> None:
        problems.append(Problem(label, line, column, cells[column], reason))

    for column in SKILL_COLUMN_NAMES:
        if not cells[column]:
            bad(column, "required: this column must not be blank")
    code = match_authority(cells["authority_code"]) if cells["authority_code"] else None
    if cells["authority_code"] and (code is None or code not in by_code()):
        bad("authority_code", "not a London borough: use an ONS code (E09000001 to E09000033) or "
                              "a name such as 'Camden'")
    area = skill_area_slug(cells["skill_area"])
    if cells["skill_area"] and area is None:
        close = difflib.get_close_matches(slugify(cells["skill_area"]), list(SKILL_AREAS_BY_SLUG),
                                          n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        bad("skill_area", f"not a skill area: use a slug from the list in datasets/README.md{hint}")
    level = cells["level"]
    if level and not (_LEVEL.match(level) and MIN_LEVEL <= int(level) <= MAX_LEVEL):
        bad("level", f"not a whole number from {MIN_LEVEL} to {MAX_LEVEL}")
    if cells["as_of"] and not _is_iso_date(cells["as_of"]):
        bad("as_of", "not a date; use YYYY-MM-DD")
    if cells["source"] and sources is not None and cells["source"] not in sources:
        bad("source", "not a key of the manifest's sources")
    flag = cells["synthetic"].lower()
    if flag and flag not in TRUE_WORDS | FALSE_WORDS:
        bad("synthetic", "not true or false")
    if len(problems) > before:
        return None
    return {"authority_code": code, "skill_area": area, "level": int(level),
            "as_of": cells["as_of"], "source": cells["source"], "synthetic": flag in TRUE_WORDS,
            "line": line}


def skill_area_slug(text: str) -> str | None:
    """The slug for a slug or a label ("Cyber security"); None when neither."""
    slug = slugify(text)
    if slug in SKILL_AREAS_BY_SLUG:
        return slug
    return next((a.slug for a in SKILL_AREAS if slugify(a.label) == slug), None)


def _is_iso_date(text: str) -> bool:
    if not ISO_DATE_PATTERN.match(text):
        return False
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True
