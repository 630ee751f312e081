"""Expensive requests (Excel files, big CSVs, calendars of a view) cannot crowd out the rest:
a bounded number build at once per worker (503 with Retry-After beyond), a build is shared by
requests that differ only in parameters the app ignores, and each client is rate limited."""

from __future__ import annotations

import threading

import pytest

import app as app_module
from techmap.service import cache
from web import downloads

client = app_module.server.test_client()
XLSX = "/download/contracts.xlsx"


@pytest.fixture()
def counted_builds(monkeypatch):
    """Count the Excel files actually built (the real builder does the work)."""
    from web import expensive

    cache.DOWNLOADS.clear()
    real = downloads.xlsx_bytes
    calls: list[int] = []

    def counting(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(downloads, "xlsx_bytes", counting)
    return calls


def test_requests_differing_only_in_junk_parameters_share_one_build(counted_builds):
    first = client.get(XLSX + "?area=housing&utm_source=x1")
    second = client.get(XLSX + "?junk=%E2%9C%93&area=housing&another=2&flag=stale")
    assert first.status_code == second.status_code == 200
    assert first.get_data() == second.get_data()
    assert len(counted_builds) == 1
    other_view = client.get(XLSX + "?area=finance-erp&utm_source=x1")
    assert other_view.status_code == 200 and len(counted_builds) == 2


def test_builds_beyond_the_bound_get_503_with_retry_after(monkeypatch):
    """As many builds held open as the bound allows: another view is refused at once; once
    they finish it is built."""
    from web import expensive

    cache.DOWNLOADS.clear()
    monkeypatch.setattr(expensive, "CSV_GATED_ROWS", 1000)  # the demo data has ~1,500 rows
    real = downloads.xlsx_bytes
    release = threading.Event()
    started = threading.Semaphore(0)

    def slow(*args, **kwargs):
        started.release()
        release.wait(timeout=60)
        return real(*args, **kwargs)

    monkeypatch.setattr(downloads, "xlsx_bytes", slow)
    statuses: list[int] = []
    views = ["?area=housing", "?area=finance-erp", "?area=libraries", "?area=waste"][:expensive.SLOTS]
    held = [threading.Thread(target=lambda q=q: statuses.append(client.get(XLSX + q).status_code))
            for q in views]
    for thread in held:
        thread.start()
    try:
        for _ in held:
            assert started.acquire(timeout=60), "the builds did not start"
        refused = client.get(XLSX + "?area=adult-social-care")
        assert refused.status_code == 503
        assert int(refused.headers["Retry-After"]) > 0
        assert "try again" in refused.get_data(as_text=True)
        big_csv = client.get("/download/contracts.csv")  # every row: a big CSV needs a slot too
        assert big_csv.status_code == 503 and "Retry-After" in big_csv.headers
        assert client.get("/healthz").status_code == 200  # cheap requests are not held up
    finally:
        release.set()
        for thread in held:
            thread.join(timeout=60)
    assert statuses == [200] * len(views)
    assert client.get(XLSX + "?area=adult-social-care").status_code == 200
    csv = client.get("/download/contracts.csv")
    assert csv.status_code == 200 and csv.get_data()  # sent whole: its slot is given back
    assert client.get(XLSX + "?area=children-social-care").status_code == 200


def test_a_refused_build_does_no_work_but_a_built_file_is_still_served(monkeypatch, counted_builds):
    """With every slot taken, a cache miss is refused before the view is filtered (so a flood of
    misses costs the worker's event loop little); a file built before is still served."""
    from web import expensive

    assert client.get(XLSX + "?area=housing").status_code == 200
    filtered: list[int] = []
    real = downloads.view_positions
    monkeypatch.setattr(downloads, "view_positions", lambda *a, **k: filtered.append(1) or real(*a, **k))
    for _ in range(expensive.SLOTS):
        expensive._take_slot()
    try:
        assert client.get(XLSX + "?area=finance-erp").status_code == 503
        assert filtered == []
        assert client.get(XLSX + "?area=housing&junk=1").status_code == 200
    finally:
        for _ in range(expensive.SLOTS):
            expensive._slots.release()
    assert client.get(XLSX + "?area=finance-erp").status_code == 200 and len(counted_builds) == 2


STREAM_UNDER_GEVENT = """
from gevent import monkey; monkey.patch_all()
import gevent
from flask import Response
from web import expensive

ran = []
gevent.spawn(lambda: ran.append(1))  # another request's greenlet, ready to run
response = expensive.hold_while_streaming(Response(iter([b"a"] * 3)))
first = next(iter(response.response))
print(first == b"a", ran == [])  # nothing else ran before the first chunk was sent
print(b"".join(response.response) == b"aa", ran == [1])  # ...and did between the chunks
"""


def test_under_gevent_a_streamed_csv_lets_other_requests_run_between_its_chunks():
    from tests.unit.test_hosting import _run_app

    assert _run_app({}, STREAM_UNDER_GEVENT).split() == ["True"] * 4


def test_each_client_is_rate_limited_on_expensive_downloads(monkeypatch):
    from web import limits

    monkeypatch.setattr(limits, "EXPENSIVE_RATE", "3 per minute")
    limits.limiter.reset()
    try:
        for query in ("?area=housing", "?x=1", "?x=2"):
            assert client.get(XLSX + query).status_code == 200
        limited = client.get("/download/contracts.csv?x=3")  # one count for every expensive route
        assert limited.status_code == 429
        assert int(limited.headers["Retry-After"]) > 0
        assert "Traceback" not in limited.get_data(as_text=True)
        assert client.get("/calendar/renewals.ics?authority=E09000007").status_code == 429
        # another visitor behind the trusted proxy (127.0.0.1) has its own count
        other = client.get(XLSX, headers={"X-Forwarded-For": "203.0.113.7"})
        assert other.status_code == 200
        assert client.get("/healthz").status_code == 200  # cheap routes are not limited
    finally:
        limits.limiter.reset()


def test_on_gunicorn_an_excel_file_is_built_in_a_child_process_and_is_whole():
    """gunicorn's gevent workers build in a forked child (web/expensive.py): the file comes back
    whole, junk parameters share it, and the worker serves on. The version checker runs every
    0.2 s meanwhile: its copies in forked processes (the worker forked from the preloading master,
    the build's child) must end without a traceback."""
    import io
    import time
    import urllib.request

    import openpyxl

    from tests.gunicorn_server import gunicorn

    env = {"WEB_CONCURRENCY": "1", "TECHMAP_EXPENSIVE_RATE": "100 per minute",
           "TECHMAP_VERSION_CHECK_SECONDS": "0.2"}
    with gunicorn(env) as (base, _, log):
        bodies = []
        for junk in ("a", "b"):
            with urllib.request.urlopen(f"{base}{XLSX}?area=housing&junk={junk}", timeout=60) as response:
                assert response.status == 200
                bodies.append(response.read())
        time.sleep(1)  # several checks after the forks
        with urllib.request.urlopen(base + "/healthz", timeout=10) as response:
            assert response.status == 200
    assert bodies[0] == bodies[1]
    book = openpyxl.load_workbook(io.BytesIO(bodies[0]))
    rows = list(book["contracts"].iter_rows(values_only=True))
    assert len(rows) > 10 and "contract_id" in rows[0]  # a header and the view's rows
    assert "Traceback" not in log.read_text()


COUNT_REQUESTS = """
import app
client = app.server.test_client()
print([client.get("/download/contracts.xlsx?area=housing&n=%d" % n).status_code for n in range({n})])
"""


def test_with_redis_the_rate_limit_is_counted_across_processes(tmp_path):
    """Where TECHMAP_REDIS_URL is set, the limiter counts in Redis: a second process (another
    worker or host) sees the first one's requests."""
    import shutil
    import socket
    import subprocess

    from tests.unit.test_hosting import _run_app

    server = shutil.which("redis-server")
    assert server, "redis-server is needed (scripts/test installs it)"
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    redis = subprocess.Popen([server, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                              "--appendonly", "no"], stdout=subprocess.DEVNULL)
    try:
        env = {"TECHMAP_REDIS_URL": f"redis://127.0.0.1:{port}/0", "TECHMAP_EXPENSIVE_RATE": "3 per minute"}
        assert _run_app(env, COUNT_REQUESTS.format(n=2)).strip() == "[200, 200]"
        assert _run_app(env, COUNT_REQUESTS.format(n=2)).strip() == "[200, 429]"
    finally:
        redis.terminate()
        redis.wait(timeout=10)


def test_a_malformed_redis_url_leaves_the_limits_per_process_with_one_clear_message(monkeypatch, caplog):
    from web import limits

    monkeypatch.setenv("TECHMAP_REDIS_URL", "localhost:6379")
    assert limits.storage_uri() == "memory://"
    assert caplog.text.count("TECHMAP_REDIS_URL is not a Redis URL") == 1
    monkeypatch.setenv("TECHMAP_REDIS_URL", "redis://cache.internal:6379/2")
    assert limits.storage_uri() == "redis://cache.internal:6379/2"


def test_a_built_file_is_never_shared_across_roles(counted_builds):
    """The anonymous visitor's file (public fields only) and a member's differ: same view,
    separate builds, each served only to its own role."""
    from tests.unit.auth_helpers import bearer_token

    member = {"Authorization": f"Bearer {bearer_token()}"}
    anonymous_file = client.get(XLSX + "?junk=1").get_data()
    member_file = client.get(XLSX + "?junk=2", headers=member).get_data()
    assert len(counted_builds) == 2 and anonymous_file != member_file
    assert client.get(XLSX + "?junk=3").get_data() == anonymous_file
    assert client.get(XLSX + "?junk=4", headers=member).get_data() == member_file
    assert len(counted_builds) == 2
