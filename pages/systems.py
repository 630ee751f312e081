"""Systems by borough (/systems): a borough x service-area grid naming the system each borough runs
in each area, coloured by supplier or by how soon its contract ends.

Cross-filtering: choosing a cell filters every page to that borough and area (a column header, to
the area) through the shell's reducer; here the selection is highlighted. The other filters fade
the cells that hold no contract under them. The grid itself is computed once per dataset version
and role (techmap.service.systems_views). Three callbacks, each on the state store it depends on: a filter
change sets two props of each row (components.systems_grid.row_props), a new sort sends the rows,
a new colouring one class and the legend.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import dash
from dash import ALL, Output, State, callback, ctx, dcc, html

import ids
from components.controls import view_radio
from components.page_header import page_header, page_meta
from components.state_stores import inputs, state_stores
from components.systems_grid import (
    CAPTION_ID,
    TABLE_ID,
    TBODY_ID,
    caption,
    legend,
    row_id,
    row_props,
    selected_columns,
    summary,
    systems_table,
    table_rows,
)
from techmap.analysis.systems_grid import AREAS, row_order
from techmap.analysis.filters import FilterState
from techmap.appstate import AppState
from techmap.service import context
from techmap.service.systems_views import grid, in_view

HEADING = "Systems by borough"
dash.register_page(__name__, path="/systems", name="Systems", order=1, **page_meta(
    "Systems by borough and service area",
    "Which system each London borough runs in each service area, with its supplier and when its "
    "contract ends."))

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
            *page_header(HEADING, "Which system each borough runs in each service area. Choose a cell to "
                         "filter every page to that borough and area, or a column heading to filter to the "
                         "area; hover over or focus a cell to see all its systems and suppliers."),
            # One row above the grid, so the grid's first rows are in the first screen.
            html.Div([
                html.Div([html.Label(SORT_LABEL, htmlFor=sort_dom_id, className="form-label", id="grid-sort-label"),
                          dcc.Dropdown(id=sort_id, options=SORT_OPTIONS, value=sort, clearable=False,
                                       searchable=True, className="sort-dropdown")],
                         className="view-picker systems-sort"),
                view_radio("grid_colour", COLOUR_OPTIONS, colour, "Colour cells by"),
            ], className="view-pickers systems-settings"),
            html.Div(legend(g, colour, context.today()), id=LEGEND_ID),
            html.P(summary(g, cells), id=SUMMARY_ID, className="small"),
            systems_table(g, row_order(g, sort), cells, sort, colour, f.authority, f.area),
            dcc.Store(id=ids.SYSTEMS_GRID),
            *state_stores(state, *STORES),
        ],
        className="systems-page",
    )


def cells_response(state: AppState, codes: Sequence[str]) -> tuple[Any, ...]:
    """A filter change: the rows `codes` get their faded cells and selection (row_props), the table
    its selected columns; the summary its counts. Nothing else is sent."""
    g, f = grid(), state.filters
    cells = in_view(f)
    out, selected = row_props(g, codes, cells, f.authority)
    return out, selected, summary(g, cells), selected_columns(f.area)


def order_response(state: AppState) -> tuple[Any, ...]:
    """A new sort: the rows in their new order (drawn for the current filters) and the caption."""
    g, f = grid(), state.filters
    sort = state.view_value("grid_sort")
    return table_rows(g, row_order(g, sort), in_view(f), f.authority), caption(sort)


def colour_response(state: AppState) -> tuple[Any, ...]:
    """A new colouring: one class on the table, and the legend."""
    colour = state.view_value("grid_colour")
    return f"systems-grid colour-{colour}", legend(grid(), colour, context.today())


def _state(filters: Any, **view: Any) -> AppState:
    """The app state from the stores' values (the "filters" store holds them as a query string)."""
    return AppState.from_pairs(FilterState.from_query_string(filters).to_pairs() + list(view.items()))


@callback(
    Output(row_id(ALL), "data-out"),
    Output(row_id(ALL), "className"),
    Output(SUMMARY_ID, "children"),
    Output(TABLE_ID, "data-cols"),
    *inputs("filters"),
    prevent_initial_call=True,
)
def update_cells(filters: Any) -> tuple[Any, ...]:
    rows = ctx.outputs_list[0] if isinstance(ctx.outputs_list[0], list) else []
    return cells_response(_state(filters), [o["id"].get("code", "") for o in rows])


@callback(
    Output(TBODY_ID, "children"),
    Output(CAPTION_ID, "children"),
    *inputs("grid_sort"),
    State(ids.state_store("filters"), "data"),
    prevent_initial_call=True,
)
def update_order(sort: Any, filters: Any) -> tuple[Any, ...]:
    return order_response(_state(filters, grid_sort=sort))


@callback(
    Output(TABLE_ID, "className"),
    Output(LEGEND_ID, "children"),
    *inputs("grid_colour"),
    prevent_initial_call=True,
)
def update_colour(colour: Any) -> tuple[Any, ...]:
    return colour_response(_state("", grid_colour=colour))
