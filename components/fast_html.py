"""Build Dash components without Dash's per-prop checks, for the big tables callbacks rebuild.

Dash's generated constructors validate every keyword (and format an error message for each, error
or not): 15-40 µs a component. A ranked table of 33 boroughs is ~300 components, the suppliers
table ~700, a borough's systems and peers ~1,300, rebuilt on every filter change: most of those
callbacks' time. `el()` makes the same object (same class, same attributes, so the same JSON and
the same tree for tests) in about 1 µs. Use it only with literal, known prop names: it skips the
checks that would catch a misspelt one (tests/unit/test_fast_html.py compares it with Dash's own
constructor for every class used).
"""

from __future__ import annotations

from typing import Any, TypeVar

from dash.development.base_component import Component

from dash_compat import build_unchecked

C = TypeVar("C", bound=Component)


def el(cls: type[C], children: Any = None, **props: Any) -> C:
    """cls(children, **props), built directly. Props named like "aria-pressed" go in **{...}."""
    return build_unchecked(cls, children, props)
