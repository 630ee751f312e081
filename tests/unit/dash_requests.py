"""Shared by the tests that talk to Dash's callback endpoint as dash-renderer does."""

from __future__ import annotations

from typing import Any

from dash_compat import PAGES_CONTENT, PAGES_LOCATION, PAGES_STORE, ROUTER_OUTPUT


def router_request(path: str, search: str = "") -> dict[str, Any]:
    """The body dash-renderer POSTs to /_dash-update-component when the page router draws `path`
    (with the query string `search`, '' or '?...')."""
    return {
        "output": ROUTER_OUTPUT,
        "outputs": [{"id": PAGES_CONTENT, "property": "children"}, {"id": PAGES_STORE, "property": "data"}],
        "inputs": [{"id": PAGES_LOCATION, "property": "pathname", "value": path},
                   {"id": PAGES_LOCATION, "property": "search", "value": search}],
        "state": [],
        "changedPropIds": [f"{PAGES_LOCATION}.pathname"],
    }
