"""The survey's Skills sheet: a borough returns its teams' aggregate level (1..5) in each skill area
(techmap.dataformat.skills_schema), never anything about a named person.

- `add_skills_sheet`: the sheet of the template (borough and skill-area drop-downs, a 1..5 check);
- `read_skill_records` / `skill_rows`: the filled-in sheet as skills.csv rows; a row with a bad
  borough, area, level or date is skipped with its place (Skills!row), column, value and reason;
- `merge_skills`: the rows into the dataset folder's skills.csv (a re-import replaces the rows of
  its own source; a pair given again takes the new level).
"""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path
from typing import Any

from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from techmap.dataformat.authorities import match_authority
from techmap.dataformat.skills_checks import skill_area_slug
from techmap.dataformat.skills_schema import (
    MAX_LEVEL,
    MIN_LEVEL,
    SKILL_AREAS,
    SKILL_COLUMN_NAMES,
    SKILL_LEVELS,
    SKILLS_FILE,
)
from techmap.importers.cells import clean_text, read_date
from techmap.importers.report import ImportReport

SHEET_SKILLS = "Skills"
SKILL_HEADER = ("Borough", "Skill area", "Level (1-5)", "As of")
SKILL_ROWS = 400  # rows that carry the drop-downs (33 boroughs x 12 areas fit)
LISTS_COLUMN = "E"  # the hidden Lists sheet's column of skill-area labels
READ_ME = ("On the 'Skills' sheet, give your teams' level in each skill area from 1 (little or none) to "
           "5 (strong: could teach others). Levels are aggregate team levels, never about named "
           "people; leave an area blank if you do not know.")


def add_skills_sheet(book: Any, lists: Any, borough_range: str) -> None:
    """Add the Skills sheet to the template `book` (its area list goes on the `lists` sheet)."""
    lists[f"{LISTS_COLUMN}1"] = "Skill area"
    lists[f"{LISTS_COLUMN}1"].font = Font(bold=True)
    for row, area in enumerate(SKILL_AREAS, start=2):
        lists[f"{LISTS_COLUMN}{row}"] = area.label
    areas = f"{lists.title}!${LISTS_COLUMN}$2:${LISTS_COLUMN}${len(SKILL_AREAS) + 1}"
    sheet = book.create_sheet(SHEET_SKILLS, 2)
    for index, title in enumerate(SKILL_HEADER, start=1):
        cell = sheet.cell(row=1, column=index, value=title)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDE7F0")
    for letter, width in (("A", 28), ("B", 36), ("C", 14), ("D", 14), ("F", 60)):
        sheet.column_dimensions[letter].width = width
    sheet["F1"] = "Levels"
    sheet["F1"].font = Font(bold=True)
    for row, (level, words) in enumerate(SKILL_LEVELS.items(), start=2):
        sheet[f"F{row}"] = f"{level}: {words}"
    sheet["F8"] = "Aggregate team levels only: never about named people."
    last = SKILL_ROWS + 1
    common: dict[str, Any] = {"allow_blank": True, "showErrorMessage": True}
    checks = (
        ("A", DataValidation(type="list", formula1=f"={borough_range}", error="Pick a London borough",
                             errorTitle="Not a London borough", **common)),
        ("B", DataValidation(type="list", formula1=f"={areas}", error="Pick a skill area from the list",
                             errorTitle="Not a skill area", **common)),
        ("C", DataValidation(type="whole", operator="between", formula1=str(MIN_LEVEL),
                             formula2=str(MAX_LEVEL), error="A whole number from 1 to 5",
                             errorTitle="Level 1-5", **common)),
    )
    for letter, check in checks:
        sheet.add_data_validation(check)
        check.add(f"{letter}2:{letter}{last}")
    for row in range(2, last + 1):
        sheet[f"D{row}"].number_format = "yyyy-mm-dd"
    sheet.freeze_panes = "A2"


def read_skill_records(book: Any) -> list[tuple[int, list[Any]]]:
    """(row number, cells) of the Skills sheet's rows under its header; none without the sheet."""
    if SHEET_SKILLS not in book.sheetnames:
        return []
    rows = enumerate(book[SHEET_SKILLS].iter_rows(min_row=2, max_col=len(SKILL_HEADER), values_only=True),
                     start=2)
    return [(number, list(values)) for number, values in rows]


def skill_rows(records: list[tuple[int, list[Any]]], label: str, source: str, as_of: str,
               report: ImportReport) -> list[dict[str, str]]:
    """skills.csv rows (text) of the sheet; bad rows are skipped with the reason."""
    kept: dict[tuple[str, str], tuple[int, dict[str, str]]] = {}
    read = 0
    for number, cells in records:
        cells = cells + [None] * (len(SKILL_HEADER) - len(cells))
        text = [clean_text(c) for c in cells]
        if not any(text):
            continue
        line = f"{SHEET_SKILLS}!{number}"
        read += 1
        code = match_authority(text[0])
        area = skill_area_slug(text[1]) if text[1] else None
        level = _level(cells[2])
        when = read_date(cells[3]) if text[3] else None
        when_ok = when is not None and isinstance(when.value, date)
        if code is None:
            report.skip(label, line, "authority_code", text[0], "not a London borough" if text[0]
                        else "no borough", "skills: no borough")
        elif area is None:
            report.skip(label, line, "skill_area", text[1], "not a skill area: pick one from the list"
                        if text[1] else "no skill area", "skills: bad skill area")
        elif level is None:
            report.skip(label, line, "level", text[2], f"not a whole number from {MIN_LEVEL} to "
                        f"{MAX_LEVEL}" if text[2] else "no level", "skills: bad level")
        elif text[3] and not when_ok:
            report.skip(label, line, "as_of", text[3], "not a date", "skills: bad date")
        else:
            day = when.value.isoformat() if when_ok else as_of  # type: ignore[union-attr]
            row = {"authority_code": code, "skill_area": area, "level": str(level), "as_of": day,
                   "source": source, "synthetic": "false"}
            if (code, area) in kept:
                report.fold(label, f"{SHEET_SKILLS}!{kept[(code, area)][0]}", "skill_area", text[1],
                            f"superseded by row {number} (same borough and skill area; the later row "
                            "is kept)", "skills: superseded row")
            kept[(code, area)] = (number, row)
    if read:
        report.notes.append(f"sheet {SHEET_SKILLS!r}: read {read:,} skill levels, kept {len(kept):,} "
                            "(skipped rows are listed with their reasons)")
    return [row for _, row in kept.values()]


def _level(value: Any) -> int | None:
    try:
        number = float(clean_text(value))
    except ValueError:
        return None
    return int(number) if number.is_integer() and MIN_LEVEL <= number <= MAX_LEVEL else None


def merge_skills(folder: Path, rows: list[dict[str, str]], sources: set[str]) -> str:
    """Write `rows` into folder/skills.csv: rows of the same (borough, area) are replaced, earlier
    rows of these `sources` not given again are removed. Returns a note for the report."""
    path = Path(folder) / SKILLS_FILE
    existing: list[dict[str, str]] = []
    if path.exists():
        with path.open(encoding="utf-8-sig", newline="") as handle:
            existing = [dict(r) for r in csv.DictReader(handle)]
    incoming = {(r["authority_code"], r["skill_area"]): r for r in rows}
    merged = [r for r in existing if (r.get("authority_code"), r.get("skill_area")) not in incoming
              and r.get("source") not in sources]
    merged += list(incoming.values())
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(SKILL_COLUMN_NAMES), lineterminator="\n",
                            extrasaction="ignore")
    writer.writeheader()
    writer.writerows(merged)
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return f"skills: {len(rows):,} levels written to {path} ({len(merged):,} in all)"
