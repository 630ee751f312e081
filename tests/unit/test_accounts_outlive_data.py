"""Without TECHMAP_DATABASE_URL the store of published versions is a SQLite file named after the
dataset folder and its content, so editing the folder starts a new one; the accounts live in
instance/accounts.sqlite3 instead, so nobody loses their account when the data changes."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from techmap.store import db
from tests.paths import ROOT

FIXTURE = ROOT / "tests" / "fixtures" / "api" / "dataset"
EMAIL = "kept@camden.gov.uk"
PASSWORD = "correct horse battery staple"

SIGN_IN = """
import re, app
client = app.server.test_client()
page = client.get("/sign-in").get_data(as_text=True)
csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
answer = client.post("/sign-in", data={"email": %r, "password": %r, "csrf_token": csrf})
print(answer.status_code, answer.headers.get("Location"))
""" % (EMAIL, PASSWORD)


def _run(env: dict[str, str], args: list[str], stdin: str = "") -> str:
    done = subprocess.run([sys.executable, *args], cwd=ROOT, env=env, input=stdin,
                          capture_output=True, text=True, timeout=240, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def test_a_user_still_signs_in_after_the_dataset_folder_changes(tmp_path: Path) -> None:
    folder = shutil.copytree(FIXTURE, tmp_path / "dataset")
    instance = tmp_path / "instance"
    env = {key: value for key, value in os.environ.items()
           if key not in (db.DATABASE_URL_ENV, "TECHMAP_PUBLIC", "TECHMAP_REDIS_URL")}
    env.update(TECHMAP_DATASET=str(folder), TECHMAP_INSTANCE_DIR=str(instance),
               TECHMAP_SECURE_COOKIES="0")
    _run(env, ["-m", "techmap", "users", "add", EMAIL, "--role", "member"], PASSWORD + "\n")
    assert _run(env, ["-c", SIGN_IN]).split() == ["303", "/account"]
    first_store = db.default_sqlite_path(folder, instance)

    manifest = folder / "manifest.json"  # an edit of the data: a new default store
    manifest.write_text(manifest.read_text("utf-8").replace('"title": "', '"title": "Edited: ', 1),
                        encoding="utf-8")
    assert db.default_sqlite_path(folder, instance) != first_store

    assert _run(env, ["-c", SIGN_IN]).split() == ["303", "/account"]  # started again: signs in
    assert first_store.exists() and db.default_sqlite_path(folder, instance).exists()
    assert (instance / db.ACCOUNTS_SQLITE_NAME).exists()


def test_with_a_database_url_the_accounts_share_it(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setenv(db.DATABASE_URL_ENV, "postgresql+psycopg://u:secret@db.example/techmap")
    assert db.accounts_database_url() == db.database_url(FIXTURE)  # one database for everything
    monkeypatch.delenv(db.DATABASE_URL_ENV)
    assert db.accounts_database_url(tmp_path) == f"sqlite:///{tmp_path / 'accounts.sqlite3'}"
