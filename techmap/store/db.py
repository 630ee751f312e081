"""The database foundation: one declarative `Base`, an engine per URL, sessions and migrations.

Which database: `TECHMAP_DATABASE_URL` when set (hosting: `postgresql+psycopg://user:pw@host/db`),
otherwise a SQLite file under `instance/` named after the dataset folder and a hash of its content
(`instance/london-3f2a9c1b7d4e.sqlite3`), so pointing the app at another folder, or editing the
folder, gives a fresh store seeded from it and never mixes two datasets. Accounts (users,
sessions, tokens, feed addresses, the audit log) must outlive such a change, so without
TECHMAP_DATABASE_URL they have one stable file of their own, `instance/accounts.sqlite3`
(accounts_database_url); with it, everything lives in that one database.

Schema changes are Alembic migrations in `techmap/store/migrations/versions/` (one file per change,
each naming its `down_revision`); `open_database()` runs `upgrade head` once per process and URL,
under a lock (a PostgreSQL advisory lock, or a lock file beside a SQLite file) so that processes
starting together do not race. Models of other packages (techmap.auth, ...) subclass `Base` and add
their own migration file.

Processes that fork after opening the database (gunicorn's preload) must call
`engine.dispose(close=False)` in the child, as SQLAlchemy documents for connection pools.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, MetaData, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

from techmap.dataformat.dataset import REPO_ROOT

DATABASE_URL_ENV = "TECHMAP_DATABASE_URL"
INSTANCE_DIR = REPO_ROOT / "instance"
INSTANCE_DIR_ENV = "TECHMAP_INSTANCE_DIR"  # where the default SQLite files go (tests: a temp dir)
ACCOUNTS_SQLITE_NAME = "accounts.sqlite3"
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
# Any fixed 64-bit number: the PostgreSQL advisory lock held while migrating.
_MIGRATION_LOCK_ID = 0x7EC4_4A90_0001
_SQLITE_BUSY_TIMEOUT_MS = 30_000

# Constraint names Alembic can find again (unnamed constraints cannot be dropped portably).
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """The declarative base of every table (typed mappings: `Mapped[int] = mapped_column(...)`)."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


@dataclass(frozen=True)
class Database:
    """An open, migrated database: its engine and a session factory."""

    engine: Engine
    sessions: sessionmaker[Session]

    @property
    def url(self) -> str:
        """The URL with any password hidden (for messages and logs)."""
        return self.engine.url.render_as_string(hide_password=True)

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session in one transaction: committed at the end, rolled back on any exception."""
        with self.sessions.begin() as session:
            yield session


def folder_fingerprint(folder: Path) -> str:
    """A short hash of a dataset folder's files (names and bytes), for the default SQLite name."""
    digest = hashlib.blake2b(digest_size=6)
    for path in sorted(p for p in Path(folder).rglob("*") if p.is_file()):
        digest.update(path.relative_to(folder).as_posix().encode() + b"\0")
        with path.open("rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                digest.update(chunk)
    return digest.hexdigest()


def _instance_dir(instance_dir: Path | None = None) -> Path:
    return Path(instance_dir or os.environ.get(INSTANCE_DIR_ENV, "").strip() or INSTANCE_DIR)


def default_sqlite_path(dataset_folder: Path, instance_dir: Path | None = None) -> Path:
    """instance/<folder name>-<content hash>.sqlite3 for a dataset folder."""
    folder = Path(dataset_folder).resolve()
    name = re.sub(r"[^A-Za-z0-9_.-]+", "-", folder.name).strip("-.") or "dataset"
    return _instance_dir(instance_dir) / f"{name}-{folder_fingerprint(folder)}.sqlite3"


def database_url(dataset_folder: Path | None = None, instance_dir: Path | None = None) -> str:
    """TECHMAP_DATABASE_URL, else the default SQLite file of `dataset_folder` (created later, on
    first use). One of the two is needed."""
    configured = os.environ.get(DATABASE_URL_ENV, "").strip()
    if configured:
        return configured
    if dataset_folder is None:
        raise ValueError(f"set {DATABASE_URL_ENV} or name a dataset folder")
    return f"sqlite:///{default_sqlite_path(dataset_folder, instance_dir)}"


def accounts_database_url(instance_dir: Path | None = None) -> str:
    """Where the sign-in tables live: TECHMAP_DATABASE_URL, else `instance/accounts.sqlite3`,
    one file whatever the dataset, so editing the dataset folder (a new default store) loses no
    account. Its schema is the whole store's (one set of migrations); only the sign-in tables
    are used in it."""
    configured = os.environ.get(DATABASE_URL_ENV, "").strip()
    if configured:
        return configured
    return f"sqlite:///{_instance_dir(instance_dir) / ACCOUNTS_SQLITE_NAME}"


def _sqlite_pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={_SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA journal_mode=WAL")  # readers never wait for a publishing writer
    cursor.close()


def create_database_engine(url: str) -> Engine:
    """An engine for `url`; a SQLite file's folder is created, and its connections get foreign
    keys, a busy timeout and WAL. Any other backend: the URL as given (pool_pre_ping, so a
    restarted server does not fail the next request)."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(parsed)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(parsed, pool_pre_ping=True)


@contextlib.contextmanager
def _migration_lock(engine: Engine) -> Iterator[None]:
    backend = engine.url.get_backend_name()
    if backend == "postgresql":
        with engine.connect() as connection:
            connection.execute(text("SELECT pg_advisory_lock(:id)"), {"id": _MIGRATION_LOCK_ID})
            try:
                yield
            finally:
                connection.execute(text("SELECT pg_advisory_unlock(:id)"),
                                   {"id": _MIGRATION_LOCK_ID})
                connection.commit()
        return
    database = engine.url.database if backend == "sqlite" else None
    if not database or database == ":memory:":
        yield
        return
    with open(f"{database}.lock", "a+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


_REVISION = re.compile(r"^(down_revision|revision)\s*=\s*(None|['\"]([^'\"]+)['\"])", re.M)


def head_revision() -> str | None:
    """The newest migration's id, read from the migration files without loading Alembic (which
    costs a process start as much as reading the whole dataset). A test checks it is Alembic's
    head."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in (MIGRATIONS_DIR / "versions").glob("*.py"):
        found = {name: value for name, _, value in _REVISION.findall(path.read_text("utf-8"))}
        if found.get("revision"):
            revisions.add(found["revision"])
        if found.get("down_revision"):
            parents.add(found["down_revision"])
    heads = revisions - parents
    return heads.pop() if len(heads) == 1 else None


def _at_head(engine: Engine) -> bool:
    head = head_revision()
    try:
        with engine.connect() as connection:
            applied = connection.execute(text("SELECT version_num FROM alembic_version")).all()
    except SQLAlchemyError:  # a new database: no alembic_version table yet
        return False
    return head is not None and [row[0] for row in applied] == [head]


def upgrade(engine: Engine) -> None:
    """Run every Alembic migration not yet applied (`alembic upgrade head`)."""
    from alembic import command
    from alembic.config import Config

    import techmap.store.models  # noqa: F401  (registers the tables on Base.metadata)

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    with _migration_lock(engine), engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


_opened: dict[str, Database] = {}
_opened_lock = threading.Lock()


def open_database(url: str | None = None, *, dataset_folder: Path | None = None) -> Database:
    """The database at `url` (default: `database_url(dataset_folder)`), migrated to the newest
    schema. Opened and migrated once per process and URL; later calls return the same object."""
    url = url or database_url(dataset_folder)
    with _opened_lock:
        database = _opened.get(url)
        if database is None:
            engine = create_database_engine(url)
            if not _at_head(engine):  # the usual start: nothing to migrate, Alembic not loaded
                upgrade(engine)
            database = Database(engine, sessionmaker(engine, expire_on_commit=False))
            _opened[url] = database
        return database


def close_all() -> None:
    """Dispose of every engine opened here (tests; a process that is shutting down)."""
    with _opened_lock:
        for database in _opened.values():
            database.engine.dispose()
        _opened.clear()


def after_fork() -> None:
    """In a forked worker: forget the pooled connections inherited from the parent without
    closing them (they are the parent's); the worker opens its own on first use."""
    with _opened_lock:
        for database in _opened.values():
            database.engine.dispose(close=False)
