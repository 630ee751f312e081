"""Alembic's entry point. `techmap.store.db.upgrade` passes an open connection; run by hand
(`alembic -x url=... revision --autogenerate -m "..."` with `script_location` set to this folder)
it connects to TECHMAP_DATABASE_URL or the `url` given with -x."""

from __future__ import annotations

import os

from alembic import context
from sqlalchemy import create_engine

import techmap.store.models  # noqa: F401  (the tables on Base.metadata, for autogenerate)
from techmap.store.db import DATABASE_URL_ENV, Base

config = context.config
target_metadata = Base.metadata


def _run(connection) -> None:  # type: ignore[no-untyped-def]
    context.configure(connection=connection, target_metadata=target_metadata,
                      render_as_batch=connection.dialect.name == "sqlite")
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:
    url = context.get_x_argument(as_dictionary=True).get("url") or os.environ[DATABASE_URL_ENV]
    with create_engine(url).begin() as own_connection:
        _run(own_connection)
