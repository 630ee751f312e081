"""The OpenAPI description of /api/v1/versions and /api/v1/changes (web/api_changes.py), added to
the document web/api_openapi.py builds."""

from __future__ import annotations

from typing import Any

_VERSION = {"type": "object",
            "required": ["number", "published_at", "published_by", "note", "rows"],
            "properties": {"number": {"type": "integer", "minimum": 1},
                           "published_at": {"type": "string", "format": "date-time"},
                           "published_by": {"type": "string"}, "note": {"type": "string"},
                           "origin": {"type": "string"},
                           "rollback_of": {"type": ["integer", "null"]},
                           "rows": {"type": "integer", "minimum": 0}}}
_FIELD = {"type": "object", "required": ["field", "old", "new"],
          "properties": {"field": {"type": "string"},
                         "old": {"type": "string", "description": "As in contracts.csv; '' blank."},
                         "new": {"type": "string"}}}
_CHANGE = {"type": "object",
           "required": ["contract_id", "kind", "authority_code", "service_area", "tags", "fields"],
           "properties": {"contract_id": {"type": "string"},
                          "kind": {"type": "string", "enum": ["added", "removed", "changed"]},
                          "authority_code": {"type": "string"},
                          "authority_name": {"type": "string"},
                          "service_area": {"type": "string"}, "system": {"type": "string"},
                          "supplier": {"type": "string"},
                          "tags": {"type": "array", "items": {"type": "string", "enum": [
                              "supplier_switched", "end_date_moved", "renewed",
                              "extension_taken", "value_changed"]}},
                          "fields": {"type": "array",
                                     "items": {"$ref": "#/components/schemas/FieldChange"}}}}
_SWITCH = {"type": "object",
           "properties": {"authority_code": {"type": "string"},
                          "service_area": {"type": "string"},
                          "old_suppliers": {"type": "array", "items": {"type": "string"}},
                          "new_suppliers": {"type": "array", "items": {"type": "string"}},
                          "contract_ids": {"type": "array", "items": {"type": "string"}}}}
_CHANGES = {"type": "object", "required": ["meta", "summary", "added", "removed", "changed"],
            "properties": {
                "meta": {"type": "object", "properties": {
                    "from": {"type": ["integer", "null"]}, "to": {"type": ["integer", "null"]},
                    "filters": {"$ref": "#/components/schemas/Filters"},
                    "public": {"type": "boolean"},
                    "message": {"type": "string", "description": "Why nothing is compared (a "
                                                                 "store with one version)."}}},
                "summary": {"type": ["object", "null"],
                            "additionalProperties": {"type": "integer"}},
                "switches": {"type": "array",
                             "items": {"$ref": "#/components/schemas/SupplierSwitch"}},
                **{kind: {"type": "array", "items": {"$ref": "#/components/schemas/ContractChange"}}
                   for kind in ("added", "removed", "changed")}}}
_FILTERS = ("authority", "area", "supplier", "system", "ends_from", "ends_to", "q")
_ERRORS = {"400": {"$ref": "#/components/responses/BadRequest"},
           "404": {"description": "A version that was never published.",
                   "content": {"application/json": {
                       "schema": {"$ref": "#/components/schemas/Error"}}}},
           "500": {"$ref": "#/components/responses/ServerError"}}


def _number(name: str, description: str) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "description": description,
            "schema": {"type": "integer", "minimum": 1}}


def add_change_paths(document: dict[str, Any]) -> None:
    """Add the two paths and their schemas to the API's OpenAPI document."""
    document["paths"]["/versions"] = {"get": {
        "summary": "Published versions", "operationId": "versions",
        "description": "Every published version of the data, newest first.",
        "responses": {"200": {"description": "The versions.", "content": {"application/json": {
            "schema": {"type": "object", "properties": {
                "meta": {"type": "object"},
                "data": {"type": "array", "items": {"$ref": "#/components/schemas/Version"}}}}}}},
            "400": _ERRORS["400"], "500": _ERRORS["500"]}}}
    document["paths"]["/changes"] = {"get": {
        "summary": "What changed between two versions", "operationId": "changes",
        "description": "Contracts added, removed and changed (with the fields that changed), "
                       "supplier switches and renewals, between `from` and `to` (default: the "
                       "last two versions). A change is listed when its contract matches the "
                       "filters in either version.",
        "parameters": [_number("from", "The older version (default: the one before `to`)."),
                       _number("to", "The newer version (default: the newest)."),
                       *({"$ref": f"#/components/parameters/{name}"} for name in _FILTERS)],
        "responses": {"200": {"description": "The changes.", "content": {"application/json": {
            "schema": {"$ref": "#/components/schemas/Changes"}}}}, **_ERRORS}}}
    document["components"]["schemas"].update({
        "Version": _VERSION, "FieldChange": _FIELD, "ContractChange": _CHANGE,
        "SupplierSwitch": _SWITCH, "Changes": _CHANGES})
