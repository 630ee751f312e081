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
"""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path

import dash
from flask import Response, request, send_file

BUNDLE = Path(__file__).resolve().parent.parent / "vendor" / "plotlyjs" / "plotly.min.js"
DASH_PLOTLY_PATH = "_dash-component-suites/plotly/package_data/plotly.min.js"


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
