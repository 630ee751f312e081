"""Suppliers page (/suppliers): a treemap service area > supplier > system, the concentration of
supply (top-N share, HHI per service area) and the ranked suppliers.

Cross-filtering: the supplier selection is highlighted here (outlined tiles, selected rows) and
filters every other page; every other filter narrows what this page counts.

Cost: what the page counts depends on the filters except the supplier selection, and on the size
measure (COUNTED_BY). That part is computed once per such state and kept by the service layer's
cache; the page's callback takes ids.STATE_CHANGE as Input (shell/state_change.py) and knows what
changed, so a treemap click (which only changes the selection) costs a highlight patch and a few rows.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any, NamedTuple

import dash
import pandas as pd
from dash import Input, Output, callback, clientside_callback, dcc, html
from dash.exceptions import PreventUpdate

import ids
from components.concentration_panel import (
    concentration_panel,
    ranked_patch,
    ranked_slugs,
    ranked_suppliers,
    selection_summary,
    top_n_sentence,
)
from components.controls import view_radio
from components.downloads import contract_download_items
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
from pages.suppliers_makers import makers_section
from shell import nothing_matches
from shell.state_change import STATE_CHANGED, state_change
from techmap.appstate import VIEW_PARAMS, AppState
from techmap.analysis.concentration import concentration_by, hierarchy, supplier_shares
from techmap.dataformat.dataset import Dataset
from techmap.exports.export import XLSX_MAX_ROWS  # the Excel route's limit: say so rather than link to a refusal
from techmap.analysis.filters import PARAMS, FilterState
from techmap.analysis.queries import apply_filter
from techmap.service import context, views

dash.register_page(__name__, path="/suppliers", title="Suppliers to London's councils – London Tech Map",
                   name="Suppliers", order=1)

SUMMARY_ID = "suppliers-summary"
SELECTION_ID = "suppliers-selection"
CAPTION_ID = "suppliers-treemap-caption"
TABLE_ID = "suppliers-treemap-table"
CONCENTRATION_ID = "suppliers-concentration"
RANKED_ID = "suppliers-ranked"
TREEMAP_WRAP = "suppliers-treemap-wrap"
DOWNLOADS_ID = "suppliers-downloads"
NO_ZOOM = "suppliers-no-zoom"

SIZE_OPTIONS = [{"label": "Number of contracts", "value": "count"},
                {"label": "Annual value", "value": "value"}]


class Counted(NamedTuple):
    """What the page counts for one state of COUNTED_BY (read-only once made; shared between requests)."""

    hierarchy: pd.DataFrame
    nodes: Nodes
    shares: pd.DataFrame
    value_known: float  # share of the counted contracts with an annual value


class View(NamedTuple):  # not a dataclass: Dash imports page modules outside sys.modules
    """Everything the page shows for one app state."""

    state: AppState
    size: str
    top: int
    counted: Counted
    conc: pd.DataFrame  # concentration per service area, with the share of the `top` largest
    selected: tuple[str, ...]
    selected_names: tuple[str, ...]
    filtered: bool
    query: str


def _rows(data: Dataset, query: str) -> pd.DataFrame:
    # The selection is highlighted, not filtered: shares and tiles count every supplier.
    return apply_filter(data.contracts, FilterState.from_query_string(query))


def count(data: Dataset, query: str, size: str, rows: Any = None) -> Counted:
    """What the page counts for the filters in `query` (without the supplier selection). `rows`,
    when given, returns those filtered rows (shared with concentration(), so one filtering serves
    both on a miss)."""
    rows_of = rows or (lambda: _rows(data, query))

    def make() -> Counted:
        rows = rows_of()
        h = hierarchy(rows, size_by=size, supplier_names=data.supplier_names, system_names=data.system_names)
        shares = supplier_shares(rows, weight=size, supplier_names=data.supplier_names)
        known = float(rows["annual_value_gbp"].notna().mean()) if len(rows) else 1.0
        return Counted(h, treemap_nodes(h, size), shares, known)
    return views.cached("suppliers.count", (query, size), make)


def concentration(data: Dataset, query: str, size: str, top: int, rows: Any = None) -> pd.DataFrame:
    """Concentration per service area for the filters in `query`, with the share of the `top`
    largest suppliers of each (the "Count the largest" picker). `rows` as in count()."""
    rows_of = rows or (lambda: _rows(data, query))
    return views.cached("suppliers.concentration", (query, size, top), lambda: concentration_by(
        rows_of(), "service_area", n=top, weight=size, supplier_names=data.supplier_names), shared=True)


def build_view(state: AppState) -> View:
    data = context.dataset()
    f = state.filters
    size = state.view_value("size")
    top = int(state.view_value("top"))
    query = f.without("supplier").to_query_string()
    filtered: list[pd.DataFrame] = []

    def rows() -> pd.DataFrame:  # filtered at most once, and only on a cache miss
        if not filtered:
            filtered.append(_rows(data, query))
        return filtered[0]

    return View(
        state=state, size=size, top=top, counted=count(data, query, size, rows),
        conc=concentration(data, query, size, top, rows), selected=f.supplier,
        selected_names=tuple(data.supplier_names.get(s, s) for s in f.supplier),
        filtered=not f.without("supplier").is_empty, query=state.to_query_string(),
    )


def _summary(v: View) -> list[Any]:
    c = v.counted
    children: list[Any] = [html.P(top_n_sentence(c.shares, v.top, v.size, filtered=v.filtered),
                                  className="summary-sentence")]
    if v.size == "value" and len(c.hierarchy) and c.value_known < 0.995:
        children.append(html.P(f"Annual value is recorded for {c.value_known:.0%} of these contracts; "
                               "the rest count as nothing when sizing by value.", className="small muted"))
    return children


def downloads(v: View) -> list[Any]:
    """CSV and Excel of the contracts the page counts (every filter but the supplier selection,
    which is highlighted, not filtered, here) and, with suppliers selected, of theirs alone."""
    shares = v.counted.shares
    f = v.state.filters
    total = int(shares["contracts"].sum()) if len(shares) else 0
    children: list[Any] = [html.Ul(contract_download_items(f.without("supplier"), total,
                                                           xlsx_max_rows=XLSX_MAX_ROWS), className="download-list")]
    if v.selected:
        mine = int(shares.loc[shares["supplier_slug"].isin(v.selected), "contracts"].sum()) if len(shares) else 0
        subject = "the selected supplier's" if len(v.selected) == 1 else "the selected suppliers'"
        children += [html.P("Only the outlined suppliers:", className="mb-1"),
                     html.Ul(contract_download_items(f, mine, xlsx_max_rows=XLSX_MAX_ROWS, subject=subject),
                             className="download-list")]
    children.append(html.P(["The files use the data dictionary's column names, so they can be checked with ",
                            html.Code("python -m techmap validate"), " or imported again. Cells that a "
                            "spreadsheet would run as a formula are stored as text."], className="small muted"))
    return children


def layout(**query: Any) -> html.Div:
    v = build_view(AppState.from_page_query(query))
    c = v.counted
    names = context.dataset().supplier_names
    graph = dcc.Graph(id=ids.TREEMAP, figure=treemap_figure(c.nodes, v.selected), config=GRAPH_CONFIG,
                      className="treemap-graph")
    top_options = [{"label": f"{n} suppliers", "value": n} for n in VIEW_PARAMS["top"][1]]
    return html.Div(
        [
            html.H1("Who supplies London's councils"),
            nothing_matches.slot(AppState.from_page_query(query), "/suppliers"),
            html.P("Each box is a supplier within a service area, and the tiles inside it are its systems. "
                   "Select a supplier (or one of its systems) on the treemap, or in the ranked table, to "
                   "filter the map and every other page to it; it stays outlined here.", className="lead"),
            html.Div([view_radio("size", SIZE_OPTIONS, v.size, "Size tiles and shares by"),
                      view_radio("top", top_options, str(v.top), "Count the largest")], className="view-pickers"),
            html.Div(_summary(v), id=SUMMARY_ID, className="suppliers-summary"),
            html.Div(selection_summary(c.shares, v.selected, names, v.size, v.query), id=SELECTION_ID,
                     className="suppliers-selection"),
            html.Section(
                [
                    html.H2("Suppliers by service area", className="h4"),
                    group_legend(),
                    html.Div(
                        chart_figure(graph, CAPTION_ID, treemap_caption(c.shares, v.size, v.selected_names),
                                     html.Div(treemap_table(c.hierarchy, v.size), id=TABLE_ID),
                                     table_summary="Show the treemap as a table"),
                        id=TREEMAP_WRAP,
                    ),
                ],
                className="treemap-section",
            ),
            html.Div(
                [
                    html.Section([
                        html.H2("How concentrated is supply?", className="h4"),
                        html.Div(concentration_panel(v.conc, v.size, v.top, v.state.filters.area),
                                 id=CONCENTRATION_ID),
                    ], className="conc-section"),
                    html.Section([
                        html.H2("Suppliers ranked", className="h4"),
                        html.P("Follow a supplier's name for its profile: boroughs served, systems and "
                               "contracts ending soon.", className="small"),
                        html.Div(ranked_suppliers(c.shares, v.size, v.selected, v.query), id=RANKED_ID,
                                 className="table-responsive", tabIndex="0", role="region",
                                 **{"aria-label": "Suppliers ranked"}),
                    ], className="ranked-section"),
                ],
                className="suppliers-grid",
            ),
            makers_section(v.state),
            html.Section([
                html.H2("Download", className="h4"),
                html.Div(downloads(v), id=DOWNLOADS_ID),
            ], className="downloads-section"),
            dcc.Store(id=NO_ZOOM),
        ],
        className="suppliers-page",
    )


COUNTED_BY = (*(p for p in PARAMS if p != "supplier"), "size")  # what the counts depend on
EVERY_PART = (*PARAMS, *VIEW_PARAMS)  # the links carry the whole state


def page_response(data: Any, changed: Collection[str] = EVERY_PART, was: Sequence[str] = ()) -> tuple[Any, ...]:
    """Redraw for a new app state; `changed`: the parts of the state that changed, `was`: the supplier
    selection before. When only the selection changed (a treemap click, a Select button), the
    treemap gets a highlight patch and the ranked table a row patch; the treemap's table and the
    concentration panel, which do not depend on the selection, stay."""
    v = build_view(AppState.from_dict(data))
    c = v.counted
    names = context.dataset().supplier_names
    same = not set(changed) & set(COUNTED_BY)
    shown = ranked_slugs(c.shares, v.selected)
    if same and ranked_slugs(c.shares, list(was)) == shown:
        ranked: Any = ranked_patch(shown, names, list(was), v.selected, v.query)
    else:
        ranked = ranked_suppliers(c.shares, v.size, v.selected, v.query)
    return (
        treemap_patch(c.nodes, v.selected, data_changed=not same),
        _summary(v),
        selection_summary(c.shares, v.selected, names, v.size, v.query),
        treemap_caption(c.shares, v.size, v.selected_names),
        dash.no_update if same else treemap_table(c.hierarchy, v.size),
        dash.no_update if same and "top" not in changed else concentration_panel(v.conc, v.size, v.top,
                                                                                 v.state.filters.area),
        ranked,
        downloads(v),
    )


@callback(
    Output(ids.TREEMAP, "figure"),
    Output(SUMMARY_ID, "children"),
    Output(SELECTION_ID, "children"),
    Output(CAPTION_ID, "children"),
    Output(TABLE_ID, "children"),
    Output(CONCENTRATION_ID, "children"),
    Output(RANKED_ID, "children"),
    Output(DOWNLOADS_ID, "children"),
    STATE_CHANGED,
    prevent_initial_call=True,
)
def update_page(change: Any) -> tuple[Any, ...]:
    """In the same round trip as the change (shell/state_change.py); knows what changed."""
    found = state_change(change)
    if found is None:
        raise PreventUpdate
    return page_response(found.after.to_dict(), found.changed(), found.before.filters.supplier)


# plotly zooms a treemap into the clicked tile, and emits no plotly_click at all when a
# plotly_treemapclick handler returns false. So this handler returns false (no zoom: the view
# stays at the root) and passes the clicked node to the graph's clickData itself, which the
# shell's reducer turns into a supplier toggle.
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
