"""Absolute links to this instance (page meta tags, calendar and feed links), built from the
configured TECHMAP_BASE_URL, never from the request's Host header, which any client can set."""

from __future__ import annotations

from techmap import context


def absolute_url(path: str) -> str:
    """`path` ("/suppliers?area=housing") on this instance's public address."""
    return context.settings().base_url + "/" + path.lstrip("/")
