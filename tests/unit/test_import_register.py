"""Council contracts registers: every kept, skipped and merged row of the fixtures, checked by
hand against the files in tests/fixtures/importers/register/ (see make_fixtures.py there)."""

from __future__ import annotations

from pathlib import Path

import pytest

from techmap.dataformat.authorities import by_code
from techmap.importers.register import import_register, map_columns, normalise_header
from techmap.importers.report import ImportReport
from tests.paths import shared

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "fixtures" / "importers" / "register"
CAMDEN = FIXTURES / "camden_contracts_register_2025q2.csv"
HACKNEY = FIXTURES / "hackney_contracts_register_2025q3.xlsx"
LAMBETH = FIXTURES / "lambeth_lga_layout_2025-03.csv"
SOUTHWARK = FIXTURES / "southwark_contracts_register_by_year.xlsx"
NORFOLK_RAW = "procurement_samples/norfolk_cc_contracts_register_2015-03_raw_cp1252.csv"
COLUMNS = ("contract_id", "service_area", "system", "manufacturer", "supplier", "start_date",
           "end_date", "max_end_date", "review_date", "annual_value_gbp", "total_value_gbp",
           "hosting", "procurement_route")


def _table(rows: list[dict[str, str]]) -> list[tuple[str, ...]]:
    return [tuple(row[c] for c in COLUMNS) for row in rows]


def _entries(entries) -> list[tuple[int | None, str, str]]:
    return [(e.problem.line, e.key, e.problem.reason) for e in entries]


def _flags(report: ImportReport) -> list[tuple[int | None, str, str, str]]:
    return [(p.line, p.column, p.value, p.reason) for p in report.flagged]


# --- Camden: CSV in Windows-1252 with a title block and variant headers --------------------------

@pytest.fixture(scope="module")
def camden():
    return import_register(CAMDEN, by_code()["E09000007"])


def test_camden_kept_rows(camden) -> None:
    assert _table(camden.rows) == [
        ("E09000007-CAM-0001", "adult-social-care", "Mosaic", "", "System C", "2021-04-01",
         "2026-03-31", "", "2025-09-30", "250000", "1250000", "hosted", "Open procedure"),
        ("E09000007-CAM-0003", "planning-building-control", "Uniform", "", "Idox", "2022-06-01",
         "", "", "", "", "320000", "hosted", "G-Cloud 13"),
        ("E09000007-CAM-0004", "network-telephony",
         "Corporate wide area network (WAN) and telephony", "", "BT", "2023-09-04", "2028-09-03",
         "", "2028-03-03", "480000", "2400000", "", "Call-off"),
        ("E09000007-CAM-0005", "end-user-devices", "Laptops and desktop refresh", "",
         "Computacenter", "2024-04-01", "2025-03-31", "", "", "", "20000", "", ""),
        ("E09000007-CAM-0006", "end-user-devices", "Microsoft 365", "Microsoft", "Bytes",
         "2024-07-01", "2027-06-30", "", "", "600000", "", "", ""),
        ("E09000007-CAM-0007", "revenues-benefits", "Academy", "", "Capita", "2020-04-01",
         "2025-03-31", "", "2024-03-31", "", "1100000", "hosted", "Negotiated"),
        ("E09000007-CAM-0008", "libraries", "Library management system", "", "Civica",
         "2022-04-01", "2027-03-31", "", "", "", "95000", "", ""),
        ("E09000007-CAM-0009", "elections", "Electoral management software", "",
         "Xpress Software Solutions", "2023-04-01", "2026-03-31", "", "", "", "48500", "", ""),
        ("E09000007-CAM-0012-agilisys", "unclassified",
         "ICT professional services framework - Lot 1", "", "Agilisys", "2024-05-01",
         "2028-04-30", "", "", "", "500000", "", "Framework"),
        ("E09000007-CAM-0012-sopra-steria", "unclassified",
         "ICT professional services framework - Lot 2", "", "Sopra Steria", "2024-05-01",
         "2028-04-30", "", "", "", "500000", "", "Framework"),
        ("E09000007-CAM-0013", "cyber-security", "Cyber security monitoring (SOC)", "",
         "NCC Group", "2025-03-31", "", "", "", "", "75000", "", ""),
        ("E09000007-Rd6fa99cd", "network-telephony", "Telephony support", "", "Virgin Media",
         "", "2026-03-31", "", "", "", "", "", ""),
        ("E09000007-CAM-0016", "data-analytics", "Power BI", "Microsoft", "Agilisys",
         "2025-04-01", "", "", "", "", "150000", "", ""),
        ("E09000007-CAM-0017", "gis", "ArcGIS", "", "Esri", "2024-04-01", "2027-03-31", "", "",
         "", "210000", "", ""),
    ]
    assert {r["authority_code"] for r in camden.rows} == {"E09000007"}
    assert {r["source"] for r in camden.rows} == {"register-camden-camden-contracts-register-2025q2"}
    assert {r["synthetic"] for r in camden.rows} == {"false"}
    assert [k.line for k in camden.report.kept] == [5, 7, 8, 9, 10, 12, 13, 14, 17, 18, 19, 21,
                                                    22, 23]


def test_camden_why_kept(camden) -> None:
    why = {k.line: k.why for k in camden.report.kept}
    assert why[5] == "CPV 48000000 (software packages and information systems)"
    assert why[8] == "CPV 32400000 (telecoms equipment)"
    assert why[9] == "CPV 30213000 (computer equipment and supplies)"
    assert why[7] == "keyword 'planning system' (system) in description"
    assert why[13] == "keyword 'Library management system' (system) in title"
    assert why[17] == "keyword 'ICT' (ICT) in title"


def test_camden_skipped_and_merged(camden) -> None:
    report = camden.report
    assert _entries(report.skipped) == [
        (6, "not technology", "not technology: CPV 90511000 is outside 48, 72, 30.2 and 32"),
        (15, "not technology", "not technology: CPV 79940000 is outside 48, 72, 30.2 and 32"),
        (16, "no supplier", "no supplier named ('Website content management system')"),
        (20, "not technology", "not technology: no CPV code and no technology keyword in the "
                               "title, description or category"),
    ]
    assert _entries(report.merged) == [(11, "duplicate line", "same as line 12")]
    # every data row is accounted for exactly once
    assert report.read == 19 == len(report.kept) + len(report.skipped) + len(report.merged)


def test_camden_flags(camden) -> None:
    assert _flags(camden.report) == [
        (9, "total_value_gbp", "£10,000 - £20,000",
         "'£10,000 - £20,000' is a range; the upper bound 20,000 is used"),
        (10, "total_value_gbp", "TBC", "'TBC' is not an amount; left blank"),
        (17, "contract_id", "E09000007-CAM-0012-agilisys",
         "reference 'CAM-0012' is used for 2 suppliers (lines 17, 18); the supplier is added to "
         "the ID"),
        (18, "contract_id", "E09000007-CAM-0012-sopra-steria",
         "reference 'CAM-0012' is used for 2 suppliers (lines 17, 18); the supplier is added to "
         "the ID"),
        (19, "start_date", "03/31/2025",
         "'03/31/2025' is month-first (US style); read as 2025-03-31"),
        (19, "end_date", "ongoing", "'ongoing' is not a date; left blank"),
        (21, "start_date", "01/01/1900", "'01/01/1900' is a placeholder date; left blank"),
        (21, "total_value_gbp", "0", "'0' read as unknown; left blank"),
        (21, "contract_id", "E09000007-Rd6fa99cd",
         "no contract reference: ID made from the title, supplier and start date"),
        (22, "end_date", "2024-03-31", "ends before it starts (2025-04-01); end date left blank"),
    ]


def test_camden_notes_source_and_suppliers(camden) -> None:
    notes = camden.report.notes
    assert notes[0] == "read as CSV (Windows-1252, comma-separated); header on line 4"
    assert "column 'Ref No' -> reference" in notes
    assert "column 'Total Value (£)' -> total_value" in notes
    assert "column 'Extension Date' -> review" in notes
    assert "column 'Estimated Annual Spend' -> annual_value" in notes
    assert "2 empty rows ignored" in notes
    assert notes[-3:] == [
        "as_of 2025-06-30 (date in the title block)",
        f"evidence of every row: the file name {CAMDEN.name!r} (give --url, where the file is "
        "published, to make it a link)",
        "observed_date of every row: 2025-06-30 (date in the title block)"]
    # Every row says where it can be checked (the file, no --url given) and when it showed it.
    assert {(r["evidence"], r["observed_date"], r["confidence"]) for r in camden.rows} == {
        (CAMDEN.name, "2025-06-30", "listing")}
    source = camden.sources["register-camden-camden-contracts-register-2025q2"]
    assert source["as_of"] == "2025-06-30"
    assert source["publisher"] == "London Borough of Camden"
    assert source["licence"] == "OGL-3.0"
    assert source["synthetic"] is False
    assert camden.report.unmatched_suppliers == []  # every supplier is in the alias table


# --- Hackney: Excel, a notes sheet first, header on row 4, real dates and serials -------------------

def test_hackney_excel_register() -> None:
    result = import_register(HACKNEY, by_code()["E09000012"])
    assert _table(result.rows) == [
        ("E09000012-HKN-101", "housing", "NEC Housing", "", "NEC Software Solutions",
         "2021-04-01", "2026-03-31", "2028-03-31", "", "180000", "900000", "", ""),
        ("E09000012-HKN-103", "hr-payroll", "iTrent", "", "MHR", "2025-04-01", "2026-03-31", "",
         "", "85000", "", "", ""),
        ("E09000012-HKN-104", "network-telephony", "Mobile phones and airtime", "", "Vodafone",
         "2024-01-01", "2026-12-31", "", "", "120000", "360000", "", ""),
        ("E09000012-HKN-105", "customer-contact-crm", "Salesforce", "", "Salesforce",
         "2023-09-01", "2026-08-31", "", "", "95000", "285000", "saas", ""),
        ("E09000012-HKN-106", "document-records", "Document management system", "", "Civica",
         "2022-01-01", "2027-12-31", "", "", "", "150000", "", ""),
    ]
    report = result.report
    sheet = "Contracts Register"
    assert [k.line for k in report.kept] == [f"{sheet}!{n}" for n in (5, 7, 8, 10, 11)]
    assert _entries(report.skipped) == [
        ("Notes!1", "sheet without a contracts header",
         "sheet 'Notes' has no contracts header in its first 40 rows (expected columns 'Title' "
         "(or 'Description'), 'Supplier' and one more such as 'Start date'), so its 2 non-empty "
         "rows are not imported"),
        (f"{sheet}!6", "not technology", "not technology: no CPV code and no technology keyword "
                                        "in the title, description or category"),
        (f"{sheet}!9", "repeated header", "the header row repeated"),
    ]
    assert report.merged == []
    assert _flags(report) == [(f"{sheet}!11", "max_end_date", "2026-12-31",
                               "latest end is before the end date; left blank")]
    assert str(report.flagged[0]).startswith(f"{HACKNEY}:Contracts Register!11: max_end_date:")
    assert report.notes[0] == (f"sheet '{sheet}': read as Excel sheet '{sheet}'; header on row 4")
    assert f"sheet '{sheet}': column 'End date including extensions' -> max_end" in report.notes
    assert result.sources[next(iter(result.sources))]["as_of"] == "2025-10-05"


# --- Southwark: one sheet per year, sheets of notes and lookups ------------------------------------

def test_every_sheet_with_a_contracts_header_is_read() -> None:
    result = import_register(SOUTHWARK, by_code()["E09000028"])
    assert _table(result.rows) == [
        ("E09000028-SWK-201", "libraries", "Spydus", "", "Civica", "2022-04-01", "2027-03-31",
         "", "", "", "95000", "", ""),
        ("E09000028-SWK-203", "end-user-devices", "Managed print service (MFDs) - extended", "",
         "XMA", "2024-04-01", "2026-03-31", "", "", "", "90000", "", ""),
        ("E09000028-SWK-301", "cyber-security", "Firewall support and maintenance", "",
         "Softcat", "2025-06-01", "2028-05-31", "", "", "", "42000", "", ""),
    ]
    report = result.report
    assert [k.line for k in report.kept] == ["2024-25!4", "2025-26!2", "2025-26!3"]
    assert _entries(report.skipped) == [
        ("Read me!1", "sheet without a contracts header",
         "sheet 'Read me' has no contracts header in its first 40 rows (expected columns 'Title' "
         "(or 'Description'), 'Supplier' and one more such as 'Start date'), so its 2 non-empty "
         "rows are not imported"),
        ("Lookups!1", "sheet without a contracts header",
         "sheet 'Lookups' has no contracts header in its first 40 rows (expected columns 'Title' "
         "(or 'Description'), 'Supplier' and one more such as 'Start date'), so its 3 non-empty "
         "rows are not imported"),
        ("2024-25!5", "not technology", "not technology: no CPV code and no technology keyword "
                                        "in the title, description or category"),
        ("2025-26!4", "not technology", "not technology: no CPV code and no technology keyword "
                                        "in the title, description or category"),
    ]
    # SWK-203 is in both years: the later sheet's line wins, the earlier is listed as merged
    assert _entries(report.merged) == [
        ("2024-25!6", "superseded line", "superseded by line 2025-26!2 (same reference and "
                                         "supplier; the later line is kept)")]
    rows = [e for e in report.skipped if e.key != "sheet without a contracts header"]
    assert report.read == 6 == len(report.kept) + len(rows) + len(report.merged)
    assert "sheet 'Blank' is empty" in report.notes
    assert "sheet '2024-25': read as Excel sheet '2024-25'; header on row 3" in report.notes
    assert "sheet '2025-26': read as Excel sheet '2025-26'; header on row 1" in report.notes
    assert "sheet '2025-26': column 'Supplier Name' -> supplier" in report.notes
    assert "sheet '2024-25': column 'Contractor' -> supplier" in report.notes


def test_a_workbook_without_any_contracts_header(tmp_path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    book.active.title = "Notes"
    book.active["A1"] = "Nothing here yet"
    book.create_sheet("Lookups")["A1"] = "Open"
    path = tmp_path / "register.xlsx"
    book.save(path)
    result = import_register(path, by_code()["E09000028"])
    assert [p.reason for p in result.report.fatal] == [
        "no header row found in the first 40 rows of any sheet ('Notes', 'Lookups'): expected "
        "columns 'Title' (or 'Description'), 'Supplier' and one more such as 'Start date'; see "
        "docs/importing.md for the names understood"]


# --- Lambeth: the LGA's 39-column layout, as Norfolk publishes it -------------------------------------

def test_lambeth_lga_layout() -> None:
    result = import_register(LAMBETH, by_code()["E09000022"])
    assert _table(result.rows) == [
        ("E09000022-LBL-ICT-0001", "unclassified", "ICT - software & SAAS", "", "Oracle",
         "2013-04-01", "2026-03-31", "", "", "", "12345.67", "saas", "Other"),
        ("E09000022-LBL-ICT-0002", "network-telephony", "Corporate Voice and Data network", "",
         "BT", "2014-09-04", "", "", "", "", "1567", "", "Framework"),
        ("E09000022-LBL-ICT-0004", "end-user-devices", "Purchase of ICT hardware", "", "Dell",
         "", "2025-03-31", "", "", "", "", "", ""),
        ("E09000022-LBL-ICT-0006", "document-records", "Electronic Content Management System",
         "", "Misco", "2023-06-01", "2026-05-31", "", "", "", "", "", ""),
    ]
    report = result.report
    assert _entries(report.skipped) == [
        (4, "another borough's row", "row is for London Borough of Southwark (E09000028), not "
                                     "London Borough of Lambeth"),
        (5, "not technology", "not technology: no CPV code and no technology keyword in the "
                              "title, description or category"),
        (7, "not technology", "not technology: no CPV code and no technology keyword in the "
                              "title, description or category"),
    ]
    assert _flags(report) == [
        (6, "start_date", "01-Jan-2000", "'01-Jan-2000' is a placeholder date; left blank"),
        (8, "total_value_gbp", "0", "'0' read as unknown; left blank"),
    ]
    assert report.notes[0] == "read as CSV (UTF-8 with BOM, comma-separated); header on line 1"
    assert "as_of 2025-03-28 (latest effective date in the file)" in report.notes
    assert report.notes[-1] == ("observed_date of every row: 2025-03-28 (latest effective date "
                                "in the file)")
    assert report.unmatched_suppliers == []


# --- column names --------------------------------------------------------------------------------

@pytest.mark.parametrize(("header", "field"), [
    ("Ref No", "reference"), ("Contract Reference", "reference"),
    ("Contract Reference number / ID", "reference"), ("Reference", "reference"),
    ("Title", "title"), ("Contract Title", "title"), ("Title of the Agreement", "title"),
    ("Description", "description"), ("Supplier", "supplier"), ("Supplier Name", "supplier"),
    ("Contractor", "supplier"), ("Supplier's Name", "supplier"),
    ("Start Date", "start"), ("Contract Start", "start"), ("Commencement date", "start"),
    ("End Date", "end"), ("Contract End", "end"), ("Expiry", "end"), ("Expiry Date", "end"),
    ("Review Date", "review"), ("Extension Date", "review"),
    ("End date including extensions", "max_end"), ("Max End Date", "max_end"),
    ("Value", "total_value"), ("Total Value", "total_value"), ("Contract Value (£)", "total_value"),
    ("Annual Value", "annual_value"), ("Estimated Annual Spend", "annual_value"),
    ("CPV Code", "cpv"), ("Procurement classification: CPV code", "cpv"),
    ("Directorate", "department"), ("Organisation name", "organisation"),
    ("Effective Date", "effective_date"),
])
def test_header_variants(header: str, field: str) -> None:
    mapping = map_columns(["Notes", header])
    assert mapping.fields == {field: 1}


def test_header_word_rules_catch_unlisted_spellings() -> None:
    mapping = map_columns(["Our contract ref.", "Contract name/title", "Name of the supplier(s)",
                           "Date contract starts", "Date contract ends", "Estimated value p.a.",
                           "Value of contract over its life"])
    assert mapping.fields == {"reference": 0, "title": 1, "supplier": 2, "start": 3, "end": 4,
                              "annual_value": 5, "total_value": 6}


def test_normalise_header() -> None:
    assert normalise_header("Contract Value (£) ") == "contract value"
    assert normalise_header("Procurement classification: Council's procurement category label") \
        == "procurement classification councils procurement category label"
    assert normalise_header("\ufeffRef No") == "ref no"


# --- files that cannot be read -----------------------------------------------------------------------

@pytest.mark.parametrize(("name", "content", "reason"), [
    ("old.xls", b"\xd0\xcf\x11\xe0", ".xls files are not read; save the sheet as .xlsx or CSV"),
    ("empty.csv", b"", "file is empty"),
    ("zip.csv", b"PK\x03\x04rest", "this is an Excel (zip) file; name it .xlsx"),
    ("noheader.csv", b"a,b,c\n1,2,3\n", "no header row found in the first 40 rows: expected "
                                        "columns 'Title' (or 'Description'), 'Supplier' and one "
                                        "more such as 'Start date'; see docs/importing.md for "
                                        "the names understood"),
])
def test_unreadable_files_give_one_clear_problem(tmp_path: Path, name: str, content: bytes,
                                                 reason: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    result = import_register(path, by_code()["E09000007"])
    assert result.rows == []
    assert [(p.file, p.line, p.reason) for p in result.report.fatal] == [(str(path), None, reason)]


def test_ragged_row_is_flagged(tmp_path: Path) -> None:
    path = tmp_path / "ragged.csv"
    path.write_text("Ref,Title,Supplier,Value\nR1,Software licences,Civica,£95,000.00\n",
                    encoding="utf-8")
    result = import_register(path, by_code()["E09000007"])
    assert result.rows[0]["total_value_gbp"] == "95"
    assert _flags(result.report) == [(2, "-", "000.00", "row has 5 fields but the header has 4: "
                                      "an unquoted comma may have shifted the columns after it")]


# --- the real Norfolk register (not a London borough: imported as if for Camden) ----------------------

def test_real_norfolk_register_raw_cp1252() -> None:
    result = import_register(shared(NORFOLK_RAW), by_code()["E09000007"])
    report = result.report
    assert report.read == 5729
    assert len(report.kept) + len(report.skipped) + len(report.merged) == report.read
    assert report.fatal == []
    # Norfolk files ICT under its own category labels; the keyword rules find them.
    assert 85 <= len(report.kept) <= 105
    assert {e.key for e in report.skipped} == {"not technology"}
    assert "5,374 rows name the organisation 'Norfolk County Council', which is not a London " \
           "borough: imported for Camden as given by --authority" in report.notes
    ids = {r["contract_id"] for r in result.rows}
    assert "E09000007-AFN44753" in ids  # Oracle Fusion
    assert "E09000007-APN44450" not in ids  # an ICT *course* for adult learners
    # fostering with "Mosaic Foster Care" (lines 1026, 1039) is not the Mosaic system
    assert {"E09000007-BAN42493F", "E09000007-BON42252A"}.isdisjoint(ids)
    assert not [k for k in report.kept if "Mosaic" in k.why]


# --- Contracts Finder's flattened OCDS CSV is not a register -----------------------------------

CF_CSV = FIXTURES.parent / "ocds" / "cf_export-2020-07-01_awards_first3.csv"


def test_contracts_finder_flattened_csv_is_sent_to_the_ocds_importer() -> None:
    # The real export's first three rows: its 'releases/0/tender/title' and
    # 'releases/0/awards/0/suppliers/0/name' columns would pass for a register's header.
    result = import_register(CF_CSV, by_code()["E09000007"])
    assert result.rows == [] and result.report.read == 0
    assert [(p.line, p.value, p.reason) for p in result.report.fatal] == [
        (1, "releases/0/ocid",
         "this is Contracts Finder's flattened OCDS export (columns such as "
         "'releases/0/tender/title'), not a contracts register: import it with python -m "
         f"techmap import ocds {CF_CSV} --out DATASET")]


# --- product names that are also other bodies' names ---------------------------------------------

def test_mosaic_foster_care_is_not_the_mosaic_system() -> None:
    # Norfolk's real register (header, lines 1026 and 1039 of the raw Windows-1252 file): "Mosaic
    # Foster Care" is a fostering agency, not System C's Mosaic.
    path = FIXTURES / "norfolk_mosaic_foster_care_lines.csv"
    result = import_register(path, by_code()["E09000007"])
    assert result.rows == []
    assert _entries(result.report.skipped) == [
        (2, "not technology", "not technology: no CPV code and no technology keyword in the "
                              "title, description or category"),
        (3, "not technology", "not technology: no CPV code and no technology keyword in the "
                              "title, description or category"),
    ]
