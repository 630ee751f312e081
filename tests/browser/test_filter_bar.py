"""The compact filter bar (components/filter_bar.py, assets/filter_bar.js) at 1280x720: each page's
answer in the first screen (the map on /, the /systems grid's first row), "More filters" worked by
keyboard and saying how many of its filters are active, the phone's "Filters (n active)", and no
WCAG 2.2 A/AA violation in the bar, open or closed. One server, three page loads."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.browser.conftest import wait_for_dash

pytestmark = pytest.mark.browser

AXE = Axe()
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
FIRST_SCREEN = {"width": 1280, "height": 720}
BOX = "(sel) => { const b = document.querySelector(sel).getBoundingClientRect(); return [b.top, b.bottom]; }"
EXPANDED = "() => document.getElementById('filter-more-toggle').getAttribute('aria-expanded')"


def bar_violations(page) -> list[str]:
    results = AXE.run(page, context=".filter-bar", options={"runOnly": {"type": "tag", "values": WCAG_TAGS},
                                                            "resultTypes": ["violations"]})
    return [f"{v['id']}: {v['help']} at {[n['target'] for n in v['nodes'][:3]]}"
            for v in results.response["violations"]]


@pytest.fixture()
def first_screen(browser, live_server):
    context = browser.new_context(viewport=FIRST_SCREEN, locale="en-GB", timezone_id="Europe/London")
    page = context.new_page()
    page.set_default_timeout(20000)
    yield page, live_server
    context.close()


def test_the_map_and_the_systems_grid_are_in_the_first_screen(first_screen):
    page, base = first_screen
    page.goto(base + "/")
    wait_for_dash(page)
    assert page.evaluate("() => window.scrollY") == 0
    top, bottom = page.evaluate(BOX, ".map-graph")
    assert 0 <= top and top + (bottom - top) / 2 <= FIRST_SCREEN["height"], (top, bottom)
    # the metric picker moved beside the map, still a working radio group
    assert page.locator(".side-col input[type=radio][value=contracts]").is_checked()

    page.get_by_role("link", name="Systems", exact=True).click()  # the app's own navigation
    page.wait_for_selector("#systems-table tbody tr")
    wait_for_dash(page)
    assert page.evaluate("() => window.scrollY") == 0
    top, bottom = page.evaluate(BOX, "#systems-table tbody tr")
    assert 0 <= top and bottom <= FIRST_SCREEN["height"], (top, bottom)
    assert page.evaluate(BOX, ".systems-settings")[1] < top  # sort and colour above the grid


def test_more_filters_by_keyboard_with_its_count_and_no_wcag_violation(first_screen):
    page, base = first_screen
    page.goto(base + "/renewals")
    wait_for_dash(page)
    toggle = page.locator("#filter-more-toggle")
    assert page.evaluate(EXPANDED) == "false" and toggle.inner_text() == "More filters"
    assert not page.locator("#filter-manufacturer").is_visible()
    # Tab on from the last date (its day, month and year take a Tab each) reaches the button
    page.locator("#filter-ends-to").focus()
    for _ in range(4):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.id") == "filter-more-toggle":
            break
    assert page.evaluate("() => document.activeElement.id") == "filter-more-toggle"
    page.keyboard.press("Enter")
    page.wait_for_function(f"() => ({EXPANDED})() === 'true'")
    for control in ("filter-group", "filter-manufacturer", "filter-system", "filter-q"):
        assert page.locator(f"#{control}").is_visible(), control
    page.keyboard.press("Tab")  # the panel follows its button in the tab order
    assert page.evaluate("() => document.activeElement.closest('#filter-more') !== null")
    assert bar_violations(page) == []

    # a search typed in the panel counts as one of its active filters, and the chip shows it
    page.locator("#filter-q").fill("cloud")
    page.keyboard.press("Enter")
    page.wait_for_url("**q=cloud**")
    page.wait_for_function("() => document.getElementById('filter-more-toggle').innerText === 'More filters (1 active)'")
    assert page.get_by_role("button", name="More filters (1 active)").count() == 1
    # Space closes it again, by keyboard
    toggle.focus()
    page.keyboard.press(" ")
    page.wait_for_function(f"() => ({EXPANDED})() === 'false'")
    assert not page.locator("#filter-q").is_visible()
    assert bar_violations(page) == []


def test_a_link_with_a_hidden_filter_opens_more_filters_and_a_phone_counts_them_all(browser, live_server):
    context = browser.new_context(viewport=FIRST_SCREEN, locale="en-GB")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        page.goto(live_server + "/suppliers?system=mosaic&area=libraries")
        wait_for_dash(page)
        page.wait_for_function(f"() => ({EXPANDED})() === 'true'")  # opened by itself
        assert page.locator("#filter-more-toggle").inner_text() == "More filters (1 active)"
        assert page.locator("#filter-system").is_visible()
        assert bar_violations(page) == []

        page.set_viewport_size({"width": 375, "height": 812})  # a phone: the whole bar behind one button
        toggle = page.locator("#filter-toggle")
        assert toggle.is_visible() and toggle.inner_text() == "Filters (2 active)"
        assert not page.locator("#filter-authority").is_visible()
        assert page.locator("#filter-chips .chip").count() == 2  # the chips stay in view
        toggle.focus()
        page.keyboard.press("Enter")
        page.wait_for_function("() => document.getElementById('filter-toggle').getAttribute('aria-expanded') === 'true'")
        assert page.locator("#filter-authority").is_visible() and page.locator("#filter-system").is_visible()
        assert bar_violations(page) == []
        assert errors == []
    finally:
        context.close()
