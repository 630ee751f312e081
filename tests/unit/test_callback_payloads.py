"""Hostile values inside well-formed callback requests: the callbacks allow-list what they read,
checking each value's type before using it, so no payload gets an HTTP 500."""

from __future__ import annotations

import json
from typing import Any

import pytest

import app as app_module
import ids
from components.data_grid import GRID_TYPE

SERVER = app_module.server
client = SERVER.test_client()
CALLBACKS = app_module.app.callback_map
GRID = {"type": GRID_TYPE, "instance": "x1"}


def _id(text: str) -> Any:
    return json.loads(text) if text.startswith("{") else text


def _output(fragment: str) -> str:
    return next(key for key in CALLBACKS if fragment in key)


def _rows_request(request: Any) -> dict[str, Any]:
    """A getRowsRequest to the data page's grid, exactly as dash-renderer sends it."""
    output = _output("getRowsResponse")
    return {
        "output": output,
        "outputs": {"id": GRID, "property": "getRowsResponse"},
        "inputs": [{"id": GRID, "property": "getRowsRequest", "value": request}],
        "state": [{"id": "url", "property": "search", "value": ""},
                  {"id": "data-table-search", "property": "value", "value": ""},
                  {"id": ids.STATE_CHANGE, "property": "data", "value": None}],
        "changedPropIds": [json.dumps(GRID, separators=(",", ":")) + ".getRowsRequest"],
    }


HOSTILE_SORTS = [
    [{"colId": ["system"], "sort": "asc"}],
    [{"colId": {"system": 1}, "sort": "desc"}],
    [{"colId": "system", "sort": ["asc"]}],
    [{"colId": "system", "sort": {"asc": 1}}],
    [{"colId": [], "sort": "asc", "sortIndex": [1]}],
    [{"colId": "system", "sort": "asc", "sortIndex": {"a": 1}}],
]


@pytest.mark.parametrize("sort_model", HOSTILE_SORTS)
def test_a_sort_model_of_the_wrong_types_gets_rows_not_a_500(sort_model):
    body = _rows_request({"startRow": 0, "endRow": 10, "sortModel": sort_model, "filterModel": {}})
    response = client.post("/_dash-update-component", json=body)
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    rows = response.get_json()["response"]
    assert next(iter(rows.values()))["getRowsResponse"]["rowCount"] > 0


@pytest.mark.parametrize("sort_model", HOSTILE_SORTS)
def test_column_state_of_the_wrong_types_is_dropped_not_a_500(sort_model):
    output = _output("data-table-status.children")
    spec = CALLBACKS[output]
    inputs = []
    for item in spec["inputs"]:
        if "columnState" in item["property"]:
            inputs.append([{"id": GRID, "property": "columnState", "value": sort_model}])
        elif "filterModel" in item["property"]:
            inputs.append([{"id": GRID, "property": "filterModel", "value": {}}])
        elif item["id"] == "data-table-search":
            inputs.append({"id": item["id"], "property": "value", "value": ""})
        else:  # pattern ids (the state stores) come as JSON text in the callback map
            inputs.append({"id": _id(item["id"]), "property": item["property"], "value": {}})
    outputs = [{"id": o.split(".")[0], "property": o.split(".")[1]}
               for o in output.strip(".").split("...")]
    body = {"output": output, "outputs": outputs, "inputs": inputs,
            "state": [{"id": _id(s["id"]), "property": s["property"], "value": None} for s in spec["state"]],
            "changedPropIds": [json.dumps(GRID, separators=(",", ":")) + ".columnState"]}
    response = client.post("/_dash-update-component", json=body)
    assert response.status_code in (200, 204), response.get_data(as_text=True)[:300]
