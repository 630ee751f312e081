"""CSV and Excel downloads of the contracts behind the current view.

Both routes take the app's query string (the same filters as every page) and export exactly
techmap.analysis.queries.apply_filter(contracts, state.filters). With `table=data` (the data page's links)
they export the data page's table instead: those rows narrowed to its quality flag (`flag`), column
filters (`col.<column>`) and search (`find`), in its order (`sort`); see techmap.table.query. Without
it a `flag` left in the state by a visit to the data page is ignored, so the renewals page's
download is never silently narrowed. The CSV is streamed in chunks from the loaded table, so
memory stays at one copy of the data (plus an index of the rows) however large the export.
"""

from __future__ import annotations

import numpy as np
from flask import Blueprint, Response, request

from techmap.appstate import AppState
from techmap.service import context
from techmap.service import views
from techmap.exports.export import (
    XLSX_MAX_ROWS,
    XLSX_MEDIA_TYPE,
    csv_chunks,
    describe_filters,
    describe_view,
    download_filename,
    export_columns,
    xlsx_bytes,
)
from techmap.analysis.quality import FLAGS
from techmap.table.query import TableQuery, from_params, to_params
from web import expensive, limits
from web.attachment import as_attachment
from web.auth_state import public_only, request_dataset

bp = Blueprint("downloads", __name__)


def request_state() -> AppState:
    """The view's state from the request's query string (junk dropped, never an error)."""
    return AppState.from_query_string(request.query_string.decode("utf-8", "replace"))


def request_table(state: AppState) -> tuple[str, TableQuery]:
    """The data page table's flag and query when the link asks for them (`table=data`)."""
    if request.args.get("table") != "data":
        return "all", TableQuery()
    flag = state.view_value("flag")
    table = from_params(request.args.items(multi=True), public=public_only())
    return (flag if flag in FLAGS else "all"), table


def view_positions(state: AppState, flag: str = "all", table: TableQuery = TableQuery()) -> np.ndarray | None:
    """Integer positions of the view's rows in the loaded table, in the view's order; None for
    every row in dataset order. No copy of the rows is made."""
    data = request_dataset()
    positions = views.table_positions(data, state.filters, flag, table, context.today(),
                                      public_only())
    return None if len(positions) == len(data.contracts) and not table.sort else positions


def _attachment(response: Response, filename: str) -> Response:
    response.headers["Cache-Control"] = "no-cache"
    return as_attachment(response, filename)


@bp.get("/download/contracts.csv")
@limits.expensive
def contracts_csv() -> Response:
    state = request_state()
    flag, table = request_table(state)
    contracts = request_dataset().contracts
    positions = view_positions(state, flag, table)
    chunks = csv_chunks(contracts, columns=export_columns(public=public_only()), positions=positions)
    response = Response(chunks, mimetype="text/csv")
    if (len(contracts) if positions is None else len(positions)) > expensive.CSV_GATED_ROWS:
        expensive.hold_while_streaming(response)
    return _attachment(response, download_filename(state, "csv", today=context.today(), flag=flag,
                                                   table=table))


def view_key(kind: str, state: AppState, flag: str, table: TableQuery) -> tuple[object, ...]:
    """What a download shows, as the app read it from the query string: parameters it ignores
    (junk, or a flag without table=data) give the same key, so they share one build. The role's
    view (public fields only or not) is part of it: a build is never served across roles."""
    return (kind, state.to_query_string(), flag, tuple(to_params(table)), public_only(),
            context.today(), id(request_dataset()))


@bp.get("/download/contracts.xlsx")
@limits.expensive
def contracts_xlsx() -> Response:
    state = request_state()
    flag, table = request_table(state)
    key = view_key("xlsx", state, flag, table)
    expensive.refuse_early(key)
    data = request_dataset()
    positions = view_positions(state, flag, table)
    rows = len(data.contracts) if positions is None else len(positions)
    if rows > XLSX_MAX_ROWS:
        return Response(
            f"This view has {rows:,} contracts; Excel downloads are limited to "
            f"{XLSX_MAX_ROWS:,}. Narrow the filters, or download the CSV, which has no limit.\n",
            status=400, mimetype="text/plain")
    filters_text = describe_filters(state, supplier_names=data.supplier_names,
                                    system_names=data.system_names,
                                    manufacturer_names=data.manufacturer_names)
    public, today = public_only(), context.today()
    body = expensive.build(key, lambda: xlsx_bytes(
        data.contracts,
        title=data.title,
        filters_text=filters_text,
        manifest=data.manifest,
        columns=export_columns(public=public),
        positions=positions,
        generated=today,
        view_rows=describe_view(flag, table),
    ))
    response = Response(body, mimetype=XLSX_MEDIA_TYPE)
    return _attachment(response, download_filename(state, "xlsx", today=context.today(), flag=flag,
                                                   table=table))
