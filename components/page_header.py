"""What names a page: its heading, the browser tab's title and the search engines' description
(dash.register_page's title and description), and the heading and lead paragraph that open it."""

from __future__ import annotations

from typing import Any

from dash import html

SITE_NAME = "London Tech Map"


def page_meta(heading: str, description: str) -> dict[str, str]:
    """register_page's title ("Skills for peer training – London Tech Map") and description."""
    return {"title": f"{heading} – {SITE_NAME}", "description": description}


def page_header(heading: str, lead: Any, *after: Any) -> list[Any]:
    """The page's one h1 and its lead paragraph, then whatever follows them (notes, banners)."""
    return [html.H1(heading), html.P(lead, className="lead"), *after]
