"""The audit log: sign-ins, failed sign-ins, sign-outs, role and account changes, tokens."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from techmap.auth.models import AuditEvent

SIGN_IN = "sign-in"
SIGN_IN_FAILED = "sign-in-failed"
SIGN_OUT = "sign-out"
USER_ADDED = "user-added"
USER_REMOVED = "user-removed"
ROLE_CHANGED = "role-changed"
TOKEN_CREATED = "token-created"
TOKEN_REVOKED = "token-revoked"
FEED_CHANGED = "calendar-feed-changed"


def record(db: Session, event: str, email: str = "", address: str = "", detail: str = "") -> None:
    """Add an event (committed with the caller's transaction)."""
    db.add(AuditEvent(at=datetime.now(UTC), event=event, email=email[:320], address=address[:64],
                      detail=detail))


def recent(db: Session, limit: int = 200) -> list[AuditEvent]:
    """The latest events, newest first."""
    return list(db.scalars(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(limit)))


def format_event(event: AuditEvent) -> str:
    at = event.at.replace(tzinfo=UTC) if event.at.tzinfo is None else event.at
    parts = [at.strftime("%Y-%m-%dT%H:%M:%SZ"), event.event, event.email or "-",
             event.address or "-"]
    return "\t".join(parts + ([event.detail] if event.detail else []))
