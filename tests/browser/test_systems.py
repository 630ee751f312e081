"""/systems in headless Chromium on the demo dataset (the session's shared server): choosing a cell
filters every page and the URL; sorting by a column's system puts boroughs on the same system
together; the keyboard reaches a cell and chooses it; axe finds no WCAG 2.2 A/AA violation with
a cell chosen, the other colouring and a sort; at 320 px the grid scrolls inside its own region."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from tests.browser.conftest import wait_for_dash
from tests.browser.test_accessibility import axe_violations

pytestmark = pytest.mark.browser

CAMDEN = "E09000007"
HOUSING_COLUMN = "Housing"


def _query(page) -> dict[str, list[str]]:
    return parse_qs(urlsplit(page.url).query)


def _cell(page, borough: str, column: str):
    index = page.evaluate("(name) => [...document.querySelectorAll('.systems-grid tr.areas th')]"
                          ".findIndex(th => th.textContent === name)", column)
    assert index >= 0, column
    return page.locator(".systems-grid tbody tr", has=page.locator(f"th:text-is('{borough}')")
                        ).locator("td").nth(index).locator("button")


def _column_texts(page, column: str) -> list[str]:
    return page.evaluate("""(name) => {
        const i = [...document.querySelectorAll('.systems-grid tr.areas th')].findIndex(th => th.textContent === name);
        return [...document.querySelectorAll('.systems-grid tbody tr')].map(tr => tr.children[i + 1].textContent);
    }""", column)


def test_choosing_a_cell_filters_every_page_and_the_url(page, live_server) -> None:
    page.goto(live_server + "/systems")
    wait_for_dash(page)
    assert page.locator(".systems-grid tbody tr").count() == 33
    assert page.locator(".systems-grid thead th[scope=colgroup]").all_inner_texts() == [
        "Frontline services", "Corporate services", "Infrastructure"]
    assert page.locator(".systems-grid td.ill").count() > 0  # demo data: illustrative cells marked
    camden = _cell(page, "Camden", HOUSING_COLUMN)
    assert camden.get_attribute("title")  # every system with its suppliers, on hover and focus
    camden.click()
    page.wait_for_function("() => location.search.includes('area=housing')")
    assert _query(page)["authority"] == [CAMDEN] and _query(page)["area"] == ["housing"]
    page.wait_for_function("() => document.querySelectorAll('.systems-grid tr.sel th').length === 1")
    assert page.locator(".systems-grid tr.sel th").inner_text().startswith("Camden")
    # the chosen cell says so to screen readers (CSS text), and the other filters fade cells
    assert "(selected)" in page.evaluate("(b) => getComputedStyle(b, '::after').content", camden.element_handle())
    page.locator("a.nav-link", has_text="Map").first.click()
    page.wait_for_function("() => location.pathname === '/'")
    wait_for_dash(page)
    assert _query(page)["authority"] == [CAMDEN] and _query(page)["area"] == ["housing"]
    chips = page.locator("#filter-chips").inner_text()
    assert "Borough: Camden" in chips and "Service area: Housing" in chips
    # back on the grid, a column header filters to its area only; the same cell again clears both
    page.goto(live_server + "/systems?authority=E09000007&area=housing")
    wait_for_dash(page)
    page.locator(".systems-grid .col-btn", has_text="Libraries").click()
    page.wait_for_function("() => location.search.includes('area=libraries')")
    assert _query(page)["authority"] == [CAMDEN] and _query(page)["area"] == ["libraries"]
    _cell(page, "Camden", "Libraries").click()
    page.wait_for_function("() => !location.search.includes('area=')")
    assert "authority" not in _query(page)


def test_sorting_by_a_columns_system_puts_boroughs_on_the_same_system_together(page, live_server) -> None:
    page.goto(live_server + "/systems?supplier=capita")
    wait_for_dash(page)
    faded = page.evaluate("() => [...document.querySelectorAll('.systems-grid tbody tr')]"
                          ".filter(tr => tr.getAttribute('data-out')).length")
    assert faded == 33  # Capita is not in every area of any borough
    page.locator(".systems-sort button.dash-dropdown").click()
    page.locator(".dash-dropdown-content [role=option]", has_text="System in Housing").click()
    page.wait_for_function("() => location.search.includes('grid_sort=housing')")
    # the rows are re-drawn in their new order (825 cells: slow on a busy test machine)
    page.wait_for_function("() => document.querySelector('.systems-grid caption').textContent.includes('Housing')",
                           timeout=90000)
    texts = [t.split(" +")[0] for t in _column_texts(page, HOUSING_COLUMN)]
    seen: list[str] = []
    for text in texts:  # each system's boroughs in one run: a system never comes back after another
        if not seen or seen[-1] != text:
            assert text not in seen, texts
            seen.append(text)
    assert len(seen) < len(texts)  # some boroughs do share a system
    page.locator("label", has_text="When the contract ends").click()
    page.wait_for_function("() => document.querySelector('.systems-grid').classList.contains('colour-ends')")
    assert "Within 6 months" in page.locator("#systems-legend").inner_text()
    assert "grid_colour=ends" in page.url and "supplier=capita" in page.url
    page.wait_for_function("() => !document.querySelector('[data-dash-is-loading=\"true\"]')")
    assert axe_violations(page) == []  # sorted, recoloured, cells faded


def test_the_keyboard_reaches_a_cell_and_chooses_it(page, live_server) -> None:
    page.goto(live_server + "/systems?authority=E09000012&area=housing")
    wait_for_dash(page)
    assert axe_violations(page) == []  # a cell chosen: outlined, its row and column marked
    page.locator(".systems-scroll").focus()
    for _ in range(40):  # past the 25 column headers to the first cell
        page.keyboard.press("Tab")
        if page.evaluate("() => !!document.activeElement.closest('.systems-grid td')"):
            break
    assert page.evaluate("() => !!document.activeElement.closest('.systems-grid td')")
    tip = page.evaluate("() => getComputedStyle(document.activeElement, '::before').content")
    assert ":" in tip and "ends" in tip or "No system known" in tip  # the tip shows on focus
    row = page.evaluate("() => document.activeElement.closest('tr').getAttribute('data-a')")
    page.keyboard.press("Enter")
    page.wait_for_function("(code) => location.search.includes('authority=' + code)", arg=row)
    assert _query(page)["area"] == ["adult-social-care"]  # the first column


def test_the_grid_scrolls_in_its_own_region_at_320_px(browser, live_server) -> None:
    context = browser.new_context(viewport={"width": 320, "height": 640})
    page = context.new_page()
    try:
        page.goto(live_server + "/systems")
        wait_for_dash(page)
        widths = page.evaluate("""() => { const box = document.querySelector('.systems-scroll');
            return [document.documentElement.scrollWidth, box.scrollWidth > box.clientWidth,
                    box.getAttribute('role'), box.getAttribute('tabindex')]; }""")
        assert widths == [320, True, "region", "0"]
        page.locator(".systems-scroll").evaluate("(box) => { box.scrollLeft = 600; box.scrollTop = 400; }")
        # the first column and the header row stay in view while the grid scrolls
        sticky = page.evaluate("""() => { const box = document.querySelector('.systems-scroll').getBoundingClientRect();
            const th = document.querySelector('.systems-grid tbody tr:nth-child(10) th').getBoundingClientRect();
            const head = document.querySelector('.systems-grid tr.areas th').getBoundingClientRect();
            return [Math.round(th.left - box.left), head.top >= box.top - 1 && head.top < box.top + 80]; }""")
        assert sticky[0] <= 2 and sticky[1], sticky
    finally:
        context.close()
