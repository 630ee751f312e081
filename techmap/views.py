"""The figures the pages show, per filter state, computed from the process's dataset and cached.

Pages and routes call these rather than the raw queries so that a popular view is computed once
per process (techmap.cache). Results are small (33-row tables, dicts), so caching them is cheap;
filtered DataFrames themselves are not cached.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache

import numpy as np
import pandas as pd

from techmap import context
from techmap.cache import memoised
from techmap.dataset import Dataset
from techmap.filters import FilterState
from techmap.quality import FLAGS, quality_flags
from techmap.queries import apply_filter, borough_metrics, filter_mask, headline
from techmap.table_query import TableQuery
from techmap.table_rows import sorted_positions, table_mask


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


def view_positions(data: Dataset, filters: FilterState, flag: str = "all", *, today: date,
                   table: TableQuery | None = None, public: bool = False) -> np.ndarray:
    """Positions (into data.contracts) of the rows in view, in dataset order: apply_filter's rows,
    of those only the ones with `flag` when it names a quality flag, and of those the ones the data
    page's column filters and search keep (`table`; its sort is table_positions'). The data page's
    grid and the downloads both use this, so a download holds exactly the rows on screen."""
    mask = filter_mask(data.contracts, filters)
    if flag in FLAGS:
        mask &= row_flags(data, today)[:, FLAGS.index(flag)]
    if table is not None and (narrowed := table_mask(data, table, today, public=public)) is not None:
        mask &= narrowed
    return np.flatnonzero(mask)


@lru_cache(maxsize=16)
def table_positions(data: Dataset, filters: FilterState, flag: str, table: TableQuery, today: date,
                    public: bool) -> np.ndarray:
    """view_positions in the table's order (its sort; blanks last, ties in dataset order).
    Cached: paging through the grid only slices this. Read-only, as it is shared."""
    positions = view_positions(data, filters, flag, today=today, table=table, public=public).astype(np.int32)
    order = sorted_positions(data, positions, table.sort, today)
    order.setflags(write=False)
    return order
