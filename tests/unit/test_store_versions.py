"""The store of published versions, on SQLite and PostgreSQL: publish (refused with errors, one
transaction), load as the app's Dataset, export round trip, rollback, storage cost."""

from __future__ import annotations

import random
import shutil
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import update

from techmap.dataformat.dataset import load_dataset
from techmap.store import publishing
from techmap.store.checked import check_folder
from techmap.store.db import open_database
from techmap.store.models import ContractRow, DatasetVersion
from techmap.store.publishing import PublishRefused, publish_checked, publish_folder, rollback
from techmap.store.reading import (
    export_version,
    list_versions,
    load_version,
    read_version,
    version_info,
)
from techmap.store.rows import CorruptStore
from techmap.dataformat.validate_cli import run_validate_command
from tests.unit.store_helpers import change_end_dates, counts, stored_bytes, write_demo


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_demo(tmp_path_factory.mktemp("demo") / "demo")


def test_export_of_a_published_version_is_the_folder_that_was_published(
        database_url: str, demo: Path, tmp_path: Path) -> None:
    database = open_database(database_url)
    result = publish_folder(database, demo, note="first", by="alice")
    rows = len(check_folder(demo).rows)
    assert (result.number, result.rows, result.added, result.removed) == (1, rows, rows, 0)
    export_version(database, tmp_path / "out", 1)
    published, exported = check_folder(demo), check_folder(tmp_path / "out")
    assert exported.columns == published.columns
    assert exported.rows == published.rows  # row for row, cell for cell
    assert not exported.has_errors
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["contracts.csv",
                                                                    "manifest.json", "skills.csv"]
    for name in ("manifest.json", "contracts.csv", "skills.csv"):  # generate-demo's files as they were
        assert (tmp_path / "out" / name).read_bytes() == (demo / name).read_bytes()
    with pytest.raises(FileExistsError):
        export_version(database, tmp_path / "out", 1)


def test_a_loaded_version_is_the_dataset_the_folder_loader_makes(database_url: str,
                                                                   demo: Path) -> None:
    database = open_database(database_url)
    publish_folder(database, demo, note="first", by="alice")
    from_store, from_folder = load_version(database, 1), load_dataset(demo)
    assert from_store.version == 1 and from_folder.version is None
    pd.testing.assert_frame_equal(from_store.contracts, from_folder.contracts)
    assert from_store.manifest == from_folder.manifest
    assert from_store.supplier_spellings == from_folder.supplier_spellings
    public = load_version(database, public=True)  # the current one, redacted as for a folder
    pd.testing.assert_frame_equal(public.contracts, load_dataset(demo, public=True).contracts)


def test_a_dataset_with_errors_is_refused_with_the_validators_report_and_nothing_changes(
        database_url: str, demo: Path, tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    database = open_database(database_url)
    publish_folder(database, demo, note="first", by="alice")
    before = counts(database)
    broken = tmp_path / "broken"
    shutil.copytree(demo, broken)
    text = (broken / "contracts.csv").read_text(encoding="utf-8")
    (broken / "contracts.csv").write_text(text.replace(",E09000007,", ",E09999999,", 1),
                                          encoding="utf-8")
    with pytest.raises(PublishRefused) as refused:
        publish_folder(database, broken, note="bad", by="alice")
    assert run_validate_command(broken) == 1
    assert refused.value.checked is not None
    assert refused.value.checked.report == capsys.readouterr().out.rstrip("\n")
    assert "authority_code: 'E09999999'" in refused.value.checked.report
    assert counts(database) == before


def test_a_failure_half_way_through_a_publish_leaves_no_partial_version(
        database_url: str, demo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    database = open_database(database_url)
    checked = check_folder(demo)
    publish_checked(database, checked, {"manifest.json": b"{}"}, origin="x", note="1", by="a")
    before = counts(database)
    changed = change_end_dates(checked, 0.05, random.Random(1))

    def crash(*_args: object) -> None:  # after the new rows and spans were written
        raise OSError("disk full")

    monkeypatch.setattr(publishing, "_store_files", crash)
    with pytest.raises(OSError, match="disk full"):
        publish_checked(database, changed, {"manifest.json": b"{}"}, origin="x", note="2", by="a")
    assert counts(database) == before
    assert [v.number for v in list_versions(database)] == [1]
    monkeypatch.undo()
    result = publish_checked(database, changed, {"manifest.json": b"{}"}, origin="x", note="2",
                             by="a")
    five_percent = round(len(checked.rows) * 0.05)
    assert (result.number, result.added, result.removed) == (2, five_percent, five_percent)
    assert read_version(database, 1).rows == checked.rows  # version 1 is intact
    assert read_version(database, 2).rows == changed.rows


def test_rollback_publishes_an_earlier_version_again_as_a_new_one(database_url: str,
                                                                    demo: Path) -> None:
    database = open_database(database_url)
    checked = check_folder(demo)
    files = {"manifest.json": (demo / "manifest.json").read_bytes()}
    publish_checked(database, checked, files, origin="a", note="one", by="alice")
    changed = change_end_dates(checked, 0.01, random.Random(2))
    publish_checked(database, changed, files, origin="b", note="two", by="bob")
    result = rollback(database, 1, note="undo two", by="carol")
    one_percent = round(len(checked.rows) * 0.01)
    assert (result.number, result.added, result.removed) == (3, one_percent, one_percent)
    assert read_version(database, 3).rows == checked.rows
    info = version_info(database, 3)
    assert (info.rollback_of, info.published_by, info.note) == (1, "carol", "undo two")
    assert info.report.startswith("Rollback to version 1 ")
    assert [v.number for v in list_versions(database)] == [3, 2, 1]
    assert rollback(database, 1, note="", by="carol").number is None  # already current
    assert read_version(database, 2).rows == changed.rows  # history is untouched
    with pytest.raises(PublishRefused, match="no version 9"):
        rollback(database, 9, note="", by="carol")


def test_publishing_the_current_contents_again_publishes_nothing(database_url: str,
                                                                  demo: Path) -> None:
    database = open_database(database_url)
    publish_folder(database, demo, note="first", by="alice")
    before = counts(database)
    result = publish_folder(database, demo, note="again", by="alice")
    assert (result.number, result.current) == (None, 1)
    assert counts(database) == before


def test_tampered_contents_are_reported_not_loaded(database_url: str, demo: Path) -> None:
    database = open_database(database_url)
    publish_folder(database, demo, note="first", by="alice")
    rows = len(check_folder(demo).rows)
    with database.transaction() as session:
        session.execute(update(DatasetVersion).values(row_count=rows + 1))
    with pytest.raises(CorruptStore, match=f"{rows + 1:,} rows but {rows:,} are stored"):
        load_version(database, 1)
    with database.transaction() as session:
        session.execute(update(ContractRow).where(ContractRow.id == 7)
                        .values(cells='["only one cell"]'))
        session.execute(update(DatasetVersion).values(row_count=rows, report=b"not zlib"))
    with pytest.raises(CorruptStore, match=r"not a list of \d+ texts"):
        load_version(database, 1)
    with pytest.raises(CorruptStore, match="report cannot be read"):
        list_versions(database)


def test_100_versions_each_changing_1_percent_of_rows_stay_within_3x_the_first(
        database_url: str, demo: Path) -> None:
    database = open_database(database_url)
    checked = check_folder(demo)
    files = {"manifest.json": (demo / "manifest.json").read_bytes()}
    publish_checked(database, checked, files, origin="demo", note="1", by="bench")
    first = stored_bytes(database)
    one_percent = round(len(checked.rows) * 0.01)
    rng = random.Random(2019)
    for number in range(2, 101):
        checked = change_end_dates(checked, 0.01, rng)
        result = publish_checked(database, checked, files, origin="demo", note=str(number),
                                 by="bench")
        assert (result.number, result.added, result.removed) == (number, one_percent,
                                                                 one_percent)
    after = stored_bytes(database)
    assert after <= 3 * first, f"{after:,} bytes after 100 versions, {first:,} after one"
    assert read_version(database, 100).rows == checked.rows
    assert counts(database)["contract_row"] == len(checked.rows) + 99 * one_percent


def test_every_version_keeps_its_rows_in_file_order(database_url: str, demo: Path) -> None:
    database = open_database(database_url)
    checked = check_folder(demo)
    files = {"manifest.json": b"{}"}
    shapes = [checked.rows, checked.rows[::-1], checked.rows[:3] + checked.rows[5:],
              [checked.rows[4]] + checked.rows[:2] + checked.rows[3:4] + checked.rows[2:3]
              + checked.rows[5:]]
    moved = change_end_dates(replace(checked, rows=shapes[-1]), 0.02, random.Random(3))
    shapes.append(moved.rows)
    for number, rows in enumerate(shapes, start=1):
        result = publish_checked(database, replace(checked, rows=rows), files, origin="x",
                                 note=str(number), by="a")
        assert result.number == number
    for number, rows in enumerate(shapes, start=1):
        assert read_version(database, number).rows == rows


def test_changed_rows_take_keys_between_their_neighbours_until_there_is_no_room() -> None:
    gap = publishing.POSITION_GAP
    previous = {10: gap, 11: 2 * gap, 12: 3 * gap}
    keys = publishing._positions(np.array([20, 10, 21, 22, 12, 23]), previous)
    assert keys is not None
    third = 2 * gap // 3  # rows 21 and 22 share the gap left between rows 10 and 12
    assert keys.tolist() == [gap // 2, gap, gap + third, gap + 2 * third, 3 * gap, 4 * gap]
    assert publishing._positions(np.array([12, 10]), previous) is None  # reordered
    assert publishing._positions(np.array([10, 30, 31]), {10: 5, 11: 6}) is not None
    assert publishing._positions(np.array([10, 30, 11]), {10: 5, 11: 6}) is None  # no room


def test_concurrent_publishers_never_leave_a_mixed_version(database_url: str, demo: Path) -> None:
    """Four publishers at once, each with other changes: they take turns, and every version holds
    exactly what its publisher sent (none mixes in another's rows)."""
    import threading

    database = open_database(database_url)
    checked = check_folder(demo)
    files = {"manifest.json": b"{}"}
    publish_checked(database, checked, files, origin="x", note="base", by="a")
    variants = {f"p{i}": change_end_dates(checked, 0.02, random.Random(i)) for i in range(4)}
    start, outcomes = threading.Barrier(len(variants)), {}

    def publisher(name: str) -> None:
        start.wait()
        try:
            outcomes[name] = publish_checked(database, variants[name], files, origin="x",
                                             note=name, by=name).number
        except Exception as exc:  # fails the test below
            outcomes[name] = repr(exc)

    threads = [threading.Thread(target=publisher, args=(name,)) for name in variants]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert sorted(outcomes.values()) == [2, 3, 4, 5], outcomes
    published = outcomes
    for name, number in published.items():
        assert version_info(database, number).note == name
        assert read_version(database, number).rows == variants[name].rows
    assert [v.number for v in list_versions(database)] == list(range(1 + len(published), 0, -1))
