"""The filter drop-downs' counts for a filter state, cached like every view (keyed by dataset
version, role and state); the per-row index they are counted from is built once per dataset."""

from __future__ import annotations

from techmap.analysis.facets import FacetIndex, facet_counts, facet_index
from techmap.analysis.filters import FilterState
from techmap.dataformat.dataset import Dataset
from techmap.service import context
from techmap.service.cache import per_dataset
from techmap.service.views import view


@per_dataset
def facet_index_for(data: Dataset) -> FacetIndex:
    return facet_index(data)


@view()
def facet_counts_for(filters: FilterState) -> dict[str, list[int]]:
    """Per drop-down filter, the contracts of each value under the other filters."""
    data = context.dataset()
    return facet_counts(data.contracts, filters, facet_index_for(data))
