"""Suppliers page (/suppliers): a treemap service area > supplier > system, the concentration of
supply (top-N share, HHI per service area) and the ranked suppliers.

Cross-filtering: the supplier selection is highlighted here (outlined tiles, selected rows) and
filters every other page; every other filter narrows what this page counts.
"""

from __future__ import annotations

import hashlib
from typing import Any, NamedTuple

import dash
import pandas as pd
from dash import Input, Output, State, callback, clientside_callback, dcc, html

import ids
from components.concentration_panel import (
    AREA_TOP_N,
    concentration_panel,
    ranked_suppliers,
    selection_summary,
    top_n_sentence,
)
from components.figure_frame import GRAPH_CONFIG, chart_figure
from components.treemap import (
    Nodes,
    group_legend,
    treemap_caption,
    treemap_figure,
    treemap_nodes,
    treemap_patch,
    treemap_table,
)
from techmap import context
from techmap.appstate import VIEW_PARAMS, AppState
from techmap.concentration import concentration_by, hierarchy, supplier_shares
from techmap.queries import apply_filter

dash.register_page(__name__, path="/suppliers", title="Suppliers to London's councils – London Tech Map",
                   name="Suppliers", order=1)

SUMMARY_ID = "suppliers-summary"
SELECTION_ID = "suppliers-selection"
CAPTION_ID = "suppliers-treemap-caption"
TABLE_ID = "suppliers-treemap-table"
CONCENTRATION_ID = "suppliers-concentration"
RANKED_ID = "suppliers-ranked"
DRAWN_KEY = "suppliers-drawn-key"  # fingerprint of the nodes on screen (not the filters themselves)
TREEMAP_WRAP = "suppliers-treemap-wrap"
NO_ZOOM = "suppliers-no-zoom"

SIZE_OPTIONS = [{"label": "Number of contracts", "value": "count"},
                {"label": "Annual value", "value": "value"}]


class View(NamedTuple):  # not a dataclass: Dash imports page modules outside sys.modules
    """Everything the page shows for one app state."""

    state: AppState
    size: str
    top: int
    nodes: Nodes
    hierarchy: pd.DataFrame
    shares: pd.DataFrame
    conc: pd.DataFrame
    selected: tuple[str, ...]
    selected_names: tuple[str, ...]
    filtered: bool
    value_known: float  # share of the counted contracts with an annual value
    query: str
    key: str


def drawn_key(state: AppState) -> str:
    """What the treemap's nodes depend on: every filter but the supplier selection, and the size."""
    basis = state.filters.without("supplier").to_query_string() + "|" + state.view_value("size")
    return hashlib.sha1(basis.encode()).hexdigest()[:16]


def build_view(state: AppState) -> View:
    data = context.dataset()
    f = state.filters
    size = state.view_value("size")
    top = int(state.view_value("top"))
    # The selection is highlighted, not filtered: shares and tiles count every supplier.
    rows = apply_filter(data.contracts, f, ignore=("supplier",))
    h = hierarchy(rows, size_by=size, supplier_names=data.supplier_names, system_names=data.system_names)
    shares = supplier_shares(rows, weight=size, supplier_names=data.supplier_names)
    conc = concentration_by(rows, "service_area", n=AREA_TOP_N, weight=size,
                            supplier_names=data.supplier_names)
    return View(
        state=state, size=size, top=top, nodes=treemap_nodes(h, size), hierarchy=h, shares=shares,
        conc=conc, selected=f.supplier,
        selected_names=tuple(data.supplier_names.get(s, s) for s in f.supplier),
        filtered=not f.without("supplier").is_empty,
        value_known=float(rows["annual_value_gbp"].notna().mean()) if len(rows) else 1.0,
        query=state.to_query_string(), key=drawn_key(state),
    )


def _summary(v: View) -> list[Any]:
    children: list[Any] = [html.P(top_n_sentence(v.shares, v.top, v.size, filtered=v.filtered),
                                  className="summary-sentence")]
    if v.size == "value" and len(v.hierarchy) and v.value_known < 0.995:
        children.append(html.P(f"Annual value is recorded for {v.value_known:.0%} of these contracts; "
                               "the rest count as nothing when sizing by value.", className="small muted"))
    return children


def _options(name: str, labels: dict[str, str] | None = None) -> list[dict[str, str]]:
    return [{"label": (labels or {}).get(v, v), "value": v} for v in VIEW_PARAMS[name][1]]


def layout(**query: Any) -> html.Div:
    v = build_view(AppState.from_page_query(query))
    graph = dcc.Graph(id=ids.TREEMAP, figure=treemap_figure(v.nodes, v.size, v.selected),
                      config=GRAPH_CONFIG, className="treemap-graph")
    return html.Div(
        [
            html.H1("Who supplies London's councils"),
            html.P("Each tile is a supplier within a service area. Select a supplier on the treemap or "
                   "in the ranked table to filter the map and every other page to it; it stays outlined "
                   "here.", className="lead"),
            html.Div(
                [
                    html.Fieldset([
                        html.Legend("Size tiles and shares by", className="form-label"),
                        dcc.RadioItems(id=ids.view("size"), options=SIZE_OPTIONS, value=v.size, inline=True,
                                       className="option-group", inputClassName="form-check-input",
                                       labelClassName="form-check-label"),
                    ], className="view-picker"),
                    html.Fieldset([
                        html.Legend("Count the largest", className="form-label"),
                        dcc.RadioItems(id=ids.view("top"),
                                       options=_options("top", {n: f"{n} suppliers" for n in VIEW_PARAMS["top"][1]}),
                                       value=str(v.top), inline=True, className="option-group",
                                       inputClassName="form-check-input", labelClassName="form-check-label"),
                    ], className="view-picker"),
                ],
                className="view-pickers",
            ),
            html.Div(_summary(v), id=SUMMARY_ID, className="suppliers-summary", **{"aria-live": "polite"}),
            html.Div(selection_summary(v.shares, v.selected, context.dataset().supplier_names, v.size, v.query),
                     id=SELECTION_ID, className="suppliers-selection"),
            html.Section(
                [
                    html.H2("Suppliers by service area", className="h4"),
                    group_legend(),
                    html.Div(
                        chart_figure(
                            graph, CAPTION_ID, treemap_caption(v.shares, v.size, v.selected_names),
                            html.Div(treemap_table(v.hierarchy, v.size, v.query), id=TABLE_ID),
                            table_summary="Show the treemap as a table",
                        ),
                        id=TREEMAP_WRAP,
                    ),
                ],
                className="treemap-section",
            ),
            html.Div(
                [
                    html.Section([
                        html.H2("How concentrated is supply?", className="h4"),
                        html.Div(concentration_panel(v.conc, v.size, v.state.filters.area), id=CONCENTRATION_ID),
                    ], className="conc-section"),
                    html.Section([
                        html.H2("Suppliers ranked", className="h4"),
                        html.P("Follow a supplier's name for its profile: boroughs served, systems and "
                               "contracts ending soon.", className="small"),
                        html.Div(ranked_suppliers(v.shares, v.size, v.selected, v.query), id=RANKED_ID,
                                 className="table-responsive"),
                    ], className="ranked-section"),
                ],
                className="suppliers-grid",
            ),
            dcc.Store(id=DRAWN_KEY, data=v.key),
            dcc.Store(id=NO_ZOOM),
        ]
    )


@callback(
    Output(ids.TREEMAP, "figure"),
    Output(DRAWN_KEY, "data"),
    Output(SUMMARY_ID, "children"),
    Output(SELECTION_ID, "children"),
    Output(CAPTION_ID, "children"),
    Output(TABLE_ID, "children"),
    Output(CONCENTRATION_ID, "children"),
    Output(RANKED_ID, "children"),
    Input(ids.APP_STATE, "data"),
    State(DRAWN_KEY, "data"),
    prevent_initial_call=True,
)
def update_page(data: Any, drawn: Any) -> tuple[Any, ...]:
    """One pass over the filtered rows for every view on the page; the treemap is patched, and
    only its highlight when just the supplier selection changed."""
    v = build_view(AppState.from_dict(data))
    same_nodes = isinstance(drawn, str) and drawn == v.key
    return (
        treemap_patch(v.nodes, v.size, v.selected, data_changed=not same_nodes),
        dash.no_update if same_nodes else v.key,
        _summary(v),
        selection_summary(v.shares, v.selected, context.dataset().supplier_names, v.size, v.query),
        treemap_caption(v.shares, v.size, v.selected_names),
        treemap_table(v.hierarchy, v.size, v.query),  # its profile links carry the query
        concentration_panel(v.conc, v.size, v.state.filters.area),
        ranked_suppliers(v.shares, v.size, v.selected, v.query),
    )


# plotly zooms a treemap into the clicked tile and then emits no plotly_click when a
# plotly_treemapclick handler returns false. So the handler stops the zoom and passes the clicked
# node to the graph's clickData itself, which the shell's reducer turns into a supplier toggle.
clientside_callback(
    """
    function(figure) {
        const wrap = document.getElementById("%s");
        let tries = 0;
        function attach() {
            const gd = wrap && wrap.querySelector(".js-plotly-plot");
            if (!gd || !gd.on || !gd._ev) {
                if (tries++ < 100) { setTimeout(attach, 100); }
                return;
            }
            const existing = gd._ev.listeners ? gd._ev.listeners("plotly_treemapclick") : [];
            if (existing.some(f => f.techmapNoZoom)) { return; }
            const handler = function(event) {
                const p = event && event.points && event.points[0];
                if (p && typeof p.id === "string" && p.id) {
                    window.dash_clientside.set_props(%s, {clickData: {
                        points: [{id: p.id, label: p.label, curveNumber: p.curveNumber,
                                  pointNumber: p.pointNumber}]}});
                }
                return false;
            };
            handler.techmapNoZoom = true;
            gd.on("plotly_treemapclick", handler);
        }
        attach();
        return window.dash_clientside.no_update;
    }
    """ % (TREEMAP_WRAP, '{"type": "treemap", "page": "suppliers"}'),
    Output(NO_ZOOM, "data"),
    Input(ids.TREEMAP, "figure"),
)
