"""Renewals a CIO can act on, in a real browser on the demo dataset (server today: 22 Nov 2026):
passed review dates marked on the borough profile, the calendar's copy-link button, and the
joint-procurement finder's same-system filter and its CSV download."""

from __future__ import annotations

import csv
import io
import re
from datetime import date
from pathlib import Path

import pytest

from tests.browser.conftest import wait_for_dash

pytestmark = pytest.mark.browser

TODAY = "2026-11-22"  # the test server's TECHMAP_TODAY (tests/browser/conftest.py)
DEMO = Path(__file__).resolve().parents[2] / "datasets" / "demo" / "contracts.csv"
CAMDEN = "E09000007"


def _passed_reviews(authority: str) -> list[str]:
    """Review dates of the borough's contracts that are before TODAY, from the file itself."""
    with DEMO.open(encoding="utf-8") as handle:
        return sorted(r["review_date"] for r in csv.DictReader(handle)
                      if r["authority_code"] == authority and r["review_date"] and r["review_date"] < TODAY)


def test_profile_marks_passed_reviews_and_copies_the_calendar_link(browser, live_server) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB",
                                  permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    page.set_default_timeout(20000)
    try:
        page.goto(f"{live_server}/borough/camden")
        wait_for_dash(page)
        expected = _passed_reviews(CAMDEN)
        assert expected, "the demo dataset has a Camden review date before today"
        # the fifth cell of each systems row is its review or notice date
        marked = page.locator("section table tbody tr > :nth-child(5) .deadline-passed")
        assert marked.count() == len(expected)
        assert {t.strip() for t in marked.all_inner_texts()} == {"Passed"}
        cells = page.locator("section table tbody tr > :nth-child(5):has(.deadline-passed)").all_inner_texts()
        shown = sorted(re.match(r"(\d+ \w+ \d{4})", c).group(1) for c in cells)
        assert shown == sorted(f"{date.fromisoformat(d):%-d %b %Y}" for d in expected)
        # the calendar: a webcal link, copied by keyboard, "Copied" announced in the live region
        subscribe = page.locator("#calendar ~ .calendar-item a.calendar-subscribe")
        # TECHMAP_BASE_URL is not set on the test server: the link names where the app would listen,
        # never the request's host, and the page says the address is not configured
        href = subscribe.get_attribute("href")
        assert href.startswith("webcal://127.0.0.1:") and href.endswith(f"/calendar/{CAMDEN}.ics")
        assert "not configured (TECHMAP_BASE_URL)" in page.locator("section:has(> #calendar)").inner_text()
        button = page.locator("button.copy-link").first
        button.focus()
        page.keyboard.press("Enter")
        status = page.locator("#" + button.get_attribute("aria-controls"))
        page.wait_for_function("(id) => document.getElementById(id).textContent === 'Copied'",
                               arg=button.get_attribute("aria-controls"))
        assert status.get_attribute("aria-live") == "polite"
        copied = page.evaluate("() => navigator.clipboard.readText()")
        assert copied == href
    finally:
        context.close()


def test_finder_same_system_filter_and_csv(page, live_server) -> None:
    page.goto(f"{live_server}/renewals?within=24#finder")
    wait_for_dash(page)
    both = page.locator("#renewals-finder-caption").inner_text()
    page.get_by_role("group", name="Groups of boroughs on").get_by_label("Same system").check()
    page.wait_for_function("() => location.search.includes('finder=system')")
    page.wait_for_function("(old) => document.querySelector('#renewals-finder-caption').innerText !== old", arg=both)
    wait_for_dash(page)
    kinds = page.locator("#renewals-finder-cards .jp-kind").all_inner_texts()
    assert kinds and set(kinds) == {"Same system"}
    total = int(re.search(r"of ([\d,]+),", page.locator("#renewals-finder-pager").inner_text()).group(1).replace(",", ""))
    titles = [t.replace("Same system", "").strip() for t in page.locator("#renewals-finder-cards .jp-title").all_inner_texts()]
    link = page.locator("#renewals-finder-csv a")
    assert "finder=system" in link.get_attribute("href") and "within=24" in link.get_attribute("href")
    with page.expect_download() as download_info:
        link.click()
    body = Path(download_info.value.path()).read_bytes().decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(body, newline="")))
    assert len(rows) == total > len(titles) > 0  # every group, not only the page shown
    assert {r["kind"] for r in rows} == {"same system"}
    assert [r["system_or_service_area"] for r in rows[:len(titles)]] == titles  # the page's order
    assert all(int(r["boroughs"]) >= 2 for r in rows)
    assert not page.watch.errors
