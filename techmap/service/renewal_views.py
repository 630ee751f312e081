"""The renewals page's views: the quarterly summary and the joint-procurement scan, cached by
techmap.service.views, and the warm-up of the scans the window buttons lead to."""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import date

import numpy as np
import pandas as pd

from techmap.analysis import joint_scan
from techmap.analysis.filters import FilterState
from techmap.analysis.renewals import (Cluster, add_months, clusters_among, joint_procurement_clusters,
                                      quarterly_end_summary)
from techmap.dataformat.dataset import Dataset
from techmap.service import context
from techmap.service.cache import per_dataset
from techmap.service.views import mask_for, view

WINDOW_MONTHS = (6, 12, 24)  # the page's "Next N months" buttons


@per_dataset
def _gives_calendar_event(data: Dataset) -> np.ndarray:
    """Per row: has an end, latest end or review date (what calendar_export.calendar_contracts counts)."""
    return data.contracts[["end_date", "max_end_date", "review_date"]].notna().any(axis=1).to_numpy()


def download_counts(filters: FilterState) -> tuple[int, int]:
    """(contracts, contracts giving a calendar event) under the filters, for the download links:
    counted from the shared mask, so the controls callback never copies the matching rows."""
    mask = mask_for(filters)
    return int(np.count_nonzero(mask)), int(np.count_nonzero(mask & _gives_calendar_event(context.dataset())))


@view()
def summary_for(filters: FilterState) -> pd.DataFrame:
    """Contracts ending per quarter and service area (techmap.analysis.renewals.quarterly_end_summary),
    from the only two columns it reads: not a copy of every column of the matching rows."""
    data = context.dataset()
    return quarterly_end_summary(_summary_columns(data).loc[mask_for(filters)])


@per_dataset
def _summary_columns(data: Dataset) -> pd.DataFrame:
    return data.contracts[["end_date", "service_area"]]


@view(shared=False)  # Cluster objects: kept in-process
def clusters_for(filters: FilterState, within: int, today: date) -> tuple[Cluster, ...]:
    """The joint-procurement scan (the page's costliest step), without a lead time. The served
    table's scan order is worked out once (joint_scan.prepare); filtered frames inherit it."""
    data = context.dataset()
    joint_scan.prepare(data.contracts)
    if filters.is_empty:  # every borough-only selection scans the whole table: once per version
        return whole_table_clusters(data, within, today)
    return tuple(clusters_among(data.contracts, mask_for(filters), window_months=within, lead_months=0,
                                today=today))


@per_dataset
def whole_table_clusters(data: Dataset, within: int, today: date) -> tuple[Cluster, ...]:
    """The scan of every row of a loaded dataset: what the finder shows with no filter but the
    boroughs (which it applies after the scan), computed once per dataset version and window."""
    return tuple(joint_procurement_clusters(data.contracts, window_months=within, lead_months=0, today=today))


def finder_clusters(filters: FilterState, within: int, lead: int, today: date) -> list[Cluster]:
    """Clusters among the filtered contracts. The borough selection does not restrict the scan (a
    single borough never forms a group); it keeps the groups that include a selected borough.
    The lead time only moves the suggested start, so it is applied after the cached scan."""
    clusters = clusters_for(replace(filters, authority=()), within, today)
    selected = set(filters.authority)
    out = [replace(c, suggested_start=add_months(c.earliest_end, -lead)) for c in clusters
           if not selected or selected.intersection(c.authorities)]
    out.sort(key=lambda c: (c.suggested_start, c.label, c.kind, c.key))
    return out


_warming = threading.Lock()


def warm_window_scans(filters: FilterState, within: int, today: date) -> threading.Thread | None:
    """Scan, in a background thread, what the window buttons lead to from `filters` (the scan of
    a large dataset takes a good part of a second; a click then finds it ready). One at a time."""
    if not _warming.acquire(blocking=False):
        return None
    base = replace(filters, authority=())
    wanted = [replace(base, ends_from=None, ends_to=None)]
    wanted += [replace(base, ends_from=today, ends_to=add_months(today, m)) for m in WINDOW_MONTHS]

    def run() -> None:
        try:
            for filters in wanted:
                clusters_for(filters, within, today)
        finally:
            _warming.release()

    thread = threading.Thread(target=run, name="renewals-warm", daemon=True)
    thread.start()
    return thread



def wait_for_warm_up() -> None:
    """Return once no warm-up scan is running (benchmarks measure after it)."""
    with _warming:
        pass
