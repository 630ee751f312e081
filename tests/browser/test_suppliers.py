"""Suppliers page in a real browser: a treemap click selects the supplier without zooming, the
selection rides in the URL, and the map page follows it; profiles are reachable by a link."""

from __future__ import annotations

import re

import pytest

from components.treemap import wrap_label
from techmap.concentration import supplier_shares
from techmap.dataset import DEFAULT_DATASET, load_dataset
from tests.browser.conftest import wait_for_dash


@pytest.fixture(scope="module")
def largest() -> tuple[str, str, int]:
    """(slug, name, contracts) of the supplier with the most contracts in the bundled data."""
    data = load_dataset(DEFAULT_DATASET)
    top = supplier_shares(data.contracts, supplier_names=data.supplier_names).iloc[0]
    return str(top["supplier_slug"]), str(top["supplier"]), int(top["contracts"])


def _tile(page, name: str):
    """The first treemap tile whose text starts with the supplier's name."""
    first_line = wrap_label(name).split("<br>")[0]
    slices = page.locator(".treemap-graph g.slice")
    for i in range(slices.count()):
        text = slices.nth(i).locator("text.slicetext").text_content() or ""
        if text.startswith(first_line):
            return slices.nth(i)
    raise AssertionError(f"no tile for {name}")


def test_clicking_a_supplier_tile_filters_the_map(page, live_server, largest) -> None:
    slug, name, contracts = largest
    page.goto(live_server + "/suppliers")
    wait_for_dash(page)
    slices_before = page.locator(".treemap-graph g.slice").count()
    tile = _tile(page, name)
    tile.scroll_into_view_if_needed()
    box = tile.bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_url(re.compile(rf"/suppliers\?supplier={slug}$"))
    wait_for_dash(page)
    # highlighted, not zoomed: every tile is still drawn, the caption names the selection
    assert page.locator(".treemap-graph g.slice").count() == slices_before
    page.wait_for_function(
        "name => (document.getElementById('suppliers-treemap-caption') || {}).textContent"
        "?.includes('Outlined: ' + name)", arg=name)
    assert page.locator("#suppliers-ranked tr.is-selected").count() == 1
    assert page.get_by_role("button", name=f"Deselect {name} in the filter").count() == 1

    page.locator("#main-nav").get_by_role("link", name="Map", exact=True).click()
    page.wait_for_url(re.compile(rf"/\?supplier={slug}$"))
    wait_for_dash(page)
    figures = dict(zip(page.locator("#headline-figures dt").all_text_contents(),
                       page.locator("#headline-figures dd").all_text_contents(), strict=True))
    assert figures["Contracts"] == f"{contracts:,}"
    assert figures["Suppliers"] == "1"
    assert page.watch.errors == []
    assert page.watch.foreign == []


def test_size_toggle_and_profile_link(page, live_server, largest) -> None:
    slug, name, _ = largest
    page.goto(live_server + "/suppliers")
    wait_for_dash(page)
    page.get_by_label("Annual value").check()
    page.wait_for_url(re.compile(r"size=value"))
    page.wait_for_function(
        "() => document.getElementById('suppliers-treemap-caption').textContent"
        ".startsWith('Tiles are sized by annual value')")
    assert "annual value" in page.locator("#suppliers-summary").text_content()

    page.locator("#suppliers-ranked").get_by_role("link", name=name, exact=True).click()
    page.wait_for_url(re.compile(rf"/suppliers/{slug}\?size=value$"))
    wait_for_dash(page)
    assert page.locator("h1").text_content() == name
    assert page.get_by_role("heading", name="Boroughs served").count() == 1
    assert page.locator("a[href^='/borough/']").count() > 0

    page.goto(live_server + "/suppliers/no-such-supplier")
    wait_for_dash(page)
    assert page.locator("h1").text_content() == "Supplier not found"
    assert page.watch.errors == []
    assert page.watch.foreign == []
