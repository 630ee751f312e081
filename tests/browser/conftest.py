"""Browser tests: the real app under gunicorn on 127.0.0.1, driven by Playwright in Debian's
headless Chromium (/usr/bin/chromium; Playwright's own browser download does not work here)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--lang=en-GB", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(env_extra: dict[str, str] | None = None, port: int | None = None) -> tuple[subprocess.Popen, str]:
    port = port or _free_port()
    env = {**os.environ, "TECHMAP_TODAY": "2026-11-22", **(env_extra or {})}
    # The server's log goes to a file: a pipe nobody reads would fill up and block the server.
    log = tempfile.NamedTemporaryFile(prefix="techmap-server-", suffix=".log", delete=False)
    proc = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "app:server", "--bind", f"127.0.0.1:{port}",
         "--workers", "1", "--threads", "4", "--timeout", "120", "--access-logfile", "/dev/null"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    proc.log_path = log.name
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 90
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited early:\n{Path(log.name).read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(base + "/", timeout=2) as r:
                if r.status == 200:
                    return proc, base
        except OSError:
            time.sleep(0.3)
    proc.kill()
    raise RuntimeError("server did not start in 90 s")


def stop_server(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()


@contextmanager
def serving(env_extra: dict[str, str] | None = None) -> Iterator[str]:
    """The app's address while it runs under gunicorn with `env_extra`; stopped afterwards."""
    proc, base = start_server(env_extra)
    try:
        yield base
    finally:
        stop_server(proc)


@pytest.fixture(scope="session")
def live_server() -> Iterator[str]:
    with serving() as base:
        yield base


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


class PageWatch:
    """Collects console errors and every request to a host other than the app's own."""

    def __init__(self, page, base: str):
        self.page = page
        self.base = base
        self.errors: list[str] = []
        self.foreign: list[str] = []
        page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.on("request", self._request)

    def _request(self, request) -> None:
        url = request.url
        if not (url.startswith(self.base) or url.startswith("data:") or url.startswith("blob:")):
            self.foreign.append(url)


@contextmanager
def watched_tab(browser, base: str, timeout_ms: float | None = 20000, **options: Any) -> Iterator[Any]:
    """A 1280x900 tab in a browser context of its own (`options`: more of new_context's), its
    PageWatch on `base` as `.watch`; closed afterwards. timeout_ms=None keeps Playwright's default."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, **options)
    try:
        tab = context.new_page()
        if timeout_ms is not None:
            tab.set_default_timeout(timeout_ms)
        tab.watch = PageWatch(tab, base)
        yield tab
    finally:
        context.close()


@pytest.fixture()
def page(browser, live_server):
    with watched_tab(browser, live_server, accept_downloads=True, locale="en-GB",
                     timezone_id="Europe/London") as tab:
        yield tab


def wait_for_dash(page) -> None:
    """Wait until Dash has rendered and no callback is pending."""
    page.wait_for_selector("#_pages_content h1", timeout=30000)
    page.wait_for_function(
        "() => !document.querySelector('[data-dash-is-loading=\"true\"]')", timeout=30000)
    page.wait_for_timeout(300)


def next_frames(page) -> None:
    """Wait until the browser has drawn two more frames: what a mouse move, a style change or a
    scroll sets off has been laid out and painted (not a fixed sleep)."""
    page.evaluate("() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")


def open_dropdown(page) -> None:
    """With a filter drop-down focused: open it; its search box takes the focus."""
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.activeElement.classList.contains('dash-dropdown-search')")


def type_in_dropdown(page, text: str) -> None:
    """With a filter drop-down focused: open it, type, wait until the first option starts with `text`."""
    open_dropdown(page)
    page.keyboard.type(text)
    page.wait_for_function("(t) => { const o = document.querySelector('.dash-dropdown-content [role=option]');"
                           " return o && o.textContent.startsWith(t); }", arg=text)


def choose_in_dropdown(page, text: str) -> None:
    """With a filter drop-down focused: open it, type, wait for the option, pick it, close."""
    type_in_dropdown(page, text)
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    page.keyboard.press("Escape")
