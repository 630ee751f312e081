"""What a hosted instance needs on every response: security headers (a strict Content-Security-
Policy built from Dash's own inline-script hashes), compression, cache headers for fingerprinted
assets, a health endpoint, HTTP 404 for pages that do not exist, and JSON or plain errors instead
of tracebacks."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

import dash
from dash.exceptions import DependencyException
from dash.fingerprint import check_fingerprint
from flask import Blueprint, Flask, Response, g, jsonify, request
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from dash_compat import hot_reload_enabled, path_to_page
from techmap.dataformat.authorities import GEOJSON, resolve_authority
from techmap.service import context, facet_views, renewal_views, views
from web import compression, lazy_grid, page_meta, plotly_bundle
from web.auth_state import public_only
from web.callback_guard import check_dispatch

bp = Blueprint("hosting", __name__)
log = logging.getLogger("techmap.web")

ONE_YEAR = 31_536_000
IMMUTABLE = f"public, max-age={ONE_YEAR}, immutable"
# Callback responses are kept per process by the service layer (techmap.service.cache.RESPONSES:
# TECHMAP_RESPONSE_CACHE of them, default 400, and 32 MB in all), each at most 256 KB.
MAX_CACHED_RESPONSE = 256 * 1024
MAX_BODY_BYTES = 2 * 1024 * 1024  # the largest request body: callback payloads are a few KB
# Pages whose URL names a thing: the page exists only when the thing does (the page itself says
# "not found"; the status says so to crawlers, link checkers and monitoring).
PROFILE_KEYS: dict[str, Callable[[dict[str, str]], bool]] = {
    "pages.borough": lambda v: resolve_authority(v.get("key") or "") is not None,
    "pages.supplier": lambda v: (v.get("slug") or "") in context.dataset().supplier_names,
}
NOT_FOUND_PAGE = "pages.not_found_404"


@bp.get("/healthz")
def health() -> Response:
    data = context.dataset()
    problem = context.health_problem()  # still 200: this host serves the version it has
    return jsonify({
        "status": "degraded" if problem else "ok",
        "reason": problem,
        "version": context.served().number,
        "dataset": data.title,
        "contracts": int(len(data.contracts)),
        "as_of": data.as_of.isoformat() if data.as_of else None,
        "public": context.settings().public,
    })


@bp.get("/boundaries/london_boroughs.<digest>.geojson")
def boundaries_geojson(digest: str) -> Response:
    from components.map_figure import boundaries_url

    if boundaries_url() != f"/boundaries/london_boroughs.{digest}.geojson":
        return Response("Not found\n", status=404, mimetype="text/plain")
    response = Response(GEOJSON.read_bytes(), mimetype="application/geo+json")
    response.set_etag(digest)
    response.headers["Cache-Control"] = IMMUTABLE
    # 230 KB raw, 45 KB compressed: the same bytes for everyone, so compressed once
    return compression.compress_static(response, ("boundaries", digest))


def page_exists(app: dash.Dash, path: str) -> bool:
    """Whether Dash's page router renders a real page for `path` (not its 404 page)."""
    page, variables = path_to_page(app.strip_relative_path(path) or "")  # as the router reads it
    if not page or page.get("module") == NOT_FOUND_PAGE:
        return False
    check = PROFILE_KEYS.get(page.get("module", ""))
    return check is None or check(variables or {})


def warm_static(app: dash.Dash) -> str:
    """Compress the static files of a first visit now (gunicorn's when_ready, before forking)."""
    from components.map_figure import boundaries_url

    return compression.warm(app.server, compression.first_load_urls(app.server, [boundaries_url()]))


WARM_PAGES = ("/", "/suppliers", "/renewals", "/boroughs", "/data", "/systems")


def warm_views(app: dash.Dash) -> str:
    """Draw the shell and the main pages once (gunicorn's when_ready, before forking): the
    per-dataset indexes they build (the drop-downs' facet index takes ~0.2 s at --scale 100) are
    then shared by every worker rather than built by each on the request that first needs them,
    which made one filter change in twenty take ~0.7 s (benchmarks/filter_clicks.py --scale 100).
    A page that fails to draw is logged and skipped: the workers draw it as before."""
    start = time.perf_counter()
    drawn = []
    with app.server.test_request_context("/"):
        for page in dash.page_registry.values():
            if page["path"] not in WARM_PAGES:
                continue
            try:
                layout = page["layout"]
                if callable(layout):
                    layout()
                drawn.append(page["path"])
            except Exception:  # noqa: BLE001  (warming is an optimisation; the worker will report it)
                log.exception("could not draw %s before forking", page["path"])
        if callable(app.layout):
            app.layout()
        # what the first filter change counts from, for the public and for signed-in members
        for data in {id(d): d for d in (context.dataset(), context.loaded_dataset())}.values():
            facet_views.facet_index_for(data)
    # /renewals scans its window buttons' states in a background thread: finished before the
    # fork, which would otherwise copy it half-way (and its lock held) into every worker.
    renewal_views.wait_for_warm_up()
    return f"drew the shell and {', '.join(drawn)} in {time.perf_counter() - start:.1f} s before forking"


def content_security_policy(app: dash.Dash, frame_ancestors: str) -> str:
    """No inline or eval'd script except Dash's own inline scripts, allowed by their hashes.
    Styles may be inline: plotly and the Dash components set style attributes."""
    scripts = " ".join(["'self'", *dict.fromkeys(app.csp_hashes())])  # Dash lists some script twice
    return "; ".join([
        "default-src 'self'",
        f"script-src {scripts}",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "worker-src 'self' blob:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        f"frame-ancestors {frame_ancestors}",
    ])


def install(app: dash.Dash) -> None:
    """Attach headers and error handling to the Dash app's Flask server."""
    server: Flask = app.server
    prefix = app.config.routes_pathname_prefix
    index_endpoints = {prefix, f"{prefix}<path:path>"}  # Dash's index and catch-all views

    # Flask runs after_request hooks last-registered first: this one runs after the compression,
    # which leaves error statuses plain, so the "not found" page is compressed too.
    @server.after_request
    def _not_found_status(response: Response) -> Response:
        # Dash answers every path with its page shell and renders a "not found" page in the
        # browser; the same body with status 404 keeps its client-side routing and tells the truth.
        if (request.endpoint in index_endpoints and response.status_code == 200
                and not page_exists(app, request.path)):
            response.status_code = 404
        return response

    # Before the hooks below, so that it runs after them: it compresses what they leave plain.
    compression.install(server)
    plotly_bundle.install(app)  # graphs load the app's own plotly.js bundle
    lazy_grid.install()  # dash-ag-grid's bundle only where a grid is drawn
    server.register_blueprint(bp)
    page_meta.install(app)
    server.config["MAX_CONTENT_LENGTH"] = MAX_BODY_BYTES
    policy: dict[str, str] = {}

    @server.before_request
    def _refuse_oversized_streamed_bodies() -> None:
        # A body without a Content-Length (Transfer-Encoding: chunked) is cut at
        # MAX_CONTENT_LENGTH by Werkzeug rather than refused, so the app would read the first
        # 2 MB as if it were the whole body. Read it (kept for the view), then look one byte
        # past the cut in the server's own stream: anything there means it was too large.
        if request.content_length is None and request.method in ("POST", "PUT", "PATCH", "DELETE"):
            if len(request.get_data(cache=True)) >= MAX_BODY_BYTES and request.environ["wsgi.input"].read(1):
                raise RequestEntityTooLarge()

    @server.before_request
    def _guard_callbacks() -> Any:
        if request.path == "/_reload-hash" and not hot_reload_enabled(app):
            # Only the debug server's hot reload polls it; elsewhere it would list the packages.
            return Response("Not found\n", status=404, mimetype="text/plain")
        if request.path != "/_dash-update-component":
            return None
        if request.method != "POST":
            return jsonify({"error": {"status": 405, "message": "use POST"}}), 405
        try:
            body = request.get_json(silent=True)
        except RecursionError:  # "[[[[…" nested deeper than the JSON parser goes
            body = None
        problem = check_dispatch(body, app.callback_map)
        if problem:
            return jsonify({"error": {"status": 400, "message": f"malformed callback request: {problem}"}}), 400
        # Identical requests get identical answers (views.response_key), so a popular view costs
        # the server once; the key names the dataset version, the asker's role (public fields
        # only or not: never served across roles), today and the settings.
        key = views.response_key(request.get_data(), role=context.role_for(public_only()))
        g.callback_cache_key = key
        cached = views.cached_response(key)
        if cached is not None:
            return Response(cached, status=200, mimetype="application/json")
        return None

    @server.after_request
    def _remember_callback(response: Response) -> Response:
        key = g.pop("callback_cache_key", None)
        if key is not None and response.status_code == 200 and not response.direct_passthrough:
            data = response.get_data()
            if len(data) <= MAX_CACHED_RESPONSE:
                views.keep_response(key, data)
        return response

    @server.after_request
    def _headers(response: Response) -> Response:
        if not policy:  # every callback (and so every inline script) is registered by now
            policy["csp"] = content_security_policy(app, context.settings().frame_ancestors)
        response.headers["Content-Security-Policy"] = policy["csp"]
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "strict-origin-when-cross-origin"
        response.headers["Permissions-Policy"] = "geolocation=(), camera=(), microphone=()"
        response.headers["Cross-Origin-Opener-Policy"] = "same-origin"
        path = request.path
        if path.startswith("/_dash-update-component"):
            response.headers["Cache-Control"] = "no-store"
        elif response.status_code not in (200, 304):
            pass  # an error is never cached for a year
        elif path.startswith("/_dash-component-suites/"):
            # Dash fingerprints its bundles (…/dash_core_components.v4_4_1m17….js), so a new
            # version gets a new URL. What it loads later by a plain name (plotly.min.js, the
            # async-*.js chunks) is revalidated with its ETag instead.
            fingerprinted = check_fingerprint(path)[1]
            response.headers["Cache-Control"] = IMMUTABLE if fingerprinted else "no-cache"
        elif path.startswith("/assets/") and "m" in request.args:  # Dash adds ?m=<mtime>
            response.headers["Cache-Control"] = IMMUTABLE
        return response

    @server.after_request
    def _compress_static(response: Response) -> Response:
        args = request.view_args or {}
        if request.path.startswith("/_dash-component-suites/") and "fingerprinted_path" in args:
            name = check_fingerprint(args["fingerprinted_path"])[0]
            return compression.compress_static(response, ("suite", args.get("package_name"), name))
        if request.path.startswith("/assets/") and "filename" in args:
            return compression.compress_static(response, ("asset", args["filename"]))
        return response

    @server.errorhandler(DependencyException)
    def _no_such_bundle(error: DependencyException) -> Any:
        # /_dash-component-suites/<package>/<path> for a package or file Dash has not registered
        return jsonify({"error": {"status": 404, "message": "no such component bundle"}}), 404

    @server.errorhandler(HTTPException)
    def _http_error(error: HTTPException) -> Any:
        if request.path.startswith(("/api/", "/_dash")):
            return jsonify({"error": {"status": error.code, "message": error.description}}), error.code
        return Response(f"{error.code} {error.name}: {error.description}\n", status=error.code,
                        mimetype="text/plain")

    @server.errorhandler(Exception)
    def _unexpected(error: Exception) -> Any:
        # Log the details for the operator; the visitor gets a plain message, never a traceback.
        log.exception("unhandled error on %s %s", request.method, request.path)
        message = "Something went wrong on our side. Please try again; if it keeps happening, tell us."
        if request.path.startswith(("/api/", "/_dash")):
            return jsonify({"error": {"status": 500, "message": message}}), 500
        return Response(message + "\n", status=500, mimetype="text/plain")
