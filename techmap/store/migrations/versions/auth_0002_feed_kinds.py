"""Secret feed addresses of two kinds: a member's calendar (renewals.ics) and a member's
"what changed" Atom feed (issue 15 item 3); existing addresses are calendars.

Revision ID: auth_0002
Revises: auth_0001
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "auth_0002"
down_revision = "auth_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("auth_calendar_feeds") as table:  # batch: SQLite alters by copying
        table.add_column(sa.Column("kind", sa.String(20), nullable=False,
                                   server_default="calendar"))


def downgrade() -> None:
    with op.batch_alter_table("auth_calendar_feeds") as table:
        table.drop_column("kind")
