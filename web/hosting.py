"""What a hosted instance needs on every response: security headers (a strict Content-Security-
Policy built from Dash's own inline-script hashes), cache headers for fingerprinted assets, a
health endpoint, and JSON or plain errors instead of tracebacks."""

from __future__ import annotations

import logging
import os
from typing import Any

import dash
from flask import Blueprint, Flask, Response, g, jsonify, request
from werkzeug.exceptions import HTTPException

from techmap import context
from techmap.cache import MISSING
from techmap.cache import BoundedCache
from techmap.authorities import GEOJSON
from web.callback_guard import check_dispatch

bp = Blueprint("hosting", __name__)
log = logging.getLogger("techmap.web")

ONE_YEAR = 31_536_000
# Callback responses kept per process: bounded in number and in size of each (a few MB in all).
RESPONSES = BoundedCache(size=int(os.environ.get("TECHMAP_RESPONSE_CACHE", "400")))
MAX_CACHED_RESPONSE = 256 * 1024


@bp.get("/healthz")
def health() -> Response:
    data = context.dataset()
    return jsonify({
        "status": "ok",
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
    response.headers["Cache-Control"] = f"public, max-age={ONE_YEAR}, immutable"
    return response


def content_security_policy(app: dash.Dash, frame_ancestors: str) -> str:
    """No inline or eval'd script except Dash's own inline scripts, allowed by their hashes.
    Styles may be inline: plotly and the Dash components set style attributes."""
    scripts = " ".join(["'self'", *app.csp_hashes()])
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
    server.register_blueprint(bp)
    server.config["MAX_CONTENT_LENGTH"] = 2 * 1024 * 1024  # callback payloads are a few KB
    policy: dict[str, str] = {}

    @server.before_request
    def _guard_callbacks() -> Any:
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
        # Every server callback is a pure function of what the browser sends, the dataset and
        # today, so identical requests get identical answers: a popular view costs the server once.
        # The settings (public or not) and the dataset are part of the key, so an instance whose
        # configuration changes (tests switch to public mode) never gets another's answer.
        key = (request.get_data(), context.today(), context.settings(), id(context.dataset()))
        g.callback_cache_key = key
        cached = RESPONSES.get(key)
        if cached is not MISSING:
            return Response(cached, status=200, mimetype="application/json")
        return None

    @server.after_request
    def _remember_callback(response: Response) -> Response:
        key = g.pop("callback_cache_key", None)
        if key is not None and response.status_code == 200 and not response.direct_passthrough:
            data = response.get_data()
            if len(data) <= MAX_CACHED_RESPONSE:
                RESPONSES.set(key, data)
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
        # Dash fingerprints its own bundles (…/dash_core_components.v4_4_1m17….js) and adds ?m=<mtime>
        # to our assets, so both can be cached for a year: a new version gets a new URL.
        if path.startswith("/_dash-component-suites/") or (path.startswith("/assets/") and "m" in request.args):
            response.headers["Cache-Control"] = f"public, max-age={ONE_YEAR}, immutable"
        elif path.startswith("/_dash-update-component"):
            response.headers["Cache-Control"] = "no-store"
        return response

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
