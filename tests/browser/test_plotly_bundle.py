"""The plotly.js bundle the server hands to dcc.Graph holds every trace type the app's pages
create: the served script is run in headless Chromium and asked for its registered trace types
(plotly's own PlotSchema), which are compared with the types of the figures the pages build on the
bundled data. A new chart type missing from vendor/plotlyjs/index.js fails here, not in a browser.
Also: a page loads plotly.js only when it shows a graph and dash-ag-grid's bundle only when it shows
a grid (web/lazy_grid.py, assets/lazy_ag_grid.js).
"""

from __future__ import annotations

from tests.browser.conftest import wait_for_dash
from tests.plotly_traces import page_trace_types
from web.plotly_bundle import DASH_PLOTLY_PATH


def test_every_trace_type_the_pages_create_is_in_the_served_bundle(page, live_server):
    fetched: list[str] = []
    page.on("request", lambda r: fetched.append(r.url) if "plotly" in r.url else None)
    page.goto(f"{live_server}/about")  # a page without a graph loads no plotly.js
    wait_for_dash(page)
    assert fetched == []
    page.add_script_tag(url=f"{live_server}/{DASH_PLOTLY_PATH}")
    registered = set(page.evaluate("() => Object.keys(Plotly.PlotSchema.get().traces)"))
    version = page.evaluate("() => Plotly.version")

    created = page_trace_types()
    assert {"choropleth", "treemap", "bar", "scatter"} <= set(created)  # the pages drew something
    missing = {kind: sorted(pages) for kind, pages in created.items() if kind not in registered}
    assert not missing, f"trace types the pages create but plotly.js {version} bundle lacks: {missing}"
    # only what the app draws: the full bundle would register about 50 types
    assert registered == set(created), f"bundle registers {sorted(registered)}, pages use {sorted(created)}"
    assert page.watch.errors == []


def _fetched_bundles(page, url: str) -> list[str]:
    fetched: list[str] = []
    page.on("request", lambda r: fetched.append(r.url.split("?")[0].rsplit("/", 1)[-1]))
    page.goto(url)
    wait_for_dash(page)
    return [name for name in fetched if name.startswith(("plotly", "dash_ag_grid"))]


def test_the_map_loads_the_custom_plotly_and_no_grid_bundle(page, live_server):
    assert _fetched_bundles(page, f"{live_server}/") == ["plotly.min.js"]
    page.wait_for_selector(".js-plotly-plot .choroplethlayer path", state="attached")
    assert page.evaluate("() => Object.keys(Plotly.PlotSchema.get().traces).length") == 4
    assert page.watch.errors == []


def test_the_data_page_loads_the_grid_bundle_and_no_plotly(page, live_server):
    assert _fetched_bundles(page, f"{live_server}/data") == ["dash_ag_grid.min.js"]
    page.wait_for_selector(".ag-row", state="attached")
    assert page.watch.errors == []
