"""Each table column's values as the grid shows them (labels, £ text, flags), computed once per
dataset: the text the column filters and the search compare, and the numbers dates and values sort by."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from techmap.dataset import Dataset
from techmap.quality import FLAGS, row_flags, source_dates
from techmap.schema import SERVICE_AREAS_BY_SLUG
from techmap.service.cache import per_dataset
from techmap.table_query import EPOCH, FIELDS_BY_NAME, HOSTING_LABELS, SHORT_FLAG_LABELS


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


@per_dataset
def flag_codes(data: Dataset, today: date) -> np.ndarray:
    """Each row's set of quality flags as a bit pattern (bit i = FLAGS[i])."""
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


@per_dataset
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


@per_dataset
def numeric_column(data: Dataset, name: str) -> np.ndarray:
    """A number or date column as float64 (dates as days since 1970-01-01), NaN for blanks."""
    df = data.contracts
    if name == "source_as_of":
        as_of = source_dates(data.sources)
        days = {k: float((d - EPOCH).days) if d else np.nan for k, d in as_of.items()}
        codes = df["source"].cat.codes.to_numpy()
        per_category = np.array([days.get(str(c), np.nan) for c in df["source"].cat.categories] + [np.nan])
        return per_category[codes]
    if FIELDS_BY_NAME[name].kind == "date":
        values = df[name].to_numpy().astype("datetime64[D]")
        return np.where(np.isnat(values), np.nan, values.astype("int64").astype("float64"))
    return df[name].to_numpy(dtype="float64", na_value=np.nan)
