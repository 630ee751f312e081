"""Load test (issue 6): realistic sessions against gunicorn with 2 workers on 127.0.0.1 only.

Starts `gunicorn app:server` itself (2 workers, gunicorn.conf.py), then runs N simulated users for
a fixed time. Each user does what a browser does: loads a page (index, layout, dependencies, the
router callback that renders the page), fires the callbacks the page's components trigger after
each filter change (found from the callback map and the rendered layout, with the values the
layout holds) together, as Dash does, over up to 6 connections; clicks boroughs 0.15 to 0.6 s
after each answer, switches pages and downloads a CSV now and then. Bounded in users, time and
requests; it stops by itself and stops the server.

    .venv/bin/python benchmarks/load_test.py                 # 20 users, 60 s
    .venv/bin/python benchmarks/load_test.py --users 5 --seconds 10
    .venv/bin/python benchmarks/load_test.py --think 0.05 0.3   # a stress test: saturates the server
Exits 1 over a budget. Budgets: zero errors (a request that fails after its retry is one), >= 100 callback requests/s, callback p95 < 150 ms, page navigation (the router callback) p95 < 100 ms; first load of the map page,
compressed, < 2 MB (measured in headless Chromium by first_load.py). The users send Chromium's
Accept-Encoding, so responses come back compressed as a browser gets them.
"""

from __future__ import annotations

import argparse
import gzip
import http.client
import json
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import brotli
from flask_compress.compat import compression  # zstd, as the server's flask-compress uses it

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
from _budgets import add_smoke_flag, exit_status  # noqa: E402  (beside this script)

HOST = "127.0.0.1"  # never anything else: this script only loads the machine it runs on
BOROUGHS = [f"E090000{n:02d}" for n in range(1, 34)]
PAGES = ["/", "/suppliers", "/renewals", "/boroughs", "/data", "/borough/camden"]
BROWSER_ENCODINGS = "gzip, deflate, br, zstd"  # what Chromium and Firefox send
PARALLEL = 6  # connections a browser opens to one host
# Seconds between one filter change's answers and the user's next click: quicker than people click
# (so that 20 users make the budget's 100 callbacks a second). --think 0.05 0.3 is a stress test
# that saturates the server instead; --think 0.5 1.5 is closer to a person reading each view.
THINK = (0.15, 0.6)


class Client:
    """One keep-alive HTTP connection to the local server."""

    def __init__(self, port: int):
        self.port = port
        self.conn = http.client.HTTPConnection(HOST, port, timeout=30)

    def request(self, method: str, path: str, body: Any = None) -> tuple[int, bytes, dict]:
        headers = {"Accept-Encoding": BROWSER_ENCODINGS}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        for attempt in range(2):
            try:
                self.conn.request(method, path, body=data, headers=headers)
                response = self.conn.getresponse()
                raw = response.read()
                return response.status, raw, dict(response.getheaders())
            except (http.client.HTTPException, OSError):
                self.conn.close()
                self.conn = http.client.HTTPConnection(HOST, self.port, timeout=30)
                if attempt:
                    raise
        raise RuntimeError("unreachable")


def decode(raw: bytes, headers: dict) -> bytes:
    encoding = headers.get("Content-Encoding")
    if encoding == "gzip":
        return gzip.decompress(raw)
    if encoding == "br":
        return brotli.decompress(raw)
    if encoding == "zstd":
        return compression.zstd.decompress(raw)
    return raw


def walk_ids(node: Any, out: dict[str, dict]) -> None:
    """Collect {id-as-string: props} from a rendered Dash layout (JSON form)."""
    if isinstance(node, list):
        for child in node:
            walk_ids(child, out)
    elif isinstance(node, dict):
        props = node.get("props")
        if isinstance(props, dict):
            cid = props.get("id")
            if cid is not None:
                key = json.dumps(cid, sort_keys=True, separators=(",", ":")) if isinstance(cid, dict) else cid
                out[key] = props
            for value in props.values():
                walk_ids(value, out)


def id_matches(spec_id: str, concrete: str) -> bool:
    if not spec_id.startswith("{"):
        return spec_id == concrete
    if not concrete.startswith("{"):
        return False
    pattern, cid = json.loads(spec_id), json.loads(concrete)
    return set(pattern) == set(cid) and all(isinstance(v, list) or cid[k] == v for k, v in pattern.items())


class App:
    """What the simulated browser knows about the app: callbacks and the shell layout."""

    def __init__(self, client: Client):
        status, raw, headers = client.request("GET", "/_dash-dependencies")
        self.callbacks = [c for c in json.loads(decode(raw, headers)) if not c.get("clientside_function")]
        status, raw, headers = client.request("GET", "/_dash-layout")
        self.shell: dict[str, dict] = {}
        walk_ids(json.loads(decode(raw, headers)), self.shell)

    def state_callbacks(self, components: dict[str, dict]) -> list[dict]:
        """Server callbacks fired by a change of the app state whose outputs are on screen: those
        taking the recorded change (shell/state_change.py), which Dash sends together."""
        out = []
        for cb in self.callbacks:
            if not any(i["id"] == "state-change" and i["property"] == "data" for i in cb["inputs"]):
                continue
            outputs = cb["output"].strip(".").split("...")
            ids = [o.rsplit(".", 1)[0] for o in outputs]
            if all(any(id_matches(i, c) for c in components) for i in ids if '["ALL"]' not in i):
                out.append(cb)
        return out

    @staticmethod
    def payload(cb: dict, components: dict[str, dict], store: dict) -> dict:
        def item(spec: dict, value_from_store: bool) -> Any:
            if '["ALL"]' in spec["id"]:
                return [{"id": json.loads(c), "property": spec["property"], "value": components[c].get(spec["property"])}
                        for c in components if id_matches(spec["id"], c)]
            if value_from_store:
                value = store if spec["id"] == "app-state" else change_to(store["query"])
            else:
                value = components.get(spec["id"], {}).get(spec["property"])
            cid = json.loads(spec["id"]) if spec["id"].startswith("{") else spec["id"]
            return {"id": cid, "property": spec["property"], "value": value}

        outputs = cb["output"].strip(".").split("...")
        multi = cb["output"].startswith("..")
        outs = []
        for o in outputs:
            cid, prop = o.rsplit(".", 1)
            if '["ALL"]' in cid:
                outs.append([{"id": json.loads(c), "property": prop} for c in components if id_matches(cid, c)])
            else:
                outs.append({"id": json.loads(cid) if cid.startswith("{") else cid, "property": prop})
        state_ids = ("app-state", "state-change")
        inputs = [item(i, i["id"] in state_ids) for i in cb["inputs"]]
        return {"output": cb["output"], "outputs": outs if multi else outs[0], "inputs": inputs,
                "state": [item(s, s["id"] in state_ids) for s in cb.get("state", [])],
                "changedPropIds": ["state-change.data"]}


def change_to(query: str) -> dict:
    """The change the browser records when the state becomes `query` (shell/state_change.py)."""
    return {"trigger": "url", "value": query, "search": query}


def store_for(query: str) -> dict:
    filters: dict[str, Any] = {"authority": [], "area": [], "supplier": [], "system": [],
                               "ends_from": None, "ends_to": None, "q": ""}
    for key, value in re.findall(r"([a-z_]+)=([^&]*)", query):
        if key in ("authority", "area", "supplier", "system"):
            filters[key].append(value)
    return {"filters": filters, "view": {}, "query": query}


class Stats:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.times: dict[str, list[float]] = {"callback": [], "page": [], "download": []}
        self.errors: list[str] = []

        self.by_output: dict[str, list[float]] = {}  # callback times by what they update

    def add(self, kind: str, ms: float, status: int, what: str, output: str = "") -> None:
        with self.lock:
            self.times[kind].append(ms)
            if output:
                self.by_output.setdefault(output, []).append(ms)
            if status >= 400 and not (status == 204):
                self.errors.append(f"{status} {what}")


def user(port: int, app: App, stats: Stats, deadline: float, seed: int, think: tuple[float, float]) -> None:
    rng = random.Random(seed)
    # A browser keeps a few connections per host and sends the callbacks one change triggers at
    # the same time (Dash dispatches them together), queueing what exceeds its connections: one
    # connection per thread here (the user's own for pages, one per pool thread for callbacks), so
    # a page with more callbacks per change than PARALLEL never sends two down one connection.
    local = threading.local()
    pool = ThreadPoolExecutor(max_workers=PARALLEL)

    def timed(kind: str, method: str, path: str, body: Any = None) -> tuple[int, bytes, dict]:
        if not hasattr(local, "client"):
            local.client = Client(port)
        client = local.client
        start = time.perf_counter()
        output = body.get("output", "") if isinstance(body, dict) else ""
        try:
            status, raw, headers = client.request(method, path, body)
        except (http.client.HTTPException, OSError) as error:  # failed again after its retry
            stats.add(kind, (time.perf_counter() - start) * 1000, 599, f"{method} {path} {str(body)[:60]} -> "
                      f"{type(error).__name__}: {error}", output.strip(".").split("...")[0])
            return 599, b"", {}
        detail = decode(raw, headers)[:200] if status >= 400 else b""
        stats.add(kind, (time.perf_counter() - start) * 1000, status, f"{method} {path} {str(body)[:60]} -> {detail!r}",
                  output.strip(".").split("...")[0])
        return status, raw, headers

    while time.time() < deadline:
        path = rng.choice(PAGES)
        query = ""
        timed("page", "GET", path)
        # The router callback renders the page; its layout tells which callbacks then fire.
        router = {"output": ".._pages_content.children..._pages_store.data..",
                  "outputs": [{"id": "_pages_content", "property": "children"},
                              {"id": "_pages_store", "property": "data"}],
                  "inputs": [{"id": "_pages_location", "property": "pathname", "value": path},
                             {"id": "_pages_location", "property": "search", "value": query}],
                  "state": [], "changedPropIds": ["_pages_location.pathname"]}
        status, raw, headers = timed("callback", "POST", "/_dash-update-component", router)
        components = dict(app.shell)
        if status == 200:
            walk_ids(json.loads(decode(raw, headers))["response"]["_pages_content"]["children"], components)
        callbacks = app.state_callbacks(components)
        for _ in range(rng.randint(2, 5)):  # a few filter changes on this page: click boroughs
            if time.time() > deadline:
                break
            query = f"?authority={rng.choice(BOROUGHS)}" if rng.random() < 0.8 else ""
            if rng.random() < 0.3:
                query += ("&" if query else "?") + "area=" + rng.choice(["housing", "finance-erp", "parking"])
            store = store_for(query)
            futures = [pool.submit(timed, "callback", "POST", "/_dash-update-component",
                                   App.payload(cb, components, store))
                       for cb in callbacks]
            for future in futures:
                future.result()
            time.sleep(rng.uniform(*think))  # the user reads the page, then clicks again
        if rng.random() < 0.15:
            timed("download", "GET", f"/download/contracts.csv{query}")
    pool.shutdown()


def user_counting_failures(port: int, app: App, stats: Stats, deadline: float, seed: int,
                           think: tuple[float, float]) -> None:
    """user(), with anything that stops it early counted as an error rather than lost in a thread."""
    try:
        user(port, app, stats, deadline, seed, think)
    except Exception as error:  # noqa: BLE001  (reported as an error, which fails the run)
        with stats.lock:
            stats.errors.append(f"user {seed} stopped: {type(error).__name__}: {error}")


def first_load_bytes(port: int) -> int:
    """Bytes transferred for a first visit to the map page in headless Chromium (first_load.py):
    everything the browser fetches, as it fetches it, compressed as it asks."""
    from first_load import CHROMIUM, CHROMIUM_ARGS, visit
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        items, _ = visit(browser, f"http://{HOST}:{port}", "/", None)
        browser.close()
    return sum(item["encoded"] for item in items)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--think", type=float, nargs=2, default=THINK, metavar=("MIN", "MAX"),
                        help=f"seconds between a change's answers and the next click (default {THINK})")
    parser.add_argument("--no-first-load", action="store_true", help="skip the Chromium first-load figure")
    add_smoke_flag(parser)
    args = parser.parse_args()
    if args.smoke:  # one user for two seconds against one worker, no browser
        args.users, args.seconds, args.workers, args.no_first_load = 1, 2.0, 1, True
    args.users = max(1, min(args.users, 200))
    args.seconds = max(1.0, min(args.seconds, 600.0))

    with socket.socket() as s:
        s.bind((HOST, 0))
        port = s.getsockname()[1]
    env = {**os.environ, "HOST": HOST, "PORT": str(port), "WEB_CONCURRENCY": str(args.workers),
           "LOG_LEVEL": "warning", "TECHMAP_TODAY": os.environ.get("TECHMAP_TODAY", "2026-11-22"),
           "TECHMAP_EXPENSIVE_RATE": "off"}  # the simulated users share one address: no per-client limit
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "app:server", "--access-logfile", "/dev/null"],
                              cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        for _ in range(300):
            try:
                socket.create_connection((HOST, port), timeout=0.5).close()
                break
            except OSError:
                time.sleep(0.2)
        warm = Client(port)
        for page in PAGES:
            warm.request("GET", page)
        app = App(warm)
        page_bytes = None if args.no_first_load else first_load_bytes(port)

        stats = Stats()
        start = time.time()
        deadline = start + args.seconds
        threads = [threading.Thread(target=user_counting_failures, args=(port, app, stats, deadline, n, tuple(args.think)),
                                daemon=True)
                   for n in range(args.users)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=args.seconds + 60)
        elapsed = time.time() - start
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:  # a worker still busy past gunicorn's graceful timeout
            server.kill()
            server.wait()

    callbacks = stats.times["callback"]
    everything = [t for times in stats.times.values() for t in times]
    p95 = statistics.quantiles(callbacks, n=20)[18] if len(callbacks) > 20 else float("nan")
    rate = len(callbacks) / elapsed
    print(f"gunicorn: {args.workers} workers on {HOST}:{port}; {args.users} users for {elapsed:.1f} s, "
          f"{args.think[0]:g}-{args.think[1]:g} s between clicks, a change's callbacks sent together "
          f"over up to {PARALLEL} connections")
    print(f"requests: {len(everything):,} ({len(callbacks):,} callbacks, {len(stats.times['page']):,} pages, "
          f"{len(stats.times['download']):,} downloads); errors: {len(stats.errors)}")
    print(f"callbacks: {rate:.1f} req/s; p50 {statistics.median(callbacks):.1f} ms; p95 {p95:.1f} ms; "
          f"max {max(callbacks):.1f} ms")
    if stats.times["download"]:
        print(f"downloads: p50 {statistics.median(stats.times['download']):.1f} ms")
    if page_bytes is not None:
        print(f"first load of the map page in Chromium, transferred: {page_bytes / 1024:.0f} KB "
              "(benchmarks/first_load.py lists the items)")
    navigation = stats.by_output.get("_pages_content.children", [])
    nav_p95 = statistics.quantiles(navigation, n=20)[18] if len(navigation) > 20 else float("nan")
    print(f"page navigation (_pages_content): n {len(navigation)}, p95 {nav_p95:.1f} ms")
    budgets = {"errors == 0": not stats.errors, "callbacks >= 100/s": rate >= 100,
               "callback p95 < 150 ms": p95 < 150,  # p95 is NaN (over) with too few callbacks
               "page navigation p95 < 100 ms": nav_p95 < 100}
    if page_bytes is not None:
        budgets["first load < 2 MB"] = page_bytes < 2 * 1024 * 1024
    for name, ok in budgets.items():
        print(f"budget {name}: {'OK' if ok else 'OVER'}")
    print("callbacks by their first output (slowest p95 first):")
    rows = [(statistics.quantiles(t, n=20)[18] if len(t) > 20 else max(t), statistics.median(t), len(t), name)
            for name, t in stats.by_output.items()]
    for q95, q50, n, name in sorted(rows, reverse=True)[:12]:
        print(f"  {name[:60]:<60} n {n:>5}  p50 {q50:7.1f} ms  p95 {q95:7.1f} ms")
    for error in stats.errors[:10]:
        print("error:", error)
    hard = {"errors == 0", "first load < 2 MB"}  # not a matter of timing: enforced on a smoke run too
    return exit_status([n for n, ok in budgets.items() if not ok and n not in hard], args.smoke,
                       always=[n for n, ok in budgets.items() if not ok and n in hard])


if __name__ == "__main__":
    sys.exit(main())
