"""Validate what the browser sends to Dash's callback endpoint before Dash sees it.

Dash answers a payload that does not match a registered callback with a 500 and a traceback in
the log. A hosted instance must answer hostile or malformed requests with a 4xx instead, so every
request to /_dash-update-component is checked against the callback map: a known server-side
callback, inputs and state of the registered shape and ids, sane sizes. The callbacks themselves
then allow-list the values (techmap.appstate, techmap.analysis.filters).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from dash_compat import PAGES_LOCATION, split_outputs

MAX_ITEMS_PER_WILDCARD = 500
MAX_ID_VALUE_LENGTH = 200
WILDCARDS = ('["ALL"]', '["MATCH"]', '["ALLSMALLER"]')


def _pattern(spec_id: str) -> dict[str, Any] | None:
    """The dict id of a pattern-matching spec ('{"page":"map","type":"map-graph"}'), else None."""
    if not spec_id.startswith("{"):
        return None
    try:
        return json.loads(spec_id)
    except ValueError:
        return None


def _id_matches(pattern: Mapping[str, Any], candidate: object) -> bool:
    if not isinstance(candidate, Mapping) or set(candidate) != set(pattern):
        return False
    for key, expected in pattern.items():
        value = candidate[key]
        if isinstance(expected, list):  # a wildcard: any short scalar
            if not isinstance(value, (str, int, float, bool)) or len(str(value)) > MAX_ID_VALUE_LENGTH:
                return False
        elif value != expected:
            return False
    return True


def _is_wildcard(spec_id: str) -> bool:
    return any(w in spec_id for w in WILDCARDS)


def _check_item(spec: Mapping[str, str], item: object, where: str) -> str | None:
    spec_id, prop = spec["id"], spec["property"]
    pattern = _pattern(spec_id)
    if pattern is not None and _is_wildcard(spec_id) and '["MATCH"]' not in spec_id:
        if not isinstance(item, list) or len(item) > MAX_ITEMS_PER_WILDCARD:
            return f"{where}: expected a list for {spec_id}"
        for element in item:
            if not isinstance(element, Mapping) or element.get("property") != prop \
                    or not _id_matches(pattern, element.get("id")):
                return f"{where}: an item does not match {spec_id}.{prop}"
        return None
    if not isinstance(item, Mapping) or item.get("property") != prop:
        return f"{where}: expected {spec_id}.{prop}"
    if pattern is not None:
        return None if _id_matches(pattern, item.get("id")) else f"{where}: id does not match {spec_id}"
    return None if item.get("id") == spec_id else f"{where}: id does not match {spec_id}"


def _check_items(specs: list[Any], items: object, where: str) -> str | None:
    """None when `items` is a list with one item per spec, each fitting its spec."""
    if not isinstance(items, list) or len(items) != len(specs):
        return f"{where}: expected {len(specs)} item(s)"
    for n, (item_spec, item) in enumerate(zip(specs, items, strict=True)):
        problem = _check_item(item_spec, item, f"{where}[{n}]")
        if problem:
            return problem
    return None


def _check_router_values(items: list[Any]) -> str | None:
    """Dash's page router (not ours) fails on a pathname without a leading slash; check it here."""
    for item in items:
        if not isinstance(item, Mapping) or item.get("id") != PAGES_LOCATION:
            continue
        value = item.get("value")
        if item.get("property") == "pathname":
            if not isinstance(value, str) or not value.startswith("/") or len(value) > 2048:
                return "pathname must be a path starting with /"
        elif item.get("property") == "search":
            if value is not None and (not isinstance(value, str) or len(value) > 8192):
                return "search must be a query string"
    return None


def check_dispatch(body: object, callback_map: Mapping[str, Mapping[str, Any]]) -> str | None:
    """None when the request fits a registered server-side callback, else the reason it does not."""
    if not isinstance(body, Mapping):
        return "the request body must be a JSON object"
    output = body.get("output")
    if not isinstance(output, str) or output not in callback_map:
        return "unknown callback output"
    spec = callback_map[output]
    if "callback" not in spec:
        return "that callback runs in the browser, not on the server"
    for key in ("inputs", "state"):
        problem = _check_items(spec[key], body.get(key, [] if key == "state" else None), key)
        if problem:
            return problem
    outputs = body.get("outputs")
    expected_outputs = split_outputs(output)
    if isinstance(expected_outputs, list):
        problem = _check_items(expected_outputs, outputs, "outputs")
    else:
        problem = _check_item(expected_outputs, outputs, "outputs")
    if problem:
        return problem
    problem = _check_router_values(body["inputs"])
    if problem:
        return problem
    changed = body.get("changedPropIds", [])
    if not isinstance(changed, list) or not all(isinstance(c, str) and len(c) < 1000 for c in changed):
        return "changedPropIds must be a list of strings"
    return None
