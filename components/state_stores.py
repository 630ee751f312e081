"""Superseded by shell/state_change.py (one round trip per change): a callback that takes one of
these stores as Input runs only after the reducer has answered, a second round trip. No page of
the app uses them now; the reducer still writes any that a page places, so a page written against
them keeps working until it moves to STATE_CHANGED.

The app state split into one store per part: "filters" (every filter, as a query string), one
per filter parameter and one per view setting (ids.state_store(name)). A page's layout places the
stores its callbacks take as Input, with the values of the state it was drawn for; the shell's
reducer writes a store only when its value changes. So Dash's dependency graph does the skipping
a page once did by comparing keys it had stored itself.

The "supplier" store also says what the selection was before (`was`), so that the suppliers page
can patch only the rows whose selection moved.
"""

from __future__ import annotations

from typing import Any

from dash import Input, dcc

import ids
from techmap.appstate import VIEW_PARAMS, AppState
from techmap.analysis.filters import MULTI_PARAMS, PARAMS

FILTERS = "filters"


def filter_store(param: str) -> str:
    """The store of one filter parameter: its name, except where a view setting has that name
    (the filter `group` and the renewals page's view `group`): then "group-filter"."""
    return f"{param}-filter" if param in VIEW_PARAMS else param


FILTER_STORES: tuple[str, ...] = tuple(filter_store(p) for p in PARAMS)
_PARAM_OF_STORE = {filter_store(p): p for p in PARAMS}
NAMES: tuple[str, ...] = (FILTERS, *FILTER_STORES, *VIEW_PARAMS)
WHOLE_STATE: tuple[str, ...] = (FILTERS, *VIEW_PARAMS)  # every part: for what carries the whole state


def store_value(state: AppState, name: str, before: Any = None) -> Any:
    """What the store `name` holds for `state` (`before`: the store's value until now)."""
    f = state.filters
    if name == FILTERS:
        return f.to_query_string()
    if name == "supplier":
        was = before.get("now") if isinstance(before, dict) else None
        return {"now": list(f.supplier), "was": was if isinstance(was, list) else list(f.supplier)}
    if name in VIEW_PARAMS:
        return state.view_value(name)
    name = _PARAM_OF_STORE.get(name, name)
    if name in MULTI_PARAMS:
        return list(getattr(f, name))
    if name in ("ends_from", "ends_to"):
        day = getattr(f, name)
        return day.isoformat() if day else ""
    if name == "q":
        return f.q
    return state.view_value(name)


def changed(name: str, new: Any, old: Any) -> bool:
    if name == "supplier":
        return not isinstance(old, dict) or old.get("now") != new["now"]
    return new != old


def state_stores(state: AppState, *names: str) -> list[dcc.Store]:
    """The stores `names` for a page's layout, holding `state`'s values."""
    return [dcc.Store(id=ids.state_store(name), data=store_value(state, name)) for name in names]


def inputs(*names: str) -> list[Input]:
    """Input(...) of the stores `names`, for a callback that depends on them."""
    return [Input(ids.state_store(name), "data") for name in names]


def changed_by_state() -> bool:
    """Whether a state store triggered the running callback (rather than a page's own control)."""
    from dash import ctx

    return any(isinstance(i, dict) and i.get("type") == "state" for i in ctx.triggered_prop_ids.values())
