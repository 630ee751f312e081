"""The main journey by keyboard alone: choose a borough, see its renewals in the next 12 months,
download its calendar. No mouse, no clicks: Tab, typing, Enter."""

import pytest
from icalendar import Calendar

from tests.browser.conftest import wait_for_dash

pytestmark = pytest.mark.browser


def tab_to(page, predicate_js: str, limit: int = 250) -> None:
    """Press Tab until the focused element satisfies the predicate (a JS expression over `e`)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"() => {{ const e = document.activeElement; return !!({predicate_js}); }}"):
            return
    raise AssertionError(f"Tab never reached an element where {predicate_js}")


def test_borough_renewals_and_calendar_by_keyboard(page, live_server):
    page.goto(live_server + "/")
    wait_for_dash(page)

    # 1. Choose a borough: Tab to the Borough filter, open it, type, pick with Enter.
    tab_to(page, "e.id === 'filter-authority'")
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.activeElement.classList.contains('dash-dropdown-search')")
    page.keyboard.type("Camden")
    page.wait_for_timeout(200)
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    page.keyboard.press("Escape")
    page.wait_for_url("**authority=E09000007**")
    wait_for_dash(page)

    # 2. Go to Renewals through the main navigation (the link keeps the filter).
    page.keyboard.press("Escape")
    page.evaluate("() => document.activeElement && document.activeElement.blur()")
    tab_to(page, "e.textContent.trim() === 'Renewals' && e.closest('nav')")
    page.keyboard.press("Enter")
    page.wait_for_url("**/renewals?authority=E09000007**")
    wait_for_dash(page)

    # 3. Next 12 months.
    tab_to(page, "e.textContent.trim() === 'Next 12 months'")
    page.keyboard.press("Enter")
    page.wait_for_url("**ends_to=2027-11-22**")
    wait_for_dash(page)
    assert "ends_from=2026-11-22" in page.url
    assert page.locator("[aria-pressed=true]", has_text="Next 12 months").count() == 1

    # 4. Download the borough's calendar: Tab to the subscription link and press Enter.
    tab_to(page, "e.tagName === 'A' && (e.getAttribute('href') || '').startsWith('/calendar/E09000007.ics')")
    href = page.evaluate("() => document.activeElement.getAttribute('href')")
    with page.expect_download() as download_info:
        page.keyboard.press("Enter")
    download = download_info.value
    assert download.suggested_filename.endswith(".ics")
    with open(download.path(), "rb") as handle:
        calendar = Calendar.from_ical(handle.read())
    events = [c for c in calendar.walk("VEVENT")]
    assert events and all("Camden" in str(e.get("summary")) for e in events)
    assert href.startswith("/calendar/E09000007.ics")
    assert page.watch.errors == []
