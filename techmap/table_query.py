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
"""

from __future__ import annotations

import math
import operator
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from itertools import repeat
from typing import Literal

import numpy as np
import pandas as pd

from techmap.dataset import Dataset
from techmap.quality import FLAGS, source_dates
from techmap.schema import COLUMNS_BY_NAME, SERVICE_AREAS_BY_SLUG, slugify

Kind = Literal["text", "number", "date"]

MAX_FILTERS = 30  # more than there are columns: a longer model is not from the grid
MAX_TEXT = 200  # characters of a text filter value or of the search
MAX_WORDS = 10
MAX_SORT_COLUMNS = 3
_EPOCH = date(1970, 1, 1)

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


def _value_text(value: Value) -> str:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return f"{value:.0f}" if value.is_integer() else repr(value)
    return value


def to_params(query: TableQuery) -> list[tuple[str, str]]:
    pairs = []
    for c in query.columns:
        parts = [c.option, *(_value_text(v) for v in (c.value, c.to) if v is not None)]
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


# ---- in words (the page, the Excel "about" sheet) ---------------------------------------------

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


# ---- each column's values, computed once per dataset ------------------------------------------


def labels_of_categories(series: pd.Series, labels: Mapping[str, str]) -> np.ndarray:
    """Per-row display text of a categorical column ("" where missing), mapping each category once."""
    categories = [labels.get(str(c), str(c)) for c in series.cat.categories]
    return np.array([*categories, ""], dtype=object)[series.cat.codes.to_numpy()]


def source_titles(data: Dataset) -> dict[str, str]:
    return {str(k): str((m if isinstance(m, Mapping) else {}).get("title") or k) for k, m in data.sources.items()}


def money_text(value: float) -> str:
    """The grid's text of a £ amount: '£120,000', '£25,000.50'; '' when not known."""
    if value != value:  # NaN: not known (or withheld on a public instance)
        return ""
    return f"£{value:,.0f}" if float(value).is_integer() else f"£{value:,.2f}"


@lru_cache(maxsize=8)
def flag_codes(data: Dataset, today: date) -> np.ndarray:
    """Each row's set of quality flags as a bit pattern (bit i = FLAGS[i])."""
    from techmap.views import row_flags  # views uses this module for its table views

    flags = row_flags(data, today)
    return (flags.astype(np.int32) << np.arange(len(FLAGS), dtype=np.int32)).sum(axis=1).astype(np.int32)


def flags_text(bits: int) -> str:
    return "; ".join(SHORT_FLAG_LABELS[f] for i, f in enumerate(FLAGS) if bits >> i & 1)


@dataclass(frozen=True, eq=False)
class TextColumn:
    """A column as the grid shows it, factorised: each distinct text is compared once, then the
    rows are looked up by code."""
    codes: np.ndarray  # per row, an index into labels; -1 = blank
    labels: tuple[str, ...]  # the distinct texts as shown
    folded: list[str]  # the same, case-folded
    joined: str  # NUL, then each folded text followed by NUL: one C-speed scan finds a rare word
    starts: np.ndarray  # where each folded text starts in `joined`


def _from_codes(codes: np.ndarray, labels: Sequence[object]) -> TextColumn:
    texts = [str(label) for label in labels]
    codes = np.asarray(codes).astype(np.int32)  # a copy: the caller's array stays as it was
    blank = [i for i, text in enumerate(texts) if text == ""]
    if blank:
        codes[np.isin(codes, blank)] = -1
    folded = [t.casefold().replace("\x00", " ") for t in texts]
    starts = np.cumsum([1, *(len(t) + 1 for t in folded[:-1])]) if folded else np.zeros(0, dtype=np.int64)
    return TextColumn(codes, tuple(texts), folded, "\x00" + "".join(t + "\x00" for t in folded), starts)


def _distinct_numbers(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(codes, distinct known values) of a float column; NaN gets code -1."""
    codes = np.full(len(values), -1, dtype=np.int32)
    known = ~np.isnan(values)
    distinct, inverse = np.unique(values[known], return_inverse=True)
    codes[known] = inverse.reshape(-1)
    return codes, distinct


@lru_cache(maxsize=64)
def text_column(data: Dataset, name: str, today: date) -> TextColumn:
    """Column `name` as the grid shows it (what its text filter and the search compare)."""
    df = data.contracts
    field = FIELDS_BY_NAME[name]
    categories = {"service_area_name": ("service_area", {a.slug: a.name for a in SERVICE_AREAS_BY_SLUG.values()}),
                  "hosting": ("hosting", HOSTING_LABELS), "source_title": ("source", source_titles(data))}
    if name in categories:
        column, labels = categories[name]
        series = df[column]
        return _from_codes(series.cat.codes.to_numpy(), [labels.get(str(c), str(c)) for c in series.cat.categories])
    if name in ("value_public", "synthetic"):
        words = ("No", "Yes") if name == "value_public" else ("Real", "Illustrative")
        return _from_codes(df[name].to_numpy(dtype=bool).astype(np.int32), words)
    if field.sort_by_count:  # flags
        distinct, codes = np.unique(flag_codes(data, today), return_inverse=True)
        return _from_codes(codes.reshape(-1), [flags_text(int(b)) for b in distinct])
    if field.kind == "date":  # searched as the ISO text the grid shows
        codes, distinct = _distinct_numbers(numeric_column(data, name))
        return _from_codes(codes, np.datetime_as_string(distinct.astype("int64").astype("datetime64[D]")).tolist())
    if field.kind == "number":  # searched as the text the grid shows
        codes, distinct = _distinct_numbers(numeric_column(data, name))
        show = money_text if name.endswith("_gbp") else (lambda v: f"{v:.0f}")
        return _from_codes(codes, [show(v) for v in distinct.tolist()])
    codes, uniques = pd.factorize(df[name])  # missing values get -1
    return _from_codes(codes, uniques.tolist())


@lru_cache(maxsize=64)
def numeric_column(data: Dataset, name: str) -> np.ndarray:
    """A number or date column as float64 (dates as days since 1970-01-01), NaN for blanks."""
    df = data.contracts
    if name == "source_as_of":
        as_of = source_dates(data.sources)
        days = {k: float((d - _EPOCH).days) if d else np.nan for k, d in as_of.items()}
        codes = df["source"].cat.codes.to_numpy()
        per_category = np.array([days.get(str(c), np.nan) for c in df["source"].cat.categories] + [np.nan])
        return per_category[codes]
    if FIELDS_BY_NAME[name].kind == "date":
        values = df[name].to_numpy().astype("datetime64[D]")
        return np.where(np.isnat(values), np.nan, values.astype("int64").astype("float64"))
    return df[name].to_numpy(dtype="float64", na_value=np.nan)


# ---- which rows -------------------------------------------------------------------------------


# How a text passes each option, as a test of one text and as the pattern to look for in the joined
# texts (NUL marks where a text starts and ends).
_TESTS = {"contains": (operator.contains, "{}"), "equals": (operator.eq, "\x00{}\x00"),
          "startsWith": (str.startswith, "\x00{}"), "endsWith": (str.endswith, "{}\x00")}


def matches(column: TextColumn, option: str, needle: str) -> np.ndarray:
    """Per distinct text, whether it passes `option` ("contains", "equals", "startsWith" or
    "endsWith") with the case-folded `needle`. A rare match is found by scanning the joined texts
    in C; a common one by testing each text."""
    n = len(column.folded)
    test, template = _TESTS[option]
    if "\x00" in needle:
        return np.zeros(n, dtype=bool)
    pattern = template.format(needle)
    hits = column.joined.count(pattern) if needle else n
    if hits == 0:
        return np.zeros(n, dtype=bool)
    if hits > max(n // 8, 64):
        return np.fromiter(map(test, column.folded, repeat(needle)), dtype=bool, count=n)
    pieces = np.fromiter(map(len, column.joined.split(pattern)), dtype=np.int64, count=hits + 1)
    offsets = np.cumsum(pieces[:-1]) + np.arange(hits, dtype=np.int64) * len(pattern)
    offsets += pattern.startswith("\x00")  # the match begins at the NUL before the text
    out = np.zeros(n, dtype=bool)
    out[np.searchsorted(column.starts, offsets, side="right") - 1] = True
    return out


def contains(column: TextColumn, word: str) -> np.ndarray:
    return matches(column, "contains", word)


def _text_matches(column: TextColumn, option: str, needle: str) -> np.ndarray:
    """Per row, whether its text passes; decided once per distinct text."""
    n = len(column.folded)
    if option in NO_VALUE:
        per_text = np.full(n, option == "notBlank")
        blank = option == "blank"
    else:
        positive = {"notContains": "contains", "notEqual": "equals"}.get(option, option)
        per_text = matches(column, positive, needle.casefold())
        blank = positive != option  # "" does not contain / equal the needle
        if blank:
            per_text = ~per_text
    return np.append(per_text, blank)[column.codes]


def _scalar_matches(values: np.ndarray, c: ColumnFilter) -> np.ndarray:
    known = ~np.isnan(values)
    if c.option == "blank":
        return ~known
    if c.option == "notBlank":
        return known

    def number(v: Value | None) -> float:
        return float((v - _EPOCH).days) if isinstance(v, date) else float(v)  # type: ignore[arg-type]

    x = number(c.value)
    with np.errstate(invalid="ignore"):
        if c.option == "equals":
            return values == x
        if c.option == "notEqual":
            return known & (values != x)
        if c.option == "greaterThan":
            return values > x
        if c.option == "greaterThanOrEqual":
            return values >= x
        if c.option == "lessThan":
            return values < x
        if c.option == "lessThanOrEqual":
            return values <= x
        return (values >= x) & (values <= number(c.to))  # inRange, inclusive


def column_mask(data: Dataset, c: ColumnFilter, today: date) -> np.ndarray:
    kind = FIELDS_BY_NAME[c.field].kind
    if kind == "text":
        return _text_matches(text_column(data, c.field, today), c.option, str(c.value or ""))
    return _scalar_matches(numeric_column(data, c.field), c)


def search_mask(data: Dataset, search: str, today: date, *, public: bool) -> np.ndarray:
    """Rows where every word of `search` appears in some column, as the grid shows it."""
    mask = np.ones(len(data.contracts), dtype=bool)
    for word in search_words(search):
        found = np.zeros(len(data.contracts), dtype=bool)
        for field in table_fields(public=public):
            column = text_column(data, field.name, today)
            hits = contains(column, word)
            if hits.any():
                found |= np.append(hits, False)[column.codes]
        mask &= found
    return mask


def table_mask(data: Dataset, query: TableQuery, today: date, *, public: bool) -> np.ndarray | None:
    """The rows the table's column filters and search keep; None when they keep every row."""
    if not query.filters_rows:
        return None
    mask = np.ones(len(data.contracts), dtype=bool)
    allowed = {f.name for f in table_fields(public=public)}
    for c in query.columns:
        if c.field in allowed:
            mask &= column_mask(data, c, today)
    if query.search:
        mask &= search_mask(data, query.search, today, public=public)
    return mask


# ---- in which order ---------------------------------------------------------------------------


@lru_cache(maxsize=64)
def ranks(data: Dataset, name: str, today: date) -> np.ndarray:
    """Dense rank (0 = first ascending) of every row by column `name`; -1 for blanks. Text is
    compared without regard to case (the exact spelling breaks ties). Computed once per column."""
    field = FIELDS_BY_NAME[name]
    if field.sort_by_count:
        values = np.array([bin(b).count("1") for b in range(1 << len(FLAGS))], dtype=np.int32)[
            flag_codes(data, today)].astype("float64")
    elif field.kind in ("date", "number"):
        values = numeric_column(data, name)
    else:
        column = text_column(data, name, today)
        folded, labels = column.folded, column.labels
        order = sorted(range(len(labels)), key=lambda i: (folded[i], labels[i]))
        position = np.empty(len(column.labels) + 1, dtype=np.int32)
        position[order] = np.arange(len(column.labels), dtype=np.int32)
        position[-1] = -1
        return position[column.codes]
    out = np.full(len(values), -1, dtype=np.int32)
    known = ~np.isnan(values)
    if known.any():
        _, inverse = np.unique(values[known], return_inverse=True)
        out[known] = inverse.reshape(-1)
    return out


def sorted_positions(data: Dataset, positions: np.ndarray, sort: Sequence[tuple[str, str]],
                     today: date) -> np.ndarray:
    """`positions` in the order of `sort` (first key first), blanks last in either direction,
    ties in their given order."""
    if not sort or positions.size < 2:
        return positions
    keys = []
    for name, direction in sort:
        r = ranks(data, name, today)
        top = int(r.max()) + 1
        mine = r[positions]
        keys.append(np.where(mine < 0, top + 1, mine if direction == "asc" else top - 1 - mine))
    # lexsort sorts by its last key first, and is stable (ties keep their order).
    return positions[np.lexsort(keys[::-1])]


def filename_parts(query: TableQuery) -> list[str]:
    """Parts of a download's file name for the column filters and the search (a sort changes no
    row, so it is not named): 'system-contains-mosaic', 'end-date-inRange-2027-01-01-2027-12-31'."""
    parts = []
    for c in query.columns:
        values = [slugify(_value_text(v)) for v in (c.value, c.to) if v is not None]
        parts.append("-".join([c.field.replace("_", "-"), c.option, *values]))
    if query.search and (words := slugify(query.search)):
        parts.append(f"find-{words}")
    return [p.strip("-") for p in parts]
