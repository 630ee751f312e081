"""The joint-procurement finder's CSV: /download/joint-procurement.csv?<filters and finder settings>.

The same groups as the renewals page shows for that query string, in the same order, all pages at
once (techmap.service.finder_views): the shared filters, `within`, `lead`, `finder` (all, system,
service_area) and `finder_sort` (end, boroughs, value). It follows the request's role: an anonymous
visitor's combined values sum only published values (the public twin), as on the page."""

from __future__ import annotations

from flask import Blueprint, Response

from techmap.dataformat.authorities import by_code
from techmap.exports.export import download_filename
from techmap.exports.finder_csv import finder_csv
from techmap.service import context
from techmap.service.finder_views import finder_table_for
from web import limits
from web.attachment import as_attachment
from web.downloads import request_state

bp = Blueprint("finder_download", __name__)


@bp.get("/download/joint-procurement.csv")
@limits.expensive
def joint_procurement_csv() -> Response:
    state = request_state()
    rows = finder_table_for(state, context.today())
    names = {code: a.name for code, a in by_code().items()}
    body = finder_csv(rows, names, state.filters.authority)
    filename = download_filename(state, "csv", today=context.today(), kind="joint-procurement")
    return as_attachment(Response(body, mimetype="text/csv"), filename)
