"""techmap.exports.export: formula neutralisation, the CSV and Excel files read back, file names."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime

import numpy as np
import pytest
from openpyxl import load_workbook

from techmap.appstate import AppState
from techmap.exports.export import (
    EXPORT_COLUMNS,
    MAX_FILENAME_LENGTH,
    UTF8_BOM,
    csv_chunks,
    describe_filters,
    describe_view,
    download_filename,
    export_columns,
    neutralise,
    xlsx_bytes,
)
from techmap.analysis.filters import FilterState
from techmap.dataformat.schema import COLUMN_NAMES
from techmap.table.query import TableQuery, parse_filter_model
from tests.unit.frames import CAMDEN, HACKNEY, empty_frame, make_frame

TODAY = date(2026, 11, 22)


@pytest.mark.parametrize(("value", "expected"), [
    ("=SUM(A1:A2)", "'=SUM(A1:A2)"),
    ("+44 20 7946 0000", "'+44 20 7946 0000"),
    ("-Minus Ltd", "'-Minus Ltd"),
    ("@framework", "'@framework"),
    ("\t=1+1", "'\t=1+1"),
    ("\r=1+1", "'\r=1+1"),
    ("\n=1", "'\n=1"),
    ("  =1+1", "'  =1+1"),  # LibreOffice skips leading spaces
    ("=", "'="),
    ("Capita", "Capita"),
    (" Capita", " Capita"),
    ("a=b", "a=b"),
    ("G-Cloud 14", "G-Cloud 14"),
    ("'=already", "'=already"),
    ("", ""),
])
def test_neutralise_strings(value, expected):
    assert neutralise(value) == expected


@pytest.mark.parametrize("value", [-5, -5.5, 0, 125000.0, None, date(2027, 3, 31), True])
def test_neutralise_leaves_non_strings_alone(value):
    result = neutralise(value)
    assert result == value and type(result) is type(value)


def test_export_columns():
    assert EXPORT_COLUMNS[:3] == ("contract_id", "authority_code", "authority_name")
    assert tuple(c for c in EXPORT_COLUMNS if c != "authority_name") == COLUMN_NAMES
    for internal in ("line", "search_text", "supplier_slug", "system_slug"):
        assert internal not in EXPORT_COLUMNS
    public = export_columns(public=True)
    assert "satisfaction" not in public
    assert public == tuple(c for c in EXPORT_COLUMNS if c != "satisfaction")
    assert export_columns(public=False) == EXPORT_COLUMNS


def sample_frame():
    return make_frame([
        {"contract_id": "CAM-001", "authority_code": CAMDEN, "service_area": "adult-social-care",
         "system": "Mosaic", "manufacturer": "Servelec", "supplier": "Servelec",
         "start_date": "2019-04-01", "end_date": "2027-03-31", "max_end_date": "2029-03-31",
         "annual_value_gbp": 125000, "total_value_gbp": 625000.5, "hosting": "saas",
         "procurement_route": "G-Cloud 14", "satisfaction": 4, "source": "survey",
         "synthetic": False},
        {"contract_id": "CAM-002", "authority_code": CAMDEN, "system": '=HYPERLINK("http://x")',
         "supplier": "+Housing Co, Ltd", "procurement_route": "@route", "value_public": False},
        {"contract_id": "HAC-001", "authority_code": HACKNEY, "supplier": "-Minus",
         "end_date": "2026-12-31", "annual_value_gbp": 0},
        {"contract_id": "HAC-002", "authority_code": HACKNEY, "supplier": "Plain \"quoted\"\nline"},
        {"contract_id": "HAC-003", "authority_code": HACKNEY, "manufacturer": "\x01=cmd|x"},
    ])


def read_csv(data: bytes) -> list[dict[str, str]]:
    assert data.startswith(UTF8_BOM)
    return list(csv.DictReader(io.StringIO(data[len(UTF8_BOM):].decode("utf-8"), newline="")))


def test_csv_values_read_back():
    data = b"".join(csv_chunks(sample_frame()))
    rows = read_csv(data)
    assert list(rows[0]) == list(EXPORT_COLUMNS)
    assert [r["contract_id"] for r in rows] == ["CAM-001", "CAM-002", "HAC-001", "HAC-002",
                                                "HAC-003"]
    first = rows[0]
    assert first == {
        "contract_id": "CAM-001", "authority_code": "E09000007", "authority_name": "Camden",
        "service_area": "adult-social-care", "system": "Mosaic", "manufacturer": "Servelec",
        "supplier": "Servelec", "start_date": "2019-04-01", "end_date": "2027-03-31",
        "max_end_date": "2029-03-31", "review_date": "", "annual_value_gbp": "125000",
        "total_value_gbp": "625000.5", "hosting": "saas", "procurement_route": "G-Cloud 14",
        "shared_ref": "", "satisfaction": "4", "value_public": "true", "source": "survey",
        "synthetic": "false", "evidence": "", "observed_date": "", "confidence": "",
    }
    assert rows[1]["system"] == "'=HYPERLINK(\"http://x\")"
    assert rows[1]["supplier"] == "'+Housing Co, Ltd"
    assert rows[1]["procurement_route"] == "'@route"
    assert rows[1]["value_public"] == "false"
    assert rows[1]["annual_value_gbp"] == ""
    assert rows[2]["supplier"] == "'-Minus"
    assert rows[2]["annual_value_gbp"] == "0"
    assert rows[3]["supplier"] == "Plain \"quoted\"\nline"
    assert data.count(UTF8_BOM) == 1
    assert b"\r\n" in data  # RFC 4180 line ends


def test_csv_chunks_are_chunked_and_join_to_the_same_file():
    frame = sample_frame()
    chunks = list(csv_chunks(frame, chunk_rows=2))
    assert len(chunks) == 1 + 3  # header, then rows 1-2, 3-4, 5
    assert b"".join(chunks) == b"".join(csv_chunks(frame))
    assert chunks[1].decode().startswith("CAM-001,")
    assert chunks[3].decode().startswith("HAC-003,")
    with pytest.raises(ValueError):
        list(csv_chunks(frame, chunk_rows=0))


def test_csv_positions_and_columns():
    frame = sample_frame()
    data = b"".join(csv_chunks(frame, chunk_rows=1, positions=np.array([4, 0]),
                               columns=export_columns(public=True)))
    rows = read_csv(data)
    assert [r["contract_id"] for r in rows] == ["HAC-003", "CAM-001"]
    assert "satisfaction" not in rows[0]
    assert rows[1]["annual_value_gbp"] == "125000"


def test_csv_of_no_rows_is_the_header_alone():
    data = b"".join(csv_chunks(empty_frame()))
    assert data == UTF8_BOM + (",".join(EXPORT_COLUMNS) + "\r\n").encode()


def test_xlsx_read_back():
    frame = sample_frame()
    body = xlsx_bytes(frame, title="Test dataset", filters_text="Borough: Camden",
                      manifest={"as_of": "2026-11-01", "licence": "OGL-UK-3.0",
                                "attribution": "Test attribution",
                                "sources": {"survey": {"title": "Borough survey",
                                                       "licence": "OGL-UK-3.0"}}},
                      generated=TODAY)
    book = load_workbook(io.BytesIO(body))
    assert book.sheetnames == ["contracts", "about"]
    sheet = book["contracts"]
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert values[0] == list(EXPORT_COLUMNS)
    assert len(values) == 1 + 5
    first = dict(zip(EXPORT_COLUMNS, values[1], strict=True))
    assert first["end_date"] == datetime(2027, 3, 31)  # a real date cell
    assert first["annual_value_gbp"] == 125000 and first["total_value_gbp"] == 625000.5
    assert first["satisfaction"] == 4
    assert first["synthetic"] is False and first["value_public"] is True
    assert first["review_date"] is None
    second = dict(zip(EXPORT_COLUMNS, values[2], strict=True))
    assert second["system"] == "'=HYPERLINK(\"http://x\")"
    assert second["supplier"] == "'+Housing Co, Ltd"
    assert values[5][EXPORT_COLUMNS.index("manufacturer")] == "'=cmd|x"  # control char removed
    for row in sheet.iter_rows():
        for cell in row:
            assert cell.data_type != "f", cell.coordinate  # no formula anywhere
    about = {row[0]: row[1] for row in book["about"].iter_rows(values_only=True) if row[0]}
    assert about["Dataset"] == "Test dataset"
    assert about["Filters"] == "Borough: Camden"
    assert about["Contracts"] == "5"
    assert about["Data as of"] == "2026-11-01"
    assert about["Licence"] == "OGL-UK-3.0"
    assert about["Attribution"] == "Test attribution"
    assert about["Downloaded"] == "2026-11-22"
    assert about["Illustrative rows"].startswith("4 of 5 rows are illustrative")
    assert about["Source: survey"] == "Borough survey; OGL-UK-3.0"
    assert about["satisfaction"].startswith("Satisfaction (1-5)")


def test_xlsx_without_illustrative_rows_has_no_note_and_respects_columns():
    frame = make_frame([{"synthetic": False, "source": "survey", "satisfaction": 3}])
    body = xlsx_bytes(frame, title="t", filters_text="none",
                      columns=export_columns(public=True))
    book = load_workbook(io.BytesIO(body))
    header = next(book["contracts"].iter_rows(values_only=True))
    assert "satisfaction" not in header
    labels = [row[0] for row in book["about"].iter_rows(values_only=True)]
    assert "Illustrative rows" not in labels
    assert "satisfaction" not in labels


def test_download_filename_example():
    state = AppState.from_query_string("?authority=E09000007&area=housing")
    assert download_filename(state, "csv", today=TODAY) == (
        "london-tech-map_contracts_authority-E09000007_area-housing_2026-11-22.csv")
    assert download_filename(FilterState(), ".xlsx", today=TODAY) == (
        "london-tech-map_contracts_2026-11-22.xlsx")


def test_download_filename_every_filter():
    state = FilterState.from_query_string(
        "authority=E09000007&authority=E09000012&supplier=capita&system=mosaic"
        "&ends_from=2026-11-22&ends_to=2027-11-22&q=Adult+Social/Care!")
    assert download_filename(state, "ics", today=TODAY, kind="renewals") == (
        "london-tech-map_renewals_authority-E09000007-E09000012_supplier-capita_system-mosaic_"
        "from-2026-11-22_to-2027-11-22_q-adult-social-care_2026-11-22.ics")


def test_download_filename_names_the_flag_column_filters_and_search():
    state = AppState.from_query_string("?area=housing&flag=missing_end_date")
    # A caller that does not apply the flag (the calendar) does not pass it, and gets the old name.
    assert download_filename(state, "csv", today=TODAY) == "london-tech-map_contracts_area-housing_2026-11-22.csv"
    assert download_filename(state, "csv", today=TODAY, flag="missing_end_date") == (
        "london-tech-map_contracts_area-housing_flag-missing-end-date_2026-11-22.csv")
    table = TableQuery(parse_filter_model({
        "system": {"filterType": "text", "type": "contains", "filter": "Open Housing"},
        "manufacturer": {"filterType": "text", "type": "blank"}}, public=False), "Civica  cloud")
    assert download_filename(state, "xlsx", today=TODAY, flag="zero_value", table=table) == (
        "london-tech-map_contracts_area-housing_flag-zero-value_system-contains-open-housing_"
        "manufacturer-blank_find-civica-cloud_2026-11-22.xlsx")
    table = TableQuery(parse_filter_model({
        "end_date": {"filterType": "date", "type": "inRange", "dateFrom": "2027-01-01 00:00:00",
                     "dateTo": "2027-12-31 00:00:00"},
        "annual_value_gbp": {"filterType": "number", "type": "greaterThan", "filter": 1000.5}}, public=False))
    assert download_filename(FilterState(), "csv", today=TODAY, table=table) == (
        "london-tech-map_contracts_end-date-inRange-2027-01-01-2027-12-31_"
        "annual-value-gbp-greaterThan-1000-5_2026-11-22.csv")
    longer = TableQuery(table.columns, "civica cloud hosting platform services")
    names = {download_filename(state, "csv", today=TODAY, flag=flag, table=longer)
             for flag in ("zero_value", "stale_source")}
    for name in names:  # cut to fit, with a hash of the whole, so the two views differ
        assert len(name) == MAX_FILENAME_LENGTH and name.endswith("_2026-11-22.csv")
        assert "_area-housing_flag-" in name
    assert len(names) == 2
    assert download_filename(state, "csv", today=TODAY, flag="all", table=TableQuery(sort=(("system", "asc"),))) == (
        "london-tech-map_contracts_area-housing_2026-11-22.csv")  # a sort changes no row
    assert download_filename(state, "csv", today=TODAY, flag="no-such-flag") == (
        "london-tech-map_contracts_area-housing_2026-11-22.csv")


def test_describe_view_and_the_about_sheet():
    table = TableQuery(parse_filter_model({
        "supplier": {"filterType": "text", "type": "notContains", "filter": "capita"},
        "end_date": {"filterType": "date", "type": "lessThan", "dateFrom": "2027-01-01 00:00:00"},
        "total_value_gbp": {"filterType": "number", "type": "inRange", "filter": 1000, "filterTo": 25000.5}},
        public=False), "open", (("end_date", "asc"), ("supplier", "desc")))
    rows = describe_view("stale_source", table)
    assert rows == [
        ("Quality flag", "only the contracts flagged “Source is more than two years old, or its date is unknown”"),
        ("Column filters", "Supplier does not contain “capita”; End date before 2027-01-01; "
                           "Total value (£) between 1,000 and 25,000.50"),
        ("Table search", "rows with every word of “open” in some column"),
        ("Order", "sorted by End date (earliest first), then Supplier (Z to A)"),
    ]
    assert describe_view() == [] and describe_view("all", TableQuery()) == []
    frame = make_frame([{"contract_id": "A"}])
    book = load_workbook(io.BytesIO(xlsx_bytes(frame, title="T", filters_text="none", view_rows=rows)))
    about = [tuple(r) for r in book["about"].iter_rows(values_only=True)]
    assert about[1:6] == [("Filters", "none"), *rows]


def test_download_filename_is_bounded_safe_and_distinct():
    many = [f"supplier-number-{i}-with-a-long-name" for i in range(40)]
    one = FilterState(supplier=tuple(many))
    other = FilterState(supplier=tuple(reversed(many)))
    names = [download_filename(s, "csv", today=TODAY) for s in (one, other)]
    for name in names:
        assert len(name) <= MAX_FILENAME_LENGTH
        assert name.startswith("london-tech-map_contracts_supplier-")
        assert name.endswith("_2026-11-22.csv")
        assert all(ch.isascii() and (ch.isalnum() or ch in "._-") for ch in name)
    assert names[0] != names[1]
    assert len(names[0]) == MAX_FILENAME_LENGTH  # cut to fit exactly
    assert download_filename(one, "c/s\"v", today=TODAY).endswith(".csv")


def test_describe_filters():
    state = FilterState.from_query_string(
        "authority=E09000007&authority=E09000012&area=housing&supplier=nec&ends_from=2026-11-22"
        "&q=open")
    assert describe_filters(state, supplier_names={"nec": "NEC Software Solutions"}) == (
        "Boroughs: Camden, Hackney; Service area: Housing; Supplier: NEC Software Solutions; "
        "Contracts ending on or after 2026-11-22; Search: open")
    assert describe_filters(FilterState()) == "none (every contract in the dataset)"
    assert describe_filters(FilterState(ends_to=date(2027, 1, 1), system=("mosaic",))) == (
        "System: mosaic; Contracts ending on or before 2027-01-01")
