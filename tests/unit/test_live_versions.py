"""Published versions switched in a running process (techmap.service.live, web/live_version.py):
a new version is picked up, a request in flight keeps its own, callbacks of a page drawn from an
older version are answered from it while it is kept and asked to reload after, and a store that
stops answering leaves the process serving what it has, "degraded"."""

from __future__ import annotations

import logging
import shutil
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from techmap.service import context
from techmap.service.live import LiveData, VersionExpired, store_source
from techmap.store.db import close_all, open_database
from techmap.store.default import open_store
from techmap.store.publishing import publish_folder
from tests.postgres import PostgresCluster, _free_port
from tests.unit.dash_requests import router_request
from tests.unit.store_helpers import one_row_less, write_demo

ROUTER = router_request("/about")


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_demo(tmp_path_factory.mktemp("demo") / "demo")


class Clock:
    """A clock the test moves on (the holder's "kept for 60 s" without waiting 60 s)."""
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def store(tmp_path: Path, demo: Path) -> Iterator:
    database = open_database(f"sqlite:///{tmp_path / 'store.sqlite3'}")
    publish_folder(database, demo, note="first", by="test")
    yield database
    close_all()


def test_a_new_version_is_picked_up_and_a_request_in_flight_keeps_its_own(store, demo, tmp_path):
    live = LiveData(store_source(store, public=False))
    in_flight = live.current()
    rows = len(in_flight.data.contracts)
    assert in_flight.number == 1 and in_flight.data.version == 1
    live.check_now()  # nothing new
    assert live.current() is in_flight
    publish_folder(store, one_row_less(demo, tmp_path / "v2"), note="second", by="test")
    live.check_now()
    assert live.current().number == 2 and len(live.current().data.contracts) == rows - 1
    assert in_flight.number == 1 and len(in_flight.data.contracts) == rows  # untouched
    assert live.number_of(in_flight.data) == 1 and live.number_of(live.current().data) == 2
    assert live.problem is None


def test_old_versions_are_kept_for_their_callbacks_then_expire(store, demo, tmp_path):
    clock = Clock()
    live = LiveData(store_source(store, public=False), keep_seconds=60, clock=clock)
    first = live.current()
    publish_folder(store, one_row_less(demo, tmp_path / "v2"), note="second", by="test")
    live.check_now()
    clock.now += 59
    assert live.get(1) is first and live.get(2) is live.current()
    clock.now += 2
    with pytest.raises(VersionExpired):
        live.get(1)
    with pytest.raises(VersionExpired):
        live.get(7)  # never published


def test_a_version_drawn_on_another_host_is_picked_up_on_demand(store, demo, tmp_path):
    live = LiveData(store_source(store, public=False))
    live.current()
    publish_folder(store, one_row_less(demo, tmp_path / "v2"), note="second", by="test")
    assert live.get(2).number == 2 == live.current().number


def test_the_background_checker_picks_up_a_new_version(store, demo, tmp_path):
    live = LiveData(store_source(store, public=False), check_seconds=0.05)
    live.current()
    live.ensure_checking()
    try:
        publish_folder(store, one_row_less(demo, tmp_path / "v2"), note="second", by="test")
        deadline = time.monotonic() + 30  # a bound on waiting, not a timed assertion
        while live.current().number != 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert live.current().number == 2
        assert [t for t in threading.enumerate() if t.name == "dataset-version-check"]
    finally:
        live.stop_checking()


def test_a_version_that_fails_to_load_leaves_the_process_serving(store, demo, tmp_path, caplog):
    live = LiveData(store_source(store, public=False))
    first = live.current()
    bad = one_row_less(demo, tmp_path / "v2")
    publish_folder(store, bad, note="second", by="test")
    with store.transaction() as session:  # version 2's rows go missing: it cannot load
        from sqlalchemy import text
        session.execute(text("UPDATE dataset_version SET row_count = row_count + 5 "
                             "WHERE number = 2"))
    with caplog.at_level(logging.WARNING, logger="techmap.live"):
        live.check_now()
        live.check_now()  # the same problem is logged once
    assert live.current() is first
    assert live.problem and "version 2" in live.problem
    assert len([r for r in caplog.records if "still serving version 1" in r.message]) == 1


# ---- the app: one version per request, the header, callbacks, health --------------------------

@pytest.fixture
def app_on(monkeypatch: pytest.MonkeyPatch) -> Iterator:
    """The app's server serving the store at a URL the test sets."""
    import app

    def serve(url: str) -> object:
        monkeypatch.setenv("TECHMAP_DATABASE_URL", url)
        context.reset()
        return app.server.test_client()

    yield serve
    monkeypatch.undo()
    context.reset()
    close_all()


def test_requests_carry_their_version_and_old_pages_are_answered_from_theirs(
        app_on, demo, tmp_path):
    url = f"sqlite:///{tmp_path / 'app.sqlite3'}"
    publish_folder(open_store(url, dataset_folder=demo), demo, note="first", by="test")
    client = app_on(url)
    layout = client.get("/_dash-layout")
    assert layout.headers["X-Dataset-Version"] == "1"
    assert "Published version 1 of" in layout.get_data(as_text=True)
    publish_folder(open_database(url), one_row_less(demo, tmp_path / "v2"), note="2", by="test")
    context.live().check_now()
    assert client.get("/healthz").headers["X-Dataset-Version"] == "2"
    assert "Published version 2 of" in client.get("/_dash-layout").get_data(as_text=True)
    old_page = client.post("/_dash-update-component", json=ROUTER,
                           headers={"X-Dataset-Version-Drawn": "1"})
    assert old_page.status_code == 200 and old_page.headers["X-Dataset-Version"] == "1"
    new_page = client.post("/_dash-update-component", json=ROUTER,
                           headers={"X-Dataset-Version-Drawn": "2"})
    assert new_page.headers["X-Dataset-Version"] == "2"
    context.live()._kept.clear()  # as 60 s later: version 1 is gone from this process
    gone = client.post("/_dash-update-component", json=ROUTER,
                       headers={"X-Dataset-Version-Drawn": "1"})
    assert gone.status_code == 409 and gone.headers["X-Dataset-Reload"] == "1"
    assert "reload the page" in gone.get_json()["error"]
    assert client.get("/assets/live_version.js").status_code == 200  # offers the reload


def test_a_stopped_database_leaves_the_app_serving_degraded(app_on, demo, caplog):
    cluster = PostgresCluster()
    cluster.start()
    try:
        url = cluster.create_database()
        client = app_on(url)  # an empty store: seeded from the dataset folder
        health = client.get("/healthz").get_json()
        assert health["status"] == "ok" and health["version"] == 1 and health["reason"] is None
    finally:
        cluster.stop()
    with caplog.at_level(logging.WARNING, logger="techmap.live"):
        context.live().check_now()
    degraded = client.get("/healthz")
    assert degraded.status_code == 200 and degraded.get_json()["status"] == "degraded"
    assert "OperationalError" in degraded.get_json()["reason"]
    assert client.get("/").status_code == 200
    page = client.post("/_dash-update-component", json=ROUTER)
    assert page.status_code == 200 and page.headers["X-Dataset-Version"] == "1"
    assert any("still serving version 1" in r.message for r in caplog.records)


def test_a_version_announced_over_redis_is_picked_up_without_waiting_for_a_check(
        store, demo, tmp_path, monkeypatch):
    import redis

    from techmap.cli import main as cli
    from techmap.store.news import CHANNEL

    server = shutil.which("redis-server")
    assert server, "redis-server is not installed (scripts/test installs it)"
    port = _free_port()
    proc = subprocess.Popen([server, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                             "--appendonly", "no"], stdout=subprocess.DEVNULL)
    url = f"redis://127.0.0.1:{port}/0"
    monkeypatch.setenv("TECHMAP_REDIS_URL", url)
    live = LiveData(store_source(store, public=False), check_seconds=3600)  # no timed check
    live.current()
    try:
        deadline = time.monotonic() + 30
        live.ensure_checking()
        while time.monotonic() < deadline:  # until the listener has subscribed
            try:
                if redis.Redis.from_url(url).pubsub_numsub(CHANNEL)[0][1] == 1:
                    break
            except redis.ConnectionError:
                pass  # redis-server still starting
            time.sleep(0.05)
        assert cli(["publish", str(one_row_less(demo, tmp_path / "v2")), "--note", "2",
                    "--database", str(store.url)]) == 0
        while live.current().number != 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert live.current().number == 2
    finally:
        live.stop_checking()
        proc.terminate()
        proc.wait(timeout=10)
