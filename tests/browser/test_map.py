"""The shell and the map page in headless Chromium: clean loads, click-to-filter, shareable URLs,
Back/Forward, and filters operated by keyboard alone."""

import re

import pytest

from tests.browser.conftest import choose_in_dropdown, open_dropdown, wait_for_dash

pytestmark = pytest.mark.browser

PAGES = ["/", "/boroughs", "/borough/camden", "/borough/E09000012?area=housing", "/no-such-page",
         "/?authority=E09000007&authority=junk&ends_from=2024-02-31&metric=<b>"]


@pytest.mark.parametrize("path", PAGES)
def test_page_loads_cleanly(page, live_server, path):
    failed = []
    page.on("response", lambda r: failed.append((r.status, r.url)) if r.status >= 400 else None)
    response = page.goto(live_server + path)
    wait_for_dash(page)
    assert page.locator("h1").count() == 1
    errors = page.watch.errors
    if path == "/no-such-page":  # the page is served with a real 404 status, which Chromium logs
        assert response.status == 404 and failed == [(404, live_server + path)]
        errors = [e for e in errors if "status of 404" not in e]
    else:
        assert response.status == 200 and failed == []
    assert errors == []
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
    shape = page.locator(".choroplethlocation").nth(index)
    shape.scroll_into_view_if_needed()  # the filter bar can push the map below a 720 px viewport
    box = shape.bounding_box()
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
        active = page.evaluate("() => document.activeElement.id || document.activeElement.closest('[id]')?.id")
        reached.add(active)
        if active == "filter-more-toggle" and len(reached) < 30:  # the filters behind it open by keyboard
            if page.evaluate("() => document.activeElement.getAttribute('aria-expanded')") == "false":
                page.keyboard.press("Enter")
    for control in ("filter-authority", "filter-area", "filter-supplier", "filter-group",
                    "filter-manufacturer", "filter-system", "filter-ends-from", "filter-ends-to", "filter-q"):
        assert any(r and r.startswith(control) for r in reached), control

    # Choose a service area with the keyboard: open, type, pick with Enter, close with Escape.
    page.locator("#filter-area").focus()
    choose_in_dropdown(page, "Housing")
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


def choose_service_area(page, name: str) -> None:
    """Open the Service area filter by keyboard and pick `name`."""
    page.locator("#filter-area").focus()
    choose_in_dropdown(page, name)


def area_headings(page) -> list[str]:
    """The profile's area headings, each once (the tables and the phone cards both carry them)."""
    return list(dict.fromkeys(page.locator("#borough-profile-body h3").all_inner_texts()))


def test_borough_profile_follows_the_filter_bar_and_reload_reproduces_it(page, live_server):
    page.goto(live_server + "/borough/camden")
    wait_for_dash(page)
    assert len(area_headings(page)) > 1
    before = page.inner_text("#borough-profile-body")
    choose_service_area(page, "Housing")
    page.wait_for_url("**/borough/camden?area=housing")
    # the tables change in place: only the Housing table is left, the comparison is of housing
    page.wait_for_function("() => [...new Set([...document.querySelectorAll('#borough-profile-body h3')]"
                           ".map(h => h.textContent))].join('|') === 'Housing'")  # tables and phone cards
    wait_for_dash(page)
    after = page.inner_text("#borough-profile-body")
    assert after != before and "(filtered)." in after
    renewals = page.get_attribute("#borough-summary a[href^='/renewals']", "href")
    assert renewals == "/renewals?authority=E09000007&area=housing"
    assert page.get_attribute("#borough-profile-body a[href^='/boroughs']", "href") == "/boroughs?area=housing"

    page.reload()
    wait_for_dash(page)
    assert area_headings(page) == ["Housing"]
    assert page.inner_text("#borough-profile-body") == after
    assert "Service area: Housing" in page.inner_text("#filter-chips")
    assert page.watch.errors == []


def test_boroughs_index_follows_the_filter_bar(page, live_server):
    page.goto(live_server + "/boroughs")
    wait_for_dash(page)
    before = page.inner_text("#boroughs-table")
    choose_service_area(page, "Housing")
    page.wait_for_url("**/boroughs?area=housing")
    page.wait_for_function("() => document.querySelector('#boroughs-table caption').textContent.includes('current filters')")
    wait_for_dash(page)
    assert page.inner_text("#boroughs-table") != before
    assert page.get_attribute("#boroughs-table a", "href").endswith("?area=housing")
    assert page.watch.errors == []


def current_nav(page) -> dict[str, str]:
    return page.evaluate("() => Object.fromEntries([...document.querySelectorAll('#main-nav a[aria-current]')]"
                         ".map(a => [a.textContent, a.getAttribute('aria-current')]))")


def test_the_nav_link_of_the_current_page_is_marked(page, live_server):
    page.goto(live_server + "/")
    wait_for_dash(page)
    assert current_nav(page) == {"Map": "page"}
    # client-side navigation (no reload) moves the mark
    page.locator("#main-nav a", has_text="Boroughs").focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/boroughs")
    page.wait_for_function("() => document.querySelector('#main-nav a[aria-current=page]')?.textContent === 'Boroughs'")
    assert current_nav(page) == {"Boroughs": "page"}
    # a borough's profile belongs to the Boroughs section
    page.locator("#boroughs-table a", has_text="Camden").focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/borough/camden")
    page.wait_for_function("() => document.querySelector('#main-nav a[aria-current]')?.getAttribute('aria-current') === 'true'")
    assert current_nav(page) == {"Boroughs": "true"}
    page.go_back()
    page.wait_for_function("() => document.querySelector('#main-nav a[aria-current=page]')?.textContent === 'Boroughs'")
    # the mark is visible, not only announced: the current link is bold with an underline bar
    style = page.evaluate("() => { const s = getComputedStyle(document.querySelector('#main-nav a[aria-current]'));"
                          " return [s.fontWeight, s.borderBottomColor]; }")
    assert style == ["700", "rgb(255, 255, 255)"]
    page.goto(live_server + "/no-such-page")
    wait_for_dash(page)
    assert current_nav(page) == {}


def test_filter_drop_downs_are_named_by_their_visible_labels(page, live_server):
    """WCAG 2.5.3 / 4.1.2: the accessible name starts with the visible label (the placeholder or
    the selection follows it), read from the browser's accessibility tree."""
    page.goto(live_server + "/?area=housing")
    wait_for_dash(page)
    # the option's label carries its count of contracts: "Housing (123)"
    page.wait_for_function("() => /^Housing \\(\\d[\\d,]*\\)$/.test(document.getElementById('filter-area-value')?.textContent)")
    page.locator("#filter-more-toggle").click()  # Manufacturer and System are behind "More filters"
    page.wait_for_function("() => document.getElementById('filter-more-toggle').getAttribute('aria-expanded') === 'true'")
    snapshot = page.locator("#filter-collapse").aria_snapshot()
    for label, rest in (("Borough", "All boroughs"), ("Service area", r"Housing \(\d[\d,]*\)"),
                        ("Supplier", "All suppliers"), ("Manufacturer", "All manufacturers"),
                        ("System", "All systems")):
        button = page.get_by_role("button", name=re.compile(rf"^{label} "))
        assert button.count() == 1, label
        assert re.search(f'button "{label} {rest}"', snapshot), label
    # the pop-up and its search box are named after the label too
    page.locator("#filter-supplier").focus()
    open_dropdown(page)
    assert page.get_by_role("dialog", name="Supplier").count() == 1
    assert page.get_by_role("searchbox", name="Search Supplier").count() == 1
    page.keyboard.press("Escape")
    assert page.watch.errors == []
