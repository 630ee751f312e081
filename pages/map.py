"""Map page (/): the 33 boroughs coloured by a chosen metric, with headline figures and a ranked
list. The map highlights the selected boroughs; every other figure filters to them."""

from __future__ import annotations

from typing import Any

import dash
from dash import Input, Output, callback, dcc, html

import ids
from components.controls import view_radio
from components.coverage import coverage_figure
from components.figure_frame import GRAPH_CONFIG, chart_figure
from components.map_figure import map_figure, map_patch
from components.map_panel import headline_cards, map_caption, ranked_table
from shell import nothing_matches
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
                            html.Div(ranked_table(metrics, metric, selected, q), id=RANKED_ID,
                                     className="ranked-scroll", tabIndex="0",
                                     role="region", **{"aria-label": "Boroughs ranked"}),
                        ],
                        className="side-col",
                    ),
                ],
                className="map-layout",
            ),
        ]
    )


@callback(
    Output(ids.MAP_GRAPH, "figure"),
    Input(ids.APP_STATE, "data"),
    prevent_initial_call=True,
)
def update_map(data: Any) -> Any:
    """Patch the map: z, hover, outlines and legend title only (never the boundaries)."""
    metrics, metric, selected = _map_inputs(AppState.from_dict(data))
    return map_patch(metrics, metric, selected)


@callback(
    Output(HEADLINE_ID, "children"),
    Output(RANKED_ID, "children"),
    Output(CAPTION_ID, "children"),
    Input(ids.APP_STATE, "data"),
    prevent_initial_call=True,
)
def update_side(data: Any) -> tuple[Any, Any, Any]:
    state = AppState.from_dict(data)
    dataset = context.dataset()
    metrics, metric, selected = _map_inputs(state)
    chosen = _chosen_name(dataset, metric, state.filters)
    return (
        headline_cards(headline_for(state.filters, context.today()), group_split_for(state.filters)),
        ranked_table(metrics, metric, selected, state.to_query_string()),
        map_caption(metrics, state.view_value("metric"), chosen=chosen, selected=selected),
    )
