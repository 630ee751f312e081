"""The survey's Skills sheet: the template's drop-downs, and a filled-in sheet imported into
skills.csv, with every bad row skipped and named (Skills!row, column, value, reason)."""

from __future__ import annotations

import csv
from datetime import datetime
from pathlib import Path

import openpyxl

from techmap.dataformat.skills_schema import SKILL_AREAS
from techmap.dataformat.validate import validate_path
from techmap.importers.command import run_import
from techmap.importers.survey_template import write_survey_template

REPO = Path(__file__).resolve().parents[2]
FILLED = REPO / "tests" / "fixtures" / "importers" / "survey" / "lambeth_survey_2025.xlsx"


def test_the_template_has_a_skills_sheet_with_drop_downs(tmp_path: Path) -> None:
    book = openpyxl.load_workbook(write_survey_template(tmp_path / "t.xlsx"))
    sheet = book["Skills"]
    assert [c.value for c in sheet[1]][:4] == ["Borough", "Skill area", "Level (1-5)", "As of"]
    checks = {str(c.sqref).split(":")[0]: (c.type, c.formula1) for c in sheet.data_validations.dataValidation}
    assert checks["A2"] == ("list", "=Lists!$A$2:$A$34")
    assert checks["B2"] == ("list", f"=Lists!$E$2:$E${len(SKILL_AREAS) + 1}")
    assert checks["C2"] == ("whole", "1")
    assert [book["Lists"][f"E{i}"].value for i in range(2, 4)] == ["Cloud", "Cyber security"]
    assert any("never about named people" in str(c.value) for row in book["Read me"].iter_rows() for c in row)


def test_a_filled_skills_sheet_becomes_skills_csv(tmp_path: Path) -> None:
    book = openpyxl.load_workbook(FILLED)
    if "Skills" not in book.sheetnames:  # the fixture predates the sheet: add it as the template has it
        sheet = book.create_sheet("Skills")
        sheet.append(["Borough", "Skill area", "Level (1-5)", "As of"])
    sheet = book["Skills"]
    for row in (["Lambeth", "Cloud", 4, datetime(2025, 9, 30)],        # row 2: kept
                ["Lambeth", "cyber-security", 2, None],                 # row 3: kept, the survey's as_of
                ["Narnia", "Data", 3, None],                            # row 4: not a borough
                ["Lambeth", "Knitting", 3, None],                       # row 5: not an area
                ["Lambeth", "Data", 7, None],                           # row 6: level out of range
                ["Lambeth", "Networks", 3, "next Tuesday"],             # row 7: not a date
                ["Lambeth", "Cloud", 5, datetime(2025, 10, 31)]):       # row 8: supersedes row 2
        sheet.append(row)
    path = tmp_path / "lambeth.xlsx"
    book.save(path)
    out = tmp_path / "dataset"
    code, report = run_import("survey", [path], out)
    assert code == 0 and report is not None
    with (out / "skills.csv").open(encoding="utf-8") as handle:
        rows = [(r["authority_code"], r["skill_area"], r["level"], r["as_of"], r["synthetic"])
                for r in csv.DictReader(handle)]
    assert rows[0] == ("E09000022", "cloud", "5", "2025-10-31", "false")
    assert rows[1][:3] == ("E09000022", "cyber-security", "2") and rows[1][3].startswith("20")
    assert len(rows) == 2
    skipped = {(p.problem.line, p.problem.column, p.problem.value): p.problem.reason for p in report.skipped
               if str(p.problem.line).startswith("Skills!")}
    assert skipped == {
        ("Skills!4", "authority_code", "Narnia"): "not a London borough",
        ("Skills!5", "skill_area", "Knitting"): "not a skill area: pick one from the list",
        ("Skills!6", "level", "7"): "not a whole number from 1 to 5",
        ("Skills!7", "as_of", "next Tuesday"): "not a date",
    }
    assert any("superseded by row 8" in e.problem.reason for e in report.merged)
    assert not [p for p in validate_path(out) if p.severity == "error"]
    # importing the same file again changes nothing
    first = (out / "skills.csv").read_bytes()
    assert run_import("survey", [path], out)[0] == 0
    assert (out / "skills.csv").read_bytes() == first
