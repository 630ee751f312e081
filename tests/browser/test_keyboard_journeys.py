"""The main journey by keyboard alone: choose a borough, see its renewals in the next 12 months,
download its calendar. No mouse, no clicks, no script moving the focus: Tab, Shift+Tab, typing,
Enter and Escape. And no keyboard trap: Tab goes through every page, reaches the footer and wraps
round to the top."""

import re
from datetime import date

import pytest
from icalendar import Calendar

from techmap.analysis.filters import FilterState
from techmap.analysis.queries import apply_filter
from techmap.analysis.renewals import add_months
from techmap.service import context
from tests.browser.conftest import choose_in_dropdown, wait_for_dash

pytestmark = pytest.mark.browser

TODAY = date(2026, 11, 22)  # the live server's TECHMAP_TODAY (conftest.start_server)
CAMDEN = "E09000007"
MONTHS = {m: i for i, m in enumerate(("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct",
                                      "Nov", "Dec"), start=1)}


def focused(page, predicate_js: str) -> bool:
    return page.evaluate(f"() => {{ const e = document.activeElement; return !!(e && ({predicate_js})); }}")


def tab_to(page, predicate_js: str, limit: int = 250, key: str = "Tab") -> None:
    """Press Tab (or Shift+Tab) until the focused element satisfies the predicate (JS over `e`)."""
    for _ in range(limit):
        page.keyboard.press(key)
        if focused(page, predicate_js):
            return
    raise AssertionError(f"{key} never reached an element where {predicate_js}")


def end_date(term: str) -> date:
    """'1 Jan 2023 to 31 Dec 2026' (then perhaps a 'Due soon' mark) -> date(2026, 12, 31)."""
    day, month, year = re.search(r"to (\d{1,2}) (\w{3}) (\d{4})", term).groups()
    return date(int(year), MONTHS[month], int(day))


def test_borough_renewals_and_calendar_by_keyboard(page, live_server):
    page.goto(live_server + "/")
    wait_for_dash(page)

    # 1. Choose a borough: Tab to the Borough filter, open it, type, pick with Enter.
    tab_to(page, "e.id === 'filter-authority'")
    choose_in_dropdown(page, "Camden")
    page.wait_for_url("**authority=E09000007**")
    wait_for_dash(page)

    # 2. Go to Renewals through the main navigation, back up the page with Shift+Tab (the link
    #    keeps the filter).
    tab_to(page, "e.textContent.trim() === 'Renewals' && e.closest('nav')", key="Shift+Tab")
    page.keyboard.press("Enter")
    page.wait_for_url("**/renewals?authority=E09000007**")
    wait_for_dash(page)
    assert page.get_attribute("#main-nav a[href^='/renewals']", "aria-current") == "page"

    # 3. Next 12 months: Camden's contracts ending in the window, and only those, are listed.
    tab_to(page, "e.textContent.trim() === 'Next 12 months'")
    page.keyboard.press("Enter")
    page.wait_for_url("**ends_to=2027-11-22**")
    wait_for_dash(page)
    assert "ends_from=2026-11-22" in page.url
    assert page.locator("[aria-pressed=true]", has_text="Next 12 months").count() == 1
    window_end = add_months(TODAY, 12)
    expected = apply_filter(context.dataset().contracts,
                            FilterState(authority=(CAMDEN,), ends_from=TODAY, ends_to=window_end))
    assert 0 < len(expected) <= 20  # one page of the timeline
    assert "ending between 22 Nov 2026 and 22 Nov 2027" in page.inner_text("#renewals-window-status")
    # The timeline's table alternative, opened by keyboard (its <summary>, then Enter).
    tab_to(page, "e.tagName === 'SUMMARY' && e.closest('details').contains(document.getElementById("
                 "'renewals-timeline-table'))")
    page.keyboard.press("Enter")
    table = page.locator("#renewals-timeline-table table")
    table.wait_for(state="visible")
    assert f"of {len(expected)} " in table.locator("caption").inner_text()
    labels = table.locator("tbody th[scope=row]").all_inner_texts()
    terms = table.locator("tbody tr:has(th[scope=row]) td:nth-of-type(1)").all_inner_texts()
    assert len(labels) == len(terms) == len(expected)
    assert all(label.startswith("Camden – ") for label in labels), labels
    assert all(TODAY <= end_date(term) <= window_end for term in terms), terms
    assert sorted(f"Camden – {s} ({p})" for s, p in zip(expected["system"], expected["supplier"], strict=True)) == (
        sorted(labels))

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


# Tab stops on the page: focusable elements, plus every AG Grid cell (the data page's grid keeps
# one cell in the tab order at a time, and Tab walks through all of them before leaving the grid).
TABBABLE = """() => [...document.querySelectorAll('a[href], button, input, select, textarea, summary, [tabindex]')]
    .filter(e => !e.disabled && e.tabIndex >= 0 && e.getClientRects().length).length
    + document.querySelectorAll('.ag-root .ag-cell, .ag-root .ag-header-cell').length"""


@pytest.mark.parametrize("path", ["/", "/suppliers", "/renewals?authority=E09000007", "/borough/camden",
                                  "/boroughs", "/data", "/about"])
def test_no_keyboard_trap_tab_reaches_the_footer_and_wraps_round(page, live_server, path):
    page.goto(live_server + path)
    wait_for_dash(page)
    # Every stop is recorded in the page, so the loop only presses keys (no round trip per press).
    page.evaluate("""() => { window.__stops = []; document.addEventListener('focusin', e =>
        window.__stops.push(e.target.closest('footer') ? 'footer' : (e.target.id || e.target.tagName))); }""")
    stops = page.evaluate(TABBABLE)
    for i in range(stops + 10):  # a trap keeps the focus in a loop: it never gets past every stop
        page.keyboard.press("Tab")
        if i % 20 == 19 and page.evaluate("() => window.__stops.includes('footer')"):
            break
    trail = page.evaluate("() => window.__stops")
    assert "footer" in trail, f"Tab never reached the footer in {stops + 10} presses; last stops: {trail[-8:]}"
    assert len(set(trail)) > 5, trail  # the focus travelled, it did not bounce between two elements
    # (the loop may have gone a few stops past the footer, round to the top: come back to it)
    if not focused(page, "e.closest('footer')"):
        tab_to(page, "e.closest('footer')", limit=25, key="Shift+Tab")
    # Tab onwards leaves the footer's last link and comes round to the skip link at the top.
    tab_to(page, "e.classList.contains('skip-link')", limit=20)
    # Shift+Tab goes back the other way, out of the header into the footer (no trap that way either).
    tab_to(page, "e.closest('footer')", limit=20, key="Shift+Tab")


def test_data_table_by_keyboard_sort_page_and_follow_a_link(page, live_server):
    """The grid is one Tab stop (arrows move between cells): sort by a header with Enter, page on with
    the paging buttons, follow a borough link with Enter on its cell."""
    page.goto(live_server + "/data")
    wait_for_dash(page)
    page.wait_for_selector(".ag-cell")
    in_header = "e.closest('.ag-header-cell') && e.closest('.ag-header-cell').getAttribute('col-id') === 'system'"
    tab_to(page, "e.closest('.ag-header-cell')")
    for _ in range(40):  # along the header row to the System column
        if focused(page, in_header):
            break
        page.keyboard.press("ArrowRight")
    assert focused(page, in_header)
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.querySelector('.ag-header-cell[col-id=system]')"
                           ".getAttribute('aria-sort') === 'ascending'")
    page.wait_for_function("() => { const c = document.querySelector('.ag-row[row-index=\"0\"] [col-id=system]');"
                           " return c && c.textContent.trim() !== ''; }")
    first = page.locator('.ag-row[row-index="0"] [col-id=system]').inner_text()
    systems = sorted({r for r in context.dataset().contracts["system"]}, key=str.casefold)
    assert first.casefold() == systems[0].casefold()
    # Down into the body, along to the borough column, then Tab leaves the body in one step.
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")  # past the filter row
    assert focused(page, "e.classList.contains('ag-cell')")
    page.keyboard.press("Tab")
    assert not focused(page, "e.classList.contains('ag-cell')"), "Tab moved to another cell"
    # The paging buttons: on to page 2.
    tab_to(page, "e.classList.contains('ag-paging-button') && e.getAttribute('aria-label') === 'Next Page'",
           limit=10)
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.querySelector('.ag-paging-row-summary-panel').textContent"
                           ".trim().startsWith('101')")
    # Back into the body and follow a borough's link with Enter.
    tab_to(page, "e.classList.contains('ag-cell')", key="Shift+Tab", limit=10)
    for _ in range(40):
        if focused(page, "e.getAttribute('col-id') === 'authority_name'"):
            break
        page.keyboard.press("ArrowLeft")
    name = page.evaluate("() => document.activeElement.textContent.trim()")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/borough/[a-z-]+"))
    page.wait_for_function("(n) => { const h = document.querySelector('#_pages_content h1');"
                           " return h && h.textContent === n; }", arg=name)
