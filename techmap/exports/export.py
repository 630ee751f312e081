"""Downloads of the contracts behind a view: CSV (streamed in chunks) and Excel, and their names.

Both files use the dataset column names (techmap.dataformat.schema.COLUMNS) plus the borough name, so a
download can be validated or imported again. Text cells that a spreadsheet would run as a formula
(starting with = + - @, tab or carriage return; OWASP "CSV injection") are prefixed with an
apostrophe. Internal helper columns (line, search_text, slugs) are never exported.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import date
from typing import Any

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from techmap.dataformat.authorities import by_code
from techmap.analysis.filters import MULTI_PARAMS, FilterState
from techmap.analysis.quality import FLAG_LABELS, FLAGS
from techmap.dataformat.schema import (
    ALWAYS_PRIVATE_COLUMNS,
    COLUMN_NAMES,
    COLUMNS_BY_NAME,
    GROUP_NAMES,
    SERVICE_AREAS_BY_SLUG,
    slugify,
)
from techmap.table.query import TableQuery
from techmap.table.words import describe_column_filter, describe_sort, filename_parts

# Schema columns in order, with the borough's name beside its code.
EXPORT_COLUMNS: tuple[str, ...] = (
    *COLUMN_NAMES[:COLUMN_NAMES.index("authority_code") + 1],
    "authority_name",
    *COLUMN_NAMES[COLUMN_NAMES.index("authority_code") + 1:],
)
CSV_CHUNK_ROWS = 5_000
UTF8_BOM = "\ufeff".encode()  # lets Excel detect UTF-8 (otherwise "Hackney – Civica" breaks)
FILENAME_PREFIX = "london-tech-map"
MAX_FILENAME_LENGTH = 150
XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# openpyxl writes about 2,000-4,000 rows a second; past this an Excel file would hold a worker
# for too long, while the streamed CSV has no such limit. The route refuses, the pages say so.
XLSX_MAX_ROWS = 10_000

# Leading characters that make a spreadsheet treat a cell as a formula (OWASP CSV injection), plus
# line feed, which some importers treat like a carriage return.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")
_FORMULA_AFTER_SPACES = ("=", "+", "-", "@")  # LibreOffice ignores leading spaces before "="
_FIRST_CHARS = frozenset((*_FORMULA_START, " "))
_NAME_UNSAFE = re.compile(r"[^A-Za-z0-9.-]+")


def neutralise(value: Any) -> Any:
    """`value` made safe for a spreadsheet cell: a string that starts with = + - @ (also after
    leading spaces), a tab, a carriage return or a line feed gets a leading apostrophe, which
    spreadsheets show as text. Anything that is not a string (numbers, dates, None) is returned
    unchanged, so numbers stay numbers."""
    if not isinstance(value, str) or not value:
        return value
    if value.startswith(_FORMULA_START) or (
            value[0] == " " and value.lstrip(" ").startswith(_FORMULA_AFTER_SPACES)):
        return "'" + value
    return value


def export_columns(*, public: bool) -> tuple[str, ...]:
    """The exported columns; a public instance never exports the always-private ones
    (satisfaction), even blank."""
    if not public:
        return EXPORT_COLUMNS
    return tuple(c for c in EXPORT_COLUMNS if c not in ALWAYS_PRIVATE_COLUMNS)


# ---- cell values ------------------------------------------------------------------------------
# One converter per column kind turns a slice of a column into a list of cell values, working on
# whole arrays; per-row Python is limited to one list comprehension per column.


def _kind(column: str) -> str:
    spec = COLUMNS_BY_NAME.get(column)
    return spec.kind if spec else "text"


def _safe_texts(values: list[Any]) -> list[str]:
    # neutralise() inlined for the common case: one string slice and a set look-up per cell.
    first = _FIRST_CHARS
    return [(neutralise(v) if v[:1] in first else v) if isinstance(v, str)
            else ("" if v is None or pd.isna(v) else str(v)) for v in values]


def _texts(part: pd.Series) -> list[str]:
    if isinstance(part.dtype, pd.CategoricalDtype):  # convert each category once, then index
        labels = _safe_texts([str(c) for c in part.cat.categories]) + [""]
        return np.array(labels, dtype=object)[part.cat.codes.to_numpy()].tolist()  # -1 -> ""
    return _safe_texts(part.tolist())


def _csv_dates(part: pd.Series) -> list[str]:
    days = part.to_numpy().astype("datetime64[D]")
    return np.where(np.isnat(days), "", days.astype(str)).tolist()


def _number_text(value: float) -> str:
    if value != value:  # NaN
        return ""
    return f"{value:.0f}" if value.is_integer() else repr(value)


def _csv_numbers(part: pd.Series) -> list[str]:
    return [_number_text(v) for v in part.to_numpy(dtype=float, na_value=np.nan).tolist()]


def _csv_bools(part: pd.Series) -> list[str]:
    return np.where(part.to_numpy(dtype=bool), "true", "false").tolist()


def _xlsx_dates(part: pd.Series) -> list[date | None]:
    return part.to_numpy().astype("datetime64[D]").astype(object).tolist()  # NaT -> None


def _xlsx_numbers(part: pd.Series) -> list[float | int | None]:
    return [None if v != v else (int(v) if v.is_integer() else v)
            for v in part.to_numpy(dtype=float, na_value=np.nan).tolist()]


def _xlsx_bools(part: pd.Series) -> list[bool]:
    return part.to_numpy(dtype=bool).tolist()


Converter = Callable[[pd.Series], list[Any]]
_CSV_CONVERTERS: dict[str, Converter] = {
    "date": _csv_dates, "money": _csv_numbers, "int": _csv_numbers, "bool": _csv_bools}
_XLSX_CONVERTERS: dict[str, Converter] = {
    "date": _xlsx_dates, "money": _xlsx_numbers, "int": _xlsx_numbers, "bool": _xlsx_bools}


def _chunks(rows: pd.DataFrame, columns: Sequence[str], converters: Mapping[str, Converter],
            chunk_rows: int, positions: np.ndarray | None) -> Iterator[list[tuple[Any, ...]]]:
    """Rows as tuples of cell values, `chunk_rows` at a time. Only the chunk being written is
    converted, so memory stays at the loaded table plus one chunk."""
    if chunk_rows < 1:
        raise ValueError("chunk_rows must be at least 1")
    total = len(rows) if positions is None else len(positions)
    blank = [""] * min(chunk_rows, total)
    series = {c: rows[c] for c in columns if c in rows.columns}
    for start in range(0, total, chunk_rows):
        stop = min(start + chunk_rows, total)
        cells = []
        for column in columns:
            if column not in series:  # e.g. an optional column a hand-made frame lacks
                cells.append(blank[:stop - start])
                continue
            whole = series[column]
            part = (whole.iloc[start:stop] if positions is None
                    else whole.take(positions[start:stop]))
            cells.append(converters.get(_kind(column), _texts)(part))
        yield list(zip(*cells, strict=True))


def csv_chunks(rows: pd.DataFrame, chunk_rows: int = CSV_CHUNK_ROWS, *,
               columns: Sequence[str] = EXPORT_COLUMNS,
               positions: np.ndarray | None = None) -> Iterator[bytes]:
    """The CSV file of `rows` as UTF-8 byte chunks (a byte-order mark, the header, then
    `chunk_rows` rows per chunk), for a streamed response. `positions` (integer positions into
    rows) exports only those rows, in that order, without copying the table first."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    yield UTF8_BOM + buffer.getvalue().encode("utf-8")
    for chunk in _chunks(rows, columns, _CSV_CONVERTERS, chunk_rows, positions):
        buffer.seek(0)
        buffer.truncate()
        writer.writerows(chunk)
        yield buffer.getvalue().encode("utf-8")


# ---- Excel ------------------------------------------------------------------------------------


def _xlsx_text(value: Any) -> Any:
    """Strings without the control characters XML cannot hold, within Excel's cell limit.
    Removing them can uncover a formula ("\x01=cmd"), so such a string is neutralised again."""
    if not isinstance(value, str):
        return value
    cleaned = ILLEGAL_CHARACTERS_RE.sub("", value)
    if cleaned != value:
        cleaned = neutralise(cleaned)
    return cleaned[:32_767]


def _about_rows(rows: pd.DataFrame, positions: np.ndarray | None, *, title: str,
                filters_text: str, manifest: Mapping[str, Any], columns: Sequence[str],
                generated: date | None, view_rows: Sequence[tuple[str, str]] = ()) -> list[tuple[str, str]]:
    synthetic = rows["synthetic"].to_numpy(dtype=bool) if "synthetic" in rows else np.zeros(
        len(rows), dtype=bool)
    sources_col = rows["source"].astype("str").to_numpy() if "source" in rows else np.array([])
    if positions is not None:
        synthetic = synthetic[positions]
        sources_col = sources_col[positions] if len(sources_col) else sources_col
    total = len(synthetic)
    illustrative = int(synthetic.sum())
    out: list[tuple[str, str]] = [
        ("Dataset", title),
        ("Filters", filters_text),
        *view_rows,
        ("Contracts", f"{total:,}"),
        ("Data as of", str(manifest.get("as_of") or "not stated")),
        ("Licence", str(manifest.get("licence") or "not stated")),
        ("Attribution", str(manifest.get("attribution") or "")),
    ]
    if generated:
        out.append(("Downloaded", generated.isoformat()))
    if illustrative:
        out.append(("Illustrative rows",
                    f"{illustrative:,} of {total:,} rows are illustrative (synthetic = true): "
                    "generated to show how the app works, they describe no real contract."))
    sources = manifest.get("sources") or {}
    for key in sorted(set(sources_col.tolist())):
        source = sources.get(key) or {}
        parts = [str(source.get(k) or "").strip() for k in ("title", "publisher", "url",
                                                            "licence", "attribution", "as_of")]
        out.append((f"Source: {key}", "; ".join(p for p in parts if p) or key))
    out.append(("Formulas", "Text cells starting with = + - or @ are prefixed with an apostrophe "
                            "so that a spreadsheet shows them instead of running them."))
    out.append(("", ""))
    out.append(("Column", "Meaning"))
    for column in columns:
        spec = COLUMNS_BY_NAME.get(column)
        out.append((column, f"{spec.label}: {spec.help}" if spec else "Borough name"))
    return out


def xlsx_bytes(rows: pd.DataFrame, *, title: str, filters_text: str,
               manifest: Mapping[str, Any] | None = None,
               columns: Sequence[str] = EXPORT_COLUMNS,
               positions: np.ndarray | None = None,
               generated: date | None = None,
               view_rows: Sequence[tuple[str, str]] = ()) -> bytes:
    """An Excel workbook: sheet "contracts" (the rows, dataset column names in row 1, dates as
    dates, values as numbers) and sheet "about" (dataset title, the filters, `view_rows` (what
    else narrowed or ordered the rows: describe_view), as-of date, licence, attribution, sources,
    a note on illustrative rows and the meaning of each column).
    Written in openpyxl's write-only mode, which streams rows to the file."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("contracts")
    sheet.freeze_panes = "A2"
    for index, column in enumerate(columns, start=1):
        narrow = _kind(column) in ("date", "money", "int", "bool", "code")
        sheet.column_dimensions[get_column_letter(index)].width = 12 if narrow else 24
    bold = Font(bold=True)
    header = []
    for column in columns:
        cell = WriteOnlyCell(sheet, value=column)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    for chunk in _chunks(rows, columns, _XLSX_CONVERTERS, CSV_CHUNK_ROWS, positions):
        for record in chunk:
            sheet.append([_xlsx_text(v) for v in record])

    about = workbook.create_sheet("about")
    about.column_dimensions["A"].width = 24
    about.column_dimensions["B"].width = 100
    for label, text in _about_rows(rows, positions, title=title, filters_text=filters_text,
                                   manifest=manifest or {}, columns=columns, generated=generated,
                                   view_rows=view_rows):
        label_cell = WriteOnlyCell(about, value=_xlsx_text(neutralise(label)))
        label_cell.font = bold
        about.append([label_cell, _xlsx_text(neutralise(text))])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# ---- names and descriptions -------------------------------------------------------------------


def _filters_of(state: Any) -> FilterState:
    """A FilterState from a FilterState or anything with a `.filters` (techmap.appstate.AppState)."""
    filters = getattr(state, "filters", state)
    return filters if isinstance(filters, FilterState) else FilterState()


def describe_filters(state: Any, *, supplier_names: Mapping[str, str] | None = None,
                     system_names: Mapping[str, str] | None = None,
                     manufacturer_names: Mapping[str, str] | None = None) -> str:
    """The filters in words, for the "about" sheet and calendar names:
    'Borough: Camden; Service area: Housing; Contracts ending 2026-11-22 to 2027-11-22'."""
    filters = _filters_of(state)
    if filters.is_empty:
        return "none (every contract in the dataset)"
    names: dict[str, Callable[[str], str]] = {
        "authority": lambda v: by_code()[v].name if v in by_code() else v,
        "area": lambda v: SERVICE_AREAS_BY_SLUG[v].name if v in SERVICE_AREAS_BY_SLUG else v,
        "supplier": lambda v: (supplier_names or {}).get(v, v),
        "system": lambda v: (system_names or {}).get(v, v),
        "manufacturer": lambda v: (manufacturer_names or {}).get(v, v),
        "group": lambda v: GROUP_NAMES.get(v, v),
    }
    labels = {"authority": "Borough", "area": "Service area", "supplier": "Supplier",
              "system": "System", "manufacturer": "Manufacturer", "group": "Service group"}
    parts = []
    for param in MULTI_PARAMS:
        values = getattr(filters, param)
        if values:
            plural = "s" if len(values) > 1 else ""
            parts.append(f"{labels[param]}{plural}: {', '.join(names[param](v) for v in values)}")
    if filters.ends_from and filters.ends_to:
        parts.append(f"Contracts ending {filters.ends_from.isoformat()} to "
                     f"{filters.ends_to.isoformat()}")
    elif filters.ends_from:
        parts.append(f"Contracts ending on or after {filters.ends_from.isoformat()}")
    elif filters.ends_to:
        parts.append(f"Contracts ending on or before {filters.ends_to.isoformat()}")
    if filters.q:
        parts.append(f"Search: {filters.q}")
    return "; ".join(parts)


def describe_view(flag: str = "all", table: TableQuery | None = None) -> list[tuple[str, str]]:
    """Rows of the Excel "about" sheet for what narrowed the data page's table beyond the filters
    (its quality flag, column filters and search) and its order."""
    table = table or TableQuery()
    rows: list[tuple[str, str]] = []
    if flag in FLAGS:
        rows.append(("Quality flag", f"only the contracts flagged “{FLAG_LABELS[flag]}”"))
    if table.columns:
        rows.append(("Column filters", "; ".join(describe_column_filter(c) for c in table.columns)))
    if table.search:
        rows.append(("Table search", f"rows with every word of “{table.search}” in some column"))
    if table.sort:
        rows.append(("Order", describe_sort(table.sort)))
    return rows


def download_filename(state: Any, ext: str, *, today: date | None = None,
                      kind: str = "contracts", max_length: int = MAX_FILENAME_LENGTH,
                      flag: str = "all", table: TableQuery | None = None) -> str:
    """'london-tech-map_contracts_authority-E09000007_area-housing_2026-11-22.csv'.

    One part per filter (repeated values joined by '-'), then the data page table's quality
    `flag` ('flag-missing-end-date'), column filters ('system-contains-mosaic') and search
    ('find-civica'), so that a narrowed download is never named as if it held every contract;
    only letters, digits, '.', '-' and the '_' between parts. When they do not fit in
    `max_length`, they are cut and a short hash of the full text is added, so different views
    still get different names."""
    filters = _filters_of(state)
    ext = _NAME_UNSAFE.sub("", ext.lstrip(".")).lower() or "txt"
    kind = slugify(kind) or "contracts"
    day = (today or date.today()).isoformat()
    parts = [f"{param}-{'-'.join(values)}" for param in MULTI_PARAMS
             if (values := getattr(filters, param))]
    if filters.ends_from:
        parts.append(f"from-{filters.ends_from.isoformat()}")
    if filters.ends_to:
        parts.append(f"to-{filters.ends_to.isoformat()}")
    if filters.q and (q := slugify(filters.q)):
        parts.append(f"q-{q}")
    if flag in FLAGS:
        parts.append(f"flag-{flag.replace('_', '-')}")
    if table is not None:
        parts.extend(filename_parts(table))
    parts = [_NAME_UNSAFE.sub("-", p).strip("-") for p in parts]
    middle = "_".join(p for p in parts if p)
    fixed = len(FILENAME_PREFIX) + len(kind) + len(day) + len(ext) + 3  # 2 "_" and the "."
    room = max(max_length - fixed - 1, 0)  # - 1: the "_" before the filters
    if len(middle) > room:
        digest = hashlib.sha1(middle.encode()).hexdigest()[:8]
        middle = f"{middle[:max(room - 9, 0)].rstrip('-_')}-{digest}"[-room:] if room else ""
    pieces = [FILENAME_PREFIX, kind, *([middle] if middle else []), day]
    return f"{'_'.join(pieces)}.{ext}"
