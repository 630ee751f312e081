"""What changed between two versions: added, removed and changed contracts with their fields,
supplier switches (in place or by a new contract) and renewals called out."""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path

import pytest

from techmap.dataset import load_dataset
from techmap.store.changes import FieldChange, compute_changes
from tests.unit.store_helpers import write_demo

Row = dict[str, str]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_demo(tmp_path_factory.mktemp("demo") / "demo")


def _edited(demo: Path, out: Path, edit: Callable[[list[Row]], list[Row]]) -> Path:
    """A copy of the folder whose rows went through `edit` (rows as dicts of the CSV's cells)."""
    out.mkdir()
    (out / "manifest.json").write_bytes((demo / "manifest.json").read_bytes())
    with (demo / "contracts.csv").open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        names, rows = list(reader.fieldnames or []), list(reader)
    with (out / "contracts.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, names, lineterminator="\n")
        writer.writeheader()
        writer.writerows(edit(rows))
    return out


def _by_id(rows: list[Row]) -> dict[str, Row]:
    return {row["contract_id"]: row for row in rows}


def test_end_dates_moved_a_supplier_switched_a_contract_replaced(demo: Path,
                                                                 tmp_path: Path) -> None:
    def edit(rows: list[Row]) -> list[Row]:
        by_id = _by_id(rows)
        by_id["DEMO-000002"]["end_date"] = "2028-11-30"  # the extension it allowed: renewed
        by_id["DEMO-000003"]["end_date"] = "2030-12-31"  # past its latest end: renewed
        by_id["DEMO-000003"]["max_end_date"] = "2031-12-31"
        by_id["DEMO-000003"]["annual_value_gbp"] = "41000"
        by_id["real-E09000003-libraries"]["supplier"] = "Civica"  # switched in place
        gone = by_id["real-E09000006-libraries"]  # replaced by a new contract with another
        new = {**gone, "contract_id": "NEW-1", "supplier": "SirsiDynix", "system": "Enterprise"}
        return [row for row in rows if row is not gone] + [new]

    old = load_dataset(demo).contracts
    new = load_dataset(_edited(demo, tmp_path / "new", edit)).contracts
    changes = compute_changes(old, new)
    assert [c.contract_id for c in changes.added] == ["NEW-1"]
    assert [c.contract_id for c in changes.removed] == ["real-E09000006-libraries"]
    assert changes.removed[0].supplier == "Capita"
    changed = {c.contract_id: c for c in changes.changed}
    assert sorted(changed) == ["DEMO-000002", "DEMO-000003", "real-E09000003-libraries"]
    assert changed["DEMO-000002"].fields == (FieldChange("end_date", "2027-11-30", "2028-11-30"),)
    assert changed["DEMO-000002"].tags == ("end_date_moved", "renewed", "extension_taken")
    assert changed["DEMO-000003"].fields == (
        FieldChange("end_date", "2027-12-31", "2030-12-31"),
        FieldChange("max_end_date", "2028-12-31", "2031-12-31"),
        FieldChange("annual_value_gbp", "38800.00", "41000.00"))
    assert changed["DEMO-000003"].tags == ("end_date_moved", "renewed", "value_changed")
    libraries = changed["real-E09000003-libraries"]
    assert libraries.fields == (FieldChange("supplier", "Capita", "Civica"),)
    assert libraries.tags == ("supplier_switched",)
    assert (libraries.authority_name, libraries.service_area) == ("Barnet", "libraries")
    assert [(s.authority_code, s.service_area, s.old_suppliers, s.new_suppliers, s.contract_ids)
            for s in changes.switches] == [
        ("E09000003", "libraries", ("Capita",), ("Civica",), ("real-E09000003-libraries",)),
        ("E09000006", "libraries", ("Capita",), ("SirsiDynix",),
         ("real-E09000006-libraries", "NEW-1"))]
    assert [c.contract_id for c in changes.renewals] == ["DEMO-000002", "DEMO-000003"]
    assert changes.summary() == {"added": 1, "removed": 1, "changed": 3, "supplier_switches": 2,
                                 "renewals": 2, "extensions_taken": 1}


def test_the_same_contracts_in_another_order_or_spelling_are_no_change(demo: Path,
                                                                       tmp_path: Path) -> None:
    def edit(rows: list[Row]) -> list[Row]:
        for row in rows:  # the alias table reads both as Capita
            if row["supplier"] == "Capita":
                row["supplier"] = "Capita Business Services Ltd"
        return rows[::-1]

    changes = compute_changes(load_dataset(demo).contracts,
                              load_dataset(_edited(demo, tmp_path / "new", edit)).contracts)
    assert (changes.added, changes.removed, changes.changed, changes.switches) == ((), (), (), ())


def test_a_replacement_with_the_same_supplier_is_not_a_switch(demo: Path, tmp_path: Path) -> None:
    def edit(rows: list[Row]) -> list[Row]:
        gone = _by_id(rows)["real-E09000006-libraries"]
        return [row for row in rows if row is not gone] + [{**gone, "contract_id": "NEW-2",
                                                            "start_date": "2026-04-01"}]

    changes = compute_changes(load_dataset(demo).contracts,
                              load_dataset(_edited(demo, tmp_path / "new", edit)).contracts)
    assert [c.contract_id for c in changes.added] == ["NEW-2"]
    assert [c.contract_id for c in changes.removed] == ["real-E09000006-libraries"]
    assert changes.switches == ()
