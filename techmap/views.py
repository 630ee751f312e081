"""The figures the pages show, per filter state, computed from the process's dataset and cached.

Pages and routes call these rather than the raw queries so that a popular view is computed once
per process (techmap.cache). Results are small (33-row tables, dicts), so caching them is cheap;
filtered DataFrames themselves are not cached.
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from functools import lru_cache

import numpy as np

from techmap import context
from techmap.cache import memoised
from techmap.dataset import Dataset
from techmap.filters import FilterState
from techmap.quality import FLAGS, quality_flags
from techmap.queries import apply_filter, borough_metrics, filter_mask, headline


def rows(filters: FilterState, ignore: tuple[str, ...] = ()) -> pd.DataFrame:
    """The contracts matching the filters (not cached: large, and fast to recompute)."""
    return apply_filter(context.dataset().contracts, filters, ignore=ignore)


@memoised
def metrics_for(filters: FilterState, ignore: tuple[str, ...], today: date) -> pd.DataFrame:
    """Per-borough metrics for the map; supplier/system shares use the filter's selections."""
    return borough_metrics(rows(filters, ignore), today=today, supplier=filters.supplier, system=filters.system)


@memoised
def headline_for(filters: FilterState, today: date) -> dict[str, float | int]:
    return headline(rows(filters), today=today)


@memoised
def in_view(filters: FilterState) -> tuple[int, int, int]:
    """(contracts, boroughs, synthetic contracts) under the filters: the banner and announcement."""
    selected = rows(filters)
    if selected.empty:
        return 0, 0, 0
    return len(selected), int(selected["authority_code"].nunique()), int(selected["synthetic"].sum())


@lru_cache(maxsize=4)
def row_flags(data: Dataset, today: date) -> np.ndarray:
    """Quality flags of every loaded row, (rows, len(FLAGS)) booleans, computed once per day."""
    flags = quality_flags(data.contracts, sources=data.sources, today=today)
    return flags[list(FLAGS)].to_numpy(dtype=bool)


def view_positions(data: Dataset, filters: FilterState, flag: str = "all", *, today: date) -> np.ndarray:
    """Positions (into data.contracts) of the rows in view, in dataset order: apply_filter's rows,
    and of those only the ones with `flag` when it names a quality flag. The data page's grid and
    the downloads both use this, so a download holds exactly the rows on screen."""
    mask = filter_mask(data.contracts, filters)
    if flag in FLAGS:
        mask &= row_flags(data, today)[:, FLAGS.index(flag)]
    return np.flatnonzero(mask)
