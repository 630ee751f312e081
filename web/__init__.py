"""Plain Flask routes served beside the Dash app on the same server: the open data API,
calendar feeds, downloads and hosting concerns (hosting.py: headers, compression, health, status
codes, error pages; access_log.py: gunicorn's JSON access log)."""

from __future__ import annotations

from flask import Flask

from web import (api, auth, calendar, changes_feed, downloads, expensive, finder_download, limits, live_version,
                 templates_download)


def register_routes(server: Flask) -> None:
    live_version.install(server)  # first: one published version for the whole request
    auth.install(server)  # then: every request is identified before the others' hooks run
    limits.install(server)
    expensive.install(server)
    for module in (api, calendar, changes_feed, downloads, finder_download, templates_download):
        server.register_blueprint(module.bp)
