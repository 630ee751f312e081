"""The data page in headless Chromium: filters from the URL apply to the grid, the grid shows the
right count, the downloads hold exactly the grid's rows (also under the grid's own column filters,
search and sort, and in the page's link to the view of the table); sorting, a filter change, the flag view and Back work; the About page loads and
its #data anchor is reached."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from openpyxl import load_workbook

from tests.browser.conftest import wait_for_dash

pytestmark = pytest.mark.browser

CAMDEN = "E09000007"

# The grid's id is a dict (a fresh one per render); its host element carries it as JSON.
GRID_ROWS = """() => {
    const host = document.querySelector('.data-grid').closest('[id^="{"]');
    const api = window.dash_ag_grid.getApi(JSON.parse(host.id));
    const ids = [], ends = [];
    api.forEachNode(n => { if (n.data) { ids.push(n.data.contract_id); ends.push(n.data.end_date); } });
    return {count: api.getDisplayedRowCount(), ids: ids, ends: ends,
            rowcount: host.querySelector('[aria-rowcount]').getAttribute('aria-rowcount')};
}"""


@pytest.fixture(scope="module")
def bundled():
    """The live server's dataset, loaded in the test process to work out the expected rows."""
    from techmap.dataset import DEMO_DATASET, load_dataset

    return load_dataset(DEMO_DATASET)


def expected_ids(data: Any, query: str, flag: str | None = None) -> list[str]:
    from datetime import date

    from techmap.filters import FilterState
    from techmap.quality import quality_flags
    from techmap.queries import apply_filter

    rows = apply_filter(data.contracts, FilterState.from_query_string(query))
    if flag:
        rows = rows[quality_flags(rows, sources=data.sources, today=date(2026, 11, 22))[flag]]
    return rows["contract_id"].tolist()


def grid_rows(page, count: int) -> dict:
    """The grid's rows once it holds `count` of them (or all of its first page)."""
    page.wait_for_function(f"""() => {{
        const host = document.querySelector('.data-grid');
        if (!host || !window.dash_ag_grid) return false;
        try {{ const r = ({GRID_ROWS})(); return r.count === {count} && r.ids.length === Math.min({count}, 100); }}
        catch (e) {{ return false; }}
    }}""", timeout=20000)
    return page.evaluate(GRID_ROWS)


def test_url_filters_apply_count_is_right_and_downloads_match_the_grid(page, live_server, bundled):
    query = f"?authority={CAMDEN}&area=housing&area=revenues-benefits&area=libraries"
    expected = expected_ids(bundled, query)
    assert 3 < len(expected) < 100  # one page of the grid: every row is in the browser
    page.goto(live_server + "/data" + query)
    wait_for_dash(page)
    grid = grid_rows(page, len(expected))
    assert grid["ids"] == expected
    assert grid["rowcount"] == str(len(expected) + 2)  # plus the header row and its row of filters
    assert f"{len(expected)} contracts match the filters." in page.inner_text("#data-count")
    assert "Borough: Camden" in page.inner_text("#filter-chips")
    assert f"1 to {len(expected)} of {len(expected)}" in page.inner_text(".ag-paging-panel")

    with page.expect_download() as info:
        page.click("#data-downloads a[href^='/download/contracts.csv']")
    text = open(info.value.path(), encoding="utf-8-sig").read()
    assert [r["contract_id"] for r in csv.DictReader(io.StringIO(text))] == grid["ids"]

    with page.expect_download() as info:
        page.click("#data-downloads a[href^='/download/contracts.xlsx']")
    assert info.value.suggested_filename.endswith(".xlsx")
    with open(info.value.path(), "rb") as handle:  # Playwright's download file has no extension
        book = load_workbook(io.BytesIO(handle.read()), read_only=True)
    sheet = book["contracts"]
    values = list(sheet.iter_rows(values_only=True))
    column = values[0].index("contract_id")
    assert [row[column] for row in values[1:]] == grid["ids"]
    assert page.watch.errors == []
    assert page.watch.foreign == []


def test_sort_filter_change_flag_view_and_back(page, live_server, bundled):
    camden = expected_ids(bundled, f"?authority={CAMDEN}")
    page.goto(f"{live_server}/data?authority={CAMDEN}")
    wait_for_dash(page)
    grid_rows(page, len(camden))

    # Sorting asks the server for the rows in the new order: earliest end first, blanks last.
    page.click(".ag-header-cell[col-id='end_date'] .ag-header-cell-label")
    page.wait_for_function(f"() => {{ const e = ({GRID_ROWS})().ends; return e[0] !== '' && e.length === {len(camden)}; }}")
    ends = page.evaluate(GRID_ROWS)["ends"]
    dated = [e for e in ends if e]
    assert dated == sorted(dated) and ends[:len(dated)] == dated and len(ends) == len(camden)

    # Removing the borough chip refreshes the grid in place (no reload): the whole dataset.
    everything = len(bundled.contracts)
    page.click("#filter-chips button.chip")
    page.wait_for_function(f"() => document.querySelector('#data-count').innerText.includes('{everything:,}')")
    grid = grid_rows(page, everything)
    assert len(grid["ids"]) == 100 and grid["rowcount"] == str(everything + 2)

    # The quality panel's link shows only the flagged rows, in a shareable URL.
    flagged = expected_ids(bundled, "", flag="missing_end_date")
    page.click("#data-quality a[href='/data?flag=missing_end_date']")
    page.wait_for_url("**flag=missing_end_date**")
    wait_for_dash(page)
    grid = grid_rows(page, len(flagged))
    assert grid["ids"] == flagged[:100]
    assert f"Showing {len(flagged)} of the {everything:,}" in page.inner_text("#data-count")

    page.go_back()
    page.wait_for_function("() => !window.location.search.includes('flag')")
    wait_for_dash(page)
    grid = grid_rows(page, everything)
    assert page.watch.errors == []
    assert page.watch.foreign == []


def downloaded_ids(page, selector: str) -> list[str]:
    with page.expect_download() as info:
        page.click(selector)
    text = open(info.value.path(), encoding="utf-8-sig").read()
    return [r["contract_id"] for r in csv.DictReader(io.StringIO(text))]


def test_column_filter_search_and_sort_narrow_the_grid_and_its_download(page, live_server, bundled):
    housing = bundled.contracts[bundled.contracts["service_area"] == "housing"]
    page.goto(live_server + "/data?area=housing")
    wait_for_dash(page)
    grid_rows(page, len(housing))

    # The System column's filter, under its header: "contains", without regard to case.
    nec = housing[housing["system"].str.casefold().str.contains("nec", regex=False)]["contract_id"].tolist()
    assert 1 < len(nec) < len(housing)
    page.get_by_label("System Filter Input").fill("NEC")
    grid = grid_rows(page, len(nec))
    assert grid["ids"] == nec
    count = page.inner_text("#data-count")
    assert f"Showing {len(nec)} of the {len(housing)} contracts" in count and "System contains “NEC”" in count
    page.wait_for_function(f"() => document.querySelector('#data-table-status').innerText.includes('{len(nec)} contracts')")

    # Sorting by end date keeps the filter; the table search narrows further.
    page.click(".ag-header-cell[col-id='end_date'] .ag-header-cell-label")
    page.wait_for_function(f"() => {{ const r = ({GRID_ROWS})(); return r.ids.length === {len(nec)} && "
                           "r.ends.join() !== " + repr(",".join(grid["ends"])) + "; }")
    ends = page.evaluate(GRID_ROWS)["ends"]
    dated = [e for e in ends if e]
    assert dated == sorted(dated) and ends[:len(dated)] == dated
    borough = housing.set_index("contract_id").loc[nec[0], "authority_name"]
    page.fill("#data-table-search", borough)
    page.wait_for_function(f"() => document.querySelector('#data-count').innerText.includes('table search: “{borough}”')")
    shown = int(page.inner_text("#data-count").split("Showing ")[1].split(" ")[0])
    grid = grid_rows(page, shown)
    assert 0 < shown < len(nec) and set(grid["ids"]) <= set(nec)

    # The downloads carry the grid's filters, search and sort: exactly the rows on screen, in order.
    href = page.get_attribute("#data-downloads a[href^='/download/contracts.csv']", "href")
    assert "table=data" in href and "col.system=contains%3ANEC" in href and "sort=end_date" in href
    assert downloaded_ids(page, "#data-downloads a[href^='/download/contracts.csv']") == grid["ids"]
    assert "System contains “NEC”" in page.inner_text("#data-downloads")

    # The page's link to this view opens it again, as someone it is shared with would: the same
    # rows in the same order, the column filter and the search filled in, the summary saying so.
    view = page.get_attribute("#data-downloads a.data-view-link", "href")
    assert view.startswith("/data?area=housing&") and "col.system=contains%3ANEC" in view and "sort=end_date" in view
    page.goto(live_server + view)
    wait_for_dash(page)
    assert grid_rows(page, shown)["ids"] == grid["ids"]
    assert page.get_by_label("System Filter Input").input_value() == "NEC"
    assert page.input_value("#data-table-search") == borough
    assert f"Showing {shown} of the {len(housing)} contracts" in page.inner_text("#data-count")
    assert page.get_attribute(".ag-header-cell[col-id='end_date']", "aria-sort") == "ascending"
    assert downloaded_ids(page, "#data-downloads a[href^='/download/contracts.csv']") == grid["ids"]

    # One button clears the grid's filters and the search; the filter bar's area stays.
    page.click("#data-table-clear")
    page.wait_for_function(f"() => document.querySelector('#data-count').innerText.includes('{len(housing)} contracts match')")
    grid = grid_rows(page, len(housing))
    assert page.get_by_label("System Filter Input").input_value() == ""
    assert page.input_value("#data-table-search") == ""
    assert page.watch.errors == []
    assert page.watch.foreign == []


def test_profile_links_in_the_grid_navigate_within_the_app(page, live_server, bundled):
    page.goto(f"{live_server}/data?authority={CAMDEN}")
    wait_for_dash(page)
    grid_rows(page, len(expected_ids(bundled, f"?authority={CAMDEN}")))
    page.evaluate("window.__sameDocument = true")
    page.locator(".ag-cell[col-id='authority_name'] a").first.click()
    page.wait_for_url(f"**/borough/camden?authority={CAMDEN}")
    wait_for_dash(page)
    assert page.evaluate("window.__sameDocument === true")  # no full reload
    assert "Camden" in page.inner_text("h1")
    assert page.watch.errors == []


def test_about_page_loads_and_the_banner_anchor_is_reached(page, live_server):
    page.goto(live_server + "/about#data")
    wait_for_dash(page)
    page.wait_for_function("() => { const t = document.getElementById('data').getBoundingClientRect().top;"
                           " return 0 <= t && t < 200; }")
    top = page.evaluate("document.getElementById('data').getBoundingClientRect().top")
    assert 0 <= top < 200
    assert page.locator("h1").count() == 1
    assert page.locator("#accessibility").count() == 1
    assert page.watch.errors == []
    assert page.watch.foreign == []
