"""The borough survey (the Excel template of survey_template.py, filled in) -> dataset rows.

Survey rows are the borough's own word, so they are all kept when they name a borough, a system
and a supplier: no technology filter. Service areas and hosting are read from their names or
slugs; a missing or unknown service area is worked out from the system's name (and flagged).
Headers are matched by label ("Service area") or by column name ("service_area"), so a sheet
exported from a dataset's contracts.csv reads too.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from techmap.dataformat.authorities import match_authority
from techmap.importers.cells import clean_text, date_text, money_text, read_date, read_money
from techmap.importers.classify import classify_service_area
from techmap.importers.notice_evidence import stamp_listing
from techmap.importers.report import ImportReport, Kept
from techmap.importers.rows import (OGL3, ImportResult, contract_row, file_date, file_source,
                                    finish_suppliers, official_name, short_hash, source_key)
from techmap.importers.survey_skills import read_skill_records, skill_rows
from techmap.importers.survey_template import (
    AS_OF_LABEL,
    SHEET_CONTRACTS,
    SHEET_README,
    SURVEY_COLUMNS,
)
from techmap.dataformat.problems import Problem
from techmap.dataformat.schema import HOSTING_VALUES, SERVICE_AREAS, slugify
from techmap.analysis.suppliers import normalise_supplier, supplier_key

# Extra header spellings people type over the template's labels.
HEADER_ALIASES = {
    "borough": "authority_code", "authority": "authority_code", "council": "authority_code",
    "ons code": "authority_code", "area": "service_area", "product": "system",
    "system name": "system", "vendor": "manufacturer", "contractor": "supplier",
    "start": "start_date", "end": "end_date", "contract end": "end_date",
    "annual value": "annual_value_gbp", "total value": "total_value_gbp",
    "latest end": "max_end_date", "notice date": "review_date", "review date": "review_date",
    "route": "procurement_route", "framework": "procurement_route", "reference": "contract_id",
}
_HOSTING_WORDS = {"saas": "saas", "software as a service": "saas", "cloud": "saas",
                  "hosted": "hosted", "supplier hosted": "hosted", "on premises": "on_premises",
                  "on premise": "on_premises", "on prem": "on_premises", "on site": "on_premises",
                  "unknown": "unknown", "not known": "unknown", "don t know": "unknown"}


def _key(text: object) -> str:
    return " ".join(slugify(clean_text(text)).split("-"))


def _header_index() -> dict[str, str]:
    index = {}
    for column in SURVEY_COLUMNS:
        index[_key(column.label)] = column.name
        index[_key(column.name)] = column.name
    index.update({_key(k): v for k, v in HEADER_ALIASES.items()})
    return index


def _area_index() -> dict[str, str]:
    index = {_key(a.name): a.slug for a in SERVICE_AREAS}
    index.update({_key(a.slug): a.slug for a in SERVICE_AREAS})
    return index


def _find_sheet(book: Any) -> tuple[Any, int, dict[int, str], dict[int, str]] | None:
    names = [SHEET_CONTRACTS] if SHEET_CONTRACTS in book.sheetnames else []
    names += [n for n in book.sheetnames if n not in names]
    index = _header_index()
    for name in names:
        sheet = book[name]
        for number, values in enumerate(sheet.iter_rows(max_row=20, values_only=True), start=1):
            mapping = {i: index[_key(v)] for i, v in enumerate(values) if _key(v) in index}
            if len(set(mapping.values())) >= 3 and "system" in mapping.values():
                labels = {i: clean_text(values[i]) for i in mapping}
                return sheet, number, mapping, labels
    return None


def _as_of(book: Any) -> date | None:
    if SHEET_README not in book.sheetnames:
        return None
    for values in book[SHEET_README].iter_rows(max_row=60, max_col=3, values_only=True):
        if values and clean_text(values[0]).lower().startswith(AS_OF_LABEL.lower()):
            read = read_date(values[1] if len(values) > 1 else None)
            return read.value if isinstance(read.value, date) else None
    return None


def import_survey(path: Path, *, url: str = "", licence: str = OGL3) -> ImportResult:
    path = Path(path)
    label = str(path)
    report = ImportReport(kind="survey", files=[label])
    source = source_key("survey", path.stem)
    report.sources[source] = label
    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        report.fatal.append(Problem(label, None, "-", "", "the survey is an Excel workbook "
                                    "(.xlsx); download the template from the about page"))
        return ImportResult([], report)
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged file
        report.fatal.append(Problem(label, None, "-", "", f"cannot open as an Excel workbook: "
                                    f"{exc}"))
        return ImportResult([], report)
    try:
        found = _find_sheet(book)
        if found is None:
            report.fatal.append(Problem(label, None, "-", "", "no sheet with the survey's "
                                        "header row (Borough, Service area, System, Supplier, "
                                        "...) in its first 20 rows"))
            return ImportResult([], report)
        sheet, header_row, mapping, labels = found
        as_of = _as_of(book)
        skill_records = read_skill_records(book)
        records = [(number, list(values)) for number, values in
                   enumerate(sheet.iter_rows(min_row=header_row + 1, values_only=True),
                             start=header_row + 1)]
    finally:
        book.close()
    report.notes.append(f"sheet {sheet.title!r}, header on row {header_row}")
    for position, name in sorted(mapping.items()):
        report.notes.append(f"column {labels[position]!r} -> {name}")

    rows, numbers, kept_lines, reasons, made_ids = _read_rows(records, mapping, label, source,
                                                              report)
    if made_ids:
        rows_word = "row has" if made_ids == 1 else "rows have"
        report.notes.append(f"{made_ids:,} {rows_word} no Contract ID: one was made from the "
                            "borough, service area, system, supplier and start date")
    rows = finish_suppliers(rows, numbers, report)
    for row, line, area_reason in zip(rows, kept_lines, reasons, strict=True):
        report.kept.append(Kept(label, line, row["contract_id"], "survey row",
                                row["service_area"], area_reason))
    as_of_text = as_of.isoformat() if as_of else file_date(path)
    where = f"{AS_OF_LABEL!r} on the Read me sheet" if as_of else "the file's modification date"
    report.notes.append(f"as_of {as_of_text} ({where})")
    stamp_listing(rows, url, path, as_of_text, where, report.notes)
    skills = skill_rows(skill_records, label, source, as_of_text, report)
    boroughs = sorted({r["authority_code"] for r in rows})
    publisher = (official_name(boroughs[0]) if len(boroughs) == 1 else
                 "London boroughs (survey returns)")
    sources = {source: file_source("survey", path, title=f"Borough survey: {path.name}", url=url,
                                   publisher=publisher, licence=licence, as_of=as_of_text,
                                   attribution=f"Survey return from {publisher}.")}
    title = f"{publisher}: technology systems" if len(boroughs) == 1 else "Borough survey returns"
    return ImportResult(rows, report, sources, title=title, skills=skills,
                        description="Systems and contracts reported by the borough in the London "
                                    "Tech Map survey, imported with python -m techmap import.")


def _read_rows(records: list[tuple[int, list[Any]]], mapping: dict[int, str], label: str,
               source: str, report: ImportReport
               ) -> tuple[list[dict[str, str]], list[str], list[int], list[str], int]:
    areas = _area_index()
    rows: list[dict[str, str]] = []
    numbers: list[str] = []
    lines: list[int] = []
    reasons: list[str] = []
    row_flags: list[list[tuple[str, str, str]]] = []
    made_ids = 0
    by_id: dict[str, int] = {}
    for line, cells in records:
        values: dict[str, Any] = {name: cells[i] if i < len(cells) else None
                                  for i, name in mapping.items()}
        text = {name: clean_text(value) for name, value in values.items()}
        if not any(text.values()):
            continue
        report.read += 1
        borough = text.get("authority_code", "")
        code = match_authority(borough)
        if not borough:
            report.skip(label, line, "authority_code", "", "no borough", "no borough")
            continue
        if code is None:
            report.skip(label, line, "authority_code", borough, "not a London borough",
                        "not a London borough")
            continue
        system, supplier_raw = text.get("system", ""), text.get("supplier", "")
        if not system:
            report.skip(label, line, "system", "", "no system named", "no system")
            continue
        if not supplier_raw:
            report.skip(label, line, "supplier", "", f"no supplier named for {system!r}",
                        "no supplier")
            continue
        flags: list[tuple[str, str, str]] = []
        area_text = text.get("service_area", "")
        area = areas.get(_key(area_text))
        area_reason = "chosen in the survey"
        if area is None:
            decision = classify_service_area([("system", system)])
            area, area_reason = decision.slug, decision.reason
            why = "blank" if not area_text else "not a service area"
            flags.append(("service_area", area_text, f"{why}; read as {area} ({decision.reason})"))
        dates: dict[str, str] = {}
        for column in ("start_date", "end_date", "max_end_date", "review_date"):
            read = read_date(values.get(column))
            dates[column] = date_text(read.value if isinstance(read.value, date) else None)
            if read.note:
                flags.append((column, text.get(column, ""), read.note))
        if dates["start_date"] and dates["end_date"] and dates["end_date"] < dates["start_date"]:
            flags.append(("end_date", dates["end_date"], f"ends before it starts "
                          f"({dates['start_date']}); left blank"))
            dates["end_date"] = ""
        latest, end = dates["max_end_date"], dates["end_date"]
        if latest and end and latest < end:
            flags.append(("max_end_date", dates["max_end_date"], "latest end is before the end "
                          "date; left blank"))
            dates["max_end_date"] = ""
        money: dict[str, str] = {}
        for column in ("annual_value_gbp", "total_value_gbp"):
            read_m = read_money(values.get(column))
            money[column] = money_text(read_m.amount)
            if read_m.note:
                flags.append((column, text.get(column, ""), read_m.note))
        hosting = _HOSTING_WORDS.get(_key(text.get("hosting", "")), "")
        if text.get("hosting") and not hosting and text["hosting"] not in HOSTING_VALUES:
            flags.append(("hosting", text["hosting"], f"not one of {', '.join(HOSTING_VALUES)}; "
                                                      "left blank"))
        satisfaction = _rating(values.get("satisfaction"))
        if text.get("satisfaction") and satisfaction is None:
            flags.append(("satisfaction", text["satisfaction"], "not a whole number from 1 to 5; "
                                                                "left blank"))
        public = _boolean(text.get("value_public", ""))
        if text.get("value_public") and public is None:
            flags.append(("value_public", text["value_public"], "not true or false; left blank "
                                                                "(values shown)"))
        supplier, _ = normalise_supplier(supplier_raw)
        contract_id = text.get("contract_id", "")
        if not contract_id:
            contract_id = f"{code}-S" + short_hash(area, system.lower(), supplier.lower(),
                                                   dates["start_date"])
            made_ids += 1
        row = contract_row(
            contract_id=contract_id, authority_code=code, service_area=area, system=system,
            manufacturer=_maker(text.get("manufacturer", ""), supplier),
            supplier=supplier, **dates, **money, hosting=hosting,
            procurement_route=text.get("procurement_route", ""),
            shared_ref=text.get("shared_ref", ""),
            satisfaction="" if satisfaction is None else str(satisfaction),
            value_public="" if public is None else ("true" if public else "false"),
            source=source, synthetic="false",
        )
        if contract_id in by_id:
            earlier = by_id[contract_id]
            report.fold(label, lines[earlier], "contract_id", contract_id,
                        f"superseded by row {line} (same Contract ID; the later row is kept)",
                        "superseded row")
            rows[earlier], lines[earlier], reasons[earlier] = row, line, area_reason
            row_flags[earlier] = flags
        else:
            by_id[contract_id] = len(rows)
            rows.append(row)
            numbers.append("")
            lines.append(line)
            reasons.append(area_reason)
            row_flags.append(flags)
    for line, flags in zip(lines, row_flags, strict=True):
        for column, value, reason in flags:
            report.flag(label, line, column, value, reason)
    return rows, numbers, lines, reasons, made_ids


def _maker(name: str, supplier: str) -> str:
    """The manufacturer, blank when it is the supplier (the schema keeps it for resellers)."""
    maker = normalise_supplier(name)[0]
    return "" if supplier_key(maker) == supplier_key(supplier) else maker


def _rating(value: Any) -> int | None:
    try:
        number = float(clean_text(value))
    except ValueError:
        return None
    return int(number) if number.is_integer() and 1 <= number <= 5 else None


def _boolean(text: str) -> bool | None:
    word = text.strip().lower()
    if word in ("true", "yes", "y", "1"):
        return True
    if word in ("false", "no", "n", "0"):
        return False
    return None
