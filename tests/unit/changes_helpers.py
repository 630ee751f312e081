"""Shared by the /changes tests: a store with two versions of the demo, the second moving two end
dates and switching one supplier (and nothing else); a version changing one restricted value."""

from __future__ import annotations

import csv
from pathlib import Path

from techmap.store.db import Database, open_database
from techmap.store.publishing import publish_folder
from tests.unit.store_helpers import extend_a_year, write_demo

MOVED = ("DEMO-000002", "DEMO-000005")  # end dates a year later
SWITCHED = "real-E09000003-libraries"  # Capita -> Civica
NEW_SUPPLIER = "Civica"


def edited_copy(folder: Path, out: Path) -> Path:
    out.mkdir()
    (out / "manifest.json").write_bytes((folder / "manifest.json").read_bytes())
    with (folder / "contracts.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    columns = rows[0]
    ids, supplier = columns.index("contract_id"), columns.index("supplier")
    for i, row in enumerate(rows[1:], start=1):
        if row[ids] in MOVED:
            rows[i] = extend_a_year(row, columns)
        elif row[ids] == SWITCHED:
            row[supplier] = NEW_SUPPLIER
    with (out / "contracts.csv").open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)
    return out


def store_with_two_versions(root: Path, *, second: bool = True) -> Database:
    """A SQLite store under `root` holding the demo (version 1) and, with `second`, the edited
    copy (version 2)."""
    first = write_demo(root / "v1")
    database = open_database(f"sqlite:///{root / 'store.db'}")
    publish_folder(database, first, note="the demo", by="test")
    if second:
        publish_folder(database, edited_copy(first, root / "v2"), note="two end dates moved, "
                       "one supplier switched", by="test")
    return database


HIDDEN_VALUE = "99999"


def publish_a_hidden_value_change(database: Database, root: Path) -> None:
    """Publish `root`/v1 (the demo) with one value marked not public changed to HIDDEN_VALUE."""
    folder = root / "v3"
    folder.mkdir()
    (folder / "manifest.json").write_bytes((root / "v1" / "manifest.json").read_bytes())
    with (root / "v1" / "contracts.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    hidden = next(r for r in rows if r["value_public"] == "false" and r["annual_value_gbp"])
    hidden["annual_value_gbp"] = HIDDEN_VALUE
    with (folder / "contracts.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    publish_folder(database, folder, note="a hidden value changed", by="test")
