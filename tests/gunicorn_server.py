"""A real gunicorn, started with the repository's gunicorn.conf.py on a free port, for tests of
what only a real server shows (slow clients, chunked bodies, headers on the wire)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def gunicorn(env_extra: dict[str, str] | None = None, args: Sequence[str] = ()
             ) -> Iterator[tuple[str, int, Path]]:
    """Yield (base URL, port, log file) of a gunicorn serving app:server with gunicorn.conf.py
    (picked up from the repository's root, as in production) and `args`; stopped on exit."""
    port = free_port()
    log = Path(tempfile.mkdtemp(prefix="techmap-gunicorn-")) / "server.log"
    env = {**os.environ, "HOST": "127.0.0.1", "PORT": str(port), **(env_extra or {})}
    with log.open("w") as out:
        proc = subprocess.Popen([sys.executable, "-m", "gunicorn", "app:server", *args], cwd=ROOT,
                                env=env, stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 180
        while True:
            assert proc.poll() is None, log.read_text()[-3000:]
            try:
                urllib.request.urlopen(base + "/healthz", timeout=2).close()
                break
            except OSError:
                assert time.time() < deadline, "gunicorn did not start: " + log.read_text()[-3000:]
                time.sleep(0.3)
        yield base, port, log
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
