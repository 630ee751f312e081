"""Data page (/data): the contracts behind the current filters in a grid, their downloads, and how
far to trust them (quality flags, per-borough coverage, sources).

The grid uses AG Grid's infinite row model: the browser asks for one page of rows at a time
(getRowsRequest) and serve_rows answers from components.data_grid. The grid's rows are the shared
filter bar's, narrowed by the view setting `flag` (one quality flag), by the grid's own column
filters (in the request) and by the table's search box. The search box searches this table only,
in every column as shown, because the filter bar's Search already narrows every page by names:
the table's box is the spreadsheet-style "find" the grid lacks. Column filters, search and sort are
the grid's own state (not in the page's URL); the download links carry them (techmap.table.query's
URL form), so a download holds exactly the rows on screen, in their order. A change of the shared
filters or of the search purges the grid's cache in the browser, which then asks again for its
first page; AG Grid does that itself for a column filter or a sort.
"""

from __future__ import annotations

from typing import Any
from uuid import uuid4

from urllib.parse import urlencode

import dash
from dash import ALL, MATCH, Input, Output, State, callback, clientside_callback, ctx, dcc, html, no_update

import ids
from components.about_content import SCROLL_TO_HASH
from components.coverage import UNKNOWN_PAIRS_ID, unknown_pairs_list
from components.data_grid import (
    BLOCK_ROWS,
    column_guide,
    data_grid,
    grid_block,
    grid_height,
    grid_id,
)
from components.quality_panel import flag_link_href, quality_panel
from shell import nothing_matches
from shell.state_change import STATE_CHANGED, latest_state, page_state
from techmap.appstate import AppState, page_query_pairs
from techmap.analysis.coverage import COVERED_AREAS, unknown_areas
from techmap.exports.export import XLSX_MAX_ROWS  # the Excel route's limit: say so rather than link to a refusal
from techmap.analysis.quality import FLAG_LABELS, FLAGS
from techmap.analysis.queries import apply_filter
from techmap.service import context
from techmap.table.query import (
    TableQuery,
    from_params,
    parse_filter_model,
    parse_search,
    parse_sort_model,
    to_params,
)
from techmap.service.views import table_positions
from techmap.table.words import describe_column_filter, describe_sort


dash.register_page(__name__, path="/data", title="Contract data – London Tech Map", name="Data", order=4)

COUNT = "data-count"
DOWNLOADS = "data-downloads"
QUALITY = "data-quality"
TABLE_VIEW = "data-table-view"  # the table's view drawn (its URL form): grid events that leave it skip
GRID_REFRESHED = "data-grid-refreshed"
TABLE_HEADING = "data-table-heading"
GRID_WRAP = "data-grid-wrap"
RENDERED = "data-rendered"
SCROLLED = "data-scrolled"
SEARCH = "data-table-search"
CLEAR_TABLE = "data-table-clear"
TABLE_STATUS = "data-table-status"  # announces what a column filter or the search left


def table_view(table: TableQuery) -> str:
    """The table's view (column filters, search, sort) in its URL form: the grid reports column
    moves and widths too, and those leave the view, and so the page, as they are."""
    return urlencode(to_params(table))


def table_query(filter_models: Any, column_states: Any, search: Any, *, public: bool) -> TableQuery:
    """The grid's column filters and sort (from its filterModel and columnState props, one per
    grid on the page: the last one drawn counts) and the search box, allow-listed."""
    def last(values: Any) -> Any:
        return values[-1] if isinstance(values, list) and values else None

    return TableQuery(parse_filter_model(last(filter_models), public=public), parse_search(search),
                      parse_sort_model(last(column_states), public=public))


def _noun(n: int) -> str:
    return "contract" if n == 1 else "contracts"


def table_narrowing(state: AppState, table: TableQuery) -> list[str]:
    """What narrows the table beyond the filter bar, in words."""
    parts = []
    flag = state.view_value("flag")
    if flag in FLAGS:
        parts.append(f"only those flagged “{FLAG_LABELS[flag]}”")
    if table.columns:
        parts.append("column filters: " + ", ".join(describe_column_filter(c) for c in table.columns))
    if table.search:
        parts.append(f"table search: “{table.search}”")
    return parts


def view_summary(state: AppState, total: int, shown: int, table: TableQuery = TableQuery()) -> list[Any]:
    """What the grid holds, in words: '1,234 contracts match the filters.' or, with a flag,
    column filters or a table search, how many of them the table keeps, why, and ways back."""
    narrowing = table_narrowing(state, table)
    if narrowing:
        out: list[Any] = [html.Strong(f"Showing {shown:,} of the {total:,} {_noun(total)} behind the "
                                      f"filters; {'; '.join(narrowing)}. ")]
        if state.view_value("flag") in FLAGS:
            out.append(dcc.Link("Show all contracts", href=flag_link_href(state, "all")))
        return out
    if not total:
        return [html.Strong("No contracts match the filters. "),
                "Remove a filter above (or use “Clear all filters”) to see more."]
    return [html.Strong(f"{total:,} {_noun(total)} match the filters.")]


def _query_with(state: AppState, pairs: list[tuple[str, str]]) -> str:
    """The state's query string with `pairs` added."""
    q, extra = state.to_query_string(), urlencode(pairs)
    if not extra:
        return q
    return f"{q}&{extra}" if q else f"?{extra}"


def download_query(state: AppState, table: TableQuery) -> str:
    """The page's state plus the table's view: `table=data` asks the download for the table's rows
    (its flag, column filters, search and sort), not only the filters' rows."""
    return _query_with(state, [("table", "data"), *to_params(table)])


def view_href(state: AppState, table: TableQuery) -> str:
    """A link that opens this page as it is: the filters, the flag, and the table's column
    filters, search and sort (the address bar carries only the filters and view settings)."""
    return "/data" + _query_with(state, to_params(table))


def downloads(state: AppState, total: int, table: TableQuery = TableQuery()) -> list[Any]:
    """The same CSV and Excel downloads as the renewals page, for the rows the table shows."""
    q = download_query(state, table)
    excel: Any
    if total > XLSX_MAX_ROWS:
        excel = html.Li(f"Excel: up to {XLSX_MAX_ROWS:,} contracts; the table holds {total:,}. "
                        "Narrow the filters, or use the CSV, which has no limit.", className="muted")
    else:
        excel = html.Li(html.A(f"Download the {total:,} {_noun(total)} as Excel (.xlsx)",
                               href=f"/download/contracts.xlsx{q}"))
    items: list[Any] = [
        html.Li(html.A(f"Download the {total:,} {_noun(total)} as CSV", href=f"/download/contracts.csv{q}")),
        excel,
    ]
    narrowing = table_narrowing(state, table)
    held = "; ".join(["the contracts behind the filters at the top of the page", *narrowing])
    order = describe_sort(table.sort) if table.sort else "in the dataset's order"
    notes: list[Any] = [
        f"The files hold the rows in the table ({held}), {order}. They use the "
        "data dictionary's column names, so they can be checked with ", html.Code("python -m techmap validate"),
        " or imported again. Cells that a spreadsheet would run as a formula are stored as text."]
    share = html.P([html.A("Link to this view of the table", href=view_href(state, table),
                           className="data-view-link"),
                    " (the filters, column filters, search and sort: to bookmark or share)."], className="small")
    return [html.Ul(items, className="data-download-list"), html.P(notes, className="small muted"), share]


def _parts(state: AppState, table: TableQuery = TableQuery(), *, quality: bool = True) -> dict[str, Any]:
    """Everything the page shows that depends on the state and the table's view, except the
    grid's rows. The quality panel describes the filters' rows, whatever the table narrows."""
    data, today, public = context.dataset(), context.today(), context.public_only()
    rows = apply_filter(data.contracts, state.filters)
    flag = state.view_value("flag")
    shown = int(table_positions(data, state.filters, flag if flag in FLAGS else "all", table, today, public).size)
    parts = {
        "summary": view_summary(state, len(rows), shown, table),
        "downloads": downloads(state, shown, table),
        "height": grid_height(shown),
        "status": f"The table shows {shown:,} {_noun(shown)}.",
    }
    if quality:
        positions = data.contracts.index.get_indexer(rows.index)
        parts["quality"] = quality_panel(data, rows, positions, state, today=today, public=public)
    return parts


def layout(**query: Any) -> html.Div:
    state = AppState.from_page_query(query)
    public = context.public_only()
    table = from_params(page_query_pairs(query), public=public)  # from a link to a view of the table
    parts = _parts(state, table)
    guide = html.Dl([item for header, help_text in column_guide(public=public)
                     for item in (html.Dt(header), html.Dd(help_text))], className="column-guide")
    return html.Div(
        [
            html.H1("Contract data"),
            nothing_matches.slot(state, "/data"),
            html.P("Every contract behind the filters, where each row comes from, and how complete "
                   "the data is.", className="lead"),
            html.Nav(html.Ul([html.Li(html.A(label, href=f"#{anchor}")) for anchor, label in
                              (("table", "Table"), ("download", "Download"), ("quality", "Data quality"),
                              (UNKNOWN_PAIRS_ID, "Not known yet"))],
                             className="data-toc"), **{"aria-label": "On this page"}),
            html.Section(
                [
                    html.H2("Contracts", id=TABLE_HEADING, className="h4"),
                    html.P(parts["summary"], id=COUNT, className="data-count"),
                    html.P([
                        f"{BLOCK_ROWS} rows a page. Select a column header to sort (again to reverse; "
                        "Shift adds a second column). Type in the box under a header to filter that "
                        "column; its button offers other conditions (does not contain, before, after, "
                        "between, blank…). “Search the table” finds rows with every word somewhere in "
                        "their columns. These narrow this table and its downloads only; the filters at "
                        "the top of the page (behind the Filters button on a phone) narrow every page, "
                        "and their ", html.A("Search box", href=f"#{ids.FILTER_CONTROLS['q']}"),
                        " looks in contract IDs, systems, suppliers, manufacturers, boroughs and "
                        "service areas. Borough and supplier names link to their profiles. By "
                        "keyboard the table is one Tab stop: arrow keys move between its cells, Enter "
                        "sorts by a header or follows a cell's link.",
                    ], className="small data-hint"),
                    html.Div([
                        html.Label("Search the table", htmlFor=SEARCH, className="form-label"),
                        html.Div([
                            dcc.Input(id=SEARCH, type="search", debounce=0.5, value=table.search, maxLength=200,
                                      autoComplete="off", className="form-control"),
                            html.Button("Clear the table’s filters and search", id=CLEAR_TABLE,
                                        type="button", className="btn btn-outline-secondary"),
                        ], className="data-search-row"),
                    ], className="data-search", role="search", **{"aria-label": "The table"}),
                    html.Div(data_grid(public=public, instance=uuid4().hex[:12], table=table), id=GRID_WRAP,
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
            unknown_pairs_list(unknown_areas(context.dataset().contracts), len(COVERED_AREAS)),
            html.P(id=TABLE_STATUS, className="visually-hidden", **{"aria-live": "polite", "aria-atomic": "true"}),
            dcc.Store(id=TABLE_VIEW, data=table_view(table)),
            dcc.Store(id=GRID_REFRESHED),
            dcc.Store(id=RENDERED, data=True),
            dcc.Store(id=SCROLLED),
        ]
    )


@callback(
    Output(grid_id(MATCH), "getRowsResponse"),
    Input(grid_id(MATCH), "getRowsRequest"),
    State(ids.URL, "search"),
    State(SEARCH, "value"),
    State(ids.STATE_CHANGE, "data"),
    prevent_initial_call=True,
)
def serve_rows(request: Any, search: Any, find: Any = "", change: Any = None) -> Any:
    """One page of rows. The state is the latest change's (shell/state_change.py): the grid asks
    in the same round as the reducer, before the URL and the store are written. The request
    carries the grid's column filters and sort; the search box is read as it is now."""
    if not isinstance(request, dict):
        return no_update
    state = latest_state(change, search)
    return grid_block(context.dataset(), state.filters, state.view_value("flag"), request,
                      today=context.today(), public=context.public_only(), search=find)


def view_response(data: Any, filter_models: Any = None, column_states: Any = None, search: Any = "",
                  shown_table: Any = None, state_changed: bool = True) -> tuple[Any, ...]:
    """Counts, downloads, the quality panel, the grid's height, the table's view and what to
    announce, after a change of the app state (`state_changed`) or of the table's own view."""
    state = AppState.from_dict(data)
    table = table_query(filter_models, column_states, search, public=context.public_only())
    view = table_view(table)
    if not state_changed and view == shown_table:  # a column moved or resized: nothing to redraw
        return (no_update,) * 6
    # Only the table changed: the quality panel stays, and the live region says what is left
    # (a filter-bar change is announced by the shell).
    parts = _parts(state, table, quality=state_changed)
    return (parts["summary"], parts["downloads"], parts.get("quality", no_update), {"height": parts["height"]},
            view, no_update if state_changed else parts["status"])


@callback(
    Output(COUNT, "children"),
    Output(DOWNLOADS, "children"),
    Output(QUALITY, "children"),
    Output(GRID_WRAP, "style"),
    Output(TABLE_VIEW, "data"),
    Output(TABLE_STATUS, "children"),
    STATE_CHANGED,  # the page's links carry the whole state
    Input(grid_id(ALL), "filterModel"),
    Input(grid_id(ALL), "columnState"),
    Input(SEARCH, "value"),
    State(ids.APP_STATE, "data"),
    State(TABLE_VIEW, "data"),
    prevent_initial_call=True,
)
def update_view(change: Any, filter_models: Any, column_states: Any, search: Any, data: Any,
                shown: Any) -> tuple[Any, ...]:
    state = page_state(change, data)
    return view_response(state.to_dict(), filter_models, column_states, search, shown,
                         ctx.triggered_id == ids.STATE_CHANGE)


@callback(
    Output(grid_id(ALL), "filterModel"),
    Output(SEARCH, "value"),
    Input(CLEAR_TABLE, "n_clicks"),
    State(grid_id(ALL), "id"),
    prevent_initial_call=True,
)
def clear_table(clicks: Any, grids: Any) -> tuple[Any, ...]:
    """Remove every column filter and the search (the filter bar's filters stay)."""
    grids = grids if isinstance(grids, list) else []
    if not clicks:
        return [no_update] * len(grids), no_update  # a wildcard output answers per grid
    return [{} for _ in grids], ""


# The grid's rows changed other than by its own filters and sort (which it refetches for by
# itself): back to the first page and ask the server again (it reads the new filters).
clientside_callback(
    """
    function(change, search, gridIds) {
        const grids = window.dash_ag_grid;
        if (!grids || !grids.getApi) { return window.dash_clientside.no_update; }
        (gridIds || []).forEach(function (id) {
            let api = null;
            try { api = grids.getApi(id); } catch (e) { return; }  // not drawn yet: it will ask
            if (api && !api.isDestroyed()) {
                api.paginationGoToFirstPage();
                api.purgeInfiniteCache();
            }
        });
        return [change, search];
    }
    """,
    Output(GRID_REFRESHED, "data"),
    STATE_CHANGED,  # refetch in the same round: serve_rows reads the latest change
    Input(SEARCH, "value"),
    State(grid_id(ALL), "id"),
    prevent_initial_call=True,
)

# Links such as /about's "/data#quality" render the page after the browser looked for the fragment.
clientside_callback(SCROLL_TO_HASH, Output(SCROLLED, "data"), Input(RENDERED, "data"))
