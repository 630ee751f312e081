"""One round trip per filter change: how the reducer and every page callback learn of a change.

A change (a filter control, a chip, a Select button, a map or treemap click, a view setting, the
browser's Back/Forward) is collected in the browser into ONE store, ids.STATE_CHANGE, by a
clientside callback (no server request): what was touched, its value and the URL's query string
at that moment. The shell's reducer and every page callback that follows the state take that store
as Input, so Dash sends them all at once, in parallel, in one round:

    click ──> collect_change (in the browser) ──> ids.STATE_CHANGE ─┬─> reduce_app_state: app state, URL, chips
                                                                     ├─> page callback A: its figures
                                                                     └─> page callback B: its panel

Each of them computes the same next state with `state_change(change)`, i.e. the one pure reducer
(techmap.appstate.reduce_state) applied to the URL's state, so they agree without waiting for each
other, and the URL stays the single source of the state.

What a page callback must NOT do: take ids.APP_STATE (or anything the reducer writes) as Input.
That waits for the reducer's response and makes a second round trip. Read it as State if needed
(e.g. a pager button that redraws the current state), or take STATE_CHANGED as Input:

    @callback(Output(FIGURE, "figure"), STATE_CHANGED, prevent_initial_call=True)
    def update_figure(change):
        state = new_state(change)  # PreventUpdate when nothing changed
        return build_it(state)

The first paint comes from the page's layout(**query) (the URL's state), so page callbacks keep
prevent_initial_call=True. The collector's first record (`first`: the page just loaded) goes to
ids.FIRST_STATE, which only the reducer takes, to fill the controls and chips from the URL; page
callbacks never hear of it (and skip it if they did). The reducer's own writes (controls, view settings, the URL) reach the
collector too; it drops them because they equal what the app state in ids.APP_STATE already says.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

from dash import ALL, Input, State, ctx
from dash.exceptions import PreventUpdate

import ids
from techmap.appstate import VERSION_PARAMS, VIEW_PARAMS, AppState, reduce_with_notice, url_notice
from techmap.analysis.filters import MULTI_PARAMS, PARAMS
from techmap.service import context

CONTROL_PARAMS = tuple(ids.FILTER_CONTROLS)
VIEW_NAMES = (*VIEW_PARAMS, *VERSION_PARAMS)
EVERY_PART: frozenset[str] = frozenset((*PARAMS, *VIEW_NAMES))  # what a page callback may depend on
FILTERS: frozenset[str] = frozenset(PARAMS)

# Everything a person can touch that changes the state; the collector takes them all as Input.
TRIGGERS: list[Input] = [
    Input(ids.URL, "search"),  # Back/Forward (the reducer's own URL writes are dropped as echoes)
    *[Input(ids.FILTER_CONTROLS[p], "value") for p in CONTROL_PARAMS],
    Input(ids.CLEAR_ALL, "n_clicks"),
    Input(ids.chip_remove(ALL, ALL), "n_clicks"),
    Input(ids.toggle(ALL, ALL), "n_clicks"),
    Input(ids.pick(ALL), "data"),  # Select buttons of lists drawn in the browser (a toggle)
    Input({**ids.MAP_GRAPH, "page": ALL}, "clickData"),
    Input({**ids.TREEMAP, "page": ALL}, "clickData"),
    Input({**ids.SYSTEMS_GRID, "page": ALL}, "data"),  # a /systems cell or column header chosen
    Input(ids.window(ALL), "n_clicks"),
    Input(ids.view(ALL), "value"),
]
COLLECTOR_STATES: list[State] = [State(ids.URL, "search"), State(ids.APP_STATE, "data")]

# The Input of the reducer and of every page callback that follows the state.
STATE_CHANGED = Input(ids.STATE_CHANGE, "data")


@dataclass(frozen=True)
class StateChange:
    """The state before and after one change. `from_url`: Back/Forward or the first load, where
    `before` is unknown and taken to be `after`: draw everything. `first`: the first load, which
    the page's layout drew already (only the shell's reducer acts on it). `notice`: why the change
    was refused (then `after` equals `before`), or what the URL held that was dropped."""

    before: AppState
    after: AppState
    from_url: bool = False
    first: bool = False
    notice: str = ""

    def changed(self) -> frozenset[str]:
        """The filter parameters and view settings that differ (all of them after a URL change)."""
        return EVERY_PART if self.from_url else changed_parts(self.before, self.after)


def changed_parts(before: AppState, after: AppState) -> frozenset[str]:
    """The filter parameters and view settings whose values differ between two states. A name that
    is both (`group`: the group filter, the renewals page's grouping) counts as changed when either
    did, so a callback depending on one may run for the other, never the reverse."""
    params = {p for p in PARAMS if getattr(before.filters, p) != getattr(after.filters, p)}
    views = {n for n in VIEW_NAMES if before.view_value(n) != after.view_value(n)}
    return frozenset(params | views)


def _reducer_trigger(trigger: Any) -> Any:
    """A filter control's string id as the reducer names it; a pick store as the toggle it is."""
    for param, control_id in ids.FILTER_CONTROLS.items():
        if trigger == control_id:
            return ids.filter_control(param)
    return trigger


def state_change(change: object) -> StateChange | None:
    """The change the collector recorded, applied by the one reducer; None when nothing changed
    and there is nothing to say (or the payload is not one the collector writes)."""
    if not isinstance(change, Mapping):
        return None
    trigger, value, search = change.get("trigger"), change.get("value"), change.get("search")
    if trigger == ids.URL:
        after = AppState.from_query_string(value)
        return StateChange(after, after, from_url=True, first=change.get("first") is True,
                           notice=url_notice(value))
    before = AppState.from_query_string(search)
    after, notice = reduce_with_notice(before, _reducer_trigger(trigger), value, today=context.today())
    return None if after == before and not notice else StateChange(before, after, notice=notice)


def new_change(change: object, depends_on: Collection[str] = EVERY_PART) -> StateChange:
    """The change a page callback draws (before, after, what changed); PreventUpdate when nothing
    changed of the filter parameters and view settings named in `depends_on` (a refused change
    changes nothing), and for the first load, which the page's layout drew."""
    found = state_change(change)
    if found is None or found.first or not found.changed() & set(depends_on):
        raise PreventUpdate
    return found


def new_state(change: object, depends_on: Collection[str] = EVERY_PART) -> AppState:
    """The state a page callback draws for `change` (see new_change)."""
    return new_change(change, depends_on).after


def page_state(change: object, current: object, depends_on: Collection[str] = EVERY_PART) -> AppState:
    """The state a page callback with other Inputs besides STATE_CHANGED draws (a pager, the
    screen width): after a change, the new state, or PreventUpdate when the change left what it
    `depends_on` alone; after the page's own input, the current state (ids.APP_STATE as State)."""
    if ctx.triggered_id != ids.STATE_CHANGE:
        return AppState.from_dict(current)
    return new_state(change, depends_on)


def latest_state(change: object, search: object) -> AppState:
    """The state as of the latest change, without waiting for the reducer to write the URL: for
    a callback that a page's own component fires in the same round (a grid asking for rows after
    the change told it to refetch). Takes ids.STATE_CHANGE and ids.URL's search as State."""
    found = state_change(change)
    return found.after if found is not None else AppState.from_query_string(search)


def url_change(query: str) -> dict[str, str]:
    """The change the collector records when the URL becomes `query` (tests and benchmarks use it
    to ask a page callback for a given state)."""
    return {"trigger": ids.URL, "value": query, "search": query}


def control_values(state: AppState) -> dict[str, Any]:
    """What each filter control shows for `state`, keyed by the control's id."""
    f = state.filters
    values: dict[str, Any] = {}
    for param in CONTROL_PARAMS:
        if param in MULTI_PARAMS:
            values[ids.FILTER_CONTROLS[param]] = list(getattr(f, param))
        elif param in ("ends_from", "ends_to"):
            day = getattr(f, param)
            values[ids.FILTER_CONTROLS[param]] = day.isoformat() if day else ""
        else:
            values[ids.FILTER_CONTROLS[param]] = getattr(f, param)
    return values


def store_data(state: AppState) -> dict[str, Any]:
    """ids.APP_STATE's value: the state, its query string (links carry it without a server round
    trip). The collector reads what each control and view setting shows from it (echoes)."""
    return {**state.to_dict(), "query": state.to_query_string()}


# The collector: record the one change a person made, drop the reducer's own writes (echoes) and
# components that just appeared (no clicks yet, or values equal to the state's).
COLLECT_CHANGE = """
function() {
    const nothing = window.dash_clientside.no_update;
    if (!window.techmapStateStarted) {  // the first load: the address bar holds the state
        window.techmapStateStarted = true;
        const now = window.location.search;
        return [nothing, {trigger: "%(url)s", value: now, search: now, first: true}];
    }
    const dc = window.dash_clientside.callback_context;
    const search = arguments[arguments.length - 2] || "";
    const app = arguments[arguments.length - 1] || {};
    const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);
    const CONTROLS = %(controls)s, VIEW_DEFAULTS = %(views)s;
    const shownBy = (app, id) => {  // what a filter control shows for the app state (control_values)
        const v = (app.filters || {})[CONTROLS[id]];
        return Array.isArray(v) ? v : (v || "");
    };
    for (const t of dc.triggered) {
        const dot = t.prop_id.lastIndexOf(".");
        const text = t.prop_id.slice(0, dot), prop = t.prop_id.slice(dot + 1);
        const id = text.startsWith("{") ? JSON.parse(text) : text;
        const value = t.value;
        if (id === "%(url)s") {
            if (app.query === undefined || (value || "") === app.query) { continue; }
            return [{trigger: id, value: value || "", search: value || ""}, nothing];
        }
        if (prop === "value" && typeof id === "string") {
            if (app.query === undefined || same(value, shownBy(app, id))) { continue; }
        } else if (prop === "value") {
            if (app.query === undefined || value === undefined
                || value === ((app.view || {})[id.name] ?? VIEW_DEFAULTS[id.name])) { continue; }
        } else if (prop === "data" && id.type === "pick") {
            if (!value || !value.value) { continue; }
            return [{trigger: {type: "%(toggle)s", param: id.param, value: value.value}, value: 1, search: search},
                    nothing];
        } else if (!value) {
            continue;  // n_clicks / clickData of a component that just appeared
        }
        return [{trigger: id, value: value, search: search}, nothing];
    }
    return [nothing, nothing];
}
""" % {"url": ids.URL, "toggle": ids.toggle("", "")["type"],
       "controls": json.dumps({ids.FILTER_CONTROLS[p]: p for p in CONTROL_PARAMS}),
       "views": json.dumps({name: AppState().view_value(name) for name in VIEW_NAMES})}
