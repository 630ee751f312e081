"""Absolute links to this instance (page meta tags, calendar and feed links), built from the
configured TECHMAP_BASE_URL, never from the request's Host header, which any client can set."""

from __future__ import annotations

from techmap.service import context


def absolute_url(path: str) -> str:
    """`path` ("/suppliers?area=housing") on this instance's public address."""
    return context.settings().base_url + "/" + path.lstrip("/")


def webcal_url(path: str) -> str:
    """`path` as a calendar subscription link (webcal://host/path): calendar clients open it as a
    feed to subscribe to and poll, where an http(s) link would download the file once."""
    url = absolute_url(path)
    return "webcal://" + url.split("://", 1)[1]


def base_url_configured() -> bool:
    """Whether the instance's public address is set (TECHMAP_BASE_URL); when it is not, absolute
    links use the address `python app.py` listens on, which may not reach other machines."""
    return context.settings().base_url_configured
