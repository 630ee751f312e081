"""The strict validator, the loader and `python -m techmap validate`.

Each fixture under tests/fixtures/validation/files/ carries one kind of problem (see its README);
the tests pin the exact problems found: line, column, value, severity and the gist of the reason.
"""

from __future__ import annotations

import csv
import json
import math
import re
import shutil
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

import techmap.dataformat.contract_checks as contract_checks
import techmap.dataformat.table_reader as table_reader
import techmap.dataformat.validate as validate_module
from techmap.cli import main
from techmap.dataformat.dataset import Dataset, load_dataset
from techmap.dataformat.problems import DatasetError, Problem
from techmap.dataformat.schema import COLUMN_NAMES, HOSTING_VALUES, SERVICE_AREAS
from techmap.dataformat.contract_checks import MAX_LISTED_WARNINGS, read_contracts
from techmap.dataformat.table_reader import MAX_FIELD_CHARS
from techmap.dataformat.validate import load_validated, validate_path
from techmap.dataformat.validate_cli import run_validate_command, summary_line

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "fixtures" / "validation"
FILES = FIXTURES / "files"
VALID = FIXTURES / "valid_dataset"
HEADER = ("contract_id,authority_code,service_area,system,supplier,start_date,end_date,source,"
          "synthetic")
GOOD_ROW = "{id},E09000007,housing,Northgate,Northgate Public Services,2020-04-01,{end},demo,false"

Found = tuple[int | None, str, str, str]  # line, column, value, severity


def found(problems: list[Problem]) -> list[Found]:
    return [(p.line, p.column, p.value, p.severity) for p in problems]


def read(name: str) -> tuple[pd.DataFrame, list[Problem]]:
    return read_contracts(FILES / name, file_label=name)


def errors(problems: list[Problem]) -> list[Problem]:
    return [p for p in problems if p.severity == "error"]


# --- one fixture per problem ---------------------------------------------------------------------

def test_missing_required_column() -> None:
    frame, problems = read("missing_required_column.csv")
    assert found(problems) == [(1, "supplier", "", "error")]
    assert problems[0].reason == "required column is missing from the header"
    assert frame["supplier"].tolist() == [""]  # the column is still there, blank


def test_blank_required_values() -> None:
    _, problems = read("blank_required.csv")
    assert found(problems) == [(2, "system", "", "error"), (3, "synthetic", "", "error")]
    assert {p.reason for p in problems} == {"required value is blank"}


def test_authority_names_are_converted_with_a_warning_per_spelling() -> None:
    frame, problems = read("authority_names.csv")
    assert errors(problems) == []
    assert found(problems) == [
        (2, "authority_code", "LB Camden", "warning"),
        (3, "authority_code", "Royal Borough of Greenwich", "warning"),
        (4, "authority_code", "City of Westminster", "warning"),
    ]
    assert problems[0].reason.startswith("read as E09000007 (Camden); 2 rows use this spelling")
    assert frame["authority_code"].astype(str).tolist() == [
        "E09000007", "E09000011", "E09000033", "E09000007"]
    assert frame["authority_name"].tolist() == ["Camden", "Greenwich", "Westminster", "Camden"]


def test_unknown_authorities() -> None:
    frame, problems = read("unknown_authority.csv")
    assert found(problems) == [
        (2, "authority_code", "Manchester", "error"),
        (3, "authority_code", "E08000003", "error"),
        (4, "authority_code", "Camdn", "error"),
    ]
    assert problems[0].reason.startswith("not a London borough")
    assert "E09000001 to E09000033" in problems[1].reason
    assert problems[2].reason.endswith("did you mean 'Camden'?")
    assert frame["authority_code"].isna().all()  # unreadable cells are left blank


def test_service_area_names_are_converted() -> None:
    frame, problems = read("service_area_names.csv")
    assert found(problems) == [
        (2, "service_area", "Adults' social care", "warning"),
        (3, "service_area", "HOUSING", "warning"),
    ]
    assert problems[0].reason.startswith("read as 'adult-social-care'")
    assert frame["service_area"].astype(str).tolist() == ["adult-social-care", "housing", "housing"]


def test_unknown_service_areas() -> None:
    _, problems = read("unknown_service_area.csv")
    assert found(problems) == [(2, "service_area", "social care", "error"),
                               (3, "service_area", "housng", "error")]
    assert problems[0].reason.startswith("not a service area")
    assert problems[1].reason.endswith("did you mean 'housing'?")


def test_accepted_date_formats() -> None:
    frame, problems = read("date_formats.csv")
    assert problems == []
    assert frame["start_date"].tolist() == [pd.Timestamp("2020-04-01")] * 6
    assert frame["end_date"].tolist() == [pd.Timestamp("2024-03-31")] * 6


def test_bad_dates_name_the_value_and_why() -> None:
    _, problems = read("bad_dates.csv")
    assert found(problems) == [
        (2, "end_date", "31/02/2024", "error"),
        (3, "start_date", "soon", "error"),
        (4, "end_date", "03/31/2024", "error"),
        (5, "end_date", "2024-02-30", "error"),
    ]
    assert str(problems[0]) == ("bad_dates.csv:2: end_date: '31/02/2024': "
                                "no such date: February 2024 has 29 days")
    assert "US month-first" in problems[2].reason


def test_end_before_start() -> None:
    _, problems = read("end_before_start.csv")
    assert found(problems) == [(2, "end_date", "2023-03-31", "error")]
    assert problems[0].reason == "ends before it starts (start_date 2024-04-01)"


def test_max_end_before_end() -> None:
    _, problems = read("max_end_before_end.csv")
    assert found(problems) == [(2, "max_end_date", "2025-03-31", "error")]  # equal dates are fine
    assert "end_date 2026-03-31" in problems[0].reason


def test_values_accepted() -> None:
    frame, problems = read("values.csv")
    assert problems == []
    assert frame["annual_value_gbp"].tolist()[:2] == [1234.5, 1234.0]
    assert math.isnan(frame["annual_value_gbp"].iloc[2])
    assert frame["total_value_gbp"].tolist() == [1234.0, 0.0, 1_000_000.0]


def test_values_rejected() -> None:
    frame, problems = read("bad_values.csv")
    assert found(problems) == [
        (2, "annual_value_gbp", "abc", "error"),
        (2, "total_value_gbp", "-5", "error"),
        (3, "annual_value_gbp", "1,23", "error"),
        (3, "total_value_gbp", "£-10", "error"),
    ]
    assert [p.reason.split(";")[0] for p in problems] == [
        "not an amount", "negative amount", "not an amount", "negative amount"]
    assert frame["annual_value_gbp"].isna().all() and frame["total_value_gbp"].isna().all()


def test_duplicate_contract_id_names_both_lines() -> None:
    _, problems = read("duplicate_id.csv")
    assert found(problems) == [(4, "contract_id", "DUP-1", "error")]
    assert problems[0].reason == "duplicate contract_id: also on line 2"


def test_hosting() -> None:
    frame, problems = read("bad_hosting.csv")
    assert found(problems) == [(2, "hosting", "cloud", "error")]
    assert problems[0].reason == "not one of: saas, hosted, on_premises, unknown"
    # case and spelling variants are read; blank means unknown
    assert frame["hosting"].astype(object).tolist()[1:] == ["saas", "on_premises", "unknown"]
    assert list(frame["hosting"].cat.categories) == list(HOSTING_VALUES)


def test_satisfaction_must_be_1_to_5() -> None:
    frame, problems = read("bad_satisfaction.csv")
    assert found(problems) == [(2, "satisfaction", "0", "error"), (3, "satisfaction", "6", "error"),
                               (4, "satisfaction", "3.5", "error"),
                               (5, "satisfaction", "good", "error")]
    assert frame["satisfaction"].iloc[4] == 5.0


def test_bool_columns() -> None:
    frame, problems = read("bools.csv")
    assert found(problems) == [(6, "value_public", "maybe", "error"),
                               (6, "synthetic", "N", "error")]
    assert frame["synthetic"].tolist()[:4] == [True, True, True, False]
    assert frame["value_public"].tolist()[:4] == [False, False, True, True]  # blank -> True


def test_source_must_be_a_manifest_key() -> None:
    problems = validate_path(FIXTURES / "bad_source_dataset")
    label = str(FIXTURES / "bad_source_dataset" / "contracts.csv")
    assert [(p.file, *f) for p, f in zip(problems, found(problems), strict=True)] == [
        (label, 7, "source", "loti-2019", "error")]
    assert problems[0].reason == "not a key of the manifest's sources (it has 'demo', 'survey')"


def test_source_is_not_checked_without_a_manifest() -> None:
    frame, problems = read_contracts(FIXTURES / "bad_source_dataset" / "contracts.csv")
    assert problems == []
    assert sorted(frame["source"].cat.categories) == ["demo", "loti-2019", "survey"]


def test_utf8_bom_file() -> None:
    frame, problems = read("bom.csv")
    assert problems == []
    assert frame.columns[0] == "contract_id"  # the BOM is not part of the first column's name
    assert frame["contract_id"].tolist() == ["BOM-1"]


def test_windows_1252_file() -> None:
    assert "£".encode("cp1252") in (FILES / "cp1252.csv").read_bytes()  # really cp1252 bytes
    frame, problems = read("cp1252.csv")
    assert problems == []
    assert frame["system"].tolist() == ["Café Système"]
    assert frame["supplier"].tolist() == ["Société Générale"]
    assert frame["annual_value_gbp"].tolist() == [2500.0]


def test_empty_file() -> None:
    frame, problems = read("empty.csv")
    assert found(problems) == [(1, "-", "", "error")]
    assert str(problems[0]) == "empty.csv:1: -: '': file is empty"
    assert frame.empty and list(frame.columns[:len(COLUMN_NAMES)]) == list(COLUMN_NAMES)


def test_whitespace_only_file_is_empty(tmp_path: Path) -> None:
    path = tmp_path / "blank.csv"
    path.write_text("\n \n,,,\n")
    _, problems = read_contracts(path)
    assert [p.reason for p in problems] == ["file is empty"]


def test_header_only_file() -> None:
    frame, problems = read("header_only.csv")
    assert found(problems) == [(1, "-", "", "error")]  # the header's line
    assert str(problems[0]) == "header_only.csv:1: -: '': no data rows (only a header)"
    assert frame.empty


def test_extra_columns_are_kept_as_text() -> None:
    frame, problems = read("extra_columns.csv")
    assert problems == []
    assert frame["notes"].tolist() == ["renewal due", ""]
    assert frame["Cost centre"].tolist() == ["CC-12", ""]
    assert str(frame["notes"].dtype) == "str"
    schema_then_extras = [*COLUMN_NAMES, "notes", "Cost centre"]
    assert list(frame.columns[: len(schema_then_extras)]) == schema_then_extras


def test_missing_end_date_is_only_a_warning() -> None:
    frame, problems = read("missing_end_date.csv")
    assert found(problems) == [(2, "end_date", "", "warning")]
    assert pd.isna(frame["end_date"].iloc[0])


def test_many_blank_end_dates_are_counted_not_all_listed(tmp_path: Path) -> None:
    path = tmp_path / "contracts.csv"
    rows = [GOOD_ROW.format(id=f"N-{i}", end="") for i in range(15)]
    path.write_text("\n".join([HEADER, *rows]) + "\n")
    _, problems = read_contracts(path)
    assert len(problems) == MAX_LISTED_WARNINGS + 1
    assert [p.line for p in problems[:MAX_LISTED_WARNINGS]] == list(range(2, 12))
    # the count is on the line of the first row it does not list: the 11th, on line 12
    assert str(problems[-1]) == (f"{path}:12: end_date: '': 5 more rows from this line on have a "
                                 "blank end_date (15 in all; the first 10 are listed above) "
                                 "(warning)")
    assert {p.severity for p in problems} == {"warning"}


def test_line_numbers_are_physical_lines() -> None:
    frame, problems = read("multiline.csv")
    # ML-1's system spans lines 2-3 and line 4 is blank, so ML-2 starts on line 5.
    assert found(problems) == [(5, "end_date", "never", "error")]
    assert frame["line"].tolist() == [2, 5]
    assert frame["system"].iloc[0] == "Northgate\nHousing"


def test_ragged_rows() -> None:
    frame, problems = read("ragged_rows.csv")
    assert found(problems) == [
        (3, "-", "", "error"),  # too few fields: the missing ones read as blank ...
        (3, "source", "", "error"),  # ... so the required ones are reported too
        (3, "synthetic", "", "error"),
        (4, "-", "surprise", "error"),
    ]
    assert problems[0].reason == "row has 7 fields but the header has 9"
    assert problems[3].reason == "row has 10 fields but the header has 9"
    assert len(frame) == 3  # line 2's two empty trailing fields are no problem


EVERY_PROBLEM = [  # every_problem.csv: line, column, severity; its notes column says what each is
    (1, "source", "error"),  # the header has no source column
    (2, "authority_code", "error"), (3, "service_area", "error"), (4, "end_date", "error"),
    (5, "end_date", "error"), (6, "max_end_date", "error"), (7, "annual_value_gbp", "error"),
    (8, "annual_value_gbp", "error"), (9, "contract_id", "error"), (10, "hosting", "error"),
    (11, "satisfaction", "error"), (12, "value_public", "error"), (13, "system", "error"),
    (14, "end_date", "warning"), (15, "start_date", "error"), (16, "authority_code", "warning"),
]


def test_every_problem_at_once() -> None:
    frame, problems = read("every_problem.csv")
    assert [(p.line, p.column, p.severity) for p in problems] == EVERY_PROBLEM
    assert frame["notes"].iloc[-1] == "authority variant, read as E09000007"  # extra column kept


def test_header_names_are_normalised_and_duplicates_reported(tmp_path: Path) -> None:
    path = tmp_path / "contracts.csv"
    path.write_text("Contract ID,Authority-Code,service_area,System,supplier,source,synthetic,"
                    "system,\n"
                    "X-1,E09000007,housing,Northgate,Northgate,demo,false,Other,\n")
    frame, problems = read_contracts(path)
    duplicate = [p for p in problems if p.severity == "error"]
    assert found(duplicate) == [(1, "system", "system", "error")]
    assert duplicate[0].reason == "column appears twice (columns 4 and 8); the second is ignored"
    assert frame["contract_id"].tolist() == ["X-1"]
    assert frame["system"].tolist() == ["Northgate"]
    assert "column_9" not in frame.columns  # the unnamed empty trailing column is dropped


def test_semicolon_separated_file(tmp_path: Path) -> None:
    path = tmp_path / "contracts.csv"
    path.write_text(HEADER.replace(",", ";") + "\n" +
                    GOOD_ROW.format(id="S-1", end="31/03/2026").replace(",", ";") + "\n")
    frame, problems = read_contracts(path)
    assert problems == []
    assert frame["end_date"].tolist() == [pd.Timestamp("2026-03-31")]


def test_unclosed_quote_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "contracts.csv"
    path.write_text("\n".join([HEADER, GOOD_ROW.format(id="Q-1", end="2026-03-31"),
                               'Q-2,E09000007,housing,"Northgate,Northgate,2020-04-01',
                               GOOD_ROW.format(id="Q-3", end="2026-03-31")]) + "\n")
    _, problems = read_contracts(path)
    assert (3, "-", "", "error") in found(problems)
    assert any(p.reason.startswith("a quote opened on this line is never closed")
               for p in problems)


def test_excel_unicode_text_export(tmp_path: Path) -> None:
    # Excel's "Unicode text" is UTF-16 with a BOM and tab-separated.
    path = tmp_path / "contracts.txt"
    text = HEADER.replace(",", "\t") + "\r\n" + GOOD_ROW.format(
        id="U-1", end="31/03/2026").replace(",", "\t").replace("Northgate", "Northgåte") + "\r\n"
    path.write_bytes(text.encode("utf-16"))
    frame, problems = read_contracts(path)
    assert problems == []
    assert frame["system"].tolist() == ["Northgåte"]
    assert frame["end_date"].tolist() == [pd.Timestamp("2026-03-31")]


def test_excel_workbook(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "contracts"
    sheet.append([*HEADER.split(","), "annual_value_gbp", "value_public"])
    sheet.append(["XL-1", "E09000007", "housing", "Northgate", "Northgate", datetime(2020, 4, 1),
                  datetime(2026, 3, 31), "demo", False, 12500.0, True])
    sheet.append([])  # an empty row: row numbers must still match Excel's
    sheet.append(["XL-2", "LB Hackney", "housing", "Northgate", "Northgate", "01/04/2020",
                  45382, "demo", "no", "£1,000", "FALSE"])
    path = tmp_path / "contracts.xlsx"
    book.save(path)
    frame, problems = read_contracts(path)
    assert found(problems) == [(4, "authority_code", "LB Hackney", "warning")]
    assert frame["line"].tolist() == [2, 4]
    assert frame["start_date"].tolist() == [pd.Timestamp("2020-04-01")] * 2
    assert frame["end_date"].tolist() == [pd.Timestamp("2026-03-31"), pd.Timestamp("2024-03-31")]
    assert frame["annual_value_gbp"].tolist() == [12500.0, 1000.0]
    assert frame["value_public"].tolist() == [True, False]


def test_unsupported_and_disguised_files(tmp_path: Path) -> None:
    old_excel = tmp_path / "contracts.xls"
    old_excel.write_bytes(b"\xd0\xcf\x11\xe0")
    assert read_contracts(old_excel)[1][0].reason.startswith(".xls files are not read")
    disguised = tmp_path / "contracts.csv"
    disguised.write_bytes(b"PK\x03\x04rest of a zip")
    assert read_contracts(disguised)[1][0].reason.startswith("this is an Excel (zip) file")
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"not a workbook")
    assert read_contracts(broken)[1][0].reason.startswith("cannot open as an Excel workbook")


def test_unexpected_exception_becomes_a_problem(monkeypatch: pytest.MonkeyPatch,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    def boom(*_args: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(contract_checks, "read_table", boom)
    frame, problems = read("values.csv")
    assert frame.empty
    assert [p.reason for p in problems] == [
        "unexpected error while checking this file (RuntimeError: boom); please report it"]
    assert main(["validate", str(FILES / "values.csv")]) == 1
    out = capsys.readouterr().out
    assert "RuntimeError: boom" in out and "Traceback" not in out


# --- manifest and folders ------------------------------------------------------------------------

def test_bad_manifest() -> None:
    problems = validate_path(FIXTURES / "bad_manifest_dataset")
    label = str(FIXTURES / "bad_manifest_dataset" / "manifest.json")
    assert {p.file for p in problems} == {label}
    assert found(problems) == [
        (1, "licence", "", "error"),  # a missing key: the line where the object opens
        (2, "title", "", "error"),
        (3, "as_of", "1 November 2026", "error"),
        (4, "synthetic", "some", "error"),
        (5, "survey", "Borough survey", "error"),
    ]
    assert problems[2].reason == "not a date; use YYYY-MM-DD"


def test_broken_manifest_json() -> None:
    problems = validate_path(FIXTURES / "broken_json_dataset")
    assert found(problems) == [(5, "-", "", "error")]
    assert problems[0].file.endswith("manifest.json")
    assert problems[0].reason.startswith("not valid JSON: Expecting ',' delimiter")


def test_folder_without_manifest_still_checks_contracts(tmp_path: Path) -> None:
    shutil.copy(FILES / "duplicate_id.csv", tmp_path / "contracts.csv")
    problems = validate_path(tmp_path)
    assert [(Path(p.file).name, p.line, p.column) for p in problems] == [
        ("manifest.json", 1, "-"), ("contracts.csv", 4, "contract_id")]
    assert problems[0].reason.startswith("missing")


def test_folder_without_contracts(tmp_path: Path) -> None:
    shutil.copy(VALID / "manifest.json", tmp_path / "manifest.json")
    problems = validate_path(tmp_path)
    assert [(Path(p.file).name, p.reason.split(":")[0]) for p in problems] == [
        ("contracts.csv", "missing")]


def test_manifest_synthetic_flag_must_agree_with_rows(tmp_path: Path) -> None:
    shutil.copy(VALID / "contracts.csv", tmp_path / "contracts.csv")
    manifest = json.loads((VALID / "manifest.json").read_text())
    manifest["synthetic"] = "none"
    (tmp_path / "manifest.json").write_text(json.dumps(manifest, indent=2))
    problems = validate_path(tmp_path)
    assert found(problems) == [(7, "synthetic", "none", "warning")]  # the key's line
    assert problems[0].reason == "but 4 rows are synthetic; use 'mixed' or 'all'"


# --- the loader ----------------------------------------------------------------------------------

def test_load_valid_dataset_and_documented_dtypes() -> None:
    dataset = load_validated(VALID)
    assert isinstance(dataset, Dataset)
    assert dataset.title == "Validation test dataset"
    assert dataset.warnings == ()
    frame = dataset.contracts
    assert len(frame) == 6
    dtypes = {name: str(dtype) for name, dtype in frame.dtypes.items()}
    for name in ("authority_code", "service_area", "hosting", "source"):
        assert dtypes[name] == "category", name
    for name in ("contract_id", "system", "manufacturer", "supplier", "procurement_route",
                 "shared_ref", "authority_name", "supplier_slug", "system_slug", "search_text"):
        assert dtypes[name] == "str", name
    for name in ("start_date", "end_date", "max_end_date", "review_date"):
        assert dtypes[name].startswith("datetime64"), name
    for name in ("annual_value_gbp", "total_value_gbp", "satisfaction"):
        assert dtypes[name] == "float64", name
    assert dtypes["value_public"] == dtypes["synthetic"] == "bool"
    assert dtypes["line"] == "int64"
    assert list(frame.columns) == [*COLUMN_NAMES, "authority_name", "supplier_slug",
                                   "system_slug", "manufacturer_slug", "line", "search_text"]

    assert len(frame["authority_code"].cat.categories) == 33
    assert list(frame["service_area"].cat.categories) == [a.slug for a in SERVICE_AREAS]
    assert list(frame["source"].cat.categories) == ["demo", "survey"]
    assert frame["authority_code"].astype(str).value_counts().to_dict() == {
        "E09000007": 2, "E09000012": 2, "E09000033": 2}

    cam2 = frame.set_index("contract_id").loc["CAM-002"]
    assert cam2["authority_name"] == "Camden"
    assert cam2["supplier_slug"] == "nec-software-solutions-uk-ltd"
    assert cam2["system_slug"] == "revenues-and-benefits"
    assert cam2["line"] == 3
    assert cam2["annual_value_gbp"] == 98000.5
    assert math.isnan(cam2["total_value_gbp"])
    assert cam2["satisfaction"] == 3.0
    assert math.isnan(frame.set_index("contract_id").loc["HAC-001", "satisfaction"])
    assert not cam2["value_public"] and not cam2["synthetic"]
    assert cam2["end_date"] == pd.Timestamp("2027-06-30")
    assert pd.isna(cam2["max_end_date"])
    assert cam2["search_text"] == ("cam-002 | revenues & benefits | nec software solutions uk ltd "
                                   "| nec | camden | revenues and benefits")
    assert frame["shared_ref"].tolist().count("SHARED-1") == 2
    assert frame["shared_ref"].iloc[0] == ""


def test_load_dataset_delegates_to_the_validator() -> None:
    assert len(load_dataset(VALID).contracts) == 6


def test_loader_raises_with_every_problem() -> None:
    with pytest.raises(DatasetError) as caught:
        load_validated(FIXTURES / "bad_source_dataset")
    assert found(caught.value.problems) == [(7, "source", "loti-2019", "error")]
    assert "loti-2019" in caught.value.report()


def test_loader_wants_a_folder(tmp_path: Path) -> None:
    with pytest.raises(DatasetError) as caught:
        load_validated(FILES / "values.csv")
    assert caught.value.problems[0].reason.startswith("not a dataset folder")
    with pytest.raises(DatasetError) as caught:
        load_validated(tmp_path / "nowhere")
    assert caught.value.problems[0].reason == "no such folder"


def test_loader_keeps_warnings(tmp_path: Path) -> None:
    shutil.copy(VALID / "manifest.json", tmp_path / "manifest.json")
    text = (VALID / "contracts.csv").read_text().replace("E09000012", "LB Hackney")
    (tmp_path / "contracts.csv").write_text(text)
    dataset = load_validated(tmp_path)
    assert [(p.line, p.value) for p in dataset.warnings] == [(4, "LB Hackney")]
    assert dataset.contracts["authority_code"].astype(str).tolist()[2:4] == ["E09000012"] * 2


def test_two_loads_share_nothing() -> None:
    first, second = load_validated(VALID).contracts, load_validated(VALID).contracts
    first.loc[0, "system"] = "changed"
    assert second.loc[0, "system"] == "Mosaic"


# --- the command ---------------------------------------------------------------------------------

def test_summary_line() -> None:
    error = Problem("f", 2, "c", "v", "r")
    warning = Problem("f", 3, "c", "v", "r", "warning")
    assert summary_line([error] * 3 + [warning] * 2, 1203) == "3 errors, 2 warnings in 1,203 rows"
    assert summary_line([warning] * 12, 1203) == "OK: 1,203 rows, 0 errors, 12 warnings"
    assert summary_line([error], 1) == "1 error, 0 warnings in 1 row"
    assert summary_line([], 6, "cp1252") == (
        "OK: 6 rows, 0 errors, 0 warnings (read as Windows-1252)")


def test_cli_clean_folder(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(VALID)]) == 0
    assert capsys.readouterr().out == "OK: 6 rows, 0 errors, 0 warnings\n"


def test_cli_every_problem(capsys: pytest.CaptureFixture[str]) -> None:
    path = FILES / "every_problem.csv"
    assert main(["validate", str(path)]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines[-1] == "14 errors, 2 warnings in 15 rows"
    assert lines[0] == f"{path}:1: source: '': required column is missing from the header"
    assert lines[1] == (f"{path}:2: authority_code: 'Manchester': not a London borough: use an "
                        "ONS code (E09000001-E09000033) or a borough name")
    named = [(int(line.split(":")[1]), line.split(": ")[1]) for line in lines[:-1]]
    assert named == [(line, column) for line, column, _ in EVERY_PROBLEM]


def test_cli_windows_1252_reports_the_encoding(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(FILES / "cp1252.csv")]) == 0
    assert capsys.readouterr().out == "OK: 1 row, 0 errors, 0 warnings (read as Windows-1252)\n"


def test_cli_warnings_only_exit_zero(capsys: pytest.CaptureFixture[str]) -> None:
    assert run_validate_command(FILES / "missing_end_date.csv") == 0
    assert capsys.readouterr().out.splitlines()[-1] == "OK: 2 rows, 0 errors, 1 warning"


def test_cli_missing_path_is_a_problem_like_the_others(capsys: pytest.CaptureFixture[str],
                                                        tmp_path: Path) -> None:
    missing = tmp_path / "nowhere"
    assert main(["validate", str(missing)]) == 1
    captured = capsys.readouterr()
    assert captured.out == (f"{missing}:1: -: '': no such file or folder\n"
                            "1 error, 0 warnings in 0 rows\n")
    assert captured.err == ""


@pytest.mark.parametrize(("target", "code"), [
    (VALID, 0), (FILES / "every_problem.csv", 1), (FILES / "empty.csv", 1),
    (FILES / "does-not-exist.csv", 1),
])
def test_python_dash_m_exit_codes(target: Path, code: int) -> None:
    result = subprocess.run([sys.executable, "-m", "techmap", "validate", str(target)],
                            cwd=REPO, capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == code, result.stderr
    assert "Traceback" not in result.stdout + result.stderr


@pytest.mark.parametrize("arguments", [["validate"], ["validate", "a.csv", "b.csv"],
                                       ["validate", "--strict", "a.csv"]])
def test_usage_errors_exit_2(arguments: list[str]) -> None:
    result = subprocess.run([sys.executable, "-m", "techmap", *arguments], cwd=REPO,
                            capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 2
    assert result.stdout == "" and result.stderr.startswith("usage: python -m techmap")
    assert "Traceback" not in result.stderr


# --- the exact report of each problem issue 2 lists (see the fixtures' README) -------------------

EXACT_REPORTS: dict[str, list[str]] = {
    "missing_required_column.csv": [
        "missing_required_column.csv:1: supplier: '': required column is missing from the header"],
    "authority_names.csv": [
        "authority_names.csv:2: authority_code: 'LB Camden': read as E09000007 (Camden); 2 rows "
        "use this spelling (the ONS code is preferred) (warning)",
        "authority_names.csv:3: authority_code: 'Royal Borough of Greenwich': read as E09000011 "
        "(Greenwich); row uses this spelling (the ONS code is preferred) (warning)",
        "authority_names.csv:4: authority_code: 'City of Westminster': read as E09000033 "
        "(Westminster); row uses this spelling (the ONS code is preferred) (warning)"],
    "unknown_authority.csv": [
        "unknown_authority.csv:2: authority_code: 'Manchester': not a London borough: use an ONS "
        "code (E09000001-E09000033) or a borough name",
        "unknown_authority.csv:3: authority_code: 'E08000003': not a London borough code: "
        "London's are E09000001 to E09000033",
        "unknown_authority.csv:4: authority_code: 'Camdn': not a London borough: use an ONS code "
        "(E09000001-E09000033) or a borough name; did you mean 'Camden'?"],
    "unknown_service_area.csv": [
        "unknown_service_area.csv:2: service_area: 'social care': not a service area: use a slug "
        "from the list in datasets/README.md",
        "unknown_service_area.csv:3: service_area: 'housng': not a service area: use a slug from "
        "the list in datasets/README.md; did you mean 'housing'?"],
    "bad_dates.csv": [
        "bad_dates.csv:2: end_date: '31/02/2024': no such date: February 2024 has 29 days",
        "bad_dates.csv:3: start_date: 'soon': not a date; use YYYY-MM-DD (DD/MM/YYYY, "
        "'31 Mar 2024' and Excel date numbers are also read)",
        "bad_dates.csv:4: end_date: '03/31/2024': there is no month 31: dates are read day first "
        "(DD/MM/YYYY); is this a US month-first date?",
        "bad_dates.csv:5: end_date: '2024-02-30': no such date: February 2024 has 29 days"],
    "date_formats.csv": [],  # day-first UK dates and Excel serials are read
    "end_before_start.csv": [
        "end_before_start.csv:2: end_date: '2023-03-31': ends before it starts "
        "(start_date 2024-04-01)"],
    "bad_values.csv": [
        "bad_values.csv:2: annual_value_gbp: 'abc': not an amount; write a plain amount in "
        "pounds, e.g. 1234.50 (£ and thousands commas are read)",
        "bad_values.csv:2: total_value_gbp: '-5': negative amount; write a plain amount in "
        "pounds, e.g. 1234.50 (£ and thousands commas are read)",
        "bad_values.csv:3: annual_value_gbp: '1,23': not an amount; write a plain amount in "
        "pounds, e.g. 1234.50 (£ and thousands commas are read)",
        "bad_values.csv:3: total_value_gbp: '£-10': negative amount; write a plain amount in "
        "pounds, e.g. 1234.50 (£ and thousands commas are read)"],
    "values.csv": [],  # "£1,234.50" and friends are read
    "duplicate_id.csv": [
        "duplicate_id.csv:4: contract_id: 'DUP-1': duplicate contract_id: also on line 2"],
    "bom.csv": [],
    "utf8.csv": [],
    "cp1252.csv": [],
    "empty.csv": ["empty.csv:1: -: '': file is empty"],
    "header_only.csv": ["header_only.csv:1: -: '': no data rows (only a header)"],
    "extra_columns.csv": [],
}


@pytest.mark.parametrize("name", list(EXACT_REPORTS))
def test_exact_report_of_each_listed_problem(name: str) -> None:
    _, problems = read(name)
    assert [str(p) for p in problems] == EXACT_REPORTS[name]


def test_utf8_without_bom_is_not_mistaken_for_windows_1252() -> None:
    data = (FILES / "utf8.csv").read_bytes()
    assert "é".encode() in data and not data.startswith(b"\xef\xbb\xbf")
    frame, problems = read("utf8.csv")
    assert problems == []
    assert frame["system"].tolist() == ["Café Système"]
    assert frame["supplier"].tolist() == ["Société Générale"]
    assert frame["annual_value_gbp"].tolist() == [2500.0]
    assert summary_line(problems, 1, validate_module.check_path(FILES / "utf8.csv").encoding) == (
        "OK: 1 row, 0 errors, 0 warnings")  # no "(read as ...)": it is UTF-8


# --- every reported problem has a line -----------------------------------------------------------

def _whole_file_cases(tmp_path: Path) -> list[Path]:
    """Paths whose problems are about a whole file (or a header), one case each."""
    cases = []
    for name, data in [("blank.csv", b"\n \n"), ("contracts.xls", b"\xd0\xcf\x11\xe0"),
                       ("zip.csv", b"PK\x03\x04 a zip"), ("broken.xlsx", b"not a workbook"),
                       ("no_end.csv", b"contract_id,authority_code,service_area,system,supplier,"
                                      b"source,synthetic\nX-1,E09000007,housing,S,S,demo,false\n")]:
        (tmp_path / name).write_bytes(data)
        cases.append(tmp_path / name)
    folder = tmp_path / "folder_of_nothing"
    folder.mkdir()
    directory_as_file = tmp_path / "directory_as_file"
    (directory_as_file / "contracts.csv").mkdir(parents=True)
    shutil.copy(VALID / "manifest.json", directory_as_file / "manifest.json")
    no_keys = tmp_path / "no_keys"
    no_keys.mkdir()
    (no_keys / "manifest.json").write_text('\n\n{"title": "No keys"}\n')
    shutil.copy(VALID / "contracts.csv", no_keys / "contracts.csv")
    return [*cases, folder, directory_as_file, no_keys, FILES / "empty.csv",
            FILES / "header_only.csv", tmp_path / "nowhere.csv"]


def test_every_problem_is_printed_with_a_line_number(tmp_path: Path) -> None:
    problems = [p for path in _whole_file_cases(tmp_path) for p in validate_path(path)]
    assert len(problems) >= 12
    for problem in problems:
        assert isinstance(problem.line, int) and problem.line >= 1, problem
        assert re.match(rf"{re.escape(problem.file)}:[1-9][0-9]*: [^:]+: '.*': ", str(problem))
    lines = {(Path(p.file).name, p.line, p.reason.split(":")[0].split(";")[0]) for p in problems}
    assert ("no_end.csv", 1, "no end_date column") in lines  # the header's line
    assert ("manifest.json", 3, "required key is missing") in lines  # where the object opens
    assert ("contracts.csv", 1, "cannot read file") in lines  # contracts.csv is a folder


def test_a_problem_without_a_line_prints_line_1() -> None:
    # The importers still build whole-file problems with line None: they print as line 1 too.
    assert str(Problem("f.csv", None, "-", "", "no such file")) == "f.csv:1: -: '': no such file"


def test_manifest_that_is_not_utf8_names_the_line(tmp_path: Path) -> None:
    shutil.copy(VALID / "contracts.csv", tmp_path / "contracts.csv")
    (tmp_path / "manifest.json").write_bytes(b'{\n  "title": "x",\n  "licence": "Caf\xe9"\n}\n')
    problems = validate_path(tmp_path)
    assert [(Path(p.file).name, p.line, p.reason) for p in problems] == [
        ("manifest.json", 3, "not UTF-8 text (byte 35); save the file as UTF-8")]  # 2 + 16 + 17


# --- over-long fields and NUL characters ---------------------------------------------------------

def test_a_field_over_csvs_limit_is_one_problem_and_other_rows_are_still_checked(
        tmp_path: Path) -> None:
    path = tmp_path / "contracts.csv"
    long_system = "x" * 200_000  # over csv's default 131,072-character limit
    path.write_text("\n".join([
        HEADER, GOOD_ROW.format(id="L-1", end="2026-03-31"),
        GOOD_ROW.format(id="L-2", end="2026-03-31").replace("Northgate,", long_system + ",", 1),
        GOOD_ROW.format(id="L-3", end="31/02/2026"),
        GOOD_ROW.format(id="L-1", end="2026-03-31")]) + "\n")
    frame, problems = read_contracts(path, file_label="contracts.csv")
    assert found(problems)[1:] == [(4, "end_date", "31/02/2026", "error"),
                                   (5, "contract_id", "L-1", "error")]
    assert str(problems[0]) == ("contracts.csv:3: system: '" + "x" * 57 + "...': field is 200,000 "
                                "characters long; a spreadsheet cell holds at most 32,767 (is a "
                                "quote left open?)")
    assert len(frame) == 4 and frame["line"].tolist() == [2, 3, 4, 5]


def test_a_field_at_the_spreadsheet_limit_is_fine(tmp_path: Path) -> None:
    path = tmp_path / "contracts.csv"
    row = GOOD_ROW.format(id="L-1", end="2026-03-31").replace("Northgate,", "y" * MAX_FIELD_CHARS
                                                              + ",", 1)
    path.write_text(f"{HEADER}\n{row}\n")
    frame, problems = read_contracts(path)
    assert len(frame["system"].iloc[0]) == MAX_FIELD_CHARS  # read whole, as a cell can hold it
    # ...but as a name it is far too long for the pages (techmap.dataformat.row_checks): one clear error
    assert [(p.line, p.column, p.severity) for p in problems] == [(2, "system", "error")]
    assert "at most 200" in problems[0].reason


def test_an_unclosed_quote_in_a_large_file_is_reported_where_it_opens(tmp_path: Path) -> None:
    path = tmp_path / "contracts.csv"
    rows = [GOOD_ROW.format(id=f"Q-{i}", end="2026-03-31") for i in range(3000)]  # ~250 KB
    rows[1] = rows[1].replace("Northgate,", '"Northgate,', 1)  # line 3 opens a quote
    text = "\n".join([HEADER, *rows]) + "\n"
    path.write_text(text)
    swallowed = len(text) - text.index('"') - 1  # everything after the quote is one field
    _, problems = read_contracts(path, file_label="contracts.csv")
    reasons = [(p.line, p.column, p.reason.split(";")[0].split(" (")[0]) for p in problems]
    assert reasons[:3] == [
        (3, "-", "a quote opened on this line is never closed, so the rest of the file was read "
                 "as one field"),
        (3, "-", "row has 4 fields but the header has 9"),
        (3, "system", f"field is {swallowed:,} characters long"),
    ]
    assert swallowed > 131_072  # more than csv's default limit, which stopped the whole file
    assert "Traceback" not in "".join(str(p) for p in problems)


def test_nul_characters_are_reported_on_their_line_and_column() -> None:
    assert (FILES / "nul.csv").read_bytes().count(b"\x00") == 2
    _, problems = read("nul.csv")
    assert found(problems) == [
        (3, "supplier", "Northgate\x00 Public Services", "error"),
        (5, "system", "Northgate\nHous\x00ing", "error"),  # the field starts on line 4
        (6, "synthetic", "maybe", "error"),  # the other rows are still checked
    ]
    assert str(problems[0]) == ("nul.csv:3: supplier: 'Northgate\\x00 Public Services': contains "
                                "a NUL character (byte 0): is this a binary file, or a damaged "
                                "export? Remove it or save the sheet as CSV again")


def test_nul_in_the_header_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "contracts.csv"
    path.write_bytes(HEADER.replace("system", "sys\x00tem").encode() + b"\n" +
                     GOOD_ROW.format(id="H-1", end="2026-03-31").encode() + b"\n")
    _, problems = read_contracts(path)
    assert (1, "-", "sys\x00tem", "error") in found(problems)
    assert (1, "system", "", "error") in found(problems)  # so the system column is missing


def test_utf16_without_a_byte_order_mark_is_read(tmp_path: Path) -> None:
    # Read as UTF-8 it would be valid text with a NUL after every letter.
    path = tmp_path / "contracts.csv"
    text = HEADER + "\n" + GOOD_ROW.format(id="W-1", end="2026-03-31").replace("Northgate", "Nörth")
    path.write_bytes(text.encode("utf-16-le"))
    frame, problems = read_contracts(path)
    assert problems == []
    assert frame["system"].tolist() == ["Nörth"]
    assert validate_module.check_path(path).encoding == "utf-16-le"


# --- dates with a time of day --------------------------------------------------------------------

def test_date_times_keep_the_date_and_warn_of_a_dropped_time() -> None:
    frame, problems = read("date_times.csv")
    assert [str(p) for p in problems] == [
        "date_times.csv:2: end_date: '2024-03-31T10:30:00': the time of day (10:30:00) is "
        "dropped: only the date is kept (warning)",
        "date_times.csv:3: end_date: '2024-03-31 23:59:59+01:00': the time of day "
        "(23:59:59+01:00) is dropped: only the date is kept (warning)",
        "date_times.csv:4: start_date: '01/04/2020 09:00': the time of day (09:00) is dropped: "
        "only the date is kept (warning)",
        "date_times.csv:4: end_date: '45382.75': the time of day (18:00) is dropped: only the "
        "date is kept (warning)",
        "date_times.csv:5: end_date: '2024-03-31T25:00': '25:00' is not a time of day; use "
        "YYYY-MM-DD (DD/MM/YYYY, '31 Mar 2024' and Excel date numbers are also read)",
    ]
    assert frame["start_date"].tolist() == [pd.Timestamp("2020-04-01")] * 4  # midnight: no warning
    assert frame["end_date"].tolist()[:3] == [pd.Timestamp("2024-03-31")] * 3
    assert pd.isna(frame["end_date"].iloc[3])


def test_excel_date_time_cells_warn_like_csv_ones(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADER.split(","))
    sheet.append(["XT-1", "E09000007", "housing", "Northgate", "Northgate", datetime(2020, 4, 1),
                  datetime(2026, 3, 31, 17, 45), "demo", False])
    path = tmp_path / "contracts.xlsx"
    book.save(path)
    frame, problems = read_contracts(path)
    assert [(p.line, p.column, p.value, p.severity) for p in problems] == [
        (2, "end_date", "2026-03-31T17:45:00", "warning")]
    assert frame["end_date"].tolist() == [pd.Timestamp("2026-03-31")]


def test_field_size_limit_only_grows() -> None:
    before = csv.field_size_limit()
    table_reader._allow_fields_up_to(10)
    assert csv.field_size_limit() == before
