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

import re
from typing import Any, TypeVar

from dash.development.base_component import Component

C = TypeVar("C", bound=Component)

_META = ("_prop_names", "_valid_wildcard_attributes", "available_properties", "available_wildcard_properties")
_PROTOTYPES: dict[type, dict[str, Any]] = {}


def _sample(cls: type[C]) -> C:
    """One real instance, giving required props (dcc.Link's href) a placeholder."""
    required: dict[str, str] = {}
    while True:
        try:
            return cls(**required)
        except TypeError as error:
            match = re.search(r"Required argument `(\w+)`", str(error))
            if not match or match.group(1) in required:
                raise
            required[match.group(1)] = ""


def el(cls: type[C], children: Any = None, **props: Any) -> C:
    """cls(children, **props), built directly. Props named like "aria-pressed" go in **{...}."""
    meta = _PROTOTYPES.get(cls)
    if meta is None:  # what the real constructor sets on every instance: read it once
        meta = _PROTOTYPES[cls] = {k: getattr(_sample(cls), k) for k in _META}
    obj = cls.__new__(cls)
    obj.__dict__.update(meta)
    obj.__dict__["children"] = children
    obj.__dict__.update(props)
    return obj
