"""The /systems grid's views: the grid once per loaded dataset (so per dataset version and role:
an anonymous visitor's dataset is the public twin) and today, and which cells the filters keep.

The borough and area selections are highlighted on the grid rather than filtered (a cell chosen
there filters the other pages), so the cells in view ignore them."""

from __future__ import annotations

from datetime import date

import numpy as np

from techmap.analysis.filters import FilterState
from techmap.analysis.queries import filter_mask
from techmap.analysis.systems_grid import Grid, build_grid, cells_in_view
from techmap.dataformat.dataset import Dataset
from techmap.service import context, views
from techmap.service.cache import per_dataset

SELECTIONS = ("authority", "area")  # highlighted on the grid, not filtered


@per_dataset
def grid_of(data: Dataset, today: date) -> Grid:
    return build_grid(data.contracts, today)


def grid() -> Grid:
    """The grid this request may see."""
    return grid_of(context.dataset(), context.today())


def in_view(filters: FilterState) -> np.ndarray:
    """Boolean [borough, area] of the cells holding a row under the filters (read-only)."""
    data, today = context.dataset(), context.today()
    kept = filters.without("authority").without("area")

    def make() -> np.ndarray:
        cells = cells_in_view(grid_of(data, today), filter_mask(data.contracts, kept))
        cells.setflags(write=False)
        return cells
    return views.cached("systems.in_view", (kept, today), make)
