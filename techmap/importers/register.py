"""Council contracts registers (Local Government Transparency Code 2015: contracts over £5,000,
published quarterly) as CSV or Excel -> technology contracts rows for one borough.

Registers follow no single layout. The LGA's recommended 39-column layout (Annex I of "Local
transparency guidance", 2014) is common, but councils rename, drop and add columns, put a title
block above the header, mix date formats in one column and write values as "£1,234.56 + VAT".
This module finds the header row, maps the columns it knows (COLUMN_VARIANTS, then looser
word rules), and reads every row, accounting for each one in the report.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from techmap.dataformat.authorities import Authority, by_code, match_authority
from techmap.importers.cells import (
    Money,
    Read,
    clean_text,
    date_text,
    money_text,
    read_date,
    read_money,
)
from techmap.importers.classify import (
    classify_service_area,
    cpv_codes,
    decide_technology,
    detect_hosting,
    detect_route,
)
from techmap.importers.notice_evidence import stamp_listing
from techmap.importers.report import ImportReport, Kept
from techmap.importers.rows import (OGL3, ImportResult, contract_row, file_date, file_source,
                                    finish_suppliers, official_name, short_hash, source_key,
                                    system_and_maker)
from techmap.dataformat.parsing import decode_text
from techmap.dataformat.problems import Problem
from techmap.dataformat.schema import slugify
from techmap.analysis.suppliers import normalise_supplier

HEADER_SEARCH_ROWS = 40  # a title block above the header is rarely longer than this
EXCEL_SUFFIXES = frozenset({".xlsx", ".xlsm"})
OLD_FORMATS = frozenset({".xls", ".ods", ".numbers"})


def normalise_header(text: object) -> str:
    """'Contract Value (£) ' -> 'contract value'; "Supplier's Name" -> 'suppliers name'."""
    value = clean_text(text).lower().replace("&", " and ").replace("'", "").replace("’", "")
    value = re.sub(r"\(\s*£\s*\)|£|\(\s*gbp\s*\)", " ", value)
    return " ".join(re.sub(r"[^a-z0-9]+", " ", value).split())


# Field -> header names as written by councils (normalised by `normalise_header`). Exact matches
# are tried first, field by field in this order, so that 'end date including extensions' is taken
# as the latest end before 'end date' is looked for.
COLUMN_VARIANTS: dict[str, tuple[str, ...]] = {
    "reference": (
        "reference", "contract reference", "ref", "ref no", "ref number", "reference no",
        "reference number", "contract ref", "contract ref no", "contract reference number",
        "contract reference no", "contract reference number id", "contract reference id",
        "contract id", "contract no", "contract number", "our ref", "unique id", "id",
        "reference id", "contract code",
    ),
    "title": (
        "title", "contract title", "title of the agreement", "title of agreement",
        "agreement title", "title of contract", "contract name", "name of contract",
        "project title", "subject", "contract",
    ),
    "description": (
        "description", "contract description", "description of goods and services",
        "description of goods services", "description of the goods services or works",
        "description of contract", "goods and services", "service description", "details",
        "summary", "scope", "contract details",
    ),
    "supplier": (
        "supplier", "supplier name", "suppliers name", "name of supplier", "contractor",
        "contractor name", "contractors name", "provider", "provider name", "vendor",
        "vendor name", "awarded to", "suppliers", "company name", "supplier details",
    ),
    "company_number": (
        "supplier registered company number", "company number", "companies house number",
        "company registration number", "company reg no", "registered company number",
        "company no", "supplier company number", "crn", "company registration no",
    ),
    "max_end": (
        "end date including extensions", "end date inc extensions", "end date incl extensions",
        "end date with extensions", "max end date", "maximum end date", "latest end date",
        "final end date", "final expiry date", "expiry date including extensions",
        "extended end date", "end date if all extensions taken", "potential end date",
        "contract end date including extensions", "end date including all extensions",
    ),
    "start": (
        "start date", "contract start", "contract start date", "start", "commencement date",
        "date of commencement", "date from", "from", "start of contract", "contract commencement",
    ),
    "end": (
        "end date", "contract end", "contract end date", "end", "expiry", "expiry date",
        "contract expiry", "contract expiry date", "date to", "to", "termination date",
        "finish date", "current end date", "end of contract", "end date excluding extensions",
    ),
    "review": (
        "review date", "contract review date", "date of review", "next review date",
        "extension date", "last extension date", "extension option date", "notice date",
        "break date",
    ),
    "annual_value": (
        "annual value", "estimated annual spend", "annual spend", "annual contract value",
        "estimated annual value", "value per annum", "annual cost", "yearly value",
        "annual amount", "per annum", "value pa", "estimated annual cost", "average annual value",
        "annual value excluding vat", "annual value exc vat",
    ),
    "total_value": (
        "value", "total value", "contract value", "total contract value", "estimated value",
        "estimated contract value", "estimated total value", "total estimated value",
        "whole life value", "whole life cost", "value of contract", "value of the contract",
        "lifetime value", "contract value total", "total value excluding vat",
        "total value exc vat", "contract value excluding vat", "amount", "total",
    ),
    "vat": (
        "irrecoverable vat", "vat", "vat note", "vat notes", "inclusive of vat", "vat status",
    ),
    "cpv": (
        "cpv", "cpv code", "cpv codes", "procurement classification cpv code", "main cpv code",
        "cpv classification", "cpv code s",
    ),
    "cpv_label": (
        "cpv label", "procurement classification cpv label", "cpv description",
    ),
    "category": (
        "category", "procurement category", "procurement classification councils procurement "
        "category label", "service category label", "procurement classification proclass label",
        "proclass label", "spend category", "contract category", "category label",
        "contract type", "type of contract",
    ),
    "department": (
        "directorate", "department", "service", "service area", "directorate service responsible",
        "service responsible", "business unit", "division", "directorate service",
        "responsible department", "commissioning directorate",
    ),
    "route": (
        "tender process type", "procurement route", "procurement method", "route to market",
        "procurement procedure", "procedure", "framework", "tender process", "framework used",
    ),
    "organisation": (
        "organisation name", "organisation", "authority", "council", "body name",
        "authority name", "local authority", "organisation label",
    ),
    "effective_date": (
        "effective date", "as at", "as at date", "date of publication", "publication date",
        "data as at", "extract date", "last updated",
    ),
}

# Looser rules for headers no variant names exactly: (field, words that must all appear,
# words that must not). Tried in this order after the exact pass.
COLUMN_WORD_RULES: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...] = (
    ("max_end", ("including", "extension"), ()),
    ("max_end", ("end", "extension"), ("last", "review")),
    ("annual_value", ("annual",), ("date",)),
    ("annual_value", ("per", "annum"), ("date",)),
    ("annual_value", ("p", "a"), ("date",)),  # 'p.a.
    ("reference", ("reference",), ("supplier", "company", "charity", "ocds", "open")),
    ("reference", ("ref",), ("supplier", "company")),
    ("title", ("title",), ()),
    ("description", ("description",), ("cpv", "proclass", "category")),
    ("supplier", ("supplier", "name"), ()),
    ("supplier", ("contractor",), ()),
    ("company_number", ("company", "number"), ()),
    ("start", ("start",), ()),
    ("end", ("end",), ("extension", "review")),
    ("end", ("expiry",), ("extension",)),
    ("review", ("review",), ()),
    ("review", ("extension",), ()),
    ("total_value", ("value",), ("vat", "annual")),
    ("cpv", ("cpv",), ("label", "description")),
    ("category", ("category",), ("uri",)),
    ("department", ("directorate",), ()),
    ("department", ("department",), ()),
)

REQUIRED_FOR_HEADER = ("supplier",)
NEEDS_ONE_OF = ("title", "description")


@dataclass
class ColumnMap:
    fields: dict[str, int] = field(default_factory=dict)  # field -> column position
    headers: list[str] = field(default_factory=list)  # header cells as written

    def score(self) -> int:
        return len(self.fields)

    def usable(self) -> bool:
        return (all(f in self.fields for f in REQUIRED_FOR_HEADER)
                and any(f in self.fields for f in NEEDS_ONE_OF) and self.score() >= 3)


def _has_word(words: set[str], needed: str) -> bool:
    """'start' is in 'date contract starts'; words under 3 letters must match exactly."""
    if len(needed) < 3:
        return needed in words
    return any(word.startswith(needed) for word in words)


def map_columns(header: list[object]) -> ColumnMap:
    names = [normalise_header(h) for h in header]
    result = ColumnMap(headers=[clean_text(h) for h in header])
    used: set[int] = set()
    for name, variants in COLUMN_VARIANTS.items():
        for variant in variants:
            position = next((i for i, n in enumerate(names) if n == variant and i not in used),
                            None)
            if position is not None:
                result.fields[name] = position
                used.add(position)
                break
    for name, needed, excluded in COLUMN_WORD_RULES:
        if name in result.fields:
            continue
        for position, header_name in enumerate(names):
            words = set(header_name.split())
            if position in used or not header_name:
                continue
            if all(_has_word(words, w) for w in needed) and not any(w in words for w in excluded):
                result.fields[name] = position
                used.add(position)
                break
    return result


# --- reading the file ----------------------------------------------------------------------------

@dataclass
class Table:
    records: list[tuple[int, list[object]]]  # (line or row number, cells)
    described: str  # "CSV, Windows-1252" / "Excel sheet 'Contracts'"


class RegisterError(Exception):
    def __init__(self, problem: Problem):
        super().__init__(str(problem))
        self.problem = problem


def _csv_table(path: Path, label: str) -> Table:
    data = path.read_bytes()
    if data.startswith(b"PK\x03\x04"):
        raise RegisterError(Problem(label, None, "-", "", "this is an Excel (zip) file; name it "
                                    ".xlsx"))
    text, encoding = decode_text(data)
    if not text.strip():
        raise RegisterError(Problem(label, None, "-", "", "file is empty"))
    sample = "\n".join(text.splitlines()[:HEADER_SEARCH_ROWS])
    counts = {d: sample.count(d) for d in (",", ";", "\t")}
    delimiter = max(counts, key=lambda d: counts[d]) if any(counts.values()) else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    records: list[tuple[int, list[object]]] = []
    previous = 0
    try:
        for record in reader:
            start, previous = previous + 1, reader.line_num
            records.append((start, list(record)))
    except csv.Error as exc:
        raise RegisterError(Problem(label, previous + 1, "-", "", f"cannot read CSV: {exc} "
                                    "(an unclosed quote can cause this)")) from None
    names = {"utf-8": "UTF-8", "utf-8-sig": "UTF-8 with BOM", "cp1252": "Windows-1252",
             "latin-1": "Latin-1", "utf-16": "UTF-16"}
    shown = {",": "comma", ";": "semicolon", "\t": "tab"}[delimiter]
    return Table(records, f"CSV ({names.get(encoding, encoding)}, {shown}-separated)")


def _excel_tables(path: Path, label: str) -> list[tuple[str, Table]]:
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged file
        raise RegisterError(Problem(label, None, "-", "", f"cannot open as an Excel workbook: "
                                    f"{exc}")) from None
    tables: list[tuple[str, Table]] = []
    try:
        for sheet in book.worksheets:
            records = [(number, list(values)) for number, values in
                       enumerate(sheet.iter_rows(values_only=True), start=1)]
            tables.append((sheet.title, Table(records, f"Excel sheet {sheet.title!r}")))
    finally:
        book.close()
    return tables


def _find_header(table: Table) -> tuple[int, ColumnMap] | None:
    best: tuple[int, ColumnMap] | None = None
    for index, (_, cells) in enumerate(table.records[:HEADER_SEARCH_ROWS]):
        mapping = map_columns(cells)
        if mapping.usable() and (best is None or mapping.score() > best[1].score()):
            best = (index, mapping)
            if mapping.score() >= 6:
                break  # a clear header; later rows are data
    return best


@dataclass
class Sheet:
    """A table with a contracts header: a CSV file, or one sheet of a workbook."""

    name: str  # the sheet's name; "" for a CSV file
    table: Table
    header_index: int  # index of the header record in table.records
    columns: ColumnMap

    def where(self, row: int) -> int | str:
        """A row's place for the report: the CSV line, or "sheet!row" in a workbook."""
        return f"{self.name}!{row}" if self.name else row


@dataclass
class Workbook:
    sheets: list[Sheet]  # every table with a contracts header, in file order
    passed_over: list[tuple[str, int]]  # (sheet name, non-empty rows) of sheets without one


EXPECTED_HEADER = "'Title' (or 'Description'), 'Supplier' and one more such as 'Start date'"


def read_register_tables(path: Path, label: str) -> Workbook:
    """Every table of the file that has a contracts header (registers often have one sheet per
    quarter or year), and the sheets that have none. Raises RegisterError when no table has
    one, or the file cannot be read."""
    suffix = path.suffix.lower()
    if suffix in OLD_FORMATS:
        raise RegisterError(Problem(label, None, "-", "", f"{suffix} files are not read; save "
                                    "the sheet as .xlsx or CSV"))
    if not path.exists():
        raise RegisterError(Problem(label, None, "-", "", "no such file"))
    candidates = (_excel_tables(path, label) if suffix in EXCEL_SUFFIXES
                  else [("", _csv_table(path, label))])
    book = Workbook([], [])
    for name, table in candidates:
        _refuse_flattened_ocds(table, label)
        found = _find_header(table)
        if found is not None:
            book.sheets.append(Sheet(name, table, found[0], found[1]))
        else:
            rows = sum(1 for _, cells in table.records if any(clean_text(c) for c in cells))
            book.passed_over.append((name, rows))
    if not book.sheets:
        where = "" if suffix not in EXCEL_SUFFIXES else (
            " of any sheet (" + ", ".join(repr(n) for n, _ in book.passed_over) + ")")
        raise RegisterError(Problem(label, None, "-", "", f"no header row found in the first "
                                    f"{HEADER_SEARCH_ROWS} rows{where}: expected columns "
                                    f"{EXPECTED_HEADER}; see docs/importing.md for the names "
                                    "understood"))
    return book


def _refuse_flattened_ocds(table: Table, label: str) -> None:
    """Contracts Finder's "Notices Data CSV" export is OCDS flattened to one column per JSON path
    ('releases/0/tender/title'). Its headers pass for a register's ('title', 'suppliers/0/name')
    while meaning something else, so it is recognised first and sent to the OCDS importer."""
    for line, cells in table.records[:HEADER_SEARCH_ROWS]:
        paths = [c for c in (clean_text(x) for x in cells) if c.startswith("releases/")]
        if len(paths) >= 3:
            raise RegisterError(Problem(
                label, line, "-", paths[0],
                "this is Contracts Finder's flattened OCDS export (columns such as "
                "'releases/0/tender/title'), not a contracts register: import it with "
                f"python -m techmap import ocds {label} --out DATASET"))


# --- rows ----------------------------------------------------------------------------------------

_DATE_IN_TEXT = re.compile(r"(\d{1,2}[/.\-]\d{1,2}[/.\-]\d{2,4}"
                           r"|\d{1,2}(?:st|nd|rd|th)?\s+[A-Za-z]{3,9}\s+\d{4}"
                           r"|\d{4}-\d{2}-\d{2})")


@dataclass
class _Candidate:
    line: int | str  # the CSV line or "sheet!row"
    order: int  # position across all sheets read, for "the later line wins"
    contract_id: str
    row: dict[str, str]
    number: str
    why: str
    area_reason: str
    flags: list[tuple[str, str, str]]  # (column, value, reason)
    reference: str


def import_register(path: Path, authority: Authority, *, url: str = "",
                    licence: str = OGL3) -> ImportResult:
    """Read a register file (every sheet with a contracts header) and return the technology rows
    for `authority`, with the report."""
    path = Path(path)
    label = str(path)
    report = ImportReport(kind="register", files=[label])
    source = source_key("register", authority.slug, path.stem)
    report.sources[source] = label
    try:
        book = read_register_tables(path, label)
    except RegisterError as exc:
        report.fatal.append(exc.problem)
        return ImportResult([], report)

    for name, rows in book.passed_over:
        if rows:
            report.skip(label, f"{name}!1", "-", name, f"sheet {name!r} has no contracts header "
                        f"in its first {HEADER_SEARCH_ROWS} rows (expected columns "
                        f"{EXPECTED_HEADER}), so its {rows:,} non-empty rows are not imported",
                        "sheet without a contracts header")
        else:
            report.notes.append(f"sheet {name!r} is empty")
    candidates: list[_Candidate] = []
    effective: list[date] = []
    other_orgs: Counter[str] = Counter()
    for sheet in book.sheets:
        _read_sheet(sheet, label, authority, source, report, candidates, effective, other_orgs)
    for name, count in other_orgs.most_common():
        report.notes.append(f"{count:,} rows name the organisation {name!r}, which is not a "
                            f"London borough: imported for {authority.name} as given by "
                            "--authority")

    kept = _resolve_duplicates(candidates, label, report)
    rows = [c.row for c in kept]
    rows = finish_suppliers(rows, [c.number for c in kept], report)
    for candidate, row in zip(kept, rows, strict=True):
        candidate.row = row
        report.kept.append(Kept(label, candidate.line, row["contract_id"], candidate.why,
                                row["service_area"], candidate.area_reason))
        for column, value, reason in candidate.flags:
            report.flag(label, candidate.line, column, value, reason)

    as_of, as_of_from = _as_of(path, effective, book.sheets)
    report.notes.append(f"as_of {as_of} ({as_of_from})")
    stamp_listing(rows, url, path, as_of, as_of_from, report.notes)
    publisher = official_name(authority.code, authority.name)
    title = f"{publisher}: contracts register ({path.name})"
    report_sources = {source: file_source("register", path, title=title, url=url, publisher=publisher,
                                          licence=licence, as_of=as_of)}
    return ImportResult(rows, report, report_sources,
                        title=f"{publisher}: technology contracts",
                        description=f"Technology contracts of {publisher}, imported from its "
                                    "published contracts register with python -m techmap import.")


def _read_sheet(sheet: Sheet, label: str, authority: Authority, source: str,
                report: ImportReport, candidates: list[_Candidate], effective: list[date],
                other_orgs: Counter[str]) -> None:
    """Read the rows of one table below its header into `candidates`, accounting for each."""
    table, header_index, columns = sheet.table, sheet.header_index, sheet.columns
    # In a workbook every note names its sheet; a CSV file has one table, so no prefix.
    prefix = f"sheet {sheet.name!r}: " if sheet.name else ""
    header_line = table.records[header_index][0]
    place = "row" if sheet.name else "line"
    report.notes.append(f"{prefix}read as {table.described}; header on {place} {header_line}")
    if header_index:
        block = " | ".join(clean_text(c) for _, cells in table.records[:header_index]
                           for c in cells if clean_text(c))
        report.notes.append(f"{prefix}{place}s 1-{header_line - 1} above the header read as a "
                            f"title block: {block[:160]!r}")
    for name, position in columns.fields.items():
        report.notes.append(f"{prefix}column {columns.headers[position]!r} -> {name}")
    unused = [h for i, h in enumerate(columns.headers) if h and i not in columns.fields.values()]
    if unused:
        report.notes.append(f"{prefix}columns not used: " + ", ".join(repr(h) for h in unused))

    def cell(cells: list[object], name: str) -> object:
        position = columns.fields.get(name)
        return cells[position] if position is not None and position < len(cells) else None

    def text(cells: list[object], name: str) -> str:
        return clean_text(cell(cells, name))

    header_key = [normalise_header(h) for h in table.records[header_index][1]]
    empty = 0
    for number, cells in table.records[header_index + 1:]:
        line = sheet.where(number)
        if not any(clean_text(c) for c in cells):
            empty += 1
            continue
        report.read += 1
        if [normalise_header(c) for c in cells] == header_key:
            report.skip(label, line, "-", "", "the header row repeated", "repeated header")
            continue
        organisation = text(cells, "organisation")
        if organisation:
            code = match_authority(organisation)
            if code and code != authority.code:
                other = official_name(code, by_code()[code].name)
                report.skip(label, line, "organisation", organisation,
                            f"row is for {other} ({code}), not "
                            f"{official_name(authority.code, authority.name)}",
                            "another borough's row")
                continue
            if code is None:
                other_orgs[organisation] += 1
        eff = read_date(cell(cells, "effective_date"))
        if isinstance(eff.value, date):
            effective.append(eff.value)
        candidate = _read_row(label, line, len(candidates), cells, text, cell, authority, source,
                              report)
        if candidate is not None:
            extra = [clean_text(c) for c in cells[len(header_key):] if clean_text(c)]
            if extra:
                candidate.flags.append(("-", ", ".join(extra), f"row has {len(cells)} fields but "
                                        f"the header has {len(header_key)}: an unquoted comma "
                                        "may have shifted the columns after it"))
            candidates.append(candidate)
    if empty:
        report.notes.append(f"{prefix}{empty:,} empty rows ignored")


def _read_row(label: str, line: int | str, order: int, cells: list[object],
              text: Callable[[list[object], str], str],
              cell: Callable[[list[object], str], object], authority: Authority, source: str,
              report: ImportReport) -> _Candidate | None:
    title, description = text(cells, "title"), text(cells, "description")
    if description == title:
        description = ""  # registers often repeat the title as the description
    supplier_raw = text(cells, "supplier")
    shown = title or description or supplier_raw
    if not title and not description:
        report.skip(label, line, "title", "", "no title or description", "no title")
        return None
    if not supplier_raw:
        report.skip(label, line, "supplier", "", f"no supplier named ({shown[:60]!r})",
                    "no supplier")
        return None
    codes = cpv_codes(cell(cells, "cpv"))
    category = " ".join(x for x in (text(cells, "category"), text(cells, "cpv_label")) if x)
    department = text(cells, "department")
    decision = decide_technology(codes, [("title", title), ("description", description),
                                         ("category", category)])
    if not decision.keep:
        report.skip(label, line, "cpv" if codes else "title", ", ".join(codes) or shown,
                    decision.reason, "not technology")
        return None

    flags: list[tuple[str, str, str]] = []
    dates: dict[str, date | None] = {}
    for name, column in (("start", "start_date"), ("end", "end_date"), ("max_end", "max_end_date"),
                         ("review", "review_date")):
        read: Read = read_date(cell(cells, name))
        dates[column] = read.value if isinstance(read.value, date) else None
        if read.note:
            flags.append((column, clean_text(cell(cells, name)), read.note))
    start, end, max_end = dates["start_date"], dates["end_date"], dates["max_end_date"]
    if start and end and end < start:
        flags.append(("end_date", end.isoformat(), f"ends before it starts ({start.isoformat()}); "
                      "end date left blank"))
        dates["end_date"] = end = None
    if max_end and end and max_end < end:
        flags.append(("max_end_date", max_end.isoformat(), "latest end is before the end date; "
                      "left blank"))
        dates["max_end_date"] = None

    total: Money = read_money(cell(cells, "total_value"))
    annual: Money = read_money(cell(cells, "annual_value"))
    for money, column, name in ((total, "total_value_gbp", "total_value"),
                                (annual, "annual_value_gbp", "annual_value")):
        if money.note:
            flags.append((column, clean_text(cell(cells, name)), money.note))
    total_amount, annual_amount = total.amount, annual.amount
    if total.annual and total_amount is not None and annual_amount is None:
        annual_amount, total_amount = total_amount, None
        flags.append(("total_value_gbp", clean_text(cell(cells, "total_value")),
                      "says it is a yearly figure; read as the annual value"))

    supplier, _ = normalise_supplier(supplier_raw, text(cells, "company_number"))
    reference = text(cells, "reference")
    if reference:
        contract_id = f"{authority.code}-{reference}"
    else:
        contract_id = (f"{authority.code}-R{short_hash(title, supplier, date_text(start))}")
        flags.append(("contract_id", contract_id, "no contract reference: ID made from the "
                                                  "title, supplier and start date"))
    system, manufacturer = system_and_maker(title, description, supplier)
    area = classify_service_area([("title", title), ("description", description),
                                  ("category", category), ("department", department)], codes)
    route = text(cells, "route") or detect_route([title, description])
    row = contract_row(
        contract_id=contract_id, authority_code=authority.code, service_area=area.slug,
        system=system, manufacturer=manufacturer, supplier=supplier,
        start_date=date_text(dates["start_date"]), end_date=date_text(dates["end_date"]),
        max_end_date=date_text(dates["max_end_date"]),
        review_date=date_text(dates["review_date"]),
        annual_value_gbp=money_text(annual_amount), total_value_gbp=money_text(total_amount),
        hosting=detect_hosting([title, description]), procurement_route=route,
        source=source, synthetic="false",
    )
    return _Candidate(line, order, contract_id, row, text(cells, "company_number"),
                      decision.reason, area.reason, flags, reference)


def _resolve_duplicates(candidates: list[_Candidate], label: str, report: ImportReport
                        ) -> list[_Candidate]:
    """Registers repeat a reference for lots with different suppliers (made unique with the
    supplier) and repeat whole lines (folded into the last one, which wins)."""
    by_id: dict[str, list[_Candidate]] = defaultdict(list)
    for candidate in candidates:
        by_id[candidate.contract_id].append(candidate)
    for contract_id, group in by_id.items():
        suppliers = list(dict.fromkeys(c.row["supplier"] for c in group))
        if len(suppliers) > 1:
            lines = ", ".join(str(c.line) for c in group)
            for candidate in group:
                new_id = f"{contract_id}-{slugify(candidate.row['supplier'])}"
                candidate.contract_id = candidate.row["contract_id"] = new_id
                candidate.flags.append(("contract_id", new_id,
                                        f"reference {candidate.reference!r} is used for "
                                        f"{len(suppliers)} suppliers (lines {lines}); the "
                                        "supplier is added to the ID"))
    final: dict[str, _Candidate] = {}
    for candidate in candidates:
        earlier = final.get(candidate.contract_id)
        if earlier is not None:
            same = earlier.row == {**candidate.row}
            reason = (f"same as line {candidate.line}" if same else
                      f"superseded by line {candidate.line} (same reference and supplier; the "
                      "later line is kept)")
            report.fold(label, earlier.line, "contract_id", earlier.contract_id, reason,
                        "duplicate line" if same else "superseded line")
        final[candidate.contract_id] = candidate
    return sorted(final.values(), key=lambda c: c.order)


def _as_of(path: Path, effective: list[date], sheets: list[Sheet]) -> tuple[str, str]:
    if effective:
        return max(effective).isoformat(), "latest effective date in the file"
    found: list[date] = []
    for sheet in sheets:  # a date in a title block ("as at 30/06/2025"); the latest of them
        for _, cells in sheet.table.records[:sheet.header_index]:
            for value in cells:
                read = read_date(value)
                if isinstance(read.value, date):
                    found.append(read.value)
                elif match := _DATE_IN_TEXT.search(clean_text(value)):
                    in_text = read_date(match[1])
                    if isinstance(in_text.value, date):
                        found.append(in_text.value)
    if found:
        return max(found).isoformat(), "date in the title block"
    return file_date(path), "the file's modification date"
