"""The page's social meta tags (twitter:*, og:*), with their URLs built from TECHMAP_BASE_URL.

Dash's own page meta tags take `twitter:url` from the request's URL, so from its Host header: any
client could make the page name another site (and a shared cache keep that page for everyone).
These are the same tags from the same page registry, with the address of the configured instance.
"""

from __future__ import annotations

import dash
from dash._pages import _page_meta_tags  # Dash's builder: titles and descriptions per page
from dash._utils import format_tag
from flask import request

from techmap.urls import absolute_url


class _ConfiguredRequest:
    """What Dash's builder reads of a request (path, url, root), with the configured address."""

    def __init__(self, path: str, query: str):
        self.path = path
        self.url = absolute_url(path + (f"?{query}" if query else ""))
        self.root = absolute_url("/")


def page_meta_tags(app: dash.Dash) -> list[dict[str, str]]:
    """The meta tags of the requested page, every URL on the configured base URL."""
    query = request.query_string.decode("latin-1")
    tags = _page_meta_tags(app, _ConfiguredRequest(request.path, query))
    url = next(t["content"] for t in tags if t.get("property") == "twitter:url")
    return [*tags, {"property": "og:url", "content": url}]


def install(app: dash.Dash) -> None:
    """Replace Dash's page meta tags with page_meta_tags (an `index` hook adds them to <head>)."""
    app.config.include_pages_meta = False

    @dash.hooks.index()
    def _add_page_meta(index: str) -> str:
        tags = "\n        ".join(format_tag("meta", t, opened=True, sanitize=True)
                                for t in page_meta_tags(app))
        return index.replace("<head>", f"<head>\n        {tags}", 1)
