"""The views pages and web routes ask for: computed from the process's dataset, cached once.

Every cached view is keyed by (dataset version, role, view, request state): `view` below builds
that key and hands it to techmap.service.cache; `per_dataset` (in cache terms an index) keeps
arrays derived from one loaded dataset. Pages and routes call these rather than the raw queries,
so a popular view is computed once per process (and once per Redis, where one is configured).
Results are shared between requests: never modify one.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable
from datetime import date
from typing import Any, ParamSpec, TypeVar

import numpy as np
import pandas as pd

from techmap.dataformat.dataset import Dataset
from techmap.analysis.filters import FilterState
from techmap.analysis.quality import FLAGS, row_flags
from techmap.analysis.masked import CodedTable, borough_metrics_masked, coded_table, headline_masked, in_view_masked
from techmap.analysis.queries import filter_mask, rows_under
from techmap.dataformat.schema import SERVICE_AREAS
from techmap.service import cache, context
from techmap.service.cache import per_dataset
from techmap.table.query import TableQuery
from techmap.table.rows import sorted_positions, table_mask

P = ParamSpec("P")
R = TypeVar("R")
__all__ = ["cache_key", "cached", "cached_response", "coded", "headline_for", "in_view", "keep_response",
           "mask_for", "metrics_for", "public_source_areas", "response_key", "row_flags", "rows", "shared_key",
           "table_positions", "view", "view_positions"]


def view(*, shared: bool = True) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Cache a view by (dataset version, role, its name, its hashable arguments). The wrapper
    takes `role=` (default: the instance's, context.role()); sign-in will pass the visitor's.
    shared=True also keeps it in Redis, so its results must have a JSON form (cache.encode)."""

    def decorate(func: Callable[P, R]) -> Callable[P, R]:
        name = f"{func.__module__}.{func.__qualname__}"

        @functools.wraps(func)
        def wrapper(*args: Any, role: str | None = None, **kwargs: Any) -> Any:
            state = (args, tuple(sorted(kwargs.items())))
            return cached(name, state, lambda: func(*args, **kwargs), shared=shared, role=role)

        return wrapper  # type: ignore[return-value]

    return decorate


def cached(name: str, state: Any, make: Callable[[], R], *, shared: bool = False,
           role: str | None = None, tier: cache.Tier = cache.VIEWS) -> R:
    """The view `name` for a request `state` (hashable), made by make() on a miss: for views a
    route or page assembles itself (the API's tables, calendar feeds in cache.FEEDS). Shared
    through Redis only with shared=True."""
    key = cache_key(name, state, role)
    return cache.get_or_make(tier, key, make, shared_key=shared_key(key) if shared else None)


def cache_key(name: str, state: Any, role: str | None = None) -> tuple[Any, ...]:
    """(dataset version, role, view name, request state): what every cached view is keyed by."""
    return context.dataset_version(), role or context.role(), name, state


def shared_key(key: tuple[Any, ...]) -> str:
    """The same key as a text that names the same view in every process (for Redis)."""
    return hashlib.sha256(repr(key).encode()).hexdigest()


def mask_for(filters: FilterState, ignore: tuple[str, ...] = ()) -> np.ndarray:
    """The filter's row mask over the served table (read-only), made once per (version, role,
    state): the map, its side panel and the banner of one change all start from it."""
    def make() -> np.ndarray:
        mask = filter_mask(context.dataset().contracts, filters, ignore=ignore)
        mask.setflags(write=False)
        return mask

    key = cache_key("mask", (filters, tuple(ignore)))
    return cache.get_or_make(cache.MASKS, key, make)


@per_dataset
def coded(data: Dataset) -> CodedTable:
    """The served table's columns as numeric arrays, for figures computed from a mask."""
    return coded_table(data.contracts)


def rows(filters: FilterState, ignore: tuple[str, ...] = ()) -> pd.DataFrame:
    """The contracts matching the filters (not cached: large, and fast to recompute from the
    shared mask)."""
    return rows_under(context.dataset().contracts, mask_for(filters, tuple(ignore)))


@view()
def metrics_for(filters: FilterState, ignore: tuple[str, ...], today: date) -> pd.DataFrame:
    """Per-borough metrics for the map; supplier/system shares use the filter's selections.
    Counted from the mask: the matching rows are never copied."""
    return borough_metrics_masked(coded(context.dataset()), mask_for(filters, ignore), today=today,
                                  supplier=filters.supplier, system=filters.system)


@view()
def headline_for(filters: FilterState, today: date) -> dict[str, float | int]:
    return headline_masked(coded(context.dataset()), mask_for(filters), today=today)


@view()
def in_view(filters: FilterState) -> tuple[int, int, int]:
    """(contracts, boroughs, synthetic contracts) under the filters: the banner and announcement."""
    return in_view_masked(coded(context.dataset()), mask_for(filters))


@per_dataset
def public_source_areas(data: Dataset) -> tuple[str, ...]:
    """Names of the service areas that hold at least one non-synthetic row, in the schema's order
    (computed once per dataset: the banner is redrawn on every filter change)."""
    contracts = data.contracts
    present = set(contracts.loc[~contracts["synthetic"].astype(bool), "service_area"].astype(str))
    known = [a.name for a in SERVICE_AREAS if a.slug in present]
    return (*known, *sorted(present - {a.slug for a in SERVICE_AREAS}))


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


@per_dataset
def table_positions(data: Dataset, filters: FilterState, flag: str, table: TableQuery, today: date,
                    public: bool) -> np.ndarray:
    """view_positions in the table's order (its sort; blanks last, ties in dataset order).
    Cached: paging through the grid only slices this. Read-only, as it is shared."""
    positions = view_positions(data, filters, flag, today=today, table=table, public=public).astype(np.int32)
    order = sorted_positions(data, positions, table.sort, today)
    order.setflags(write=False)
    return order


def response_key(request_body: bytes, role: str | None = None) -> bytes:
    """The key of a whole callback response: every server callback is a pure function of what the
    browser sends, the dataset and today, so identical requests get identical answers. A digest,
    not the body itself: the key costs 32 bytes whatever the request's size."""
    body_digest = hashlib.sha256(request_body).digest()
    about = repr((context.dataset_version(), role or context.role(), context.today(), context.settings()))
    return hashlib.sha256(body_digest + about.encode()).digest()


def cached_response(key: bytes) -> bytes | None:
    value = cache.RESPONSES.get(key)
    return None if value is cache.MISSING else value


def keep_response(key: bytes, body: bytes) -> None:
    cache.RESPONSES.set(key, body)
