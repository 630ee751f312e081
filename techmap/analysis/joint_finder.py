"""The joint-procurement finder's table: the clusters of techmap.analysis.renewals, filtered to one
kind, with what a reader compares them by (each borough's own end date, the combined annual value),
sorted and paged (techmap.exports.finder_csv writes it as CSV). Pure: clusters and the contracts frame in, plain values out.

Values come from the contracts frame handed in: the caller passes the one the reader's role may see
(the public twin for anonymous visitors: techmap.service.public_twin), so a withheld value is
missing here too, never summed. A combined value counts the known values only and says how many
contracts had one.

Speed (issue 18): joint_procurement_clusters makes the clusters, each with its rows' positions in
the frame scanned; `finder_rows` reads values and end dates at those positions in one vectorised
pass (a reduceat for the values, a lexsort for each borough's first end), and `sort_rows` /
`choose_kind` / `page_of` are plain list operations on its result.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Literal

import numpy as np
import pandas as pd

from techmap.analysis import joint_scan
from techmap.analysis.concentration import factorize
from techmap.analysis.renewals import Cluster

FinderKind = Literal["all", "system", "service_area"]
FinderSort = Literal["end", "boroughs", "value"]
FINDER_KINDS: tuple[FinderKind, ...] = ("all", "system", "service_area")
FINDER_SORTS: tuple[FinderSort, ...] = ("end", "boroughs", "value")
PER_PAGE = 10


@dataclass(frozen=True)
class FinderRow:
    """One group of the finder with what it is compared by."""

    cluster: Cluster
    ends: tuple[tuple[str, date], ...]  # (ONS code, that borough's first end in the group), by date then code
    combined_value: float | None  # sum of the annual values known to the reader; None: none known
    valued: int  # how many of the group's contracts have a known annual value

    def end_of(self, code: str) -> date | None:
        return next((d for c, d in self.ends if c == code), None)


def choose_kind(clusters: Iterable[Cluster], kind: str) -> list[Cluster]:
    """Only groups on the same system ("system") or in the same service area ("service_area");
    "all" (or anything else) keeps both."""
    return [c for c in clusters if kind not in ("system", "service_area") or c.kind == kind]


def finder_rows(clusters: Sequence[Cluster], contracts: pd.DataFrame) -> list[FinderRow]:
    """Each cluster with its boroughs' own end dates and combined annual value, read from
    `contracts`: at the clusters' own row positions when they were scanned from this frame (or
    one with the same rows in the same order, such as its public twin), else looked up by contract
    id (ids are unique in a dataset; an id not found counts as no value). One vectorised pass over
    every cluster's contracts; only the tuples of own end dates are built per cluster."""
    if not clusters:
        return []
    sizes = np.array([len(c.contract_ids) for c in clusters], dtype=np.int64)
    positions = _positions(clusters, contracts)
    found = positions >= 0
    at = np.where(found, positions, 0)
    values = np.where(found, contracts["annual_value_gbp"].to_numpy(dtype="float64", na_value=np.nan)[at], np.nan)
    known = ~np.isnan(values)
    starts = np.r_[0, np.cumsum(sizes)[:-1]]
    totals = np.add.reduceat(np.where(known, values, 0.0), starts)
    counts = np.add.reduceat(known.astype(np.int64), starts)
    ends = _own_ends(np.repeat(np.arange(len(clusters)), sizes), found, at, contracts, len(clusters))
    return [FinderRow(cluster=cluster, ends=own, combined_value=float(total) if count else None, valued=int(count))
            for cluster, own, total, count in zip(clusters, ends, totals.tolist(), counts.tolist(), strict=True)]


def _positions(clusters: Sequence[Cluster], contracts: pd.DataFrame) -> np.ndarray:
    """Every cluster's contracts' positions in `contracts`, cluster after cluster (-1: not found).
    The clusters' own positions serve when each cluster's first and last ids sit there."""
    ids = contracts["contract_id"].to_numpy()
    if all(c.rows is not None and len(c.rows) == len(c.contract_ids) for c in clusters) and len(ids):
        ends = np.array([(c.rows[0], c.rows[-1]) for c in clusters if len(c.rows)], dtype=np.int64).reshape(-1, 2)
        named = [(c.contract_ids[0], c.contract_ids[-1]) for c in clusters if len(c.rows)]
        if ends.size == 0 or (ends.max() < len(ids) and ends.min() >= 0
                              and ids[ends.ravel()].tolist() == [i for pair in named for i in pair]):
            return np.concatenate([np.asarray(c.rows, dtype=np.int64) for c in clusters])
    return pd.Index(ids).get_indexer([cid for c in clusters for cid in c.contract_ids])


def _own_ends(cluster_of: np.ndarray, found: np.ndarray, at: np.ndarray, contracts: pd.DataFrame,
              n_clusters: int) -> list[tuple[tuple[str, date], ...]]:
    """Per cluster, each borough's first end date among its contracts, by date then ONS code."""
    codes, code_values = factorize(contracts["authority_code"])
    days = joint_scan.end_days(contracts)
    row_codes, row_days = codes[at], days[at]
    keep = found & (row_codes >= 0) & (row_days != joint_scan.NO_DAY)
    cluster_of, row_codes, row_days = cluster_of[keep], row_codes[keep], row_days[keep]
    text = np.array([str(v) for v in code_values], dtype=object)
    rank = np.empty(len(text), dtype=np.int64)
    rank[np.argsort(text.astype(str), kind="stable")] = np.arange(len(text))
    pair = cluster_of * max(len(text), 1) + rank[row_codes]
    order = np.lexsort((row_days, pair))  # each (cluster, borough) pair's soonest end first
    first = order[np.r_[True, pair[order][1:] != pair[order][:-1]]] if order.size else order
    first = first[np.lexsort((rank[row_codes[first]], row_days[first], cluster_of[first]))]
    names = text[row_codes[first]].tolist()
    dates = row_days[first].astype("datetime64[D]").astype(object).tolist()
    bounds = np.r_[0, np.cumsum(np.bincount(cluster_of[first], minlength=n_clusters))].tolist()
    pairs = list(zip(names, dates, strict=True))
    return [tuple(pairs[bounds[i]:bounds[i + 1]]) for i in range(n_clusters)]


def sort_rows(rows: Sequence[FinderRow], sort: str) -> list[FinderRow]:
    """"end": soonest first end first (the scan's order: suggested start, label, kind, key);
    "boroughs": most boroughs first; "value": largest combined value first, groups without a
    known value last. Ties keep the soonest-end order."""
    ordered = sorted(rows, key=lambda r: (r.cluster.earliest_end, r.cluster.suggested_start, r.cluster.label,
                                         r.cluster.kind, r.cluster.key))
    if sort == "boroughs":
        ordered.sort(key=lambda r: -r.cluster.boroughs)
    elif sort == "value":
        ordered.sort(key=lambda r: (r.combined_value is None, -(r.combined_value or 0.0)))
    return ordered


def last_page(total: int, per_page: int = PER_PAGE) -> int:
    return max(0, (total - 1) // per_page)


def page_of(rows: Sequence[FinderRow], page: int, per_page: int | None = PER_PAGE) -> tuple[list[FinderRow], int]:
    """(the rows of `page`, the page shown: clamped to those that exist); per_page None: all."""
    if per_page is None:
        return list(rows), 0
    page = min(max(page, 0), last_page(len(rows), per_page))
    return list(rows[page * per_page:(page + 1) * per_page]), page
