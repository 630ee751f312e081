"""The tables of published dataset versions.

A version's contract rows are stored once each, content-addressed (`contract_row.digest` is a hash
of the row's cells and the column names), and a version lists its rows through `row_span`: a row
belongs to every version from `first_version` to `last_version` (NULL: still in the newest one),
at `position` (a sort key: the file's order). Publishing a version that changes 1% of the rows
therefore adds 1% new rows and spans and closes 1% of the spans; nothing else is copied (a changed
row takes a key between its neighbours'; only a file whose rows were reordered gets new keys for
every row, in new spans). The report is stored compressed. The dataset folder's other files
(manifest.json, skills, licences) are content-addressed blobs.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, DateTime, ForeignKey, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from techmap.store.db import Base

# Row ids are given by the publisher (the highest id + 1, ...) so that rows are inserted in one
# plain executemany; a concurrent publisher's clash fails its whole transaction.
RowId = BigInteger().with_variant(Integer(), "sqlite")


class DatasetVersion(Base):
    __tablename__ = "dataset_version"

    number: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    published_by: Mapped[str] = mapped_column(String(200))
    note: Mapped[str] = mapped_column(Text)
    origin: Mapped[str] = mapped_column(Text)  # the folder published, or "rollback to version N"
    rollback_of: Mapped[int | None] = mapped_column(Integer, nullable=True)
    report: Mapped[bytes] = mapped_column(LargeBinary)  # zlib: the validator's or build report
    columns: Mapped[str] = mapped_column(Text)  # JSON list: contracts.csv's header
    row_count: Mapped[int] = mapped_column(Integer)
    content_digest: Mapped[str] = mapped_column(String(64))  # of the whole version's content


class ContractRow(Base):
    __tablename__ = "contract_row"

    id: Mapped[int] = mapped_column(RowId, primary_key=True, autoincrement=False)
    digest: Mapped[bytes] = mapped_column(LargeBinary(16), unique=True)
    cells: Mapped[str] = mapped_column(Text)  # JSON list of the row's cells, as validated


class RowSpan(Base):
    __tablename__ = "row_span"
    __table_args__ = (Index("ix_row_span_last_version", "last_version"),)

    row_id: Mapped[int] = mapped_column(ForeignKey("contract_row.id"), primary_key=True)
    first_version: Mapped[int] = mapped_column(ForeignKey("dataset_version.number"),
                                               primary_key=True)
    last_version: Mapped[int | None] = mapped_column(Integer, nullable=True)
    position: Mapped[int] = mapped_column(BigInteger)


class FileBlob(Base):
    __tablename__ = "file_blob"

    digest: Mapped[str] = mapped_column(String(64), primary_key=True)
    content: Mapped[bytes] = mapped_column(LargeBinary)


class VersionFile(Base):
    __tablename__ = "version_file"

    version: Mapped[int] = mapped_column(ForeignKey("dataset_version.number"), primary_key=True)
    path: Mapped[str] = mapped_column(String(500), primary_key=True)  # relative, with "/"
    digest: Mapped[str] = mapped_column(ForeignKey("file_blob.digest"))
