"""`--publish` on the importers and the harvest: the dataset folder they write is published as a
new version through `python -m techmap publish`'s own path (validated, refused with the report on
errors, one transaction), into a throw-away SQLite store."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from techmap.cli import main
from techmap.store import db
from techmap.store.checked import check_folder
from techmap.store.reading import list_versions
from tests.ocds_server import OcdsServer, cf_package_meta, cf_releases
from tests.paths import ROOT

IMPORTERS = ROOT / "tests" / "fixtures" / "importers"
CAMDEN = IMPORTERS / "register" / "camden_contracts_register_2025q2.csv"
OCDS = IMPORTERS / "ocds" / "cf_release_package_2025-02.json"
SURVEY = IMPORTERS / "survey" / "lambeth_survey_2025.xlsx"


@pytest.fixture()
def store(tmp_path: Path):  # type: ignore[no-untyped-def]
    url = f"sqlite:///{tmp_path / 'store.sqlite3'}"
    yield url
    db.close_all()


def _versions(url: str) -> list[tuple[int, str, str, int]]:
    return [(v.number, v.note, v.published_by, v.row_count)
            for v in list_versions(db.open_database(url))]


@pytest.mark.parametrize("command, note", [
    (["register", str(CAMDEN), "--authority", "Camden"], "import register: " + CAMDEN.name),
    (["ocds", str(OCDS)], "import ocds: " + OCDS.name),
    (["survey", str(SURVEY)], "import survey: " + SURVEY.name),
])
def test_each_importer_publishes_its_result(command: list[str], note: str, store: str,
                                            tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    out = tmp_path / "dataset"
    assert main(["import", *command, "--out", str(out), "--publish", "--by", "alice",
                 "--database", store]) == 0
    rows = len(check_folder(out).rows)
    assert f"Published version 1: {rows:,} rows (the first version)" in capsys.readouterr().out
    assert _versions(store) == [(1, note, "alice", rows)]


def test_a_refused_publish_leaves_the_store_unchanged(store: str, tmp_path: Path,
                                                      capsys: pytest.CaptureFixture) -> None:
    out = tmp_path / "dataset"
    assert main(["import", "register", str(CAMDEN), "--authority", "Camden", "--out", str(out),
                 "--publish", "--note", "Camden Q2", "--database", store]) == 0
    before = _versions(store)
    # a row of another source with an error: the merge keeps it, the validator flags it
    with (out / "contracts.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    broken = dict(rows[0], contract_id="OTHER-1", source="no-such-source")
    with (out / "contracts.csv").open("a", encoding="utf-8", newline="") as handle:
        csv.DictWriter(handle, list(rows[0]), lineterminator="\n").writerow(broken)
    capsys.readouterr()
    assert main(["import", "register", str(CAMDEN), "--authority", "Camden", "--out", str(out),
                 "--publish", "--note", "again", "--database", store]) == 1
    captured = capsys.readouterr()
    assert "no-such-source" in captured.out  # the validator's report, naming the place
    assert "Refused: the dataset has errors (listed above); nothing was published." in captured.err
    assert _versions(store) == before == [(1, "Camden Q2", before[0][2], before[0][3])]


def test_an_import_that_changed_nothing_publishes_nothing(store: str, tmp_path: Path,
                                                          capsys: pytest.CaptureFixture) -> None:
    unreadable = tmp_path / "register.csv"
    unreadable.write_bytes(b"\x00\x01 not a register")
    assert main(["import", "register", str(unreadable), "--authority", "Camden", "--out",
                 str(tmp_path / "dataset"), "--publish", "--database", store]) == 1
    assert "Not published: the import did not change the dataset" in capsys.readouterr().err
    assert _versions(store) == []


def test_the_harvest_publishes_its_result(store: str, tmp_path: Path,
                                          capsys: pytest.CaptureFixture) -> None:
    out = tmp_path / "harvested"
    with OcdsServer(cf_releases(), meta=cf_package_meta(), page_size=40) as server:
        assert main(["harvest", "contracts-finder", "--from", "2025-01-01", "--to", "2025-03-31",
                     "--out", str(out), "--base-url", server.base_url, "--publish", "--by", "bob",
                     "--database", store]) == 0
    rows = len(check_folder(out).rows)
    assert f"Published version 1: {rows:,} rows" in capsys.readouterr().out
    assert _versions(store) == [(1, "harvest contracts-finder 2025-01-01 to 2025-03-31", "bob",
                                 rows)]


def test_publish_options_without_publish_are_a_usage_error(store: str, tmp_path: Path,
                                                          capsys: pytest.CaptureFixture) -> None:
    assert main(["import", "ocds", str(OCDS), "--out", str(tmp_path / "d"), "--note", "x"]) == 2
    assert main(["harvest", "contracts-finder", "--from", "2025-01-01", "--out",
                 str(tmp_path / "h"), "--database", store]) == 2
    assert capsys.readouterr().err.count("only go with --publish") == 2
    assert not (tmp_path / "d").exists() and not (tmp_path / "h").exists()
