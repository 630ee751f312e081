"""The page for /borough/<key> when the key names no borough: the nearest boroughs as links
("Did you mean Camden?"), keeping the filters, and the list of all of them."""

from __future__ import annotations

from typing import Any

from dash import dcc, html

from techmap.dataformat.authorities import Authority


def _or_list(links: list[Any]) -> list[Any]:
    """[a] / [a, " or ", b] / [a, ", ", b, " or ", c]."""
    out: list[Any] = []
    for i, link in enumerate(links):
        if i:
            out.append(" or " if i == len(links) - 1 else ", ")
        out.append(link)
    return out


def borough_not_found(key: str, suggestions: list[Authority], query: str) -> html.Div:
    """`query`: the current query string ('' or '?...'), carried by every link."""
    children: list[Any] = [
        html.H1("Borough not found"),
        html.P(f"There is no London borough called “{key[:120]}”."),
    ]
    if suggestions:
        links = [dcc.Link(a.name, href=f"/borough/{a.slug}{query}") for a in suggestions]
        children.append(html.P(["Did you mean ", *_or_list(links), "?"], className="lead",
                               id="borough-suggestions"))
    children.append(html.P([dcc.Link("Choose a borough from the list", href=f"/boroughs{query}"), "."]))
    return html.Div(children)
