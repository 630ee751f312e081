"""The data page's table as a query: per-column filters, a search over every column and a sort,
on top of the shared filters. No Dash import: the grid's callback (components.data_grid) and the
downloads (web.downloads) both answer from here, so a download holds exactly the table's rows in
the table's order.

Every table column is one of three kinds, each with AG Grid's filter options of that kind:
- text: compared as the cell shows it ("On premises", "Illustrative", "no end date; £0 value"),
  without regard to case;
- number: the £ values and the satisfaction score;
- date: ISO dates (AG Grid sends "YYYY-MM-DD hh:mm:ss"; the URL form is "YYYY-MM-DD").
A blank cell only matches "blank" (and, for text, the negative options "does not contain" and
"is not"). Ranges are inclusive at both ends (the grid is set up to say so).

Requests come from browsers: parse_filter_model / parse_sort_model / parse_search keep only
allow-listed columns, options and well-formed values, and never raise. The same query travels in
the download links as URL parameters (to_params / from_params):
    col.<column>=<option>[:<value>[:<value to>]]    find=<words>    sort=<column> | sort=-<column>

The query in words: techmap.table_words; each column's values as the grid shows them:
techmap.table_columns; the rows a query keeps and their order: techmap.table_rows.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Literal

from techmap.schema import COLUMNS_BY_NAME

Kind = Literal["text", "number", "date"]

MAX_FILTERS = 30  # more than there are columns: a longer model is not from the grid
MAX_TEXT = 200  # characters of a text filter value or of the search
MAX_WORDS = 10
MAX_SORT_COLUMNS = 3
EPOCH = date(1970, 1, 1)

HOSTING_LABELS = {"saas": "SaaS", "hosted": "Hosted", "on_premises": "On premises", "unknown": "Unknown"}
SHORT_FLAG_LABELS: dict[str, str] = {
    "missing_end_date": "no end date",
    "end_before_start": "ends before it starts",
    "placeholder_date": "placeholder date",
    "zero_value": "£0 value",
    "stale_source": "old source",
}


@dataclass(frozen=True)
class TableField:
    name: str  # the grid's field and the URL's col.<name>
    label: str  # the column header, also used to describe a filter in words
    kind: Kind  # how it filters
    private: bool = False  # never shown, filtered, sorted or searched on a public instance
    sort_by_count: bool = False  # "flags" sorts by how many flags a row has


TABLE_FIELDS: tuple[TableField, ...] = (
    TableField("contract_id", "Contract ID", "text"),
    TableField("authority_name", "Borough", "text"),
    TableField("service_area_name", "Service area", "text"),
    TableField("system", "System", "text"),
    TableField("supplier", "Supplier", "text"),
    TableField("manufacturer", "Manufacturer", "text"),
    TableField("start_date", "Start date", "date"),
    TableField("end_date", "End date", "date"),
    TableField("max_end_date", "Latest end (with extensions)", "date"),
    TableField("review_date", "Review / notice date", "date"),
    TableField("annual_value_gbp", "Annual value (£)", "number"),
    TableField("total_value_gbp", "Total value (£)", "number"),
    TableField("hosting", "Hosting", "text"),
    TableField("procurement_route", "Procurement route", "text"),
    TableField("shared_ref", "Shared contract", "text"),
    TableField("satisfaction", COLUMNS_BY_NAME["satisfaction"].label, "number", private=True),
    TableField("value_public", "Values public", "text"),
    TableField("source_title", "Source", "text"),
    TableField("source_as_of", "Source as of", "date"),
    TableField("synthetic", "Real or illustrative", "text"),
    TableField("evidence", "Evidence", "text"),
    TableField("observed_date", "Observed", "date"),
    TableField("confidence", "Confidence", "text"),
    TableField("flags", "Quality flags", "text", sort_by_count=True),
)
FIELDS_BY_NAME: Mapping[str, TableField] = {f.name: f for f in TABLE_FIELDS}

# AG Grid's option keys per filter kind (the grid offers exactly these: components.data_grid).
OPTIONS: Mapping[Kind, tuple[str, ...]] = {
    "text": ("contains", "notContains", "equals", "notEqual", "startsWith", "endsWith", "blank", "notBlank"),
    "number": ("equals", "notEqual", "greaterThan", "greaterThanOrEqual", "lessThan", "lessThanOrEqual",
               "inRange", "blank", "notBlank"),
    "date": ("equals", "notEqual", "lessThan", "greaterThan", "inRange", "blank", "notBlank"),
}
NO_VALUE = frozenset({"blank", "notBlank"})


def table_fields(*, public: bool) -> tuple[TableField, ...]:
    return tuple(f for f in TABLE_FIELDS if not (public and f.private))


Value = str | float | date


@dataclass(frozen=True)
class ColumnFilter:
    field: str
    option: str
    value: Value | None = None  # str (text), float (number) or date; None for blank / notBlank
    to: Value | None = None  # the end of an inRange


@dataclass(frozen=True)
class TableQuery:
    """What the table adds to the shared filters. Hashable: it keys the view caches."""
    columns: tuple[ColumnFilter, ...] = ()
    search: str = ""
    sort: tuple[tuple[str, str], ...] = ()  # (field, "asc" | "desc"), first key first

    @property
    def filters_rows(self) -> bool:
        """Whether it narrows the rows (a sort only orders them)."""
        return bool(self.columns or self.search)


# ---- parsing ----------------------------------------------------------------------------------


def _number(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        return None
    if isinstance(value, str):
        if len(value) > 40:
            return None
        try:
            value = float(value.replace(",", "").strip())
        except ValueError:
            return None
    number = float(value)
    return number if math.isfinite(number) else None


def _date(value: object) -> date | None:
    if not isinstance(value, str) or len(value) < 10:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def _text(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    value = value.strip()
    return value[:MAX_TEXT] if value else None


def _condition(name: str, kind: Kind, option: object, value: object, to: object) -> ColumnFilter | None:
    """One well-formed condition, or None."""
    if not isinstance(option, str) or option not in OPTIONS[kind]:
        return None
    if option in NO_VALUE:
        return ColumnFilter(name, option)
    parse = {"text": _text, "number": _number, "date": _date}[kind]
    first = parse(value)
    if first is None:
        return None
    if option != "inRange":
        return ColumnFilter(name, option, first)
    last = parse(to)
    if last is None:
        return None
    low, high = sorted((first, last))  # type: ignore[type-var]
    return ColumnFilter(name, option, low, high)


def _ordered(conditions: Iterable[ColumnFilter]) -> tuple[ColumnFilter, ...]:
    """In column order, one per column: the same filters always make the same (cache) key."""
    position = {f.name: i for i, f in enumerate(TABLE_FIELDS)}
    unique = {c.field: c for c in conditions}
    return tuple(sorted(unique.values(), key=lambda c: position[c.field]))


def parse_filter_model(model: object, *, public: bool) -> tuple[ColumnFilter, ...]:
    """AG Grid's filterModel ({colId: {"filterType", "type", "filter"|"dateFrom", "filterTo"|
    "dateTo"}}) allow-listed to the table's columns and their options. Combined conditions
    ("operator" + "conditions") are not offered by the grid (one condition per column) and are
    dropped, like any unknown column, option, filter type or malformed value."""
    if not isinstance(model, Mapping):
        return ()
    allowed = {f.name: f for f in table_fields(public=public)}
    out: list[ColumnFilter] = []
    for name, spec in list(model.items())[:MAX_FILTERS]:
        field = allowed.get(name) if isinstance(name, str) else None
        if field is None or not isinstance(spec, Mapping) or spec.get("filterType", field.kind) != field.kind:
            continue
        if field.kind == "date":
            found = _condition(field.name, "date", spec.get("type"), spec.get("dateFrom"), spec.get("dateTo"))
        else:
            found = _condition(field.name, field.kind, spec.get("type"), spec.get("filter"), spec.get("filterTo"))
        if found:
            out.append(found)
    return _ordered(out)


def parse_sort_model(sort_model: object, *, public: bool) -> tuple[tuple[str, str], ...]:
    """AG Grid's sortModel ([{"colId", "sort": "asc"|"desc"}]) or the column state's entries
    ({"colId", "sort", "sortIndex"}), allow-listed to the table's columns."""
    if not isinstance(sort_model, list):
        return ()
    allowed = {f.name for f in table_fields(public=public)}
    items = [i for i in sort_model[:100] if isinstance(i, Mapping) and i.get("sort") in ("asc", "desc")]
    if any("sortIndex" in i for i in items):  # column state: the sort's order is sortIndex
        items.sort(key=lambda i: _number(i.get("sortIndex")) if _number(i.get("sortIndex")) is not None else 1e9)
    out: list[tuple[str, str]] = []
    for item in items:
        col = item.get("colId")
        if isinstance(col, str) and col in allowed and col not in (c for c, _ in out):
            out.append((str(col), str(item["sort"])))
        if len(out) == MAX_SORT_COLUMNS:
            break
    return tuple(out)


def parse_search(text: object) -> str:
    """The search box's words, whitespace collapsed, at most MAX_WORDS of them."""
    if not isinstance(text, str):
        return ""
    return " ".join(text[:MAX_TEXT].split()[:MAX_WORDS])


def search_words(search: str) -> list[str]:
    return [w.casefold() for w in search.split()]


# ---- the URL form (download links) ------------------------------------------------------------


def value_text(value: Value) -> str:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return f"{value:.0f}" if value.is_integer() else repr(value)
    return value


def to_params(query: TableQuery) -> list[tuple[str, str]]:
    pairs = []
    for c in query.columns:
        parts = [c.option, *(value_text(v) for v in (c.value, c.to) if v is not None)]
        pairs.append((f"col.{c.field}", ":".join(parts)))
    if query.search:
        pairs.append(("find", query.search))
    pairs.extend(("sort", ("-" if direction == "desc" else "") + name) for name, direction in query.sort)
    return pairs


def from_params(pairs: Iterable[tuple[str, str]], *, public: bool) -> TableQuery:
    """The table query of a download link; anything malformed is dropped, never an error."""
    allowed = {f.name: f for f in table_fields(public=public)}
    columns, sort, search = [], [], ""
    for key, value in list(pairs)[:500]:
        if not isinstance(key, str) or not isinstance(value, str):
            continue
        if key.startswith("col.") and (field := allowed.get(key[4:])):
            option, _, rest = value.partition(":")
            if field.kind == "text":  # a text value may itself hold ":"
                found = _condition(field.name, "text", option, rest, None)
            else:
                first, _, last = rest.partition(":")
                found = _condition(field.name, field.kind, option, first, last)
            if found:
                columns.append(found)
        elif key == "find" and not search:
            search = parse_search(value)
        elif key == "sort":
            name = value[1:] if value.startswith("-") else value
            sort.append({"colId": name, "sort": "desc" if value.startswith("-") else "asc"})
    return TableQuery(_ordered(columns[:MAX_FILTERS]), search, parse_sort_model(sort, public=public))


# ---- the grid's form (a view of the table opened from a link) ---------------------------------


def to_filter_model(query: TableQuery) -> dict[str, dict[str, object]]:
    """AG Grid's filterModel for the query's column filters: parse_filter_model's inverse."""
    model: dict[str, dict[str, object]] = {}
    for c in query.columns:
        kind = FIELDS_BY_NAME[c.field].kind
        spec: dict[str, object] = {"filterType": kind, "type": c.option}
        first, last = ("dateFrom", "dateTo") if kind == "date" else ("filter", "filterTo")
        for key, value in ((first, c.value), (last, c.to)):
            if value is not None:
                spec[key] = f"{value.isoformat()} 00:00:00" if isinstance(value, date) else value  # the grid's form
        model[c.field] = spec
    return model


def to_sort_model(query: TableQuery) -> list[dict[str, str]]:
    """AG Grid's sortModel ([{"colId", "sort"}], first key first) for the query's sort."""
    return [{"colId": name, "sort": direction} for name, direction in query.sort]
