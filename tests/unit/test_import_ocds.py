"""OCDS import: every kept, skipped and merged release of the fixtures in
tests/fixtures/importers/ocds/ (see make_fixtures.py there), plus the real samples."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from techmap.importers.ocds import (
    import_ocds,
    match_buyer,
    merge_release,
    normalise_ocid,
    release_cpv_codes,
    release_instant,
)
from tests.paths import shared

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "fixtures" / "importers" / "ocds"
PACKAGE = FIXTURES / "cf_release_package_2025-02.json"
UPDATES = FIXTURES / "cf_updates_2025-02.jsonl"
OCDS10 = FIXTURES / "cf_ocds10_2015.json"
RECORDS = FIXTURES / "record_package_2024.json"
LATIN1 = FIXTURES / "tower_hamlets_latin1.json"
ALL = [PACKAGE, UPDATES, OCDS10, RECORDS, LATIN1]
SAMPLES_DIR = "procurement_samples"
COLUMNS = ("contract_id", "authority_code", "service_area", "system", "manufacturer", "supplier",
           "start_date", "end_date", "max_end_date", "total_value_gbp", "hosting", "shared_ref",
           "source")
CF = "ocds-b5fd17-"
PKG, UPD = "ocds-cf-release-package-2025-02", "ocds-cf-updates-2025-02"


@pytest.fixture(scope="module")
def result():
    return import_ocds(ALL)


def _name(path: str) -> str:
    return Path(path).name


def test_kept_rows(result) -> None:
    rows = [tuple(r[c] for c in COLUMNS) for r in result.rows]
    camden = f"{CF}0000a003-camden-digital/1"
    assert rows == [
        (f"{CF}0000a001-merton-consultation/1/E09000024", "E09000024", "customer-contact-crm",
         "Consultation Hub - London Borough of Merton", "", "Commonplace Digital Ltd.",
         "2025-01-20", "2028-01-20", "2029-01-20", "37500", "", "", PKG),
        (f"{camden}/E09000007/capita", "E09000007", "unclassified",
         "Digital services framework call-off", "", "Capita", "2025-04-01", "2027-03-31", "", "",
         "", camden, PKG),
        (f"{camden}/E09000007/civica", "E09000007", "unclassified",
         "Digital services framework call-off", "", "Civica", "2025-04-01", "2027-03-31", "", "",
         "", camden, PKG),
        (f"{camden}/E09000007/idox", "E09000007", "unclassified",
         "Digital services framework call-off", "", "Idox", "2025-04-01", "2027-03-31", "", "",
         "", camden, PKG),
        # the JSON Lines update wins: end date added, value changed, source is the update file
        (f"{CF}0000a004-enfield-keyplan/1/E09000010", "E09000010", "planning-building-control",
         "Objective Keyplan", "", "Objective Corporation", "2025-01-21", "2026-01-21", "",
         "55000", "", "", UPD),
        (f"{CF}0000a009-city-wifi/1/E09000001", "E09000001", "network-telephony",
         "Wi-Fi in the Square Mile", "", "Vodafone", "2025-03-01", "2028-02-29", "", "", "", "",
         PKG),
        # the contract's id, period and value, not the award's
        (f"{CF}0000a011-westminster-azure/WCC-AZ-2025/E09000033", "E09000033", "hosting-cloud",
         "Microsoft Azure", "Microsoft", "Softcat", "2025-04-01", "2028-03-31", "2030-03-31",
         "960000", "hosted", "", PKG),
        (f"{CF}0000a012-bexley-payroll/1/E09000004", "E09000004", "hr-payroll", "iTrent", "",
         "MHR", "2025-04-01", "2030-03-31", "", "240000", "saas", "", UPD),
        (f"{CF}0000b002-sutton-award/1/E09000029", "E09000029", "document-records",
         "Electronic document and records management", "", "Agilisys", "2015-04-01",
         "2018-03-31", "", "", "", "", "ocds-cf-ocds10-2015"),
        (f"{CF}0000c001-barnet-revs/1/E09000003", "E09000003", "revenues-benefits",
         "NEC Revenues & Benefits", "", "NEC Software Solutions", "2024-12-01", "2029-11-30", "",
         "2000000", "", "", "ocds-record-package-2024"),
        (f"{CF}0000c002-redbridge-gis/1/E09000026", "E09000026", "gis",
         "GIS and mapping platform", "", "Esri", "", "", "", "120000", "", "",
         "ocds-record-package-2024"),
        (f"{CF}7a0e0c11-0000-4000-8000-000000000031/1/E09000030", "E09000030", "libraries",
         "Library café and room booking software", "", "Résa Systems Ltd", "2025-03-01",
         "2027-02-28", "", "18500", "", "", "ocds-tower-hamlets-latin1"),
    ]
    assert {r["synthetic"] for r in result.rows} == {"false"}


def test_kept_lines_and_reasons(result) -> None:
    kept = [(_name(k.file), k.line, k.why) for k in result.report.kept]
    assert kept[0] == ("cf_release_package_2025-02.json", 54,
                       "CPV 48000000 (software packages and information systems); buyer name "
                       "'London Borough of Merton'")
    assert kept[5] == ("cf_release_package_2025-02.json", 502,
                       "CPV 32412100 (telecoms equipment); buyer identifier LND")
    assert [(f, line) for f, line, _ in kept] == [
        ("cf_release_package_2025-02.json", 54), ("cf_release_package_2025-02.json", 121),
        ("cf_release_package_2025-02.json", 121), ("cf_release_package_2025-02.json", 121),
        ("cf_updates_2025-02.jsonl", 1), ("cf_release_package_2025-02.json", 502),
        ("cf_release_package_2025-02.json", 632), ("cf_updates_2025-02.jsonl", 4),
        ("cf_ocds10_2015.json", 50), ("record_package_2024.json", 8),
        ("record_package_2024.json", 86), ("tower_hamlets_latin1.json", 11),
    ]


def test_skipped_with_plain_reasons(result) -> None:
    skipped = [(_name(e.problem.file), e.problem.line, e.key, e.problem.value, e.problem.reason)
               for e in result.report.skipped]
    assert skipped == [
        ("cf_updates_2025-02.jsonl", 3, "unreadable", '{"ocid": "ocds-b5fd17-broken", "tag": [',
         "not valid JSON: Expecting value (column 40); this line is skipped"),
        ("record_package_2024.json", 206, "unreadable", f"{CF}0000c003-links-only",
         "record has only linked releases (url) and no compiledRelease; skipped"),
        ("cf_release_package_2025-02.json", 280, "not a London borough", "Norfolk County Council",
         "the buyer is not one of London's 33 borough councils; only the boroughs' contracts "
         "are imported"),
        ("cf_release_package_2025-02.json", 342, "not technology", "79940000",
         "not technology: CPV 79940000 is outside 48, 72, 30.2 and 32"),
        ("cf_release_package_2025-02.json", 404, "no award yet", "Housing repairs system",
         "no award yet (tag tender): a notice, not an awarded contract"),
        ("cf_release_package_2025-02.json", 440, "award cancelled", "1", "award 1 is cancelled"),
        ("cf_release_package_2025-02.json", 570, "buys for another body",
         "The London Borough of Hillingdon on behalf of The Park Federation Academy Trust",
         "the borough buys on behalf of 'The Park Federation Academy Trust', not for itself"),
        ("cf_ocds10_2015.json", 13, "no award yet", "IT service desk",
         "no award yet (tag tender): a notice, not an awarded contract"),
    ]


def test_merged_releases_latest_wins(result) -> None:
    merged = [(_name(e.problem.file), e.problem.line, e.key) for e in result.report.merged]
    assert merged == [
        ("cf_release_package_2025-02.json", 14, "release merged"),  # Merton tender -> award
        ("cf_updates_2025-02.jsonl", 2, "repeated release"),       # the same line twice
        ("cf_release_package_2025-02.json", 215, "release merged"),  # Enfield award -> update
    ]
    assert result.report.merged[2].problem.reason == (
        "release 0000a004-enfield-keyplan-819960 (2025-01-24) merged with the later release "
        f"0000a004-enfield-keyplan-821500 (2025-02-20, {UPDATES}:1); the latest wins")
    # 19 releases = 3 merged + 16 ocids; 10 ocids kept (12 rows), 6 skipped
    assert result.report.read == 19
    ocid_skips = [e for e in result.report.skipped if e.key != "unreadable"]
    kept_ocids = {r["contract_id"].split("/")[0] for r in result.rows}
    assert len(result.report.merged) + len(ocid_skips) + len(kept_ocids) == 19


def test_flags(result) -> None:
    flags = [(_name(p.file), p.line, p.column, p.value, p.reason) for p in result.report.flagged]
    split = ("cf_release_package_2025-02.json", 121, "total_value_gbp", "1200000",
             "award to 3 suppliers: the value is not split between them, so it is left blank "
             "(the rows share shared_ref)")
    assert flags == [
        split, split, split,
        ("cf_release_package_2025-02.json", 502, "total_value_gbp", "150000 EUR",
         "value in EUR, not pounds; left blank (not converted)"),
        ("cf_ocds10_2015.json", 50, "total_value_gbp", "0", "0 read as unknown; left blank"),
    ]


def test_sources_per_file(result) -> None:
    assert list(result.sources) == [PKG, UPD, "ocds-cf-ocds10-2015", "ocds-record-package-2024",
                                    "ocds-tower-hamlets-latin1"]
    package = result.sources[PKG]
    assert package["publisher"] == "Contracts Finder"
    assert package["licence"] == "OGL-3.0"
    assert package["as_of"] == "2025-02-07"  # the latest release date in the file
    assert package["url"] == "https://www.contractsfinder.service.gov.uk/Published/Notices/OCDS/Search"
    assert package["synthetic"] is False
    assert result.sources["ocds-cf-ocds10-2015"]["licence"] == "OGL-2.0"  # as the package says
    # one package in the file: its uri; else the publisher's site
    assert result.sources[UPD]["url"] == ("https://www.contractsfinder.service.gov.uk/Published/"
                                          "Notice/releases/b.json")
    assert result.sources["ocds-record-package-2024"]["url"] == "https://example.org/records.json"
    notes = result.report.notes
    assert f"{LATIN1}: 1 × release in a release package (read as Windows-1252)" in notes
    assert f"{UPDATES}: 2 × release, 1 × release in a release package" in notes
    assert f"{RECORDS}: 1 × record (compiledRelease), 1 × record (versionedRelease)" in notes


def test_the_order_of_files_does_not_change_the_winner() -> None:
    forwards = import_ocds([PACKAGE, UPDATES])
    backwards = import_ocds([UPDATES, PACKAGE])
    key = f"{CF}0000a004-enfield-keyplan/1/E09000010"
    row = {r["contract_id"]: r for r in forwards.rows}[key]
    assert row == {r["contract_id"]: r for r in backwards.rows}[key]
    assert (row["total_value_gbp"], row["end_date"]) == ("55000", "2026-01-21")


def test_concatenated_pretty_packages(tmp_path: Path) -> None:
    package = json.loads(LATIN1.read_bytes().decode("latin-1"))
    text = json.dumps(package, indent=2) + "\n" + json.dumps(package, indent=2) + "\n"
    path = tmp_path / "two.json"
    path.write_text(text, encoding="utf-8")
    result = import_ocds([path])
    assert len(result.rows) == 1
    second_ocid = [n for n, line in enumerate(text.splitlines(), start=1) if '"ocid"' in line][1]
    assert [(e.problem.line, e.key) for e in result.report.merged] == [
        (second_ocid, "repeated release")]


@pytest.mark.parametrize(("content", "reason"), [
    (b"", "file is empty"),
    (b'{"$schema": "x", "title": "not OCDS"}',
     "not an OCDS release, release package or record package; skipped"),
    (b'{"releases": [', "not valid JSON: Expecting value (column 15)"),
])
def test_files_that_give_nothing_are_errors(tmp_path: Path, content: bytes, reason: str) -> None:
    path = tmp_path / "bad.json"
    path.write_bytes(content)
    result = import_ocds([path])
    assert result.rows == []
    assert [p.reason for p in result.report.fatal] == [reason]


# --- the rules, one by one ---------------------------------------------------------------------------

def test_merge_release_follows_ocds_merge_rules() -> None:
    base = {"tag": ["tender"], "tender": {"title": "Old", "value": {"amount": 1}},
            "awards": [{"id": "1", "status": "pending", "value": {"amount": 5}}],
            "description": "gone later"}
    new = {"tag": ["award"], "tender": {"title": "New"},
           "awards": [{"id": "1", "status": "active"}, {"id": "2", "status": "active"}],
           "description": None}
    merged = merge_release(base, new)
    assert merged == {"tag": ["award"], "tender": {"title": "New", "value": {"amount": 1}},
                      "awards": [{"id": "1", "status": "active", "value": {"amount": 5}},
                                 {"id": "2", "status": "active"}]}


@pytest.mark.parametrize(("release", "code", "reason"), [
    ({"buyer": {"name": "THE LONDON BOROUGH OF CAMDEN"}}, "E09000007",
     "name 'THE LONDON BOROUGH OF CAMDEN'"),
    ({"buyer": {"name": "London Borough of Ealing Council"}}, "E09000009",
     "name 'London Borough of Ealing Council'"),
    ({"buyer": {"name": "Croydon"}}, "E09000008", "name 'Croydon'"),
    ({"buyer": {"name": "Royal Borough of Greenwich"}}, "E09000011",
     "name 'Royal Borough of Greenwich'"),
    ({"buyer": {"name": "City of London Corporation"}}, "E09000001",
     "name 'City of London Corporation'"),
    ({"buyer": {"name": "Westminster City Council"}}, "E09000033",
     "name 'Westminster City Council'"),
    ({"buyer": {"name": "Telford &amp; Wrekin Council"}}, None,
     "the buyer is not one of London's 33 borough councils; only the boroughs' contracts are "
     "imported"),
    ({"buyer": {"name": "Transport for London"}}, None,
     "the buyer is not one of London's 33 borough councils; only the boroughs' contracts are "
     "imported"),
    ({"buyer": {"id": "GB-LAE-HCK", "name": "Digital Team"}}, "E09000012", "identifier HCK"),
    ({"buyer": {"id": "p1"}, "parties": [{"id": "p1", "name": "Digital Team",
                                          "identifier": {"scheme": "GB-LAE", "id": "HCK"}}]},
     "E09000012", "identifier HCK"),
    ({"parties": [{"id": "GB-LAE-ISL", "name": "Shared Service", "roles": ["buyer"]}]},
     "E09000019", "identifier ISL"),
    ({"parties": [{"id": "x", "name": "Ministry of Defence : Ministry of Defence",
                   "roles": ["buyer"]}]}, None,
     "the buyer is not one of London's 33 borough councils; only the boroughs' contracts are "
     "imported"),
    ({}, None, "no buyer named in the release"),
])
def test_buyer_matching(release: dict, code: str | None, reason: str) -> None:
    match = match_buyer(release)
    assert (match.code, match.reason) == (code, reason)


def test_cpv_codes_from_tender_items_lots_and_awards() -> None:
    release = {"tender": {"classification": {"scheme": "CPV", "id": "72000000"},
                          "items": [{"classification": {"id": "48000000-8"}},
                                    {"classification": {"scheme": "UNSPSC", "id": "43230000"}}],
                          "lots": [{"classification": {"scheme": "CPV", "id": "30213000"}}]},
               "awards": [{"items": [{"classification": {"scheme": "CPV", "id": "32412100"}}]}],
               "contracts": [{"items": [{"classification": {"schema": "DNCP",
                                                            "id": "42201810-001"}}]}]}
    assert release_cpv_codes(release) == ["72000000", "48000000", "30213000", "32412100"]


def test_bluetail_prefix_is_read_as_contracts_finder() -> None:
    assert normalise_ocid("ocds-b5fd17raw-0054a4e6") == "ocds-b5fd17-0054a4e6"
    assert normalise_ocid("OCDS-87SD3T-AD-SF") == "OCDS-87SD3T-AD-SF"


# --- the real samples ----------------------------------------------------------------------------

def test_real_contracts_finder_2025_releases() -> None:
    result = import_ocds([shared(SAMPLES_DIR) / "cf_ocds11_releases_2025_CFServer1.json"])
    rows = {r["contract_id"]: r for r in result.rows}
    merton = rows["ocds-b5fd17-deddd0f5-7f54-41ae-9c16-bbd0e5933625/1/E09000024"]
    assert (merton["supplier"], merton["total_value_gbp"], merton["start_date"],
            merton["end_date"]) == ("Commonplace Digital Ltd.", "37500", "2025-01-20", "2028-01-20")
    enfield = rows["ocds-b5fd17-4740c6b2-8bc3-4b09-9c14-f091422d5111/1/E09000010"]
    assert (enfield["system"], enfield["total_value_gbp"]) == ("Objective Keyplan", "51600")
    assert len(rows) == 2
    report = result.report
    assert report.read == 200 and report.fatal == []
    tally = dict(report.tally(report.skipped))
    assert tally["not a London borough"] == 178


@pytest.mark.parametrize("pattern", [
    "cf_ocds10_2014-2015_open-contracting-sample-data/*.json",
    "cf_ocds11_2017-2020_bluetail/*.json",
    "pcs_scotland_ocds_releases_CFServer1.json",
    "sell2wales_ocds_releases_CFServer1.json",
    "fts/*.json",
    "other_publishers_ocdskit_realdata/*.json",
    "ocds_schema_1.1.5/example_fictional_record_package_ocds-213czf-000-00001.json",
])
def test_every_real_sample_reads_without_error(pattern: str) -> None:
    files = sorted(shared(SAMPLES_DIR).glob(pattern))
    assert files, f"no shared sample matches {pattern}"
    result = import_ocds(files)
    report = result.report
    assert report.fatal == []
    assert report.read > 0
    # No London borough buys technology with an award in these: nothing is kept, and every
    # release is accounted for.
    assert result.rows == []
    ocids = len(report.skipped) - sum(e.key == "unreadable" for e in report.skipped)
    assert ocids + len(report.merged) == report.read


# --- "latest wins" compares moments, not text -------------------------------------------------------

MIXED_OFFSETS = FIXTURES / "cf_mixed_offsets_2025-03.json"


def test_latest_release_is_the_latest_moment_whatever_its_offset() -> None:
    # Release 'a' is dated 2025-04-01T00:30:00+01:00 (23:30 UTC on 31 March) and release 'b'
    # 2025-03-31T23:45:00Z: as text 'a' sorts last, as time 'b' is 15 minutes later and wins.
    result = import_ocds([MIXED_OFFSETS])
    assert [(r["contract_id"], r["end_date"]) for r in result.rows] == [
        ("ocds-b5fd17-tz/A/E09000007", "2029-03-31")]
    assert [(e.problem.line, e.key, e.problem.reason) for e in result.report.merged] == [
        (4, "release merged", "release a (2025-04-01T00:30:00+01:00) merged with the later "
                              f"release b (2025-03-31T23:45:00Z, {MIXED_OFFSETS}:37); the latest "
                              "wins")]


@pytest.mark.parametrize(("value", "expected"), [
    ("2025-03-31T23:45:00Z", "2025-03-31T23:45:00+00:00"),
    ("2025-04-01T00:30:00+01:00", "2025-03-31T23:30:00+00:00"),
    ("2025-04-01T00:30:00", "2025-04-01T00:30:00+00:00"),  # no offset: read as UTC
    ("2025-04-01", "2025-04-01T00:00:00+00:00"),
])
def test_release_instant(value: str, expected: str) -> None:
    from datetime import UTC

    assert release_instant(value).astimezone(UTC).isoformat() == expected


def test_release_without_a_readable_date_sorts_first() -> None:
    assert release_instant(None) == release_instant("not a date") < release_instant("1900-01-01")


# --- Contracts Finder's flattened CSV export ("Notices Data CSV") ------------------------------

CF_CSV = FIXTURES / "cf_export-2020-07-01_awards_first3.csv"  # the real export's first 3 rows


def test_flattened_csv_export_is_read_as_ocds() -> None:
    result = import_ocds([CF_CSV])
    report = result.report
    assert report.fatal == [] and result.rows == []
    assert report.read == 3
    assert [(e.problem.line, e.key, e.problem.value) for e in report.skipped] == [
        (2, "not a London borough", "Department for Work and Pensions"),
        (5, "not a London borough", "General Medical Council (GMC)"),  # row 1 spans lines 2-4
        (6, "not a London borough", "DEPARTMENT OF HEALTH AND SOCIAL CARE"),
    ]
    assert report.notes == [f"{CF_CSV}: 3 × release in a flattened CSV row (Contracts Finder "
                            "export)"]
    source = next(iter(result.sources.values()))
    assert (source["publisher"], source["licence"]) == ("Contracts Finder", "OGL-2.0")


def test_flattened_csv_award_of_a_borough_is_kept(tmp_path: Path) -> None:
    # The first real row, with a London borough as buyer and an IT CPV code: one kept award,
    # its value read back as a number and its supplier from 'awards/0/suppliers/0/name'.
    text = CF_CSV.read_text(encoding="utf-8")
    text = text.replace("Department for Work and Pensions", "London Borough of Camden", 1)
    text = text.replace(",79000000,", ",72000000,", 1)
    path = tmp_path / "cf_export_camden.csv"
    path.write_text(text, encoding="utf-8")
    result = import_ocds([path])
    ocid = "ocds-b5fd17-1270ee0c-bfb1-471a-b260-c3c2274112ea"
    assert [(r["contract_id"], r["authority_code"], r["supplier"], r["total_value_gbp"],
             r["system"]) for r in result.rows] == [
        (f"{ocid}/ed195e9b-39ba-40b4-bf89-5682348c75a3/E09000007", "E09000007",
         "Pixel Global T/A Pixel Group Ltd", "231265",
         "BPDTS Commercial Managed Service Contract Award Notice")]
    assert [k.line for k in result.report.kept] == [2]
    assert [e.problem.line for e in result.report.skipped] == [5, 6]
