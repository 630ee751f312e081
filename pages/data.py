"""Data page (/data): the contracts behind the current filters in a grid, their downloads, and how
far to trust them (quality flags, per-borough coverage, sources).

The grid uses AG Grid's infinite row model: the browser asks for one page of rows at a time
(getRowsRequest) and serve_rows answers from components.data_grid. The shared filter bar is the
grid's only filter (so the downloads, which take the same filters, hold the same rows); the view
setting `flag` narrows the grid to one quality flag. A filter change purges the grid's cache in the
browser, which then asks again for its first page.
"""

from __future__ import annotations

from typing import Any
from uuid import uuid4

import dash
import numpy as np
from dash import ALL, MATCH, Input, Output, State, callback, clientside_callback, dcc, html, no_update

import ids
from components.about_content import SCROLL_TO_HASH
from components.data_grid import (
    BLOCK_ROWS,
    column_guide,
    data_grid,
    grid_block,
    grid_height,
    grid_id,
    row_flags,
)
from components.quality_panel import flag_link_href, quality_panel
from techmap import context
from techmap.appstate import AppState
from techmap.quality import FLAG_LABELS, FLAGS
from techmap.queries import apply_filter

try:  # the Excel download refuses larger views; say so instead of linking to an error
    from web.downloads import XLSX_MAX_ROWS
except ImportError:  # pragma: no cover - the downloads module is optional for the page
    XLSX_MAX_ROWS = 20_000

dash.register_page(__name__, path="/data", title="Contract data – London Tech Map", name="Data", order=4)

COUNT = "data-count"
DOWNLOADS = "data-downloads"
QUALITY = "data-quality"
GRID_KEY = "data-grid-key"  # what the grid's rows depend on; a change purges the grid's cache
PAGE_KEY = "data-page-key"  # the whole state the page's links carry
GRID_REFRESHED = "data-grid-refreshed"
TABLE_HEADING = "data-table-heading"
GRID_WRAP = "data-grid-wrap"
RENDERED = "data-rendered"
SCROLLED = "data-scrolled"


def grid_key(state: AppState) -> str:
    return f"{state.filters.to_query_string()}|{state.view_value('flag')}"


def _noun(n: int) -> str:
    return "contract" if n == 1 else "contracts"


def view_summary(state: AppState, total: int, shown: int) -> list[Any]:
    """What the grid holds, in words: '1,234 contracts match the filters.' or, with a flag, how
    many of them carry it and a way back to all of them."""
    flag = state.view_value("flag")
    if flag in FLAGS:
        return [
            html.Strong(f"Showing {shown:,} of the {total:,} {_noun(total)} behind the filters: "
                        f"only those flagged “{FLAG_LABELS[flag]}”. "),
            dcc.Link("Show all contracts", href=flag_link_href(state, "all")),
        ]
    if not total:
        return [html.Strong("No contracts match the filters. "),
                "Remove a filter above (or use “Clear all filters”) to see more."]
    return [html.Strong(f"{total:,} {_noun(total)} match the filters.")]


def downloads(state: AppState, total: int) -> list[Any]:
    """The same CSV and Excel downloads as the renewals page, for the same filters."""
    q = state.to_query_string()
    excel: Any
    if total > XLSX_MAX_ROWS:
        excel = html.Li(f"Excel: up to {XLSX_MAX_ROWS:,} contracts; these filters give {total:,}. "
                        "Narrow the filters, or use the CSV, which has no limit.", className="muted")
    else:
        excel = html.Li(html.A(f"Download the {total:,} {_noun(total)} as Excel (.xlsx)",
                               href=f"/download/contracts.xlsx{q}"))
    items: list[Any] = [
        html.Li(html.A(f"Download the {total:,} {_noun(total)} as CSV", href=f"/download/contracts.csv{q}")),
        excel,
    ]
    notes: list[Any] = [
        "The files hold the contracts in the table, in the table's original order, with the data "
        "dictionary's column names, so they can be checked with ", html.Code("python -m techmap validate"),
        " or imported again. Cells that a spreadsheet would run as a formula are stored as text."]
    if state.view_value("flag") in FLAGS:
        notes.append(" Like the table, they hold only the flagged contracts.")
    return [html.Ul(items, className="data-download-list"), html.P(notes, className="small muted")]


def _view(state: AppState) -> tuple[Any, np.ndarray, int]:
    """The filtered rows, their positions in the loaded table and how many the grid shows."""
    data = context.dataset()
    rows = apply_filter(data.contracts, state.filters)
    positions = data.contracts.index.get_indexer(rows.index)
    flag = state.view_value("flag")
    shown = int(row_flags(data, context.today())[positions, FLAGS.index(flag)].sum()) if flag in FLAGS else len(rows)
    return rows, positions, shown


def _parts(state: AppState) -> dict[str, Any]:
    """Everything the page shows that depends on the state, except the grid's rows."""
    data = context.dataset()
    rows, positions, shown = _view(state)
    total = len(rows)
    return {
        "summary": view_summary(state, total, shown),
        "downloads": downloads(state, shown),
        "quality": quality_panel(data, rows, positions, state, today=context.today(),
                                 public=context.settings().public),
        "height": grid_height(shown),
    }


def layout(**query: Any) -> html.Div:
    state = AppState.from_page_query(query)
    public = context.settings().public
    parts = _parts(state)
    guide = html.Dl([item for header, help_text in column_guide(public=public)
                     for item in (html.Dt(header), html.Dd(help_text))], className="column-guide")
    return html.Div(
        [
            html.H1("Contract data"),
            html.P("Every contract behind the filters, where each row comes from, and how complete "
                   "the data is.", className="lead"),
            html.Nav(html.Ul([html.Li(html.A(label, href=f"#{anchor}")) for anchor, label in
                              (("table", "Table"), ("download", "Download"), ("quality", "Data quality"))],
                             className="data-toc"), **{"aria-label": "On this page"}),
            html.Section(
                [
                    html.H2("Contracts", id=TABLE_HEADING, className="h4"),
                    html.P(parts["summary"], id=COUNT, className="data-count"),
                    html.P([
                        f"{BLOCK_ROWS} rows a page. Select a column header to sort (again to reverse; "
                        "Shift adds a second column). To narrow or search the table, use the filters "
                        "at the top of the page (behind the Filters button on a phone): the ", html.A("Search box", href=f"#{ids.FILTER_CONTROLS['q']}"),
                        " looks in contract IDs, systems, suppliers, manufacturers, boroughs and "
                        "service areas. Borough and supplier names link to their profiles.",
                    ], className="small data-hint"),
                    html.Div(data_grid(public=public, instance=uuid4().hex[:12]), id=GRID_WRAP,
                             className="data-grid-wrap", style={"height": parts["height"]}, role="region",
                             **{"aria-labelledby": TABLE_HEADING}),
                    html.Details([html.Summary("What each column means"), guide], className="data-guide"),
                ],
                id="table",
                className="data-section",
            ),
            html.Section(
                [html.H2("Download", className="h4"), html.Div(parts["downloads"], id=DOWNLOADS)],
                id="download",
                className="data-section",
            ),
            html.Section(
                [html.H2("Data quality", className="h4"), html.Div(parts["quality"], id=QUALITY)],
                id="quality",
                className="data-section",
            ),
            dcc.Store(id=GRID_KEY, data=grid_key(state)),
            dcc.Store(id=PAGE_KEY, data=state.to_query_string()),
            dcc.Store(id=GRID_REFRESHED),
            dcc.Store(id=RENDERED, data=True),
            dcc.Store(id=SCROLLED),
        ]
    )


@callback(
    Output(grid_id(MATCH), "getRowsResponse"),
    Input(grid_id(MATCH), "getRowsRequest"),
    State(ids.URL, "search"),
    prevent_initial_call=True,
)
def serve_rows(request: Any, search: Any) -> Any:
    """One page of rows. The state comes from the URL: it is current from the first paint on,
    whereas the store is written by a callback that may not have run yet."""
    if not isinstance(request, dict):
        return no_update
    state = AppState.from_query_string(search if isinstance(search, str) else "")
    return grid_block(context.dataset(), state.filters, state.view_value("flag"), request,
                      today=context.today(), public=context.settings().public)


@callback(
    Output(COUNT, "children"),
    Output(DOWNLOADS, "children"),
    Output(QUALITY, "children"),
    Output(GRID_WRAP, "style"),
    Output(GRID_KEY, "data"),
    Output(PAGE_KEY, "data"),
    Input(ids.APP_STATE, "data"),
    State(GRID_KEY, "data"),
    State(PAGE_KEY, "data"),
    prevent_initial_call=True,
)
def update_view(data: Any, shown_grid: Any = None, shown_page: Any = None) -> tuple[Any, ...]:
    """Counts, downloads and the quality panel; a new grid key when the grid's rows change."""
    state = AppState.from_dict(data)
    page = state.to_query_string()
    if page == shown_page:
        return (no_update,) * 6
    parts = _parts(state)
    key = grid_key(state)
    return (parts["summary"], parts["downloads"], parts["quality"], {"height": parts["height"]},
            key if key != shown_grid else no_update, page)


# A new grid key: back to the first page and ask the server again (it reads the new filters).
clientside_callback(
    """
    function(key, gridIds) {
        const grids = window.dash_ag_grid;
        if (!key || !grids || !grids.getApi) { return window.dash_clientside.no_update; }
        (gridIds || []).forEach(function (id) {
            let api = null;
            try { api = grids.getApi(id); } catch (e) { return; }  // not drawn yet: it will ask
            if (api && !api.isDestroyed()) {
                api.paginationGoToFirstPage();
                api.purgeInfiniteCache();
            }
        });
        return key;
    }
    """,
    Output(GRID_REFRESHED, "data"),
    Input(GRID_KEY, "data"),
    State(grid_id(ALL), "id"),
    prevent_initial_call=True,
)

# Links such as /about's "/data#quality" render the page after the browser looked for the fragment.
clientside_callback(SCROLL_TO_HASH, Output(SCROLLED, "data"), Input(RENDERED, "data"))
