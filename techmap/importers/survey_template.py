"""The borough survey template: an Excel workbook matching the data dictionary, with drop-down
lists for borough, service area, hosting and 'values public', so that a borough can describe its
systems (including those no register lists: in-house builds, old perpetual licences) and import
them with `python -m techmap import survey FILE --out DATASET`.

Sheets: "Read me" (how to fill it in, the 'as of' date, the data dictionary), "Contracts" (one
row per system, headed by the column labels of techmap.dataformat.schema), "Skills" (the teams' level
per skill area: techmap.importers.survey_skills) and a hidden "Lists" sheet that the drop-downs read
from.
"""

from __future__ import annotations

import io
from datetime import date, datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from techmap.dataformat.authorities import authorities
from techmap.dataformat.schema import COLUMNS, HOSTING_VALUES, SERVICE_AREAS, Column
from techmap.importers.survey_skills import READ_ME, add_skills_sheet

SHEET_README = "Read me"
SHEET_CONTRACTS = "Contracts"
SHEET_LISTS = "Lists"
AS_OF_LABEL = "Information correct as of"
TEMPLATE_ROWS = 500  # rows that carry the drop-downs and checks
# The survey asks for every dataset column except those the importer fills in.
SURVEY_COLUMNS: tuple[Column, ...] = tuple(c for c in COLUMNS
                                           if c.name not in ("source", "synthetic"))
SURVEY_HELP = {
    "contract_id": "Optional: your own reference. Leave blank and the importer makes one.",
    "authority_code": "Pick your borough from the list.",
    "service_area": "Pick the service area the system mainly serves.",
    "hosting": "saas (supplier's cloud service), hosted (supplier hosts your copy), on_premises "
               "(your own servers) or unknown.",
    "value_public": "false hides this row's values on a public instance.",
}
_FIXED_TIME = datetime(2026, 1, 1)  # document properties, so the template does not change per run


def _excel_serial(day: date) -> int:
    return (day - date(1899, 12, 30)).days


def build_survey_workbook() -> Workbook:
    book = Workbook()
    book.properties.creator = "London Tech Map"
    book.properties.title = "London Tech Map borough survey"
    book.properties.created = _FIXED_TIME
    book.properties.modified = _FIXED_TIME
    bold = Font(bold=True)

    # -- Lists (hidden): what the drop-downs offer --------------------------------------------
    lists = book.create_sheet(SHEET_LISTS)
    boroughs = [a.name for a in authorities()]
    areas = [a.name for a in SERVICE_AREAS]
    columns = {"A": ("Borough", boroughs), "B": ("Service area", areas),
               "C": ("Hosting", list(HOSTING_VALUES)), "D": ("Values public", ["true", "false"])}
    ranges: dict[str, str] = {}
    for letter, (title, values) in columns.items():
        lists[f"{letter}1"] = title
        lists[f"{letter}1"].font = bold
        for row, value in enumerate(values, start=2):
            lists[f"{letter}{row}"] = value
        ranges[title] = f"{SHEET_LISTS}!${letter}$2:${letter}${len(values) + 1}"
    lists.sheet_state = "hidden"

    # -- Read me ---------------------------------------------------------------------------------
    readme = book.active
    readme.title = SHEET_README
    readme["A1"] = "London Tech Map: borough survey"
    readme["A1"].font = Font(bold=True, size=14)
    lines = [
        "One row per system or contract on the 'Contracts' sheet. Borough, Service area, System "
        "and Supplier are required; leave anything you do not know blank.",
        "Borough, Service area, Hosting and Values public have drop-down lists. Dates are "
        "dates (or DD/MM/YYYY); amounts are plain numbers in pounds.",
        "Satisfaction (1-5) is never shown on a public instance. Set 'Values public' to false "
        "to hide a row's values there.",
        READ_ME,
        "Import with: python -m techmap import survey THIS_FILE.xlsx --out DATASET_FOLDER",
    ]
    for row, text in enumerate(lines, start=3):
        readme[f"A{row}"] = text
    as_of_row = 3 + len(lines) + 1
    readme[f"A{as_of_row}"] = AS_OF_LABEL
    readme[f"A{as_of_row}"].font = bold
    readme[f"B{as_of_row}"].number_format = "yyyy-mm-dd"
    as_of_check = DataValidation(type="date", operator="between", allow_blank=True,
                                 formula1=str(_excel_serial(date(2000, 1, 1))),
                                 formula2=str(_excel_serial(date(2200, 12, 31))),
                                 error="Enter a date", errorTitle="Not a date",
                                 showErrorMessage=True)
    readme.add_data_validation(as_of_check)
    as_of_check.add(f"B{as_of_row}")
    table_row = as_of_row + 2
    for col, title in enumerate(("Column", "Required", "What to write", "Example"), start=1):
        cell = readme.cell(row=table_row, column=col, value=title)
        cell.font = bold
    for offset, column in enumerate(SURVEY_COLUMNS, start=1):
        help_text = SURVEY_HELP.get(column.name, column.help)
        values = (column.label, "yes" if column.required and column.name != "contract_id"
                  else "no", help_text, column.example)
        for col, value in enumerate(values, start=1):
            readme.cell(row=table_row + offset, column=col, value=value)
    for letter, width in (("A", 30), ("B", 12), ("C", 90), ("D", 24)):
        readme.column_dimensions[letter].width = width

    # -- Contracts -------------------------------------------------------------------------------
    sheet = book.create_sheet(SHEET_CONTRACTS, 1)
    header_fill = PatternFill("solid", fgColor="DDE7F0")
    last = TEMPLATE_ROWS + 1
    for index, column in enumerate(SURVEY_COLUMNS, start=1):
        cell = sheet.cell(row=1, column=index, value=column.label)
        cell.font = bold
        cell.fill = header_fill
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        cell.comment = Comment(SURVEY_HELP.get(column.name, column.help), "London Tech Map")
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = max(14, min(40, len(column.label) + 6))
        area = f"{letter}2:{letter}{last}"
        check = _validation_for(column, ranges)
        if check is not None:
            sheet.add_data_validation(check)
            check.add(area)
        if column.kind == "date":
            for row in range(2, last + 1):
                sheet[f"{letter}{row}"].number_format = "yyyy-mm-dd"
        elif column.kind == "money":
            for row in range(2, last + 1):
                sheet[f"{letter}{row}"].number_format = "#,##0.00"
    sheet.freeze_panes = "A2"
    add_skills_sheet(book, lists, ranges["Borough"])
    book.active = 0
    return book


# Columns whose cell is picked from a list: column -> (the list's name in `ranges`, the error
# message, the error's title).
_PICKED_FROM_A_LIST: dict[str, tuple[str, str, str]] = {
    "authority_code": ("Borough", "Pick a London borough from the list", "Not a London borough"),
    "service_area": ("Service area", "Pick a service area from the list", "Not a service area"),
    "hosting": ("Hosting", "Pick saas, hosted, on_premises or unknown", "Not a hosting value"),
    "value_public": ("Values public", "Pick true or false", "true or false"),
}


def _validation_for(column: Column, ranges: dict[str, str]) -> DataValidation | None:
    common: dict[str, bool] = {"allow_blank": True, "showErrorMessage": True}
    if column.name in _PICKED_FROM_A_LIST:
        name, error, title = _PICKED_FROM_A_LIST[column.name]
        return DataValidation(type="list", formula1=f"={ranges[name]}", error=error, errorTitle=title,
                              **common)
    if column.name == "satisfaction":
        return DataValidation(type="whole", operator="between", formula1="1", formula2="5",
                              error="A whole number from 1 (poor) to 5 (excellent)",
                              errorTitle="Satisfaction 1-5", **common)
    if column.kind == "date":
        return DataValidation(type="date", operator="between",
                              formula1=str(_excel_serial(date(1950, 1, 1))),
                              formula2=str(_excel_serial(date(2200, 12, 31))),
                              error="Enter a date (e.g. 31/03/2027)", errorTitle="Not a date",
                              **common)
    if column.kind == "money":
        return DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0",
                              error="A plain amount in pounds, e.g. 125000",
                              errorTitle="Not an amount", **common)
    return None


def write_survey_template(path: Path) -> Path:
    """Write the template to `path` (an .xlsx file); returns the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    build_survey_workbook().save(path)
    return path


def survey_template_bytes() -> bytes:
    """The template as bytes, for the about page's download link."""
    buffer = io.BytesIO()
    build_survey_workbook().save(buffer)
    return buffer.getvalue()
