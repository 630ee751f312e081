"""The app's whole state (filters + per-page view settings), its URL form, and the reducer.

The shell keeps one store written by one callback; that callback only identifies what the user
touched and calls `reduce_state`, a pure function tested without Dash.

Triggers (the id of the component that fired, as Dash gives it; the names are techmap.triggers')
and what they do:
- "url"                                        value = query string: replace the state from the URL
- "clear-all"                                  reset every filter (view settings stay)
- {"type": "filter-control", "param": P}       value = the control's new value for filter P
- {"type": "chip-remove", "param": P, "value": V}  remove V from P (or P entirely)
- {"type": "toggle", "param": P, "value": V}   toggle V in repeatable filter P
- {"type": "map-graph", ...}                   value = plotly clickData: toggle the borough
- {"type": "treemap", ...}                     value = plotly clickData: toggle the supplier
- {"type": "window", "months": N}              set ends_from = today, ends_to = today + N months
- {"type": "view", "name": N}                  value = new view setting N (allow-listed)
- {"type": "systems-grid", ...}                value = {"authority": code or None, "area": slug}: the
                                               /systems grid's cell (or column header) chosen
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
from techmap.analysis.systems_grid import ROW_SORTS

# View settings: name -> (default, allowed values). Allow-listed so the URL cannot inject anything.
VIEW_PARAMS: Mapping[str, tuple[str, tuple[str, ...]]] = MappingProxyType({
    "metric": ("contracts", ("contracts", "suppliers", "systems", "ending_12m", "annual_value",
                             "supplier_share", "runs_system", "pairs_known")),
    "size": ("count", ("count", "value")),
    "group": ("service_area", ("service_area", "authority")),
    "within": ("12", ("3", "6", "9", "12", "18", "24", "36")),
    "lead": ("18", ("6", "9", "12", "18", "24", "30", "36")),
    "top": ("15", ("5", "10", "15", "20")),  # N of the suppliers page's "top N suppliers hold X%"
    "flag": ("all", ("all", *FLAGS)),  # the data page's grid: every row, or only one quality flag's
    "grid_sort": ("borough", ROW_SORTS),  # /systems: rows by borough, suppliers or a column's system
    "grid_colour": ("supplier", ("supplier", "ends")),  # /systems: cells coloured by supplier or end
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
        return replace(state, filters=FilterState()) if value else state
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
