"""The readers of datasets/sources/, build-london, and the evidence columns."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from techmap.cli import main as cli_main
from techmap.problems import DatasetError
from techmap.evidence import evidence_link, is_evidence, with_source_evidence
from techmap.schema import CONFIDENCE_VALUES, SERVICE_AREAS_BY_SLUG
from techmap.sources import build, committees, contracts_finder, extracted, govuk_pay
from techmap.sources.cf_suppliers import NOT_TECHNOLOGY
from techmap.sources.common import SourceResult
from techmap.contract_checks import read_contracts
from techmap.validate import validate_path
from tests.paths import ROOT, SHARED_DATA

LONDON = ROOT / "datasets" / "london"
SOURCES = ROOT / "datasets" / "sources"


@pytest.fixture(scope="module")
def london() -> pd.DataFrame:
    return pd.read_csv(LONDON / "contracts.csv", dtype=str, keep_default_na=False)


def test_committed_london_dataset_equals_a_fresh_build(tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "london"
    assert cli_main(["build-london", "--out", str(out)]) == 0
    for name in ("contracts.csv", "manifest.json", build.REPORT_FILE):
        assert (out / name).read_bytes() == (LONDON / name).read_bytes(), name
    printed = capsys.readouterr().out
    assert "211 real rows, 33 of 33 boroughs, 196 of 825 (borough, service area) pairs known" \
        in printed
    assert "   751  " + NOT_TECHNOLOGY in printed
    assert printed.splitlines()[-1].startswith("OK: 211 rows, 0 errors")


def test_london_is_real_only_with_evidence_on_every_row(london: pd.DataFrame) -> None:
    assert set(london["synthetic"]) == {"false"}
    assert (london[["evidence", "observed_date", "confidence"]] != "").all().all()
    assert london["evidence"].map(is_evidence).all()
    assert set(london["confidence"]) == set(CONFIDENCE_VALUES)
    assert london["authority_code"].nunique() == 33
    pairs = set(zip(london["authority_code"], london["service_area"], strict=True))
    assert len(pairs) >= 150
    assert not [p for p in validate_path(LONDON) if p.severity == "error"]


def test_build_report_says_what_was_left_out_and_why() -> None:
    report = json.loads((LONDON / build.REPORT_FILE).read_text(encoding="utf-8"))
    assert report["pairs_known"] == 196 and report["pairs_possible"] == 33 * 25
    assert sum(report["left_out_by_reason"].values()) == len(report["left_out"])
    liquidlogic = [lo for lo in report["left_out"] if "Liquidlogic" in lo["what"]]
    assert liquidlogic[0]["reason"].startswith("Liquidlogic makes both children's")
    assert liquidlogic[0]["where"].startswith("mysociety/procurement_data@415f38bd")
    assert all(lo["reason"] for lo in report["left_out"])


def test_committee_systems_read_from_lgsf_metadata() -> None:
    result = committees.read()
    rows = {row["authority_code"]: row for row in result.rows}
    assert len(rows) == 33 and {row["system"] for row in rows.values()} == {"ModernGov"}
    assert rows["E09000006"]["confidence"] == "inferred"  # Bromley: "Custom HTML", ModernGov page
    assert rows["E09000007"]["confidence"] == "listing"
    assert rows["E09000001"]["evidence"].endswith(":scrapers/LND-city-of-london/metadata.json")
    assert any("Greater London Authority" in note for note in result.notes)


def test_govuk_pay_lists_seventeen_councils_on_their_lines() -> None:
    result = govuk_pay.read()
    assert len(result.rows) == 17  # Kingston is listed under two names: one row
    camden = next(r for r in result.rows if r["authority_code"] == "E09000007")
    line = int(camden["evidence"].rsplit("#L", 1)[1])
    text = (SOURCES / "govuk_pay" / "performance.json").read_text(encoding="utf-8")
    assert '"London Borough of Camden"' in text.splitlines()[line - 1]
    assert camden["observed_date"] == "2026-08-03"


def test_a_contracts_finder_award_hand_checked() -> None:
    rows = {row["supplier"]: row for row in contracts_finder.read().rows}
    jaggaer = rows["Jaggaer"]
    assert (jaggaer["authority_code"], jaggaer["service_area"]) == ("E09000002", "finance-erp")
    assert (jaggaer["start_date"], jaggaer["end_date"]) == ("2022-03-01", "2027-02-28")
    assert jaggaer["total_value_gbp"] == "425000" and jaggaer["confidence"] == "contract"
    line = int(jaggaer["evidence"].rsplit("#L", 1)[1])
    awards = (SOURCES / "mysociety_procurement_data" / "awards.csv").read_text(encoding="utf-8")
    assert "b5c3017c-d8d4-48b7-9110-e04eda40dce6" in awards.splitlines()[line - 1]
    # An award with two suppliers: the value is the whole award's, so it is left blank.
    assert rows["RingGo"]["total_value_gbp"] == "" and rows["RingGo"]["service_area"] == "parking"


def test_buyer_names_with_departments_and_entities() -> None:
    assert contracts_finder.buyer_code("London Borough of Hammersmith &amp; Fulham") == "E09000013"
    assert contracts_finder.buyer_code("London Borough of Haringey - Parks and Leisure") == \
        "E09000014"
    assert contracts_finder.buyer_code("Transport for London") is None


def test_extracted_wording_and_names() -> None:
    assert set(extracted.AREA_WORDING.values()) <= set(SERVICE_AREAS_BY_SLUG)
    assert extracted.supplier_name("Brightly (Confirm) - verify") == "Unknown"
    assert extracted.supplier_name("Capita (paye.net, SCP); Access PaySuite") == "Capita"
    assert extracted.system_name("Confirm (via Bromley own Open311 passthrough)") == "Confirm"


def test_an_unmapped_wording_stops_the_build_naming_the_place(tmp_path: Path) -> None:
    table = tmp_path / "t.csv"
    table.write_text(",".join(extracted.EXPECTED) + "\nCamden,E09000007,Parks,X,Y,a/b,c,d,"
                     "2024-01-01,,,,,high,\n", encoding="utf-8")
    with pytest.raises(DatasetError) as caught:
        extracted.read_extracted(table, SourceResult("s", {}), "p", "integration")
    assert "t.csv:2: service_area: 'Parks': wording not mapped" in caught.value.report()


def test_evidence_links() -> None:
    assert evidence_link("a/b@0123abc:x/y.md") == "https://github.com/a/b/blob/0123abc/x/y.md"
    assert evidence_link("a/b@0123abc:f.csv#L12") == \
        "https://github.com/a/b/blob/0123abc/f.csv?plain=1#L12"
    assert evidence_link("https://example.org/n/1") == "https://example.org/n/1"
    assert evidence_link("see the register") is None


def test_validator_checks_the_evidence_columns(tmp_path: Path) -> None:
    path = tmp_path / "contracts.csv"
    path.write_text(
        "contract_id,authority_code,service_area,system,supplier,source,synthetic,evidence,"
        "observed_date,confidence\n"
        "A,E09000007,gis,S,T,x,false,https://example.org/a,2024-01-01,listing\n"
        "B,E09000007,gis,S,T,x,false,,,\n"
        "C,E09000007,gis,S,T,x,false,a register,2024-13-01,certain\n"
        "D,E09000007,gis,S,T,x,true,,,\n", encoding="utf-8")
    frame, problems = read_contracts(path)
    found = {(p.line, p.column, p.severity) for p in problems if p.column != "end_date"}
    assert found == {(3, "evidence", "warning"), (3, "observed_date", "warning"),
                     (3, "confidence", "warning"), (4, "evidence", "error"),
                     (4, "observed_date", "error"), (4, "confidence", "error")}
    assert frame["confidence"].tolist()[0] == "listing"
    assert str(frame["observed_date"].iloc[0].date()) == "2024-01-01"


def test_imported_rows_take_their_sources_evidence() -> None:
    sources = {"ocds-x": {"url": "https://www.contractsfinder.service.gov.uk/",
                          "as_of": "2025-02-01"},
               "register-camden-x": {"url": "https://opendata.camden.gov.uk/r",
                                     "as_of": "2025-06-30"}}
    row = {"source": "ocds-x", "synthetic": "false", "evidence": "", "observed_date": "",
           "confidence": ""}
    # an OCDS file's URL and date are the file's, not the notice's: not evidence
    assert with_source_evidence(row, sources) == {**row, "confidence": "contract"}
    register = {**row, "source": "register-camden-x", "evidence": "https://x.org/own"}
    assert with_source_evidence(register, sources) == {
        **register, "observed_date": "2025-06-30", "confidence": "listing"}


def test_source_copies_match_the_shared_originals() -> None:
    more = SHARED_DATA / "more_public_sources"
    pairs = {
        "mysociety_procurement_data/awards.csv": "mysociety_procurement_data/data/raw/awards.csv",
        "democracyclub_lgsf/scrapers/CMD-camden/metadata.json":
            "democracyclub_lgsf/scrapers/CMD-camden/metadata.json",
        "govuk_pay/performance.json": "govuk_pay_product_page/data/performance.json",
        "fixmystreet_open311/fms_open311_backends.csv": "extracted/fms_open311_backends.csv",
    }
    for ours, theirs in pairs.items():
        assert (SOURCES / ours).read_bytes() == (more / theirs).read_bytes(), ours


def test_an_old_dataset_without_evidence_loads_with_one_warning(tmp_path: Path) -> None:
    folder = tmp_path / "old"
    folder.mkdir()
    (folder / "manifest.json").write_text(json.dumps({
        "title": "t", "as_of": "2025-01-01", "licence": "OGL-UK-3.0", "synthetic": "none",
        "sources": {"x": {"title": "x", "licence": "OGL-UK-3.0", "synthetic": False}}}),
        encoding="utf-8")
    (folder / "contracts.csv").write_text(
        "contract_id,authority_code,service_area,system,supplier,source,synthetic,end_date\n"
        "A,E09000007,gis,S,T,x,false,2027-01-01\n", encoding="utf-8")
    problems = validate_path(folder)
    assert [(p.column, p.severity) for p in problems] == [("evidence", "warning")]
    assert "none of the 1 real rows says where it can be checked" in problems[0].reason
