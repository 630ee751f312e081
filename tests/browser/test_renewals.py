"""Renewals page in a real browser: the window buttons change the timeline and the URL; the
timeline pages; the finder follows its lead time; a phone gets the compact timeline."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from tests.browser.conftest import wait_for_dash

pytestmark = pytest.mark.browser

TIMELINE = "#renewals-timeline-graph .js-plotly-plot"
TODAY = "2026-11-22"  # the test server's TECHMAP_TODAY (tests/browser/conftest.py)
DEMO = Path(__file__).resolve().parents[2] / "datasets" / "demo" / "contracts.csv"  # what the server shows


def _ending(authority: str | None, last: str | None) -> int:
    """Contracts of the demo dataset ending from TODAY (to `last`), counted from the file itself."""
    with DEMO.open(encoding="utf-8") as handle:
        return sum(1 for row in csv.DictReader(handle)
                   if row["end_date"] and row["end_date"] >= TODAY and (last is None or row["end_date"] <= last)
                   and (authority is None or row["authority_code"] == authority))


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


def _bars(page) -> list[tuple[str, str]]:
    """Every contract the detailed timeline draws: (its row label, its current end as YYYY-MM-DD),
    top to bottom. Term bars end at base + duration; contracts without a start are end ticks."""
    bars = page.evaluate(
        """(sel) => {
            const gd = document.querySelector(sel);
            const y = gd.layout.yaxis;
            const labels = {};
            (y.tickvals || []).forEach((v, i) => { labels[v] = y.ticktext[i]; });
            const day = ms => new Date(ms).toISOString().slice(0, 10);
            const term = gd.data[0], noStart = gd.data[2];
            const out = term.y.map((row, i) => [row, day(Date.parse(term.base[i]) + term.x[i])]);
            noStart.y.forEach((row, i) => out.push([row, noStart.x[i]]));
            out.sort((a, b) => a[0] - b[0]);
            return out.map(([row, end]) => [labels[row] || String(row), end]);
        }""",
        TIMELINE,
    )
    return [tuple(b) for b in bars]


def _text(page, selector: str) -> str:
    return page.locator(selector).inner_text().strip()


def _pager_changed(page, old: str) -> None:
    page.wait_for_function(
        "(old) => document.querySelector('#renewals-timeline-pager').innerText.trim() !== old", arg=old)
    wait_for_dash(page)


def test_window_buttons_change_the_timeline_and_the_url(page, live_server) -> None:
    # Camden: about 30 contracts end from today, fewer in the next 24 months and the next 6, so
    # each window fits on the timeline's first page and every bar can be checked
    page.goto(f"{live_server}/renewals?authority=E09000007")
    wait_for_dash(page)
    assert page.locator("h1").count() == 1
    assert _text(page, "h1") == "Contract renewals"
    page.wait_for_selector(TIMELINE)
    assert _text(page, "#renewals-window-status") == "Showing every end date."
    every = _bars(page)
    assert len(every) == _ending("E09000007", None) and all(end >= TODAY for _, end in every)
    every_pager = _text(page, "#renewals-timeline-pager")

    page.get_by_role("button", name="Next 6 months").click()
    page.wait_for_url(re.compile(r"authority=E09000007&ends_from=2026-11-22&ends_to=2027-05-22"))
    _pager_changed(page, every_pager)
    six = _bars(page)
    six_pager = _text(page, "#renewals-timeline-pager")
    assert "(the next 6 months)" in _text(page, "#renewals-window-status")
    assert page.get_by_role("button", name="Next 6 months").get_attribute("aria-pressed") == "true"
    assert six != every and set(six) < set(every)
    assert all(TODAY <= end <= "2027-05-22" for _, end in six), six  # every bar ends in the window
    n_six = _ending("E09000007", "2027-05-22")
    assert six_pager.startswith(f"Contracts 1–{n_six} of {n_six} ending from today")

    page.get_by_role("button", name="Next 24 months").click()
    page.wait_for_url(re.compile(r"authority=E09000007&ends_from=2026-11-22&ends_to=2028-11-22"))
    _pager_changed(page, six_pager)
    twenty_four = _bars(page)
    assert page.get_by_role("button", name="Next 6 months").get_attribute("aria-pressed") == "false"
    assert page.get_by_role("button", name="Next 24 months").get_attribute("aria-pressed") == "true"
    assert len(twenty_four) == _ending("E09000007", "2028-11-22")
    assert all(TODAY <= end <= "2028-11-22" for _, end in twenty_four), twenty_four
    # the longer window adds exactly the contracts ending after the shorter one
    assert set(six) < set(twenty_four)
    assert sorted(set(twenty_four) - set(six)) == sorted(b for b in twenty_four if b[1] > "2027-05-22")
    # the filter bar shows the same window (custom ranges are typed there)
    assert page.locator("#filter-ends-to").input_value() == "2028-11-22"

    # Back returns to the previous window and its bars
    page.go_back()
    page.wait_for_url(re.compile(r"ends_to=2027-05-22"))
    page.wait_for_function(
        "(want) => document.querySelector('#renewals-timeline-pager').innerText.trim() === want", arg=six_pager)
    assert _bars(page) == six
    assert page.watch.errors == []
    assert page.watch.foreign == []


def test_timeline_pages_stay_in_the_window_and_out_of_the_url(page, live_server) -> None:
    page.goto(f"{live_server}/renewals")
    wait_for_dash(page)
    before = _text(page, "#renewals-timeline-pager")
    page.get_by_role("button", name="Next 24 months").click()
    page.wait_for_url(re.compile(r"ends_from=2026-11-22&ends_to=2028-11-22"))
    _pager_changed(page, before)
    first = _text(page, "#renewals-timeline-pager")
    total = _ending(None, "2028-11-22")
    assert first.startswith(f"Contracts 1–40 of {total:,} ending from today")
    url = page.url
    first_bars = _bars(page)
    page.get_by_role("button", name="Next page of contracts").click()
    _pager_changed(page, first)
    assert _text(page, "#renewals-timeline-pager").startswith(f"Contracts 41–80 of {total:,}")
    assert page.url == url  # paging is local to the page
    second = _bars(page)
    assert len(second) == 40 and not set(second) & set(first_bars)
    assert min(end for _, end in second) >= max(end for _, end in first_bars)  # end-date order
    assert all(TODAY <= end <= "2028-11-22" for _, end in second)
    assert page.get_by_role("button", name="Previous page of contracts").is_enabled()
    assert page.watch.errors == []


def test_finder_lead_time_moves_the_suggested_start(page, live_server) -> None:
    page.goto(f"{live_server}/renewals?authority=E09000007")
    wait_for_dash(page)
    first_card = page.locator(".jp-card").first
    before = first_card.locator(".jp-start").inner_text()
    assert "18 months before the first end" in before
    assert "Subscribe to Camden's renewals calendar" in _text(page, "#renewals-downloads")
    # a webcal:// subscription (from the configured base URL, never the request's host) beside the download
    subscribe = page.get_by_role("link", name="Subscribe to Camden's renewals calendar").get_attribute("href")
    assert re.fullmatch(r"webcal://127\.0\.0\.1:\d+/calendar/E09000007\.ics", subscribe)
    assert page.get_by_role("link", name="Download the file once instead (.ics)").get_attribute("href") == (
        "/calendar/E09000007.ics")
    page.get_by_label("6 months", exact=True).nth(1).check()  # the second "6 months": the lead time
    page.wait_for_url(re.compile(r"lead=6"))
    page.wait_for_function(
        "(old) => document.querySelector('.jp-card .jp-start').innerText !== old", arg=before)
    assert "6 months before the first end" in page.locator(".jp-card .jp-start").first.inner_text()
    csv = page.get_by_role("link", name=re.compile(r"^Download these [\d,]+ contracts \(CSV\)$"))
    assert csv.get_attribute("href") == "/download/contracts.csv?authority=E09000007"  # filters only
    ics = page.get_by_role("link", name="Download them as a file once instead (iCalendar, .ics)")
    assert ics.get_attribute("href") == "/calendar/renewals.ics?authority=E09000007&lead=6"
    assert page.get_by_role("link", name="Download the file once instead (.ics)").get_attribute("href") == (
        "/calendar/E09000007.ics?lead=6")
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


def test_downloads_hold_the_rows_on_screen(page, live_server) -> None:
    """A quality flag left in the URL by the data page must not narrow the renewals downloads."""
    import csv
    import io

    from techmap.dataformat.dataset import DEMO_DATASET, load_dataset
    from techmap.analysis.filters import FilterState
    from techmap.analysis.queries import apply_filter

    page.goto(f"{live_server}/renewals?area=housing&flag=missing_end_date")
    wait_for_dash(page)
    expected = apply_filter(load_dataset(DEMO_DATASET).contracts, FilterState(area=("housing",)))
    link = page.get_by_role("link", name=f"Download these {len(expected):,} contracts (CSV)")
    response = page.request.get(live_server + link.get_attribute("href"))
    assert response.status == 200
    rows = list(csv.DictReader(io.StringIO(response.text().lstrip("\ufeff"), newline="")))
    assert [r["contract_id"] for r in rows] == expected["contract_id"].tolist()
    # the timeline counts the same contracts: those ending from today, earlier ones, undated ones
    pager = _text(page, "#renewals-timeline-pager")
    upcoming = int(re.search(r"of ([\d,]+) ending from today", pager).group(1).replace(",", ""))
    assert upcoming == int((expected["end_date"] >= TODAY).sum())
    assert page.watch.errors == []
