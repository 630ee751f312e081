"""Importing into a dataset folder: creation, merging by source and key, idempotency, the report
and the validator run, and the command line (`python -m techmap import ...`)."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from techmap.cli import main
from techmap.dataformat.dataset import load_dataset
from techmap.importers.command import run_import
from techmap.importers.merge import merge_into_dataset
from techmap.importers.rows import contract_row
from techmap.dataformat.schema import COLUMN_NAMES

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "fixtures" / "importers"
CAMDEN = FIXTURES / "register" / "camden_contracts_register_2025q2.csv"
HACKNEY = FIXTURES / "register" / "hackney_contracts_register_2025q3.xlsx"
PACKAGE = FIXTURES / "ocds" / "cf_release_package_2025-02.json"
UPDATES = FIXTURES / "ocds" / "cf_updates_2025-02.jsonl"
SURVEY = FIXTURES / "survey" / "lambeth_survey_2025.xlsx"
CAMDEN_SOURCE = "register-camden-camden-contracts-register-2025q2"
DATASETS = FIXTURES / "datasets"  # existing datasets the validator accepts (or not), to merge into


def _rows(folder: Path) -> list[dict[str, str]]:
    with (folder / "contracts.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _snapshot(folder: Path) -> tuple[bytes, bytes]:
    return (folder / "contracts.csv").read_bytes(), (folder / "manifest.json").read_bytes()


def _quiet(kind: str, files: list[Path], out: Path, **kwargs):
    return run_import(kind, files, out, stream=io.StringIO(), **kwargs)


def test_a_register_makes_a_valid_dataset(tmp_path: Path) -> None:
    out = tmp_path / "camden"
    code, report = _quiet("register", [CAMDEN], out, authority="LB Camden",
                          url="https://www.camden.gov.uk/contracts-register")
    assert code == 0
    assert report.merge.added == [r["contract_id"] for r in _rows(out)]
    assert len(report.merge.added) == 14 and report.merge.created
    assert report.validation_summary == "OK: 14 rows, 0 errors, 3 warnings"  # 3 blank end dates
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["title"] == "London Borough of Camden: technology contracts"
    assert manifest["as_of"] == "2025-06-30"
    assert manifest["licence"] == "OGL-3.0"
    assert manifest["synthetic"] == "none"
    assert manifest["attribution"] == ("Contains public sector information published by London "
                                       "Borough of Camden, licensed under the Open Government "
                                       "Licence v3.0.")
    source = manifest["sources"][CAMDEN_SOURCE]
    assert source["url"] == "https://www.camden.gov.uk/contracts-register"
    assert source["synthetic"] is False and source["file"] == CAMDEN.name
    header = (out / "contracts.csv").read_text(encoding="utf-8").splitlines()[0]
    assert header == ",".join(COLUMN_NAMES)
    dataset = load_dataset(out)  # what the app does with TECHMAP_DATASET=out
    assert len(dataset.contracts) == 14
    assert set(dataset.contracts["supplier"]) >= {"Capita", "System C", "BT", "Civica"}
    text = report.report_path.read_text(encoding="utf-8")
    assert report.report_path == out / "import_reports" / f"{CAMDEN_SOURCE}.txt"
    assert f"{CAMDEN}:16: supplier: '': no supplier named ('Website content management " \
           "system')  [no supplier]" in text
    assert f"{CAMDEN}:11: contract_id: 'E09000007-CAM-0007': same as line 12" in text
    assert "Validator: OK: 14 rows, 0 errors, 3 warnings" in text


def test_re_importing_the_same_file_changes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "ds"
    _quiet("register", [CAMDEN], out, authority="Camden")
    _quiet("ocds", [PACKAGE, UPDATES], out)
    before = _snapshot(out)
    code, report = _quiet("register", [CAMDEN], out, authority="Camden")
    assert code == 0
    assert _snapshot(out) == before
    assert (report.merge.added, report.merge.updated, report.merge.removed) == ([], [], [])
    assert len(report.merge.unchanged) == 14 and not report.merge.wrote
    code, report = _quiet("ocds", [PACKAGE, UPDATES], out)
    assert _snapshot(out) == before and len(report.merge.unchanged) == 8


def test_a_new_version_of_a_file_updates_adds_and_removes(tmp_path: Path) -> None:
    out = tmp_path / "ds"
    _quiet("register", [CAMDEN], out, authority="Camden")
    _quiet("register", [HACKNEY], out, authority="Hackney")
    hackney_rows = [r for r in _rows(out) if r["authority_code"] == "E09000012"]
    # Camden republishes the register under the same name: one value changed, one contract gone,
    # one new.
    text = CAMDEN.read_bytes().decode("cp1252")
    text = text.replace('"£210000', '"£999000').replace(",£210000,", ",£999000,")
    lines = text.split("\r\n")
    lines = [line for line in lines if not line.startswith("CAM-0013,")]
    lines.insert(5, "CAM-0099,Idox Uniform upgrade,,Idox Software Ltd,,01/04/2026,31/03/2027,,"
                    "£40000,,72000000,Place,")
    changed = tmp_path / CAMDEN.name
    changed.write_bytes("\r\n".join(lines).encode("cp1252"))
    code, report = _quiet("register", [changed], out, authority="Camden")
    assert code == 0
    assert report.merge.added == ["E09000007-CAM-0099"]
    assert report.merge.updated == ["E09000007-CAM-0017"]
    assert report.merge.removed == [("E09000007-CAM-0013", CAMDEN_SOURCE)]
    rows = {r["contract_id"]: r for r in _rows(out)}
    assert rows["E09000007-CAM-0017"]["total_value_gbp"] == "999000"
    assert "E09000007-CAM-0013" not in rows
    # the other borough's rows are untouched, in place
    assert [r for r in _rows(out) if r["authority_code"] == "E09000012"] == hackney_rows


def test_the_last_import_wins_across_sources(tmp_path: Path) -> None:
    out = tmp_path / "ds"
    _quiet("register", [CAMDEN], out, authority="Camden")
    q3 = tmp_path / "camden_contracts_register_2025q3.csv"
    shutil.copyfile(CAMDEN, q3)
    code, report = _quiet("register", [q3], out, authority="Camden")
    assert code == 0
    assert len(report.merge.updated) == 14 and report.merge.added == []
    assert report.merge.moved[0] == ("E09000007-CAM-0001", CAMDEN_SOURCE,
                                     "register-camden-camden-contracts-register-2025q3")
    assert {r["source"] for r in _rows(out)} == {"register-camden-camden-contracts-register-2025q3"}
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert set(manifest["sources"]) == {CAMDEN_SOURCE,
                                        "register-camden-camden-contracts-register-2025q3"}


def test_merging_into_an_existing_dataset_keeps_its_rows_columns_and_words(tmp_path: Path) -> None:
    out = tmp_path / "ds"
    out.mkdir()
    header = [*COLUMN_NAMES, "notes"]
    demo = {**contract_row(contract_id="DEMO-1", authority_code="E09000007",
                           service_area="housing", system="Demo", supplier="Demo Ltd",
                           source="demo", synthetic="true"), "notes": "keep me"}
    camden_old = {**contract_row(contract_id="E09000007-CAM-0001", authority_code="E09000007",
                                 service_area="unclassified", system="Old", supplier="Old",
                                 source="older-register", synthetic="false"),
                  "notes": "our note"}
    with (out / "contracts.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, header, lineterminator="\n")
        writer.writeheader()
        writer.writerows([demo, camden_old])
    manifest = {"title": "Our map", "description": "d", "as_of": "2026-11-01",
                "licence": "Our own licence", "attribution": "Demo data.", "synthetic": "all",
                "sources": {"demo": {"title": "Demo", "licence": "MIT", "synthetic": True},
                            "older-register": {"title": "Old", "licence": "OGL-3.0"}}}
    (out / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    code, report = _quiet("register", [CAMDEN], out, authority="Camden")
    rows = _rows(out)
    assert rows[0] == demo  # untouched, first
    assert rows[1]["contract_id"] == "E09000007-CAM-0001" and rows[1]["system"] == "Mosaic"
    assert rows[1]["notes"] == "our note"  # the borough's own column survives the update
    assert report.merge.updated == ["E09000007-CAM-0001"] and len(report.merge.added) == 13
    new = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert new["title"] == "Our map" and new["licence"] == "Our own licence"
    assert new["as_of"] == "2026-11-01"  # the latest of the dataset and its sources
    assert new["synthetic"] == "mixed"
    assert new["attribution"].startswith("Demo data. Contains public sector information")
    assert list(new["sources"]) == ["demo", "older-register", CAMDEN_SOURCE]
    assert code == 0, report.validation


def test_merge_writes_nothing_when_nothing_changed(tmp_path: Path) -> None:
    row = contract_row(contract_id="X-1", authority_code="E09000007", service_area="gis",
                       system="ArcGIS", supplier="Esri", source="s", synthetic="false")
    sources = {"s": {"title": "S", "licence": "OGL-3.0", "as_of": "2025-01-01"}}
    first = merge_into_dataset(tmp_path, [row], sources, title="T", description="D")
    assert first.wrote and first.added == ["X-1"]
    # the same content written by another tool with CRLF line endings is not restyled
    path = tmp_path / "contracts.csv"
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    again = merge_into_dataset(tmp_path, [row], sources, title="T", description="D")
    assert not again.wrote and again.unchanged == ["X-1"]
    assert b"\r\n" in path.read_bytes()


# --- merging into a dataset written by hand: read it as the validator does ---------------------

def _copy(name: str, tmp_path: Path) -> Path:
    return Path(shutil.copytree(DATASETS / name, tmp_path / name))


def test_merging_into_a_windows_1252_dataset(tmp_path: Path) -> None:
    out = _copy("windows1252", tmp_path)  # the validator reads it ("read as Windows-1252")
    code, report = _quiet("register", [CAMDEN], out, authority="Camden")
    assert code == 0, report.summary()
    rows = _rows(out)  # written back as UTF-8
    assert rows[0]["contract_id"] == "OWN-1"
    assert (rows[0]["system"], rows[0]["supplier"]) == ("Système de gestion",
                                                        "Café Numérique Ltd")
    assert len(rows) == 15 and len(report.merge.added) == 14
    assert report.validation_summary.startswith("OK: 15 rows, 0 errors")


def test_merging_matches_headers_as_the_validator_does(tmp_path: Path) -> None:
    out = _copy("spelled_headers", tmp_path)  # 'Contract ID', 'Authority Code', ... and 'Notes'
    code, report = _quiet("register", [CAMDEN], out, authority="Camden")
    assert code == 0, report.summary()
    header = (out / "contracts.csv").read_text(encoding="utf-8").splitlines()[0].split(",")
    assert header[:7] == ["contract_id", "authority_code", "service_area", "system", "supplier",
                          "source", "synthetic"]
    assert header[7] == "Notes" and sorted(header) == sorted({*header})  # no column twice
    assert set(header) == {*COLUMN_NAMES, "Notes"}
    rows = _rows(out)
    assert rows[0] == {**{name: "" for name in header}, "contract_id": "OWN-1",
                       "authority_code": "E09000007", "service_area": "gis", "system": "ArcGIS",
                       "supplier": "Esri", "source": "own", "synthetic": "false",
                       "Notes": "renew with the GIS team", "confidence": "listing",
                       "evidence": "https://example.org/our-contracts",
                       "observed_date": "2025-01-01"}
    assert report.validation_summary.startswith("OK: 15 rows, 0 errors")


def test_an_unreadable_manifest_is_refused_and_nothing_changes(tmp_path: Path) -> None:
    out = _copy("broken_manifest", tmp_path)
    before = _snapshot(out)
    code, report = _quiet("register", [CAMDEN], out, authority="Camden")
    assert code == 1
    assert _snapshot(out) == before
    assert [(p.file, p.line, p.reason) for p in report.fatal] == [
        (str(out / "manifest.json"), 1,
         "not valid JSON: Expecting property name enclosed in double quotes (column 28)")]
    summary = report.summary()
    assert f"nothing imported: the dataset at {out} was not changed" in summary
    assert report.merge is None and report.report_path.exists()  # the report says why


def test_a_manifest_nested_too_deep_to_read_is_refused(tmp_path: Path) -> None:
    out = _copy("spelled_headers", tmp_path)
    (out / "manifest.json").write_text("[" * 100_000, encoding="utf-8")
    before = _snapshot(out)
    code, report = _quiet("register", [CAMDEN], out, authority="Camden")
    assert code == 1 and _snapshot(out) == before
    assert report.fatal[0].reason.startswith("cannot be read as JSON (RecursionError")


def test_a_dataset_with_a_repeated_column_is_refused(tmp_path: Path) -> None:
    # Merging would drop the second 'supplier' column that the validator ignores.
    out = _copy("spelled_headers", tmp_path)
    path = out / "contracts.csv"
    path.write_text("contract_id,authority_code,service_area,system,supplier,source,synthetic,"
                    "Supplier\nOWN-1,E09000007,gis,ArcGIS,Esri,own,false,Esri UK\n",
                    encoding="utf-8")
    before = _snapshot(out)
    code, report = _quiet("register", [CAMDEN], out, authority="Camden")
    assert code == 1 and _snapshot(out) == before
    assert [(p.column, p.reason) for p in report.fatal] == [
        ("supplier", "column appears twice (columns 5 and 8); the second is ignored")]


# --- the command line ----------------------------------------------------------------------------

def test_three_commands_from_register_to_map(tmp_path: Path) -> None:
    out = tmp_path / "camden"
    python = sys.executable
    imported = subprocess.run(
        [python, "-m", "techmap", "import", "register", str(CAMDEN), "--authority",
         "London Borough of Camden", "--out", str(out)],
        cwd=REPO, capture_output=True, text=True, timeout=120)
    assert imported.returncode == 0, imported.stderr
    lines = imported.stdout.splitlines()
    assert lines[1] == "read 19 rows, kept 14 rows, skipped 4, merged 1, flagged 10 notes on 7 " \
                       "kept rows"
    # 3 blank end dates; every row names the register file as its evidence (no --url given)
    assert "validator: OK: 14 rows, 0 errors, 3 warnings" in lines
    validated = subprocess.run([python, "-m", "techmap", "validate", str(out)], cwd=REPO,
                               capture_output=True, text=True, timeout=120)
    assert validated.returncode == 0
    assert validated.stdout.splitlines()[-1] == "OK: 14 rows, 0 errors, 3 warnings"
    assert load_dataset(out).contracts["authority_code"].astype(str).unique().tolist() == [
        "E09000007"]


def test_cli_errors_are_messages(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "ds"
    assert main(["import", "register", str(CAMDEN), "--authority", "Surrey", "--out",
                 str(out)]) == 2
    assert "error: --authority 'Surrey' is not a London borough" in capsys.readouterr().err
    assert not out.exists()  # a bad argument: nothing read, nothing written
    missing = tmp_path / "missing.csv"
    assert main(["import", "register", str(missing), "--authority", "Camden", "--out",
                 str(out)]) == 1
    printed = capsys.readouterr().out
    assert f"error: {missing}:" in printed and "no such file" in printed
    assert f"nothing imported: the file could not be read; no dataset was created at {out}" \
        in printed
    # nothing read, so no dataset: only the report, which says why
    assert [p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()] == [
        "import_reports/register-camden-missing.txt"]
    assert main(["import", "survey", str(SURVEY), "--out", str(out)]) == 0
    assert (out / "contracts.csv").exists()


def test_an_import_that_keeps_nothing_creates_nothing_but_says_so(tmp_path: Path) -> None:
    path = tmp_path / "register.csv"
    path.write_text("Ref,Title,Supplier,Start date\nR1,Grounds maintenance,Idverde,01/04/2024\n",
                    encoding="utf-8")
    out = tmp_path / "ds"
    stream = io.StringIO()
    code, report = run_import("register", [path], out, authority="Camden", stream=stream)
    assert code == 1 and report.nothing_kept
    # no empty dataset, but the report the summary points to is there
    assert not (out / "contracts.csv").exists() and not (out / "manifest.json").exists()
    assert report.report_path == out / "import_reports" / "register-camden-register.txt"
    text = report.report_path.read_text(encoding="utf-8")
    assert f"{path}:2: title: 'Grounds maintenance': not technology" in text
    printed = stream.getvalue().splitlines()
    assert f"nothing imported: no rows kept, so no dataset was created at {out} (the report " \
           "gives each row's reason)" in printed
    assert "note: column 'Title' -> title" in printed  # how the file was read, to see why
    assert printed[-1] == f"report: {report.report_path}"


def test_keeping_nothing_from_a_source_already_in_the_dataset_removes_its_rows(
        tmp_path: Path) -> None:
    out = tmp_path / "ds"
    _quiet("register", [CAMDEN], out, authority="Camden")
    _quiet("register", [HACKNEY], out, authority="Hackney")
    hackney_rows = [r for r in _rows(out) if r["authority_code"] == "E09000012"]
    emptied = tmp_path / CAMDEN.name  # the same register, republished without its IT rows
    emptied.write_bytes(b"Ref No,Contract Title,Supplier Name,Contract Start\r\n"
                        b"CAM-0002,Refuse collection,Veolia,01/04/2019\r\n")
    code, report = _quiet("register", [emptied], out, authority="Camden")
    assert code == 0 and not report.nothing_kept
    assert len(report.merge.removed) == 14 and _rows(out) == hackney_rows
