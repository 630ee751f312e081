"""Shell callbacks: the one reducer that writes the app state (and the URL), and the views of
that state that every page shares (chips, banner, live announcement, navigation links).

Imported by app.py."""

from __future__ import annotations

from typing import Any

from dash import ALL, Input, Output, State, callback, clientside_callback, ctx, no_update

import ids
from components.chips import filter_chips, live_message, synthetic_banner
from components.state_stores import NAMES, changed, store_value
from techmap.appstate import VIEW_PARAMS, AppState, reduce_with_notice, url_notice
from techmap.analysis.filters import MULTI_PARAMS
from techmap.service import context
from techmap.service.views import in_view, public_source_areas

_CONTROL_PARAMS = tuple(ids.FILTER_CONTROLS)


def _control_values(state: AppState) -> list[Any]:
    f = state.filters
    values: list[Any] = []
    for param in _CONTROL_PARAMS:
        if param in MULTI_PARAMS:
            values.append(list(getattr(f, param)))
        elif param in ("ends_from", "ends_to"):
            d = getattr(f, param)
            values.append(d.isoformat() if d else "")
        else:
            values.append(f.q)
    return values


@callback(
    Output(ids.APP_STATE, "data"),
    Output(ids.URL, "search"),
    *[Output(ids.FILTER_CONTROLS[p], "value") for p in _CONTROL_PARAMS],
    Output(ids.view(ALL), "value"),
    Output(ids.state_store(ALL), "data"),
    Input(ids.URL, "search"),
    *[Input(ids.FILTER_CONTROLS[p], "value") for p in _CONTROL_PARAMS],
    Input(ids.CLEAR_ALL, "n_clicks"),
    Input(ids.chip_remove(ALL, ALL), "n_clicks"),
    Input(ids.toggle(ALL, ALL), "n_clicks"),
    Input({**ids.MAP_GRAPH, "page": ALL}, "clickData"),
    Input({**ids.TREEMAP, "page": ALL}, "clickData"),
    Input({**ids.SYSTEMS_GRID, "page": ALL}, "data"),
    Input(ids.window(ALL), "n_clicks"),
    Input(ids.view(ALL), "value"),
    State(ids.state_store(ALL), "data"),
)
def reduce_app_state(search: str | None, *inputs: Any) -> tuple[Any, ...]:
    """The single writer of the app state: work out what was touched, then call the reducer.

    The base state is the URL, not the store: this callback writes both together, and when a
    page's components appear they fire this callback before an earlier response has reached the
    store, whereas the URL prop is already current. The page's state stores (the last input)
    are written only where their value changes."""
    view_outputs, store_outputs = (o if isinstance(o, list) else [] for o in ctx.outputs_list[-2:])
    stores_now = inputs[-1] if inputs and isinstance(inputs[-1], list) else []
    nothing = ((no_update,) * (2 + len(_CONTROL_PARAMS)) + ([no_update] * len(view_outputs),)
               + ([no_update] * len(store_outputs),))
    trigger = ctx.triggered_id
    before = AppState.from_query_string(search)
    from_url = trigger is None or trigger == ids.URL
    if from_url:  # first load, Back/Forward: the URL is the truth
        after, notice = before, url_notice(search)
    else:
        value = ctx.triggered[0].get("value") if ctx.triggered else None
        after, notice = reduce_with_notice(before, _control_trigger(trigger), value, today=context.today())
        if after == before and not notice:  # e.g. components that just appeared with their initial values
            return nothing
    query = after.to_query_string()
    view_values = [after.view_value(o["id"]["name"]) if o["id"].get("name") in VIEW_PARAMS else no_update
                   for o in view_outputs]
    # The query rides along in the store so that links can carry it without a server round trip.
    # Write back only the controls whose value changed, so a response never clobbers a control
    # the user is still typing in.
    # A refused date goes back to the kept one.
    controls = [new if from_url or new != old or (notice and param in ("ends_from", "ends_to")) else no_update
                for param, new, old in zip(_CONTROL_PARAMS, _control_values(after), _control_values(before),
                                           strict=True)]
    return ({**after.to_dict(), "query": query, "notice": notice}, query if query != (search or "") else no_update,
            *controls, view_values, _store_values(after, store_outputs, stores_now))


def _store_values(state: AppState, outputs: list[dict[str, Any]], now: list[Any]) -> list[Any]:
    """The page's state stores for `state`: the new value where it changed, else no_update."""
    out: list[Any] = []
    for i, output in enumerate(outputs):
        name = output["id"].get("name")
        old = now[i] if i < len(now) else None
        if name not in NAMES:
            out.append(no_update)
            continue
        new = store_value(state, name, old)
        out.append(new if changed(name, new, old) else no_update)
    return out


def _control_trigger(trigger: Any) -> Any:
    """Map a filter control's string id to the reducer's trigger form."""
    for param, control_id in ids.FILTER_CONTROLS.items():
        if trigger == control_id:
            return ids.filter_control(param)
    return trigger


@callback(
    Output(ids.CHIPS, "children"),
    Output(ids.SYNTHETIC_BANNER, "children"),
    Output(ids.SYNTHETIC_BANNER, "hidden"),
    Output(ids.LIVE_REGION, "children"),
    Input(ids.APP_STATE, "data"),
)
def show_state(data: Any) -> tuple[Any, ...]:
    state = AppState.from_dict(data)
    contracts, boroughs, synthetic = in_view(state.filters)
    dataset = context.dataset()
    banner = synthetic_banner(contracts, synthetic, public_source_areas(dataset))
    return (filter_chips(state.filters, dataset), banner, banner is None,
            live_message(contracts, boroughs))


# A refused filter change (a reversed date range) says why, in the filter area's alert; the
# reducer puts the sentence in the state store, and the next change clears it.
clientside_callback(
    """
    function(data) {
        const notice = data && data.notice;
        return typeof notice === "string" ? notice : "";
    }
    """,
    Output(ids.FILTER_NOTICE, "children"),
    Input(ids.APP_STATE, "data"),
)

# Navigation keeps the filters: every nav link carries the current query string.
clientside_callback(
    """
    function(data, hrefs) {
        const search = (data && data.query) || "";
        const paths = dash_clientside.callback_context.outputs_list.map(o => o.id.path);
        return paths.map(p => p + search);
    }
    """,
    Output(ids.nav_link(ALL), "href"),
    Input(ids.APP_STATE, "data"),
    State(ids.nav_link(ALL), "href"),
)

# On small screens the filters start folded behind a button that says whether they are shown
# (on wide screens the button is hidden and the filters always show).
clientside_callback(
    """
    function(n, expanded) {
        if (!n) { return window.dash_clientside.no_update; }
        const open = expanded !== "true";
        const panel = document.getElementById("filter-collapse");
        if (panel) { panel.classList.toggle("is-open", open); }
        return open ? "true" : "false";
    }
    """,
    Output(ids.FILTER_TOGGLE, "aria-expanded"),
    Input(ids.FILTER_TOGGLE, "n_clicks"),
    State(ids.FILTER_TOGGLE, "aria-expanded"),
    prevent_initial_call=True,
)
