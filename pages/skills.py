"""Skills page (/skills): each borough's team level in the twelve skill areas as a heatmap table,
and the peer-training finder for a chosen borough (the `borough` view setting, else the one borough
of the borough filter): where it could learn from peers at least two levels above, and where it
could help those two below.

Of the shared filters only the borough filter applies (skills are not tied to contracts): it
narrows the heatmap's rows and, naming two or more boroughs, whom the finder suggests. The page
redraws only when the borough filter or the chosen borough changes (its two state stores).
"""

from __future__ import annotations

import json
from typing import Any

import dash
import dash_bootstrap_components as dbc
from dash import Output, State, callback, clientside_callback, dcc, html

import ids
from components.skills import (
    NOT_PEOPLE,
    finder_section,
    heatmap_caption,
    heatmap_table,
    level_legend,
    no_skills_note,
)
from components.page_header import page_header, page_meta
from components.state_stores import inputs, state_stores
from techmap.appstate import AppState
from techmap.dataformat.authorities import authorities
from techmap.service.skill_views import (
    chosen_borough,
    finder_for,
    grid_for,
    has_skills,
    illustrative_levels,
    peer_pool,
)

HEADING = "Skills for peer training"
dash.register_page(__name__, path="/skills", name="Skills", order=4, **page_meta(
    HEADING, "London boroughs' digital team skill levels in twelve areas, and which boroughs could "
             "train each other."))

FINDER_ID = "skills-finder"
HEATMAP_ID = "skills-heatmap"
CAPTION_ID = "skills-heatmap-caption"
ROWS_SHOWN = "skills-rows-shown"
# What the page depends on: the filters (the borough filter narrows it; the rest are in its links'
# query) and the chosen borough. Other pages' view settings never fire it.
STORES = ("filters", "borough")
SELECT_DOM_ID = json.dumps(ids.view("borough"), sort_keys=True, separators=(",", ":"))  # Dash's form of a dict id


def _parts(state: AppState) -> tuple[Any, str]:
    """(finder, heatmap caption) for a state."""
    f = state.filters
    code = chosen_borough(f, state.view_value("borough"))
    pool = peer_pool(f)
    finder = finder_section(finder_for(code, pool) if code else None, len(pool), state.to_query_string())
    return finder, heatmap_caption(grid_for(f.authority))


def _illustrative_note() -> list[Any]:
    made_up = illustrative_levels()
    if not made_up:
        return []
    return [html.P([html.Strong("Illustrative levels. "),
                    f"{made_up:,} of the levels shown are made up for the demo dataset (synthetic): they "
                    "describe no real team. Boroughs can return real ones on the survey template."],
                   className="skills-illustrative")]


def layout(**query: Any) -> html.Div:
    state = AppState.from_page_query(query)
    intro = ["Each borough's team level in twelve skill areas, from 1 (little or none) to 5 (strong: "
             "could teach others), so that boroughs can find peers to train with. ", NOT_PEOPLE]
    if not has_skills():
        return html.Div([*page_header(HEADING, intro, no_skills_note()),
                         *state_stores(state, *STORES, "authority"), dcc.Store(id=ROWS_SHOWN)],
                        className="skills-page")
    finder, caption = _parts(state)
    table = heatmap_table(grid_for(()), state.filters.authority)
    chosen = chosen_borough(state.filters, state.view_value("borough"))
    options = [{"label": "Choose a borough", "value": ""}] + [
        {"label": a.name, "value": a.code} for a in sorted(authorities(), key=lambda a: a.name)]
    return html.Div(
        [
            *page_header(HEADING, intro, *_illustrative_note()),
            html.Section([
                html.H2("Find peers to train with", className="h4"),
                html.Div([html.Label("Borough", htmlFor=SELECT_DOM_ID, className="form-label"),
                          # a native <select>: keyboard and screen readers work it as they always do
                          dbc.Select(id=ids.view("borough"), options=options, value=chosen,
                                     className="skills-borough-select")],
                         className="skills-chooser"),
                html.Div(finder, id=FINDER_ID, **{"aria-live": "polite"}),
            ], className="skills-finder-section"),
            html.Section([
                html.H2("Skill levels by borough", className="h4"),
                level_legend(),
                html.Figure([
                    html.Figcaption(caption, id=CAPTION_ID, className="chart-caption"),
                    html.Div(table, id=HEATMAP_ID, className="skills-heatmap-wrap", tabIndex="0",
                             role="region", **{"aria-label": "Skill levels by borough"}),
                ], className="chart"),
            ], className="skills-heatmap-section"),
            *state_stores(state, *STORES, "authority"),
            dcc.Store(id=ROWS_SHOWN),
        ],
        className="skills-page",
    )


@callback(
    Output(FINDER_ID, "children"),
    Output(CAPTION_ID, "children"),
    *inputs(*STORES),
    State(ids.APP_STATE, "data"),
    prevent_initial_call=True,
)
def update_page(_filters: Any, _borough: Any, data: Any) -> tuple[Any, Any]:
    """Fired by the filters' or the chosen borough's store (components.state_stores)."""
    if not has_skills():
        return dash.no_update, dash.no_update
    return _parts(AppState.from_dict(data))


# The heatmap holds every borough's row once; the borough filter shows or hides rows here, in the
# browser, so that a filter change sends the finder and a caption, never the table.
clientside_callback(
    """
    function(codes) {
        const shown = Array.isArray(codes) ? codes : [];
        document.querySelectorAll("#%s tbody tr[data-code]").forEach(function(row) {
            row.hidden = shown.length > 0 && shown.indexOf(row.dataset.code) < 0;
        });
        return window.dash_clientside.no_update;
    }
    """ % HEATMAP_ID,
    Output(ROWS_SHOWN, "data"),
    *inputs("authority"),
)
