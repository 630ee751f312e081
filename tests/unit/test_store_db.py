"""The database foundation: default location, migrations on SQLite and PostgreSQL, sessions."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, select, text

import techmap.auth.models  # noqa: F401  (the sign-in tables share the Base and the migrations)
from techmap.store import db
from techmap.store.models import FileBlob
from tests.paths import ROOT

LONDON = ROOT / "datasets" / "london"
TABLES = {"alembic_version", "dataset_version", "contract_row", "row_span", "file_blob",
          "version_file"}


def test_default_database_is_a_sqlite_file_named_after_the_folder_and_its_content(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(db.DATABASE_URL_ENV, raising=False)
    folder = tmp_path / "My data"
    shutil.copytree(LONDON, folder)
    url = db.database_url(folder, instance_dir=tmp_path / "instance")
    assert url.startswith(f"sqlite:///{tmp_path / 'instance'}/My-data-")
    assert url.endswith(".sqlite3")
    assert db.database_url(folder, instance_dir=tmp_path / "instance") == url  # stable
    with (folder / "contracts.csv").open("a", encoding="utf-8") as handle:
        handle.write("\n")
    assert db.database_url(folder, instance_dir=tmp_path / "instance") != url  # content counts


def test_the_environment_variable_wins(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(db.DATABASE_URL_ENV, "postgresql+psycopg://u:secret@db.example/techmap")
    assert db.database_url(LONDON) == "postgresql+psycopg://u:secret@db.example/techmap"
    monkeypatch.delenv(db.DATABASE_URL_ENV)
    with pytest.raises(ValueError, match="TECHMAP_DATABASE_URL"):
        db.database_url(None)


def test_first_use_creates_the_file_and_migrates_to_head(tmp_path: Path) -> None:
    path = tmp_path / "instance" / "x.sqlite3"
    database = db.open_database(f"sqlite:///{path}")
    try:
        assert path.exists()
        assert TABLES <= set(inspect(database.engine).get_table_names())
        assert db.open_database(f"sqlite:///{path}") is database  # once per process
    finally:
        db.close_all()


def test_the_quick_head_check_agrees_with_alembic() -> None:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(db.MIGRATIONS_DIR))
    assert db.head_revision() == ScriptDirectory.from_config(config).get_current_head()


def test_migrations_match_the_models_and_sessions_commit_or_roll_back(database_url: str) -> None:
    database = db.open_database(database_url)
    assert TABLES <= set(inspect(database.engine).get_table_names())
    with database.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), db.Base.metadata)
        assert differences == []
        assert connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    db.upgrade(database.engine)  # a second upgrade is a no-op
    assert db._at_head(database.engine)
    with database.transaction() as session:
        session.add(FileBlob(digest="a" * 64, content=b"kept"))
    with pytest.raises(RuntimeError), database.transaction() as session:
        session.add(FileBlob(digest="b" * 64, content=b"rolled back"))
        session.flush()
        raise RuntimeError("half-way")
    with database.sessions() as session:
        assert session.scalars(select(FileBlob.content)).all() == [b"kept"]


def test_a_migrated_database_opens_without_loading_alembic(tmp_path: Path) -> None:
    import subprocess
    import sys

    code = ("import sys; from techmap.store.db import open_database; "
            f"open_database('sqlite:///{tmp_path / 'x.sqlite3'}'); print('alembic' in sys.modules)")
    runs = [subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                           text=True, timeout=120, check=True).stdout.strip() for _ in range(2)]
    assert runs == ["True", "False"]  # the first run migrates, the second finds it at head
