"""Filtering and per-borough metrics: the queries behind the map, the headline figures and every
filtered view. Pure functions over the loaded contracts frame (techmap/dataformat/dataset.py); they never
modify their input.

Hot path: a filter change re-runs apply_filter + borough_metrics, so both work on numpy arrays
(categorical codes, boolean masks, bincount) rather than per-row Python. Only the free-text search
loops over strings: over the rows the other filters kept, or, on a large table, through an index
of the distinct texts (see _SearchIndex).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date
from typing import NamedTuple

import numpy as np
import pandas as pd

from techmap.dataformat.authorities import authorities
from techmap.dataformat.skills_schema import SKILL_AREAS
from techmap.analysis import concentration
from techmap.analysis.concentration import factorize, remember_subset, share_of_largest
from techmap.analysis.filters import PARAMS, FilterState
from techmap.analysis import joint_scan
from techmap.analysis.renewals import add_months
from techmap.dataformat.schema import SERVICE_AREAS
from techmap.service.cache import MISSING, SEARCH

AUTHORITY_CODES: tuple[str, ...] = tuple(a.code for a in authorities())
_AUTHORITY_INDEX = pd.Index(AUTHORITY_CODES)
# FilterState field -> contracts column it matches
FILTER_COLUMNS: dict[str, str] = {
    "authority": "authority_code",
    "area": "service_area",
    "supplier": "supplier_slug",
    "system": "system_slug",
    "manufacturer": "manufacturer_slug",
}


# ---- filtering --------------------------------------------------------------------------------


def _isin(series: pd.Series, values: Sequence[str]) -> np.ndarray:
    """Boolean mask of series in values; on categoricals it compares the integer codes."""
    if isinstance(series.dtype, pd.CategoricalDtype):
        wanted = series.cat.categories.get_indexer(list(values))
        wanted = wanted[wanted >= 0]
        codes = series.cat.codes.to_numpy()
        if wanted.size == 1:
            return codes == wanted[0]
        return np.isin(codes, wanted)
    # the integer codes of the loaded table's text columns are cached (concentration.factorize):
    # comparing codes beats hashing every row's string again on each change
    codes, uniques = factorize(series)
    wanted = pd.Index(uniques).get_indexer(list(values))
    return np.isin(codes, wanted[wanted >= 0])


def areas_in_groups(groups: Collection[str]) -> list[str]:
    """The service-area slugs of the groups named (frontline, corporate, ...)."""
    return [a.slug for a in SERVICE_AREAS if a.group in groups]


def _day(value: date) -> np.datetime64:
    return np.datetime64(value.isoformat(), "D")


def filter_mask(df: pd.DataFrame, state: FilterState, *, ignore: Collection[str] = ()) -> np.ndarray:
    """The boolean row mask of apply_filter (numpy array of len(df))."""
    unknown = set(ignore) - set(PARAMS)
    if unknown:
        raise ValueError(f"ignore names unknown filter fields: {sorted(unknown)}")
    mask = np.ones(len(df), dtype=bool)
    for field, column in FILTER_COLUMNS.items():
        values = getattr(state, field)
        if values and field not in ignore:
            mask &= _isin(df[column], values)
    if state.group and "group" not in ignore:
        mask &= _isin(df["service_area"], areas_in_groups(state.group))
    ends_from = None if "ends_from" in ignore else state.ends_from
    ends_to = None if "ends_to" in ignore else state.ends_to
    if ends_from or ends_to:
        ends = df["end_date"].to_numpy()
        if ends_from:
            mask &= ends >= _day(ends_from)  # NaT compares False: undated rows drop out
        if ends_to:
            mask &= ends <= _day(ends_to)
    terms = [] if "q" in ignore else state.q.lower().split()
    if terms:
        texts = df["search_text"].to_numpy()
        rows = np.flatnonzero(mask)
        index = _search_index(texts) if rows.size >= _INDEX_MIN_ROWS else None
        for term in dict.fromkeys(terms):
            if rows.size == 0:
                break
            if index is not None and "|" not in term:
                mask &= index.matches(term)
                rows = np.flatnonzero(mask)
                continue
            # Only the rows still in: the string loop shrinks with the other filters and each term
            # (a plain list comprehension is the fastest Python loop for this).
            hits = np.array([term in text for text in texts[rows]], dtype=bool)
            mask[rows[~hits]] = False
            rows = rows[hits]
    return mask


# ---- free-text search index -------------------------------------------------------------------
# search_text is "contract id | system | supplier | manufacturer | borough | service area". Only
# the contract id is unique: the rest repeats (a few thousand distinct tails in 140k rows), so a
# term is looked up once per distinct tail, and in the ids through one joined string. That turns
# a 140k-row string loop (~20 ms) into ~2 ms. The index is kept for the loaded table's array (the
# same ndarray on every call) and built the second time an array is searched, so that one-off
# filtered frames never pay for it.

_INDEX_MIN_ROWS = 20_000
_HEAD_SCAN_LIMIT = 2_000


class _SearchIndex:
    def __init__(self, texts: np.ndarray):
        heads: list[str] = []
        tails: list[str] = []
        for text in texts:
            head, _, tail = str(text).partition(" | ")
            heads.append(head)
            tails.append(tail)
        codes, uniques = pd.factorize(np.array(tails, dtype=object))
        self.size = len(heads)
        self.tail_codes = codes
        self.tails = [str(t) for t in uniques]
        self.joined_heads = "\n".join(heads)  # terms never contain whitespace: no false matches
        lengths = np.fromiter(map(len, heads), dtype=np.int64, count=len(heads))
        self.head_starts = np.concatenate(([0], np.cumsum(lengths + 1)[:-1]))

    def matches(self, term: str) -> np.ndarray:
        """Rows whose text contains `term` (no whitespace, no "|")."""
        tail_hits = np.array([term in tail for tail in self.tails], dtype=bool)
        hits = tail_hits[self.tail_codes] if self.size else np.zeros(0, dtype=bool)
        count = self.joined_heads.count(term)
        if count > _HEAD_SCAN_LIMIT:  # e.g. "demo" in every id: one pass beats a find() per hit
            hits |= np.array([term in head for head in self.joined_heads.split("\n")], dtype=bool)
        elif count:
            found = []
            at = self.joined_heads.find(term)
            while at != -1:
                found.append(at)
                at = self.joined_heads.find(term, at + 1)
            hits[np.searchsorted(self.head_starts, found, side="right") - 1] = True
        return hits


def _search_index(texts: np.ndarray) -> _SearchIndex | None:
    """The index of `texts` from the second time it is searched (kept in the service cache's
    SEARCH tier, dropped with the array); None the first time."""
    index = SEARCH.lookup("search-index", texts)
    if index is MISSING:  # first sight: remember that it was seen
        SEARCH.keep("search-index", texts, None)
        return None
    if index is None:  # second sight: build it (~0.1 s at 140k rows)
        index = _SearchIndex(texts)
        SEARCH.keep("search-index", texts, index)
    return index


def apply_filter(df: pd.DataFrame, state: FilterState, *, ignore: Collection[str] = ()) -> pd.DataFrame:
    """Rows matching `state`: any of the values within a field, every field at once.

    authority/area/supplier/system/manufacturer match authority_code/service_area/supplier_slug/
    system_slug/manufacturer_slug (rows naming no manufacturer drop out of that filter); group
    keeps the service areas of the groups named;
    ends_from/ends_to keep rows whose end_date is within [from, to] inclusive (rows without an end
    date are left out as soon as either bound is set); q: every whitespace-separated term must occur
    in search_text (case-insensitive). `ignore` names FilterState fields to skip, e.g. the map
    ignores "authority" so that it can highlight the selection while the other views filter by it.
    Returns a new frame (a cheap copy-on-write view when nothing is filtered)."""
    return rows_under(df, filter_mask(df, state, ignore=ignore))


def rows_under(df: pd.DataFrame, mask: np.ndarray) -> pd.DataFrame:
    """The rows of `df` under a boolean mask, as apply_filter returns them."""
    if mask.all():
        return df.copy(deep=False)  # shares the arrays, and so their cached codes
    subset = df.loc[mask]
    if len(df) >= concentration.CODES_MIN_ROWS:  # the loaded table: worth its codes (see factorize)
        remember_subset(df, subset, mask, (*concentration.CODED_COLUMNS, "shared_ref"))
        joint_scan.remember_order(df, subset, mask)
    return subset


# ---- per-borough metrics ----------------------------------------------------------------------


class Metric(NamedTuple):
    label: str  # what the map legend and the metric picker say
    unit: str  # shown in brackets after the label ("Annual value (£)"); "" for plain counts
    column: str  # column of borough_metrics
    format: str  # d3-format string for plotly hover text and colour bars


METRICS: dict[str, Metric] = {
    "contracts": Metric("Contracts", "", "contracts", ",d"),
    "suppliers": Metric("Suppliers", "", "suppliers", ",d"),
    "systems": Metric("Systems", "", "systems", ",d"),
    "ending_12m": Metric("Contracts ending in the next 12 months", "", "ending_12m", ",d"),
    "annual_value": Metric("Annual value", "£", "annual_value", ",.0f"),
    "supplier_share": Metric("Share of contracts held by the selected suppliers", "", "supplier_share",
                             ".0%"),
    "runs_system": Metric("Runs the selected system", "", "runs_system", ".0f"),
    # Coverage: service areas whose system public evidence shows (real rows; techmap.analysis.coverage).
    "pairs_known": Metric("Service areas known from public evidence", "", "pairs_known", ",d"),
    # A borough team's aggregate level per skill area (skills.csv; techmap.service.skill_views adds
    # the column): not a contract measure, so no contract filter changes it.
    **{f"skill_{a.slug}": Metric(f"Skill level: {a.label}", "", f"skill_{a.slug}", ".0f")
       for a in SKILL_AREAS},
}


def format_metric(key: str, value: float | None) -> str:
    """Plain-text value of a metric for tables and screen-reader text: '1,234', '£12,500', '42%',
    'yes'/'no'; 'no data' when unknown."""
    if value is None or (isinstance(value, float) and not np.isfinite(value)):
        return "no data"
    if key == "annual_value":
        return f"£{value:,.0f}"
    if key == "supplier_share":
        return f"{value:.0%}"
    if key == "runs_system":
        return "yes" if value >= 0.5 else "no"
    if key.startswith("skill_"):
        return f"level {value:.0f}"
    return f"{value:,.0f}"


def authority_positions(df: pd.DataFrame) -> np.ndarray:
    """For each row, the position of its borough in AUTHORITY_CODES (-1 when not one of the 33)."""
    series = df["authority_code"]
    if isinstance(series.dtype, pd.CategoricalDtype):
        categories = series.cat.categories
        codes = series.cat.codes.to_numpy()
        if len(categories) == len(AUTHORITY_CODES) and categories.equals(_AUTHORITY_INDEX):
            return codes.astype(np.intp)
        lookup = np.append(_AUTHORITY_INDEX.get_indexer(categories.astype("str")), -1)
        return lookup[codes]  # code -1 (missing) picks the appended -1
    return _AUTHORITY_INDEX.get_indexer(series.astype("str"))


def _distinct_per_borough(positions: np.ndarray, values: pd.Series) -> np.ndarray:
    """How many distinct values each of the 33 boroughs has (positions already valid)."""
    if positions.size == 0:
        return np.zeros(len(AUTHORITY_CODES), dtype=np.int64)
    codes, uniques = factorize(values)
    seen = np.zeros((len(AUTHORITY_CODES), len(uniques) + 1), dtype=bool)
    seen[positions, codes] = True  # code -1 (missing) lands in the spare last column
    return seen[:, :-1].sum(axis=1)


ENDING_MONTHS = 12  # the default window of "contracts ending within N months"


def ending_within(df: pd.DataFrame, *, today: date, months: int = ENDING_MONTHS) -> np.ndarray:
    """Row mask: end_date in [today, today + months] inclusive (undated rows are False). The end
    of the window is the same day `months` calendar months on (31 Jan + 1 month = 28/29 Feb)."""
    if isinstance(months, bool) or not isinstance(months, (int, np.integer)) or months < 0:
        raise ValueError(f"months must be a whole number >= 0, not {months!r}")
    ends = df["end_date"].to_numpy()
    return (ends >= _day(today)) & (ends <= _day(add_months(today, int(months))))


METRIC_COLUMNS = ("name", "slug", "contracts", "suppliers", "systems", "ending_12m",
                  "annual_value", "supplier_share", "runs_system", "pairs_known")


def borough_metrics(
    df: pd.DataFrame,
    *,
    today: date,
    supplier: Sequence[str] = (),
    system: Sequence[str] = (),
    months: int = ENDING_MONTHS,
) -> pd.DataFrame:
    """One row per London authority (all 33, in ONS-code order, zeros where `df` has no rows),
    indexed by ONS code: name, slug, contracts, suppliers and systems (distinct slugs), ending_12m
    (end_date in [today, today + `months` months], 12 by default; the column keeps its name
    whatever the window, since the pages' metric key and URLs use it), annual_value (sum of the
    known annual_value_gbp; NaN when the borough has no known value), supplier_share (share 0..1
    of the borough's contracts held by any of `supplier`; NaN when no supplier is given or the
    borough has no contracts), runs_system (1.0 when any of the borough's rows has one of
    `system`, else 0.0; NaN when no system is given), pairs_known (service areas, `unclassified`
    aside, with at least one real row: the borough's pairs known, see techmap.analysis.coverage)."""
    size = len(AUTHORITY_CODES)
    positions = authority_positions(df)
    valid = positions >= 0
    if not valid.all():
        df = df.loc[valid]
        positions = positions[valid]
    contracts = np.bincount(positions, minlength=size)
    ending = ending_within(df, today=today, months=months)
    raw = df["annual_value_gbp"].to_numpy(dtype="float64")
    values = np.nan_to_num(raw, nan=0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        if supplier:
            held = np.bincount(positions, weights=_isin(df["supplier_slug"], supplier), minlength=size)
            supplier_share = np.where(contracts > 0, held / np.maximum(contracts, 1), np.nan)
        else:
            supplier_share = np.full(size, np.nan)
    if system:
        runs = np.bincount(positions[_isin(df["system_slug"], system)], minlength=size)
        runs_system = (runs > 0).astype("float64")
    else:
        runs_system = np.full(size, np.nan)
    auths = authorities()
    out = pd.DataFrame(
        {
            "name": pd.array([a.name for a in auths], dtype="str"),
            "slug": pd.array([a.slug for a in auths], dtype="str"),
            "contracts": contracts.astype("int64"),
            "suppliers": _distinct_per_borough(positions, df["supplier_slug"]).astype("int64"),
            "systems": _distinct_per_borough(positions, df["system_slug"]).astype("int64"),
            "ending_12m": np.bincount(positions[ending], minlength=size).astype("int64"),
            # NaN, not 0, where no value is known (none recorded, or all withheld on a public
            # instance): pages then say "not published" instead of showing a made-up £0.
            "annual_value": np.where(np.bincount(positions, weights=~np.isnan(raw), minlength=size) > 0,
                                     np.bincount(positions, weights=values, minlength=size), np.nan),
            "supplier_share": supplier_share.astype("float64"),
            "runs_system": runs_system,
            "pairs_known": _pairs_known(df, positions),
        },
        index=pd.Index(AUTHORITY_CODES, name="authority_code"),
    )
    return out


def _pairs_known(df: pd.DataFrame, positions: np.ndarray) -> np.ndarray:
    """Per borough, the distinct service areas (not `unclassified`) of its real rows."""
    area = df["service_area"]
    real = ~df["synthetic"].to_numpy(dtype=bool) & (area != "unclassified").to_numpy()
    return _distinct_per_borough(positions[real], area[real]).astype("int64")


def rank(series: pd.Series, ascending: bool = False) -> pd.Series:
    """1-based competition ranks (1, 2, 2, 4), largest first unless ascending; NaN stays NaN."""
    return series.rank(method="min", ascending=ascending, na_option="keep")


# ---- headline figures -------------------------------------------------------------------------


def _codes_and_size(series: pd.Series) -> tuple[np.ndarray, int]:
    codes, uniques = factorize(series)
    return codes, len(uniques)


def _distinct(codes: np.ndarray, size: int) -> int:
    """Distinct values among the rows (a categorical's unused categories do not count)."""
    return int(np.count_nonzero(np.bincount(codes[codes >= 0], minlength=size)))


def headline(df: pd.DataFrame, *, today: date, top_n: int = 15,
             months: int = ENDING_MONTHS) -> dict[str, float | int]:
    """The figures above the map: contracts, boroughs, suppliers, systems, top_n, top_n_share
    (share of contracts held by the top_n suppliers by contract count), ending_12m (end_date in
    [today, today + `months` months], 12 by default, under the same key whatever the window) and
    annual_value (sum, 0 when none)."""
    ending = ending_within(df, today=today, months=months)
    positions = authority_positions(df)
    supplier_codes, suppliers = factorize(df["supplier_slug"])  # once for the count and the share
    return {
        "contracts": int(len(df)),
        "boroughs": int(np.unique(positions[positions >= 0]).size),
        "suppliers": _distinct(supplier_codes, len(suppliers)),
        "systems": _distinct(*_codes_and_size(df["system_slug"])),
        "top_n": int(top_n),
        "top_n_share": share_of_largest(supplier_codes, len(suppliers), top_n),
        "ending_12m": int(ending.sum()),
        "annual_value": float(np.nansum(df["annual_value_gbp"].to_numpy(dtype="float64"))),
    }
