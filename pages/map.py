"""Map page (/): the 33 boroughs coloured by a chosen metric, with headline figures and a ranked
list. The map highlights the selected boroughs; every other figure filters to them."""

from __future__ import annotations

from typing import Any

import dash
from dash import ClientsideFunction, Input, Output, State, callback, clientside_callback, dcc, html

import ids
from components.controls import view_radio
from components.coverage import coverage_figure
from components.figure_frame import GRAPH_CONFIG, chart_figure
from components.map_figure import map_figure, map_patch
from components.map_panel import headline_cards, headline_values, map_caption, ranked_names, ranked_rows
from shell import nothing_matches
from shell.state_change import STATE_CHANGED, new_change, new_state
from techmap.appstate import AppState
from techmap.analysis.coverage import COVERED_AREAS, coverage_share
from techmap.dataformat.dataset import Dataset
from techmap.analysis.filters import FilterState
from techmap.analysis.queries import METRICS
from techmap.service import context
from techmap.service.skill_views import has_skills, skill_metric_area, with_skill_levels
from techmap.service.group_views import group_split_for
from techmap.service.views import headline_for, metrics_for

dash.register_page(__name__, path="/", title="Map of London borough technology – London Tech Map",
                   name="Map", order=0)

CAPTION_ID = "map-caption"
RANKED_ID = "map-ranked"
HEADLINE_ID = "map-headline"
RANKED_ROWS = "map-ranked-rows"  # the ranked list's compact payload, drawn by assets/ranked_list.js
RANKED_NAMES = "map-ranked-names"  # each borough's name and profile slug (sent once)
RANKED_DRAWN = "map-ranked-drawn"


def _chosen_name(data: Dataset, metric: str, filters: FilterState) -> str:
    if metric == "supplier_share" and filters.supplier:
        return " or ".join(data.supplier_names.get(s, s) for s in filters.supplier)
    if metric == "runs_system" and filters.system:
        return " or ".join(data.system_names.get(s, s) for s in filters.system)
    return ""


def _map_inputs(state: AppState) -> tuple[Any, str, tuple[str, ...]]:
    """Per-borough metrics for the map: every filter except the borough selection (highlighted).
    The metric drawn is the chosen one, or the default while the filter it measures is empty."""
    f = state.filters
    # The supplier/system metrics measure the selected supplier/system within each borough, so
    # those filters are lifted for the map too; the other views still filter by them.
    ignore = ["authority"]
    metric = state.effective_view("metric")
    if metric == "supplier_share":
        ignore.append("supplier")
    if metric == "runs_system":
        ignore.append("system")
    metrics = with_skill_levels(metrics_for(f, tuple(ignore), context.today()), metric)
    return metrics, metric, f.authority


def layout(**query: Any) -> html.Div:
    state = AppState.from_page_query(query)
    data = context.dataset()
    metrics, metric, selected = _map_inputs(state)
    q = state.to_query_string()
    graph = dcc.Graph(id=ids.MAP_GRAPH, figure=map_figure(metrics, metric, selected),
                      config=GRAPH_CONFIG, className="map-graph")
    return html.Div(
        [
            html.H1("Who runs London's council technology"),
            nothing_matches.slot(state, "/"),
            html.P("Each borough coloured by the measure you choose. Select boroughs on the map or "
                   "in the ranked list to filter every other view to them.", className="lead"),
            coverage_figure(*coverage_share(data.contracts), len(COVERED_AREAS)),
            html.Div(
                [
                    html.Div(
                        chart_figure(
                            graph, CAPTION_ID,
                            map_caption(metrics, state.view_value("metric"),
                                        chosen=_chosen_name(data, metric, state.filters), selected=selected),
                            html.P(["Every borough's value is in the ", html.A("ranked list", href=f"#{RANKED_ID}"),
                                    " beside the map, which also selects boroughs by keyboard."]),
                            table_summary="Where are the map's numbers?",
                        ),
                        className="map-col",
                    ),
                    html.Div(
                        [
                            # Beside the map rather than above it: the map stays in the first screen.
                            view_radio("metric", [{"label": spec[0], "value": key} for key, spec in METRICS.items()
                                                  if has_skills() or skill_metric_area(key) is None],
                                       state.view_value("metric"), "Colour the map by"),
                            html.H2("Headline figures", className="h5"),
                            html.Div(headline_cards(headline_for(state.filters, context.today()),
                                                    group_split_for(state.filters)),
                                     id=HEADLINE_ID),
                            html.H2("Boroughs ranked", className="h5 mt-3"),
                            html.P("Select a borough to filter by it; follow its name for its profile.",
                                   className="small"),
                            html.Div(id=RANKED_ID, className="ranked-scroll", tabIndex="0",
                                     role="region", **{"aria-label": "Boroughs ranked"}),
                            dcc.Store(id=RANKED_ROWS, data=side_payload(state, metrics, metric, selected)),
                            dcc.Store(id=RANKED_NAMES, data=ranked_names(metrics)),
                            dcc.Store(id=ids.pick("authority")),
                            dcc.Store(id=RANKED_DRAWN),
                        ],
                        className="side-col",
                    ),
                ],
                className="map-layout",
            ),
        ]
    )


# Both callbacks follow the state from ids.STATE_CHANGE (shell/state_change.py): they run in
# parallel with the shell's reducer, in the same round trip as the click.
@callback(
    Output(ids.MAP_GRAPH, "figure"),
    STATE_CHANGED,
    prevent_initial_call=True,
)
def update_map(change: Any) -> Any:
    """Patch the map: z, hover, legend and (when the selection moved) outlines, never the boundaries."""
    found = new_change(change)
    metrics, metric, selected = _map_inputs(found.after)
    before = None if found.from_url else found.before  # Back/Forward: the page may show anything
    return map_patch(metrics, metric, selected,
                     same_selection=before is not None and selected == before.filters.authority,
                     same_metric=before is not None and metric == before.effective_view("metric"))


@callback(
    Output(RANKED_ROWS, "data"),
    Output(CAPTION_ID, "children"),
    STATE_CHANGED,
    prevent_initial_call=True,
)
def update_side(change: Any) -> tuple[Any, Any]:
    """Small updates: the ranked list's rows and the headline's values as one compact payload
    (drawn in the browser, in place) and the caption sentence; about 2.5 KB in all."""
    state = new_state(change)
    dataset = context.dataset()
    metrics, metric, selected = _map_inputs(state)
    chosen = _chosen_name(dataset, metric, state.filters)
    return (side_payload(state, metrics, metric, selected),
            map_caption(metrics, state.view_value("metric"), chosen=chosen, selected=selected))


def side_payload(state: AppState, metrics: Any, metric: str, selected: tuple[str, ...]) -> dict[str, Any]:
    """What assets/ranked_list.js draws beside the map: the ranked rows and the headline values."""
    return {**ranked_rows(metrics, metric, selected, state.to_query_string()),
            "headline": headline_values(headline_for(state.filters, context.today()),
                                        group_split_for(state.filters))}


clientside_callback(
    ClientsideFunction("techmap_ranked", "draw"),
    Output(RANKED_DRAWN, "data"),
    Input(RANKED_ROWS, "data"),
    State(RANKED_NAMES, "data"),
    State(RANKED_ID, "id"),
    State(ids.pick("authority"), "id"),
    State(ids.HEADLINE_FIGURES, "id"),
)
