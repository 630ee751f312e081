"""The data page's table query in words: each column filter and the sort as English for the page and
the Excel "about" sheet, and the parts of a download's file name."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

from techmap.schema import slugify
from techmap.table_query import FIELDS_BY_NAME, ColumnFilter, TableQuery, Value, value_text


_WORDS: Mapping[str, str] = {
    "contains": "contains", "notContains": "does not contain", "equals": "is", "notEqual": "is not",
    "startsWith": "begins with", "endsWith": "ends with", "blank": "is blank", "notBlank": "is not blank",
    "greaterThan": "more than", "greaterThanOrEqual": "at least", "lessThan": "less than",
    "lessThanOrEqual": "at most", "inRange": "between",
}
_DATE_WORDS: Mapping[str, str] = {"equals": "on", "notEqual": "not on", "lessThan": "before",
                                  "greaterThan": "after"}


def _shown(value: Value) -> str:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return f"{value:,.0f}" if value.is_integer() else f"{value:,.2f}"
    return f"“{value}”"


def describe_column_filter(c: ColumnFilter) -> str:
    """'System contains “mosaic”', 'End date before 2027-01-01', 'Annual value (£) between 1,000
    and 5,000'."""
    field = FIELDS_BY_NAME[c.field]
    words = (_DATE_WORDS if field.kind == "date" else {}).get(c.option, _WORDS[c.option])
    if c.value is None:
        return f"{field.label} {words}"
    if c.to is not None:
        return f"{field.label} {words} {_shown(c.value)} and {_shown(c.to)}"
    return f"{field.label} {words} {_shown(c.value)}"


def describe_sort(sort: Sequence[tuple[str, str]]) -> str:
    if not sort:
        return "the dataset's order"
    parts = []
    for name, direction in sort:
        field = FIELDS_BY_NAME[name]
        if field.sort_by_count:
            way = "most first" if direction == "desc" else "fewest first"
        elif field.kind == "date":
            way = "latest first" if direction == "desc" else "earliest first"
        elif field.kind == "number":
            way = "largest first" if direction == "desc" else "smallest first"
        else:
            way = "Z to A" if direction == "desc" else "A to Z"
        parts.append(f"{field.label} ({way})")
    return "sorted by " + ", then ".join(parts)


def filename_parts(query: TableQuery) -> list[str]:
    """Parts of a download's file name for the column filters and the search (a sort changes no
    row, so it is not named): 'system-contains-mosaic', 'end-date-inRange-2027-01-01-2027-12-31'."""
    parts = []
    for c in query.columns:
        values = [slugify(value_text(v)) for v in (c.value, c.to) if v is not None]
        parts.append("-".join([c.field.replace("_", "-"), c.option, *values]))
    if query.search and (words := slugify(query.search)):
        parts.append(f"find-{words}")
    return [p.strip("-") for p in parts]
