"""dash-ag-grid's bundle (dash_ag_grid.min.js: 1.3 MB, about 290 KB compressed) only on pages that
show a grid. Dash lists every component library's bundle in the one page shell all paths share
(Dash._generate_scripts_html), and its renderer looks components up synchronously
(window[namespace][type]), so there is no per-page script list to change. Marking the bundle
`dynamic` keeps it registered (served at its plain URL, revalidated by ETag and compressed like
Dash's other files) but out of the page; assets/lazy_ag_grid.js stands in for its namespace and
loads it the first time a grid is drawn."""

from __future__ import annotations

import dash_ag_grid

MAIN_BUNDLE = "dash_ag_grid.min.js"


def install() -> None:
    """Call before the first page is served (the page's script list is built per request)."""
    bundles = [r for r in dash_ag_grid._js_dist if r.get("relative_package_path") == MAIN_BUNDLE]
    if len(bundles) != 1:  # a dash-ag-grid release that packs itself differently: say so
        raise RuntimeError(f"dash-ag-grid {dash_ag_grid.__version__}: expected one {MAIN_BUNDLE} "
                           "in its _js_dist; update web/lazy_grid.py and assets/lazy_ag_grid.js")
    bundles[0]["dynamic"] = True
