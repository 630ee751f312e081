"""Shell callbacks: the one reducer that writes the app state (and the URL), and the views of
that state that every page shares (chips, banner, live announcement, "nothing matches"; the
navigation links follow the URL in assets/nav_links.js).

One round trip per change (shell/state_change.py): a clientside collector records what the person
touched in ids.STATE_CHANGE; this reducer and every page callback take that store as Input and run
in parallel, each computing the same next state with the one pure reducer. Nothing on the server
takes ids.APP_STATE as Input (that would be a second round trip after this one).

Imported by app.py."""

from __future__ import annotations

import json
from typing import Any

from dash import ALL, Input, Output, Patch, State, callback, clientside_callback, ctx, no_update

from plotly.utils import PlotlyJSONEncoder

import ids
from components.chips import banner_sentences, filter_chips, live_message
from shell import nothing_matches
from shell.state_change import (
    COLLECT_CHANGE,
    COLLECTOR_STATES,
    CONTROL_PARAMS,
    STATE_CHANGED,
    StateChange,
    TRIGGERS,
    control_values,
    state_change,
    store_data,
)
from techmap.appstate import VIEW_PARAMS, AppState
from techmap.service import context
from techmap.service.views import in_view, public_source_areas

clientside_callback(COLLECT_CHANGE, Output(ids.STATE_CHANGE, "data"), Output(ids.FIRST_STATE, "data"),
                    *TRIGGERS, *COLLECTOR_STATES)


@callback(
    Output(ids.APP_STATE, "data"),
    Output(ids.URL, "search"),
    *[Output(ids.FILTER_CONTROLS[p], "value") for p in CONTROL_PARAMS],
    Output(ids.view(ALL), "value"),
    Output(ids.CHIPS, "children"),
    Output(ids.BANNER_LONG, "children"),
    Output(ids.BANNER_SHORT, "children"),
    Output(ids.SYNTHETIC_BANNER, "hidden"),
    Output(ids.LIVE_REGION, "children"),
    Output(ids.FILTER_NOTICE, "children"),
    Output(ids.nothing_matches(ALL), "children"),
    STATE_CHANGED,
    Input(ids.FIRST_STATE, "data"),
    State(ids.URL, "pathname"),
    prevent_initial_call=True,
)
def reduce_app_state(change: Any, first: Any = None, pathname: Any = None) -> tuple[Any, ...]:
    """The single writer of the app state, the URL and the filter controls, for each change the
    collector records (the first one: the page loaded, the URL is the state). Controls are written
    back only where they differ from what they show, so a response never clobbers a control the
    user is still typing in. A refused change (a reversed date range) changes nothing but the
    notice saying why, and the refused control goes back to the kept value; the next change
    clears the notice. The page's "nothing matches" slot is redrawn here too: one request fewer
    per change than a callback of its own (each costs the browser's Dash renderer ~8 ms)."""
    view_outputs = _listed(ctx.outputs_list[len(CONTROL_PARAMS) + 2])
    slots = _listed(ctx.outputs_list[-1])
    if ctx.triggered_id == ids.FIRST_STATE:
        change = first
    found = state_change(change)
    if found is None:  # nothing changed
        return ((no_update,) * (2 + len(CONTROL_PARAMS)) + ([no_update] * len(view_outputs),)
                + (no_update,) * 6 + ([no_update] * len(slots),))
    after = found.after
    query = after.to_query_string()
    search = change.get("search") if isinstance(change, dict) else None
    trigger = change.get("trigger") if isinstance(change, dict) else None
    view_values = [_view_value(found, o["id"].get("name"), trigger, change) for o in view_outputs]
    shown = control_values(found.before)
    if not found.from_url and isinstance(trigger, str) and trigger in shown:
        shown[trigger] = change.get("value")  # the control the person just set shows it
    controls = [value if found.from_url or value != shown[control] else no_update
                for control, value in control_values(after).items()]
    return (store_data(after), query if query != (search or "") else no_update, *controls,
            view_values, *state_views(after, None if found.from_url else found.before), found.notice,
            nothing_matches.redrawn(found, pathname, slots))


def _listed(outputs: Any) -> list[Any]:
    """An ALL output's list (Dash gives a list; a page without the component, an empty one)."""
    return outputs if isinstance(outputs, list) else []


def _view_value(found: StateChange, name: Any, trigger: Any, change: Any) -> Any:
    """A view setting's control: written where it shows another value than the new state's (the
    one the person just set shows what they chose; a refused value goes back)."""
    if name not in VIEW_PARAMS:
        return no_update
    value = found.after.view_value(name)
    if found.from_url:
        return value
    touched = isinstance(trigger, dict) and trigger.get("type") == ids.view("")["type"] and trigger.get("name") == name
    shown = change.get("value") if touched else found.before.view_value(name)
    return value if value != shown else no_update


def state_views(state: AppState, before: AppState | None = None) -> tuple[Any, Any, Any, Any, str]:
    """The chips, the synthetic-data banner's long and short sentences and whether it is hidden,
    and the live announcement. With the state `before` (the page shows it), what is the same as
    shown is not sent."""
    contracts, boroughs, _ = in_view(state.filters)
    dataset = context.dataset()
    areas = public_source_areas(dataset)
    long, short, hidden = _banner(state, areas)
    if before is not None:
        was_long, was_short, was_hidden = _banner(before, areas)
        long = no_update if hidden or long == was_long else long  # a hidden banner keeps its text
        short = no_update if hidden or short == was_short else short
        hidden = no_update if hidden == was_hidden else hidden
    chips = filter_chips(state.filters, dataset)
    if before is not None:
        chips = chips_patch(chips, filter_chips(before.filters, dataset))
    return chips, long, short, hidden, live_message(contracts, boroughs)


def _banner(state: AppState, areas: tuple[str, ...]) -> tuple[str, str, bool]:
    """The banner's long and short sentences for `state`, and whether it is hidden."""
    contracts, _, synthetic = in_view(state.filters)
    sentences = banner_sentences(contracts, synthetic, areas)
    return (*(sentences or ("", "")), sentences is None)


def chips_patch(new: list[Any], old: list[Any]) -> Any:
    """The chips as sent after a change: nothing when they are the same, one chip inserted or
    deleted when that is the difference (a filter added or removed), else the whole list. Dash
    re-creates every component of a re-sent list; each chip is ~600 bytes of JSON."""
    def key(chip: Any) -> str:
        return json.dumps(chip.to_plotly_json(), cls=PlotlyJSONEncoder, sort_keys=True)

    new_keys, old_keys = [key(c) for c in new], [key(c) for c in old]
    if new_keys == old_keys:
        return no_update
    patch = Patch()
    for i in range(max(len(new_keys), len(old_keys))):
        if len(new_keys) == len(old_keys) + 1 and new_keys[:i] + new_keys[i + 1:] == old_keys:
            patch.insert(i, new[i])
            return patch
        if len(old_keys) == len(new_keys) + 1 and old_keys[:i] + old_keys[i + 1:] == new_keys:
            del patch[i]
            return patch
    return new


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
