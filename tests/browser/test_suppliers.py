"""Suppliers page in a real browser: a treemap click selects the supplier without zooming, the
selection rides in the URL, and the map page follows it; profiles are reachable by a link."""

from __future__ import annotations

import re

import pytest

from techmap.analysis.concentration import supplier_shares
from techmap.dataformat.dataset import DEMO_DATASET, load_dataset
from tests.browser.conftest import wait_for_dash

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def largest() -> tuple[str, str, int]:
    """(slug, name, contracts) of the supplier with the most contracts in the bundled data."""
    data = load_dataset(DEMO_DATASET)
    top = supplier_shares(data.contracts, supplier_names=data.supplier_names).iloc[0]
    return str(top["supplier_slug"]), str(top["supplier"]), int(top["contracts"])


def _treemap_ready(page) -> None:
    """Wait until the treemap is drawn and the page's no-zoom click handler is attached."""
    page.wait_for_function(
        "() => { const gd = document.querySelector('.treemap-graph .js-plotly-plot');"
        " return gd && gd._ev && gd.querySelectorAll('g.slice').length > 0"
        " && gd._ev.listeners('plotly_treemapclick').some(f => f.techmapNoZoom); }")


def _tile_ids(page) -> list[str | None]:
    """The node id of every drawn treemap tile, in the DOM's order."""
    return page.evaluate(
        "() => Array.from(document.querySelectorAll('.treemap-graph g.slice'))"
        ".map(g => g.__data__ && g.__data__.data && g.__data__.data.data ? g.__data__.data.data.id : null)")


def _largest(page, wanted) -> tuple[str, dict]:
    """(node id, bounding box) of the largest drawn tile whose id satisfies `wanted`."""
    slices = page.locator(".treemap-graph g.slice")
    best: tuple[str, dict] | None = None
    for i, node_id in enumerate(_tile_ids(page)):
        if node_id and wanted(node_id):
            box = slices.nth(i).bounding_box()
            if box and (best is None or box["width"] * box["height"] > best[1]["width"] * best[1]["height"]):
                best = (node_id, box)
    assert best is not None, "no such tile"
    return best


def _supplier_box(page, slug: str) -> tuple[str, dict]:
    """The supplier's largest box ('area/slug')."""
    return _largest(page, lambda i: i.count("/") == 1 and i.split("/")[1] == slug)


def _system_tile(page, box_id: str) -> tuple[str, dict]:
    """The largest system tile inside the supplier box `box_id`."""
    return _largest(page, lambda i: i.count("/") == 2 and i.startswith(box_id + "/"))


def test_the_treemap_draws_systems_inside_suppliers(page, live_server, largest) -> None:
    slug, _, _ = largest
    page.goto(live_server + "/suppliers")
    wait_for_dash(page)
    _treemap_ready(page)
    ids = [i for i in _tile_ids(page) if i]
    depths = {len(i.split("/")) for i in ids}
    assert depths == {1, 2, 3}  # service areas, suppliers and their systems
    systems = [i for i in ids if len(i.split("/")) == 3]
    assert len(systems) > 100
    # a system tile sits inside its supplier's box
    box_id, box = _supplier_box(page, slug)
    _, inner = _system_tile(page, box_id)
    assert box["x"] <= inner["x"] and inner["x"] + inner["width"] <= box["x"] + box["width"] + 0.5
    assert box["y"] < inner["y"] and inner["y"] + inner["height"] <= box["y"] + box["height"] + 0.5
    # labels only where they fit: some system tiles are named, the smallest are not
    texts = page.evaluate(
        "() => Array.from(document.querySelectorAll('.treemap-graph g.slice'))"
        ".filter(g => g.__data__.data.data.id.split('/').length === 3)"
        ".map(g => (g.querySelector('text.slicetext') || {}).textContent || '')")
    named = [t for t in texts if t.strip()]
    assert 20 < len(named) < len(texts)
    assert page.watch.errors == []


def test_clicking_a_supplier_tile_filters_the_map(page, live_server, largest) -> None:
    slug, name, contracts = largest
    page.goto(live_server + "/suppliers")
    wait_for_dash(page)
    _treemap_ready(page)
    slices_before = page.locator(".treemap-graph g.slice").count()
    # a click on one of its systems selects the supplier
    system_id, _ = _system_tile(page, _supplier_box(page, slug)[0])
    tile = page.locator(".treemap-graph g.slice").nth(_tile_ids(page).index(system_id))
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
    assert page.watch.errors == []

    response = page.goto(live_server + "/suppliers/no-such-supplier")
    wait_for_dash(page)
    assert page.locator("h1").text_content() == "Supplier not found"
    # an unknown supplier may be answered with HTTP 404 (web/hosting.py), which Chromium reports
    # as a console error about the document itself; nothing else may fail
    assert response.status in (200, 404)
    assert all("status of 404" in e for e in page.watch.errors), page.watch.errors
    assert len(page.watch.errors) <= (1 if response.status == 404 else 0)
    assert page.watch.foreign == []
