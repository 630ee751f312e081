"""WCAG 2.2 AA in a real browser: axe-core (the copy axe-playwright-python bundles) on every page,
in its default state and with filters applied, plus the structural checks axe cannot make alone:
one h1, landmarks, a working skip link, titles that say where you are, reflow at 320 CSS px."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe

from playwright.sync_api import expect

from tests.browser.conftest import next_frames, wait_for_dash

pytestmark = pytest.mark.browser

AXE = Axe()
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
FILTERS = "?authority=E09000007&authority=E09000012&area=housing&ends_from=2026-11-22&ends_to=2028-11-22"
PAGES = {
    "/": "Map",
    "/systems": "Systems",
    "/suppliers": "Suppliers",
    "/suppliers/capita": "Capita",
    "/renewals": "Renewals",
    "/boroughs": "Boroughs",
    "/borough/camden": "Camden",
    "/data": "Data",
    "/about": "About",
    "/no-such-page": "not found",
}
CASES = [(path, "") for path in PAGES] + [(path, FILTERS) for path in PAGES if path != "/no-such-page"] + [
    ("/", "?metric=supplier_share&supplier=capita"), ("/", "?metric=runs_system&system=mosaic"),
    ("/suppliers", "?size=value"), ("/renewals", "?group=authority&within=6&lead=24"),
    ("/", "?q=no-such-thing-at-all"),
]


def axe_violations(page) -> list[str]:
    results = AXE.run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS},
                                     "resultTypes": ["violations"]})
    found = []
    for v in results.response["violations"]:
        targets = [", ".join(n["target"]) if isinstance(n["target"], list) else str(n["target"])
                   for n in v["nodes"][:3]]
        found.append(f"{v['id']} ({v['impact']}): {v['help']} at {targets}")
    return found


@pytest.mark.parametrize("path,query", CASES)
def test_no_wcag_violations(page, live_server, path, query):
    page.goto(live_server + path + query)
    wait_for_dash(page)
    assert axe_violations(page) == []


OPEN_ALL_DETAILS = "() => document.querySelectorAll('details').forEach(d => { d.open = true; })"


def open_every_details(page) -> int:
    """Open every <details> (chart tables, column guide, sources...) so that axe checks what they
    hold; returns how many there are."""
    page.evaluate(OPEN_ALL_DETAILS)
    page.wait_for_function("() => [...document.querySelectorAll('details')].every(d => d.open)")
    return page.locator("details").count()


@pytest.mark.parametrize("path,query", [(path, q) for path in PAGES for q in ("", FILTERS)
                                        if not (q and path == "/no-such-page")])
def test_no_wcag_violations_with_every_details_open(page, live_server, path, query):
    page.goto(live_server + path + query)
    wait_for_dash(page)
    assert open_every_details(page) >= 1  # at least the footer's sources
    assert axe_violations(page) == []


@pytest.mark.parametrize("path", list(PAGES))
def test_no_wcag_violations_on_a_phone_with_the_filters_unfolded(browser, live_server, path):
    """At 320 CSS px the filter panel starts folded behind its button: unfold it by keyboard (the
    button, then Enter), open every <details>, and check the page as a phone user sees it."""
    context = browser.new_context(viewport={"width": 320, "height": 700}, is_mobile=True, has_touch=True)
    page = context.new_page()
    try:
        page.goto(live_server + path + (FILTERS if path != "/no-such-page" else ""))
        wait_for_dash(page)
        assert not page.locator("#filter-collapse").is_visible()
        page.locator("#filter-toggle").focus()
        page.keyboard.press("Enter")
        page.wait_for_function("() => document.getElementById('filter-toggle').getAttribute('aria-expanded') === 'true'")
        assert page.locator("#filter-area").is_visible()
        open_every_details(page)
        assert axe_violations(page) == []
    finally:
        context.close()


@pytest.mark.parametrize("path", list(PAGES))
def test_structure_title_and_landmarks(page, live_server, path):
    page.goto(live_server + path)
    wait_for_dash(page)
    assert page.locator("h1").count() == 1
    levels = page.evaluate("() => [...document.querySelectorAll('main h1, main h2, main h3, main h4')]"
                           ".map(h => +h.tagName[1])")
    assert levels[0] == 1
    assert all(b - a <= 1 for a, b in zip(levels, levels[1:])), levels  # no skipped levels
    for selector in ("header", "nav", "main", "footer"):
        assert page.locator(selector).count() >= 1, selector
    page.wait_for_function("(want) => document.title.toLowerCase().includes(want.toLowerCase())",
                           arg=PAGES[path])
    assert "London Tech Map" in page.title()


def test_skip_link_moves_focus_to_main(page, live_server):
    page.goto(live_server + "/")
    wait_for_dash(page)
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.textContent") == "Skip to main content"
    assert page.locator(".skip-link").bounding_box()["x"] >= 0  # visible when focused
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "main"


@pytest.mark.parametrize("path", ["/", "/systems", "/suppliers", "/renewals", "/borough/camden", "/data", "/about"])
def test_reflows_at_320_px_and_200_percent_text(browser, live_server, path):
    context = browser.new_context(viewport={"width": 320, "height": 640})
    page = context.new_page()
    page.goto(live_server + path)
    wait_for_dash(page)
    page.add_style_tag(content="html { font-size: 200% !important; }")
    # the overflow check below proves nothing until the page has reflowed at the larger text
    page.wait_for_function("() => getComputedStyle(document.documentElement).fontSize === '32px'")
    next_frames(page)
    overflow = page.evaluate("""() => [...document.querySelectorAll('#react-entry-point *')]
        .filter(e => { const r = e.getBoundingClientRect();
                       return r.width > 0 && r.right > window.innerWidth + 1 && !e.closest('.table-responsive, .ranked-scroll, .ag-root-wrapper, .js-plotly-plot, .chart-scroll'); })
        .map(e => e.tagName + '.' + e.className).slice(0, 5)""")
    page_width = page.evaluate("() => document.documentElement.scrollWidth")
    context.close()
    assert page_width <= 321, overflow
    assert overflow == []


@pytest.mark.parametrize("query", ["?metric=annual_value&authority=E09000007", "?metric=supplier_share&supplier=capita"])
def test_ranked_list_fits_a_320_px_phone_without_sideways_scrolling(browser, live_server, query):
    """Its four columns (rank, borough, value, the Select/Selected button) fit at 320 CSS px, with
    the widest button text and the widest values."""
    context = browser.new_context(viewport={"width": 320, "height": 640})
    page = context.new_page()
    page.goto(live_server + "/" + query)
    wait_for_dash(page)
    page.wait_for_selector(".ranked-table tbody tr")
    widths = page.evaluate("""() => { const box = document.querySelector('.ranked-scroll');
        return [box.scrollWidth, box.clientWidth]; }""")
    context.close()
    assert widths[0] <= widths[1], widths


def test_a_dropdown_with_several_values_shows_the_count_and_still_names_them(page, live_server):
    """No value cut to a letter before "3 selected": the count alone is drawn, the chips name the
    values, and the drop-down's accessible name still lists them."""
    page.goto(live_server + "/?authority=E09000007&authority=E09000012&authority=E09000019&area=housing")
    wait_for_dash(page)
    borough = page.locator("#filter-authority")
    expect(borough.locator(".dash-dropdown-value-count")).to_have_text("3 selected")
    expect(borough.locator(".dash-dropdown-value")).to_be_hidden()
    expect(borough).to_have_accessible_name(re.compile(r"Borough.*3 selected.*Camden.*Hackney.*Islington"))
    expect(page.locator("#filter-area .dash-dropdown-value")).to_be_visible()  # one value: its name shows


def test_focus_is_visible_on_controls(page, live_server):
    page.goto(live_server + "/")
    wait_for_dash(page)
    for _ in range(3):
        page.keyboard.press("Tab")
    outline = page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")
    assert outline not in ("none", "")
