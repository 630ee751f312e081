"""Boroughs index (/boroughs): every borough with its headline numbers, each a link to its profile.
The table follows the filters (a filter change rewrites the URL without re-running layout())."""

from __future__ import annotations

from typing import Any

import dash
from dash import Output, callback, html

import ids
from components.borough_profile import boroughs_table
from shell.state_change import STATE_CHANGED, new_state
from techmap.appstate import AppState
from techmap.service import context

dash.register_page(__name__, path="/boroughs", title="Boroughs – London Tech Map", name="Boroughs", order=3)


def layout(**query: Any) -> html.Div:
    state = AppState.from_page_query(query)
    return html.Div([
        html.H1("Boroughs"),
        html.P("All 33 London local authorities. Choose one for its systems, renewals and peers.",
               className="lead"),
        html.Div(boroughs_table(context.dataset().contracts, state, context.today()), id=ids.BOROUGHS_TABLE),
    ])


@callback(
    Output(ids.BOROUGHS_TABLE, "children"),
    STATE_CHANGED,
    prevent_initial_call=True,
)
def update_table(change: Any) -> Any:
    return boroughs_table(context.dataset().contracts, new_state(change), context.today())
