"""In headless Chromium: a page's callbacks carry the version it was drawn with; when that version
is gone from the server, the page says so and offers a reload (assets/live_version.js)."""

from __future__ import annotations

from pathlib import Path

import pytest

from techmap.store.db import close_all, open_database
from techmap.store.publishing import publish_folder
from tests.browser.conftest import start_server, stop_server, wait_for_dash
from tests.unit.store_helpers import one_row_less, write_demo


@pytest.fixture
def switching_server(tmp_path: Path):
    demo = write_demo(tmp_path / "demo")
    url = f"sqlite:///{tmp_path / 'store.sqlite3'}"
    publish_folder(open_database(url), demo, note="first", by="test")
    proc, base = start_server({"TECHMAP_DATABASE_URL": url, "TECHMAP_DATASET": str(demo),
                               "TECHMAP_VERSION_CHECK_SECONDS": "0.2",
                               "TECHMAP_KEEP_PREVIOUS_SECONDS": "0.5"})
    yield base, url, demo
    stop_server(proc)
    close_all()


def test_a_page_drawn_from_a_version_gone_offers_a_reload(browser, switching_server, tmp_path):
    base, url, demo = switching_server
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(30000)
    sent: list[str | None] = []
    page.on("request", lambda r: sent.append(r.headers.get("x-dataset-version-drawn"))
            if "_dash-update-component" in r.url else None)
    try:
        page.goto(base + "/")
        wait_for_dash(page)
        assert "Published version 1 of" in page.locator("footer").inner_text()
        assert sent and set(sent) == {"1"}  # every callback so far carried the page's version
        publish_folder(open_database(url), one_row_less(demo, tmp_path / "v2"), note="2", by="t")
        page.wait_for_function(  # the server switched (and, 0.5 s later, forgot version 1)
            "async () => (await fetch('/healthz')).headers.get('X-Dataset-Version') === '2'")
        page.wait_for_timeout(1000)
        page.get_by_role("link", name="Suppliers").first.click()
        alert = page.get_by_role("alert").filter(has_text="The data has been updated")
        alert.wait_for()
        button = alert.get_by_role("button", name="Reload the page")
        assert button.evaluate("b => b === document.activeElement")  # keyboard users land on it
        button.click()
        wait_for_dash(page)
        assert "Published version 2 of" in page.locator("footer").inner_text()
        assert page.get_by_role("alert").filter(has_text="The data has been updated").count() == 0
    finally:
        context.close()
