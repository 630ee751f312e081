"""Renewal planning: contracts ending in a window, end dates per quarter, and joint-procurement
clusters (several boroughs whose contracts for the same system or service area end close together,
so they could buy together).

All functions are pure: they take the loaded contracts frame (see techmap/dataformat/dataset.py) and never
modify it.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from operator import itemgetter
from typing import Literal

import numpy as np
import pandas as pd

from techmap.analysis import concentration
from techmap.analysis.concentration import CODED_COLUMNS, factorize, names_for_codes, remember_subset
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

_CLUSTER_COLUMNS = ("authority_code", "shared_ref", "supplier_slug", "supplier", "contract_id",
                    "system_slug", "system", "service_area")


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

    @property
    def boroughs(self) -> int:
        return len(self.authorities)


def joint_procurement_clusters(
    df: pd.DataFrame,
    *,
    window_months: int = 12,
    lead_months: int = 18,
    kinds: Iterable[ClusterKind] = CLUSTER_KINDS,
    today: date | None = None,
    min_boroughs: int = 2,
    supplier_names: Mapping[str, str] | None = None,
    system_names: Mapping[str, str] | None = None,
) -> list[Cluster]:
    """Groups of boroughs that could procure together.

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
    if window_months < 0 or lead_months < 0:
        raise ValueError("window_months and lead_months must not be negative")
    kinds = tuple(kinds)
    for kind in kinds:
        if kind not in CLUSTER_KINDS:
            raise ValueError(f"unknown cluster kind {kind!r}; expected one of {CLUSTER_KINDS}")
    ends_all = df["end_date"].to_numpy().astype("datetime64[D]")
    mask = ~np.isnat(ends_all) & df["authority_code"].notna().to_numpy()
    if today is not None:
        mask &= ends_all >= _day(today)
    clusters: list[Cluster] = []
    if not mask.any():
        return clusters
    # only the columns the scan reads: taking every column of a long table costs more than the scan
    rows = df.loc[mask, [c for c in _CLUSTER_COLUMNS if c in df.columns]]
    if len(df) >= concentration.CODES_MIN_ROWS:  # reuse the loaded table's codes (see concentration.factorize)
        remember_subset(df, rows, mask, (*CODED_COLUMNS, "shared_ref"))
    days = ends_all[mask].astype(np.int64)  # days since 1970-01-01
    n = days.size

    # Limits once per distinct end date (many contracts end on 31 March).
    unique_days, day_index = np.unique(days, return_inverse=True)
    unique_dates = unique_days.astype("datetime64[D]").astype(object)
    limits = np.array([_epoch_day(add_months(d, window_months)) for d in unique_dates],
                      dtype=np.int64)[day_index]

    boroughs, borough_values = factorize(rows["authority_code"])
    shared_codes, shared_values = factorize(rows["shared_ref"])
    blank = np.flatnonzero(shared_values == "")
    if blank.size:  # a blank shared_ref is no shared contract
        shared_codes = np.where(shared_codes == blank[0], -1, shared_codes)
    # procurement: the shared contract's code, else a number of the row's own
    procurements = np.where(shared_codes >= 0, shared_codes, shared_codes.max(initial=0) + 1 + np.arange(n))
    supplier_codes, supplier_slugs = factorize(rows["supplier_slug"])
    supplier_label = names_for_codes(supplier_codes, supplier_slugs, rows["supplier"], supplier_names)
    contract_ids = rows["contract_id"].to_numpy()
    borough_text = np.array([str(b) for b in borough_values], dtype=object)
    # per-row display values as Python lists, for building the clusters
    row_borough = borough_text[boroughs].tolist()
    row_supplier = supplier_label[supplier_codes].tolist()
    row_contract = contract_ids.tolist()
    row_date = unique_dates[day_index].tolist()
    # every row's place in (end date, contract_id) order, sorted once for all groups
    sequence = np.empty(n, dtype=np.int64)
    sequence[np.lexsort((contract_ids, days))] = np.arange(n)

    for kind in kinds:
        if kind == "system":
            keys, key_values = factorize(rows["system_slug"])
            labels = names_for_codes(keys, key_values, rows["system"], system_names)
        else:
            keys, key_values = factorize(rows["service_area"])
            labels = np.array([_area_name(str(k)) for k in key_values], dtype=object)
        valid = np.flatnonzero(keys >= 0)
        order = valid[np.lexsort((sequence[valid], keys[valid]))]  # by group, end date, id
        group_keys = keys[order]
        bounds = np.flatnonzero(np.r_[True, group_keys[1:] != group_keys[:-1], True])
        for a, b in zip(bounds[:-1], bounds[1:], strict=True):
            members = order[a:b]
            # exclusive end of the window starting at each member
            stops = np.searchsorted(days[members], limits[members], side="right")
            runs = _runs(stops, boroughs[members].tolist(), procurements[members].tolist(), min_boroughs)
            if not runs:
                continue
            key_code = int(group_keys[a])
            key, label = str(key_values[key_code]), str(labels[key_code])
            rows_of_group = members.tolist()
            for first, stop in runs:
                # a run has at least two rows, so itemgetter returns tuples; picking from Python
                # lists beats numpy calls per run for the many small runs and is fine for big ones
                run_rows = rows_of_group[first:stop]
                pick = itemgetter(*run_rows)
                earliest = row_date[run_rows[0]]
                clusters.append(Cluster(
                    kind=kind,
                    key=key,
                    label=label,
                    authorities=tuple(sorted(set(pick(row_borough)))),
                    suppliers=tuple(sorted(set(pick(row_supplier)))),
                    contract_ids=pick(row_contract),
                    earliest_end=earliest,
                    latest_end=row_date[run_rows[-1]],
                    suggested_start=add_months(earliest, -lead_months),
                ))
    clusters.sort(key=lambda c: (c.suggested_start, c.label, c.kind, c.key))
    return clusters


_EPOCH = date(1970, 1, 1)


def _epoch_day(d: date) -> int:
    return (d - _EPOCH).days


def _runs(stops: np.ndarray, boroughs: Sequence[int], procurements: Sequence[int],
          min_boroughs: int) -> list[tuple[int, int]]:
    """The qualifying runs [first, stop) of one group, its rows in end-date order, where stops[i]
    ends the window that starts at row i; see joint_procurement_clusters. Equal end dates share a
    window, so their order cannot change which rows form clusters."""
    runs: list[tuple[int, int]] = []
    need = max(min_boroughs, 1)
    first = 0
    n = len(stops)
    while first < n:
        stop = int(stops[first])
        if (len(set(boroughs[first:stop])) >= need
                and len(set(procurements[first:stop])) >= 2):
            runs.append((first, stop))
            first = stop
        else:
            first += 1
    return runs
