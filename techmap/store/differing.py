"""The rows two versions do not share, as typed tables: what `compute_changes` needs, read
without loading either version whole.

A version is a list of stored rows (row ids); a row no version changed keeps its id, so the rows
of `old` not in `new` and those of `new` not in `old` are the only ones a change can involve.
Reading just those (typed by the validator, supplier names and the public redaction as
`load_version` applies them) keeps "what changed" fast however large the versions are.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from sqlalchemy import select

from techmap.dataformat.dataset import Dataset, finish_loading
from techmap.dataformat.problems import DatasetError
from techmap.store.checked import CONTRACTS_FILE, MANIFEST_FILE, typed_contracts
from techmap.store.db import Database
from techmap.store.models import ContractRow, DatasetVersion, FileBlob, VersionFile
from techmap.store.reading import (
    VersionContents,
    VersionNotFound,
    manifest_of,
    version_row_ids,
)
from techmap.store.rows import decode_columns, decode_rows

CHUNK = 900  # ids per IN (...) query: under every SQLite build's variable limit


def _cells(session, ids: np.ndarray, width: int) -> list[list[str]]:  # type: ignore[no-untyped-def]
    found: dict[int, str] = {}
    for start in range(0, len(ids), CHUNK):
        part = [int(i) for i in ids[start:start + CHUNK]]
        found.update(session.connection().execute(
            select(ContractRow.id, ContractRow.cells).where(ContractRow.id.in_(part))).all())
    return decode_rows([found[int(i)] for i in ids], width)


def _typed(number: int, columns: list[str], rows: list[list[str]], manifest: dict,
           public: bool) -> pd.DataFrame:
    label = f"version {number}/{CONTRACTS_FILE} (rows that changed)"
    frame, problems = typed_contracts(columns, rows, label, manifest)
    if any(p.severity == "error" for p in problems):
        raise DatasetError(problems)
    loaded = Dataset(path=Path(f"version-{number}"), manifest=manifest, contracts=frame,
                     version=number)
    return finish_loading(loaded, public=public).contracts


def differing_rows(database: Database, old: int, new: int, *,
                   public: bool) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(rows of `old` not in `new`, rows of `new` not in `old`), typed as the app loads them."""
    tables = []
    with database.sessions() as session:
        versions = [session.get(DatasetVersion, n) for n in (old, new)]
        for number, version in zip((old, new), versions, strict=True):
            if version is None:
                raise VersionNotFound(f"there is no version {number}")
        ids = [version_row_ids(session, v) for v in versions]
        only = [ids[0][~np.isin(ids[0], ids[1])], ids[1][~np.isin(ids[1], ids[0])]]
        for version, all_ids, rows_ids in zip(versions, ids, only, strict=True):
            columns = decode_columns(version.columns)
            # none differ: type one row for the columns' types (the validator wants a row)
            shown = len(rows_ids) if len(rows_ids) or not len(all_ids) else 0
            picked = rows_ids if len(rows_ids) else all_ids[:1]
            tables.append((version.number, columns, _cells(session, picked, len(columns)), shown))
    manifests = {n: read_manifest(database, n) for n in (old, new)}
    return tuple(_typed(n, c, r, manifests[n], public).iloc[:shown]  # type: ignore[return-value]
                 for n, c, r, shown in tables)


def read_manifest(database: Database, number: int) -> dict:
    """A version's manifest.json alone (not its rows), checked as load_version checks it."""
    with database.sessions() as session:
        content = session.scalar(
            select(FileBlob.content).join(VersionFile, FileBlob.digest == VersionFile.digest)
            .where(VersionFile.version == number, VersionFile.path == MANIFEST_FILE))
    files = {} if content is None else {MANIFEST_FILE: bytes(content)}
    return manifest_of(VersionContents(number, [], [], files))
