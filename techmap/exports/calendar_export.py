"""Calendar export: the renewal dates of contracts as all-day iCalendar (RFC 5545) events.

Each contract gives up to four events: its current end, its latest end with every extension taken
(only when later than the current end), its review / notice date, and the suggested start of
re-procurement (the current end minus a lead time). The review and re-procurement events, the two a
borough must act on before the date, can carry an alarm (VALARM) a number of days ahead.

Calendar clients that poll a subscription match events by UID, so the UID is stable per contract
and kind, and DTSTAMP comes from the dataset's as-of date rather than the clock: the same data
always gives byte-identical files, and a changed date updates the event instead of duplicating it.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Any, Literal

import icalendar
import pandas as pd

from techmap.dataformat.authorities import by_code
from techmap.analysis.renewals import add_months
from techmap.dataformat.schema import SERVICE_AREAS_BY_SLUG
from techmap.settings import MAX_ALARM_DAYS

EventKind = Literal["end", "max_end", "review", "procurement_start"]
EVENT_KINDS: tuple[EventKind, ...] = ("end", "max_end", "review", "procurement_start")

PRODID = "-//London Tech Map//Renewals calendar//EN"
UID_DOMAIN = "london-tech-map"
MAX_LEAD_MONTHS = 120
# Alarms: how many days before a review or re-procurement start (TECHMAP_CALENDAR_ALARM_DAYS, or a
# feed's `alarm` parameter); 0 rings on the day.
ALARM_KINDS: tuple[EventKind, ...] = ("review", "procurement_start")
# How often subscribed clients should poll (RFC 7986 REFRESH-INTERVAL; X-PUBLISHED-TTL for Outlook).
REFRESH_INTERVAL = timedelta(hours=12)
# A calendar with thousands of contracts is slow to build (icalendar folds lines in Python, about
# 0.4 ms an event) and useless in a client: past this the download of a view is refused, and the
# pages that link to it say so instead (web/calendar.py, pages/renewals.py).
MAX_CALENDAR_CONTRACTS = 2_000

# kind -> (summary prefix, category, slug used in the UID)
_KIND_TEXT: dict[EventKind, tuple[str, str, str]] = {
    "end": ("Contract ends", "Contract end", "end"),
    "max_end": ("Latest end with extensions", "Latest end", "max-end"),
    "review": ("Review / notice date", "Review date", "review"),
    "procurement_start": ("Start re-procurement", "Re-procurement start", "procurement-start"),
}
_UID_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


@dataclass(frozen=True)
class RenewalEvent:
    """One all-day calendar event of one contract."""

    uid: str
    kind: EventKind
    day: date
    summary: str
    description: str
    categories: tuple[str, ...]
    contract_id: str
    authority_code: str
    synthetic: bool


def event_uid(contract_id: str, kind: EventKind) -> str:
    """'LBC-2021-0042-end@london-tech-map'. Characters outside [A-Za-z0-9._-] are replaced, and a
    short hash of the raw id is then added so that ids differing only in those characters (e.g.
    'A/1' and 'A 1') still get different UIDs."""
    safe = _UID_UNSAFE.sub("-", contract_id).strip("-") or "contract"
    if safe != contract_id:
        safe = f"{safe[:80]}-{hashlib.sha1(contract_id.encode('utf-8')).hexdigest()[:8]}"
    return f"{safe}-{_KIND_TEXT[kind][2]}@{UID_DOMAIN}"


def calendar_contracts(rows: pd.DataFrame) -> int:
    """How many of `rows` give at least one event (they have an end, latest end or review date):
    the number MAX_CALENDAR_CONTRACTS limits."""
    if rows.empty:
        return 0
    return int(rows[["end_date", "max_end_date", "review_date"]].notna().any(axis=1).sum())


def _dates(series: pd.Series) -> list[date | None]:
    """A datetime64 column as dates (None for NaT), without a per-row Timestamp."""
    return series.to_numpy().astype("datetime64[D]").astype(object).tolist()


def _check_lead(lead_months: int) -> None:
    if not isinstance(lead_months, int) or not 0 <= lead_months <= MAX_LEAD_MONTHS:
        raise ValueError(f"lead_months must be a whole number from 0 to {MAX_LEAD_MONTHS}, "
                         f"not {lead_months!r}")


def check_alarm_days(alarm_days: int | None) -> None:
    """Raise ValueError unless `alarm_days` is None (no alarms) or a whole number of days from 0
    to MAX_ALARM_DAYS."""
    if alarm_days is not None and (isinstance(alarm_days, bool) or not isinstance(alarm_days, int)
                                   or not 0 <= alarm_days <= MAX_ALARM_DAYS):
        raise ValueError(f"alarm_days must be a whole number from 0 to {MAX_ALARM_DAYS}, not {alarm_days!r}")


def _alarm(event: RenewalEvent, days: int) -> icalendar.Alarm:
    """A display alarm `days` days before the (all-day) event starts, with a stable UID so that
    clients polling the feed keep one alarm per event (RFC 9074)."""
    alarm = icalendar.Alarm.new(uid=event.uid.replace("@", "-alarm@", 1), description=event.summary)
    alarm.add("ACTION", "DISPLAY")
    alarm.add("TRIGGER", timedelta(days=-days))
    return alarm


def _source_text(key: str, sources: Mapping[str, Mapping[str, Any]]) -> str:
    source = sources.get(key) or {}
    title = str(source.get("title") or "").strip() or key
    url = str(source.get("url") or "").strip()
    return f"{title}, {url}" if url else title


def renewal_events(
    rows: pd.DataFrame,
    *,
    lead_months: int = 18,
    today: date | None = None,
    sources: Mapping[str, Mapping[str, Any]] | None = None,
) -> list[RenewalEvent]:
    """The renewal events of `rows` (a contracts frame, see techmap/dataformat/dataset.py), sorted by day,
    then contract_id, then kind in the order of EVENT_KINDS.

    - end: the current end_date;
    - max_end: max_end_date, when there is no end_date or it is later than end_date;
    - review: review_date;
    - procurement_start: add_months(end_date, -lead_months).
    A contract without a date gives no event of the kinds that need it. With `today`, events
    before today are left out (for "upcoming" lists; calendar files keep every event so that
    clients do not drop past ones). `sources` (the manifest's sources) names each row's source.
    """
    _check_lead(lead_months)
    sources = sources or {}
    if rows.empty:
        return []
    ends = _dates(rows["end_date"])
    max_ends = _dates(rows["max_end_date"])
    reviews = _dates(rows["review_date"])
    names = {code: a.name for code, a in by_code().items()}
    source_texts: dict[str, str] = {}
    events: list[RenewalEvent] = []
    columns = zip(
        rows["contract_id"].tolist(), rows["authority_code"].astype("str").tolist(),
        rows["service_area"].astype("str").tolist(), rows["system"].tolist(),
        rows["manufacturer"].tolist(), rows["supplier"].tolist(),
        rows["source"].astype("str").tolist(), rows["synthetic"].tolist(),
        ends, max_ends, reviews, strict=True,
    )
    for (cid, code, area, system, maker, supplier, source, synthetic,
         end, max_end, review) in columns:
        synthetic = bool(synthetic)
        start = add_months(end, -lead_months) if end else None
        days: dict[EventKind, date | None] = {
            "end": end,
            "max_end": max_end if max_end and (end is None or max_end > end) else None,
            "review": review,
            "procurement_start": start,
        }
        if not any(days.values()):
            continue
        borough = names.get(code, code)
        area_name = SERVICE_AREAS_BY_SLUG[area].name if area in SERVICE_AREAS_BY_SLUG else area
        if source not in source_texts:
            source_texts[source] = _source_text(source, sources)
        lines = [
            f"Borough: {borough} ({code})",
            f"System: {system}",
            f"Supplier: {supplier}",
            *([f"Manufacturer: {maker}"] if maker and maker != supplier else []),
            f"Service area: {area_name}",
            f"Current end: {end.isoformat() if end else 'not known'}",
            *([f"Latest end with extensions: {max_end.isoformat()}"] if max_end else []),
            *([f"Review / notice date: {review.isoformat()}"] if review else []),
            *([f"Suggested re-procurement start: {start.isoformat()} "
               f"({lead_months} months before the current end)"] if start else []),
            f"Contract ID: {cid}",
            f"Source: {source_texts[source]}",
            ("Illustrative: yes, this row describes no real contract" if synthetic
             else "Illustrative: no"),
        ]
        description = "\n".join(lines)
        suffix = " [illustrative]" if synthetic else ""
        for kind in EVENT_KINDS:
            day = days[kind]
            if day is None or (today is not None and day < today):
                continue
            prefix, category, _ = _KIND_TEXT[kind]
            events.append(RenewalEvent(
                uid=event_uid(cid, kind),
                kind=kind,
                day=day,
                summary=f"{prefix}: {system} ({supplier}) – {borough}{suffix}",
                description=description,
                categories=(category, *(("Illustrative",) if synthetic else ())),
                contract_id=cid,
                authority_code=code,
                synthetic=synthetic,
            ))
    order = {kind: i for i, kind in enumerate(EVENT_KINDS)}
    events.sort(key=lambda e: (e.day, e.contract_id, order[e.kind]))
    return events


def calendar_bytes(
    rows: pd.DataFrame,
    *,
    name: str,
    stamp: date,
    lead_months: int = 18,
    description: str = "",
    sources: Mapping[str, Mapping[str, Any]] | None = None,
    url: str | None = None,
    uid: str | None = None,
    alarm_days: int | None = None,
) -> bytes:
    """An RFC 5545 calendar (UTF-8 bytes, CRLF lines) with the renewal_events of `rows`.

    `stamp` (the dataset's as-of date) becomes every event's DTSTAMP (midnight UTC), so the same
    data gives the same bytes. `url`, when given, is set on the calendar and every event (e.g. the
    borough page). The calendar's own UID is `uid`, else derived from `name` (never random).
    With `alarm_days` (0..MAX_ALARM_DAYS), review and re-procurement events get a display alarm
    that many days before them (ALARM_KINDS); None: no alarms.

    Cost: icalendar folds long lines one character at a time, about 0.4 ms per event; callers
    should cache feeds and bound the number of rows (see web/calendar.py).
    """
    _check_lead(lead_months)
    check_alarm_days(alarm_days)
    stamp_time = datetime(stamp.year, stamp.month, stamp.day, tzinfo=timezone.utc)
    cal_uid = uid or f"calendar-{hashlib.sha1(name.encode('utf-8')).hexdigest()[:16]}@{UID_DOMAIN}"
    cal = icalendar.Calendar.new(prodid=PRODID, name=name, description=description or None,
                                 url=url, uid=cal_uid)
    cal.add("CALSCALE", "GREGORIAN")
    # RFC 7986 section 5.7: REFRESH-INTERVAL must carry VALUE=DURATION (icalendar's
    # Calendar.new(refresh_interval=...) leaves it out).
    cal.add("REFRESH-INTERVAL", REFRESH_INTERVAL, parameters={"VALUE": "DURATION"})
    cal.add("X-PUBLISHED-TTL", icalendar.vDuration(REFRESH_INTERVAL))
    for event in renewal_events(rows, lead_months=lead_months, sources=sources):
        component = icalendar.Event.new(
            uid=event.uid,
            start=event.day,
            end=event.day + timedelta(days=1),  # all-day: DTEND is exclusive
            stamp=stamp_time,
            summary=event.summary,
            description=event.description,
            categories=event.categories,
            transparency=icalendar.TRANSP.TRANSPARENT,  # a date to remember, not a busy day
            url=url,
        )
        if alarm_days is not None and event.kind in ALARM_KINDS:
            component.add_component(_alarm(event, alarm_days))
        cal.add_component(component)
    return cal.to_ical()
