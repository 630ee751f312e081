"""CSV and Excel downloads of the contracts behind the current view.

Both routes take the app's query string (the same filters as every page) and export exactly
techmap.queries.apply_filter(contracts, state.filters). The CSV is streamed in chunks from the
loaded table, so memory stays at one copy of the data however large the export.
"""

from __future__ import annotations

import numpy as np
from flask import Blueprint, Response, request

from techmap import context
from techmap import views
from techmap.appstate import AppState
from techmap.export import (
    XLSX_MEDIA_TYPE,
    csv_chunks,
    describe_filters,
    download_filename,
    export_columns,
    xlsx_bytes,
)

bp = Blueprint("downloads", __name__)

# openpyxl writes about 2,000-4,000 rows a second; past this an Excel file would hold a worker
# for too long, while the streamed CSV has no such limit.
XLSX_MAX_ROWS = 10_000


def request_state() -> AppState:
    """The view's state from the request's query string (junk dropped, never an error)."""
    return AppState.from_query_string(request.query_string.decode("utf-8", "replace"))


def view_positions(state: AppState) -> np.ndarray | None:
    """Integer positions of the view's rows in the loaded table (the filters, and the data page's
    quality flag when one is chosen); None for every row. No copy of the rows is made."""
    data = context.dataset()
    positions = views.view_positions(data, state.filters, state.view_value("flag"), today=context.today())
    return None if len(positions) == len(data.contracts) else positions


def _attachment(response: Response, filename: str) -> Response:
    # download_filename uses only [A-Za-z0-9._-], so a plain quoted filename is safe.
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.get("/download/contracts.csv")
def contracts_csv() -> Response:
    state = request_state()
    contracts = context.dataset().contracts
    chunks = csv_chunks(contracts, columns=export_columns(public=context.settings().public),
                        positions=view_positions(state))
    response = Response(chunks, mimetype="text/csv")
    return _attachment(response, download_filename(state, "csv", today=context.today()))


@bp.get("/download/contracts.xlsx")
def contracts_xlsx() -> Response:
    state = request_state()
    data = context.dataset()
    positions = view_positions(state)
    rows = len(data.contracts) if positions is None else len(positions)
    if rows > XLSX_MAX_ROWS:
        return Response(
            f"This view has {rows:,} contracts; Excel downloads are limited to "
            f"{XLSX_MAX_ROWS:,}. Narrow the filters, or download the CSV, which has no limit.\n",
            status=400, mimetype="text/plain")
    body = xlsx_bytes(
        data.contracts,
        title=data.title,
        filters_text=describe_filters(state, supplier_names=data.supplier_names,
                                      system_names=data.system_names),
        manifest=data.manifest,
        columns=export_columns(public=context.settings().public),
        positions=positions,
        generated=context.today(),
    )
    response = Response(body, mimetype=XLSX_MEDIA_TYPE)
    return _attachment(response, download_filename(state, "xlsx", today=context.today()))
