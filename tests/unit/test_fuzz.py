"""Hostile input: malformed and random payloads to the callback endpoint, random query strings to
every page (through Dash's router callback, which renders pages from the query) and API route.
Nothing may answer with a 5xx or show a traceback."""

from __future__ import annotations

import json
import random
import string

import pytest
from dash._utils import split_callback_id
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import app as app_module

SERVER = app_module.server
client = SERVER.test_client()
client.get("/")  # registers the pages' router callback
CALLBACKS = {k: v for k, v in app_module.app.callback_map.items() if "callback" in v}
PAGE_PATHS = ["/", "/suppliers", "/renewals", "/boroughs", "/borough/camden", "/borough/E09000007",
              "/data", "/about", "/suppliers/capita", "/nope"]
API_PATHS = ["/api/v1/contracts", "/api/v1/authorities", "/api/v1/suppliers", "/api/v1/service-areas",
             "/api/v1/summary", "/calendar/E09000007.ics", "/calendar/renewals.ics",
             "/download/contracts.csv", "/download/contracts.xlsx", "/healthz"]

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-10**12, 10**12) | st.floats(allow_nan=False)
    | st.text(max_size=40),
    lambda children: st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=10), children, max_size=5),
    max_leaves=20,
)
hostile_strings = st.sampled_from([
    "<script>alert(1)</script>", "'; DROP TABLE contracts; --", "../../etc/passwd", "%00", "\u202e",
    "E09000007", "housing", "capita", "2027-01-01", "9999-99-99", "", " " * 300, "a" * 5000,
])


def _check(response) -> None:
    body = response.get_data().decode("utf-8", "replace")
    assert response.status_code < 500, body[:500]
    assert "Traceback" not in body and 'File "' not in body


def _item(spec: dict, value: object) -> object:
    spec_id = spec["id"]
    if spec_id.startswith("{"):
        pattern = json.loads(spec_id)
        concrete = {k: ("x" if isinstance(v, list) else v) for k, v in pattern.items()}
        element = {"id": concrete, "property": spec["property"], "value": value}
        return [element] if '["ALL"]' in spec_id or '["ALLSMALLER"]' in spec_id else element
    return {"id": spec_id, "property": spec["property"], "value": value}


def _payload(output: str, values: list[object]) -> dict:
    spec = CALLBACKS[output]
    outputs = split_callback_id(output)
    inputs = [_item(s, values[i % len(values)]) for i, s in enumerate(spec["inputs"])]
    state = [_item(s, values[-1]) for s in spec["state"]]
    outs = [_item(o, None) for o in outputs] if isinstance(outputs, list) else _item(outputs, None)
    changed = [f"{spec['inputs'][0]['id']}.{spec['inputs'][0]['property']}"]
    return {"output": output, "outputs": outs, "inputs": inputs, "state": state, "changedPropIds": changed}


@settings(max_examples=250, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.sampled_from(sorted(CALLBACKS)), st.lists(json_values | hostile_strings, min_size=1, max_size=4))
def test_random_values_to_every_callback(output, values):
    _check(client.post("/_dash-update-component", json=_payload(output, values)))


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(json_values)
def test_random_bodies_to_the_callback_endpoint(body):
    _check(client.post("/_dash-update-component", json=body))


def test_broken_structures_get_400():
    output = next(iter(CALLBACKS))
    good = _payload(output, [None])
    variants = [
        b"not json at all", b"\xff\xfe", b"[" * 5000,
        {**good, "output": "made-up.children"},
        {**good, "inputs": "x"},
        {**good, "inputs": good["inputs"] + [{"id": "x", "property": "y"}]},
        {**good, "outputs": []},
        {**good, "state": [{"id": "app-state", "property": "data"}] * 3},
        {**good, "changedPropIds": [1, 2]},
    ]
    for body in variants:
        if isinstance(body, bytes):
            response = client.post("/_dash-update-component", data=body, content_type="application/json")
        else:
            response = client.post("/_dash-update-component", json=body)
        _check(response)
        assert 400 <= response.status_code < 500
    _check(client.get("/_dash-update-component"))
    too_big = client.post("/_dash-update-component", data=b"{" + b" " * (3 * 1024 * 1024) + b"}",
                          content_type="application/json")
    assert too_big.status_code == 413


def _random_query(rng: random.Random) -> str:
    keys = ["authority", "area", "supplier", "system", "ends_from", "ends_to", "q", "metric", "size",
            "group", "within", "lead", "page", "per_page", "format", "flag", "key", "__proto__", ""]
    junk = ["E09000007", "E09000099", "housing", "<b>x</b>", "2027-02-30", "-1", "0", "1e9", "%ZZ", "&&",
            "".join(rng.choice(string.printable) for _ in range(rng.randint(0, 30)))]
    return "&".join(f"{rng.choice(keys)}={rng.choice(junk)}" for _ in range(rng.randint(0, 6)))


def _router(path: str, search: str) -> dict:
    return {
        "output": ".._pages_content.children..._pages_store.data..",
        "outputs": [{"id": "_pages_content", "property": "children"}, {"id": "_pages_store", "property": "data"}],
        "inputs": [{"id": "_pages_location", "property": "pathname", "value": path},
                   {"id": "_pages_location", "property": "search", "value": search}],
        "state": [],
        "changedPropIds": ["_pages_location.pathname"],
    }


@pytest.mark.parametrize("seed", range(6))
def test_random_query_strings_to_every_page_and_route(seed):
    rng = random.Random(seed)
    for path in PAGE_PATHS:
        query = _random_query(rng)
        _check(client.get(f"{path}?{query}"))
        _check(client.post("/_dash-update-component", json=_router(path, f"?{query}")))
    for path in API_PATHS:
        _check(client.get(f"{path}?{_random_query(rng)}"))
