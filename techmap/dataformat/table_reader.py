"""Reading a contracts file (CSV in UTF-8 or Windows-1252, or Excel) into rows of text, with a
problem for every structural fault: the header, ragged rows, over-long fields, unreadable files.
What the cells mean is checked afterwards (techmap.dataformat.contract_checks)."""

from __future__ import annotations

import csv
import gc
import io
import re
import threading
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path

import numpy as np

from techmap.dataformat.parsing import decode_text, iso_or_blank
from techmap.dataformat.problems import WHOLE_FILE_LINE, Problem
from techmap.dataformat.schema import COLUMNS_BY_NAME

EXCEL_SUFFIXES = frozenset({".xlsx", ".xlsm"})
UNSUPPORTED_SUFFIXES = frozenset({".xls", ".ods", ".numbers"})
# The most characters a spreadsheet cell holds (Excel's limit): a longer CSV field is almost always
# an unclosed quote or not a contracts file, and is reported. The field is still read (csv's own
# 128 KB limit would stop the whole file at it, hiding every later row's problems).
MAX_FIELD_CHARS = 32_767


class Unreadable(Exception):
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


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while a table is read and typed. Reading 100k rows
    makes millions of strings and lists, none of them in a reference cycle, and every few
    thousand new objects the collector would walk them all again: more than half of the time of
    reading a large file. Reference counting still frees everything; the collector resumes after
    (unless it was already paused by the caller)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@dataclass
class Table:
    names: list[str]  # column names after normalising the header, one per kept column
    rows: list[list[str]]  # stripped cells, exactly len(names) per row
    lines: list[int]  # physical line (CSV) or row number (Excel) where each row starts
    encoding: str = "utf-8"
    header_line: int = 1


def _csv_records(text: str, label: str,
                 problems: list[Problem]) -> Iterator[tuple[int, list[str]]]:
    """(first physical line, fields) of each CSV record; blank lines are skipped. Raises
    Unreadable at a record the csv module cannot parse, naming its line."""
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
        raise Unreadable(f"cannot read CSV from this line on: {exc}", previous + 1) from None
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
        raise Unreadable(f"cannot open as an Excel workbook: {exc}") from None
    try:
        sheet = book["contracts"] if "contracts" in book.sheetnames else book.worksheets[0]
        # read-only sheets yield empty tuples for gap rows, so enumerate gives the row number
        for number, values in enumerate(sheet.iter_rows(min_row=1, values_only=True), start=1):
            yield number, [_excel_cell(v) for v in values]
    finally:
        book.close()


def read_table(path: Path, label: str, problems: list[Problem]) -> Table:
    """The file as a header and rows of stripped text. Raises Unreadable when it is not a
    table at all; structural problems (bad header, ragged rows) are appended to `problems`."""
    suffix = path.suffix.lower()
    if suffix in UNSUPPORTED_SUFFIXES:
        raise Unreadable(f"{suffix} files are not read; save the sheet as CSV (UTF-8) or .xlsx")
    encoding = "xlsx"
    scan_nul = scan_long = False  # openpyxl refuses NUL in cells; Excel caps their length
    if suffix in EXCEL_SUFFIXES:
        records: Iterable[tuple[int, list[str]]] = _excel_records(path)
    else:
        data = path.read_bytes()
        if data.startswith(b"PK\x03\x04"):
            raise Unreadable("this is an Excel (zip) file, not CSV text; name it .xlsx or "
                              "save it as CSV")
        text, encoding = decode_text(data)
        if not text.strip():
            raise Unreadable("file is empty")
        records = _csv_records(text, label, problems)
        scan_nul, scan_long = "\x00" in text, len(text) > MAX_FIELD_CHARS

    header: list[str] | None = None
    header_line = 1
    raw_rows: list[list[str]] = []
    lines: list[int] = []
    for line, record in records:
        if not "".join(record).strip():  # one C call: no cell holds more than white space
            continue  # a row of empty cells, as Excel leaves after the data
        if header is None:
            header, header_line = record, line
            continue
        raw_rows.append(record)
        lines.append(line)
    if header is None:
        raise Unreadable("file is empty")  # only empty cells

    names, keep = _normalise_header(header, header_line, raw_rows, label, problems)
    if scan_nul or scan_long:
        _check_cells(header, header_line, raw_rows, lines, dict(zip(keep, names, strict=True)),
                     scan_nul, label, problems)
    width = len(header)
    every_column = keep == list(range(width))
    strip = str.strip
    rows: list[list[str]] = []
    for record, line in zip(raw_rows, lines, strict=True):
        if len(record) != width:
            _ragged_row(record, width, line, label, problems)
            record = record[:width] + [""] * (width - len(record))
        # map() over the whole record is a C loop, ~3x cheaper than indexing each kept cell
        rows.append(list(map(strip, record)) if every_column else [record[i].strip() for i in keep])
    return Table(names, rows, lines, encoding, header_line)


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
