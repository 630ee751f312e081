"""`python -m techmap publish | versions | rollback | export`, as an operator runs them."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from techmap.cli import main
from techmap.store import db
from techmap.store.checked import check_folder
from techmap.store.default import load_current
from techmap.store.reading import list_versions
from tests.paths import ROOT
from tests.unit.store_helpers import write_demo


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_demo(tmp_path_factory.mktemp("demo") / "demo")


def _edited(demo: Path, out: Path) -> Path:
    """The demo folder with one contract's supplier switched."""
    shutil.copytree(demo, out)
    text = (out / "contracts.csv").read_text(encoding="utf-8")
    line = next(line for line in text.splitlines() if ",Capita," in line)
    (out / "contracts.csv").write_text(text.replace(line, line.replace(",Capita,", ",Civica,")),
                                       encoding="utf-8")
    return out


def test_publish_versions_rollback_export(database_url: str, demo: Path, tmp_path: Path,
                                          capsys: pytest.CaptureFixture) -> None:
    database = ["--database", database_url]
    assert main(["publish", str(demo), "--note", "Q3 data", "--by", "alice", *database]) == 0
    out = capsys.readouterr().out
    rows = f"{len(check_folder(demo).rows):,} rows"
    assert f"OK: {rows}, 0 errors" in out
    assert f"Published version 1: {rows} (the first version)" in out
    edited = _edited(demo, tmp_path / "edited")
    assert main(["publish", str(edited), "--note", "Q4: Civica", "--by", "bob", *database]) == 0
    assert f"Published version 2: {rows} (1 row added, 1 removed since version 1)" in \
        capsys.readouterr().out
    assert main(["publish", str(edited), "--note", "again", *database]) == 0
    assert "Unchanged: the folder holds what version 2 holds" in capsys.readouterr().out
    assert main(["rollback", "1", "--by", "carol", *database]) == 0
    assert "Published version 3: the contents of version 1" in capsys.readouterr().out
    assert main(["versions", *database]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("3 versions in ")
    assert lines[2].split()[0] == "3" and "carol" in lines[2] and lines[2].endswith("[current]")
    assert "rollback to version 1" in lines[2]
    assert "bob" in lines[3] and "Q4: Civica" in lines[3]
    assert "alice" in lines[4] and "Q3 data" in lines[4]
    assert main(["export", "--version", "2", "--out", str(tmp_path / "v2"), *database]) == 0
    assert (tmp_path / "v2" / "contracts.csv").read_bytes() == \
        (edited / "contracts.csv").read_bytes()
    assert main(["export", "--out", str(tmp_path / "v2"), *database]) == 1
    assert "exists and is not an empty folder" in capsys.readouterr().err
    assert main(["rollback", "9", *database]) == 1
    assert "Refused: there is no version 9" in capsys.readouterr().err
    assert main(["validate", str(tmp_path / "v2")]) == 0


def test_a_dataset_with_errors_is_refused_before_the_database_is_touched(
        demo: Path, tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    broken = tmp_path / "broken"
    shutil.copytree(demo, broken)
    (broken / "manifest.json").write_text("{", encoding="utf-8")
    url = f"sqlite:///{tmp_path / 'store.sqlite3'}"
    assert main(["publish", str(broken), "--note", "x", "--database", url]) == 1
    captured = capsys.readouterr()
    assert "manifest.json:1: -: '': not valid JSON" in captured.out
    assert "Refused: the dataset has errors (listed above); nothing was published." in \
        captured.err
    assert not (tmp_path / "store.sqlite3").exists()


def test_an_unreachable_database_is_a_message_not_a_traceback(
        demo: Path, capsys: pytest.CaptureFixture) -> None:
    import socket

    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"postgresql+psycopg://postgres@127.0.0.1:{port}/nothing?connect_timeout=2"
    assert main(["versions", "--database", url]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: the database refused the change or cannot be reached (")
    assert "Traceback" not in err
    db.close_all()


def test_the_default_store_is_seeded_from_the_apps_dataset_folder(
        demo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture) -> None:
    monkeypatch.delenv(db.DATABASE_URL_ENV, raising=False)
    monkeypatch.setenv("TECHMAP_DATASET", str(demo))
    monkeypatch.setattr(db, "INSTANCE_DIR", tmp_path / "instance")
    monkeypatch.delenv(db.INSTANCE_DIR_ENV, raising=False)
    try:
        edited = _edited(demo, tmp_path / "edited")
        assert main(["publish", str(edited), "--note", "switch", "--by", "bob"]) == 0
        out = capsys.readouterr().out
        assert f"Published version 2: {len(check_folder(demo).rows):,} rows (1 row added, 1 " \
            "removed since version 1) in " \
            f"sqlite:///{tmp_path / 'instance'}/demo-" in out
        store = db.open_database(dataset_folder=demo)
        versions = list_versions(store)
        assert [(v.number, v.note) for v in versions] == [
            (2, "switch"), (1, "first version, seeded from the dataset folder")]
        assert versions[1].origin == str(demo.resolve())
        current = load_current(dataset_folder=demo)  # what the app will start from
        assert current.version == 2
        assert "Civica" in set(current.contracts["supplier"])
    finally:
        db.close_all()


def test_python_dash_m_techmap_publish(demo: Path, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'store.sqlite3'}"
    result = subprocess.run([sys.executable, "-m", "techmap", "publish", str(demo), "--note",
                             "first", "--database", url], cwd=ROOT, capture_output=True,
                            text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    assert "Published version 1" in result.stdout


def test_the_publish_benchmark_runs_and_prints_its_budgets() -> None:
    """A small run (figures not checked: no timed assertions; exit 1 only means over budget)."""
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "publish.py"), "--scale",
                           "1", "--runs", "1", "--backend", "sqlite"], cwd=ROOT,
                          capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode in (0, 1), done.stderr[-3000:]
    assert "sqlite: publish a 1% change (15 rows) at --scale 1" in done.stdout
    assert "budget 2.00 s" in done.stdout and "Traceback" not in done.stderr


def test_a_seed_folder_with_errors_is_reported_not_a_traceback(
        demo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture) -> None:
    broken = tmp_path / "broken"
    shutil.copytree(demo, broken)
    (broken / "contracts.csv").write_text("contract_id\n", encoding="utf-8")
    monkeypatch.delenv(db.DATABASE_URL_ENV, raising=False)
    monkeypatch.setenv("TECHMAP_DATASET", str(broken))
    monkeypatch.setattr(db, "INSTANCE_DIR", tmp_path / "instance")
    try:
        assert main(["versions"]) == 1
    finally:
        db.close_all()
    err = capsys.readouterr().err
    assert "contracts.csv:1: authority_code: '': required column is missing" in err
    assert "Refused: the dataset folder that seeds the default store" in err
