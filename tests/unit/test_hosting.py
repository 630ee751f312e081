"""Hosting (web/hosting.py, web/compression.py, web/access_log.py, gunicorn.conf.py): security
headers, compression, cache headers, status codes, debug off, and JSON access logs from a real
gunicorn."""

from __future__ import annotations

import gzip
import json
import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import brotli
import pytest
from flask_compress.compat import compression as codecs

import app as app_module
import dash_compat
from techmap.settings import load_settings
from web import compression, hosting
from web.access_log import client_address
from web.byte_cache import ByteLRU
from tests.gunicorn_server import gunicorn
from tests.unit.dash_requests import router_request

ROOT = Path(__file__).resolve().parents[2]
SERVER = app_module.server
client = SERVER.test_client()
BROWSER = "gzip, deflate, br, zstd"  # Chromium's Accept-Encoding
INDEX = client.get("/").get_data(as_text=True)
BUNDLES = re.findall(r'src="(/_dash-component-suites/[^"]+)"', INDEX)
FINGERPRINTED = next(u for u in BUNDLES if "dash_renderer.v" in u)
PLOTLY = "/_dash-component-suites/plotly/package_data/plotly.min.js"
ASSET = re.search(r'href="(/assets/10_techmap\.css\?m=[^"]+)"', INDEX).group(1)


def _boundaries() -> str:
    from components.map_figure import boundaries_url

    return boundaries_url()


def _decode(response) -> bytes:
    data = response.get_data()
    encoding = response.headers.get("Content-Encoding")
    if encoding == "gzip":
        return gzip.decompress(data)
    if encoding == "br":
        return brotli.decompress(data)
    if encoding == "zstd":
        return codecs.zstd.decompress(data)
    assert encoding is None, encoding
    return data


# ---- security headers -------------------------------------------------------------------------

EVERY_KIND = ["/", "/suppliers", "/nope", "/api/v1/summary", "/api/v1/openapi.json", "/api/v1/nope",
              "/download/contracts.csv", "/download/contracts-template.csv", "/calendar/E09000007.ics",
              "/healthz", FINGERPRINTED, ASSET, "/_dash-layout", "/_dash-component-suites/foo/bar.js"]


@pytest.mark.parametrize("path", EVERY_KIND)
def test_security_headers_on_every_kind_of_response(path):
    response = client.get(path)
    csp = response.headers.get("Content-Security-Policy", "")
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";") if " " in d.strip())
    assert "'self'" in directives["script-src"]
    assert "unsafe-inline" not in directives["script-src"]
    assert "unsafe-eval" not in directives["script-src"]
    sources = directives["script-src"].split()
    assert len(sources) == len(set(sources))  # each hash once
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'self'"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_the_page_shell_runs_no_script_the_policy_does_not_allow():
    """Every inline <script> of the page is allowed by one of the policy's hashes."""
    import base64
    import hashlib

    csp = client.get("/").headers["Content-Security-Policy"]
    allowed = set(re.findall(r"'(sha256-[^']+)'", csp))
    # inline scripts that run: no src, and not a data block such as <script type="application/json">
    inline = re.findall(r"<script(?![^>]*\b(?:src|type)=)[^>]*>(.*?)</script>", INDEX, flags=re.S)
    assert inline, "Dash's page has inline scripts (clientside callbacks, the renderer)"
    for body in inline:
        digest = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
        assert f"sha256-{digest}" in allowed


def _run_app(env_extra: dict[str, str], code: str) -> str:
    env = {**os.environ, **env_extra}
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True,
                            text=True, timeout=240)
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


def test_frame_ancestors_follow_the_setting():
    out = _run_app({"TECHMAP_FRAME_ANCESTORS": "'self' https://www.camden.gov.uk"},
                   "import app; print(app.server.test_client().get('/').headers['Content-Security-Policy'])")
    assert "frame-ancestors 'self' https://www.camden.gov.uk" in out


# ---- debug off --------------------------------------------------------------------------------

def test_debug_is_off_unless_asked_for(monkeypatch):
    monkeypatch.delenv("TECHMAP_DEBUG", raising=False)
    assert load_settings().debug is False
    monkeypatch.setenv("TECHMAP_DEBUG", "1")
    assert load_settings().debug is True
    dev = dash_compat.dev_tools(app_module.app)
    assert not (dev.ui or dev.hot_reload or dev.serve_dev_bundles or dev.props_check)
    assert SERVER.debug is False


def test_reload_hash_says_nothing_on_a_non_debug_instance():
    response = client.get("/_reload-hash")
    assert response.status_code == 404
    assert b"packages" not in response.get_data()


def test_health_endpoint():
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "ok" and body["contracts"] > 0
    assert "Cache-Control" not in response.headers or "immutable" not in response.headers["Cache-Control"]


# ---- status codes -----------------------------------------------------------------------------

@pytest.mark.parametrize("path", ["/nope", "/borough/<script>", "/borough/E09000099", "/borough/none",
                                  "/suppliers/no-such-supplier", "/404", "/about/extra"])
def test_unknown_pages_get_404_with_the_app_shell(path):
    response = client.get(path)
    assert response.status_code == 404
    body = response.get_data(as_text=True)
    # the same shell as any page: Dash's router renders "not found" in the browser
    assert 'id="react-entry-point"' in body and 'id="_dash-config"' in body


@pytest.mark.parametrize("path", ["/", "/suppliers", "/renewals", "/boroughs", "/data", "/about",
                                  "/borough/camden", "/borough/E09000007", "/suppliers/capita"])
def test_real_pages_get_200(path):
    assert client.get(path).status_code == 200


@pytest.mark.parametrize("path", ["/_dash-component-suites/foo/bar.js", "/_dash-component-suites/dash/x.v1m1.js",
                                  "/_dash-component-suites/dash/dcc/nope.v4_4_1m1.js",
                                  "/_dash-component-suites/plotly/../setup.py"])
def test_malformed_bundle_urls_get_404_without_traceback(path):
    response = client.get(path)
    assert response.status_code == 404
    body = response.get_data(as_text=True)
    assert "Traceback" not in body and "registered" not in body
    assert "immutable" not in response.headers.get("Cache-Control", "")


# ---- cache headers ----------------------------------------------------------------------------

def test_long_cache_only_on_fingerprinted_successes():
    assert client.get(FINGERPRINTED).headers["Cache-Control"] == hosting.IMMUTABLE
    assert client.get(ASSET).headers["Cache-Control"] == hosting.IMMUTABLE
    assert client.get(_boundaries()).headers["Cache-Control"] == hosting.IMMUTABLE
    # plotly.min.js and the async chunks have no version in their URL: revalidated, not kept a year
    assert client.get(PLOTLY).headers["Cache-Control"] == "no-cache"
    for path in ["/", "/suppliers", "/nope", "/healthz", "/_dash-layout", "/api/v1/nope",
                 "/assets/nope.css?m=1", FINGERPRINTED.replace("dash_renderer", "no_such_renderer")]:
        assert "immutable" not in client.get(path).headers.get("Cache-Control", ""), path
    assert client.post("/_dash-update-component", json={}).headers["Cache-Control"] == "no-store"


def test_unversioned_bundles_revalidate_with_their_etag():
    first = client.get(PLOTLY, headers={"Accept-Encoding": BROWSER})
    etag = first.headers["ETag"]
    again = client.get(PLOTLY, headers={"Accept-Encoding": BROWSER, "If-None-Match": etag})
    assert again.status_code == 304 and again.get_data() == b""
    other = client.get(PLOTLY, headers={"Accept-Encoding": "gzip", "If-None-Match": etag})
    assert other.status_code == 200  # another encoding, another validator


# ---- compression ------------------------------------------------------------------------------

COMPRESSIBLE = ["/", "/_dash-layout", "/api/v1/summary", "/api/v1/openapi.json", FINGERPRINTED,
                PLOTLY, ASSET, "/download/contracts.csv", "/calendar/E09000007.ics"]


@pytest.mark.parametrize(("path", "encoding"), [
    (path, encoding) for path in COMPRESSIBLE + ["BOUNDARIES"] for encoding in ("gzip", "br", "zstd")
    if not (path.startswith("/download/") and encoding == "gzip")])  # see the plain-download test below
def test_compressed_when_asked(path, encoding):
    path = _boundaries() if path == "BOUNDARIES" else path
    plain = client.get(path)
    assert plain.status_code == 200 and "Content-Encoding" not in plain.headers
    packed = client.get(path, headers={"Accept-Encoding": encoding})
    assert packed.headers["Content-Encoding"] == encoding
    assert "Accept-Encoding" in packed.headers["Vary"]
    assert len(packed.get_data()) < len(plain.get_data())
    def same(data: bytes) -> bytes:  # Dash puts a fresh end_id in every page
        return re.sub(rb'"end_id":"[^"]*"', b"", data)
    assert same(_decode(packed)) == same(plain.get_data())


def test_browser_gets_the_smallest_encoding_it_accepts():
    assert compression.choose(BROWSER) == "zstd"
    assert compression.choose("gzip, deflate, br") == "br"  # Safari
    assert compression.choose("gzip;q=1, zstd;q=0.5") == "gzip"
    assert compression.choose("zstd;q=0, br;q=0") is None
    assert compression.choose("identity") is None
    assert compression.choose("*") == "zstd"
    assert compression.choose("gzip;q=abc, br;q=") in ("br", None)
    assert compression.choose("zstd;q=0, *") == "br"  # q=0 refuses zstd, even beside a wildcard
    assert compression.choose("gzip;q=0") is None


@pytest.mark.parametrize(("accept", "refused"), [("gzip;q=0", "gzip"), ("zstd;q=0, *", "zstd"),
                                                 ("br;q=0, gzip;q=0.5, *;q=0.1", "br")])
@pytest.mark.parametrize("path", [PLOTLY, "/api/v1/summary", "/"])
def test_a_refused_encoding_is_never_sent(path, accept, refused):
    """Both the static cache (compression.choose) and flask-compress (dynamic responses) honour
    q=0, also against a wildcard."""
    response = client.get(path, headers={"Accept-Encoding": accept})
    assert response.status_code == 200
    assert response.headers.get("Content-Encoding") != refused


def test_a_streamed_download_is_sent_plain_to_a_gzip_only_client():
    """flask-compress streams with zstd, br or deflate (COMPRESS_ALGORITHM_STREAMING), not gzip: a
    client that takes only gzip gets the CSV uncompressed, whole."""
    plain = client.get("/download/contracts.csv")
    packed = client.get("/download/contracts.csv", headers={"Accept-Encoding": "gzip"})
    assert packed.status_code == 200 and "Content-Encoding" not in packed.headers
    assert packed.get_data() == plain.get_data()
    assert client.get(PLOTLY, headers={"Accept-Encoding": BROWSER}).headers["Content-Encoding"] == "zstd"


def test_first_load_fits_the_budget_and_big_files_are_compressed_once():
    """What Chromium fetches for `/`, at its encodings, is under 1 MB (bodies; benchmarks/
    first_load.py measures the real browser), and a repeat costs no compression."""
    urls = compression.first_load_urls(SERVER, [_boundaries()])
    assert PLOTLY in urls and _boundaries() in urls and FINGERPRINTED in urls
    urls = [u for u in urls if "/dash_ag_grid/" not in u]  # the grid's bundles: grid pages only
    total = 0
    for url in urls:
        total += len(client.get(url, headers={"Accept-Encoding": BROWSER}).get_data())
    assert total < 1024 * 1024, f"{total / 1024:.0f} KB"
    made = compression.STATIC.made
    for url in urls:
        client.get(url, headers={"Accept-Encoding": BROWSER})
    assert compression.STATIC.made == made


def test_static_cache_is_bounded_in_bytes():
    cache = ByteLRU(max_entries=10, max_bytes=100)
    for n in range(5):
        cache.set(n, b"x" * 30)
    assert cache.bytes <= 100 and len(cache) == 3
    assert cache.get(0) is None and cache.get(4) == b"x" * 30
    cache.set("huge", b"x" * 101)
    assert cache.get("huge") is None
    calls = []
    assert cache.get_or_make("k", lambda: calls.append(1) or b"v") == b"v"
    assert cache.get_or_make("k", lambda: calls.append(1) or b"v") == b"v"
    assert calls == [1]


def test_callback_response_cache_keys_are_digests_and_bounded():
    from techmap.service.cache import RESPONSES

    RESPONSES.clear()
    body = {"output": "x", "outputs": {}, "inputs": [], "changedPropIds": []}
    client.post("/_dash-update-component", json=body)  # malformed: not cached
    router = router_request("/about")
    first = client.post("/_dash-update-component", json=router)
    assert first.status_code == 200 and len(RESPONSES) == 1
    assert all(isinstance(k, bytes) and len(k) == 32 for k in RESPONSES.store)
    assert client.post("/_dash-update-component", json=router).get_data() == first.get_data()
    assert RESPONSES.store.maxsize <= 32 * 1024 * 1024


# ---- access log from a real gunicorn ----------------------------------------------------------

def test_client_address_behind_a_trusted_proxy():
    trusted = ["127.0.0.1", "10.0.0.0/8"]
    assert client_address("127.0.0.1", "203.0.113.9", trusted) == "203.0.113.9"
    assert client_address("127.0.0.1", "6.6.6.6, 203.0.113.9, 10.1.2.3", trusted) == "203.0.113.9"
    assert client_address("198.51.100.7", "203.0.113.9", trusted) == "198.51.100.7"  # not a proxy
    assert client_address("127.0.0.1", "", trusted) == "127.0.0.1"
    assert client_address("10.0.0.1", "unknown", ["*"]) == "unknown"


def test_gunicorn_access_log_is_json_lines_whatever_the_request_holds(tmp_path):
    log = tmp_path / "access.log"
    with gunicorn({"WEB_CONCURRENCY": "1"}, args=["--access-logfile", str(log)]) as (base, _, errors):
        hostile = 'Mozilla/5.0 "quoted" \\back\\slash\\ {"json": 1} %(h)s \u00e9'
        for path in ['/?q="x"\\', "/nope", "/healthz"]:
            request = urllib.request.Request(base + urllib.parse.quote(path, safe="/?="), headers={
                "User-Agent": hostile.encode("utf-8").decode("latin-1"), "Referer": 'x"y\\z',
                "X-Forwarded-For": "203.0.113.9"})
            try:
                urllib.request.urlopen(request, timeout=30).close()
            except urllib.error.HTTPError as error:
                assert error.code == 404
        deadline = time.time() + 30
        while len(log.read_text().splitlines()) < 4 and time.time() < deadline:
            time.sleep(0.2)
    lines = log.read_text().splitlines()
    records = [json.loads(line) for line in lines]  # every line parses
    mine = [r for r in records if r["agent"] and "quoted" in r["agent"]]
    assert len(mine) == 3
    assert all('"quoted" \\back\\slash\\' in r["agent"] and r["referer"] == 'x"y\\z' for r in mine)
    assert {r["status"] for r in mine} == {200, 404}
    assert all(r["client"] == "203.0.113.9" and r["remote"] == "127.0.0.1" for r in mine)
    assert all(isinstance(r["duration_ms"], float) for r in mine)
    # the static files of a first visit were compressed before the worker forked
    assert "compressed" in errors.read_text() and "static responses" in errors.read_text()


def test_static_compression_is_kept_on_disk_and_read_back(tmp_path, monkeypatch):
    data = b"var plotly = 1;\n" * 5000
    first = compression.compress_cached(data, "zstd", tmp_path)
    assert codecs.zstd.decompress(first) == data
    files = list(tmp_path.iterdir())
    assert [f.suffix for f in files] == [".zstd19"]  # named by content hash, algorithm and level

    def refuse(*_):
        raise AssertionError("compressed again instead of reading the disk cache")

    monkeypatch.setattr(compression, "compress", refuse)
    assert compression.compress_cached(data, "zstd", tmp_path) == first
    with pytest.raises(AssertionError):  # other bytes are not mistaken for the cached ones
        compression.compress_cached(data + b"x", "zstd", tmp_path)


def test_static_compression_works_without_a_writable_cache(tmp_path):
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    data = b"body { color: black }\n" * 500
    assert brotli.decompress(compression.compress_cached(data, "br", blocked / "cache")) == data


def test_warming_before_the_fork_draws_the_main_pages_and_builds_the_facet_index(monkeypatch):
    """gunicorn's when_ready draws the pages in the master, so the workers share what they build
    (the facet index, ~0.2 s at --scale 100, was built by each worker on its first filter change);
    a page that fails to draw is skipped, not fatal."""
    import dash

    from techmap.service import cache, context, facet_views

    cache.clear()
    broken = next(p for p in dash.page_registry.values() if p["path"] == "/boroughs")

    def fails(**_query):
        raise RuntimeError("no such table")

    monkeypatch.setitem(broken, "layout", fails)
    message = hosting.warm_views(app_module.app)
    assert message.startswith("drew the shell and /,") and "/renewals" in message and "/boroughs" not in message
    built: list[int] = []
    monkeypatch.setattr(facet_views, "facet_index", lambda data: built.append(1))
    with app_module.server.test_request_context("/"):
        facet_views.facet_index_for(context.dataset())  # the public's
    facet_views.facet_index_for(context.loaded_dataset())  # a member's
    assert built == []  # already there: nothing rebuilt
