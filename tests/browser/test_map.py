"""The shell and the map page in headless Chromium: clean loads, click-to-filter, shareable URLs,
Back/Forward, and filters operated by keyboard alone."""

import pytest

from tests.browser.conftest import wait_for_dash

pytestmark = pytest.mark.browser

PAGES = ["/", "/boroughs", "/borough/camden", "/borough/E09000012?area=housing", "/no-such-page",
         "/?authority=E09000007&authority=junk&ends_from=2024-02-31&metric=<b>"]


@pytest.mark.parametrize("path", PAGES)
def test_page_loads_cleanly(page, live_server, path):
    page.goto(live_server + path)
    wait_for_dash(page)
    assert page.locator("h1").count() == 1
    assert page.watch.errors == []
    assert page.watch.foreign == []


def headline(page) -> str:
    return page.inner_text("#headline-figures")


def test_click_borough_filters_and_url_reproduces_view(page, browser, live_server):
    page.goto(live_server + "/")
    wait_for_dash(page)
    before = headline(page)
    # Click the shape of Camden: find it through plotly's own data, then click its centre.
    index = page.evaluate("""() => {
        const gd = document.querySelector('.js-plotly-plot');
        return gd.data[0].locations.indexOf('E09000007');
    }""")
    box = page.locator(".choroplethlocation").nth(index).bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_url("**authority=E09000007**")
    wait_for_dash(page)
    after = headline(page)
    assert after != before
    assert "Borough: Camden" in page.inner_text("#filter-chips")
    shared_url = page.url

    # A fresh browser opening the shared link sees the same view.
    other = browser.new_context().new_page()
    other.goto(shared_url)
    wait_for_dash(other)
    assert headline(other) == after
    assert "Borough: Camden" in other.inner_text("#filter-chips")
    other.context.close()

    # Back restores the previous view.
    page.go_back()
    page.wait_for_function("() => !window.location.search.includes('authority')")
    wait_for_dash(page)
    assert headline(page) == before
    assert page.watch.errors == []


def test_ranked_list_button_selects_by_keyboard(page, live_server):
    page.goto(live_server + "/")
    wait_for_dash(page)
    button = page.locator("#map-ranked button").first
    button.focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**authority=**")
    wait_for_dash(page)
    assert page.locator("#map-ranked button[aria-pressed=true]").count() == 1
    assert "live" not in page.inner_text("#live-region").lower()
    assert page.inner_text("#live-region").startswith("Showing ")


def test_every_filter_can_be_operated_by_keyboard(page, live_server):
    page.goto(live_server + "/")
    wait_for_dash(page)
    # Tab from the top of the page reaches every filter control.
    reached = set()
    for _ in range(40):
        page.keyboard.press("Tab")
        reached.add(page.evaluate("() => document.activeElement.id || document.activeElement.closest('[id]')?.id"))
    for control in ("filter-authority", "filter-area", "filter-supplier", "filter-system",
                    "filter-ends-from", "filter-ends-to", "filter-q"):
        assert any(r and r.startswith(control) for r in reached), control

    # Choose a service area with the keyboard: open, type, pick with Enter, close with Escape.
    page.locator("#filter-area").focus()
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.activeElement.classList.contains('dash-dropdown-search')")
    page.keyboard.type("Housing")
    page.wait_for_timeout(200)
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    page.keyboard.press("Escape")
    page.wait_for_url("**area=housing**")

    # Dates and search are ordinary inputs.
    wait_for_dash(page)
    page.locator("#filter-q").focus()
    page.keyboard.type("cloud")
    page.keyboard.press("Enter")
    page.wait_for_url("**q=cloud**")
    page.locator("#filter-ends-to").focus()
    page.keyboard.type("12312030")  # the field order follows the browser's locale
    typed = page.evaluate("() => document.getElementById('filter-ends-to').value")
    assert typed.startswith("2030-")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**ends_to={typed}**")
    wait_for_dash(page)

    # Clear all by keyboard.
    page.locator("#clear-all").focus()
    page.keyboard.press("Enter")
    page.wait_for_function("() => window.location.search === ''")
    assert page.watch.errors == []
