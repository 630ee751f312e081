"""Each request sees one published version from start to end, and says which.

A request is pinned to the current version when it starts; a callback whose page was drawn from
another version (assets/live_version.js sends it as X-Dataset-Version-Drawn) is answered from
that version while this process keeps it, else with 409 and X-Dataset-Reload, and the page
offers a reload. Every response carries X-Dataset-Version.
"""

from __future__ import annotations

from flask import Flask, Response, g, jsonify, request

from techmap.service import context
from techmap.service.live import VersionExpired

VERSION_HEADER = "X-Dataset-Version"
DRAWN_HEADER = "X-Dataset-Version-Drawn"
RELOAD_HEADER = "X-Dataset-Reload"


def install(server: Flask) -> None:
    @server.before_request
    def _pin_version() -> Response | None:
        drawn = request.headers.get(DRAWN_HEADER, "").strip()
        try:
            g.dataset_pin = context.pin_request(int(drawn) if drawn.isdigit() else None)
        except VersionExpired:
            response = jsonify({"error": "the data has been updated since this page was drawn; "
                                         "reload the page"})
            response.status_code = 409
            response.headers[RELOAD_HEADER] = "1"
            return response
        return None

    @server.after_request
    def _say_version(response: Response) -> Response:
        if "dataset_pin" in g:
            response.headers[VERSION_HEADER] = str(context.served().number)
        return response

    @server.teardown_request
    def _unpin(_error: BaseException | None) -> None:
        token = g.pop("dataset_pin", None)
        if token is not None:
            context.unpin(token)
