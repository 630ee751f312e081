"""The app's whole state (filters + per-page view settings), its URL form, and the reducer.

The shell keeps one store written by one callback; that callback only identifies what the user
touched and calls `reduce_state`, a pure function tested without Dash.

Triggers (the id of the component that fired, as Dash gives it; the names are techmap.triggers')
and what they do:
- "url"                                        value = query string: replace the state from the URL
- "clear-all"                                  reset every filter, and the view settings that
                                               need a filter (VIEW_NEEDS) to their default
- {"type": "filter-control", "param": P}       value = the control's new value for filter P
- {"type": "chip-remove", "param": P, "value": V}  remove V from P (or P entirely)
- {"type": "toggle", "param": P, "value": V}   toggle V in repeatable filter P
- {"type": "map-graph", ...}                   value = plotly clickData: toggle the borough
- {"type": "treemap", ...}                     value = plotly clickData: toggle the supplier
- {"type": "window", "months": N}              set ends_from = today, ends_to = today + N months
- {"type": "view", "name": N}                  value = new view setting N (allow-listed)
- {"type": "systems-grid", ...}                value = {"authority": code or None, "area": slug}: the
                                               /systems grid's cell (or column header) chosen

Two rules hold whatever the trigger: a view setting that needs a filter (the map's "share of the
selected suppliers" needs a supplier) returns to its default when that filter is removed, so a
view is never left blank; and the contract-end range is never reversed (a control setting
`ends_from` after `ends_to` is refused with a notice, `reduce_with_notice`; a URL's reversed range
loses its `ends_to`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from types import MappingProxyType
from typing import Any
from urllib.parse import parse_qsl, urlencode

from techmap import triggers
from techmap.analysis.filters import MULTI_PARAMS, PARAMS, FilterState
from techmap.analysis.quality import FLAGS
from techmap.analysis.renewals import add_months
from techmap.dataformat.authorities import authorities
from techmap.dataformat.skills_schema import SKILL_AREAS
from techmap.analysis.systems_grid import ROW_SORTS

# View settings: name -> (default, allowed values). Allow-listed so the URL cannot inject anything.
VIEW_PARAMS: Mapping[str, tuple[str, tuple[str, ...]]] = MappingProxyType({
    "metric": ("contracts", ("contracts", "suppliers", "systems", "ending_12m", "annual_value",
                             "supplier_share", "runs_system", "pairs_known",
                             *(f"skill_{a.slug}" for a in SKILL_AREAS))),
    "size": ("count", ("count", "value")),
    "group": ("service_area", ("service_area", "authority")),
    "within": ("12", ("3", "6", "9", "12", "18", "24", "36")),
    "lead": ("18", ("6", "9", "12", "18", "24", "30", "36")),
    # the joint-procurement finder: which groups, in what order, a page at a time or all of them
    "finder": ("all", ("all", "system", "service_area")),
    "finder_sort": ("end", ("end", "boroughs", "value")),
    "finder_show": ("page", ("page", "all")),
    "top": ("15", ("5", "10", "15", "20")),  # N of the suppliers page's "top N suppliers hold X%"
    "flag": ("all", ("all", *FLAGS)),  # the data page's grid: every row, or only one quality flag's
    "grid_sort": ("borough", ROW_SORTS),  # /systems: rows by borough, suppliers or a column's system
    "grid_colour": ("supplier", ("supplier", "ends")),  # /systems: cells coloured by supplier or end
    "borough": ("", ("", *(a.code for a in authorities()))),  # the /skills page's peer finder
})

# View settings that show nothing without a filter: (setting, value) -> the filter it measures.
VIEW_NEEDS: Mapping[tuple[str, str], str] = MappingProxyType({
    ("metric", "supplier_share"): "supplier",
    ("metric", "runs_system"): "system",
})


# The /changes page's `from` and `to`: version numbers (whole numbers; the store says which exist).
VERSION_PARAMS: tuple[str, ...] = ("from", "to")
_VERSION_NUMBER = re.compile(r"[1-9][0-9]{0,8}")


def view_allowed(name: str, value: object) -> bool:
    """Whether `value` is one the view setting `name` may take (never anything else in a URL)."""
    if not isinstance(value, str):
        return False
    if name in VERSION_PARAMS:
        return _VERSION_NUMBER.fullmatch(value) is not None
    return name in VIEW_PARAMS and value in VIEW_PARAMS[name][1]


def view_default(name: str) -> str:
    return VIEW_PARAMS[name][0] if name in VIEW_PARAMS else ""


def page_query_pairs(query: Mapping[str, Any]) -> list[tuple[str, Any]]:
    """The keyword arguments Dash pages pass to layout() as (key, value) pairs: a repeated key of
    the query string arrives as a list."""
    pairs: list[tuple[str, Any]] = []
    for key, value in query.items():
        pairs.extend((key, item) for item in (value if isinstance(value, list) else [value]))
    return pairs


@dataclass(frozen=True)
class AppState:
    filters: FilterState = field(default_factory=FilterState)
    view: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))

    def view_value(self, name: str) -> str:
        return self.view.get(name, view_default(name))

    # ---- URL ----------------------------------------------------------------------------------
    @classmethod
    def from_query_string(cls, query: object) -> AppState:
        if not isinstance(query, str):  # whatever the browser sent, never an error
            return cls()
        try:
            pairs = parse_qsl(query.lstrip("?"), max_num_fields=500)
        except ValueError:
            return cls()
        return cls.from_pairs(pairs)

    @classmethod
    def from_pairs(cls, pairs: Any) -> AppState:
        try:
            pairs = list(pairs.items() if isinstance(pairs, Mapping) else pairs)
        except (TypeError, ValueError):
            return cls()
        filters = FilterState.from_params([(k, v) for k, v in pairs if k in PARAMS])
        if range_reversed(filters):  # a URL never holds a reversed range
            filters = filters.without("ends_to")
        view: dict[str, str] = {}
        for key, value in pairs:
            if key not in view and view_allowed(key, value) and value != view_default(key):
                view[key] = value
        return cls(filters, MappingProxyType(view))

    @classmethod
    def from_page_query(cls, query: Mapping[str, Any]) -> AppState:
        """From the keyword arguments Dash pages pass to layout()."""
        return cls.from_pairs(page_query_pairs(query))

    def to_query_string(self) -> str:
        pairs = self.filters.to_pairs() + sorted(self.view.items())
        encoded = urlencode(pairs)
        return f"?{encoded}" if encoded else ""

    # ---- store --------------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        return {"filters": self.filters.to_dict(), "view": dict(self.view)}

    @classmethod
    def from_dict(cls, data: object) -> AppState:
        if not isinstance(data, Mapping):
            return cls()
        filters = FilterState.from_dict(data.get("filters"))
        view = data.get("view") if isinstance(data.get("view"), Mapping) else {}
        return cls.from_pairs(filters.to_pairs() + [(k, v) for k, v in view.items()])

    def with_view(self, name: str, value: object) -> AppState:
        if not view_allowed(name, value):
            return self
        view = {k: v for k, v in self.view.items() if k != name}
        if value != view_default(name):
            view[name] = value
        return replace(self, view=MappingProxyType(view))

    def needed_filter(self, name: str) -> str | None:
        """The filter parameter view setting `name`'s current value measures, if any."""
        return VIEW_NEEDS.get((name, self.view_value(name)))

    def effective_view(self, name: str) -> str:
        """What a page draws for setting `name`: its value, or the default while the filter it
        needs is empty (the page says what to choose; the map is never blank)."""
        need = self.needed_filter(name)
        return view_default(name) if need and not getattr(self.filters, need, ()) else self.view_value(name)


def range_reversed(filters: FilterState) -> bool:
    return bool(filters.ends_from and filters.ends_to and filters.ends_from > filters.ends_to)


def reversed_range_message(filters: FilterState, kept: str) -> str:
    """The refusal, naming both dates as the API's does (web/api_params.py)."""
    assert filters.ends_from and filters.ends_to
    return (f"“Contract ends between” was reversed: from {filters.ends_from.isoformat()} is after "
            f"to {filters.ends_to.isoformat()}, so no contract could match. {kept}")


def url_notice(query: object) -> str:
    """What to tell the user about the URL's own state: a reversed range it held, now dropped."""
    filters = FilterState.from_query_string(query)
    if not range_reversed(filters):
        return ""
    return reversed_range_message(filters, "The link's “to” date was left out.")


def _settle_views(before: AppState, after: AppState, *, every: bool = False) -> AppState:
    """Return the view settings whose needed filter is now empty to their default: every such
    setting (`every`, after "Clear all filters"), or those whose filter this change emptied."""
    for (name, value), param in VIEW_NEEDS.items():
        if after.view_value(name) != value or getattr(after.filters, param, ()):
            continue
        if every or getattr(before.filters, param, ()):
            after = after.with_view(name, view_default(name))
    return after


def without_filter(state: AppState, param: str) -> AppState:
    """The state with filter `param` removed (and the views that needed it at their default):
    what an empty state's "remove" link leads to."""
    return _settle_views(state, replace(state, filters=state.filters.without(param)))


def without_filters(state: AppState, keep: tuple[str, ...] = ()) -> AppState:
    """The state after "Clear all filters", keeping the parameters `keep` (a page's fixed ones)."""
    kept = FilterState.from_params([(k, v) for k, v in state.filters.to_pairs() if k in keep])
    return _settle_views(state, replace(state, filters=kept), every=True)


def reduce_with_notice(state: AppState, trigger: object, value: object, *,
                       today: date) -> tuple[AppState, str]:
    """reduce_state, and a sentence for the user when the change was refused ('' otherwise)."""
    after = reduce_state(state, trigger, value, today=today)
    if (after == state and isinstance(trigger, Mapping) and trigger.get("type") == triggers.FILTER_CONTROL
            and trigger.get("param") in ("ends_from", "ends_to")):
        tried = state.filters.with_values(**{str(trigger["param"]): value})
        if range_reversed(tried):
            return state, reversed_range_message(tried, "The previous range is kept.")
    return after, ""


def _clicked_location(click_data: object, key: str) -> str | None:
    """The `location` / `id` of the first clicked point in plotly clickData, if well-formed."""
    if not isinstance(click_data, Mapping):
        return None
    points = click_data.get("points")
    if not isinstance(points, list) or not points or not isinstance(points[0], Mapping):
        return None
    value = points[0].get(key)
    return value if isinstance(value, str) and len(value) <= 200 else None


def _supplier_from_treemap_id(node_id: str) -> str | None:
    """Treemap ids are 'area/supplier' or 'area/supplier/system' (see components.treemap)."""
    parts = node_id.split("/")
    return parts[1] if len(parts) >= 2 and parts[1] else None


def reduce_state(state: AppState, trigger: object, value: object, *, today: date) -> AppState:
    """The next state after the user touched `trigger` (a Dash component id) giving `value`."""
    if trigger == triggers.URL:
        return AppState.from_query_string(value if isinstance(value, str) else "")
    if trigger == triggers.CLEAR_ALL:
        return _settle_views(state, replace(state, filters=FilterState()), every=True) if value else state
    after = _reduce_filters(state, trigger, value, today=today)
    if range_reversed(after.filters):  # only a control can set one bound past the other: refused
        return state
    return _settle_views(state, after)


def _reduce_filters(state: AppState, trigger: object, value: object, *, today: date) -> AppState:
    if not isinstance(trigger, Mapping):
        return state
    kind = trigger.get("type")
    filters = state.filters
    if kind == triggers.FILTER_CONTROL:
        param = trigger.get("param")
        if param not in PARAMS:
            return state
        if param in MULTI_PARAMS:
            value = value if isinstance(value, list) else ([] if value in (None, "") else [value])
        elif value in (None, ""):
            return replace(state, filters=filters.without(param))
        return replace(state, filters=filters.with_values(**{param: value}))
    if kind == triggers.CHIP_REMOVE:
        if not value:
            return state
        param, item = trigger.get("param"), trigger.get("value")
        if param not in PARAMS:
            return state
        return replace(state, filters=filters.without(param, item if item else None))
    if kind == triggers.TOGGLE:
        if not value:
            return state
        param, item = trigger.get("param"), trigger.get("value")
        if param not in MULTI_PARAMS or not isinstance(item, str):
            return state
        return replace(state, filters=filters.toggled(param, item))
    if kind == triggers.MAP_GRAPH:
        code = _clicked_location(value, "location")
        return replace(state, filters=filters.toggled("authority", code)) if code else state
    if kind == triggers.TREEMAP:
        node = _clicked_location(value, "id")
        supplier = _supplier_from_treemap_id(node) if node else None
        return replace(state, filters=filters.toggled("supplier", supplier)) if supplier else state
    if kind == triggers.WINDOW:
        months = trigger.get("months")
        if not value or not isinstance(months, int) or not 1 <= months <= 120:
            return state
        return replace(state, filters=filters.with_values(
            ends_from=today.isoformat(), ends_to=add_months(today, months).isoformat()))
    if kind == triggers.VIEW:
        return state.with_view(str(trigger.get("name")), value)
    if kind == triggers.SYSTEMS_GRID:
        return replace(state, filters=_grid_choice(filters, value))
    return state


def _grid_choice(filters: FilterState, value: object) -> FilterState:
    """A /systems cell filters to its borough and area, a column header to its area; choosing
    what is already the whole selection again clears it."""
    if not isinstance(value, Mapping):
        return filters
    code, area = value.get("authority"), value.get("area")
    chosen = filters.with_values(area=[area], **({"authority": [code]} if code is not None else {}))
    if chosen.area != (area,) or (code is not None and chosen.authority != (code,)):
        return filters  # not a borough or area the filter knows: nothing chosen
    if chosen == filters:
        return filters.without("area").without("authority") if code is not None else filters.without("area")
    return chosen
