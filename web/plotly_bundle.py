"""The plotly.js the app's graphs load: vendor/plotlyjs/plotly.min.js, built from the `plotly.js`
npm package with only the trace types the app draws (1.5 MB raw, about 440 KB compressed), instead
of the full bundle the Python plotly package ships (4.7 MB raw, 1.15 MB compressed).

dcc.Graph loads plotly.js itself the first time a page shows a graph: it uses `window.Plotly` when
that is defined, else it adds a <script> whose URL Dash's renderer fixes to the plotly package's
`package_data/plotly.min.js` (dash_core_components.js and dash_renderer.min.js, Dash 4.4). Answering
that URL with the custom bundle keeps that lazy loading (pages without a graph fetch no plotly.js at
all), needs no inline script, and leaves the full bundle unreachable. The URL carries no fingerprint,
so the response is revalidated by its ETag (the bundle's digest), as Dash does for such files; the
static-file compression in web.hosting compresses it once per process.

The graph's loader asks for plotly.js only once the page's layout has come back and rendered, and
plotly asks for a geo figure's base map and GeoJSON only once it draws. A page whose layout holds a
graph therefore answers with `Link: rel=preload` headers naming them, so the browser fetches them
while Dash starts up: one round trip instead of three in a row on a slow network. What to preload is
read from each page's default layout once, at start-up.
"""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path
from typing import Any

import dash
from dash import dcc
from flask import Response, request, send_file

from dash_compat import path_to_page

BUNDLE = Path(__file__).resolve().parent.parent / "vendor" / "plotlyjs" / "plotly.min.js"
DASH_PLOTLY_PATH = "_dash-component-suites/plotly/package_data/plotly.min.js"
DASH_GRAPH_CHUNK = "_dash-component-suites/dash/dcc/async-graph.js"  # dcc.Graph's lazy half


@cache
def bundle_digest() -> str:
    return hashlib.sha256(BUNDLE.read_bytes()).hexdigest()[:20]


def install(app: dash.Dash) -> None:
    url = app.config.routes_pathname_prefix + DASH_PLOTLY_PATH

    @app.server.before_request
    def _custom_plotly() -> Response | None:
        if request.path != url:
            return None
        return send_file(BUNDLE, mimetype="application/javascript", etag=bundle_digest(),
                         conditional=True, max_age=None)

    links = {page["module"]: preload_links(graphs_in(page["layout"]()), app.config.requests_pathname_prefix)
             for page in dash.page_registry.values() if callable(page.get("layout"))}
    index_endpoints = {app.config.routes_pathname_prefix, app.config.routes_pathname_prefix + "<path:path>"}

    @app.server.after_request
    def _preload(response: Response) -> Response:
        if request.endpoint in index_endpoints and response.status_code == 200:
            page, _ = path_to_page(app.strip_relative_path(request.path) or "")  # the router's own matcher
            if page and links.get(page["module"]):
                response.headers["Link"] = ", ".join(links[page["module"]])
        return response


def graphs_in(node: Any) -> list[dcc.Graph]:
    """The dcc.Graph components of a layout."""
    if isinstance(node, dcc.Graph):
        return [node]
    children = getattr(node, "children", None)
    if isinstance(children, (list, tuple)):
        return [graph for child in children for graph in graphs_in(child)]
    return graphs_in(children) if hasattr(children, "to_plotly_json") else []


def preload_links(graphs: list[dcc.Graph], prefix: str) -> list[str]:
    """Link header values for what these graphs make the browser fetch: plotly.js and the graph's
    chunk, and for geo figures the base map (plotly names it `<scope>_<resolution>m.json` under the
    config's topojsonURL) and every GeoJSON a trace names by URL (fetched as CORS, same origin)."""
    if not graphs:
        return []
    links = [f"<{prefix}{path}>; rel=preload; as=script" for path in (DASH_PLOTLY_PATH, DASH_GRAPH_CHUNK)]
    for graph in graphs:
        figure = graph.figure if isinstance(graph.figure, dict) else {}
        geo = figure.get("layout", {}).get("geo")
        base_maps = (graph.config or {}).get("topojsonURL") if isinstance(graph.config, dict) else None
        if isinstance(geo, dict) and base_maps:
            name = f"{geo.get('scope', 'world')}_{geo.get('resolution', 110)}m.json"
            links.append(f"<{base_maps}{name}>; rel=preload; as=fetch; crossorigin")
        links += [f"<{trace['geojson']}>; rel=preload; as=fetch; crossorigin"
                  for trace in figure.get("data", []) if isinstance(trace.get("geojson"), str)]
    return list(dict.fromkeys(links))
