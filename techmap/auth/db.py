"""The database the sign-in tables live in: TECHMAP_DATABASE_URL (the same database as the published
dataset versions), else `instance/accounts.sqlite3`, a file of its own that does not change when
the dataset folder does (the default store of versions is named after the folder's content, so
accounts kept there would be lost with every edit). Its Alembic migrations (auth_0001_accounts.py
among them) run on first use."""

from __future__ import annotations

from sqlalchemy.orm import Session, sessionmaker

from techmap.service import context
from techmap.store.db import Database, accounts_database_url, open_database


def database() -> Database:
    """The instance's database, opened and migrated once per process."""
    import techmap.auth.models  # noqa: F401  (registers the sign-in tables on the store's Base)

    return open_database(accounts_database_url())


def session_factory() -> sessionmaker[Session]:
    return database().sessions


def after_fork() -> None:
    """In a forked worker process: forget the pooled connections inherited from the parent
    without closing them (they are the parent's); nothing to do where sign-in is off."""
    if not context.settings().public:
        database().engine.dispose(close=False)
