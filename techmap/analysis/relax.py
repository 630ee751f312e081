"""When nothing matches the filters: which filter to relax, and what each would bring back.

For every active filter parameter, the filters without it and how many contracts they match
(counted by the caller's function, e.g. the cached techmap.service.views.in_view), the most
rewarding first. A page fixes some parameters (a borough profile's borough), which are never
offered for removal.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from techmap.analysis.filters import MULTI_PARAMS, PARAMS, FilterState


@dataclass(frozen=True)
class Relaxation:
    param: str
    values: tuple[str, ...]  # what is removed: the parameter's values (a date or the search text)
    matches: int  # contracts that match once it is removed


def active_params(filters: FilterState, fixed: Iterable[str] = ()) -> list[str]:
    fixed = set(fixed)
    return [p for p in PARAMS if p not in fixed and getattr(filters, p)]


def param_values(filters: FilterState, param: str) -> tuple[str, ...]:
    value = getattr(filters, param)
    if param in MULTI_PARAMS:
        return tuple(value)
    return (value.isoformat() if hasattr(value, "isoformat") else str(value),) if value else ()


def relaxations(filters: FilterState, count: Callable[[FilterState], int],
                fixed: Iterable[str] = ()) -> list[Relaxation]:
    """Each active parameter (but the `fixed` ones) with the matches once it is removed, most
    matches first, then in the filter bar's order."""
    found = [Relaxation(p, param_values(filters, p), count(filters.without(p)))
             for p in active_params(filters, fixed)]
    return sorted(found, key=lambda r: -r.matches)
