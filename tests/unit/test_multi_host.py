"""Two app hosts (gunicorn, two workers each) sharing one PostgreSQL and one Redis: a version
published while a load loop runs against both reaches both within 10 s, no request fails, and
every page's callbacks are answered from the version the page was drawn with (issue 16 item 5)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import requests

from tests.postgres import PostgresCluster
from tests.unit.store_helpers import one_row_less, write_demo

ROOT = Path(__file__).resolve().parents[2]
LOAD_SECONDS = 20  # the load loop's bound
PICK_UP_SECONDS = 10  # the promise: every host serves a new version within 10 s


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def router(path: str) -> dict:
    """The callback a page makes to draw itself (Dash's page router)."""
    return {"output": ".._pages_content.children..._pages_store.data..",
            "outputs": [{"id": "_pages_content", "property": "children"},
                        {"id": "_pages_store", "property": "data"}],
            "inputs": [{"id": "_pages_location", "property": "pathname", "value": path},
                       {"id": "_pages_location", "property": "search", "value": ""}],
            "state": [], "changedPropIds": ["_pages_location.pathname"]}


def _wait_for(url: str, proc: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 120
    while True:
        assert proc.poll() is None, log.read_text()[-3000:]
        try:
            if requests.get(url, timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        assert time.monotonic() < deadline, f"{url} did not answer:\n{log.read_text()[-3000:]}"
        time.sleep(0.3)


@pytest.fixture
def redis_url() -> Iterator[str]:
    server = shutil.which("redis-server")
    assert server, "redis-server is not installed (scripts/test installs it)"
    port = _free_port()
    proc = subprocess.Popen([server, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                             "--appendonly", "no"], stdout=subprocess.DEVNULL)
    try:
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def publish(folder: Path, database: str, note: str) -> None:
    result = subprocess.run([sys.executable, "-m", "techmap", "publish", str(folder), "--note",
                             note, "--by", "test", "--database", database], cwd=ROOT,
                            capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


@dataclass
class Load:
    """What the load loop saw."""
    hosts: list[str]
    failures: list[str] = field(default_factory=list)
    versions: set[str] = field(default_factory=set)
    mixed_pages: list[str] = field(default_factory=list)
    requests: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def page(self, session: requests.Session, first: int) -> None:
        """Draw a page on one host, then run its callbacks on both (no sticky sessions)."""
        host = self.hosts[first % 2]
        seen: list[str] = []
        try:
            layout = session.get(f"{host}/_dash-layout", timeout=30)
            drawn = layout.headers.get("X-Dataset-Version", "")
            statuses = [layout.status_code]
            seen.append(drawn)
            for i, path in enumerate(["/suppliers", "/about", "/"]):
                answer = session.post(f"{self.hosts[(first + i) % 2]}/_dash-update-component",
                                      json=router(path), timeout=30,
                                      headers={"X-Dataset-Version-Drawn": drawn})
                statuses.append(answer.status_code)
                seen.append(answer.headers.get("X-Dataset-Version", ""))
        except requests.RequestException as error:
            with self.lock:
                self.failures.append(f"{host}: {error}")
            return
        with self.lock:
            self.requests += len(statuses)
            self.versions.update(seen)
            self.failures += [f"{host}: HTTP {s}" for s in statuses if s != 200]
            if len(set(seen)) != 1:
                self.mixed_pages.append(f"{host}: {seen}")


def serving(host: str) -> str:
    return requests.get(f"{host}/healthz", timeout=10).headers.get("X-Dataset-Version", "")


def test_two_hosts_switch_to_a_new_version_under_load(
        postgres_cluster: PostgresCluster, redis_url: str, tmp_path: Path) -> None:
    demo = write_demo(tmp_path / "demo")
    database = postgres_cluster.create_database()
    publish(demo, database, "first")
    logs = Path(tempfile.mkdtemp(prefix="techmap-hosts-"))
    hosts, procs = [], []
    for name in ("a", "b"):
        port = _free_port()
        env = {**os.environ, "HOST": "127.0.0.1", "PORT": str(port), "WEB_CONCURRENCY": "2",
               "TECHMAP_DATASET": str(demo), "TECHMAP_DATABASE_URL": database,
               "TECHMAP_REDIS_URL": redis_url, "TECHMAP_INSTANCE_DIR": str(tmp_path / name)}
        with (logs / f"{name}.log").open("w") as log:
            procs.append(subprocess.Popen([sys.executable, "-m", "gunicorn", "app:server"],
                                          cwd=ROOT, env=env, stdout=log,
                                          stderr=subprocess.STDOUT))
        hosts.append(f"http://127.0.0.1:{port}")
    try:
        for host, proc, name in zip(hosts, procs, "ab"):
            _wait_for(f"{host}/healthz", proc, logs / f"{name}.log")
        assert [serving(h) for h in hosts] == ["1", "1"]
        load, stop = Load(hosts), threading.Event()

        def loop(offset: int) -> None:
            session, n = requests.Session(), offset
            while not stop.is_set():
                load.page(session, n)
                n += 1

        threads = [threading.Thread(target=loop, args=(i,)) for i in range(4)]
        started = time.monotonic()
        for thread in threads:
            thread.start()
        try:
            time.sleep(2)  # pages drawn from version 1 are in flight when 2 is published
            publish(one_row_less(demo, tmp_path / "v2"), database, "one contract less")
            published = time.monotonic()
            picked_up: dict[str, float] = {}
            while len(picked_up) < 2 and time.monotonic() - started < LOAD_SECONDS:
                for host in hosts:
                    if host not in picked_up and serving(host) == "2":
                        picked_up[host] = time.monotonic() - published
                time.sleep(0.2)
            time.sleep(1)  # pages drawn from version 1 finish their callbacks
        finally:
            stop.set()
            for thread in threads:
                thread.join(timeout=60)
        assert sorted(picked_up) == sorted(hosts), f"not every host switched: {picked_up}"
        assert max(picked_up.values()) <= PICK_UP_SECONDS, picked_up
        assert load.failures == [], load.failures[:10]
        assert load.mixed_pages == [], load.mixed_pages[:10]
        assert load.versions == {"1", "2"}, load.versions
        assert load.requests > 20
        assert {serving(h) for h in hosts for _ in range(8)} == {"2"}  # every worker switched
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            proc.wait(timeout=30)
