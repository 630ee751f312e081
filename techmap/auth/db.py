"""The database the sign-in tables live in (until techmap.store provides the project's Base).

TECHMAP_DATABASE_URL names it (PostgreSQL for hosting); by default SQLite under instance/."""

from __future__ import annotations

import os
from functools import lru_cache

from sqlalchemy import Engine, create_engine
from sqlalchemy.orm import DeclarativeBase, sessionmaker

from techmap.auth.config import INSTANCE_DIR


class Base(DeclarativeBase):
    pass


def database_url() -> str:
    url = os.environ.get("TECHMAP_DATABASE_URL", "").strip()
    if url:
        return url
    INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{INSTANCE_DIR / 'techmap.sqlite3'}"


@lru_cache(maxsize=4)
def engine(url: str | None = None) -> Engine:
    return create_engine(url or database_url(), pool_pre_ping=True)


def session_factory(url: str | None = None) -> sessionmaker:
    return sessionmaker(engine(url), expire_on_commit=False)


def ensure_tables(url: str | None = None) -> None:
    """Create the sign-in tables where they are missing."""
    from techmap.auth import models  # noqa: F401  (registers the tables on Base)

    Base.metadata.create_all(engine(url))
