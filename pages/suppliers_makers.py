"""The suppliers page's "Who makes it, who holds the contract" section (imported by
pages/suppliers.py, which places it): manufacturers beside the suppliers that hold their
contracts. Like the rest of that page it counts under every filter but the supplier selection."""

from __future__ import annotations

from typing import Any

import pandas as pd
from dash import Output, State, callback, html

import ids
from components.manufacturers import makers_content
from components.state_stores import FILTER_STORES, inputs
from techmap.analysis.filters import FilterState
from techmap.analysis.manufacturers import Resold, manufacturers_and_sellers, resold_count
from techmap.appstate import AppState
from techmap.service import views

BODY_ID = "suppliers-makers"
COUNTED_BY = tuple(s for s in FILTER_STORES if s != "supplier")


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


@callback(Output(BODY_ID, "children"), *inputs(*COUNTED_BY), State(ids.APP_STATE, "data"),
          prevent_initial_call=True)
def update_makers(*args: Any) -> list[Any]:
    return makers_content(*makers_for(AppState.from_dict(args[-1]).filters))
