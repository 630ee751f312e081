"""The tables of published dataset versions.

A version's contract rows are stored once each, content-addressed (`contract_row.digest` is a hash
of the row's cells and the column names), and a version lists its rows through `row_span`: a row
belongs to every version from `first_version` to `last_version` (NULL: still in the newest one).
Publishing a version that changes 1% of the rows therefore adds 1% new rows and spans and closes
1% of the spans; nothing else is copied. The order of the rows in the file is kept per version as
`row_order` (the row ids, delta-encoded and compressed: a few hundred bytes for 1,500 rows).
The dataset folder's other files (manifest.json, skills, licences) are content-addressed blobs.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, DateTime, ForeignKey, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from techmap.store.db import Base

# SQLite only auto-increments an INTEGER PRIMARY KEY; PostgreSQL gets a 64-bit identity.
RowId = BigInteger().with_variant(Integer(), "sqlite")


class DatasetVersion(Base):
    __tablename__ = "dataset_version"

    number: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    published_by: Mapped[str] = mapped_column(String(200))
    note: Mapped[str] = mapped_column(Text)
    origin: Mapped[str] = mapped_column(Text)  # the folder published, or "rollback to version N"
    rollback_of: Mapped[int | None] = mapped_column(Integer, nullable=True)
    report: Mapped[str] = mapped_column(Text)  # the validator's report (or the build report)
    columns: Mapped[str] = mapped_column(Text)  # JSON list: contracts.csv's header
    row_count: Mapped[int] = mapped_column(Integer)
    row_order: Mapped[bytes] = mapped_column(LargeBinary)
    content_digest: Mapped[str] = mapped_column(String(64))  # of the whole version's content


class ContractRow(Base):
    __tablename__ = "contract_row"

    id: Mapped[int] = mapped_column(RowId, primary_key=True, autoincrement=True)
    digest: Mapped[bytes] = mapped_column(LargeBinary(16), unique=True)
    cells: Mapped[str] = mapped_column(Text)  # JSON list of the row's cells, as validated


class RowSpan(Base):
    __tablename__ = "row_span"
    __table_args__ = (Index("ix_row_span_last_version", "last_version"),)

    row_id: Mapped[int] = mapped_column(ForeignKey("contract_row.id"), primary_key=True)
    first_version: Mapped[int] = mapped_column(ForeignKey("dataset_version.number"),
                                               primary_key=True)
    last_version: Mapped[int | None] = mapped_column(Integer, nullable=True)


class FileBlob(Base):
    __tablename__ = "file_blob"

    digest: Mapped[str] = mapped_column(String(64), primary_key=True)
    content: Mapped[bytes] = mapped_column(LargeBinary)


class VersionFile(Base):
    __tablename__ = "version_file"

    version: Mapped[int] = mapped_column(ForeignKey("dataset_version.number"), primary_key=True)
    path: Mapped[str] = mapped_column(String(500), primary_key=True)  # relative, with "/"
    digest: Mapped[str] = mapped_column(ForeignKey("file_blob.digest"))
