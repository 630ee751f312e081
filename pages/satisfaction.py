"""Satisfaction (/satisfaction), for signed-in members only: LOTI's finding (boroughs using more
suppliers report lower satisfaction) as a chart with the correlation in its caption, and the
average satisfaction by system, supplier and borough. It follows the shared filters.

Anonymous visitors and a public instance get the "Page not found" page here, with its title: no
satisfaction value, nor any sign that the page exists (the nav link is shown to members only)."""

from __future__ import annotations

from typing import Any

import dash
from dash import Output, callback, html
from dash.exceptions import PreventUpdate

from components.satisfaction import satisfaction_body
from pages.not_found_404 import layout as not_found_layout
from shell.state_change import FILTERS, STATE_CHANGED, new_state
from techmap.analysis.filters import FilterState
from techmap.appstate import AppState
from techmap.service.satisfaction_views import members_only_allowed, satisfaction_for

TITLE = "Satisfaction – London Tech Map"
NOT_FOUND_TITLE = "Page not found – London Tech Map"
BODY_ID = "satisfaction-body"


def title(**_: Any) -> str:
    return TITLE if members_only_allowed() else NOT_FOUND_TITLE


dash.register_page(__name__, path="/satisfaction", title=title, name="Satisfaction", order=6)


def body(filters: FilterState) -> list[Any]:
    v = satisfaction_for(filters)
    return satisfaction_body(v.by_borough, v.correlation, v.by_system, v.by_supplier)


def layout(**query: Any) -> html.Div:
    if not members_only_allowed():
        return not_found_layout()
    state = AppState.from_page_query(query)
    return html.Div([
        html.H1("Satisfaction"),
        html.P("How satisfied boroughs are with their systems, from the survey's 1 to 5 scores. "
               "Only signed-in members see this page: scores are never published.", className="lead"),
        html.Div(body(state.filters), id=BODY_ID),
    ], className="satisfaction-page")


@callback(Output(BODY_ID, "children"), STATE_CHANGED, prevent_initial_call=True)
def update_body(change: Any) -> list[Any]:
    """In the same round trip as the change (shell/state_change.py), when a filter changed."""
    if not members_only_allowed():  # never a score, nor an empty view, for anyone else: no answer
        raise PreventUpdate
    return body(new_state(change, FILTERS).filters)
