"""The store a process uses: TECHMAP_DATABASE_URL, else the SQLite file of the dataset folder
(TECHMAP_DATASET or the bundled one), seeded from that folder when it has no version yet."""

from __future__ import annotations

import getpass
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError

from techmap.dataset import Dataset, dataset_path_from_env
from techmap.store.db import Database, open_database
from techmap.store.publishing import publish_folder
from techmap.store.reading import current_version, load_version

SEED_NOTE = "first version, seeded from the dataset folder"


def publisher_name() -> str:
    """Who publishes, until sign-in exists: the operating-system user."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def seed(database: Database, folder: Path) -> int:
    """Publish `folder` as version 1 of an empty store; the current version either way. A
    process that loses the race to seed simply finds the winner's version."""
    number = current_version(database)
    if number is not None:
        return number
    try:
        return publish_folder(database, folder, note=SEED_NOTE, by=publisher_name()).current
    except SQLAlchemyError:
        number = current_version(database)
        if number is None:
            raise
        return number


def open_store(url: str | None = None, *, dataset_folder: Path | None = None,
               seed_empty: bool = True) -> Database:
    """The database (migrated); an empty one is seeded from the dataset folder when
    `seed_empty`."""
    folder = Path(dataset_folder or dataset_path_from_env())
    database = open_database(url, dataset_folder=folder)
    if seed_empty:
        seed(database, folder)
    return database


def load_current(*, public: bool = False, dataset_folder: Path | None = None) -> Dataset:
    """What an app process starts from: the current version of its store (seeded on first run)."""
    return load_version(open_store(dataset_folder=dataset_folder), public=public)
