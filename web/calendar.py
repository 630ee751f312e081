"""Calendar feeds: a subscription URL per borough and an .ics download of the current view.

- /calendar/<ons-code or slug>.ics: every contract of one borough (not filtered), for calendar
  clients to poll. Byte-identical while the data is unchanged (stable UIDs, DTSTAMP = the
  dataset's as-of date), with an ETag so that polls cost a 304.
- /calendar/renewals.ics?<filters>: the contracts of the current view, as an attachment.
Both take the `lead` view setting (months of re-procurement lead time, default 18) and `alarm`:
days before each review and re-procurement start that an alarm rings (0..365, or "off"; default
TECHMAP_CALENDAR_ALARM_DAYS, 30). A malformed `alarm` is refused with a 400 naming it, since a
calendar client would otherwise subscribe silently without the alarms asked for.

Events carry no URL back to the app: the host is only known from the request's Host header, and
a shared cache must not store a feed pointing wherever a client said.
"""

from __future__ import annotations

import hashlib
from datetime import date

from flask import Blueprint, Response, request

from techmap.appstate import AppState
from techmap.dataformat.authorities import resolve_authority
from techmap.exports.calendar_export import MAX_CALENDAR_CONTRACTS, calendar_bytes, calendar_contracts
from techmap.dataformat.dataset import Dataset
from techmap.exports.export import describe_filters, download_filename
from techmap.analysis.filters import FilterState
from techmap.analysis.queries import apply_filter
from techmap.service import cache, context, views
from techmap.settings import parse_alarm_days
from web import expensive, limits
from web.auth_state import public_only, request_dataset

bp = Blueprint("calendar", __name__)

ICS_MEDIA_TYPE = "text/calendar"
FEED_MAX_AGE_SECONDS = 300
_NO_AS_OF = date(1970, 1, 1)  # the validator requires as_of; a fixed stamp keeps bytes stable




def _state() -> AppState:
    return AppState.from_query_string(request.query_string.decode("utf-8", "replace"))


def _alarm_days() -> int | None:
    """The request's `alarm` (days, or None for "off"), else the instance's default; ValueError
    naming the value when malformed."""
    text = request.args.get("alarm")
    return context.settings().calendar_alarm_days if text is None else parse_alarm_days(text)


def _bad_alarm(problem: ValueError) -> Response:
    return _plain(f"alarm: {problem}. Example: ?alarm=14 rings 14 days before each review and "
                  "re-procurement start; ?alarm=off gives no alarms.", 400)


def _stamp(data: Dataset) -> date:
    return data.as_of or _NO_AS_OF


def _about(data: Dataset, what: str) -> str:
    as_of = data.as_of.isoformat() if data.as_of else "an unknown date"
    return (f"Renewal dates of {what}, from the dataset \"{data.title}\" (data as of {as_of}). "
            "Events marked [illustrative] describe no real contract.")


def _plain(message: str, status: int) -> Response:
    return Response(message + "\n", status=status, mimetype="text/plain")


def _ics_response(body: bytes) -> Response:
    response = Response(body, mimetype=ICS_MEDIA_TYPE)  # Flask adds "; charset=utf-8"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.get("/calendar/renewals.ics")
@limits.expensive
def renewals_ics() -> Response:
    state = _state()
    try:
        alarm = _alarm_days()
    except ValueError as problem:
        return _bad_alarm(problem)
    data = request_dataset()  # the public twin unless a member asks
    rows = apply_filter(data.contracts, state.filters)
    dated = calendar_contracts(rows)
    if dated > MAX_CALENDAR_CONTRACTS:
        return _plain(f"This view has {dated:,} contracts with dates; calendar downloads are "
                      f"limited to {MAX_CALENDAR_CONTRACTS:,}. Narrow the filters (a borough, a "
                      "service area or an end-date window), or subscribe to a borough's feed at "
                      "/calendar/<ONS code>.ics.", 400)
    lead = int(state.view_value("lead"))
    def build() -> tuple[bytes, str]:
        filters_text = describe_filters(state, supplier_names=data.supplier_names,
                                        system_names=data.system_names,
                                        manufacturer_names=data.manufacturer_names)
        name = ("London Tech Map renewals" if state.filters.is_empty
                else f"London Tech Map renewals ({filters_text})")
        description = _about(data, f"the contracts of the view: filters {filters_text}")
        body = expensive.bounded(lambda: calendar_bytes(
            rows, name=name, stamp=_stamp(data), lead_months=lead, description=description,
            sources=data.sources, alarm_days=alarm))
        return body, ""

    cached = views.cached("calendar.view", (state.filters, lead, alarm), build, tier=cache.FEEDS,
                          role=context.role_for(public_only()))
    response = _ics_response(cached[0])
    filename = download_filename(state, "ics", today=context.today(), kind="renewals")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@bp.get("/calendar/<key>.ics")
def borough_ics(key: str) -> Response:
    authority = resolve_authority(key) if len(key) <= 100 else None
    if authority is None:
        shown = "".join(ch for ch in key[:60] if ch.isprintable())
        return _plain(f"Unknown borough '{shown}'. Use an ONS code from E09000001 to E09000033 or "
                      "a borough's name in lower case with hyphens, e.g. /calendar/E09000007.ics "
                      "or /calendar/camden.ics.", 404)
    try:
        alarm = _alarm_days()
    except ValueError as problem:
        return _bad_alarm(problem)
    data = request_dataset()  # the public twin unless a member asks
    lead = int(_state().view_value("lead"))
    def build() -> tuple[bytes, str]:
        rows = apply_filter(data.contracts, FilterState(authority=(authority.code,)))
        body = calendar_bytes(
            rows, name=f"{authority.name} contract renewals (London Tech Map)",
            stamp=_stamp(data), lead_months=lead,
            description=_about(data, f"every contract of {authority.name}"),
            sources=data.sources, uid=f"borough-{authority.code}-lead-{lead}@london-tech-map",
            alarm_days=alarm)
        return body, hashlib.sha256(body).hexdigest()[:32]

    cached = views.cached("calendar.borough", (authority.code, lead, alarm), build, tier=cache.FEEDS,
                          role=context.role_for(public_only()))
    body, etag = cached
    response = _ics_response(body)
    response.headers["Cache-Control"] = f"max-age={FEED_MAX_AGE_SECONDS}"
    response.set_etag(etag)
    return response.make_conditional(request)
