"""Server-side sessions: the browser holds a random id (in a signed cookie, web/auth_session.py),
the database its digest, the user and two times. A session ends when unused for the idle
lifetime, at the absolute lifetime after sign-in, or at sign-out: the row is deleted, so the
session ends in every tab and on every server that saw it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.orm import Session

from techmap.auth.models import SignInSession, User
from techmap.auth.secrets_util import digest, new_secret

# last_seen_at is written at most this often, so most requests only read the database.
TOUCH_EVERY = timedelta(seconds=60)


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)  # SQLite drops the zone


def start(db: Session, user: User, method: str, now: datetime) -> str:
    """A new session for the user (always a new id: sign-in never reuses one); its raw id."""
    raw = new_secret()
    db.add(SignInSession(id_digest=digest(raw), user=user, created_at=now, last_seen_at=now,
                         method=method))
    return raw


def resume(db: Session, raw: str, now: datetime, idle: timedelta, absolute: timedelta) -> SignInSession | None:
    """The live session with this id, or None; an expired one is deleted."""
    row = db.get(SignInSession, digest(raw))
    if row is None:
        return None
    if now - _aware(row.last_seen_at) > idle or now - _aware(row.created_at) > absolute:
        db.delete(row)
        return None
    if now - _aware(row.last_seen_at) > TOUCH_EVERY:
        row.last_seen_at = now
    return row


def end(db: Session, raw: str) -> None:
    db.execute(delete(SignInSession).where(SignInSession.id_digest == digest(raw)))


def end_all(db: Session, user_id: int) -> None:
    db.execute(delete(SignInSession).where(SignInSession.user_id == user_id))
