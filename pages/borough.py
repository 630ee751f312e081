"""Borough profile (/borough/<ONS code or slug>): every system by service area, next renewals,
comparison with the London median, and peers running the same systems.

The profile follows the app's filters (except the borough filter: this page is one borough): the
body is rebuilt whenever the app state changes, since a filter change rewrites the URL without
re-running layout()."""

from __future__ import annotations

from typing import Any

import dash
from dash import Output, State, callback, dcc, html

import ids
from components.borough_not_found import borough_not_found
from components.borough_profile import profile_body
from shell import nothing_matches
from shell.nothing_matches import scope_of
from shell.path_variables import path_variable
from shell.state_change import STATE_CHANGED, new_state
from techmap.appstate import AppState
from techmap.dataformat.authorities import by_code, resolve_authority
from techmap.dataformat.authority_suggestions import suggest_authorities
from techmap.service import context


def _title(key: str | None = None, **_: Any) -> str:
    authority = resolve_authority(key or "")
    return f"{authority.name if authority else 'Borough not found'} – borough profile – London Tech Map"


dash.register_page(__name__, path_template="/borough/<key>", title=_title, name="Borough profile")


def layout(key: str | None = None, **query: Any) -> html.Div:
    key = path_variable("key", key)  # the path's, never a query parameter's
    authority = resolve_authority(key or "")
    state = AppState.from_page_query(query)
    if authority is None:  # status 404 (web.hosting), with the nearest names
        return borough_not_found(key or "", suggest_authorities(key or ""), state.to_query_string())
    return html.Div([
        html.H1(authority.name),
        nothing_matches.slot(state, f"/borough/{authority.slug}", scope_of("authority", authority.code)),
        html.Div(profile_body(authority, context.dataset().contracts, state, context.today()),
                 id=ids.BOROUGH_BODY),
        dcc.Store(id=ids.BOROUGH_CODE, data=authority.code),
    ])


@callback(
    Output(ids.BOROUGH_BODY, "children"),
    STATE_CHANGED,
    State(ids.BOROUGH_CODE, "data"),
    prevent_initial_call=True,
)
def update_profile(change: Any, code: Any) -> Any:
    """The filters changed while the profile is open: rebuild it for them (in the same round trip
    as the change, shell/state_change.py)."""
    authority = by_code().get(code) if isinstance(code, str) else None
    if authority is None:
        return dash.no_update
    return profile_body(authority, context.dataset().contracts, new_state(change), context.today())
