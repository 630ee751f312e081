"""Renewals page in a real browser: the window buttons change the timeline and the URL; the
timeline pages; the finder follows its lead time; a phone gets the compact timeline."""

from __future__ import annotations

import re

from tests.browser.conftest import wait_for_dash

TIMELINE = "#renewals-timeline-graph .js-plotly-plot"


def _figure(page) -> dict:
    """What the timeline graph currently draws: bars, first label, x range of the data."""
    return page.evaluate(
        """(sel) => {
            const gd = document.querySelector(sel);
            const term = gd.data[0];
            const ticks = gd.layout.yaxis.ticktext || [];
            return {bars: term.y.length, bases: term.base, first: ticks[1] || null,
                    labels: gd.layout.yaxis.showticklabels !== false,
                    annotations: (gd.layout.annotations || []).length};
        }""",
        TIMELINE,
    )


def _text(page, selector: str) -> str:
    return page.locator(selector).inner_text().strip()


def test_window_buttons_change_the_timeline_and_the_url(page, live_server) -> None:
    page.goto(f"{live_server}/renewals")
    wait_for_dash(page)
    assert page.locator("h1").count() == 1
    assert _text(page, "h1") == "Contract renewals"
    page.wait_for_selector(TIMELINE)
    before_pager = _text(page, "#renewals-timeline-pager")
    before_status = _text(page, "#renewals-window-status")
    assert before_status == "Showing every end date."

    page.get_by_role("button", name="Next 6 months").click()
    page.wait_for_url(re.compile(r"ends_from=2026-11-22&ends_to=2027-05-22"))
    page.wait_for_function(
        "(old) => document.querySelector('#renewals-timeline-pager').innerText.trim() !== old", arg=before_pager)
    wait_for_dash(page)
    six_pager = _text(page, "#renewals-timeline-pager")
    assert "(the next 6 months)" in _text(page, "#renewals-window-status")
    assert page.get_by_role("button", name="Next 6 months").get_attribute("aria-pressed") == "true"
    # every bar on the page ends inside the window: the pager states the range of end dates
    last_end = re.search(r"to (\d+ \w+ \d{4})\.$", six_pager).group(1)
    assert last_end.endswith("2026") or last_end.endswith("2027")
    six = _figure(page)

    page.get_by_role("button", name="Next 24 months").click()
    page.wait_for_url(re.compile(r"ends_from=2026-11-22&ends_to=2028-11-22"))
    page.wait_for_function(
        "(old) => document.querySelector('#renewals-timeline-pager').innerText.trim() !== old", arg=six_pager)
    wait_for_dash(page)
    assert page.get_by_role("button", name="Next 6 months").get_attribute("aria-pressed") == "false"
    assert page.get_by_role("button", name="Next 24 months").get_attribute("aria-pressed") == "true"
    twenty_four = _text(page, "#renewals-timeline-pager")
    count_6 = int(re.search(r"of ([\d,]+) ending", six_pager).group(1).replace(",", ""))
    count_24 = int(re.search(r"of ([\d,]+) ending", twenty_four).group(1).replace(",", ""))
    assert count_24 > count_6 > 0
    assert _figure(page) != six or count_24 != count_6
    # the filter bar shows the same window (custom ranges are typed there)
    assert page.locator("#filter-ends-to").input_value() == "2028-11-22"

    # paging is local to the page: the URL does not change
    url = page.url
    page.get_by_role("button", name="Next page of contracts").click()
    page.wait_for_function(
        "(old) => document.querySelector('#renewals-timeline-pager').innerText.trim() !== old", arg=twenty_four)
    assert _text(page, "#renewals-timeline-pager").startswith("Contracts 41–80")
    assert page.url == url

    # Back returns to the previous window
    page.go_back()
    page.wait_for_url(re.compile(r"ends_to=2027-05-22"))
    page.wait_for_function(
        "(want) => document.querySelector('#renewals-timeline-pager').innerText.trim() === want", arg=six_pager)
    assert page.watch.errors == []
    assert page.watch.foreign == []


def test_finder_lead_time_moves_the_suggested_start(page, live_server) -> None:
    page.goto(f"{live_server}/renewals?authority=E09000007")
    wait_for_dash(page)
    first_card = page.locator(".jp-card").first
    before = first_card.locator(".jp-start").inner_text()
    assert "18 months before the first end" in before
    assert "Subscribe to Camden's renewals calendar" in _text(page, "#renewals-downloads")
    assert page.get_by_role("link", name="Subscribe to Camden's renewals calendar").get_attribute("href") == (
        "/calendar/E09000007.ics")
    page.get_by_label("6 months", exact=True).nth(1).check()  # the second "6 months": the lead time
    page.wait_for_url(re.compile(r"lead=6"))
    page.wait_for_function(
        "(old) => document.querySelector('.jp-card .jp-start').innerText !== old", arg=before)
    assert "6 months before the first end" in page.locator(".jp-card .jp-start").first.inner_text()
    csv = page.get_by_role("link", name="Download these contracts (CSV)").get_attribute("href")
    assert csv == "/download/contracts.csv?authority=E09000007&lead=6"
    assert page.watch.errors == []
    assert page.watch.foreign == []


def test_a_phone_gets_the_compact_timeline(browser, live_server) -> None:
    context = browser.new_context(viewport={"width": 360, "height": 800})
    try:
        pg = context.new_page()
        errors: list[str] = []
        pg.on("pageerror", lambda e: errors.append(str(e)))
        pg.goto(f"{live_server}/renewals")
        wait_for_dash(pg)
        pg.wait_for_function(
            "(sel) => { const gd = document.querySelector(sel); "
            "return gd && gd.layout.yaxis.showticklabels === false; }", arg=TIMELINE, timeout=20000)
        compact = _figure(pg)
        assert compact["labels"] is False and compact["annotations"] > 10  # labels written above bars
        width = pg.evaluate("document.documentElement.scrollWidth")
        assert width <= 360  # nothing forces sideways scrolling
        assert errors == []
    finally:
        context.close()
