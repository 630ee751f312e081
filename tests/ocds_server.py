"""A local stand-in for the national OCDS search APIs (Contracts Finder, Find a Tender), for the
harvest tests and benchmark: a real HTTP server (http.server, in a thread or a process) serving
the real sample releases in ../shared/data/procurement_samples/ as release packages, split into
pages chained by `links.next` (an opaque cursor, as the services do), filtered by the request's
date range, with scripted faults: a status (429 with Retry-After, 503...), a body cut short with
a correct Content-Length (invalid JSON), a connection closed mid-body, or a page held until the
test lets it go (to kill a client half-way).

    python -m tests.ocds_server --copies 40   # ~20,000 Contracts Finder releases; prints its URL
"""

from __future__ import annotations

import argparse
import base64
import copy
import glob
import json
import sys
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from tests.paths import SHARED_DATA

SAMPLES = SHARED_DATA / "procurement_samples"
CF_PATH = "/Published/Notices/OCDS/Search"
FTS_PATH = "/api/1.0/ocdsReleasePackages"


def cf_releases(every_sample: bool = False) -> list[dict[str, Any]]:
    """Contracts Finder's 2025 releases (200); with `every_sample`, also the 2017-2020 (Bluetail)
    and 2014-2015 packages' releases (about 500 in all)."""
    releases = json.loads((SAMPLES / "cf_ocds11_releases_2025_CFServer1.json").read_text())
    if every_sample:
        for folder in ("cf_ocds11_2017-2020_bluetail",
                       "cf_ocds10_2014-2015_open-contracting-sample-data"):
            for path in sorted(glob.glob(str(SAMPLES / folder / "*.json"))):
                releases += json.loads(open(path, encoding="utf-8").read())["releases"]
    return releases


def cf_package_meta() -> dict[str, Any]:
    """The package fields of a real Contracts Finder release package (uri and releases aside)."""
    first = sorted(glob.glob(str(SAMPLES / "cf_ocds11_2017-2020_bluetail" / "*.json")))[0]
    package = json.loads(open(first, encoding="utf-8").read())
    return {k: v for k, v in package.items() if k not in ("uri", "releases")}


def fts_package() -> dict[str, Any]:
    return json.loads((SAMPLES / "fts" / "fts_apidoc_sample_release_package_001060-2020.json")
                      .read_text())


def varied(releases: list[dict[str, Any]], copies: int) -> list[dict[str, Any]]:
    """`copies` copies of the releases, each copy's ocids and release ids made its own."""
    out = []
    for number in range(copies):
        for release in releases:
            twin = copy.deepcopy(release)
            if number:
                twin["ocid"] = f"{release['ocid']}-copy{number}"
                if "id" in twin:
                    twin["id"] = f"{release['id']}-copy{number}"
            out.append(twin)
    return out


@dataclass
class Fault:
    kind: str  # "status", "truncate" (short body, honest length), "cut" (closed mid-body), "hold"
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)


class OcdsServer:
    """Serves `releases` in pages of `page_size` at `path`; `faults[page]` are served, in order,
    to the first requests for that page (0-based) before its real body."""

    def __init__(self, releases: list[dict[str, Any]], *, path: str = CF_PATH,
                 meta: dict[str, Any] | None = None, page_size: int = 40,
                 date_params: tuple[str, str] = ("publishedFrom", "publishedTo"),
                 faults: dict[int, list[Fault]] | None = None):
        self.releases, self.path, self.page_size = releases, path, page_size
        self.meta = meta or {}
        self.date_params = date_params
        self.faults = {page: list(queue) for page, queue in (faults or {}).items()}
        self.requests: list[tuple[int, str]] = []  # (page, what was served)
        self.held = threading.Event()  # a request for a "hold" page has arrived
        self.release_hold = threading.Event()
        self._lock = threading.Lock()
        self._filtered: dict[tuple[str, str], list[dict[str, Any]]] = {}
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def __enter__(self) -> OcdsServer:
        self.thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.release_hold.set()
        self.httpd.shutdown()
        self.httpd.server_close()

    def pages_served(self) -> list[int]:
        return [page for page, what in self.requests if what == "200"]

    # -- answering --------------------------------------------------------------------------------

    def in_range(self, start: str, end: str) -> list[dict[str, Any]]:
        key = (start[:10], end[:10])
        if key not in self._filtered:
            self._filtered[key] = [r for r in self.releases
                                   if key[0] <= str(r.get("date", ""))[:10] <= key[1]]
        return self._filtered[key]

    def answer(self, target: str) -> tuple[int, bytes, Fault | None]:
        """(status, body, the fault to serve instead, if any)."""
        split = urlsplit(target)
        if split.path != self.path:
            return 404, b'{"error": "not found"}', None
        query = {k: v[-1] for k, v in parse_qs(split.query).items()}
        start, end = query.get(self.date_params[0], ""), query.get(self.date_params[1], "")
        if not start or not end:
            return 400, b'{"error": "dates required"}', None
        cursor = query.get("cursor", "")
        page = int(base64.b64decode(cursor).decode().split(":")[1]) if cursor else 0
        size = min(int(query.get("limit", "100")), self.page_size)
        chosen = self.in_range(start, end)
        chunk = chosen[page * size:(page + 1) * size]
        body: dict[str, Any] = {"uri": f"{self.base_url}{target}", **self.meta, "releases": chunk}
        if (page + 1) * size < len(chosen):
            token = base64.b64encode(f"page:{page + 1}".encode()).decode()
            following = {**{k: v for k, v in query.items() if k != "cursor"}, "cursor": token}
            body["links"] = {"next": f"{self.base_url}{self.path}?{urlencode(following)}"}
        with self._lock:
            fault = self.faults.get(page, []).pop(0) if self.faults.get(page) else None
            self.requests.append((page, fault.kind if fault and fault.kind != "status"
                                  else str(fault.status if fault else 200)))
        return 200, json.dumps(body).encode(), fault


def _handler(server: OcdsServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *_: object) -> None:  # quiet: the tests read server.requests
            pass

        def do_GET(self) -> None:  # noqa: N802 (http.server's name)
            status, body, fault = server.answer(self.path)
            if fault is None:
                self._send(status, body)
            elif fault.kind == "status":
                self._send(fault.status, b"Too many requests or service unavailable",
                           fault.headers)
            elif fault.kind == "truncate":
                self._send(200, body[: len(body) // 2])
            elif fault.kind == "cut":
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body[: len(body) // 2])
                self.close_connection = True
            elif fault.kind == "hold":
                server.held.set()
                server.release_hold.wait(timeout=60)
                self._send(200, body)

        def _send(self, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(body)
            except OSError:  # the client went away (a killed harvest): nothing to answer
                pass

    return Handler


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--copies", type=int, default=40)
    parser.add_argument("--page-size", type=int, default=100)
    args = parser.parse_args()
    releases = varied(cf_releases(every_sample=True), args.copies)
    with OcdsServer(releases, meta=cf_package_meta(), page_size=args.page_size) as server:
        print(server.base_url, len(releases), flush=True)
        sys.stdin.read()  # serve until the parent closes stdin


if __name__ == "__main__":
    main()
