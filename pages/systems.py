"""Systems by borough (/systems): a borough x service-area grid naming the system each borough runs
in each area, coloured by supplier or by how soon its contract ends.

Cross-filtering: choosing a cell filters every page to that borough and area (a column header, to
the area) through the shell's reducer; here the selection is highlighted. The other filters fade
the cells that hold no contract under them. The grid itself is computed once per dataset version
and role (techmap.service.systems_views); a filter change sends a small patch of row attributes
(components.systems_grid.rows_patch), a new sort the rows, a new colouring one class.
"""

from __future__ import annotations

import json
from collections.abc import Collection
from typing import Any

import dash
from dash import Input, Output, callback, ctx, dcc, html

import ids
from components.controls import view_radio
from components.state_stores import inputs, state_stores
from components.systems_grid import (
    CAPTION_ID,
    TABLE_ID,
    TBODY_ID,
    caption,
    legend,
    summary,
    rows_patch,
    systems_table,
    table_rows,
)
from techmap.analysis.systems_grid import AREAS, row_order
from techmap.analysis.filters import FilterState
from techmap.appstate import AppState
from techmap.service import context
from techmap.service.systems_views import grid, in_view

dash.register_page(__name__, path="/systems", title="Systems by borough and service area – London Tech Map",
                   name="Systems", order=1,
                   description="Which system each London borough runs in each service area, with its "
                               "supplier and when its contract ends.")

LEGEND_ID = "systems-legend"
SUMMARY_ID = "systems-summary"
SORT_LABEL = "Sort boroughs by"
STORES = ("filters", "grid_sort", "grid_colour")
COLOUR_OPTIONS = [{"label": "Supplier", "value": "supplier"}, {"label": "When the contract ends", "value": "ends"}]
SORT_OPTIONS = [{"label": "Borough name", "value": "borough"},
                {"label": "Number of suppliers", "value": "suppliers"},
                *({"label": f"System in {a.name}", "value": a.slug} for a in AREAS)]


def layout(**query: Any) -> html.Div:
    state = AppState.from_page_query(query)
    g, f = grid(), state.filters
    sort, colour = state.view_value("grid_sort"), state.view_value("grid_colour")
    cells = in_view(f)
    sort_id = ids.view("grid_sort")
    sort_dom_id = json.dumps(sort_id, sort_keys=True, separators=(",", ":"))  # how Dash writes a dict id
    return html.Div(
        [
            html.H1("Systems by borough"),
            html.P("Which system each borough runs in each service area. Choose a cell to filter every "
                   "page to that borough and service area, or a column heading to filter to the area; "
                   "hover over or focus a cell to see all its systems and their suppliers.", className="lead"),
            html.Div([
                html.Div([html.Label(SORT_LABEL, htmlFor=sort_dom_id, className="form-label", id="grid-sort-label"),
                          dcc.Dropdown(id=sort_id, options=SORT_OPTIONS, value=sort, clearable=False,
                                       searchable=True, className="sort-dropdown")],
                         className="view-picker systems-sort"),
                view_radio("grid_colour", COLOUR_OPTIONS, colour, "Colour cells by"),
            ], className="view-pickers"),
            html.Div(legend(g, colour, context.today()), id=LEGEND_ID),
            html.P(summary(g, cells), id=SUMMARY_ID, className="small"),
            systems_table(g, row_order(g, sort), cells, sort, colour, f.authority, f.area),
            dcc.Store(id=ids.SYSTEMS_GRID),
            *state_stores(state, *STORES),
        ],
        className="systems-page",
    )


def page_response(data: Any, changed: Collection[str] = STORES) -> tuple[Any, ...]:
    """Redraw for a new app state; `changed`: the state stores that changed. A new sort sends the
    rows; anything else a patch of each row's attributes (faded cells, selected borough)."""
    state = AppState.from_dict(data)
    g, f = grid(), state.filters
    sort, colour = state.view_value("grid_sort"), state.view_value("grid_colour")
    cells = in_view(f)
    order = row_order(g, sort)
    rows = table_rows(g, order, cells, f.authority) if "grid_sort" in changed else rows_patch(g, order, cells, f.authority)
    recolour = "grid_colour" in changed
    return (
        rows,
        caption(sort),
        summary(g, cells),
        f"systems-grid colour-{colour}" if recolour else dash.no_update,
        " ".join(str(i) for i, a in enumerate(AREAS) if a.slug in f.area),
        legend(g, colour, context.today()) if recolour else dash.no_update,
    )


@callback(
    Output(TBODY_ID, "children"),
    Output(CAPTION_ID, "children"),
    Output(SUMMARY_ID, "children"),
    Output(TABLE_ID, "className"),
    Output(TABLE_ID, "data-cols"),
    Output(LEGEND_ID, "children"),
    *inputs(*STORES),
    prevent_initial_call=True,
)
def update_grid(filters: Any, sort: Any, colour: Any) -> tuple[Any, ...]:
    """Only the state stores that changed fire this (components.state_stores); the app state is
    rebuilt from the stores' values (the "filters" store holds them as a query string)."""
    changed = {i.get("name") for i in ctx.triggered_prop_ids.values() if isinstance(i, dict)}
    state = {"filters": FilterState.from_query_string(filters).to_dict(),
             "view": {"grid_sort": sort, "grid_colour": colour}}
    return page_response(state, changed or set(STORES))
