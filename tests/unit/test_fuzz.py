"""Hostile input: malformed and random payloads to the callback endpoint, random query strings to
every page (through Dash's router callback, which renders pages from the query) and API route.
Nothing may answer with a 5xx or show a traceback."""

from __future__ import annotations

import json
import random
import re
import string
from urllib.parse import quote

import pytest
from dash_compat import split_outputs
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import app as app_module
from tests.unit.dash_requests import router_request

SERVER = app_module.server
client = SERVER.test_client()
client.get("/")  # registers the pages' router callback
CALLBACKS = {k: v for k, v in app_module.app.callback_map.items() if "callback" in v}
PAGE_PATHS = ["/", "/suppliers", "/renewals", "/boroughs", "/borough/camden", "/borough/E09000007",
              "/data", "/about", "/suppliers/capita", "/nope", "/borough/E09000099", "/suppliers/nope", "/404"]
INDEX = client.get("/").get_data(as_text=True)
from components.map_figure import boundaries_url  # noqa: E402  (after the app is set up)

# Every other route: the API and its documents, calendars, downloads and templates, health, the
# boundaries, Dash's own endpoints, the assets and the component bundles (real and made up).
API_PATHS = ["/api/v1/contracts", "/api/v1/authorities", "/api/v1/suppliers", "/api/v1/service-areas",
             "/api/v1/summary", "/api/v1/openapi.json", "/api/v1/", "/api/v1/nope",
             "/calendar/E09000007.ics", "/calendar/renewals.ics", "/calendar/E09000099.ics",
             "/download/contracts.csv", "/download/contracts.xlsx", "/download/contracts-template.csv",
             "/download/survey-template.xlsx", "/healthz", boundaries_url(),
             "/boundaries/london_boroughs.0.geojson", "/_dash-layout", "/_dash-dependencies",
             "/_reload-hash", "/_favicon.ico", "/assets/10_techmap.css", "/assets/topojson/world_110m.json",
             "/assets/../app.py", "/_dash-component-suites/plotly/package_data/plotly.min.js",
             "/_dash-component-suites/dash/dcc/async-graph.js", "/_dash-component-suites/foo/bar.js",
             "/_dash-component-suites/dash/x.v1m1.js",
             *sorted(set(re.findall(r'(?:src|href)="(/(?:_dash-component-suites|assets)/[^"?]+)', INDEX)))]
# Routes with a variable part, for random values in it.
TEMPLATES = ["/borough/{}", "/suppliers/{}", "/calendar/{}.ics", "/api/v1/{}", "/download/{}",
             "/boundaries/london_boroughs.{}.geojson", "/assets/{}", "/_dash-component-suites/{}/{}.js",
             "/_dash-component-suites/dash/{}", "/{}"]

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
    outputs = split_outputs(output)
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
    # a callback with a plain output: for one whose single output is a wildcard, no outputs is valid
    output = next(o for o in CALLBACKS if '["ALL"]' not in o)
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


def _random_text(rng: random.Random, most: int = 30) -> str:
    alphabet = string.printable + "\u00e9\u202e\u0000\ufeff<>\"'&%;/\\{}[]"
    return "".join(rng.choice(alphabet) for _ in range(rng.randint(0, most)))


def _random_query(rng: random.Random) -> str:
    keys = ["authority", "area", "supplier", "system", "ends_from", "ends_to", "q", "metric", "size",
            "group", "within", "lead", "page", "per_page", "limit", "offset", "sort", "format", "fields",
            "flag", "key", "v", "m", "__proto__", "authority[]", ""]
    junk = ["E09000007", "E09000099", "housing", "capita", "<b>x</b>", "<script>alert(1)</script>",
            "2027-02-30", "2027-01-01", "31/12/2027", "-1", "0", "1e9", "99999999999999999999", "NaN",
            "%ZZ", "%00", "&&", "==", "a" * 3000, _random_text(rng)]
    parts = []
    for _ in range(rng.randint(0, 8)):
        key, value = rng.choice(keys), rng.choice(junk)
        # most values percent-encoded as a browser would; some raw, as a hostile client might
        parts.append(f"{key}={quote(value, safe='') if rng.random() < 0.7 else value}")
    return "&".join(parts)


QUERIES_PER_ROUTE = 4  # per seed: 16 random query strings for every route in all
SLOW = {"/download/contracts.xlsx", "/calendar/renewals.ics"}  # ~0.7 s each unfiltered: one per seed


@pytest.mark.parametrize("seed", range(4))
def test_random_query_strings_to_every_page_and_route(seed):
    rng = random.Random(seed)
    for path in PAGE_PATHS:
        for _ in range(QUERIES_PER_ROUTE):
            query = _random_query(rng)
            _check(client.get(f"{path}?{query}"))
            _check(client.post("/_dash-update-component", json=router_request(path, f"?{query}")))
    for path in API_PATHS:
        for _ in range(1 if path in SLOW else QUERIES_PER_ROUTE):
            _check(client.get(f"{path}?{_random_query(rng)}"))


@pytest.mark.parametrize("seed", range(3))
def test_random_paths_to_every_route_with_a_variable_part(seed):
    rng = random.Random(1000 + seed)
    for template in TEMPLATES:
        for _ in range(8):
            parts = [quote(_random_text(rng, 60), safe="/") if rng.random() < 0.8 else _random_text(rng, 8)
                     for _ in range(template.count("{}"))]
            path = template.format(*parts)
            if "?" in path or "#" in path:
                path = path.replace("?", "%3F").replace("#", "%23")
            _check(client.get(f"{path}?{_random_query(rng)}"))
            _check(client.post("/_dash-update-component", json=router_request(path.split("?")[0], "")))
