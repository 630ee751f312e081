"""First load of each page in a real browser (issue 18 budgets: under 1 MB compressed on `/`,
`/suppliers`, `/renewals` and `/borough/<code>`, under 1.3 MB on `/data`; the map drawn under
1.5 s from navigation start).

Starts `gunicorn app:server` on 127.0.0.1 (2 workers, gunicorn.conf.py, which compresses the static
files before forking), opens each page in Debian's headless Chromium through Playwright with an
empty cache, waits until the page has drawn and the network is idle, and sums the bytes that went
over the wire for every response (Chrome DevTools' Network.loadingFinished encodedDataLength:
compressed bodies plus headers). That includes what Dash loads later (plotly.js, async component
chunks), the boundaries GeoJSON and the base map, which a list of the links in the HTML misses.
The map's time is from navigation start to the first borough shape plotly draws
(`.choroplethlayer path`), the median of `--map-runs` cold visits.

    .venv/bin/python benchmarks/first_load.py                     # every page, then the budgets
    .venv/bin/python benchmarks/first_load.py --path /suppliers --top 20
    .venv/bin/python benchmarks/first_load.py --accept-encoding "gzip, deflate, br"   # as Safari
    .venv/bin/python benchmarks/first_load.py --root /tmp/other-checkout   # serve another checkout
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
from _budgets import add_smoke_flag, exit_status  # noqa: E402  (beside this script)

HOST = "127.0.0.1"
MB = 1024 * 1024
# page -> budget in bytes (compressed, headers included)
PAGES = {"/": 1 * MB, "/suppliers": 1 * MB, "/renewals": 1 * MB, "/borough/E09000007": 1 * MB,
         "/data": 1.3 * MB}
MAP_DRAWN_BUDGET_S = 1.5
MAP_SHAPE = ".js-plotly-plot .choroplethlayer path"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--lang=en-GB", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
# Notes when the map's first borough shape appears, in ms since navigation start.
WATCH_MAP = """
new MutationObserver((_, observer) => {
    if (document.querySelector(%r)) { window.__mapDrawnAt = performance.now(); observer.disconnect(); }
}).observe(document, {childList: true, subtree: true});
""" % MAP_SHAPE


def start_server(workers: int, root: Path) -> tuple[subprocess.Popen, str]:
    with socket.socket() as s:
        s.bind((HOST, 0))
        port = s.getsockname()[1]
    env = {**os.environ, "HOST": HOST, "PORT": str(port), "WEB_CONCURRENCY": str(workers),
           "LOG_LEVEL": "warning", "TECHMAP_TODAY": os.environ.get("TECHMAP_TODAY", "2026-11-22")}
    log = tempfile.NamedTemporaryFile(prefix="techmap-first-load-", suffix=".log", delete=False)
    proc = subprocess.Popen([sys.executable, "-m", "gunicorn", "app:server", "--access-logfile", "/dev/null"],
                            cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://{HOST}:{port}"
    deadline = time.time() + 180
    while time.time() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"server exited early; see {log.name}")
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=2):
                return proc, base
        except OSError:
            time.sleep(0.3)
    proc.kill()
    raise SystemExit("server did not start in 180 s")


def visit(browser, base: str, path: str, accept_encoding: str | None) -> tuple[list[dict], float | None]:
    """Every response of a cold visit (url, encoded and decoded bytes, content encoding) and, on
    the map, seconds from navigation start until the first borough shape was drawn."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    page = context.new_page()
    page.add_init_script(WATCH_MAP)
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    if accept_encoding is not None:  # what another browser would send
        cdp.send("Network.setExtraHTTPHeaders", {"headers": {"Accept-Encoding": accept_encoding}})
    seen: dict[str, dict] = {}

    def item(request_id: str) -> dict:
        return seen.setdefault(request_id, {"url": "?", "encoding": "-"})

    def on_response(event: dict) -> None:
        headers = {k.lower(): v for k, v in event["response"].get("headers", {}).items()}
        item(event["requestId"]).update(url=event["response"]["url"],
                                        encoding=headers.get("content-encoding", "-"))

    def on_data(event: dict) -> None:
        entry = item(event["requestId"])
        entry["decoded"] = entry.get("decoded", 0) + int(event["dataLength"])

    cdp.on("Network.responseReceived", on_response)
    cdp.on("Network.loadingFinished", lambda e: item(e["requestId"]).update(encoded=int(e["encodedDataLength"])))
    cdp.on("Network.dataReceived", on_data)
    page.goto(base + path, wait_until="networkidle", timeout=120000)
    drawn = None
    if path.split("?")[0] == "/":
        page.wait_for_selector(MAP_SHAPE, state="attached", timeout=120000)
        drawn = page.evaluate("() => window.__mapDrawnAt") / 1000
    page.wait_for_selector("#_pages_content h1", timeout=120000)
    page.wait_for_function("() => !document.querySelector('[data-dash-is-loading=\"true\"]')", timeout=120000)
    page.wait_for_load_state("networkidle", timeout=120000)
    page.wait_for_timeout(500)
    context.close()
    return [i for i in seen.values() if "encoded" in i and not i["url"].startswith("data:")], drawn


def print_items(base: str, items: list[dict], top: int) -> None:
    print(f"{'transferred':>12} {'decoded':>10}  encoding  url")
    for i in sorted(items, key=lambda i: -i["encoded"])[:top]:
        print(f"{i['encoded'] / 1024:>9.1f} KB {i.get('decoded', 0) / 1024:>7.1f} KB  "
              f"{i['encoding']:<8}  {i['url'].replace(base, '')[:100]}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--path", action="append", help="page to open (repeatable; default every budgeted page)")
    parser.add_argument("--top", type=int, default=0, help="list this many of each page's biggest items")
    parser.add_argument("--map-runs", type=int, default=3, help="cold visits of / for the map's time")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--accept-encoding", help="send this Accept-Encoding instead of Chromium's own")
    parser.add_argument("--base", help="measure a server that is already running, e.g. http://127.0.0.1:8050")
    parser.add_argument("--root", type=Path, default=ROOT, help="the checkout to serve (default this one)")
    add_smoke_flag(parser)
    args = parser.parse_args()
    if args.smoke:  # the map page once, one worker; its size budget is still enforced
        args.path, args.map_runs, args.workers = ["/"], 1, 1
    paths = args.path or list(PAGES)

    from playwright.sync_api import sync_playwright

    proc = None
    if args.base:
        base = args.base.rstrip("/")
    else:
        proc, base = start_server(args.workers, args.root.resolve())
    rows, draws, over, slow = [], [], [], []
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            for path in paths:
                items, drawn = visit(browser, base, path, args.accept_encoding)
                rows.append((path, items))
                if drawn is not None:
                    draws = [drawn] + [visit(browser, base, path, args.accept_encoding)[1]
                                       for _ in range(args.map_runs - 1)]
            browser.close()
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(timeout=20)

    print(f"first load in headless Chromium (cold cache), {base}")
    print(f"{'page':<22} {'requests':>8} {'transferred':>12} {'decoded':>10} {'plotly.js':>10}  budget")
    for path, items in rows:
        total = sum(i["encoded"] for i in items)
        plotly = sum(i["encoded"] for i in items if "plotly" in i["url"].rsplit("/", 1)[-1])
        budget = PAGES.get(path.split("?")[0])
        verdict = "-" if budget is None else f"< {budget / MB:.1f} MB {'OK' if total < budget else 'OVER'}"
        if budget is not None and total >= budget:
            over.append(path)
        print(f"{path:<22} {len(items):>8} {total / 1024:>9.0f} KB {sum(i.get('decoded', 0) for i in items) / 1024:>7.0f} KB"
              f" {plotly / 1024:>7.0f} KB  {verdict}")
        if args.top:
            print_items(base, items, args.top)
    if draws:
        median = statistics.median(draws)
        ok = median < MAP_DRAWN_BUDGET_S
        print(f"map drawn (navigation start to first {MAP_SHAPE!r}): median {median:.2f} s of "
              f"{len(draws)} cold visits ({', '.join(f'{d:.2f}' for d in draws)}); "
              f"budget < {MAP_DRAWN_BUDGET_S} s: {'OK' if ok else 'OVER'}")
        if not ok:
            slow.append("map drawn")
    print(f"budget first load: {'OK' if not over + slow else 'OVER: ' + ', '.join(over + slow)}")
    return exit_status(slow, args.smoke, always=over)  # bytes: enforced on a smoke run too


if __name__ == "__main__":
    sys.exit(main())
