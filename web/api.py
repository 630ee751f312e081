"""The open data API: read-only JSON (and CSV) under /api/v1/, on the same server as the app.

Endpoints (documented in docs/api.md, described by /api/v1/openapi.json):
  /api/v1/contracts      the contracts, filtered like the pages, paged in a stable order
  /api/v1/authorities    the 33 boroughs with their contract counts
  /api/v1/suppliers      suppliers ranked by their share of the contracts (or of the annual value)
  /api/v1/service-areas  the service areas with their contract counts
  /api/v1/summary        the map's per-borough metrics

Unlike the pages, a malformed parameter is an error: 400 with a plain message (web/api_params.py).
Every error is JSON {"error": {"status", "message"}}, never a traceback. Every success carries the
dataset's licence, attribution and as-of date. On a public instance the dataset is redacted at
load (techmap/dataformat/redaction.py) and the satisfaction field is left out of records and the schema.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import date
from typing import Any
from urllib.parse import urlencode

import numpy as np
import pandas as pd
from flask import Blueprint, Response, request
from werkzeug.exceptions import HTTPException

from techmap.dataformat.authorities import authorities
from techmap.analysis.concentration import WEIGHTS, factorize, supplier_shares
from techmap.analysis.coverage import coverage_summary
from techmap.dataformat.dataset import Dataset
from techmap.analysis.filters import FilterState
from techmap.analysis.groups import SPLIT_GROUPS, borough_group_split
from techmap.analysis.queries import apply_filter, borough_metrics, filter_mask
from techmap.dataformat.schema import GROUP_NAMES, SERVICE_AREAS
from techmap.service import context, views
from techmap.service.cache import per_dataset
from web.api_changes import register as register_change_routes
from web.api_records import (
    Field,
    contract_fields,
    csv_body,
    header_text,
    json_number,
    json_response,
    records_of,
)
from web.api_params import (
    DEFAULT_PER_PAGE,
    FILTER_PARAMS,
    FORMATS,
    ApiError,
    Paging,
    check_names,
    parse_choice,
    parse_filters,
    parse_paging,
    shown,
)
from web.auth_state import public_only, request_dataset

logger = logging.getLogger(__name__)

bp = Blueprint("api", __name__, url_prefix="/api/v1")
register_change_routes(bp)  # /versions and /changes (web/api_changes.py)

PAGED_PARAMS: tuple[str, ...] = ("page", "per_page")
# Response headers a browser script may read across origins (CORS).
EXPOSED_HEADERS = ("Link, X-Total-Count, X-Page, X-Per-Page, X-Pages, X-Dataset-Licence, "
                   "X-Dataset-Attribution, X-Dataset-As-Of")
CACHE_SECONDS = 300  # the data only changes when the server restarts


# ---- stable order, computed once per dataset --------------------------------------------------

@per_dataset
def contract_order(data: Dataset) -> np.ndarray:
    """Row positions of the contracts sorted by contract_id, then authority_code (code-point
    order). Sorting 100k+ strings takes tens of milliseconds, so it is done once per dataset and
    each request only takes the filtered rows in this order."""
    df = data.contracts
    ids = df["contract_id"].to_numpy(dtype=object).astype(str)
    codes = df["authority_code"].astype("str").to_numpy(dtype=object).astype(str)
    order = np.lexsort((codes, ids))
    order.setflags(write=False)
    return order


def ordered_hits(data: Dataset, state: FilterState) -> np.ndarray:
    """Positions of the rows matching `state`, in the stable order."""
    order = contract_order(data)
    if state.is_empty:
        return order
    mask = filter_mask(data.contracts, state)
    return order[mask[order]]


# ---- responses --------------------------------------------------------------------------------


def _meta(data: Dataset, state: FilterState) -> dict[str, Any]:
    manifest = data.manifest
    return {
        "dataset": data.title,
        "licence": manifest.get("licence"),
        "attribution": manifest.get("attribution"),
        "as_of": data.as_of.isoformat() if data.as_of else None,
        "synthetic": manifest.get("synthetic"),
        "public": public_only(),
        "filters": state.to_dict(),
    }


def _wants_csv(args: Any, allowed: Sequence[str]) -> bool:
    """format=csv|json decides; without it the Accept header does (JSON unless CSV is preferred)."""
    if "format" in allowed:
        chosen = parse_choice(args, "format", FORMATS, None)
        if chosen is not None:
            return chosen == "csv"
    best = request.accept_mimetypes.best_match(["application/json", "text/csv"])
    return best == "text/csv"


def _link(state: FilterState, extra: Sequence[tuple[str, str]], page: int | None = None) -> str:
    pairs = [*state.to_pairs(), *extra]
    if page is not None:
        pairs.append(("page", str(page)))
    query = urlencode(pairs)
    return request.path + (f"?{query}" if query else "")


def _table_response(
    *,
    data: Dataset,
    state: FilterState,
    records: list[dict[str, Any]],
    fields: Sequence[Field],
    csv_out: bool,
    name: str,
    total: int,
    paging: Paging | None = None,
    extra_meta: Mapping[str, Any] | None = None,
    link_params: Sequence[tuple[str, str]] = (),
) -> Response:
    meta = _meta(data, state)
    meta.update(extra_meta or {})
    meta["total"] = total
    headers = {
        "X-Total-Count": str(total),
        "X-Dataset-Licence": header_text(meta["licence"] or ""),
        "X-Dataset-Attribution": header_text(meta["attribution"] or ""),
        "X-Dataset-As-Of": meta["as_of"] or "",
    }
    # links repeat the query in its canonical form (parsed filters, non-default settings)
    extra = list(link_params)
    if paging is not None and paging.per_page != DEFAULT_PER_PAGE:
        extra.append(("per_page", str(paging.per_page)))
    if request.args.get("format"):
        extra.append(("format", "csv" if csv_out else "json"))
    links: dict[str, str | None] = {"self": _link(state, extra)}
    if paging is not None:
        pages = paging.pages(total)
        links = {
            "self": _link(state, extra, paging.page),
            "next": _link(state, extra, paging.page + 1) if paging.page < pages else None,
            "prev": _link(state, extra, min(paging.page - 1, max(pages, 1))) if paging.page > 1 else None,
        }
        meta.update(page=paging.page, per_page=paging.per_page, pages=pages)
        headers.update({"X-Page": str(paging.page), "X-Per-Page": str(paging.per_page),
                        "X-Pages": str(pages)})
        rels = [f'<{url}>; rel="{rel}"' for rel, url in links.items() if url and rel != "self"]
        if rels:
            headers["Link"] = ", ".join(rels)
    if csv_out:
        response = Response(csv_body(records, fields), mimetype="text/csv")
        response.headers["Content-Type"] = "text/csv; charset=utf-8; header=present"
        page_part = f"-page-{paging.page}" if paging is not None else ""
        response.headers["Content-Disposition"] = f'inline; filename="{name}{page_part}.csv"'
        response.headers.update(headers)
        return response
    return json_response({"meta": meta, "links": links, "data": records}, headers=headers)


def _begin(allowed: Sequence[str]) -> tuple[Dataset, FilterState, bool]:
    """Check the parameter names, parse the filters and the format; the dataset to answer from."""
    check_names(request.args, allowed)
    state = parse_filters(request.args)
    csv_out = _wants_csv(request.args, allowed)
    return request_dataset(), state, csv_out


# ---- endpoints --------------------------------------------------------------------------------

CONTRACTS_PARAMS: tuple[str, ...] = (*FILTER_PARAMS, *PAGED_PARAMS, "format")


@bp.get("/contracts")
def contracts() -> Response:
    data, state, csv_out = _begin(CONTRACTS_PARAMS)
    paging = parse_paging(request.args)
    hits = ordered_hits(data, state)
    rows = hits[paging.start:paging.start + paging.per_page]
    fields = contract_fields(public=public_only())
    records = records_of(data.contracts.take(rows), fields) if rows.size else []
    return _table_response(data=data, state=state, records=records, fields=fields, csv_out=csv_out,
                           name="contracts", total=int(hits.size), paging=paging)


AUTHORITY_FIELDS: tuple[Field, ...] = (
    Field("code", "code", "ONS code (E09000001 to E09000033); the `authority` filter takes it."),
    Field("name", "text", "Name of the borough."),
    Field("slug", "slug", "URL slug of the name (/borough/<slug> is its profile page)."),
    Field("inner", "bool", "true for Inner London (ONS definition)."),
    Field("sub_region", "text", "London Plan sub-region (2011)."),
    Field("contracts", "int", "Contracts of the borough matching the filters."),
)
LISTED_PARAMS: tuple[str, ...] = (*FILTER_PARAMS, "format")


def _counted_list(name: str, fields: Sequence[Field], column: str, filter_name: str,
                  entries: Sequence[tuple[str, dict[str, Any]]]) -> Response:
    """A fixed list (the boroughs, the service areas): each entry's record with the number of
    contracts matching the filters whose `column` holds the entry's value; only the entries the
    list's own filter (`filter_name`) names, when it names any. `entries`: (value, record)."""
    data, state, csv_out = _begin(LISTED_PARAMS)
    codes, values = factorize(data.contracts[column])
    codes = codes[filter_mask(data.contracts, state)]
    counts = np.bincount(codes[codes >= 0], minlength=len(values))
    count_of = {str(value): int(n) for value, n in zip(values, counts, strict=True)}
    chosen = getattr(state, filter_name)
    records = [{**record, "contracts": count_of.get(value, 0)}
               for value, record in entries if not chosen or value in chosen]
    return _table_response(data=data, state=state, records=records, fields=fields,
                           csv_out=csv_out, name=name, total=len(records))


@bp.get("/authorities")
def authorities_list() -> Response:
    entries = [(a.code, {"code": a.code, "name": a.name, "slug": a.slug, "inner": a.inner,
                         "sub_region": a.sub_region}) for a in authorities()]
    return _counted_list("authorities", AUTHORITY_FIELDS, "authority_code", "authority", entries)


SERVICE_AREA_FIELDS: tuple[Field, ...] = (
    Field("slug", "slug", "Service-area slug; the `area` filter takes it."),
    Field("name", "text", "Name of the service area."),
    Field("group", "slug", "frontline, corporate, infrastructure or other."),
    Field("group_name", "text", "Name of the group."),
    Field("contracts", "int", "Contracts in the service area matching the filters."),
)


@bp.get("/service-areas")
def service_areas() -> Response:
    entries = [(a.slug, {"slug": a.slug, "name": a.name, "group": a.group,
                         "group_name": GROUP_NAMES[a.group]}) for a in SERVICE_AREAS]
    return _counted_list("service-areas", SERVICE_AREA_FIELDS, "service_area", "area", entries)


SUPPLIER_FIELDS: tuple[Field, ...] = (
    Field("rank", "int", "1-based rank by the weight (1, 2, 2, 4 for ties)."),
    Field("slug", "slug", "Supplier slug; the `supplier` filter takes it."),
    Field("name", "text", "Display name (the most common spelling in the data)."),
    Field("contracts", "int", "Contracts held (one per contract per borough)."),
    Field("boroughs", "int", "Distinct boroughs served."),
    Field("annual_value", "money", "Sum of the known annual values in pounds (0 when none known)."),
    Field("share", "money", "Share 0..1 of all matching contracts (or of their annual value "
                            "with weight=value)."),
    Field("cumulative_share", "money", "Share held by this supplier and every one ranked above it."),
)
SUPPLIERS_PARAMS: tuple[str, ...] = (*FILTER_PARAMS, "weight", *PAGED_PARAMS, "format")


@bp.get("/suppliers")
def suppliers() -> Response:
    data, state, csv_out = _begin(SUPPLIERS_PARAMS)
    weight = parse_choice(request.args, "weight", WEIGHTS, "count") or "count"
    paging = parse_paging(request.args)
    table = views.cached("api.suppliers", (state, weight), lambda: supplier_shares(
        apply_filter(data.contracts, state), weight=weight), role=context.role_for(public_only()))  # type: ignore[arg-type]
    page = table.iloc[paging.start:paging.start + paging.per_page].rename(
        columns={"supplier_slug": "slug", "supplier": "name"})
    records = records_of(page, SUPPLIER_FIELDS) if len(page) else []
    return _table_response(data=data, state=state, records=records, fields=SUPPLIER_FIELDS,
                           csv_out=csv_out, name="suppliers", total=len(table), paging=paging,
                           extra_meta={"weight": weight},
                           link_params=[("weight", weight)] if weight != "count" else [])


SUMMARY_FIELDS: tuple[Field, ...] = (
    Field("code", "code", "ONS code of the borough."),
    Field("name", "text", "Name of the borough."),
    Field("slug", "slug", "URL slug of the name."),
    Field("contracts", "int", "Contracts matching the filters."),
    Field("suppliers", "int", "Distinct suppliers among them."),
    Field("systems", "int", "Distinct systems among them."),
    Field("ending_12m", "int", "Of those, contracts whose end date is within 12 months from today."),
    Field("annual_value", "money", "Sum of their known annual values in pounds; null when none is known "
                                   "(none recorded, or all withheld on a public instance).", True),
    Field("supplier_share", "money", "Share 0..1 of the borough's contracts (under the other filters) "
                                     "held by the suppliers given in `supplier`; null without it.", True),
    Field("runs_system", "bool", "Whether the borough runs one of the systems given in `system` "
                                 "(under the other filters); null without it.", True),
    Field("pairs_known", "int", "Service areas (`unclassified` aside) in which a real contract "
                                "(synthetic false) of the borough matches the filters: its "
                                "(borough, service area) pairs known from public evidence."),
    *(Field(group, "int", f"Of `contracts`, those in {GROUP_NAMES[group].lower()} service areas "
                          "(the `group` of /service-areas).") for group in SPLIT_GROUPS),
)


def summary_records(df: pd.DataFrame, state: FilterState, today: date) -> list[dict[str, Any]]:
    """The map's figures for all 33 boroughs, each metric computed as the map computes it: over
    every filter but `authority` (which the map highlights rather than filters), and supplier_share
    / runs_system without the supplier / system filter they measure."""
    rows = apply_filter(df, state, ignore=("authority",))
    metrics = borough_metrics(rows, today=today)
    split = borough_group_split(rows)
    share = runs = None
    if state.supplier:
        share = borough_metrics(apply_filter(df, state, ignore=("authority", "supplier")), today=today,
                                supplier=state.supplier)["supplier_share"]
    if state.system:
        runs = borough_metrics(apply_filter(df, state, ignore=("authority", "system")), today=today,
                               system=state.system)["runs_system"]
    return [
        {
            "code": code, "name": row["name"], "slug": row["slug"],
            "contracts": int(row["contracts"]), "suppliers": int(row["suppliers"]),
            "systems": int(row["systems"]), "ending_12m": int(row["ending_12m"]),
            "annual_value": json_number(float(row["annual_value"])),
            "supplier_share": None if share is None else json_number(float(share[code])),
            "runs_system": None if runs is None or pd.isna(runs[code]) else bool(runs[code] >= 0.5),
            "pairs_known": int(row["pairs_known"]),
            **{group: int(split.at[code, group]) for group in SPLIT_GROUPS},
        }
        for code, row in metrics.iterrows()
    ]


@bp.get("/summary")
def summary() -> Response:
    data, state, csv_out = _begin(LISTED_PARAMS)
    today = context.today()
    # authority only chooses the boroughs listed, so it is not part of the cached computation
    key = ("summary", replace(state, authority=()), today)
    rows = views.cached("api.summary", key, lambda: summary_records(data.contracts, state, today),
                        role=context.role_for(public_only()))
    records = [r for r in rows if not state.authority or r["code"] in state.authority]
    return _table_response(data=data, state=state, records=records, fields=SUMMARY_FIELDS,
                           csv_out=csv_out, name="summary", total=len(records),
                           extra_meta={"today": today.isoformat(),
                                       "coverage": views.cached("api.coverage", (), lambda:
                                                                coverage_summary(data.contracts))})


@bp.get("/openapi.json")
def openapi() -> Response:
    from web.api_openapi import openapi_document
    from web.api_openapi_changes import add_change_paths

    check_names(request.args, ())
    public = public_only()
    document = openapi_document({
        "Contract": (contract_fields(public=public), "One contract in one borough."),
        "Authority": (AUTHORITY_FIELDS, "A London borough."),
        "Supplier": (SUPPLIER_FIELDS, "A supplier and its share."),
        "ServiceArea": (SERVICE_AREA_FIELDS, "A service area."),
        "BoroughSummary": (SUMMARY_FIELDS, "The map's metrics for one borough."),
    }, public=public)
    add_change_paths(document)
    return json_response(document)


ENDPOINTS: dict[str, str] = {
    "contracts": "/api/v1/contracts",
    "authorities": "/api/v1/authorities",
    "suppliers": "/api/v1/suppliers",
    "service-areas": "/api/v1/service-areas",
    "summary": "/api/v1/summary",
    "versions": "/api/v1/versions",
    "changes": "/api/v1/changes",
    "openapi": "/api/v1/openapi.json",
}
_ALL_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"]


@bp.route("/", methods=_ALL_METHODS)
def index() -> Response:
    if request.method != "GET":
        raise _method_not_allowed()
    check_names(request.args, ())
    data = request_dataset()
    return json_response({"meta": _meta(data, FilterState()), "links": dict(ENDPOINTS)})


def _method_not_allowed() -> ApiError:
    return ApiError(405, f"Method {request.method} is not allowed on {request.path}: the API is "
                         "read-only; use GET.", headers={"Allow": "GET, HEAD, OPTIONS"})


@bp.route("/<path:rest>", methods=_ALL_METHODS)
def fallback(rest: str) -> Response:
    """Unknown paths (JSON 404) and other methods on known ones (JSON 405). Routed here because
    Flask gives routing errors to the app's handlers, not the blueprint's, and Dash's own
    catch-all would otherwise answer with the HTML page."""
    if f"{bp.url_prefix}/{rest}" in ENDPOINTS.values() and request.method != "GET":
        raise _method_not_allowed()
    raise ApiError(404, f"There is no API endpoint at {shown(request.path)}; the endpoints are "
                        f"{', '.join(ENDPOINTS.values())}.")


# ---- errors and headers -----------------------------------------------------------------------


def _error(status: int, message: str, headers: Mapping[str, str] | None = None) -> Response:
    return json_response({"error": {"status": status, "message": message}}, status, headers)


@bp.errorhandler(ApiError)
def _api_error(error: ApiError) -> Response:
    return _error(error.status, error.message, error.headers)


@bp.errorhandler(HTTPException)
def _http_error(error: HTTPException) -> Response:
    status = error.code or 500
    headers = {k: v for k, v in error.get_headers() if k.lower() == "allow"}
    return _error(status, error.description or error.name, headers)


@bp.errorhandler(Exception)
def _unexpected(error: Exception) -> Response:
    logger.exception("API request %s failed", request.full_path)
    return _error(500, "The server could not answer this request because of an internal error. "
                       "It has been logged; please try again later or report it.")


@bp.after_request
def _api_headers(response: Response) -> Response:
    response.headers["Access-Control-Allow-Origin"] = "*"  # open data: any site may read it
    response.headers["Access-Control-Allow-Methods"] = "GET, HEAD, OPTIONS"
    response.headers["Access-Control-Allow-Headers"] = "Accept"
    response.headers["Access-Control-Expose-Headers"] = EXPOSED_HEADERS
    response.headers["X-Content-Type-Options"] = "nosniff"
    if request.method == "OPTIONS":  # Flask's automatic answer would count the fallback's methods
        response.headers["Allow"] = "GET, HEAD, OPTIONS"
    response.vary.add("Accept")
    if response.status_code == 200:
        response.cache_control.public = True
        response.cache_control.max_age = CACHE_SECONDS
    else:
        response.cache_control.no_store = True
    return response

