"""Reading versions back: the list, a version as the app's Dataset (`load_version`), and a version
as a dataset folder again (`export_version`)."""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from techmap.dataformat.dataset import Dataset, finish_loading
from techmap.dataformat.problems import DatasetError
from techmap.dataformat.skills_checks import check_skills_bytes
from techmap.dataformat.skills_schema import SKILLS_FILE
from techmap.store.checked import CONTRACTS_FILE, MANIFEST_FILE, typed_contracts
from techmap.store.db import Database
from techmap.store.models import ContractRow, DatasetVersion, FileBlob, RowSpan, VersionFile
from techmap.store.rows import CorruptStore, decode_columns, decode_report, decode_rows


class VersionNotFound(LookupError):
    pass


@dataclass(frozen=True)
class VersionInfo:
    number: int
    created_at: datetime  # UTC
    published_by: str
    note: str
    origin: str
    rollback_of: int | None
    row_count: int
    report: str


@dataclass(frozen=True)
class VersionContents:
    number: int
    columns: list[str]
    rows: list[list[str]]  # cells as published, in file order
    files: dict[str, bytes]  # manifest.json and any other file of the folder


def _utc(moment: datetime) -> datetime:
    """SQLite gives back naive datetimes; the store writes UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _info(version: DatasetVersion) -> VersionInfo:
    return VersionInfo(version.number, _utc(version.created_at), version.published_by,
                       version.note, version.origin, version.rollback_of, version.row_count,
                       decode_report(version.report))


def current_version(database: Database) -> int | None:
    """The newest (current) version's number; None in an empty store. One cheap query."""
    with database.sessions() as session:
        return session.scalar(select(func.max(DatasetVersion.number)))


def list_versions(database: Database) -> list[VersionInfo]:
    """Every version, newest first."""
    with database.sessions() as session:
        return [_info(v) for v in session.scalars(
            select(DatasetVersion).order_by(DatasetVersion.number.desc()))]


def version_info(database: Database, number: int) -> VersionInfo:
    with database.sessions() as session:
        version = session.get(DatasetVersion, number)
        if version is None:
            raise VersionNotFound(f"there is no version {number}")
        return _info(version)


def _in_version(number: int):  # type: ignore[no-untyped-def]
    return (RowSpan.first_version <= number,
            or_(RowSpan.last_version.is_(None), RowSpan.last_version >= number))


def _checked_count(version: DatasetVersion, found: int) -> None:
    if found != version.row_count:
        raise CorruptStore(f"version {version.number} has {version.row_count:,} rows but "
                           f"{found:,} are stored for it")


def version_row_ids(session: Session, version: DatasetVersion) -> np.ndarray:
    """The ids of a version's rows, in file order."""
    query = (select(RowSpan.row_id).where(*_in_version(version.number))
             .order_by(RowSpan.position))
    ids = np.fromiter(session.connection().execute(query).scalars(), dtype=np.int64)
    _checked_count(version, len(ids))
    return ids


def _rows(session: Session, version: DatasetVersion, width: int) -> list[list[str]]:
    query = (select(ContractRow.cells).join(RowSpan, RowSpan.row_id == ContractRow.id)
             .where(*_in_version(version.number)).order_by(RowSpan.position))
    encoded = session.connection().execute(query).scalars().all()  # Core: no ORM cost
    _checked_count(version, len(encoded))
    return decode_rows(encoded, width)


def read_version(database: Database, number: int | None = None) -> VersionContents:
    """Version `number`'s header, rows and files (default: the current version)."""
    with database.sessions() as session:
        if number is None:
            number = session.scalar(select(func.max(DatasetVersion.number)))
            if number is None:
                raise VersionNotFound("the store has no version yet; publish one first")
        version = session.get(DatasetVersion, number)
        if version is None:
            raise VersionNotFound(f"there is no version {number}")
        columns = decode_columns(version.columns)
        rows = _rows(session, version, len(columns))
        files = {path: bytes(content) for path, content in session.execute(
            select(VersionFile.path, FileBlob.content)
            .join(FileBlob, FileBlob.digest == VersionFile.digest)
            .where(VersionFile.version == number))}
    return VersionContents(number, columns, rows, files)


def _manifest(contents: VersionContents) -> dict[str, Any]:
    try:
        manifest = json.loads(contents.files[MANIFEST_FILE].decode("utf-8-sig"))
    except (KeyError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise CorruptStore(f"version {contents.number} has no readable manifest.json ({exc})") \
            from None
    if not isinstance(manifest, dict):
        raise CorruptStore(f"version {contents.number}'s manifest.json is not an object")
    return manifest


manifest_of = _manifest  # the public name, for techmap/store/differing.py


def load_version(database: Database, number: int | None = None, *,
                 public: bool = False) -> Dataset:
    """Version `number` (default: the current one) as the same Dataset `load_dataset` makes of a
    folder: the validator types the stored cells, then supplier names and (public=True) the
    redaction as for a folder. Raises DatasetError if the version no longer passes the validator.
    """
    contents = read_version(database, number)
    manifest = _manifest(contents)
    label = f"version {contents.number}/{CONTRACTS_FILE}"
    frame, problems = typed_contracts(contents.columns, contents.rows, label, manifest)
    skills = None
    if SKILLS_FILE in contents.files:  # kept as a file of the version, checked as published
        sources = manifest.get("sources")
        skills, skill_problems = check_skills_bytes(
            contents.files[SKILLS_FILE], f"version {contents.number}/{SKILLS_FILE}",
            list(sources) if isinstance(sources, dict) else None)
        problems.extend(skill_problems)
    if any(p.severity == "error" for p in problems):
        raise DatasetError(problems)
    loaded = Dataset(path=Path(f"version-{contents.number}"), manifest=manifest, contracts=frame,
                     warnings=tuple(problems), version=contents.number, skills=skills)
    return finish_loading(loaded, public=public)


def write_folder(contents: VersionContents, out: Path) -> None:
    """A dataset folder of a version: contracts.csv (UTF-8, the header and cells as published)
    and every other file as it was. `out` must not exist or be empty."""
    out = Path(out)
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise FileExistsError(f"{out}: exists and is not an empty folder")
    out.mkdir(parents=True, exist_ok=True)
    with (out / CONTRACTS_FILE).open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(contents.columns)
        writer.writerows(contents.rows)
    for name, content in contents.files.items():
        target = (out / name).resolve()
        if out.resolve() not in target.parents:  # a stored name is data: never write outside
            raise CorruptStore(f"version {contents.number} has a file named {name!r}")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)


def export_version(database: Database, out: Path, number: int | None = None) -> VersionContents:
    contents = read_version(database, number)
    write_folder(contents, out)
    return contents
