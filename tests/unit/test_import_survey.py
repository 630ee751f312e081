"""The borough survey: the Excel template (drop-downs, data dictionary) and its import."""

from __future__ import annotations

import io
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest

from techmap.dataformat.authorities import authorities
from techmap.importers.survey import import_survey
from techmap.importers.survey_template import (
    AS_OF_LABEL,
    SURVEY_COLUMNS,
    TEMPLATE_ROWS,
    survey_template_bytes,
    write_survey_template,
)
from techmap.dataformat.schema import HOSTING_VALUES, SERVICE_AREAS

REPO = Path(__file__).resolve().parents[2]
FILLED = REPO / "tests" / "fixtures" / "importers" / "survey" / "lambeth_survey_2025.xlsx"


@pytest.fixture(scope="module")
def template() -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(survey_template_bytes()))


def test_template_sheets_and_header(template) -> None:
    assert template.sheetnames == ["Read me", "Contracts", "Skills", "Lists"]
    assert template["Lists"].sheet_state == "hidden"
    header = [c.value for c in template["Contracts"][1]]
    assert header == [c.label for c in SURVEY_COLUMNS]
    assert "Source" not in header and "Synthetic" not in header
    assert header[:4] == ["Contract ID", "Borough", "Service area", "System"]
    assert template["Contracts"].freeze_panes == "A2"


def _validations(sheet) -> dict[str, tuple[str, str | None]]:
    """column letter -> (type, formula1) of each data validation."""
    out = {}
    for check in sheet.data_validations.dataValidation:
        for cell_range in check.sqref.ranges:
            out[cell_range.coord.split(":")[0].rstrip("0123456789")] = (check.type, check.formula1)
    return out


def test_template_drop_downs_and_checks(template) -> None:
    checks = _validations(template["Contracts"])
    letters = {c.name: openpyxl.utils.get_column_letter(i)
               for i, c in enumerate(SURVEY_COLUMNS, start=1)}
    assert checks[letters["authority_code"]] == ("list", "=Lists!$A$2:$A$34")
    assert checks[letters["service_area"]] == ("list", f"=Lists!$B$2:$B${len(SERVICE_AREAS) + 1}")
    assert checks[letters["hosting"]] == ("list", "=Lists!$C$2:$C$5")
    assert checks[letters["value_public"]] == ("list", "=Lists!$D$2:$D$3")
    assert checks[letters["satisfaction"]] == ("whole", "1")
    assert checks[letters["end_date"]][0] == "date"
    assert checks[letters["total_value_gbp"]][0] == "decimal"
    assert letters["system"] not in checks  # free text
    lists = template["Lists"]
    assert [c.value for c in lists["A"][1:]] == [a.name for a in authorities()]
    assert [c.value for c in lists["B"][1:] if c.value] == [a.name for a in SERVICE_AREAS]
    assert [c.value for c in lists["C"][1:] if c.value] == list(HOSTING_VALUES)
    # the checks cover the template's rows
    sqref = next(c for c in template["Contracts"].data_validations.dataValidation
                 if c.formula1 == "=Lists!$A$2:$A$34").sqref
    assert str(sqref) == f"{letters['authority_code']}2:{letters['authority_code']}{TEMPLATE_ROWS + 1}"


def test_template_read_me_has_the_data_dictionary(template) -> None:
    readme = template["Read me"]
    values = [[c.value for c in row] for row in readme.iter_rows()]
    labels = [row[0] for row in values]
    assert AS_OF_LABEL in labels
    start = labels.index("Column")
    rows = values[start + 1: start + 1 + len(SURVEY_COLUMNS)]
    assert [r[0] for r in rows] == [c.label for c in SURVEY_COLUMNS]
    required = {r[0]: r[1] for r in rows}
    assert required["Borough"] == "yes" and required["Supplier"] == "yes"
    assert required["Contract ID"] == "no"  # the importer makes one


def test_write_survey_template(tmp_path: Path) -> None:
    path = write_survey_template(tmp_path / "sub" / "survey.xlsx")
    assert path.exists()
    assert openpyxl.load_workbook(path).sheetnames == ["Read me", "Contracts", "Skills", "Lists"]


def test_an_empty_template_imports_nothing(tmp_path: Path) -> None:
    path = write_survey_template(tmp_path / "blank.xlsx")
    result = import_survey(path)
    assert result.rows == [] and result.report.read == 0 and result.report.fatal == []


# --- the filled-in fixture -----------------------------------------------------------------------

COLUMNS = ("contract_id", "authority_code", "service_area", "system", "manufacturer", "supplier",
           "start_date", "end_date", "max_end_date", "annual_value_gbp", "total_value_gbp",
           "hosting", "satisfaction", "value_public")


@pytest.fixture(scope="module")
def survey():
    return import_survey(FILLED)


def test_survey_rows(survey) -> None:
    assert [tuple(r[c] for c in COLUMNS) for r in survey.rows] == [
        # manufacturer Servelec is System C, which is also the supplier: left blank
        ("E09000022-S8cf05774", "E09000022", "adult-social-care", "Mosaic", "", "System C",
         "2019-04-01", "2026-03-31", "2028-03-31", "250000", "", "hosted", "3", "true"),
        ("LAM-LIB", "E09000022", "libraries", "Spydus", "", "Civica", "2022-04-01",
         "2027-03-31", "", "", "95000", "saas", "4", ""),
        ("LAM-ERP", "E09000022", "finance-erp", "Oracle Fusion ERP", "", "Oracle", "", "", "",
         "", "", "saas", "", "false"),
        ("LAM-ELEC", "E09000022", "elections", "Xpress", "", "Xpress Software Solutions", "",
         "2027-03-31", "", "", "", "", "5", ""),
    ]
    assert {r["source"] for r in survey.rows} == {"survey-lambeth-survey-2025"}
    assert [k.line for k in survey.report.kept] == [2, 3, 6, 8]


def test_survey_skipped_merged_flagged(survey) -> None:
    report = survey.report
    assert report.read == 7
    assert [(e.problem.line, e.key, e.problem.reason) for e in report.skipped] == [
        (4, "no system", "no system named"),
        (5, "not a London borough", "not a London borough"),
    ]
    assert [(e.problem.line, e.problem.reason) for e in report.merged] == [
        (7, "superseded by row 8 (same Contract ID; the later row is kept)")]
    assert [(p.line, p.column, p.value, p.reason) for p in report.flagged] == [
        (6, "service_area", "Finance",
         "not a service area; read as finance-erp ('Oracle Fusion' in system)"),
        (6, "satisfaction", "7", "not a whole number from 1 to 5; left blank"),
    ]
    # the superseded row's 'ongoing' end date is not reported against the row that was kept
    assert all(p.line != 7 for p in report.flagged)


def test_survey_source_and_as_of(survey) -> None:
    source = survey.sources["survey-lambeth-survey-2025"]
    assert source["as_of"] == "2025-09-30"
    assert source["publisher"] == "London Borough of Lambeth"
    assert survey.title == "London Borough of Lambeth: technology systems"


def test_survey_headers_by_column_name(tmp_path: Path) -> None:
    """A sheet headed with the dataset's column names (e.g. exported contracts.csv) reads too."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["authority_code", "service_area", "system", "supplier", "end_date"])
    sheet.append(["Camden", "gis", "ArcGIS", "Esri UK Ltd", datetime(2027, 3, 31)])
    path = tmp_path / "plain.xlsx"
    book.save(path)
    result = import_survey(path)
    row = result.rows[0]
    assert (row["authority_code"], row["service_area"], row["supplier"], row["end_date"]) == (
        "E09000007", "gis", "Esri", "2027-03-31")


@pytest.mark.parametrize(("name", "content", "reason"), [
    ("survey.csv", b"a,b", "the survey is an Excel workbook (.xlsx); download the template from "
                           "the about page"),
    ("broken.xlsx", b"not a zip", None),
])
def test_unreadable_surveys(tmp_path: Path, name: str, content: bytes, reason: str | None) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    result = import_survey(path)
    assert result.rows == [] and len(result.report.fatal) == 1
    if reason:
        assert result.report.fatal[0].reason == reason
    else:
        assert result.report.fatal[0].reason.startswith("cannot open as an Excel workbook")
