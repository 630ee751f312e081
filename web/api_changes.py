"""The API of published versions and what changed between two of them (techmap.service.change_views):

  /api/v1/versions                 every published version, newest first
  /api/v1/changes?from=&to=        the contracts added, removed and changed, with the fields that
                                   changed, supplier switches and renewals; takes the shared filters

Registered on web.api's blueprint (`register`), so errors are its JSON errors (an unknown version: 404 with a
plain message) and values follow the request's role (web.auth_state.public_only()).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, request

from techmap.service import change_views
from techmap.store.reading import VersionNotFound
from web.api_params import FILTER_PARAMS, ApiError, check_names, parse_filters, parse_int, single
from web.api_records import json_response
from web.auth_state import public_only

CHANGES_PARAMS: tuple[str, ...] = (*FILTER_PARAMS, "from", "to")


def version_number(name: str) -> int | None:
    value = single(request.args, name)
    return None if value in (None, "") else parse_int(name, value, 1, None)


def _listed() -> list[dict[str, Any]]:
    return change_views.versions()


def versions() -> Response:
    check_names(request.args, ())
    listed = _listed()
    return json_response({"meta": {"total": len(listed)}, "data": listed})


def changes() -> Response:
    check_names(request.args, CHANGES_PARAMS)
    filters = parse_filters(request.args)
    listed = _listed()
    try:
        chosen = change_views.pair(listed, version_number("from"), version_number("to"))
    except VersionNotFound as exc:
        raise ApiError(404, f"{str(exc).capitalize()}.") from None
    if chosen is None:
        return json_response({"meta": {"from": None, "to": None, "filters": filters.to_dict(),
                                       "public": public_only(),
                                       "message": "Nothing to compare yet: the store has one "
                                                  "version. Publish a new version with "
                                                  "python -m techmap publish."},
                              "summary": None, "switches": [], "added": [], "removed": [],
                              "changed": []})
    view = change_views.changes_for(*chosen, filters, public=public_only())
    meta = {"from": view["from"], "to": view["to"], "filters": filters.to_dict(),
            "public": public_only()}
    return json_response({"meta": meta, **{k: v for k, v in view.items()
                                           if k not in ("from", "to")}})


def register(blueprint: Blueprint) -> None:
    blueprint.add_url_rule("/versions", view_func=versions, methods=["GET"])
    blueprint.add_url_rule("/changes", view_func=changes, methods=["GET"])
