"""The plotly trace types the app's pages create: every registered page's layout is built on the
bundled data (a few filter states each) and the figures of its graphs are read. Figures come from
the figure builders, so a new chart type shows up here without a list to keep by hand."""

from __future__ import annotations

from typing import Any

import dash

from web.plotly_bundle import graphs_in

# A few views per page: the default, a narrowed one and one that matches nothing (empty figures).
QUERIES: tuple[dict[str, Any], ...] = ({}, {"area": "housing"}, {"q": "no contract says this"})


def page_trace_types() -> dict[str, set[str]]:
    """{trace type: the pages whose figures hold it}. Imports the app (the bundled dataset)."""
    import app  # noqa: F401  (registers the pages)
    from techmap.service import context

    path_values = {"pages.borough": {"key": "E09000007"},
                   "pages.supplier": {"slug": sorted(context.dataset().supplier_names)[0]}}
    found: dict[str, set[str]] = {}
    for page in dash.page_registry.values():
        for query in QUERIES:
            layout = page["layout"](**path_values.get(page["module"], {}), **query)
            for graph in graphs_in(layout):
                for trace in (graph.figure or {}).get("data", []):
                    found.setdefault(trace.get("type", "scatter"), set()).add(page["module"])
    return found
