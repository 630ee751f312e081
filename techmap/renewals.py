"""Renewal planning: contracts ending in a window, end dates per quarter, and joint-procurement
clusters (several boroughs whose contracts for the same system or service area end close together,
so they could buy together).

All functions are pure: they take the loaded contracts frame (see techmap/dataset.py) and never
modify it.
"""

from __future__ import annotations

import calendar
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Literal

import numpy as np
import pandas as pd

from techmap.schema import SERVICE_AREAS, SERVICE_AREAS_BY_SLUG

ClusterKind = Literal["system", "service_area"]
CLUSTER_KINDS: tuple[ClusterKind, ...] = ("system", "service_area")


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
    Sorted by quarter, then service areas in the order of techmap.schema.SERVICE_AREAS.
    """
    columns = ["quarter", "quarter_start", "service_area", "area_name", "contracts"]
    dated = df.loc[df["end_date"].notna(), ["end_date", "service_area"]]
    if dated.empty:
        return pd.DataFrame({c: pd.Series(dtype="int64" if c == "contracts" else "object")
                             for c in columns})
    ends = dated["end_date"]
    # One integer per quarter (year * 4 + quarter index) keeps the grouping cheap.
    qnum = (ends.dt.year * 4 + (ends.dt.month - 1) // 3).to_numpy()
    area = dated["service_area"].astype("str").to_numpy()
    counts = (pd.DataFrame({"q": qnum, "service_area": area})
              .groupby(["q", "service_area"], sort=False).size().reset_index(name="contracts"))
    order = {a.slug: i for i, a in enumerate(SERVICE_AREAS)}
    counts["_area_order"] = counts["service_area"].map(order).fillna(len(order))
    counts = counts.sort_values(["q", "_area_order", "service_area"], kind="stable")
    years, quarters = np.divmod(counts["q"].to_numpy(), 4)
    out = pd.DataFrame({
        "quarter": [f"{y} Q{q + 1}" for y, q in zip(years, quarters, strict=True)],
        "quarter_start": [date(int(y), int(q) * 3 + 1, 1) for y, q in zip(years, quarters, strict=True)],
        "service_area": counts["service_area"].to_numpy(),
        "area_name": [_area_name(s) for s in counts["service_area"]],
        "contracts": counts["contracts"].to_numpy(dtype="int64"),
    })
    return out


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
    The suggested start is add_months(earliest end, -lead_months). Clusters are sorted by
    suggested_start, then label, kind and key.
    """
    if window_months < 0 or lead_months < 0:
        raise ValueError("window_months and lead_months must not be negative")
    mask = df["end_date"].notna().to_numpy().copy()
    if today is not None:
        mask &= df["end_date"].to_numpy() >= _day(today)
    rows = df.loc[mask, ["contract_id", "authority_code", "service_area", "system", "system_slug",
                         "supplier", "shared_ref", "end_date"]]
    clusters: list[Cluster] = []
    if rows.empty:
        return clusters
    rows = rows.sort_values(["end_date", "contract_id"], kind="stable")
    ends = rows["end_date"].to_numpy().astype("datetime64[D]").astype(object).tolist()  # dates
    contract_ids = rows["contract_id"].tolist()
    codes = rows["authority_code"].astype("str").tolist()
    suppliers = rows["supplier"].tolist()
    # procurement key: the shared contract, else the row itself
    procurements = [f"shared:{ref}" if ref else f"row:{cid}"
                    for ref, cid in zip(rows["shared_ref"].tolist(), contract_ids, strict=True)]
    system_names = _most_common_names(rows["system_slug"].tolist(), rows["system"].tolist())

    for kind in kinds:
        if kind not in CLUSTER_KINDS:
            raise ValueError(f"unknown cluster kind {kind!r}; expected one of {CLUSTER_KINDS}")
        keys = (rows["system_slug"] if kind == "system" else rows["service_area"].astype("str")).tolist()
        positions: dict[str, list[int]] = {}
        for i, key in enumerate(keys):
            positions.setdefault(key, []).append(i)
        for key, group in positions.items():
            label = system_names.get(key, key) if kind == "system" else _area_name(key)
            for run in _runs(group, ends, codes, procurements, window_months, min_boroughs):
                clusters.append(Cluster(
                    kind=kind,
                    key=key,
                    label=label,
                    authorities=tuple(sorted({codes[i] for i in run})),
                    suppliers=tuple(sorted({suppliers[i] for i in run})),
                    contract_ids=tuple(contract_ids[i] for i in run),
                    earliest_end=ends[run[0]],
                    latest_end=ends[run[-1]],
                    suggested_start=add_months(ends[run[0]], -lead_months),
                ))
    clusters.sort(key=lambda c: (c.suggested_start, c.label, c.kind, c.key))
    return clusters


def _runs(group: Sequence[int], ends: Sequence[date], codes: Sequence[str],
          procurements: Sequence[str], window_months: int, min_boroughs: int) -> list[list[int]]:
    """The qualifying runs of one group (positions already in end-date order); see the docstring of
    joint_procurement_clusters. Two pointers and running counts keep it linear."""
    runs: list[list[int]] = []
    n = len(group)
    limits: dict[date, date] = {}  # many rows share an end date (31 March!)
    need_boroughs = max(min_boroughs, 1)
    boroughs: Counter[str] = Counter()  # of the rows group[start:stop]
    buys: Counter[str] = Counter()
    start = stop = 0
    while start < n:
        if stop <= start:
            stop = start
            boroughs.clear()
            buys.clear()
        first_end = ends[group[start]]
        limit = limits.get(first_end)
        if limit is None:
            limit = limits[first_end] = add_months(first_end, window_months)
        while stop < n and ends[group[stop]] <= limit:
            boroughs[codes[group[stop]]] += 1
            buys[procurements[group[stop]]] += 1
            stop += 1
        if len(boroughs) >= need_boroughs and len(buys) >= 2:
            runs.append(list(group[start:stop]))
            start = stop
            continue
        first = group[start]
        for counter, item in ((boroughs, codes[first]), (buys, procurements[first])):
            counter[item] -= 1
            if not counter[item]:
                del counter[item]
        start += 1
    return runs


def _most_common_names(slugs: Sequence[str], names: Sequence[str]) -> dict[str, str]:
    """slug -> the most common spelling among the rows (ties: alphabetical first)."""
    counts: dict[str, dict[str, int]] = {}
    for slug, name in zip(slugs, names, strict=True):
        per = counts.setdefault(slug, {})
        per[name] = per.get(name, 0) + 1
    return {slug: min(per, key=lambda name: (-per[name], name)) for slug, per in counts.items()}
