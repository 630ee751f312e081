"""The OpenAPI 3.1 description of the open data API, served at /api/v1/openapi.json.

Built from the same field lists the endpoints use (web/api.py) and the schema's column help, so the
document cannot drift from the records; a public instance's document leaves out what its records
leave out.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from techmap.analysis.filters import MAX_QUERY_LENGTH, MAX_VALUES_PER_PARAM, MULTI_PARAMS, PARAMS
from techmap.dataformat.schema import CONFIDENCE_VALUES, GROUP_NAMES, HOSTING_VALUES, SERVICE_AREAS
from web.api_params import DEFAULT_PER_PAGE, MAX_PER_PAGE

ONS_PATTERN = "^E090000(0[1-9]|[12][0-9]|3[0-3])$"
SLUG_PATTERN = "^[a-z0-9]+(-[a-z0-9]+)*$"


class FieldLike(Protocol):
    name: str
    kind: str
    description: str
    nullable: bool


_ENUMS: dict[str, list[str]] = {
    "service_area": [a.slug for a in SERVICE_AREAS],
    "hosting": list(HOSTING_VALUES),
    "confidence": list(CONFIDENCE_VALUES),
}


def _field_schema(field: FieldLike) -> dict[str, Any]:
    base: dict[str, Any]
    if field.kind == "date":
        base = {"type": "string", "format": "date"}
    elif field.kind == "money":
        base = {"type": "number"}
    elif field.kind == "int":
        base = {"type": "integer"}
        if field.name == "satisfaction":
            base.update(minimum=1, maximum=5)
    elif field.kind == "bool":
        base = {"type": "boolean"}
    else:
        base = {"type": "string"}
        if field.name in _ENUMS:
            base["enum"] = _ENUMS[field.name] + ([None] if field.nullable else [])
        elif field.kind == "code" or field.name == "authority_code":
            base["pattern"] = ONS_PATTERN
    if field.nullable:
        base["type"] = [base["type"], "null"]
    base["description"] = field.description
    return base


def _object(fields: Sequence[FieldLike], description: str) -> dict[str, Any]:
    return {
        "type": "object",
        "description": description,
        "required": [f.name for f in fields],
        "properties": {f.name: _field_schema(f) for f in fields},
    }


def _param(name: str, description: str, schema: dict[str, Any], *, repeat: bool = False,
           example: Any = None) -> dict[str, Any]:
    param: dict[str, Any] = {"name": name, "in": "query", "required": False,
                             "description": description}
    if repeat:
        param.update(schema={"type": "array", "items": schema, "maxItems": MAX_VALUES_PER_PARAM},
                     style="form", explode=True)
    else:
        param["schema"] = schema
    if example is not None:
        param["example"] = example
    return param


PARAMETERS: dict[str, dict[str, Any]] = {
    "authority": _param("authority", "ONS code of a borough; repeat for several (any of them).",
                        {"type": "string", "pattern": ONS_PATTERN}, repeat=True, example=["E09000007"]),
    "area": _param("area", "Service-area slug (see /service-areas); repeat for several.",
                   {"type": "string", "enum": [a.slug for a in SERVICE_AREAS]}, repeat=True,
                   example=["housing"]),
    "supplier": _param("supplier", "Supplier slug (see /suppliers); repeat for several. A slug no "
                       "contract has matches nothing.", {"type": "string", "pattern": SLUG_PATTERN,
                                                         "maxLength": 120}, repeat=True),
    "system": _param("system", "System slug (the system_slug of a contract); repeat for several.",
                     {"type": "string", "pattern": SLUG_PATTERN, "maxLength": 120}, repeat=True),
    "manufacturer": _param("manufacturer", "Manufacturer slug (the manufacturer_slug of a contract: "
                           "who makes the product, which may differ from the supplier holding the "
                           "contract, e.g. a reseller); repeat for several. Contracts that name no "
                           "manufacturer drop out.", {"type": "string", "pattern": SLUG_PATTERN,
                                                      "maxLength": 120}, repeat=True),
    "group": _param("group", "Service-area group (the `group` of /service-areas): frontline, "
                    "corporate, infrastructure or other; repeat for several.",
                    {"type": "string", "enum": list(GROUP_NAMES)}, repeat=True, example=["frontline"]),
    "ends_from": _param("ends_from", "Only contracts whose end date is on or after this date "
                        "(contracts without an end date drop out).",
                        {"type": "string", "format": "date"}, example="2027-01-01"),
    "ends_to": _param("ends_to", "Only contracts whose end date is on or before this date; not "
                      "before ends_from.", {"type": "string", "format": "date"}, example="2027-12-31"),
    "q": _param("q", "Free text: every word must occur in the contract id, system, supplier, "
                "manufacturer, borough or service-area name (case-insensitive).",
                {"type": "string", "maxLength": MAX_QUERY_LENGTH}, example="mosaic"),
    "page": _param("page", "Page number, from 1. A page after the last gives an empty data list.",
                   {"type": "integer", "minimum": 1, "default": 1}),
    "per_page": _param("per_page", "Rows per page.",
                       {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE,
                        "default": DEFAULT_PER_PAGE}),
    "format": _param("format", "json (default) or csv; without it, an Accept: text/csv header "
                     "asks for CSV.", {"type": "string", "enum": ["json", "csv"], "default": "json"}),
    "weight": _param("weight", "Rank by number of contracts (count) or by annual value (value).",
                     {"type": "string", "enum": ["count", "value"], "default": "count"}),
}
FILTERS = PARAMS  # every filter parameter (techmap.analysis.filters), in order


def _refs(names: Sequence[str]) -> list[dict[str, str]]:
    return [{"$ref": f"#/components/parameters/{name}"} for name in names]


_TABLE_HEADERS = {
    "X-Total-Count": {"description": "Rows matching the query (all pages).",
                      "schema": {"type": "integer"}},
    "X-Dataset-Licence": {"description": "The dataset's licence.", "schema": {"type": "string"}},
    "X-Dataset-As-Of": {"description": "The dataset's as-of date.", "schema": {"type": "string"}},
    "Access-Control-Allow-Origin": {"description": "Always *: open data.",
                                    "schema": {"type": "string"}},
}
_PAGED_HEADERS = {
    **_TABLE_HEADERS,
    "Link": {"description": 'Next and previous pages (rel="next", rel="prev").',
             "schema": {"type": "string"}},
}


def _list_operation(summary: str, description: str, schema: str, params: Sequence[str], *,
                    paged: bool, tag: str) -> dict[str, Any]:
    envelope: dict[str, Any] = {
        "type": "object",
        "required": ["meta", "links", "data"],
        "properties": {
            "meta": {"$ref": "#/components/schemas/PagedMeta" if paged else "#/components/schemas/Meta"},
            "links": {"$ref": "#/components/schemas/Links"},
            "data": {"type": "array", "items": {"$ref": f"#/components/schemas/{schema}"}},
        },
    }
    return {
        "get": {
            "summary": summary,
            "description": description,
            "operationId": tag,
            "parameters": _refs(params),
            "responses": {
                "200": {
                    "description": "The matching rows, with the dataset's licence and as-of date.",
                    "headers": _PAGED_HEADERS if paged else _TABLE_HEADERS,
                    "content": {
                        "application/json": {"schema": envelope},
                        "text/csv": {"schema": {"type": "string"},
                                     "example": "(a header row with the field names, then one row "
                                                "per record)"},
                    },
                },
                "400": {"$ref": "#/components/responses/BadRequest"},
                "405": {"$ref": "#/components/responses/MethodNotAllowed"},
                "500": {"$ref": "#/components/responses/ServerError"},
            },
        }
    }


def _error_response(description: str) -> dict[str, Any]:
    return {"description": description,
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}


COVERAGE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "(summary) London-wide coverage, whatever the filters (as the map's coverage "
                   "figure): the (borough, service area) pairs, `unclassified` aside, that at least "
                   "one real contract (synthetic false) makes known.",
    "properties": {
        "pairs_known": {"type": "integer", "minimum": 0, "description": "Pairs known."},
        "pairs_possible": {"type": "integer", "minimum": 0,
                           "description": "33 x service_areas: every pair."},
        "service_areas": {"type": "integer", "minimum": 0,
                          "description": "N, the service areas counted (`unclassified` aside)."},
        "share": {"type": "number", "minimum": 0, "maximum": 1,
                  "description": "pairs_known / pairs_possible, to 4 decimal places."},
    },
    "required": ["pairs_known", "pairs_possible", "service_areas", "share"],
}


def openapi_document(schemas: Mapping[str, tuple[Sequence[FieldLike], str]], *,
                     public: bool) -> dict[str, Any]:
    """The OpenAPI 3.1 document. `schemas` gives, for each record schema named in the paths
    (Contract, Authority, Supplier, ServiceArea, BoroughSummary), its fields and a description."""
    meta_properties: dict[str, Any] = {
        "dataset": {"type": "string", "description": "Title of the dataset."},
        "licence": {"type": ["string", "null"], "description": "Licence of the dataset."},
        "attribution": {"type": ["string", "null"], "description": "Attribution the licence asks for."},
        "as_of": {"type": ["string", "null"], "format": "date", "description": "Date the data describes."},
        "synthetic": {"type": ["string", "null"], "enum": ["none", "mixed", "all", None],
                      "description": "Whether the dataset's rows are illustrative: none, mixed or all "
                                     "(each contract says so in its synthetic field)."},
        "public": {"type": "boolean", "description": "true on a public instance: values a dataset "
                                                     "marks as not public are withheld (null) and "
                                                     "satisfaction is left out."},
        "filters": {"$ref": "#/components/schemas/Filters"},
        "total": {"type": "integer", "minimum": 0, "description": "Rows matching the query."},
        "today": {"type": "string", "format": "date", "description": "(summary) the date ending_12m "
                                                                      "counts from."},
        "weight": {"type": "string", "enum": ["count", "value"], "description": "(suppliers) the weight."},
        "coverage": {"$ref": "#/components/schemas/Coverage"},
    }
    meta_required = ["dataset", "licence", "attribution", "as_of", "public", "filters", "total"]
    paged_properties = {
        **meta_properties,
        "page": {"type": "integer", "minimum": 1},
        "per_page": {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE},
        "pages": {"type": "integer", "minimum": 0,
                  "description": "Number of pages (0 when nothing matches)."},
    }
    document = {
        "openapi": "3.1.0",
        "info": {
            "title": "London Tech Map open data API",
            "version": "1.0.0",
            "summary": "Which systems, suppliers and contracts power London's 33 borough councils.",
            "description": (
                "Read-only. Every list takes the filter parameters of the app's pages; unlike the pages, "
                "a malformed or unknown parameter is answered with 400 and a plain message. Responses "
                "carry the dataset's licence, attribution and as-of date (meta, or X-Dataset-* headers "
                "for CSV). Contracts are ordered by contract_id, then authority_code (code-point order)."
                + (" This is a public instance: values marked not public are null and satisfaction "
                   "scores are not published." if public else "")
            ),
            "license": {"name": "MIT (the software); the data's licence is in each response's meta",
                        "identifier": "MIT"},
        },
        "servers": [{"url": "/api/v1"}],
        "paths": {
            "/contracts": _list_operation(
                "Contracts", "One row per contract per borough, filtered, paged in a stable order.",
                "Contract", [*FILTERS, "page", "per_page", "format"], paged=True, tag="contracts"),
            "/authorities": _list_operation(
                "Boroughs", "The 33 boroughs (or those given in `authority`) with the number of "
                "contracts matching the other filters.", "Authority", [*FILTERS, "format"], paged=False,
                tag="authorities"),
            "/suppliers": _list_operation(
                "Suppliers ranked", "Suppliers of the matching contracts, largest share first (ties by "
                "slug).", "Supplier", [*FILTERS, "weight", "page", "per_page", "format"], paged=True,
                tag="suppliers"),
            "/service-areas": _list_operation(
                "Service areas", "The service areas (or those given in `area`) with the number of "
                "contracts matching the other filters.", "ServiceArea", [*FILTERS, "format"],
                paged=False, tag="serviceAreas"),
            "/summary": _list_operation(
                "Per-borough metrics (the map)", "The map's figures for each borough (or those given in "
                "`authority`): every filter but `authority` applies, as on the map.", "BoroughSummary",
                [*FILTERS, "format"], paged=False, tag="summary"),
            "/openapi.json": {"get": {
                "summary": "This document", "operationId": "openapi",
                "responses": {"200": {"description": "The OpenAPI document.",
                                      "content": {"application/json": {"schema": {"type": "object"}}}}},
            }},
        },
        "components": {
            "parameters": PARAMETERS,
            "schemas": {
                **{name: _object(fields, description) for name, (fields, description) in schemas.items()},
                "Coverage": COVERAGE_SCHEMA,
                "Filters": {
                    "type": "object",
                    "description": "The filters applied, as parsed.",
                    "properties": {
                        **{name: {"type": "array", "items": {"type": "string"}}
                           for name in MULTI_PARAMS},
                        "ends_from": {"type": ["string", "null"], "format": "date"},
                        "ends_to": {"type": ["string", "null"], "format": "date"},
                        "q": {"type": "string"},
                    },
                },
                "Meta": {"type": "object", "required": meta_required, "properties": meta_properties},
                "PagedMeta": {"type": "object", "required": [*meta_required, "page", "per_page", "pages"],
                              "properties": paged_properties},
                "Links": {
                    "type": "object",
                    "required": ["self"],
                    "description": "Paths on this server: this page and, when paged, the next and "
                                   "previous pages (null at either end).",
                    "properties": {"self": {"type": "string"},
                                   "next": {"type": ["string", "null"]},
                                   "prev": {"type": ["string", "null"]}},
                },
                "Error": {
                    "type": "object",
                    "required": ["error"],
                    "properties": {"error": {
                        "type": "object",
                        "required": ["status", "message"],
                        "properties": {"status": {"type": "integer"},
                                       "message": {"type": "string",
                                                   "description": "A plain sentence naming the "
                                                                  "parameter and value at fault."}},
                    }},
                },
            },
            "responses": {
                "BadRequest": _error_response("A parameter is unknown, repeated or malformed."),
                "NotFound": _error_response("No such endpoint."),
                "MethodNotAllowed": _error_response("Only GET (and HEAD, OPTIONS) are allowed."),
                "ServerError": _error_response("An internal error (logged); never a traceback."),
            },
        },
    }
    return document
