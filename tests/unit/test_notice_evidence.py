"""Evidence of imported rows: the notice's public URL (given by the release, or built from its ids
by the publisher's documented pattern), else the file's name and line; observed on the release's
date. Checked on the real Contracts Finder and Find a Tender samples."""

from __future__ import annotations

import json
from pathlib import Path

from techmap.dataformat.evidence import is_evidence
from techmap.importers.notice_evidence import notice_evidence, stamp_listing
from techmap.importers.ocds import ReleaseItem, import_ocds, read_ocds_file
from tests.paths import SHARED_DATA

SAMPLES = SHARED_DATA / "procurement_samples"
CF_2025 = SAMPLES / "cf_ocds11_releases_2025_CFServer1.json"
FTS = SAMPLES / "fts" / "fts_apidoc_sample_release_package_001060-2020.json"
BLUETAIL = SAMPLES / "cf_ocds11_2017-2020_bluetail"


def _evidence(release: dict, *, award: dict | None = None, uri: str = "", published: str = "",
              file: str = "/data/in/releases.json", line: int | None = 12) -> tuple[str, str]:
    item = ReleaseItem(release, file, line, 0, uri, published)
    return notice_evidence(str(release.get("ocid", "")), award or {}, {}, item)


def test_real_contracts_finder_rows_link_their_award_notice() -> None:
    rows = {r["contract_id"]: r for r in import_ocds([CF_2025]).rows}
    merton = rows["ocds-b5fd17-deddd0f5-7f54-41ae-9c16-bbd0e5933625/1/E09000024"]
    # the release's awardNotice document; its date is the release's (2025-01-23T21:39:46Z)
    assert (merton["evidence"], merton["observed_date"], merton["confidence"]) == (
        "https://www.contractsfinder.service.gov.uk/Notice/ca6397dc-31b2-4494-b226-bd6ed3b3c645",
        "2025-01-23", "contract")
    assert all(is_evidence(r["evidence"]) and r["observed_date"] for r in rows.values())


def test_contracts_finder_notice_built_from_the_release_id_without_documents() -> None:
    release = next(r for r in json.loads(CF_2025.read_text())
                   if r["id"].startswith("ca6397dc"))
    bare = {k: v for k, v in release.items() if k != "awards"}
    assert _evidence(bare) == (
        "https://www.contractsfinder.service.gov.uk/Notice/ca6397dc-31b2-4494-b226-bd6ed3b3c645",
        "2025-01-23")


def test_find_a_tender_notice_built_from_the_release_id() -> None:
    release = json.loads(FTS.read_text())["releases"][0]
    assert release["id"] == "001060-2020"
    assert _evidence(release) == ("https://www.find-tender.service.gov.uk/Notice/001060-2020",
                                  "2020-12-08")


def test_old_contracts_finder_notice_from_its_one_release_package() -> None:
    path = sorted(BLUETAIL.glob("*.json"))[0]
    ocds_file = read_ocds_file(path, 0, [])
    item = ocds_file.items[0]
    notice = json.loads(path.read_text())["uri"].rsplit("/", 1)[1].removesuffix(".json")
    assert notice_evidence(item.ocid, {}, {}, item)[0] == \
        f"https://www.contractsfinder.service.gov.uk/Notice/{notice}"


def test_without_a_notice_the_file_name_and_line_and_the_package_date() -> None:
    release = {"ocid": "ocds-213czf-1", "id": "r1"}
    assert _evidence(release, published="2024-12-01T00:00:00Z") == ("releases.json#L12",
                                                                     "2024-12-01")
    # an attachment is not the notice; a release of another publisher builds no URL
    award = {"documents": [{"documentType": "awardNotice",
                            "url": "https://www.contractsfinder.service.gov.uk/Notice/"
                                   "Attachment/a1cfc3ac-43ce-4a2b-b3db-0d60e1d753c9"}]}
    assert _evidence({**release, "date": "2025-02-01T10:00:00+01:00"}, award=award,
                     line=None) == ("releases.json", "2025-02-01")


def test_register_and_survey_rows_name_the_url_else_the_file(tmp_path: Path) -> None:
    rows = [{"evidence": "", "observed_date": "", "confidence": ""}]
    notes: list[str] = []
    stamp_listing(rows, "", tmp_path / "Camden register.xlsx", "2025-06-30",
                  "the file's modification date", notes)
    assert rows == [{"evidence": "Camden register.xlsx", "observed_date": "2025-06-30",
                     "confidence": "listing"}]
    assert notes[-1] == "observed_date of every row: 2025-06-30 (the file's modification date)"
    stamp_listing(rows, "https://opendata.camden.gov.uk/r", tmp_path / "r.csv", "2025-06-30",
                  "date in the title block", notes)
    assert rows[0]["evidence"] == "https://opendata.camden.gov.uk/r"
    assert is_evidence("Camden register.xlsx")


def test_a_url_that_is_not_a_web_address_is_refused(tmp_path: Path) -> None:
    import io

    from techmap.importers import run_import

    stream = io.StringIO()
    code, report = run_import("register", [tmp_path / "r.csv"], tmp_path / "out",
                              authority="Camden", url="camden register", stream=stream)
    assert (code, report) == (2, None)
    assert "--url 'camden register' is not a web address" in stream.getvalue()
    assert not (tmp_path / "out").exists()
