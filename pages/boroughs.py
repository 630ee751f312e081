"""Boroughs index (/boroughs): every borough with its headline numbers, each a link to its profile."""

from __future__ import annotations

from typing import Any

import dash
from dash import dcc, html

from techmap import context
from techmap.appstate import AppState
from techmap.queries import apply_filter, borough_metrics

dash.register_page(__name__, path="/boroughs", title="Boroughs – London Tech Map", name="Boroughs", order=3)


def layout(**query: Any) -> html.Div:
    state = AppState.from_page_query(query)
    data = context.dataset()
    rows = apply_filter(data.contracts, state.filters, ignore=("authority",))
    metrics = borough_metrics(rows, today=context.today()).sort_values("name")
    q = state.to_query_string()
    body = [
        html.Tr([
            html.Th(dcc.Link(r.name, href=f"/borough/{r.slug}{q}"), scope="row"),
            html.Td(f"{r.contracts:,}", className="num"),
            html.Td(f"{r.suppliers:,}", className="num"),
            html.Td(f"{r.ending_12m:,}", className="num"),
        ])
        for r in metrics.itertuples()
    ]
    return html.Div([
        html.H1("Boroughs"),
        html.P("All 33 London local authorities. Choose one for its systems, renewals and peers.",
               className="lead"),
        html.Div(html.Table([
            html.Caption("London boroughs with their contract counts under the current filters"),
            html.Thead(html.Tr([html.Th("Borough", scope="col"), html.Th("Contracts", scope="col", className="num"),
                                html.Th("Suppliers", scope="col", className="num"),
                                html.Th("Ending in 12 months", scope="col", className="num")])),
            html.Tbody(body),
        ], className="table table-sm"), className="table-responsive"),
    ])
