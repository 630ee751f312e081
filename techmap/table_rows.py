"""Which rows a table query keeps (its column filters and search, as masks) and in which order
(its sort: dense ranks per column, blanks last)."""

from __future__ import annotations

import operator
from collections.abc import Sequence
from datetime import date
from itertools import repeat

import numpy as np

from techmap.dataset import Dataset
from techmap.quality import FLAGS
from techmap.service.cache import per_dataset
from techmap.table_columns import TextColumn, flag_codes, numeric_column, text_column
from techmap.table_query import (
    EPOCH,
    FIELDS_BY_NAME,
    NO_VALUE,
    ColumnFilter,
    TableQuery,
    Value,
    search_words,
    table_fields,
)


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
        return float((v - EPOCH).days) if isinstance(v, date) else float(v)  # type: ignore[arg-type]

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


@per_dataset
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
