"""Sign-in (issue 15): users, sessions, API tokens, calendar feeds, the audit log.

Revision ID: auth_0001
Revises: 0001
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "auth_0001"
down_revision = "0001"
branch_labels = None
depends_on = None

WHEN = sa.DateTime(timezone=True)


def _user_fk() -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(["user_id"], ["auth_users.id"], ondelete="CASCADE")


def upgrade() -> None:
    op.create_table(
        "auth_users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(320), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("boroughs", sa.Text(), nullable=False),
        sa.Column("password_hash", sa.String(200), nullable=True),
        sa.Column("oidc_subject", sa.String(300), nullable=True),
        sa.Column("created_at", WHEN, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_auth_users"),
    )
    op.create_index("ix_auth_users_email", "auth_users", ["email"], unique=True)
    op.create_index("ix_auth_users_oidc_subject", "auth_users", ["oidc_subject"])
    op.create_table(
        "auth_sessions",
        sa.Column("id_digest", sa.String(64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
        sa.Column("last_seen_at", WHEN, nullable=False),
        sa.Column("method", sa.String(20), nullable=False),
        sa.PrimaryKeyConstraint("id_digest", name="pk_auth_sessions"),
        _user_fk(),
    )
    op.create_index("ix_auth_sessions_user_id", "auth_sessions", ["user_id"])
    op.create_table(
        "auth_api_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("token_digest", sa.String(64), nullable=False),
        sa.Column("prefix", sa.String(12), nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
        sa.Column("revoked_at", WHEN, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_auth_api_tokens"),
        _user_fk(),
    )
    op.create_index("ix_auth_api_tokens_user_id", "auth_api_tokens", ["user_id"])
    op.create_index("ix_auth_api_tokens_token_digest", "auth_api_tokens", ["token_digest"], unique=True)
    op.create_table(
        "auth_calendar_feeds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("nonce", sa.String(64), nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
        sa.Column("revoked_at", WHEN, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_auth_calendar_feeds"),
        _user_fk(),
    )
    op.create_index("ix_auth_calendar_feeds_user_id", "auth_calendar_feeds", ["user_id"])
    op.create_table(
        "auth_audit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", WHEN, nullable=False),
        sa.Column("event", sa.String(40), nullable=False),
        sa.Column("email", sa.String(320), nullable=False),
        sa.Column("address", sa.String(64), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_auth_audit"),
    )
    op.create_index("ix_auth_audit_at", "auth_audit", ["at"])


def downgrade() -> None:
    for table in ("auth_audit", "auth_calendar_feeds", "auth_api_tokens", "auth_sessions", "auth_users"):
        op.drop_table(table)
