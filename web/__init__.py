"""Plain Flask routes served beside the Dash app on the same server: the open data API,
calendar feeds and downloads. Each module defines a `bp` Blueprint; app.py registers them."""

from __future__ import annotations

import importlib

from flask import Flask

ROUTE_MODULES = ("web.api", "web.calendar", "web.downloads", "web.templates_download")


def register_routes(server: Flask) -> None:
    for name in ROUTE_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as error:
            if error.name != name:
                raise
            continue  # TODO(lead): plain imports once every module exists
        server.register_blueprint(module.bp)
