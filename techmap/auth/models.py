"""The sign-in tables: users, their sessions, API tokens, feed secrets (calendar and changes), the
audit log.

Session ids and API tokens are stored as SHA-256 digests: each is 32 random
bytes, so a digest cannot be reversed, and a copy of the database signs nobody in. Passwords are
Argon2id hashes (accounts.py)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from techmap.store.db import Base


class User(Base):
    __tablename__ = "auth_users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True, index=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    role: Mapped[str] = mapped_column(String(20))
    # editors: the ONS codes of the boroughs they may later submit data for, comma-separated
    boroughs: Mapped[str] = mapped_column(Text, default="")
    password_hash: Mapped[str | None] = mapped_column(String(200), nullable=True)  # None: OIDC only
    oidc_subject: Mapped[str | None] = mapped_column(String(300), nullable=True, index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    sessions: Mapped[list[SignInSession]] = relationship(back_populates="user", cascade="all, delete-orphan")
    tokens: Mapped[list[ApiToken]] = relationship(back_populates="user", cascade="all, delete-orphan")
    feeds: Mapped[list[CalendarFeed]] = relationship(back_populates="user", cascade="all, delete-orphan")


class SignInSession(Base):
    __tablename__ = "auth_sessions"

    id_digest: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("auth_users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    method: Mapped[str] = mapped_column(String(20))  # "password" or "oidc"

    user: Mapped[User] = relationship(back_populates="sessions")


class _UsersSecret:
    """The columns an API token and a feed address share: whose it is, when it was made and when it
    was stopped (None while in use)."""

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("auth_users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class ApiToken(_UsersSecret, Base):
    __tablename__ = "auth_api_tokens"

    token_digest: Mapped[str] = mapped_column(String(64), unique=True, index=True)
    prefix: Mapped[str] = mapped_column(String(12))  # shown in lists, to tell tokens apart

    user: Mapped[User] = relationship(back_populates="tokens")


class CalendarFeed(_UsersSecret, Base):
    __tablename__ = "auth_calendar_feeds"

    # The feed's secret is an HMAC of this nonce under TECHMAP_SECRET_KEY (accounts.feed_secret),
    # so the account page can show the URL again while a copy of the database alone cannot.
    nonce: Mapped[str] = mapped_column(String(64))
    # "calendar" (renewals.ics) or "changes" (the "what changed" Atom feed): each has its own
    # address, made and stopped on its own (accounts.FEED_KINDS)
    kind: Mapped[str] = mapped_column(String(20), default="calendar", server_default="calendar")

    user: Mapped[User] = relationship(back_populates="feeds")


class AuditEvent(Base):
    __tablename__ = "auth_audit"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    event: Mapped[str] = mapped_column(String(40))  # sign-in, sign-in-failed, role-changed, ...
    email: Mapped[str] = mapped_column(String(320), default="")  # as typed, for failures
    address: Mapped[str] = mapped_column(String(64), default="")
    detail: Mapped[str] = mapped_column(Text, default="")
