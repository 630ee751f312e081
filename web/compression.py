"""Response compression for a hosted instance.

Dynamic responses (pages, JSON, callbacks, CSV, calendars) go through flask-compress at its fast
levels. The big static files (Dash's component bundles, plotly.min.js, the assets, the boundaries
GeoJSON) are the same bytes for every visitor, so they are compressed once per process at a high
level and kept: plotly.min.js is 4.7 MB raw, 1.41 MB at flask-compress's zstd level 3 and 1.15 MB
at level 19, which takes about 3 s on this machine: too slow per request, fine once. gunicorn's
when_ready hook (gunicorn.conf.py) warms the files of a first visit before it forks, so the
workers share them; anything else is compressed on its first request. The compressed bytes are
also kept on disk (TECHMAP_STATIC_CACHE, default .cache/compressed in the repository), so a restart
of the same release reads them back in milliseconds instead of compressing again.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
import time
from collections.abc import Hashable, Iterable
from pathlib import Path

from flask import Flask, Response, request
from flask_compress import Compress
from flask_compress.compat import compression  # zstd and gzip, as flask-compress itself uses them
from werkzeug.datastructures import Accept
from werkzeug.http import parse_accept_header

from web.byte_cache import ByteLRU

try:  # the brotli binding flask-compress depends on, as it imports it
    import brotlicffi as brotli
except ImportError:
    import brotli


# flask-compress's list plus what this app serves beside it.
MIMETYPES = [
    "text/html", "text/css", "text/plain", "text/xml", "text/javascript", "application/javascript",
    "application/x-javascript", "application/json", "application/vnd.api+json", "application/xml",
    "application/manifest+json", "image/svg+xml", "image/x-icon", "image/vnd.microsoft.icon",
    "application/geo+json", "text/csv", "text/calendar",
]
# Preference when the browser accepts several equally: smallest first (Chromium and Firefox send
# "gzip, deflate, br, zstd"; Safari has no zstd and gets br).
ALGORITHMS = ("zstd", "br", "gzip")
# What warm() prepares at start: what today's browsers take. gzip (old clients) is fast enough to
# make on a file's first request.
WARM_ALGORITHMS = ("zstd", "br")
MIN_SIZE = 1024
# The compressed static files kept per process. All of a first visit at all three encodings is
# about 7 MB; the cap bounds what odd requests for the other registered bundles can add.
MAX_STATIC_BYTES = 48 * 1024 * 1024
# Loaded by the browser after the page's own <script> and <link> tags, so not in the HTML: what the
# map page and the grid pages fetch next (warm() adds the page's tags itself).
LATER_LOADS = (
    "/_dash-component-suites/plotly/package_data/plotly.min.js",
    "/_dash-component-suites/dash/dcc/async-graph.js",
    "/_dash-component-suites/dash/dcc/async-dropdown.js",
    "/_dash-component-suites/dash_ag_grid/dash_ag_grid.min.js",  # web.lazy_grid: grid pages only
    "/_dash-component-suites/dash_ag_grid/async-community.js",
    "/assets/topojson/world_110m.json",
)


def install(server: Flask) -> None:
    """flask-compress for dynamic responses (app.py passes compress=False to Dash so that the
    configuration lives here: Dash's own set-up leaves out GeoJSON, CSV and calendars)."""
    server.config.update(
        COMPRESS_MIMETYPES=MIMETYPES,
        COMPRESS_ALGORITHM=list(ALGORITHMS),
        COMPRESS_ALGORITHM_STREAMING=["zstd", "br", "deflate"],
        COMPRESS_MIN_SIZE=500,
    )
    server.before_request(_normalise_accept_encoding)
    Compress(server)


# Every encoding flask-compress may use (ALGORITHMS and the streaming list).
ENCODINGS = ("zstd", "br", "gzip", "deflate")


def _normalise_accept_encoding() -> None:
    """Rewrite the request's Accept-Encoding as werkzeug reads it: only the encodings it accepts
    (q > 0, a `*` expanded) with their q-values. flask-compress parses the header itself and takes
    a q=0 entry as a choice (`gzip;q=0` got gzip, `zstd;q=0, *` got zstd)."""
    if "HTTP_ACCEPT_ENCODING" not in request.environ:
        return
    accept = request.accept_encodings
    accepted = [f"{name};q={accept.quality(name):g}" for name in ENCODINGS if accept.quality(name) > 0]
    request.environ["HTTP_ACCEPT_ENCODING"] = ", ".join(accepted) or "identity"


def choose(accept_encoding: Accept | str) -> str | None:
    """The encoding to use for a request's Accept-Encoding (werkzeug's parsed header, or the raw
    header): the highest q-value among ALGORITHMS, ties broken by ALGORITHMS' order; q=0 refuses,
    also against a `*` (`zstd;q=0, *` gets br)."""
    accept = parse_accept_header(accept_encoding) if isinstance(accept_encoding, str) else accept_encoding
    return accept.best_match(ALGORITHMS)


LEVELS = {"zstd": 19, "br": 9, "gzip": 9}


def compress(data: bytes, algorithm: str) -> bytes:
    level = LEVELS[algorithm]
    if algorithm == "zstd":
        return compression.zstd.compress(data, level)
    if algorithm == "br":
        return brotli.compress(data, quality=level, lgwin=22)
    return compression.gzip.compress(data, level, mtime=0)


DIGEST_SIZE = 32  # the SHA-256 that heads each file of the disk cache
STATIC = ByteLRU(max_entries=1000, max_bytes=MAX_STATIC_BYTES)
DISK_CACHE = Path(os.environ.get("TECHMAP_STATIC_CACHE")
                  or Path(__file__).resolve().parent.parent / ".cache" / "compressed")


def _read_checked(path: Path) -> bytes | None:
    """The compressed bytes kept at `path`, or None when missing or not intact. Each file starts
    with the SHA-256 of the rest: a file cut short (a full disk, a copy interrupted) or altered
    is compressed and written again instead of being served broken."""
    try:
        kept = path.read_bytes()
    except OSError:
        return None
    digest, body = kept[:DIGEST_SIZE], kept[DIGEST_SIZE:]
    return body if body and hashlib.sha256(body).digest() == digest else None


def compress_cached(data: bytes, algorithm: str, folder: Path | None = None) -> bytes:
    """compress(), read back from the disk cache when these bytes were compressed before. The file
    is named by the content's hash, so a new release of a bundle never meets an old file. A cache
    that cannot be written (a read-only install) only costs the compression."""
    folder = DISK_CACHE if folder is None else folder
    path = folder / f"{hashlib.sha256(data).hexdigest()}.{algorithm}{LEVELS[algorithm]}"
    body = _read_checked(path)
    if body is not None:
        return body
    body = compress(data, algorithm)
    written: str | None = None
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, delete=False) as tmp:  # atomic: workers race
            written = tmp.name
            tmp.write(hashlib.sha256(body).digest() + body)
        os.replace(written, path)
    except OSError:
        if written is not None:
            Path(written).unlink(missing_ok=True)
    return body


def compress_static(response: Response, identity: Hashable) -> Response:
    """Encode a 200 static response from the cache, for what the request accepts. `identity` names
    the file's content (path plus ETag, or a fingerprint)."""
    if (response.status_code != 200 or "Content-Encoding" in response.headers
            or response.mimetype not in MIMETYPES):
        return response
    if response.content_length is not None and response.content_length < MIN_SIZE:
        return response
    algorithm = choose(request.accept_encodings)
    _vary(response)
    if algorithm is None:
        return response
    etag, weak = response.get_etag()
    key = (identity, etag, algorithm)
    response.direct_passthrough = False  # send_file's file wrapper: read it here if need be

    body = STATIC.get_or_make(key, lambda: compress_cached(response.get_data(), algorithm))
    response.close()  # the file behind send_file, when the body came from the cache
    response.set_data(body)
    response.headers["Content-Encoding"] = algorithm
    if etag:  # one validator per encoding, so a cache never mixes them up
        response.set_etag(f"{etag}-{algorithm}", weak=weak)
        response.make_conditional(request)
    return response


def _vary(response: Response) -> None:
    vary = response.headers.get("Vary", "")
    if "accept-encoding" not in vary.lower():
        response.headers["Vary"] = f"{vary}, Accept-Encoding" if vary else "Accept-Encoding"


def first_load_urls(server: Flask, extra: Iterable[str] = ()) -> list[str]:
    """The static URLs a first visit to `/` fetches: the page's tags, then LATER_LOADS."""
    html = server.test_client().get("/").get_data(as_text=True)
    tags = re.findall(r'<(?:script|link)[^>]+(?:src|href)="(/[^"]+)"', html)
    return list(dict.fromkeys([*tags, *LATER_LOADS, *extra]))


def warm(server: Flask, urls: Iterable[str]) -> str:
    """Compress `urls` at WARM_ALGORITHMS now (gunicorn calls this before forking the workers);
    says what it did, for the server's log."""
    start = time.perf_counter()
    client = server.test_client()
    before = STATIC.made
    for url in urls:
        for algorithm in WARM_ALGORITHMS:
            client.get(url, headers={"Accept-Encoding": algorithm}).close()
    return (f"compressed {STATIC.made - before} static responses in {time.perf_counter() - start:.1f} s "
            f"({STATIC.bytes / 1e6:.1f} MB kept)")
