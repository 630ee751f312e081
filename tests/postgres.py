"""A throw-away PostgreSQL cluster for the tests (a pytest plugin, loaded by tests/conftest.py).

`postgres_cluster` (session scope) runs Debian's initdb + pg_ctl on a free port in a temporary
folder, as the `postgres` user when the tests run as root (PostgreSQL refuses to run as root),
and stops it at the end. `fresh_postgres_url()` gives each test an empty database of its own.
A machine without PostgreSQL FAILS these tests (scripts/test installs Debian's `postgresql`).
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

_START_TIMEOUT_S = 60


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def postgres_bin_dir() -> Path:
    """The newest /usr/lib/postgresql/<major>/bin with initdb, or pg_ctl's folder on the PATH."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                   key=lambda p: int(Path(p).parent.parent.name)
                   if Path(p).parent.parent.name.isdigit() else 0)
    if found:
        return Path(found[-1]).parent
    on_path = shutil.which("initdb")
    if on_path:
        return Path(on_path).resolve().parent
    pytest.fail("PostgreSQL is not installed (no initdb): run `bash scripts/test`, which installs "
                "Debian's postgresql, or `apt-get install postgresql`", pytrace=False)


class PostgresCluster:
    """One running cluster; `url(database)` for SQLAlchemy (psycopg 3), trust auth on loopback."""

    def __init__(self) -> None:
        self.bin = postgres_bin_dir()
        self.folder = Path(tempfile.mkdtemp(prefix="techmap-pg-"))
        self.data = self.folder / "data"
        self.port = _free_port()
        self._as_user: list[str] = []
        if os.geteuid() == 0:  # initdb and postgres refuse to run as root
            shutil.chown(self.folder, user="postgres", group="postgres")
            self._as_user = ["runuser", "-u", "postgres", "--"]

    def _run(self, *args: str) -> None:
        result = subprocess.run([*self._as_user, *args], capture_output=True, text=True,
                                timeout=_START_TIMEOUT_S, check=False)
        if result.returncode:
            pytest.fail(f"{' '.join(args)} failed ({result.returncode}):\n{result.stdout}\n"
                        f"{result.stderr}", pytrace=False)

    def start(self) -> None:
        self._run(str(self.bin / "initdb"), "-D", str(self.data), "--auth=trust",
                  "--username=postgres", "--encoding=UTF8", "--locale=C.UTF-8", "--no-sync")
        # Throw-away data: durability settings off make each test's CREATE DATABASE quick.
        options = (f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 "
                   "-c fsync=off -c synchronous_commit=off -c full_page_writes=off")
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-o", options,
                  "-l", str(self.folder / "server.log"), "-w", "-t", str(_START_TIMEOUT_S),
                  "start")

    def stop(self) -> None:
        subprocess.run([*self._as_user, str(self.bin / "pg_ctl"), "-D", str(self.data),
                        "-m", "immediate", "stop"], capture_output=True, timeout=60, check=False)
        shutil.rmtree(self.folder, ignore_errors=True)

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def create_database(self) -> str:
        """A new empty database; returns its SQLAlchemy URL."""
        import psycopg

        name = f"t_{uuid.uuid4().hex[:12]}"
        deadline = time.monotonic() + _START_TIMEOUT_S
        while True:
            try:
                with psycopg.connect(f"host=127.0.0.1 port={self.port} user=postgres "
                                     "dbname=postgres", autocommit=True) as connection:
                    connection.execute(f'CREATE DATABASE "{name}"')
                return self.url(name)
            except psycopg.OperationalError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)


@pytest.fixture(scope="session")
def postgres_cluster() -> Iterator[PostgresCluster]:
    cluster = PostgresCluster()
    cluster.start()
    try:
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database URL on each backend: a SQLite file, then a PostgreSQL database.
    The engines the test opened are closed after it (PostgreSQL's connections are limited)."""
    from techmap.store.db import close_all

    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'store.sqlite3'}"
    else:
        cluster: PostgresCluster = request.getfixturevalue("postgres_cluster")
        yield cluster.create_database()
    close_all()
