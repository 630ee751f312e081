"""The page for /borough/<key> when the key names no borough: the nearest boroughs as links
("Did you mean Camden?"), keeping the filters, and the list of all of them."""

from __future__ import annotations

from typing import Any

from dash import dcc, html

from components.did_you_mean import did_you_mean
from techmap.dataformat.authorities import Authority


def borough_not_found(key: str, suggestions: list[Authority], query: str) -> html.Div:
    """`query`: the current query string ('' or '?...'), carried by every link."""
    children: list[Any] = [
        html.H1("Borough not found"),
        html.P(f"There is no London borough called “{key[:120]}”."),
    ]
    if suggestions:
        links = [dcc.Link(a.name, href=f"/borough/{a.slug}{query}") for a in suggestions]
        children.append(did_you_mean(links, className="lead", id="borough-suggestions"))
    children.append(html.P([dcc.Link("Choose a borough from the list", href=f"/boroughs{query}"), "."]))
    return html.Div(children)
