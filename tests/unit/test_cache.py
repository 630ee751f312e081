"""The one cache (techmap.service.cache): bounded, keyed by (dataset version, role, view, state),
shared through a real Redis server as JSON, and harmless when Redis is slow, refused or hostile."""

import json
import logging
import os
import pickle
import shutil
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from techmap.filters import FilterState
from techmap.service import cache, context, views
from techmap.service.views import headline_for, in_view, metrics_for, view

REPO = Path(__file__).resolve().parents[2]


def test_tiers_are_bounded_and_evict_the_least_recently_used():
    tier = cache.Tier("test", cache.cachetools.LRUCache(maxsize=2))
    tier.set("a", 1)
    tier.set("b", 2)
    assert tier.get("a") == 1  # a is now the most recent
    tier.set("c", 3)
    assert tier.get("b") is cache.MISSING
    assert tier.get("a") == 1 and tier.get("c") == 3
    assert len(tier) == 2


def test_response_tier_is_bounded_in_entries_and_bytes():
    store = cache.BytesLRU(max_entries=3, max_bytes=100)
    for n in range(5):
        store[n] = b"x" * 30
    assert store.currsize <= 100 and len(store) == 3 and 0 not in store and 4 in store
    store["huge"] = b"x" * 101
    assert "huge" not in store
    for n in range(10, 15):
        store[n] = b"y"
    assert len(store) == 3


def test_a_view_is_computed_once_per_state_and_role():
    calls = []

    @view()
    def slow(filters: FilterState) -> int:
        calls.append(filters)
        return len(filters.authority)

    one = FilterState(authority=("E09000007",))
    assert slow(one) == 1 and slow(one) == 1
    assert slow(FilterState()) == 0
    assert len(calls) == 2
    assert slow(one, role="public") == 1  # another audience: its own entry
    assert len(calls) == 3
    key = views.cache_key("x", ("state",))
    assert key[:2] == (context.dataset_version(), context.role())


def test_views_match_uncached_queries():
    cache.clear()
    state = FilterState(area=("housing",))
    first = in_view(state)
    assert in_view(state) == first
    assert cache.stats()["hits"] >= 1
    rows = context.dataset().contracts
    housing = rows[rows["service_area"] == "housing"]
    assert first == (len(housing), housing["authority_code"].nunique(), int(housing["synthetic"].sum()))
    assert headline_for(state, context.today())["contracts"] == len(housing)
    assert metrics_for(state, ("authority",), context.today())["contracts"].sum() == len(housing)


def test_dataset_version_is_the_content_hash_of_its_files(tmp_path):
    folder = context.settings().dataset_path
    assert context.dataset_version() == context.content_hash(folder)
    copy = tmp_path / "copy"
    shutil.copytree(folder, copy)
    assert context.content_hash(copy) == context.content_hash(folder)
    (copy / "manifest.json").write_text((copy / "manifest.json").read_text() + " ")
    assert context.content_hash(copy) != context.content_hash(folder)


def test_reset_empties_every_tier():
    metrics_for(FilterState(), ("authority",), context.today())
    views.table_positions(context.dataset(), FilterState(), "all", views.TableQuery(), context.today(), False)
    cache.RESPONSES.set(b"k", b"v")
    cache.FEEDS.set("k", (b"v", ""))
    cache.DOWNLOADS.set("k", b"xlsx")
    array = np.arange(3)
    cache.ARRAYS.keep("codes", array, 1)
    cache.SEARCH.keep("search-index", array, None)
    assert all(len(tier) for tier in cache.TIERS)
    context.reset()
    assert not any(len(tier) for tier in cache.TIERS)


def test_json_forms_round_trip_what_views_return():
    table = metrics_for(FilterState(area=("housing",)), ("authority",), context.today())
    back = cache.decode(cache.encode(table))
    pd.testing.assert_frame_equal(back, table)
    value = {"n": 1, "t": (1, 2.5, None), "d": context.today(), "nan": float("nan")}
    again = cache.decode(cache.encode(value))
    assert again["t"] == (1, 2.5, None) and again["d"] == context.today() and again["nan"] != again["nan"]
    dated = pd.DataFrame({"quarter": ["2027 Q1"], "quarter_start": [context.today()], "n": [3]})
    restored = cache.decode(cache.encode(dated))  # dates inside a frame come back as dates
    pd.testing.assert_frame_equal(restored, dated)
    with pytest.raises(TypeError):
        cache.encode(object())


def test_malformed_urls_are_refused_with_the_reason():
    assert cache.check_redis_url("redis://localhost:6379/0")
    for url, reason in [("http://localhost:6379", "scheme"), ("redis://:notaport", "port"),
                        ("redis://localhost:6379/zero", "database"), ("localhost:6379", "scheme")]:
        with pytest.raises(ValueError, match=reason):
            cache.check_redis_url(url)


def test_the_app_refuses_to_start_with_a_malformed_redis_url():
    env = {**os.environ, "TECHMAP_REDIS_URL": "http://localhost:6379"}
    done = subprocess.run([sys.executable, "-c", "import app"], cwd=REPO, env=env, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 1
    assert "TECHMAP_REDIS_URL 'http://localhost:6379': the scheme must be" in done.stderr
    assert "Traceback" not in done.stderr


# ---- a real Redis, a silent one, a refused one --------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture()
def redis_url(monkeypatch):
    server = shutil.which("redis-server")
    assert server, "redis-server is not installed (scripts/test installs it)"
    port = _free_port()
    proc = subprocess.Popen([server, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                             "--appendonly", "no"], stdout=subprocess.DEVNULL)
    for _ in range(50):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.1)
    url = f"redis://127.0.0.1:{port}/0"
    monkeypatch.setenv("TECHMAP_REDIS_URL", url)
    cache.clear()
    yield url
    proc.terminate()
    proc.wait(timeout=5)
    cache.clear()


def test_results_are_shared_through_redis_as_json(redis_url):
    import redis

    calls = []

    @view()
    def figure(filters: FilterState) -> dict:
        calls.append(1)
        return {"n": len(filters.area)}

    state = FilterState(area=("housing", "parking"))
    assert figure(state) == {"n": 2}
    cache.clear()  # as if another process asked: the in-process tier is empty, Redis has it
    assert figure(state) == {"n": 2}
    assert len(calls) == 1
    client = redis.Redis.from_url(redis_url)
    stored = [client.get(k) for k in client.keys("techmap:*")]
    assert stored and all(json.loads(v) is not None for v in stored)  # JSON text, not a pickle


def test_nothing_read_back_from_redis_can_run_code(redis_url, tmp_path, caplog):
    import redis

    marker = tmp_path / "ran"

    class Exploit:
        def __reduce__(self):
            return (os.system, (f"touch {marker}",))

    @view()
    def count(filters: FilterState) -> int:
        return 7

    state = FilterState(q="exploit")
    key = views.shared_key(views.cache_key(f"{count.__module__}.{count.__qualname__}", ((state,), ())))
    redis.Redis.from_url(redis_url).set("techmap:v1:" + key, pickle.dumps(Exploit()))
    with caplog.at_level(logging.WARNING, logger="techmap.cache"):
        assert count(state) == 7  # the hand-written entry is not a value: recomputed
    assert not marker.exists()
    assert any("is not a value this version reads" in r.getMessage() for r in caplog.records)


class SilentServer:
    """Accepts connections and reads, never answers: a Redis that hangs."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self.closed_by_client = threading.Event()
        self.running = True
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        while self.running:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.connections += 1
            threading.Thread(target=self._hold, args=(conn,), daemon=True).start()

    def _hold(self, conn):
        with conn:
            while True:
                try:
                    if not conn.recv(4096):  # the client gave up and closed the connection
                        self.closed_by_client.set()
                        return
                except OSError:
                    return

    def close(self):
        self.running = False
        self.sock.close()


def test_a_redis_that_never_answers_costs_one_timeout_then_is_left_alone(monkeypatch, caplog):
    server = SilentServer()
    monkeypatch.setenv("TECHMAP_REDIS_URL", f"redis://127.0.0.1:{server.port}/0")
    cache.clear()
    calls = []

    @view()
    def answer(filters: FilterState) -> int:
        calls.append(1)
        return 42

    results = []
    with caplog.at_level(logging.WARNING, logger="techmap.cache"):
        worker = threading.Thread(target=lambda: results.extend(answer(FilterState(q=str(n))) for n in range(5)))
        worker.start()
        worker.join(timeout=30)  # a hang would be the default: no timeout at all
    try:
        assert not worker.is_alive(), "a silent Redis held the request"
        assert results == [42] * 5 and len(calls) == 5
        assert server.connections == 1  # after the first timeout Redis is paused, not retried
        assert server.closed_by_client.wait(10)  # the client gave up on its own (its read timeout)
        client = cache.shared_tier().client.connection_pool.connection_kwargs
        assert client["socket_timeout"] == cache.REDIS_TIMEOUT == client["socket_connect_timeout"]
        warnings = [r for r in caplog.records if r.name == "techmap.cache"]
        assert len(warnings) == 1 and warnings[0].exc_info is None
    finally:
        server.close()
        cache.clear()


def test_a_refused_redis_logs_one_line_per_outage(monkeypatch, caplog):
    monkeypatch.setenv("TECHMAP_REDIS_URL", f"redis://127.0.0.1:{_free_port()}/0")  # nobody listens
    cache.clear()

    @view()
    def double(n: int) -> int:
        return 2 * n

    with caplog.at_level(logging.WARNING, logger="techmap.cache"):
        assert [double(n) for n in range(6)] == [0, 2, 4, 6, 8, 10]
        lines = [r for r in caplog.records if r.name == "techmap.cache"]
        assert len(lines) == 1 and lines[0].exc_info is None
        assert "unavailable" in lines[0].getMessage() and "retrying in 30 s" in lines[0].getMessage()
        cache.shared_tier().paused_until = 0  # the pause is over: still down, a second outage line
        assert double(10) == 20
        assert len([r for r in caplog.records if r.name == "techmap.cache"]) == 2
    cache.clear()
