"""The group split (frontline / corporate / infrastructure) for a filter state, cached like every
view (keyed by dataset version, role and state), counted from the filter's mask over the loaded
table (no rows copied)."""

from __future__ import annotations

import numpy as np

from techmap.analysis.filters import FilterState
from techmap.analysis.groups import group_split, row_groups
from techmap.analysis.queries import filter_mask
from techmap.dataformat.dataset import Dataset
from techmap.service import context
from techmap.service.cache import per_dataset
from techmap.service.views import view


@per_dataset
def row_groups_for(data: Dataset) -> np.ndarray:
    groups = row_groups(data.contracts)
    groups.setflags(write=False)
    return groups


@view()
def group_split_for(filters: FilterState) -> dict[str, int]:
    """Contracts per service-area group under the filters (the headline figures' split)."""
    data = context.dataset()
    return group_split(data.contracts, filter_mask(data.contracts, filters), row_groups_for(data))
