"""The strict validator and the dataset loader: one pass over a contracts file that both types the
table and lists every problem (errors and warnings) as `file:line: column: value: reason`.

The loader (`load_validated`, behind `techmap.dataset.load_dataset`) and the CLI
(`python -m techmap validate PATH`) share this code, so what the CLI accepts the app can load.

Columns are parsed vectorised (see techmap.parsing); Problem objects are only built for bad cells,
which keeps a 100k-row file well under the 10 s budget. The returned frame keeps every row, with
cells that could not be read left blank (NaT / NaN / missing category); callers only use it when
there are no errors.
"""

from __future__ import annotations

import csv
import difflib
import io
import json
import re
import sys
import threading
from collections.abc import Collection, Hashable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from techmap.authorities import authorities, by_code, match_authority
from techmap.dataset import Dataset
from techmap.parsing import (
    ENCODING_NAMES,
    Reasons,
    decode_text,
    iso_or_blank,
    parse_bool_column,
    parse_money_column,
    parse_rating_column,
    read_date_column,
)
from techmap.evidence import check_evidence, dataset_warnings
from techmap.problems import WHOLE_FILE_LINE, DatasetError, Problem, Severity
from techmap.schema import (
    COLUMN_NAMES,
    COLUMNS_BY_NAME,
    DATE_COLUMNS,
    HOSTING_VALUES,
    MONEY_COLUMNS,
    REQUIRED_COLUMNS,
    SERVICE_AREAS,
    SERVICE_AREAS_BY_SLUG,
    slugify,
)

MANIFEST_FILE = "manifest.json"
CONTRACTS_FILE = "contracts.csv"
EXCEL_SUFFIXES = frozenset({".xlsx", ".xlsm"})
UNSUPPORTED_SUFFIXES = frozenset({".xls", ".ods", ".numbers"})
MANIFEST_REQUIRED_KEYS: tuple[str, ...] = ("title", "as_of", "licence", "sources")
MANIFEST_SYNTHETIC_VALUES: tuple[str, ...] = ("none", "mixed", "all")
# Warnings that repeat on many rows (a blank end_date) are listed this many times, then counted.
MAX_LISTED_WARNINGS = 10
# The most characters a spreadsheet cell holds (Excel's limit): a longer CSV field is almost always
# an unclosed quote or not a contracts file, and is reported. The field is still read (csv's own
# 128 KB limit would stop the whole file at it, hiding every later row's problems).
MAX_FIELD_CHARS = 32_767

DERIVED_COLUMNS: tuple[str, ...] = ("authority_name", "supplier_slug", "system_slug", "line",
                                    "search_text")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


# --- reading a file into rows of text ------------------------------------------------------------

class _Unreadable(Exception):
    """The file cannot be read as a table at all; carries the reason and the line where reading
    stopped (line 1 when the file as a whole is unreadable)."""

    def __init__(self, reason: str, line: int = WHOLE_FILE_LINE):
        super().__init__(reason)
        self.line = line


_field_limit_lock = threading.Lock()


def _allow_fields_up_to(size: int) -> None:
    """Raise csv's field size limit to `size` characters. The default (128 KB) protects readers of
    unbounded streams; here the whole text is already in memory, so no field can be longer than it
    and raising the limit to its length costs nothing. The limit is process-wide, so it only grows
    (a smaller value could break another thread's read)."""
    with _field_limit_lock:
        if csv.field_size_limit() < size:
            csv.field_size_limit(size)


@dataclass
class _Table:
    names: list[str]  # column names after normalising the header, one per kept column
    rows: list[list[str]]  # stripped cells, exactly len(names) per row
    lines: list[int]  # physical line (CSV) or row number (Excel) where each row starts
    encoding: str = "utf-8"
    header_line: int = 1


def _csv_records(text: str, label: str,
                 problems: list[Problem]) -> Iterator[tuple[int, list[str]]]:
    """(first physical line, fields) of each CSV record; blank lines are skipped. Raises
    _Unreadable at a record the csv module cannot parse, naming its line."""
    first_line = text.split("\n", 1)[0]
    delimiter = ","
    if "," not in first_line:  # Excel in many locales writes ';', its 'Unicode text' uses tabs
        delimiter = "\t" if "\t" in first_line else ";" if ";" in first_line else ","
    _allow_fields_up_to(len(text) + 1)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    previous = 0
    last: tuple[int, list[str]] = (0, [])
    try:
        for record in reader:
            start, previous = previous + 1, reader.line_num
            if record:
                last = (start, record)
                yield last
    except csv.Error as exc:
        raise _Unreadable(f"cannot read CSV from this line on: {exc}", previous + 1) from None
    # The lenient reader silently reads an unclosed quote to the end of the file; the strict one
    # notices. Only worth asking when the last record swallowed line breaks.
    if any("\n" in field or "\r" in field for field in last[1]):
        strict = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
        try:
            for _ in strict:
                pass
        except csv.Error as exc:
            if "unexpected end of data" in str(exc):
                problems.append(Problem(label, last[0], "-", "", "a quote opened on this line is "
                                        "never closed, so the rest of the file was read as one "
                                        "field"))


def _excel_cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime) and value.time() != time(0, 0):
        return value.isoformat()  # keeps the time of day, so that the date check can warn of it
    if isinstance(value, (datetime, date)):
        return iso_or_blank(value)
    if isinstance(value, time):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _excel_records(path: Path) -> Iterator[tuple[int, list[str]]]:
    """(row number, cells) of the 'contracts' sheet, else the first sheet."""
    import openpyxl  # only needed for Excel files

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged file
        raise _Unreadable(f"cannot open as an Excel workbook: {exc}") from None
    try:
        sheet = book["contracts"] if "contracts" in book.sheetnames else book.worksheets[0]
        # read-only sheets yield empty tuples for gap rows, so enumerate gives the row number
        for number, values in enumerate(sheet.iter_rows(min_row=1, values_only=True), start=1):
            yield number, [_excel_cell(v) for v in values]
    finally:
        book.close()


def _read_table(path: Path, label: str, problems: list[Problem]) -> _Table:
    """The file as a header and rows of stripped text. Raises _Unreadable when it is not a
    table at all; structural problems (bad header, ragged rows) are appended to `problems`."""
    suffix = path.suffix.lower()
    if suffix in UNSUPPORTED_SUFFIXES:
        raise _Unreadable(f"{suffix} files are not read; save the sheet as CSV (UTF-8) or .xlsx")
    encoding = "xlsx"
    scan_nul = scan_long = False  # openpyxl refuses NUL in cells; Excel caps their length
    if suffix in EXCEL_SUFFIXES:
        records: Iterable[tuple[int, list[str]]] = _excel_records(path)
    else:
        data = path.read_bytes()
        if data.startswith(b"PK\x03\x04"):
            raise _Unreadable("this is an Excel (zip) file, not CSV text; name it .xlsx or "
                              "save it as CSV")
        text, encoding = decode_text(data)
        if not text.strip():
            raise _Unreadable("file is empty")
        records = _csv_records(text, label, problems)
        scan_nul, scan_long = "\x00" in text, len(text) > MAX_FIELD_CHARS

    header: list[str] | None = None
    header_line = 1
    raw_rows: list[list[str]] = []
    lines: list[int] = []
    for line, record in records:
        if not any(cell.strip() for cell in record):
            continue  # a row of empty cells, as Excel leaves after the data
        if header is None:
            header, header_line = record, line
            continue
        raw_rows.append(record)
        lines.append(line)
    if header is None:
        raise _Unreadable("file is empty")  # only empty cells

    names, keep = _normalise_header(header, header_line, raw_rows, label, problems)
    if scan_nul or scan_long:
        _check_cells(header, header_line, raw_rows, lines, dict(zip(keep, names, strict=True)),
                     scan_nul, label, problems)
    width = len(header)
    rows: list[list[str]] = []
    for record, line in zip(raw_rows, lines, strict=True):
        if len(record) != width:
            _ragged_row(record, width, line, label, problems)
            record = record[:width] + [""] * (width - len(record))
        rows.append([record[i].strip() for i in keep])
    return _Table(names, rows, lines, encoding, header_line)


def _normalise_header(header: list[str], line: int, rows: list[list[str]], label: str,
                      problems: list[Problem]) -> tuple[list[str], list[int]]:
    """Column names ('Contract ID' and 'contract-id' read as contract_id) and the positions kept."""
    names: list[str] = []
    keep: list[int] = []
    seen: dict[str, int] = {}
    for position, cell in enumerate(header):
        text = cell.strip().lstrip("\ufeff").strip()
        key = re.sub(r"[\s\-]+", "_", text.lower())
        name = key if key in COLUMNS_BY_NAME else text
        if not name:
            if not any(position < len(r) and r[position].strip() for r in rows):
                continue  # an unnamed empty column (a trailing comma on every line)
            name = f"column_{position + 1}"
            problems.append(Problem(label, line, name, "", "column has no name in the header; "
                                    "its values are kept under this name", "warning"))
        if name in seen:
            problems.append(Problem(label, line, name, cell, f"column appears twice (columns "
                                    f"{seen[name]} and {position + 1}); the second is ignored"))
            continue
        seen[name] = position + 1
        names.append(name)
        keep.append(position)
    return names, keep


def _check_cells(header: list[str], header_line: int, rows: list[list[str]], lines: list[int],
                 names: Mapping[int, str], scan_nul: bool, label: str,
                 problems: list[Problem]) -> None:
    """Report each cell holding a NUL character (a binary file, or a bad export) and each field
    longer than MAX_FIELD_CHARS, on the physical line where it is."""
    records = [header, *rows]
    starts = [header_line, *lines]
    # Only a record longer than the limit in all can hold an over-long field: joining each record
    # and measuring it is a C loop, ~20x cheaper than measuring every cell of 100k rows.
    joined = list(map("".join, records))
    lengths = np.fromiter(map(len, joined), dtype=np.int64, count=len(joined))
    suspects = set(np.flatnonzero(lengths > MAX_FIELD_CHARS).tolist())
    if scan_nul:
        suspects.update(i for i, text in enumerate(joined) if "\x00" in text)
    for i in sorted(suspects):
        at = starts[i]  # the physical line where the cell starts: earlier cells may span lines
        for position, cell in enumerate(records[i]):
            column = "-" if i == 0 else names.get(position, f"column_{position + 1}")
            column = column.replace("\x00", "\\x00")  # a NUL in the header's name too
            if "\x00" in cell:
                nul_line = at + cell.count("\n", 0, cell.index("\x00"))
                problems.append(Problem(label, nul_line, column, cell[:200], "contains a NUL "
                                        "character (byte 0): is this a binary file, or a "
                                        "damaged export? Remove it or save the sheet as CSV again"))
            if len(cell) > MAX_FIELD_CHARS:
                problems.append(Problem(label, at, column, cell[:200],
                                        f"field is {len(cell):,} characters long; a spreadsheet "
                                        f"cell holds at most {MAX_FIELD_CHARS:,} (is a quote left "
                                        "open?)"))
            at += cell.count("\n")


def _ragged_row(record: list[str], width: int, line: int, label: str,
                problems: list[Problem]) -> None:
    extra = [c for c in record[width:] if c.strip()]
    if len(record) > width and not extra:
        return  # only empty trailing fields
    reason = f"row has {len(record)} fields but the header has {width}"
    if any("\n" in c for c in record):
        reason += " (a field spans several lines: is a quote left open?)"
    value = ",".join(extra) if extra else ""
    problems.append(Problem(label, line, "-", value, reason))


# --- typing and checking the columns -------------------------------------------------------------

@dataclass
class _Checker:
    """Collects the problems of one contracts file while its columns are typed."""

    label: str
    lines: np.ndarray
    raw: dict[str, pd.Series]
    header_line: int = 1
    problems: list[Problem] = field(default_factory=list)
    notes: list[Problem] = field(default_factory=list)  # counts of repeated warnings, listed last
    _cells: dict[str, list[str]] = field(default_factory=dict)  # raw columns as plain lists

    def add(self, index: Hashable, column: str, reason: str,
            severity: Severity = "error") -> None:
        """A problem on the row at position `index` (the frame has a RangeIndex)."""
        position = int(index)  # type: ignore[call-overload]
        if column not in self._cells:  # indexing a list is far cheaper than Series.iat
            self._cells[column] = self.raw[column].tolist()
        self.problems.append(Problem(self.label, int(self.lines[position]), column,
                                     self._cells[column][position], reason, severity))

    def add_reasons(self, column: str, reasons: Reasons) -> None:
        for index, reason in reasons.items():
            self.add(index, column, reason)

    def add_capped(self, indexes: Iterable[Hashable], column: str, reason: str,
                   summary: str) -> None:
        """A warning that may repeat on many rows: the first few listed, then one count, on the
        line of the first row it does not list. `summary` may use {rest}, {n} and {listed}."""
        indexes = list(indexes)
        for index in indexes[:MAX_LISTED_WARNINGS]:
            self.add(index, column, reason, "warning")
        if len(indexes) > MAX_LISTED_WARNINGS:
            first_unlisted = int(self.lines[int(indexes[MAX_LISTED_WARNINGS])])  # type: ignore[call-overload]
            text = summary.format(rest=f"{len(indexes) - MAX_LISTED_WARNINGS:,}",
                                  n=f"{len(indexes):,}", listed=MAX_LISTED_WARNINGS)
            self.notes.append(Problem(self.label, first_unlisted, column, "", text, "warning"))


def _first_lines(values: pd.Series) -> dict[str, tuple[int, int]]:
    """value -> (index of its first row, number of rows) for the non-blank values."""
    present = values[values != ""]
    firsts = present.drop_duplicates()
    counts = present.value_counts()
    return {v: (int(i), int(counts[v])) for i, v in firsts.items()}  # type: ignore[arg-type]


def _suggest(value: str, choices: Collection[str]) -> str:
    close = difflib.get_close_matches(value.lower(), list(choices), n=1, cutoff=0.8)
    return f"; did you mean {close[0]!r}?" if close else ""


def _authority_reason(value: str) -> str:
    if re.match(r"^[EWSN]\d{8}$", value.strip().upper()):
        return "not a London borough code: London's are E09000001 to E09000033"
    names = {a.name.lower(): a.name for a in authorities()}
    close = difflib.get_close_matches(value.lower(), list(names), n=1, cutoff=0.8)
    hint = f"; did you mean {names[close[0]]!r}?" if close else ""
    return f"not a London borough: use an ONS code (E09000001-E09000033) or a borough name{hint}"


def _check_authorities(check: _Checker) -> pd.Categorical:
    values = check.raw["authority_code"]
    mapping: dict[str, str | None] = {v: match_authority(v) for v in values.unique() if v}
    for value, (index, count) in _first_lines(values).items():
        code = mapping[value]
        if code is not None and value != code:
            rows = "row uses" if count == 1 else f"{count:,} rows use"
            check.add(index, "authority_code", f"read as {code} ({by_code()[code].name}); {rows} "
                      "this spelling (the ONS code is preferred)", "warning")
    reasons = {v: _authority_reason(v) for v, code in mapping.items() if code is None}
    for index in values.index[values.isin(set(reasons)).to_numpy()]:
        check.add(index, "authority_code", reasons[values.iat[index]])
    return pd.Categorical(values.map(mapping), categories=[a.code for a in authorities()])


def _service_area_index() -> dict[str, str]:
    index = {slugify(a.name): a.slug for a in SERVICE_AREAS}
    index.update({a.slug: a.slug for a in SERVICE_AREAS})
    return index


def _check_service_areas(check: _Checker) -> pd.Categorical:
    values = check.raw["service_area"]
    index = _service_area_index()
    mapping: dict[str, str | None] = {v: index.get(slugify(v)) for v in values.unique() if v}
    for value, (first, count) in _first_lines(values).items():
        slug = mapping[value]
        if slug is not None and slug != value:
            rows = "row uses" if count == 1 else f"{count:,} rows use"
            check.add(first, "service_area", f"read as {slug!r}; {rows} this spelling "
                      "(the slug is preferred)", "warning")
    reasons = {v: "not a service area: use a slug from the list in datasets/README.md"
                  f"{_suggest(slugify(v), SERVICE_AREAS_BY_SLUG)}"
               for v, slug in mapping.items() if slug is None}
    for i in values.index[values.isin(set(reasons)).to_numpy()]:
        check.add(i, "service_area", reasons[values.iat[i]])
    return pd.Categorical(values.map(mapping), categories=[a.slug for a in SERVICE_AREAS])


def _check_hosting(check: _Checker) -> pd.Categorical:
    values = check.raw["hosting"]
    normal = values.str.lower().str.replace(r"[\s\-]+", "_", regex=True)
    normal = normal.where(normal != "", "unknown")  # blank means not known
    bad = ~normal.isin(HOSTING_VALUES)
    reasons = {v: f"not one of: {', '.join(HOSTING_VALUES)}{_suggest(v, HOSTING_VALUES)}"
               for v in normal[bad].unique()}
    for i in values.index[bad.to_numpy()]:
        check.add(i, "hosting", reasons[normal.iat[i]])
    return pd.Categorical(normal.where(~bad), categories=list(HOSTING_VALUES))


def _check_duplicate_ids(check: _Checker) -> None:
    ids = check.raw["contract_id"]
    repeated = ids.duplicated(keep="first") & (ids != "")
    if not repeated.any():
        return
    firsts = ids[ids.isin(set(ids[repeated]))].drop_duplicates()
    first_line = dict(zip(firsts.tolist(), check.lines[firsts.index.to_numpy()].tolist(),
                          strict=True))
    for i in ids.index[repeated.to_numpy()]:
        check.add(i, "contract_id", f"duplicate contract_id: also on line {first_line[ids.iat[i]]}")


def _check_dates(check: _Checker, present: set[str]) -> dict[str, pd.Series]:
    dates: dict[str, pd.Series] = {}
    for column in DATE_COLUMNS:
        parsed = read_date_column(check.raw[column])
        dates[column] = parsed.dates
        check.add_reasons(column, parsed.reasons)
        for index, note in parsed.notes.items():
            check.add(index, column, note, "warning")
    start, end, max_end = dates["start_date"], dates["end_date"], dates["max_end_date"]
    for i in end.index[(end < start).to_numpy()]:
        check.add(i, "end_date", f"ends before it starts (start_date {start.iat[i]:%Y-%m-%d})")
    for i in max_end.index[(max_end < end).to_numpy()]:
        check.add(i, "max_end_date",
                  f"latest end is before the current end (end_date {end.iat[i]:%Y-%m-%d})")
    if "end_date" not in present:
        check.problems.append(Problem(check.label, check.header_line, "end_date", "", "no end_date "
                                      "column: renewal views cannot show these contracts",
                                      "warning"))
    else:
        blank = check.raw["end_date"] == ""
        check.add_capped(end.index[blank.to_numpy()], "end_date",
                         "end_date is blank: renewal views leave this contract out",
                         "{rest} more rows from this line on have a blank end_date ({n} in all; "
                         "the first {listed} are listed above)")
    return dates


def _check_sources(check: _Checker, sources: Collection[str] | None) -> pd.Categorical:
    values = check.raw["source"]
    if sources is None:
        return pd.Categorical(values.where(values != ""),
                              categories=sorted(set(values.unique()) - {""}))
    known = list(dict.fromkeys(sources))
    bad = (values != "") & ~values.isin(known)
    listing = ", ".join(repr(k) for k in known[:8]) or "none"
    for i in values.index[bad.to_numpy()]:
        check.add(i, "source", f"not a key of the manifest's sources (it has {listing})")
    return pd.Categorical(values.where(~bad & (values != "")), categories=known)


def _typed_frame(table: _Table, label: str, sources: Collection[str] | None,
                 problems: list[Problem]) -> pd.DataFrame:
    n = len(table.rows)
    index = pd.RangeIndex(n)
    lines = np.asarray(table.lines, dtype="int64")
    columns = list(zip(*table.rows, strict=True)) if n else [()] * len(table.names)
    raw = {name: pd.Series(list(cells), index=index, dtype="str")
           for name, cells in zip(table.names, columns, strict=True)}
    present = set(raw)
    for name in COLUMN_NAMES:
        raw.setdefault(name, pd.Series([""] * n, index=index, dtype="str"))
    check = _Checker(label, lines, raw, table.header_line)
    for name in REQUIRED_COLUMNS:
        if name not in present:
            problems.append(Problem(label, table.header_line, name, "",
                                    "required column is missing from the header"))
    if n == 0:
        problems.append(Problem(label, table.header_line, "-", "", "no data rows (only a header)"))
    for name in REQUIRED_COLUMNS:
        if name in present:
            for i in index[(raw[name] == "").to_numpy()]:
                check.add(i, name, "required value is blank")

    _check_duplicate_ids(check)
    out: dict[str, Any] = {}
    out["contract_id"] = raw["contract_id"]
    out["authority_code"] = _check_authorities(check)
    out["service_area"] = _check_service_areas(check)
    for name in ("system", "manufacturer", "supplier"):
        out[name] = raw[name]
    dates = _check_dates(check, present)
    out.update(dates)
    for name in MONEY_COLUMNS:
        out[name], reasons = parse_money_column(raw[name])
        check.add_reasons(name, reasons)
    out["hosting"] = _check_hosting(check)
    out["procurement_route"] = raw["procurement_route"]
    out["shared_ref"] = raw["shared_ref"]
    out["satisfaction"], reasons = parse_rating_column(raw["satisfaction"])
    check.add_reasons("satisfaction", reasons)
    out["value_public"], reasons = parse_bool_column(raw["value_public"], default=True)
    check.add_reasons("value_public", reasons)
    out["source"] = _check_sources(check, sources)
    out["synthetic"], reasons = parse_bool_column(raw["synthetic"], default=False)
    check.add_reasons("synthetic", reasons)
    out.update(check_evidence(check, out["synthetic"], present))
    for name in table.names:
        if name not in COLUMNS_BY_NAME and name not in DERIVED_COLUMNS:
            out[name] = raw[name]  # extra columns are kept as text

    frame = pd.DataFrame({name: out[name] for name in out}, index=index)
    frame = frame[[*COLUMN_NAMES, *[c for c in out if c not in COLUMNS_BY_NAME]]]
    _add_derived(frame, lines)
    # One list in line order: structural problems found while reading, then the cell checks
    # (a stable sort keeps the problems of the header's line first and each line's columns in
    # order).
    order = {name: position for position, name in enumerate(frame.columns)}
    problems.extend(check.problems)
    problems.sort(key=lambda p: (p.line or WHOLE_FILE_LINE, order.get(p.column, -1)))
    problems.extend(check.notes)
    return frame


def _slugs(values: pd.Series) -> pd.Series:
    return values.map({v: slugify(v) for v in values.unique()}).astype("str")


def _add_derived(frame: pd.DataFrame, lines: np.ndarray) -> None:
    """authority_name, supplier_slug, system_slug, line and search_text (see techmap.dataset)."""
    names = {code: a.name for code, a in by_code().items()}
    frame["authority_name"] = (frame["authority_code"].astype("object").map(names)
                               .fillna("").astype("str"))
    frame["supplier_slug"] = _slugs(frame["supplier"])
    frame["system_slug"] = _slugs(frame["system"])
    frame["line"] = lines
    area_names = {a.slug: a.name for a in SERVICE_AREAS}
    area = frame["service_area"].astype("object").map(area_names).fillna("").astype("str")
    text = frame["contract_id"]
    for part in (frame["system"], frame["supplier"], frame["manufacturer"],
                 frame["authority_name"], area):
        text = text + " | " + part
    frame["search_text"] = text.str.lower().astype("str")


# --- public API ----------------------------------------------------------------------------------

@dataclass
class _ContractsResult:
    frame: pd.DataFrame
    problems: list[Problem]
    rows: int
    encoding: str
    table: _Table | None = None  # the cells as read (techmap.store keeps them as published)


def _read_contracts(path: Path, label: str, sources: Collection[str] | None) -> _ContractsResult:
    problems: list[Problem] = []
    table = _Table(list(COLUMN_NAMES), [], [])
    try:
        table = _read_table(path, label, problems)
    except _Unreadable as exc:
        problems.append(Problem(label, exc.line, "-", "", str(exc)))
        return _ContractsResult(_typed_frame(table, label, None, []), problems, 0, table.encoding)
    except OSError as exc:
        problems.append(Problem(label, WHOLE_FILE_LINE, "-", "",
                                f"cannot read file: {exc.strerror or exc}"))
        return _ContractsResult(_typed_frame(table, label, None, []), problems, 0, table.encoding)
    frame = _typed_frame(table, label, sources, problems)
    return _ContractsResult(frame, problems, len(table.rows), table.encoding, table)


def read_contracts(path: Path, *, file_label: str | None = None,
                   sources: Collection[str] | None = None) -> tuple[pd.DataFrame, list[Problem]]:
    """Read and check a contracts file (CSV in UTF-8 or Windows-1252, or .xlsx).

    Returns the typed frame documented in techmap.dataset (every row kept; unreadable cells left
    blank) and every problem found, errors and warnings, in line order. `sources`, when given (the
    keys of a manifest's sources), is the allow-list of the `source` column. Never raises for bad
    input: an unexpected failure becomes a Problem too.
    """
    label = file_label or str(path)
    try:
        result = _read_contracts(Path(path), label, sources)
    except Exception as exc:  # a bug must not hide the file's other problems behind a traceback
        empty = _typed_frame(_Table(list(COLUMN_NAMES), [], []), label, None, [])
        return empty, [_unexpected(label, exc)]
    return result.frame, result.problems


def _unexpected(label: str, exc: Exception) -> Problem:
    return Problem(label, WHOLE_FILE_LINE, "-", "", f"unexpected error while checking this file "
                   f"({type(exc).__name__}: {exc}); please report it")


def _object_line(text: str) -> int:
    """The line where the manifest's top-level object opens (what a missing key belongs to)."""
    return text.count("\n", 0, max(text.find("{"), 0)) + 1


def _key_line(text: str, key: str) -> int | None:
    match = re.search(rf'"{re.escape(key)}"\s*:', text)
    return text.count("\n", 0, match.start()) + 1 if match else None


def check_manifest(path: Path, *, file_label: str | None = None
                   ) -> tuple[dict[str, Any] | None, list[Problem]]:
    """Read and check manifest.json: returns (manifest or None when unreadable, problems)."""
    label = file_label or str(path)
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        return None, [Problem(label, WHOLE_FILE_LINE, "-", "", "missing: a dataset folder needs "
                              "manifest.json next to contracts.csv")]
    except UnicodeDecodeError as exc:
        line = exc.object[:exc.start].count(b"\n") + 1
        return None, [Problem(label, line, "-", "", f"not UTF-8 text (byte {exc.start}); save "
                              "the file as UTF-8")]
    except OSError as exc:
        return None, [Problem(label, WHOLE_FILE_LINE, "-", "",
                              f"cannot read file: {exc.strerror or exc}")]
    try:
        manifest = json.loads(text)
    except json.JSONDecodeError as exc:
        return None, [Problem(label, exc.lineno, "-", "",
                              f"not valid JSON: {exc.msg} (column {exc.colno})")]
    if not isinstance(manifest, dict):
        return None, [Problem(label, 1, "-", "", "must be a JSON object {...}")]

    problems: list[Problem] = []

    def add(key: str, value: object, reason: str) -> None:
        shown = "" if value is None else value if isinstance(value, str) else json.dumps(value)
        problems.append(Problem(label, _key_line(text, key), key, shown[:200], reason))

    for key in MANIFEST_REQUIRED_KEYS:
        if key not in manifest:
            problems.append(Problem(label, _object_line(text), key, "", "required key is missing"))
    for key in ("title", "licence"):
        if key in manifest and not (isinstance(manifest[key], str) and manifest[key].strip()):
            add(key, manifest[key], "must be a non-empty text")
    if "as_of" in manifest:
        value = manifest["as_of"]
        if not (isinstance(value, str) and _ISO_DATE.match(value) and _is_date(value)):
            add("as_of", value, "not a date; use YYYY-MM-DD")
    if "synthetic" in manifest and manifest["synthetic"] not in MANIFEST_SYNTHETIC_VALUES:
        add("synthetic", manifest["synthetic"],
            f"must be one of: {', '.join(MANIFEST_SYNTHETIC_VALUES)}")
    if "sources" in manifest:
        sources = manifest["sources"]
        if not isinstance(sources, dict) or not sources:
            add("sources", sources, "must be a non-empty object {id: {title, url, ...}}")
        else:
            for key, value in sources.items():
                if not isinstance(value, dict):
                    add(key, value, "each source must be an object {title, url, licence, ...}")
    return manifest, problems


def _is_date(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


def _manifest_sources(manifest: Mapping[str, Any] | None) -> list[str] | None:
    sources = manifest.get("sources") if manifest else None
    return list(sources) if isinstance(sources, dict) and sources else None


@dataclass
class _Check:
    problems: list[Problem]
    rows: int = 0
    encoding: str = "utf-8"
    manifest: dict[str, Any] | None = None
    frame: pd.DataFrame | None = None
    table: _Table | None = None


def _check_synthetic_flag(manifest: Mapping[str, Any], frame: pd.DataFrame,
                          label: str, text: str) -> list[Problem]:
    """The manifest's synthetic summary should agree with the rows (the banner depends on it)."""
    flag = manifest.get("synthetic")
    synthetic = int(frame["synthetic"].sum())
    line = _key_line(text, "synthetic")
    if flag == "none" and synthetic:
        return [Problem(label, line, "synthetic", flag, f"but {synthetic:,} rows are synthetic; "
                        "use 'mixed' or 'all'", "warning")]
    if flag == "all" and synthetic < len(frame):
        return [Problem(label, line, "synthetic", flag, f"but {len(frame) - synthetic:,} rows are "
                        "not synthetic; use 'mixed'", "warning")]
    if flag == "mixed" and len(frame) and synthetic in (0, len(frame)):
        word = "all" if synthetic else "none"
        return [Problem(label, line, "synthetic", flag, f"but {word} of the rows are synthetic; "
                        f"use {word!r}", "warning")]
    return []


def _check_path(path: Path) -> _Check:
    if path.is_dir():
        manifest_path, contracts_path = path / MANIFEST_FILE, path / CONTRACTS_FILE
        try:
            manifest, problems = check_manifest(manifest_path)
        except Exception as exc:
            manifest, problems = None, [_unexpected(str(manifest_path), exc)]
        if not contracts_path.exists():
            problems.append(Problem(str(contracts_path), WHOLE_FILE_LINE, "-", "", "missing: a "
                                    "dataset folder needs contracts.csv next to manifest.json"))
            return _Check(problems, manifest=manifest)
        sources = _manifest_sources(manifest)
        try:
            result = _read_contracts(contracts_path, str(contracts_path), sources)
        except Exception as exc:
            return _Check([*problems, _unexpected(str(contracts_path), exc)], manifest=manifest)
        problems.extend(result.problems)
        if manifest is not None and result.rows:
            text = manifest_path.read_text(encoding="utf-8-sig")
            problems.extend(_check_synthetic_flag(manifest, result.frame, str(manifest_path), text))
            header = result.table.names if result.table is not None else COLUMN_NAMES
            problems.extend(dataset_warnings(result.frame, str(contracts_path), header))
        return _Check(problems, result.rows, result.encoding, manifest, result.frame, result.table)
    try:
        result = _read_contracts(path, str(path), None)
    except Exception as exc:
        return _Check([_unexpected(str(path), exc)])
    return _Check(result.problems, result.rows, result.encoding, None, result.frame)


def _no_such_path(path: Path) -> Problem:
    return Problem(str(path), WHOLE_FILE_LINE, "-", "", "no such file or folder")


def validate_path(path: Path) -> list[Problem]:
    """Every problem of a dataset folder (manifest.json + contracts.csv) or of a single contracts
    file (no manifest, so no check of the source column)."""
    path = Path(path)
    if not path.exists():
        return [_no_such_path(path)]
    return _check_path(path).problems


def load_validated(path: Path) -> Dataset:
    """Load a dataset folder. Raises DatasetError with every problem when it has errors; the
    warnings are kept on the Dataset."""
    path = Path(path)
    if not path.is_dir():
        reason = "no such folder" if not path.exists() else (
            "not a dataset folder (a folder with manifest.json and contracts.csv)")
        raise DatasetError([Problem(str(path), WHOLE_FILE_LINE, "-", "", reason)])
    check = _check_path(path)
    if any(p.severity == "error" for p in check.problems) or check.frame is None:
        raise DatasetError(check.problems)
    assert check.manifest is not None  # no errors means the manifest was read
    warnings = tuple(p for p in check.problems if p.severity == "warning")
    return Dataset(path=path, manifest=check.manifest, contracts=check.frame, warnings=warnings)


def _plural(count: int, word: str) -> str:
    return f"{count:,} {word}{'' if count == 1 else 's'}"


def summary_line(problems: list[Problem], rows: int, encoding: str = "utf-8") -> str:
    """'3 errors, 2 warnings in 1,203 rows' or 'OK: 1,203 rows, 0 errors, 12 warnings'."""
    errors = sum(p.severity == "error" for p in problems)
    warnings = len(problems) - errors
    if errors:
        text = (f"{_plural(errors, 'error')}, {_plural(warnings, 'warning')} "
                f"in {_plural(rows, 'row')}")
    else:
        text = f"OK: {_plural(rows, 'row')}, 0 errors, {_plural(warnings, 'warning')}"
    if encoding not in ("utf-8", "utf-8-sig", "xlsx"):
        text += f" (read as {ENCODING_NAMES.get(encoding, encoding)})"
    return text


def _emit(text: str, stream: Any = None) -> None:
    """print(), but a console that cannot show '£' or 'é' gets escapes instead of a traceback."""
    stream = stream or sys.stdout
    try:
        print(text, file=stream)
    except UnicodeEncodeError:
        encoding = getattr(stream, "encoding", None) or "ascii"
        print(text.encode(encoding, "backslashreplace").decode(encoding), file=stream)


def run_validate_command(path: Path) -> int:
    """`python -m techmap validate PATH`: every problem, then a summary. Exit 0 without errors,
    1 with errors (a PATH that does not exist is one, reported like the others)."""
    path = Path(path)
    check = _check_path(path) if path.exists() else _Check([_no_such_path(path)])
    for problem in check.problems:
        _emit(str(problem))
    _emit(summary_line(check.problems, check.rows, check.encoding))
    return 1 if any(p.severity == "error" for p in check.problems) else 0
