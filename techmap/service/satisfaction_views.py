"""The members' satisfaction views for a filter state, cached like every view (keyed by dataset
version, role and state). Callers check members_only_allowed() first: anonymous visitors and a
public instance get no satisfaction view at all, not even an empty one."""

from __future__ import annotations

from typing import NamedTuple

import pandas as pd

from techmap.analysis.filters import FilterState
from techmap.analysis.satisfaction import (
    Correlation,
    average_by,
    suppliers_and_satisfaction,
    suppliers_satisfaction_correlation,
)
from techmap.service import context
from techmap.service.views import cached, rows


class SatisfactionView(NamedTuple):
    by_borough: pd.DataFrame  # with suppliers: the chart's points
    correlation: Correlation
    by_system: pd.DataFrame
    by_supplier: pd.DataFrame


def members_only_allowed() -> bool:
    """Whether the current request may see satisfaction (a member of a non-public instance)."""
    return not context.public_only()


def satisfaction_for(filters: FilterState) -> SatisfactionView:
    def make() -> SatisfactionView:
        shown = rows(filters)
        by_borough = suppliers_and_satisfaction(shown)
        return SatisfactionView(by_borough, suppliers_satisfaction_correlation(by_borough),
                                average_by(shown, "system_slug", "system"),
                                average_by(shown, "supplier_slug", "supplier"))
    return cached("satisfaction", filters, make)
