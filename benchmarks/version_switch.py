"""Budgets of issue 16 for switching versions in a running app (gunicorn, two workers).

    python benchmarks/version_switch.py                     # the demo dataset, SQLite then PostgreSQL
    python benchmarks/version_switch.py --database postgresql   # one backend (sqlite|postgresql|both)
    python benchmarks/version_switch.py --dataset datasets/london --seconds 20

A load loop (--clients threads: a page's callback and an API call, in turn) runs against one
gunicorn host serving the store (a SQLite file, or a PostgreSQL database in a throw-away cluster
started as the tests start it: Debian's postgresql); after --seconds it publishes a new version (one contract
less) and keeps going until every new request gets it. Measures (budget):
- pick-up: from the publish's commit to the start of the last request answered from the old
  version (< 10 s);
- p95 latency of requests during the switch (from the publish until 2 s after the pick-up)
  within 1.5x of the p95 before it;
- failed requests (HTTP status other than 200, or no answer): 0, enforced on every run.
Prints the figures per backend; exits 1 when one is over budget. --smoke: SQLite only, briefly.
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np
import requests

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from _budgets import add_smoke_flag, exit_status  # noqa: E402  (beside this script)
from techmap.store.db import close_all, open_database  # noqa: E402
from techmap.store.publishing import publish_folder  # noqa: E402

PICK_UP_S = 10.0
DURING_OVER_BEFORE = 1.5
AFTER_PICK_UP_S = 2.0
ROUTER = {"output": ".._pages_content.children..._pages_store.data..",
          "outputs": [{"id": "_pages_content", "property": "children"},
                      {"id": "_pages_store", "property": "data"}],
          "inputs": [{"id": "_pages_location", "property": "pathname", "value": "/suppliers"},
                     {"id": "_pages_location", "property": "search", "value": ""}],
          "state": [], "changedPropIds": ["_pages_location.pathname"]}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def one_row_less(folder: Path, out: Path) -> Path:
    shutil.copytree(folder, out)
    lines = (out / "contracts.csv").read_bytes().rstrip(b"\r\n").splitlines(keepends=True)
    (out / "contracts.csv").write_bytes(b"".join(lines[:-1]))
    return out


def start_host(dataset: Path, url: str, work: Path) -> tuple[subprocess.Popen, str]:
    port = _free_port()
    env = {**os.environ, "HOST": "127.0.0.1", "PORT": str(port), "WEB_CONCURRENCY": "2",
           "TECHMAP_DATASET": str(dataset), "TECHMAP_DATABASE_URL": url,
           "TECHMAP_TODAY": "2026-11-22", "LOG_LEVEL": "warning"}
    env.pop("TECHMAP_REDIS_URL", None)
    log = (work / "gunicorn.log").open("w")
    proc = subprocess.Popen([sys.executable, "-m", "gunicorn", "app:server", "--access-logfile",
                             "/dev/null"], cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT)
    host = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            if requests.get(f"{host}/healthz", timeout=2).status_code == 200:
                return proc, host
        except requests.RequestException:
            time.sleep(0.3)
    proc.kill()
    raise SystemExit(f"gunicorn did not start:\n{(work / 'gunicorn.log').read_text()[-3000:]}")


class Loop:
    """Client threads recording (start, seconds, version, ok) for every request."""

    def __init__(self, host: str, clients: int) -> None:
        self.host, self.stop = host, threading.Event()
        self.records: list[tuple[float, float, str, bool]] = []
        self.lock = threading.Lock()
        self.threads = [threading.Thread(target=self._run, args=(i,)) for i in range(clients)]

    def _run(self, offset: int) -> None:
        session, n = requests.Session(), offset
        while not self.stop.is_set():
            start = time.monotonic()
            try:
                if n % 2:
                    answer = session.post(f"{self.host}/_dash-update-component", json=ROUTER,
                                          timeout=30)
                else:
                    answer = session.get(f"{self.host}/api/v1/summary", timeout=30)
                ok, version = answer.status_code == 200, answer.headers.get("X-Dataset-Version", "")
            except requests.RequestException:
                ok, version = False, ""
            with self.lock:
                self.records.append((start, time.monotonic() - start, version, ok))
            n += 1

    def __enter__(self) -> Loop:
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=60)


def p95(values: list[float]) -> float:
    return float(np.percentile(values, 95)) if values else float("nan")


def measure(backend: str, args: argparse.Namespace, work: Path) -> list[tuple[str, bool, list[str]]]:
    """One run on `backend` (sqlite: a file; postgresql: a throw-away cluster, as the tests start
    it): prints its figures, returns (budget, ok, kind) for each check."""
    cluster = None
    if backend == "postgresql":
        from tests.postgres import PostgresCluster

        cluster = PostgresCluster()
        cluster.start()
        url = cluster.create_database()
    else:
        url = f"sqlite:///{work / 'store.sqlite3'}"
    try:
        database = open_database(url)
        publish_folder(database, args.dataset, note="before", by="benchmark")
        proc, host = start_host(args.dataset, url, work)
        try:
            with Loop(host, args.clients) as loop:
                time.sleep(args.seconds)
                publish_folder(database, one_row_less(args.dataset, work / "v2"), note="after",
                               by="benchmark")
                published = time.monotonic()
                deadline = published + 3 * PICK_UP_S
                while time.monotonic() < deadline:
                    time.sleep(0.5)
                    with loop.lock:
                        old = [r[0] for r in loop.records if r[2] == "1"]
                        new = any(r[2] == "2" for r in loop.records)
                    if new and time.monotonic() - max(old, default=published) > AFTER_PICK_UP_S:
                        break  # every worker switched a while ago
            records = list(loop.records)
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    finally:
        close_all()
        if cluster is not None:
            cluster.stop()
    last_old = max((r[0] for r in records if r[2] == "1"), default=published)
    pick_up = max(0.0, last_old - published)
    before = [r[1] for r in records if r[0] + r[1] < published and r[3]]
    during = [r[1] for r in records if published <= r[0] <= last_old + AFTER_PICK_UP_S and r[3]]
    failed = sum(1 for r in records if not r[3])
    switched = any(r[2] == "2" for r in records)
    p95_before, p95_during = p95(before), p95(during)
    print(f"{backend}: requests: {len(records)} ({len(before)} before the publish, {len(during)} "
          f"during the switch), failed: {failed}")
    print(f"{backend}: pick-up of the new version: {pick_up:.2f} s")
    print(f"{backend}: p95 before: {p95_before * 1000:.1f} ms, during the switch: "
          f"{p95_during * 1000:.1f} ms ({p95_during / p95_before:.2f}x)")
    return [(f"{backend}: pick-up < {PICK_UP_S:.0f} s", switched and pick_up < PICK_UP_S, "over"),
            (f"{backend}: p95 during <= {DURING_OVER_BEFORE}x p95 before",
             p95_during <= DURING_OVER_BEFORE * p95_before, "over"),
            (f"{backend}: failed requests == 0 and the new version served",
             failed == 0 and switched, "always")]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dataset", type=Path, default=REPO / "datasets" / "demo")
    parser.add_argument("--seconds", type=float, default=10, help="load before the publish")
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--database", choices=("sqlite", "postgresql", "both"), default="both",
                        help="the store's backend (default: both, one after the other)")
    add_smoke_flag(parser)
    args = parser.parse_args()
    if args.smoke:
        args.seconds, args.clients, args.database = 2, 2, "sqlite"
    backends = ["sqlite", "postgresql"] if args.database == "both" else [args.database]
    checks = []
    for backend in backends:
        work = Path(tempfile.mkdtemp(prefix=f"techmap-switch-{backend}-"))
        try:
            checks += measure(backend, args, work)
        finally:
            shutil.rmtree(work, ignore_errors=True)
    over, always = [], []
    for name, ok, kind in checks:
        print(f"budget: {name}: {'OK' if ok else 'OVER'}")
        if not ok:
            (over if kind == "over" else always).append(name)
    return exit_status(over, args.smoke, always)


if __name__ == "__main__":
    sys.exit(main())
