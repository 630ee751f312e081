"""Templates for boroughs that contribute or correct data (linked from the About page):

- /download/contracts-template.csv: the data dictionary's columns (techmap.dataformat.schema.COLUMNS) as a
  header row and one example row made of each column's documented example, so a filled-in copy can
  go straight to `python -m techmap validate`.
- /download/survey-template.xlsx: the borough survey workbook (techmap.importers.survey_template),
  with drop-down lists, for `python -m techmap import survey FILE`.
"""

from __future__ import annotations

import csv
import io
from functools import lru_cache

from flask import Blueprint, Response

from techmap.dataformat.schema import COLUMNS
from web.attachment import as_attachment

bp = Blueprint("templates_download", __name__)

CSV_TEMPLATE_NAME = "london-tech-map-contracts-template.csv"
SURVEY_TEMPLATE_NAME = "london-tech-map-survey-template.xlsx"
XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def contracts_template_csv() -> str:
    """Header row of every column in the dataset's order, then one example row."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([c.name for c in COLUMNS])
    writer.writerow([c.example for c in COLUMNS])
    return buffer.getvalue()


@lru_cache(maxsize=1)
def survey_template() -> bytes | None:
    """The survey workbook, built once per process; None when the importer is not installed."""
    try:
        from techmap.importers.survey_template import survey_template_bytes
    except ImportError:
        return None
    return survey_template_bytes()


@bp.get("/download/contracts-template.csv")
def contracts_template() -> Response:
    return as_attachment(Response(contracts_template_csv(), mimetype="text/csv"), CSV_TEMPLATE_NAME)


@bp.get("/download/survey-template.xlsx")
def survey_template_download() -> Response:
    body = survey_template()
    if body is None:
        return Response("The survey template is not available on this instance; use "
                        "/download/contracts-template.csv instead.\n", status=404, mimetype="text/plain")
    return as_attachment(Response(body, mimetype=XLSX_MEDIA_TYPE), SURVEY_TEMPLATE_NAME)
