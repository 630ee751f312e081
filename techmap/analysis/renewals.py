"""Renewal planning: contracts ending in a window, end dates per quarter, and joint-procurement
clusters (several boroughs whose contracts for the same system or service area end close together,
so they could buy together).

All functions are pure: they take the loaded contracts frame (see techmap/dataformat/dataset.py) and never
modify it.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from typing import Any, Literal

import numpy as np
import pandas as pd

from techmap.analysis import joint_scan
from techmap.analysis.concentration import factorize, names_for_codes
from techmap.dataformat.schema import SERVICE_AREAS, SERVICE_AREAS_BY_SLUG

ClusterKind = Literal["system", "service_area"]
CLUSTER_KINDS: tuple[ClusterKind, ...] = ("system", "service_area")


@lru_cache(maxsize=8192)  # pure, and called for every distinct end date and every cluster
def add_months(d: date, months: int) -> date:
    """`d` moved by whole calendar months; the day is clamped to the target month's last day
    (31 Jan + 1 month = 28/29 Feb; 29 Feb 2028 + 12 months = 28 Feb 2029)."""
    index = d.year * 12 + (d.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    day = min(d.day, calendar.monthrange(year, month)[1])
    return date(year, month, day)


def _day(value: date) -> np.datetime64:
    return np.datetime64(value.isoformat(), "D")


def renewals_in_window(df: pd.DataFrame, start: date, end: date) -> pd.DataFrame:
    """Rows whose end_date lies in [start, end] (inclusive), sorted by end_date then contract_id."""
    ends = df["end_date"].to_numpy()
    mask = (ends >= _day(start)) & (ends <= _day(end))  # NaT compares False: undated rows drop out
    return df.loc[mask].sort_values(["end_date", "contract_id"], kind="stable")


def quarterly_end_summary(df: pd.DataFrame) -> pd.DataFrame:
    """How many contracts end in each calendar quarter, per service area (long form).

    Columns: quarter ("2027 Q1"), quarter_start (date), service_area, area_name, contracts.
    Only (quarter, area) pairs with at least one contract; rows without an end date are left out.
    Sorted by quarter, then service areas in the order of techmap.dataformat.schema.SERVICE_AREAS.
    """
    ends = df["end_date"].to_numpy().astype("datetime64[M]")
    dated = ~np.isnat(ends)
    if not dated.any():
        return _empty_summary()
    # One integer per quarter (months since 1970 // 3) and per area code: counting pairs of
    # integers with np.unique is several times cheaper than a pandas groupby on dates and text.
    quarter_index = ends[dated].astype(np.int64) // 3
    area_codes, area_values = factorize(df["service_area"])
    area_codes = area_codes[dated]
    known = area_codes >= 0
    quarter_index, area_codes = quarter_index[known], area_codes[known]
    if not quarter_index.size:
        return _empty_summary()
    width = len(area_values) + 1
    pairs, counts = np.unique(quarter_index * width + area_codes, return_counts=True)
    quarters, codes = np.divmod(pairs, width)
    slugs = np.array([str(v) for v in area_values], dtype=object)[codes]
    order = {a.slug: i for i, a in enumerate(SERVICE_AREAS)}
    area_rank = np.array([order.get(slug, len(order)) for slug in slugs])
    sort = np.lexsort((slugs, area_rank, quarters))
    quarters, slugs, counts = quarters[sort], slugs[sort], counts[sort]
    years, q_in_year = np.divmod(quarters, 4)
    years = years + 1970
    return pd.DataFrame({
        "quarter": [f"{y} Q{q + 1}" for y, q in zip(years, q_in_year, strict=True)],
        "quarter_start": [date(int(y), int(q) * 3 + 1, 1) for y, q in zip(years, q_in_year, strict=True)],
        "service_area": slugs,
        "area_name": [_area_name(slug) for slug in slugs],
        "contracts": counts.astype("int64"),
    })


def _empty_summary() -> pd.DataFrame:
    columns = ["quarter", "quarter_start", "service_area", "area_name", "contracts"]
    return pd.DataFrame({c: pd.Series(dtype="int64" if c == "contracts" else "object") for c in columns})


def _area_name(slug: str) -> str:
    area = SERVICE_AREAS_BY_SLUG.get(slug)
    return area.name if area else slug


# ---- joint-procurement clusters ---------------------------------------------------------------

@dataclass(frozen=True)
class Cluster:
    """Boroughs whose contracts for one system (or one service area) end close together."""

    kind: ClusterKind  # "system" or "service_area"
    key: str  # system slug or service-area slug
    label: str  # system display name or service-area name
    authorities: tuple[str, ...]  # ONS codes, sorted
    suppliers: tuple[str, ...]  # supplier names, sorted
    contract_ids: tuple[str, ...]  # in end-date order
    earliest_end: date
    latest_end: date
    suggested_start: date  # earliest_end minus the procurement lead time
    # Positions of its contracts (in contract_ids order) in the frame scanned, so that the finder
    # reads their values without looking ids up (joint_finder.finder_rows); None: built by hand.
    rows: np.ndarray | None = field(default=None, compare=False, repr=False)

    @property
    def boroughs(self) -> int:
        return len(self.authorities)


def joint_procurement_clusters(df: pd.DataFrame, **options: Any) -> list[Cluster]:
    """Groups of boroughs that could procure together, over every row of `df`. `options` are
    clusters_among's keywords: window_months (12), lead_months (18), kinds, today, min_boroughs (2),
    supplier_names and system_names.

    Definition, per group (kind "system": rows with the same system_slug; kind "service_area":
    rows with the same service_area):
    1. Only rows with an end date count; when `today` is given, rows that ended before today are
       dropped too (contracts ending today still count).
    2. Rows are sorted by end date (then contract_id). Starting from the earliest row not yet in a
       cluster, the candidate run is every following row whose end date is on or before
       add_months(first end, window_months): exactly window_months apart is within the window,
       one day more is not.
    3. The run is a cluster when it spans at least `min_boroughs` distinct boroughs AND at least two
       distinct procurements. A procurement is a shared contract (rows with the same non-blank
       shared_ref) or a single row; so one shared contract across several boroughs, which is already
       joint, is not a cluster on its own, while the same shared contract plus another borough's
       contract is. Its rows are then used and the scan continues after the run.
    4. Otherwise only the first row is dropped and the scan restarts from the next row, so a late
       contract can still pair with a later one (greedy, earliest first; every row belongs to at most
       one cluster per kind, and clusters of one group never overlap in time order).
    The suggested start is add_months(earliest end, -lead_months). Labels and supplier names are
    display names (most common spelling per slug, or from `system_names` / `supplier_names`, e.g.
    the Dataset's). Clusters are sorted by suggested_start, then label, kind and key.
    """
    return clusters_among(df, None, **options)


def clusters_among(
    df: pd.DataFrame,
    rows: np.ndarray | None,
    *,
    window_months: int = 12,
    lead_months: int = 18,
    kinds: Iterable[ClusterKind] = CLUSTER_KINDS,
    today: date | None = None,
    min_boroughs: int = 2,
    supplier_names: Mapping[str, str] | None = None,
    system_names: Mapping[str, str] | None = None,
) -> list[Cluster]:
    """joint_procurement_clusters(df.loc[rows]) (rows: a boolean mask, None for all) without
    copying the rows: the loaded table's cached codes and scan order serve every filter."""
    if window_months < 0 or lead_months < 0:
        raise ValueError("window_months and lead_months must not be negative")
    kinds = tuple(kinds)
    for kind in kinds:
        if kind not in CLUSTER_KINDS:
            raise ValueError(f"unknown cluster kind {kind!r}; expected one of {CLUSTER_KINDS}")
    days_all = joint_scan.end_days(df)
    mask = (days_all != joint_scan.NO_DAY) & df["authority_code"].notna().to_numpy()
    if today is not None:
        mask &= days_all >= _epoch_day(today)
    if rows is not None:
        mask &= rows
    clusters: list[Cluster] = []
    if not mask.any():
        return clusters
    # Integer codes of the whole frame's columns, read at the rows in the scan: no copy of the
    # rows (the loaded table's codes, and a filtered frame's, are cached: see concentration.factorize).
    scanned = np.flatnonzero(mask)
    limits_all = np.zeros(len(days_all), dtype=np.int64)
    limits_all[scanned] = _window_limits(days_all[scanned], window_months)

    def coded(column: str) -> tuple[np.ndarray, np.ndarray]:
        return factorize(df[column])

    def scanned_names(column: str) -> tuple[np.ndarray, np.ndarray]:
        codes, uniques = coded(column)
        return codes[scanned], uniques

    boroughs, borough_values = coded("authority_code")
    shared_codes, shared_values = coded("shared_ref")
    blank = np.flatnonzero(shared_values == "")
    if blank.size:  # a blank shared_ref is no shared contract
        shared_codes = np.where(shared_codes == blank[0], -1, shared_codes)
    # procurement: the shared contract's code, else a number of the row's own
    procurements = np.where(shared_codes >= 0, shared_codes, len(shared_values) + np.arange(len(df)))
    supplier_codes, supplier_slugs = coded("supplier_slug")
    supplier_label = names_for_codes(supplier_codes[scanned], supplier_slugs,
                                     scanned_names("supplier"), supplier_names)
    borough_text = np.array([str(b) for b in borough_values], dtype=object)
    contract_ids = df["contract_id"].to_numpy()

    def texts(picked: np.ndarray) -> tuple[list, list, list]:
        """The boroughs' codes, suppliers' names and contract ids of the rows `picked`."""
        return (borough_text[boroughs[picked]].tolist(), supplier_label[supplier_codes[picked]].tolist(),
                contract_ids[picked].tolist())

    order = joint_scan.scan_order(df, days_all)
    for kind in kinds:
        column = "system_slug" if kind == "system" else "service_area"
        keys, key_values = coded(column)
        if kind == "system":
            labels = names_for_codes(keys[scanned], key_values,
                                     scanned_names("system"), system_names)
        else:
            labels = np.array([_area_name(str(k)) for k in key_values], dtype=object)
        rows = joint_scan.ordered(order, column, scanned[keys[scanned] >= 0])  # by group, end date, id
        stops = joint_scan.window_stops(keys[rows], days_all[rows], limits_all[rows])
        found = joint_scan.runs(stops, boroughs[rows], procurements[rows], min_boroughs)
        clusters += _clusters(kind, found, rows, keys, key_values, labels, days_all, lead_months, texts)
    clusters.sort(key=lambda c: (c.suggested_start, c.label, c.kind, c.key))
    return clusters


_EPOCH = date(1970, 1, 1)


def _epoch_day(d: date) -> int:
    return (d - _EPOCH).days


def _date_of(day: int) -> date:
    return _EPOCH + timedelta(days=day)


def _window_limits(days: np.ndarray, window_months: int) -> np.ndarray:
    """For each day, the last day of the window starting there: worked out once per distinct day
    (many contracts end on 31 March) through a table over the days' range."""
    low = int(days.min())
    offsets = days - low
    present = np.flatnonzero(np.bincount(offsets))
    table = np.zeros(int(offsets.max()) + 1, dtype=np.int64)
    table[present] = [_epoch_day(add_months(_date_of(low + int(p)), window_months)) for p in present]
    return table[offsets]


def _clusters(kind: ClusterKind, found: list[tuple[int, int]], rows: np.ndarray, keys: np.ndarray,
              key_values: np.ndarray, labels: np.ndarray, days: np.ndarray, lead_months: int,
              texts: Callable[[np.ndarray], tuple[list, list, list]]) -> list[Cluster]:
    """The Cluster of each run [first, stop) of `rows` (positions in the frame, in scan order);
    texts(rows) gives those rows' borough codes, supplier names and contract ids."""
    if not found:
        return []
    firsts = np.array([f for f, _ in found])
    stops = np.array([s for _, s in found])
    edges = np.bincount(firsts, minlength=rows.size + 1) - np.bincount(stops, minlength=rows.size + 1)
    in_runs = np.flatnonzero(np.cumsum(edges[:-1]) > 0)  # positions (in `rows`) inside a run
    picked = rows[in_runs]
    positions = picked.astype(np.int64)  # read-only: each cluster holds a slice of it
    positions.setflags(write=False)
    boroughs, suppliers, ids = texts(picked)
    run_days = days[picked].tolist()
    at = np.searchsorted(in_runs, firsts).tolist()
    out = []
    for start, first, stop in zip(at, firsts.tolist(), stops.tolist(), strict=True):
        end = start + stop - first
        code = int(keys[rows[first]])
        earliest = _date_of(run_days[start])
        out.append(Cluster(
            kind=kind,
            key=str(key_values[code]),
            label=str(labels[code]),
            authorities=tuple(sorted(set(boroughs[start:end]))),
            suppliers=tuple(sorted(set(suppliers[start:end]))),
            contract_ids=tuple(ids[start:end]),
            earliest_end=earliest,
            latest_end=_date_of(run_days[end - 1]),
            suggested_start=add_months(earliest, -lead_months),
            rows=positions[start:end],
        ))
    return out
