"""The "nothing matches" slot every page holds: empty while the page's filters match contracts,
else components.empty_state's block naming the filters to relax. One function serves every page:
the slot's id says what the page fixes (a profile's borough or supplier), so the same code counts
for all of them.

Pages place `slot(state, path, scope)` in their layout (the first paint); the shell's reducer
redraws it with `redrawn` when the state changes, in its own response (shell/callbacks.py)."""

from __future__ import annotations

from typing import Any

from dash import html, no_update

import ids
from components.empty_state import nothing_matches
from shell.state_change import StateChange
from techmap.analysis.filters import FilterState
from techmap.analysis.relax import relaxations
from techmap.appstate import AppState
from techmap.dataformat.authorities import by_code
from techmap.service import context
from techmap.service.views import in_view

SCOPES = ("authority", "supplier")  # what a page may fix: a borough or a supplier profile


def scope_of(param: str, value: str) -> str:
    return f"{param}:{value}"


def _parse_scope(scope: object) -> tuple[str, str] | None:
    param, _, value = scope.partition(":") if isinstance(scope, str) else ("", "", "")
    return (param, value) if param in SCOPES and value else None


def _matches(filters: FilterState) -> int:
    return in_view(filters)[0]


def _what(fixed: tuple[str, str] | None) -> str:
    if fixed is None:
        return "contracts"
    param, value = fixed
    if param == "authority":
        authority = by_code().get(value)
        return f"contracts of {authority.name}" if authority else "contracts"
    return f"contracts held by {context.dataset().supplier_names.get(value, value)}"


def content(state: AppState, path: str, scope: object = "") -> Any:
    """None while something matches; else the block naming the filters to relax."""
    fixed = _parse_scope(scope)
    filters = state.filters.with_values(**{fixed[0]: (fixed[1],)}) if fixed else state.filters
    if _matches(filters):
        return None
    keep = (fixed[0],) if fixed else ()
    return nothing_matches(state, relaxations(filters, _matches, keep), context.dataset(),
                           path=path, what=_what(fixed), fixed=keep)


def slot(state: AppState, path: str, scope: str = "") -> html.Div:
    """The page's slot, drawn for `state`; `path` is the page's own (the links stay on it)."""
    return html.Div(content(state, path, scope), id=ids.nothing_matches(scope))


def redrawn(found: StateChange, pathname: Any, slots: list[dict[str, Any]]) -> list[Any]:
    """The page's slots after a change (the reducer, shell/callbacks.py, sends them in its own
    response): nothing for the first load, which the page's layout drew, or when neither a filter
    nor a view setting changed."""
    if found.first or not found.changed():
        return [no_update] * len(slots)
    # one leading slash: "//host/..." would make the links leave the site
    path = "/" + pathname.lstrip("/") if isinstance(pathname, str) else "/"
    return [content(found.after, path, slot["id"].get("scope")) for slot in slots]
