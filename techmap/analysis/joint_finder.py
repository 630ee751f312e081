"""The joint-procurement finder's table: the clusters of techmap.analysis.renewals, filtered to one
kind, with what a reader compares them by (each borough's own end date, the combined annual value),
sorted and paged (techmap.exports.finder_csv writes it as CSV). Pure: clusters and the contracts frame in, plain values out.

Values come from the contracts frame handed in: the caller passes the one the reader's role may see
(the public twin for anonymous visitors: techmap.service.public_twin), so a withheld value is
missing here too, never summed. A combined value counts the known values only and says how many
contracts had one.

Hooks for speed work (issue 18): joint_procurement_clusters makes the clusters; `finder_rows` is
one vectorised pass over every cluster's contract ids (a take and a reduceat), and `sort_rows` /
`choose_kind` / `page_of` are plain list operations on its result.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Literal

import numpy as np
import pandas as pd

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
    """Each cluster with its boroughs' own end dates and combined annual value, looked up by
    contract id in `contracts` (ids are unique in a dataset; an id not found counts as no value)."""
    if not clusters:
        return []
    ids = [cid for c in clusters for cid in c.contract_ids]
    sizes = np.array([len(c.contract_ids) for c in clusters])
    positions = pd.Index(contracts["contract_id"]).get_indexer(ids)
    found = positions >= 0
    values = np.where(found, contracts["annual_value_gbp"].to_numpy(dtype="float64", na_value=np.nan)[positions], np.nan)
    known = ~np.isnan(values)
    starts = np.r_[0, np.cumsum(sizes)[:-1]]
    totals = np.add.reduceat(np.where(known, values, 0.0), starts)
    counts = np.add.reduceat(known.astype(np.int64), starts)
    codes = contracts["authority_code"].astype("str").to_numpy()[positions].tolist()
    ends = contracts["end_date"].to_numpy().astype("datetime64[D]")[positions].astype(object).tolist()
    out: list[FinderRow] = []
    for cluster, first, total, count in zip(clusters, starts.tolist(), totals.tolist(), counts.tolist(), strict=True):
        own: dict[str, date] = {}
        for i in range(first, first + len(cluster.contract_ids)):
            if found[i] and ends[i] is not None and (codes[i] not in own or ends[i] < own[codes[i]]):
                own[codes[i]] = ends[i]
        out.append(FinderRow(cluster=cluster, ends=tuple(sorted(own.items(), key=lambda ce: (ce[1], ce[0]))),
                             combined_value=float(total) if count else None, valued=int(count)))
    return out


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
