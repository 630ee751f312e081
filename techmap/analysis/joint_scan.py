"""The array work behind the joint-procurement finder (techmap.analysis.renewals), vectorised.

The finder groups rows by system (or service area), orders each group by end date and contract id,
and scans greedily for runs of rows ending within a window that span two boroughs and two
procurements. At 140k rows the costly parts were sorting (the text ids above all) and a Python loop
over every row; here:

- the (group, end date, contract id) order of a long table is worked out once, kept in
  cache.ARRAYS with its contract_id array, and handed on to the frames filtered from it
  (`remember_order`, called by queries.rows_under): a filtered frame's order is then a linear pass;
- every window's end (`stops`) comes from one searchsorted over all groups at once, and whether a
  window holds two boroughs and two procurements from "the next row that differs", so the greedy
  scan only steps from cluster to cluster.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from techmap.analysis import concentration
from techmap.analysis.concentration import factorize
from techmap.service.cache import ARRAYS, MISSING

NO_DAY = np.iinfo(np.int64).min  # an undated row
GROUP_COLUMNS = ("system_slug", "service_area")  # what the finder groups rows by
_ORDER = "joint-scan order"  # kind of the cached ScanOrder in cache.ARRAYS


def end_days(df: pd.DataFrame) -> np.ndarray:
    """end_date as whole days since 1970-01-01, NO_DAY where there is none."""
    ends = df["end_date"].to_numpy().astype("datetime64[D]")
    return np.where(np.isnat(ends), NO_DAY, ends.view(np.int64))


@dataclass(frozen=True)
class ScanOrder:
    """For each group column, every row's rank in (group code, end day, contract id) order, over
    a table of `size` rows (a filtered frame keeps its source table's ranks and size)."""

    days: np.ndarray  # end_days of the rows these ranks were made for (checked on use)
    ranks: dict[str, np.ndarray]
    size: int


def _make_order(df: pd.DataFrame, days: np.ndarray) -> ScanOrder:
    ids = df["contract_id"].to_numpy()
    sequence = np.empty(len(ids), dtype=np.int64)
    sequence[np.lexsort((ids, days))] = np.arange(len(ids))  # the text sort, once for all groups
    ranks = {}
    for column in GROUP_COLUMNS:
        rank = np.empty(len(ids), dtype=np.int64)
        rank[np.lexsort((sequence, factorize(df[column])[0]))] = np.arange(len(ids))
        rank.setflags(write=False)
        ranks[column] = rank
    days = days.copy()
    days.setflags(write=False)
    return ScanOrder(days, ranks, len(ids))


def scan_order(df: pd.DataFrame, days: np.ndarray) -> ScanOrder:
    """The ScanOrder of `df` (`days` = end_days(df)): cached for long tables and their filtered
    frames, made afresh (one sort) for others."""
    ids = df["contract_id"].to_numpy()
    found = ARRAYS.lookup(_ORDER, ids)
    if found is not MISSING and np.array_equal(found.days, days):
        return found
    order = _make_order(df, days)
    if len(ids) >= concentration.CODES_MIN_ROWS:
        ARRAYS.keep(_ORDER, ids, order)
    return order


def prepare(df: pd.DataFrame) -> None:
    """Work out (and keep) the scan order of a long-lived table, so that the frames filtered from
    it get theirs for free (see remember_order)."""
    if ARRAYS.lookup(_ORDER, df["contract_id"].to_numpy()) is MISSING:
        scan_order(df, end_days(df))


def remember_order(base: pd.DataFrame, subset: pd.DataFrame, mask: np.ndarray) -> None:
    """Hand base's kept scan order, if any, on to subset = base.loc[mask]."""
    found = ARRAYS.lookup(_ORDER, base["contract_id"].to_numpy())
    if found is not MISSING:
        ranks = {column: rank[mask] for column, rank in found.ranks.items()}
        ARRAYS.keep(_ORDER, subset["contract_id"].to_numpy(), ScanOrder(found.days[mask], ranks, found.size))


def ordered(order: ScanOrder, column: str, rows: np.ndarray) -> np.ndarray:
    """`rows` (positions in the frame) in (group, end day, contract id) order: a linear pass
    through the ranks (which may be ranks within a larger source table)."""
    place = np.full(order.size, -1, dtype=np.int64)
    place[order.ranks[column][rows]] = rows
    return place[place >= 0]


def _next_different(values: np.ndarray) -> np.ndarray:
    """For each position i, the first j > i with values[j] != values[i] (len(values) if none)."""
    n = values.size
    changes = np.flatnonzero(values[1:] != values[:-1]) + 1
    return np.append(changes, n)[np.searchsorted(changes, np.arange(n), side="right")]


def window_stops(keys: np.ndarray, days: np.ndarray, limits: np.ndarray) -> np.ndarray:
    """For rows sorted by (key, day): the exclusive end of the window starting at each row (the
    rows of the same key whose day is at most that row's limit), for all groups in one search."""
    if keys.size == 0:
        return np.zeros(0, dtype=np.int64)
    low = int(days.min())
    width = int(limits.max()) - low + 1  # a limit never reaches the next key's first day
    key_base = keys.astype(np.int64) * width - low
    return np.searchsorted(key_base + days, key_base + limits, side="right")


def runs(stops: np.ndarray, boroughs: np.ndarray, procurements: np.ndarray,
         min_boroughs: int) -> list[tuple[int, int]]:
    """The greedy runs [first, stop) over rows sorted by (group, end date, id), `stops` from
    window_stops: a window is a run when it spans at least `min_boroughs` distinct boroughs and two
    distinct procurements; then the scan continues after it, else from the next row (see
    renewals.joint_procurement_clusters)."""
    need = max(min_boroughs, 1)
    if need > 2:
        return _runs_counting(stops, boroughs.tolist(), procurements.tolist(), need)
    ok = _next_different(procurements) < stops
    if need == 2:  # two boroughs in a window: the next row with another borough is inside it
        ok &= _next_different(boroughs) < stops
    starts = np.flatnonzero(ok).tolist()
    stop_of = stops.tolist()
    out: list[tuple[int, int]] = []
    at = bisect_left(starts, 0)
    while at < len(starts):
        first = starts[at]
        out.append((first, stop_of[first]))
        at = bisect_left(starts, stop_of[first], at)
    return out


def _runs_counting(stops: np.ndarray, boroughs: Sequence[int], procurements: Sequence[int],
                   need: int) -> list[tuple[int, int]]:
    """runs() for more than two boroughs: counts each window's distinct boroughs."""
    out: list[tuple[int, int]] = []
    first, n = 0, len(stops)
    while first < n:
        stop = int(stops[first])
        if len(set(boroughs[first:stop])) >= need and len(set(procurements[first:stop])) >= 2:
            out.append((first, stop))
            first = stop
        else:
            first += 1
    return out
