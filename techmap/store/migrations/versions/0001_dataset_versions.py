"""Published dataset versions: contract rows content-addressed, row spans, file blobs.

Revision ID: 0001
Revises:
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

ROW_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "dataset_version",
        sa.Column("number", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("published_by", sa.String(200), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("origin", sa.Text(), nullable=False),
        sa.Column("rollback_of", sa.Integer(), nullable=True),
        sa.Column("report", sa.LargeBinary(), nullable=False),
        sa.Column("columns", sa.Text(), nullable=False),
        sa.Column("row_count", sa.Integer(), nullable=False),
        sa.Column("content_digest", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("number", name=op.f("pk_dataset_version")),
    )
    op.create_table(
        "contract_row",
        sa.Column("id", ROW_ID, autoincrement=False, nullable=False),
        sa.Column("digest", sa.LargeBinary(16), nullable=False),
        sa.Column("cells", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contract_row")),
        sa.UniqueConstraint("digest", name=op.f("uq_contract_row_digest")),
    )
    op.create_table(
        "row_span",
        sa.Column("row_id", ROW_ID, nullable=False),
        sa.Column("first_version", sa.Integer(), nullable=False),
        sa.Column("last_version", sa.Integer(), nullable=True),
        sa.Column("position", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(["row_id"], ["contract_row.id"],
                                name=op.f("fk_row_span_row_id_contract_row")),
        sa.ForeignKeyConstraint(["first_version"], ["dataset_version.number"],
                                name=op.f("fk_row_span_first_version_dataset_version")),
        sa.PrimaryKeyConstraint("row_id", "first_version", name=op.f("pk_row_span")),
    )
    op.create_index("ix_row_span_last_version", "row_span", ["last_version"])
    op.create_table(
        "file_blob",
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("digest", name=op.f("pk_file_blob")),
    )
    op.create_table(
        "version_file",
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("path", sa.String(500), nullable=False),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.ForeignKeyConstraint(["version"], ["dataset_version.number"],
                                name=op.f("fk_version_file_version_dataset_version")),
        sa.ForeignKeyConstraint(["digest"], ["file_blob.digest"],
                                name=op.f("fk_version_file_digest_file_blob")),
        sa.PrimaryKeyConstraint("version", "path", name=op.f("pk_version_file")),
    )


def downgrade() -> None:
    op.drop_table("version_file")
    op.drop_table("file_blob")
    op.drop_index("ix_row_span_last_version", table_name="row_span")
    op.drop_table("row_span")
    op.drop_table("contract_row")
    op.drop_table("dataset_version")
