"""First load of the map page in a real browser (issue 6 budget: under 2 MB transferred, compressed).

Starts `gunicorn app:server` on 127.0.0.1 (2 workers, gunicorn.conf.py), opens `/` in Debian's
headless Chromium through Playwright with an empty cache, waits until the map has drawn and the
network is idle, and sums the bytes that went over the wire for every response (Chrome DevTools'
Network.loadingFinished encodedDataLength: compressed bodies plus headers). That includes what Dash
loads asynchronously (plotly.min.js, async component chunks), the boundaries GeoJSON the figure
names and the base map, which a list of the links in the HTML misses.

    .venv/bin/python benchmarks/first_load.py              # total and the biggest items
    .venv/bin/python benchmarks/first_load.py --path /suppliers --top 20
    .venv/bin/python benchmarks/first_load.py --accept-encoding "gzip, deflate, br"   # as Safari
"""

from __future__ import annotations

import argparse
import os
import socket
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
BUDGET = 2 * 1024 * 1024
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--lang=en-GB", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def start_server(workers: int) -> tuple[subprocess.Popen, str]:
    with socket.socket() as s:
        s.bind((HOST, 0))
        port = s.getsockname()[1]
    env = {**os.environ, "HOST": HOST, "PORT": str(port), "WEB_CONCURRENCY": str(workers),
           "LOG_LEVEL": "warning", "TECHMAP_TODAY": os.environ.get("TECHMAP_TODAY", "2026-11-22")}
    log = tempfile.NamedTemporaryFile(prefix="techmap-first-load-", suffix=".log", delete=False)
    proc = subprocess.Popen([sys.executable, "-m", "gunicorn", "app:server", "--access-logfile", "/dev/null"],
                            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://{HOST}:{port}"
    deadline = time.time() + 120
    while time.time() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"server exited early; see {log.name}")
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=2):
                return proc, base
        except OSError:
            time.sleep(0.3)
    proc.kill()
    raise SystemExit("server did not start in 120 s")


def measure(base: str, path: str, accept_encoding: str | None = None) -> list[dict]:
    """Every response of a cold first visit: url, encoded bytes, decoded bytes, content encoding."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
        page = context.new_page()
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
        if accept_encoding is not None:  # what another browser would send
            cdp.send("Network.setExtraHTTPHeaders", {"headers": {"Accept-Encoding": accept_encoding}})
        seen: dict[str, dict] = {}

        def on_response(event: dict) -> None:
            response = event["response"]
            headers = {k.lower(): v for k, v in response.get("headers", {}).items()}
            seen[event["requestId"]] = {"url": response["url"], "encoding": headers.get("content-encoding", "-"),
                                        "type": headers.get("content-type", "").split(";")[0]}

        def on_finished(event: dict) -> None:
            item = seen.setdefault(event["requestId"], {"url": "?", "encoding": "-", "type": ""})
            item["encoded"] = int(event["encodedDataLength"])

        def on_data(event: dict) -> None:
            item = seen.setdefault(event["requestId"], {"url": "?", "encoding": "-", "type": ""})
            item["decoded"] = item.get("decoded", 0) + int(event["dataLength"])

        cdp.on("Network.responseReceived", on_response)
        cdp.on("Network.loadingFinished", on_finished)
        cdp.on("Network.dataReceived", on_data)
        page.goto(base + path, wait_until="networkidle", timeout=120000)
        if path.split("?")[0] == "/":
            # the map has drawn: plotly has laid out the borough shapes
            page.wait_for_selector(".js-plotly-plot .choroplethlocation", state="attached", timeout=120000)
        page.wait_for_load_state("networkidle", timeout=120000)
        page.wait_for_timeout(500)
        browser.close()
    return [item for item in seen.values() if "encoded" in item]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--path", default="/", help="page to open (default the map, /)")
    parser.add_argument("--top", type=int, default=12, help="how many of the biggest items to list")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--accept-encoding", help="send this Accept-Encoding instead of Chromium's own")
    parser.add_argument("--base", help="measure a server that is already running, e.g. http://127.0.0.1:8050")
    add_smoke_flag(parser)
    args = parser.parse_args()
    if args.smoke:  # one worker; the size budget is still checked (bytes do not depend on the machine)
        args.workers = 1

    proc = None
    if args.base:
        base = args.base.rstrip("/")
    else:
        proc, base = start_server(args.workers)
    try:
        items = measure(base, args.path, args.accept_encoding)
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(timeout=20)

    total = sum(i["encoded"] for i in items)
    decoded = sum(i.get("decoded", 0) for i in items)
    print(f"first load of {args.path} in headless Chromium: {len(items)} responses, "
          f"{total / 1024:.0f} KB transferred ({decoded / 1024:.0f} KB after decompression)")
    print(f"{'transferred':>12} {'decoded':>10}  encoding  url")
    for item in sorted(items, key=lambda i: -i["encoded"])[:args.top]:
        url = item["url"].replace(base, "")
        print(f"{item['encoded'] / 1024:>9.1f} KB {item.get('decoded', 0) / 1024:>7.1f} KB  "
              f"{item['encoding']:<8}  {url[:100]}")
    print(f"budget first load < 2 MB: {'OK' if total < BUDGET else 'OVER'} ({total / 1024 / 1024:.2f} MB)")
    over = [] if total < BUDGET else ["first load < 2 MB"]
    return exit_status([], args.smoke, always=over)


if __name__ == "__main__":
    sys.exit(main())
