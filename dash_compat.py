"""Every use of Dash's private API, in one place.

Dash does not promise to keep these names: its page router's path matcher, the callback id
splitter, the dev-tools settings, the callback context that tests set up, the ids of the router's
own components and what a component's constructor sets on an instance. The rest of the code calls
the functions here instead, so a Dash upgrade that moves one of them breaks this module and its test
(tests/unit/test_dash_compat.py, pinned to the Dash range in requirements.txt) with a clear message,
not a page of the site.

A top-level module like ids.py, not under web/: pages, components and web all use it, and
components must not import web. No module in techmap/ may import it (techmap has no Dash).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

import dash
from dash._callback_context import context_value
from dash._pages import _path_to_page
from dash._utils import AttributeDict, split_callback_id, stringify_id, to_json
from dash.development.base_component import Component

# The Dash versions this module was checked against (the range in requirements.txt).
CHECKED_RANGE = ">=4.0,<5"

# The page router's own components (dash.page_container): the location it reads, the content it
# fills and the store it writes.
PAGES_LOCATION = "_pages_location"
PAGES_CONTENT = "_pages_content"
PAGES_STORE = "_pages_store"
ROUTER_OUTPUT = f"..{PAGES_CONTENT}.children...{PAGES_STORE}.data.."

__all__ = [
    "CHECKED_RANGE", "PAGES_CONTENT", "PAGES_LOCATION", "PAGES_STORE", "ROUTER_OUTPUT",
    "build_unchecked", "callback_context", "hot_reload_enabled", "dev_tools", "path_to_page",
    "split_outputs", "to_json",
]


def path_to_page(path: str) -> tuple[dict[str, Any] | None, dict[str, str] | None]:
    """The registered page and path variables the router picks for `path` (already stripped of
    the app's prefix), with the router's own matcher, so both read a path alike."""
    return _path_to_page(path)


def split_outputs(output: str) -> list[dict[str, Any]] | dict[str, Any]:
    """The outputs a callback id names, as Dash splits them: a list for a multi-output id
    ('..a.children...b.data..'), one {id, property} for a single one ('a.children')."""
    return split_callback_id(output)


def dev_tools(app: dash.Dash) -> Any:
    """The app's dev-tools settings (ui, hot_reload, serve_dev_bundles, props_check, ...)."""
    return app._dev_tools  # noqa: SLF001


def hot_reload_enabled(app: dash.Dash) -> bool:
    return bool(dev_tools(app).hot_reload)


@contextmanager
def callback_context(triggered: list[tuple[Any, str, Any]], outputs: Any) -> Iterator[None]:
    """Run code as if inside a callback (for tests that call a callback as a plain function):
    `triggered` is (component id, property, value) for each input that fired; `outputs` is what
    dash.ctx.outputs_list returns."""
    fired = [{"prop_id": f"{stringify_id(cid)}.{prop}", "value": value} for cid, prop, value in triggered]
    token = context_value.set(AttributeDict(triggered_inputs=fired, outputs_list=outputs))
    try:
        yield
    finally:
        context_value.reset(token)


# ---- component construction without the per-prop checks (components/fast_html.py) ---------------

C = TypeVar("C", bound=Component)

# What a generated component constructor sets on every instance besides its props.
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


def build_unchecked(cls: type[C], children: Any, props: dict[str, Any]) -> C:
    """The object cls(children, **props) makes (same class and attributes), without running the
    constructor's checks of every keyword."""
    meta = _PROTOTYPES.get(cls)
    if meta is None:  # what the real constructor sets on every instance: read it once
        meta = _PROTOTYPES[cls] = {k: getattr(_sample(cls), k) for k in _META}
    obj = cls.__new__(cls)
    obj.__dict__.update(meta)
    obj.__dict__["children"] = children
    obj.__dict__.update(props)
    return obj
