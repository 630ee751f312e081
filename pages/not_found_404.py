"""404 page: Dash pages shows the module named not_found_404 for unknown paths."""

from __future__ import annotations

from typing import Any

import dash
from dash import dcc, html

dash.register_page(__name__, path="/404", title="Page not found – London Tech Map", name="Not found")


def layout(**_: Any) -> html.Div:
    return html.Div([
        html.H1("Page not found"),
        html.P("If you typed the web address, check it is correct. If you pasted it, check you copied "
               "the whole address."),
        html.P([dcc.Link("Go to the map of London boroughs", href="/"), " or ",
                dcc.Link("choose a borough", href="/boroughs"), "."]),
    ])
