"""The open data API's records and bodies: which contract fields it publishes, each column's
values as JSON, strict JSON (no NaN) and CSV safe to open in a spreadsheet. The routes are
web.api's."""

from __future__ import annotations

import csv
import io
import json
import math
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, NamedTuple

import numpy as np
import pandas as pd
from flask import Response

from techmap.dataformat.schema import ALWAYS_PRIVATE_COLUMNS, COLUMNS, ColumnKind


class Field(NamedTuple):
    name: str
    kind: ColumnKind  # how values are converted: text/code/slug/enum -> str, date, money, int, bool
    description: str
    nullable: bool = False  # whether the value may be null (for the OpenAPI schema)


# Derived columns worth publishing, placed after the column they derive from. search_text and line
# are internal (the free-text index, a line number of the file) and stay out.
_DERIVED: dict[str, Field] = {
    "authority_code": Field("authority_name", "text", "Name of the borough."),
    "system": Field("system_slug", "slug", "Slug of the system name (the `system` filter takes it)."),
    "supplier": Field("supplier_slug", "slug",
                      "Slug of the supplier name (the `supplier` filter takes it)."),
    "manufacturer": Field("manufacturer_slug", "slug", "Slug of the manufacturer name (the "
                          "`manufacturer` filter takes it); empty when no manufacturer is named."),
}


def contract_fields(*, public: bool) -> tuple[Field, ...]:
    """The fields of a contract record, in order; a public instance leaves out the always-private
    ones (satisfaction) altogether rather than sending them blank."""
    fields: list[Field] = []
    for column in COLUMNS:
        if public and column.name in ALWAYS_PRIVATE_COLUMNS:
            continue
        nullable = not column.required and column.kind != "bool"
        fields.append(Field(column.name, column.kind, column.help, nullable))
        if column.name in _DERIVED:
            fields.append(_DERIVED[column.name])
    return tuple(fields)


def json_number(value: float) -> int | float | None:
    """NaN -> None; whole numbers as ints (125000, not 125000.0)."""
    if value is None or not math.isfinite(value):
        return None
    return int(value) if float(value).is_integer() else float(value)


def column_values(series: pd.Series, kind: str) -> list[Any]:
    """JSON-ready values of one column: ISO dates, numbers as numbers, None for missing."""
    if kind == "date":
        text = np.datetime_as_string(series.to_numpy().astype("datetime64[D]"))
        return [None if t == "NaT" else str(t) for t in text]
    if kind in ("money", "int"):
        return [json_number(v) for v in series.to_numpy(dtype="float64").tolist()]
    if kind == "bool":
        return [bool(v) for v in series.to_numpy().tolist()]
    return [None if v is None or v != v or v == "" else str(v) for v in series.tolist()]


def records_of(frame: pd.DataFrame, fields: Sequence[Field]) -> list[dict[str, Any]]:
    """The rows of a (small) frame as records with the given fields, in order."""
    columns = [column_values(frame[f.name], f.kind) for f in fields]
    names = [f.name for f in fields]
    return [dict(zip(names, row, strict=True)) for row in zip(*columns, strict=True)]


def header_text(text: str) -> str:
    """HTTP headers are Latin-1: spell '©' as '(c)' and drop other non-ASCII marks."""
    text = str(text).replace("©", "(c)").replace("\r", " ").replace("\n", " ")
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def _finite(value: Any) -> Any:
    """`value` with every NaN or infinite float, at any depth, replaced by None."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, Mapping):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(v) for v in value]
    return value


def _json_default(value: Any) -> Any:
    """numpy scalars that reach a payload (np.float64 is a float and needs no help)."""
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        number = float(value)
        return number if math.isfinite(number) else None
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def json_text(payload: Any) -> str:
    """Strict JSON of `payload`. JSON has no NaN or Infinity (Python would write them, and
    browsers' JSON.parse refuses them): an unknown number anywhere, such as a borough's annual
    value when none is published, becomes null. The common case is checked in C; only a payload
    holding a non-finite number is walked."""
    try:
        return json.dumps(payload, ensure_ascii=False, allow_nan=False, separators=(",", ":"),
                          default=_json_default)
    except ValueError:
        return json.dumps(_finite(payload), ensure_ascii=False, allow_nan=False, separators=(",", ":"),
                          default=_json_default)


def json_response(payload: Any, status: int = 200, headers: Mapping[str, str] | None = None) -> Response:
    body = json_text(payload)
    response = Response(body, status=status, mimetype="application/json")
    response.headers.update(headers or {})
    return response


_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _csv_cell(value: Any, kind: str) -> Any:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):  # unknown: empty
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if kind == "text" and isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value  # a spreadsheet would run "=HYPERLINK(...)" as a formula
    return value


def csv_body(records: Iterable[Mapping[str, Any]], fields: Sequence[Field]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([f.name for f in fields])
    for record in records:
        writer.writerow([_csv_cell(record[f.name], f.kind) for f in fields])
    return out.getvalue()
