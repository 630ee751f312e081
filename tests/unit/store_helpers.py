"""Shared by the store tests: a demo dataset folder, table sizes, changed copies of a version."""

from __future__ import annotations

import random
import shutil
from dataclasses import replace
from pathlib import Path

from sqlalchemy import func, select, text

from techmap.demo.generate import DEFAULT_AS_OF, DEMO_SOURCE, build_contracts, manifest, write_dataset
from techmap.demo.skills import demo_skills
from techmap.store.checked import CheckedFolder
from techmap.store.db import Database
from techmap.store.models import ContractRow, DatasetVersion, FileBlob, RowSpan, VersionFile

STORE_TABLES = ("dataset_version", "contract_row", "row_span", "file_blob", "version_file")


def write_demo(out: Path, scale: float = 1) -> Path:
    """What `python -m techmap generate-demo --scale N --out DIR` writes."""
    write_dataset(out, manifest(2019, scale, True), build_contracts(2019, scale, True),
                  demo_skills(2019, DEFAULT_AS_OF, DEMO_SOURCE))
    return out


def counts(database: Database) -> dict[str, int]:
    with database.sessions() as session:
        return {model.__tablename__: session.scalar(select(func.count()).select_from(model))
                for model in (DatasetVersion, ContractRow, RowSpan, FileBlob, VersionFile)}


def stored_bytes(database: Database) -> int:
    """Bytes the store's tables take: SQLite pages in use, or PostgreSQL's relation sizes."""
    engine = database.engine
    if engine.dialect.name == "postgresql":  # VACUUM runs outside a transaction
        engine = engine.execution_options(isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            connection.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
            pages = connection.execute(text("PRAGMA page_count")).scalar_one()
            free = connection.execute(text("PRAGMA freelist_count")).scalar_one()
            size = connection.execute(text("PRAGMA page_size")).scalar_one()
            return (pages - free) * size
        connection.execute(text("VACUUM"))  # as autovacuum would: closed spans' old tuples
        return sum(connection.execute(text(f"SELECT pg_total_relation_size('{name}')"))
                   .scalar_one() for name in STORE_TABLES)


def extend_a_year(row: list[str], columns: list[str]) -> list[str]:
    """The row with its contract extended by a year: end_date (2030-03-31 when blank) and
    max_end_date when given, each a year on (the 28th for a 29 February), so it stays valid."""
    row = list(row)
    for name in ("end_date", "max_end_date"):
        i = columns.index(name)
        if row[i] or name == "end_date":
            year, month, day = (row[i] or "2029-03-31").split("-")
            row[i] = f"{int(year) + 1}-{month}-{min(int(day), 28) if month == '02' else day}"
    return row


def change_end_dates(checked: CheckedFolder, share: float, rng: random.Random) -> CheckedFolder:
    """A copy with `share` of the rows' contracts extended by a year."""
    rows = list(checked.rows)
    for i in rng.sample(range(len(rows)), max(1, round(len(rows) * share))):
        rows[i] = extend_a_year(rows[i], checked.columns)
    return replace(checked, rows=rows)


def one_row_less(folder: Path, out: Path) -> Path:
    """A copy of a dataset folder without its last contract: a valid, different version."""
    shutil.copytree(folder, out)
    lines = (out / "contracts.csv").read_bytes().rstrip(b"\r\n").splitlines(keepends=True)
    (out / "contracts.csv").write_bytes(b"".join(lines[:-1]))
    return out
