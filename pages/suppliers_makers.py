"""The suppliers page's "Who makes it, who holds the contract" section (imported by
pages/suppliers.py, which places it): manufacturers beside the suppliers that hold their
contracts. Like the rest of that page it counts under every filter but the supplier selection."""

from __future__ import annotations

from typing import Any

import pandas as pd
from dash import Output, callback, html

from components.manufacturers import makers_content
from shell.state_change import FILTERS, STATE_CHANGED, new_state
from techmap.analysis.filters import FilterState
from techmap.analysis.manufacturers import Resold, manufacturers_and_sellers, resold_count
from techmap.appstate import AppState
from techmap.service import views

BODY_ID = "suppliers-makers"
COUNTED_BY = FILTERS - {"supplier"}


def makers_for(filters: FilterState) -> tuple[pd.DataFrame, Resold]:
    counted = filters.without("supplier")

    def make() -> tuple[pd.DataFrame, Resold]:
        shown = views.rows(counted)
        return manufacturers_and_sellers(shown), resold_count(shown)
    return views.cached("suppliers.makers", counted, make)


def makers_section(state: AppState) -> html.Section:
    return html.Section([
        html.H2("Who makes it, who holds the contract", className="h4"),
        html.P("A supplier may resell another company's product (Microsoft licences through a reseller, "
               "say). Manufacturers whose products are most often held by another supplier:",
               className="small"),
        html.Div(makers_content(*makers_for(state.filters)), id=BODY_ID),
    ], className="makers-section")


@callback(Output(BODY_ID, "children"), STATE_CHANGED, prevent_initial_call=True)
def update_makers(change: Any) -> list[Any]:
    """In the same round trip as the change (shell/state_change.py), when what it counts changed."""
    return makers_content(*makers_for(new_state(change, COUNTED_BY).filters))
