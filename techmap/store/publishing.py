"""Publishing a version: a dataset folder (validated) or an earlier version (a rollback) becomes
the newest version, in ONE transaction: a failure anywhere leaves the store as it was.

The newest version is the current one. Numbers only grow: a rollback to version 3 publishes a new
version with version 3's contents. Publishers take turns: each transaction first takes a lock (a
PostgreSQL advisory lock, SQLite's write lock), so the next one starts from the version the
previous one made and publishes exactly what it was given.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
from sqlalchemy import Table, func, insert, select, text, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from techmap.dataformat.table_reader import paused_gc
from techmap.store.checked import CONTRACTS_FILE, CheckedFolder, check_folder
from techmap.store.db import Database
from techmap.store.models import ContractRow, DatasetVersion, FileBlob, RowSpan, VersionFile
from techmap.store.reading import version_row_ids
from techmap.store.rows import (
    columns_key,
    content_digest,
    decode_columns,
    decode_report,
    encode_cells,
    encode_report,
    file_digest,
    row_digests,
)

# Bound on a folder's files besides contracts.csv: a dataset folder holds a manifest, perhaps
# skills and licences, not a home directory.
MAX_OTHER_FILES = 200
MAX_OTHER_BYTES = 100 * 1024 * 1024
_CHUNK = 500  # ids per IN (...) list
# Past this many rows not in the current version, one scan of every stored digest is quicker than
# looking them up 500 at a time.
_SCAN_ALL_DIGESTS = 5_000
# Fresh sort keys are this far apart, so rows changed or added between two rows find room.
POSITION_GAP = 1 << 24
_PUBLISH_LOCK_ID = 0x7EC4_4A90_0002  # any fixed 64-bit number (db.py's migration lock is ...01)


class PublishRefused(Exception):
    """Nothing was published: the folder has errors (`checked` holds the validator's report) or
    is not a dataset folder."""

    def __init__(self, message: str, checked: CheckedFolder | None = None):
        super().__init__(message)
        self.checked = checked


@dataclass(frozen=True)
class Published:
    """What a publish did: the new version's number (None when the contents equal the current
    version's, so nothing was published), and the rows added and removed since the previous."""

    number: int | None
    current: int  # the current version after the call
    rows: int
    added: int
    removed: int


@dataclass(frozen=True)
class _Contents:
    columns: list[str]
    row_ids: np.ndarray
    files: dict[str, bytes | str]  # path -> bytes to store, or the digest of a stored blob


@contextmanager
def _publishing(database: Database) -> Iterator[Session]:
    """A transaction that holds the publishers' lock from its first statement: without it, a
    publisher could read the current version while another one replaces it, and mix the two."""
    with database.transaction() as session:
        if session.connection().dialect.name == "postgresql":
            session.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": _PUBLISH_LOCK_ID})
        else:  # a write that changes nothing takes SQLite's write lock before any read
            session.execute(text("UPDATE dataset_version SET number = number WHERE number < 0"))
        yield session


def _chunks(items: Sequence, size: int = _CHUNK) -> Iterator[Sequence]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def folder_files(folder: Path) -> dict[str, bytes]:
    """Every file of a dataset folder but contracts.csv (which is stored row by row)."""
    files: dict[str, bytes] = {}
    total = 0
    for path in sorted(p for p in Path(folder).rglob("*") if p.is_file()):
        name = path.relative_to(folder).as_posix()
        if name == CONTRACTS_FILE:
            continue
        total += path.stat().st_size
        if len(files) >= MAX_OTHER_FILES or total > MAX_OTHER_BYTES:
            raise PublishRefused(f"{folder}: more than {MAX_OTHER_FILES} files or "
                                 f"{MAX_OTHER_BYTES // 2**20} MB besides contracts.csv; is this "
                                 "a dataset folder?")
        files[name] = path.read_bytes()
    return files


@dataclass(frozen=True)
class _Current:
    """The rows of the current version (their spans are still open)."""

    ids: dict[bytes, int]  # digest -> row id
    positions: dict[int, int]  # row id -> sort key


def _bulk_insert(session: Session, table: Table, rows: list[dict]) -> None:
    """Many rows at once: PostgreSQL's COPY (an executemany of 100k rows takes half a minute
    there), SQLite's own executemany (SQLAlchemy's per-row parameter handling costs seconds at
    100k rows), else one Core executemany."""
    if not rows:
        return
    connection = session.connection()
    names = list(rows[0])
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql(
            f"INSERT INTO {table.name} ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})",
            [tuple(row[name] for name in names) for row in rows])
        return
    if connection.dialect.name != "postgresql":
        connection.execute(insert(table), rows)
        return
    import psycopg

    statement = f"COPY {table.name} ({', '.join(names)}) FROM STDIN"
    try:
        with connection.connection.dbapi_connection.cursor() as cursor:  # type: ignore[union-attr]
            with cursor.copy(statement) as copy:
                for row in rows:
                    copy.write_row([row[name] for name in names])
    except psycopg.Error as exc:  # as SQLAlchemy reports its own statements' errors
        raise DBAPIError.instance(statement, None, exc, psycopg.Error) from exc


def _refresh_statistics(session: Session) -> None:
    """PostgreSQL plans the next reads from table statistics; after 100k new rows the old ones
    (or none yet) make it pick a nested loop that takes minutes. ANALYZE samples, so it is quick."""
    if session.connection().dialect.name == "postgresql":
        session.execute(text("ANALYZE contract_row, row_span"))


def _current_rows(session: Session) -> _Current:
    query = (select(ContractRow.digest, ContractRow.id, RowSpan.position)
             .join(RowSpan, RowSpan.row_id == ContractRow.id)
             .where(RowSpan.last_version.is_(None)))
    ids: dict[bytes, int] = {}
    positions: dict[int, int] = {}
    for digest, row_id, position in session.connection().execute(query).all():  # Core: no ORM
        ids[bytes(digest)] = row_id
        positions[row_id] = position
    return _Current(ids, positions)


def _positions(row_ids: np.ndarray, previous: dict[int, int]) -> np.ndarray | None:
    """A sort key per row, in file order: rows of the current version keep theirs, the others get
    keys spread between their neighbours'. None when the kept rows changed order or there is no
    room between two keys: then every row needs a fresh key."""
    keys = np.fromiter((previous.get(i, -1) for i in row_ids.tolist()), dtype=np.int64,
                       count=len(row_ids))
    kept = keys >= 0
    if np.any(np.diff(keys[kept]) <= 0):
        return None
    new = np.flatnonzero(~kept)
    if not len(new):
        return keys
    # Runs of consecutive new rows: each is spread over the gap between its neighbours.
    starts = new[np.r_[True, np.diff(new) > 1]]
    ends = new[np.r_[np.diff(new) > 1, True]] + 1
    for start, end in zip(starts.tolist(), ends.tolist(), strict=True):
        low = int(keys[start - 1]) if start else 0
        high = int(keys[end]) if end < len(keys) else low + (end - start + 1) * POSITION_GAP
        step = (high - low) // (end - start + 1)
        if step < 1:
            return None
        keys[start:end] = low + step * np.arange(1, end - start + 1, dtype=np.int64)
    return keys


def _fresh_positions(count: int) -> np.ndarray:
    return (np.arange(count, dtype=np.int64) + 1) * POSITION_GAP


def _row_ids(session: Session, columns: list[str], rows: list[list[str]],
             known: dict[bytes, int]) -> np.ndarray:
    """The id of each row, in order; rows the database has never held are inserted."""
    key = columns_key(columns)
    digests = row_digests(key, rows)
    if len(set(digests)) != len(digests):
        raise PublishRefused("two rows of contracts.csv are identical")
    ids = dict(known)
    missing = [d for d in digests if d not in ids]
    # Rows of older versions (a row changed back, a rollback) are stored already.
    if len(missing) > _SCAN_ALL_DIGESTS:
        ids.update((bytes(d), i) for d, i in session.execute(
            select(ContractRow.digest, ContractRow.id)))
    else:
        for chunk in _chunks(missing):
            ids.update((bytes(d), i) for d, i in session.execute(
                select(ContractRow.digest, ContractRow.id).where(ContractRow.digest.in_(chunk))))
    next_id = (session.scalar(select(func.max(ContractRow.id))) or 0) + 1
    new = []
    for digest, row in zip(digests, rows, strict=True):
        if digest not in ids:
            ids[digest] = next_id
            new.append({"id": next_id, "digest": digest, "cells": encode_cells(row)})
            next_id += 1
    _bulk_insert(session, ContractRow.__table__, new)
    return np.fromiter((ids[d] for d in digests), dtype=np.int64, count=len(digests))


def _file_digests(files: dict[str, bytes | str]) -> dict[str, str]:
    return {name: value if isinstance(value, str) else file_digest(value)
            for name, value in files.items()}


def _store_files(session: Session, number: int, files: dict[str, bytes | str],
                 digests: dict[str, str]) -> None:
    """Blobs the database lacks, and the version's list of its files."""
    wanted = sorted(set(digests.values()))
    stored = set(session.scalars(select(FileBlob.digest).where(FileBlob.digest.in_(wanted))))
    for name, value in files.items():
        if isinstance(value, bytes) and digests[name] not in stored:
            session.add(FileBlob(digest=digests[name], content=value))
            stored.add(digests[name])
    session.flush()
    session.add_all(VersionFile(version=number, path=name, digest=digest)
                    for name, digest in digests.items())


def _move_spans(session: Session, previous: int, number: int, current: _Current,
                new: np.ndarray) -> tuple[int, int]:
    """Close the spans of rows the new version drops, open spans for rows it adds (for every row,
    with fresh keys, when the kept rows were reordered). Returns (rows added, rows removed)."""
    old_ids, new_ids = set(current.positions), set(new.tolist())
    removed, added = old_ids - new_ids, new_ids - old_ids
    keys = _positions(new, current.positions)
    closing, opening = removed, added
    if keys is None:
        keys, closing, opening = _fresh_positions(len(new)), old_ids, new_ids
    for chunk in _chunks(sorted(closing)):
        session.execute(update(RowSpan).where(RowSpan.last_version.is_(None),
                                              RowSpan.row_id.in_(chunk))
                        .values(last_version=previous))
    spans = [{"row_id": row_id, "first_version": number, "last_version": None,
              "position": key} for row_id, key in zip(new.tolist(), keys.tolist(), strict=True)
             if row_id in opening]
    _bulk_insert(session, RowSpan.__table__, spans)
    return len(added), len(removed)


def _commit(session: Session, contents: _Contents, *, current: _Current, origin: str,
            note: str, by: str, report: str, rollback_of: int | None = None) -> Published:
    latest = session.scalar(select(func.max(DatasetVersion.number))) or 0
    file_digests = _file_digests(contents.files)
    digest = content_digest(contents.columns, contents.row_ids, file_digests)
    rows = len(contents.row_ids)
    if latest and session.scalar(select(DatasetVersion.content_digest)
                                 .where(DatasetVersion.number == latest)) == digest:
        return Published(None, latest, rows, 0, 0)
    number = latest + 1
    session.add(DatasetVersion(
        number=number, created_at=datetime.now(UTC), published_by=by, note=note, origin=origin,
        rollback_of=rollback_of, report=encode_report(report),
        columns=columns_key(contents.columns).decode(), row_count=rows, content_digest=digest))
    session.flush()  # a concurrent publisher of the same number fails here
    added, removed = _move_spans(session, latest, number, current, contents.row_ids)
    _store_files(session, number, contents.files, file_digests)
    _refresh_statistics(session)
    return Published(number, number, rows, added, removed)


def publish_checked(database: Database, checked: CheckedFolder, files: dict[str, bytes], *,
                    origin: str, note: str, by: str) -> Published:
    """Publish what `check_folder` read (refused when it has errors)."""
    if checked.has_errors or checked.frame is None:
        raise PublishRefused("the dataset has errors; nothing was published", checked)
    # 100k rows' digests, ids and spans: acyclic objects the cyclic collector need not walk
    with paused_gc(), _publishing(database) as session:
        current = _current_rows(session)
        row_ids = _row_ids(session, checked.columns, checked.rows, current.ids)
        return _commit(session, _Contents(checked.columns, row_ids, files), current=current,
                       origin=origin, note=note, by=by, report=checked.report)


def publish_folder(database: Database, folder: Path, *, note: str, by: str) -> Published:
    """Validate a dataset folder (the validator of `python -m techmap validate`) and publish it as
    the new current version. Raises PublishRefused (nothing changes) when it has errors."""
    folder = Path(folder)
    checked = check_folder(folder)
    files = folder_files(folder) if not checked.has_errors else {}
    return publish_checked(database, checked, files, origin=str(folder.resolve()), note=note,
                           by=by)


def rollback(database: Database, number: int, *, note: str, by: str) -> Published:
    """Publish version `number`'s contents again as a new version (history only grows)."""
    with _publishing(database) as session:
        version = session.get(DatasetVersion, number)
        if version is None:
            raise PublishRefused(f"there is no version {number}")
        row_ids = version_row_ids(session, version)
        files: dict[str, bytes | str] = {
            path: digest for path, digest in session.execute(
                select(VersionFile.path, VersionFile.digest).where(VersionFile.version == number))}
        columns = decode_columns(version.columns)
        report = (f"Rollback to version {number} (published {version.created_at:%Y-%m-%d %H:%M}"
                  f" by {version.published_by}).\n{decode_report(version.report)}")
        return _commit(session, _Contents(columns, row_ids, files), current=_current_rows(session),
                       origin=f"rollback to version {number}", note=note, by=by, report=report,
                       rollback_of=number)
