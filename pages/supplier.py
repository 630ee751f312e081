"""Supplier profile (/suppliers/<slug>): the boroughs it serves, its systems and service areas,
its contracts ending in the next 12 and 24 months, and its share of London's contracts.

The page follows the app's filters except the supplier filter (this page *is* one supplier), so a
borough or service-area filter narrows the profile; the lead sentence says so. The figures come
from techmap.analysis.supplier_profile, the parts from components.supplier_profile.
"""

from __future__ import annotations

from typing import Any

import dash
from dash import Output, State, callback, dcc, html

from components import supplier_profile
from components.safe_text import short_label
from shell import nothing_matches
from shell.nothing_matches import scope_of
from shell.path_variables import path_variable
from shell.state_change import STATE_CHANGED, new_state
from techmap.appstate import AppState
from techmap.service import context, views
from techmap.analysis.supplier_profile import close_matches, profile_figures

BODY_ID = "supplier-profile-body"
SLUG_STORE = "supplier-profile-slug"


def _name(slug: str | None) -> str | None:
    return context.dataset().supplier_names.get(slug or "")


def _title(slug: str | None = None, **_: Any) -> str:
    name = _name(slug)
    return f"{short_label(name) if name else 'Supplier not found'} – supplier profile – London Tech Map"


dash.register_page(__name__, path_template="/suppliers/<slug>", title=_title, name="Supplier profile")


def profile_body(slug: str, state: AppState) -> list[Any]:
    """Everything below the heading, for one supplier and the current filters."""
    today = context.today()
    everyone = views.rows(state.filters.without("supplier"))
    own = everyone[everyone["supplier_slug"] == slug]
    name = context.dataset().supplier_names.get(slug, slug)
    return supplier_profile.profile_body(name, slug, state, own, everyone, profile_figures(own, everyone, today),
                                         today)


def layout(slug: str | None = None, **query: Any) -> html.Div:
    slug = path_variable("slug", slug)  # the path's, never a query parameter's
    state = AppState.from_page_query(query)
    q = state.to_query_string()
    name = _name(slug)
    if name is None:
        return supplier_profile.not_found(slug, q, close_matches(slug or "", context.dataset().supplier_names))
    return html.Div([
        html.P(dcc.Link("← All suppliers", href=f"/suppliers{q}"), className="mb-1"),
        html.H1(name),
        nothing_matches.slot(state, f"/suppliers/{slug}", scope_of("supplier", slug or "")),
        html.Div(profile_body(slug or "", state), id=BODY_ID),
        dcc.Store(id=SLUG_STORE, data=slug),
    ], className="supplier-profile")


@callback(
    Output(BODY_ID, "children"),
    STATE_CHANGED,
    State(SLUG_STORE, "data"),
    prevent_initial_call=True,
)
def update_profile(change: Any, slug: Any) -> Any:
    """The filters changed while the profile is open: redraw it for them (in the same round trip
    as the change, shell/state_change.py)."""
    if not isinstance(slug, str) or _name(slug) is None:
        return dash.no_update
    return profile_body(slug, new_state(change))
