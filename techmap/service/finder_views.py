"""The joint-procurement finder's table for a state: the cached scan (renewal_views.finder_clusters),
one kind of group, each with its boroughs' own end dates and combined value, sorted. The renewals
page and the finder's CSV route both ask here, so they always list the same groups in one order.

Values come from context.dataset(), the one the request's role may see (the public twin for an
anonymous visitor), so a withheld value is never summed into a combined one."""

from __future__ import annotations

from datetime import date

import pandas as pd

from techmap.analysis.filters import FilterState
from techmap.analysis.joint_finder import FinderRow, choose_kind, finder_rows, sort_rows
from techmap.appstate import AppState
from techmap.dataformat.dataset import Dataset
from techmap.service import context
from techmap.service.cache import per_dataset
from techmap.service.renewal_views import finder_clusters
from techmap.service.views import view


@per_dataset
def _value_columns(data: Dataset) -> pd.DataFrame:
    """The columns the finder looks up by contract id, taken once per loaded dataset."""
    return data.contracts[["contract_id", "authority_code", "end_date", "annual_value_gbp"]]


@view(shared=False)  # FinderRow objects: kept in-process
def finder_table(filters: FilterState, within: int, lead: int, today: date, kind: str, sort: str) -> tuple[FinderRow, ...]:
    clusters = choose_kind(finder_clusters(filters, within, lead, today), kind)
    return tuple(sort_rows(finder_rows(clusters, _value_columns(context.dataset())), sort))


def finder_table_for(state: AppState, today: date) -> tuple[FinderRow, ...]:
    """finder_table for the state's filters and finder settings (window, lead, kind, sort)."""
    return finder_table(state.filters, int(state.view_value("within")), int(state.view_value("lead")), today,
                        state.view_value("finder"), state.view_value("finder_sort"))
