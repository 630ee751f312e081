"""Per-filter-state caching: bounded, keyed by state, and shared through a real Redis server."""

import shutil
import socket
import subprocess
import time

import pytest

from techmap import cache, context
from techmap.cache import BoundedCache, memoised
from techmap.filters import FilterState
from techmap.views import headline_for, in_view, metrics_for


def test_bounded_cache_evicts_least_recently_used():
    c = BoundedCache(size=2)
    c.set("a", 1)
    c.set("b", 2)
    assert c.get("a") == 1  # a is now the most recent
    c.set("c", 3)
    assert c.get("b") is cache.MISSING
    assert c.get("a") == 1 and c.get("c") == 3
    assert len(c) == 2


def test_memoised_computes_once_per_state():
    calls = []

    @memoised
    def slow(filters: FilterState) -> int:
        calls.append(filters)
        return len(filters.authority)

    one = FilterState(authority=("E09000007",))
    assert slow(one) == 1 and slow(one) == 1
    assert slow(FilterState()) == 0
    assert len(calls) == 2


def test_views_match_uncached_queries():
    cache.clear()
    state = FilterState(area=("housing",))
    first = in_view(state)
    assert in_view(state) == first
    stats = cache.stats()
    assert stats["hits"] >= 1
    rows = context.dataset().contracts
    housing = rows[rows["service_area"] == "housing"]
    assert first == (len(housing), housing["authority_code"].nunique(), int(housing["synthetic"].sum()))
    assert headline_for(state, context.today())["contracts"] == len(housing)
    assert metrics_for(state, ("authority",), context.today())["contracts"].sum() == len(housing)


@pytest.fixture()
def redis_url(monkeypatch):
    server = shutil.which("redis-server")
    if not server:
        pytest.fail("redis-server is not installed (scripts/test installs it)")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([server, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                             "--appendonly", "no"], stdout=subprocess.DEVNULL)
    for _ in range(50):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.1)
    monkeypatch.setenv("TECHMAP_REDIS_URL", f"redis://127.0.0.1:{port}/0")
    monkeypatch.setattr(cache, "_shared_ready", False)
    monkeypatch.setattr(cache, "_shared", None)
    yield
    proc.terminate()
    proc.wait(timeout=5)


def test_results_are_shared_through_redis(redis_url):
    calls = []

    @memoised
    def figure(filters: FilterState) -> dict:
        calls.append(1)
        return {"n": len(filters.area)}

    state = FilterState(area=("housing", "parking"))
    assert figure(state) == {"n": 2}
    cache.clear()  # as if another process asked: the local LRU is empty, Redis has it
    assert figure(state) == {"n": 2}
    assert len(calls) == 1
