"""techmap.exports.calendar_export: events worked out by hand, and calendars parsed back with icalendar."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import icalendar
import pytest

from techmap.exports.calendar_export import (
    EVENT_KINDS,
    PRODID,
    REFRESH_INTERVAL,
    calendar_bytes,
    calendar_contracts,
    event_uid,
    renewal_events,
)
from tests.unit.frames import CAMDEN, HACKNEY, empty_frame, make_frame

AS_OF = date(2026, 11, 1)


def mosaic_frame():
    return make_frame([
        {"contract_id": "LBC-2021-0042", "authority_code": CAMDEN,
         "service_area": "adult-social-care", "system": "Mosaic", "manufacturer": "Servelec",
         "supplier": "Servelec", "end_date": "2027-03-31", "max_end_date": "2029-03-31",
         "review_date": "2026-09-30", "source": "survey", "synthetic": False},
        # max_end equal to end: no separate "latest end" event
        {"contract_id": "HAC/7", "authority_code": HACKNEY, "service_area": "housing",
         "system": "Open Housing", "supplier": "NEC", "end_date": "2027-08-31",
         "max_end_date": "2027-08-31"},
        # no dates at all: no events
        {"contract_id": "C-NODATES", "system": "Nothing", "supplier": "Nobody"},
        # only a review date
        {"contract_id": "C-REVIEW", "system": "Rev", "supplier": "Sup", "review_date": "2027-01-15"},
        # no current end but a latest end: max_end only, no re-procurement start
        {"contract_id": "C-MAXONLY", "system": "Max", "supplier": "Sup",
         "max_end_date": "2028-02-29"},
    ])


SOURCES = {"survey": {"title": "Borough survey 2026", "url": "https://example.org/survey"},
           "demo": {"title": "Illustrative contracts", "url": ""}}


def test_events_of_each_contract_worked_out_by_hand():
    events = renewal_events(mosaic_frame(), lead_months=18)
    got = [(e.contract_id, e.kind, e.day) for e in events]
    assert got == [
        # sorted by day, then contract id, then kind
        ("LBC-2021-0042", "procurement_start", date(2025, 9, 30)),  # 2027-03-31 - 18 months
        ("HAC/7", "procurement_start", date(2026, 2, 28)),  # 2027-08-31 - 18 months, clamped
        ("LBC-2021-0042", "review", date(2026, 9, 30)),
        ("C-REVIEW", "review", date(2027, 1, 15)),
        ("LBC-2021-0042", "end", date(2027, 3, 31)),
        ("HAC/7", "end", date(2027, 8, 31)),
        ("C-MAXONLY", "max_end", date(2028, 2, 29)),
        ("LBC-2021-0042", "max_end", date(2029, 3, 31)),
    ]


def test_lead_months_moves_only_the_procurement_start():
    events = renewal_events(mosaic_frame(), lead_months=6)
    starts = {e.contract_id: e.day for e in events if e.kind == "procurement_start"}
    assert starts == {"LBC-2021-0042": date(2026, 9, 30), "HAC/7": date(2027, 2, 28)}
    zero = renewal_events(mosaic_frame(), lead_months=0)
    assert {e.contract_id: e.day for e in zero if e.kind == "procurement_start"} == {
        "LBC-2021-0042": date(2027, 3, 31), "HAC/7": date(2027, 8, 31)}


@pytest.mark.parametrize("lead", [-1, 121, 1.5, "18"])
def test_bad_lead_months_is_refused(lead):
    with pytest.raises(ValueError, match="lead_months"):
        renewal_events(mosaic_frame(), lead_months=lead)


def test_max_end_before_end_gives_no_max_end_event():
    frame = make_frame([{"end_date": "2027-03-31", "max_end_date": "2026-03-31"}])
    assert [e.kind for e in renewal_events(frame)] == ["procurement_start", "end"]


def test_today_leaves_out_past_events_only():
    events = renewal_events(mosaic_frame(), today=date(2027, 3, 31))
    assert [(e.contract_id, e.kind) for e in events] == [
        ("LBC-2021-0042", "end"),  # on today: kept
        ("HAC/7", "end"),
        ("C-MAXONLY", "max_end"),
        ("LBC-2021-0042", "max_end"),
    ]


def test_summary_description_and_categories():
    events = {(e.contract_id, e.kind): e for e in renewal_events(mosaic_frame(), sources=SOURCES)}
    end = events[("LBC-2021-0042", "end")]
    assert end.summary == "Contract ends: Mosaic (Servelec) – Camden"
    assert end.categories == ("Contract end",)
    assert end.description.split("\n") == [
        "Borough: Camden (E09000007)",
        "System: Mosaic",
        "Supplier: Servelec",
        "Service area: Adults' social care",
        "Current end: 2027-03-31",
        "Latest end with extensions: 2029-03-31",
        "Review / notice date: 2026-09-30",
        "Suggested re-procurement start: 2025-09-30 (18 months before the current end)",
        "Contract ID: LBC-2021-0042",
        "Source: Borough survey 2026, https://example.org/survey",
        "Illustrative: no",
    ]
    assert events[("LBC-2021-0042", "max_end")].summary == (
        "Latest end with extensions: Mosaic (Servelec) – Camden")
    assert events[("LBC-2021-0042", "review")].summary == (
        "Review / notice date: Mosaic (Servelec) – Camden")
    start = events[("HAC/7", "procurement_start")]
    assert start.summary == "Start re-procurement: Open Housing (NEC) – Hackney [illustrative]"
    assert start.categories == ("Re-procurement start", "Illustrative")
    assert "Illustrative: yes, this row describes no real contract" in start.description
    assert "Source: Illustrative contracts" in start.description
    assert "Manufacturer" not in start.description  # none given
    assert "Latest end with extensions: 2027-08-31" in start.description  # shown, no event


def test_uids_are_stable_slug_safe_and_distinct():
    assert event_uid("LBC-2021-0042", "end") == "LBC-2021-0042-end@london-tech-map"
    assert event_uid("LBC-2021-0042", "procurement_start") == (
        "LBC-2021-0042-procurement-start@london-tech-map")
    odd = [event_uid(cid, "max_end") for cid in ("HAC/7", "HAC 7", "HAC-7", "é;,")]
    assert len(set(odd)) == 4
    for uid in odd:
        local, domain = uid.split("@")
        assert domain == "london-tech-map"
        assert all(ch.isascii() and (ch.isalnum() or ch in ".-_") for ch in local), uid
    assert odd[0].startswith("HAC-7-") and odd[0].endswith("-max-end@london-tech-map")
    events = renewal_events(mosaic_frame())
    assert len({e.uid for e in events}) == len(events)


def parse(body: bytes) -> icalendar.Calendar:
    return icalendar.Calendar.from_ical(body)


def test_calendar_parsed_back_event_by_event():
    frame = mosaic_frame()
    body = calendar_bytes(frame, name="Camden renewals", stamp=AS_OF, sources=SOURCES)
    cal = parse(body)
    assert cal["VERSION"] == "2.0"
    assert cal["PRODID"] == PRODID
    assert cal["X-WR-CALNAME"] == "Camden renewals"
    assert cal.calendar_name == "Camden renewals"
    expected = renewal_events(frame, sources=SOURCES)
    parsed = cal.events
    assert len(parsed) == len(expected) == 8
    for event, want in zip(parsed, expected, strict=True):
        assert str(event["UID"]) == want.uid
        assert event.get("DTSTART").params.get("VALUE") == "DATE"
        assert event.start == want.day and type(event.start) is date
        assert event.end == want.day + timedelta(days=1)
        assert event.DTSTAMP == datetime(2026, 11, 1, tzinfo=timezone.utc)
        assert str(event["SUMMARY"]) == want.summary
        assert str(event["DESCRIPTION"]) == want.description
        assert [str(c) for c in event.categories] == list(want.categories)
        assert str(event["TRANSP"]) == "TRANSPARENT"
    first = parsed[0]
    assert (str(first["UID"]), first.start) == (
        "LBC-2021-0042-procurement-start@london-tech-map", date(2025, 9, 30))


def test_calendar_is_valid_rfc5545_text():
    body = calendar_bytes(mosaic_frame(), name="x", stamp=AS_OF, sources=SOURCES)
    text = body.decode("utf-8")
    assert text.startswith("BEGIN:VCALENDAR\r\n") and text.endswith("END:VCALENDAR\r\n")
    lines = text.split("\r\n")[:-1]
    assert all("\n" not in line and "\r" not in line for line in lines)
    assert all(len(line.encode("utf-8")) <= 75 for line in lines)  # folded
    assert text.count("BEGIN:VEVENT") == text.count("END:VEVENT") == 8
    for required in ("DTSTAMP:", "DTSTART;VALUE=DATE:", "DTEND;VALUE=DATE:"):
        assert text.count("\r\n" + required) == 8
    assert text.count("\r\nUID:") == 9  # each event's, and the calendar's own (RFC 7986)


def test_refresh_interval_is_a_duration_value_as_rfc_7986_requires():
    body = calendar_bytes(mosaic_frame(), name="x", stamp=AS_OF)
    # RFC 7986 5.7: refresh = "REFRESH-INTERVAL" refreshparam ":" dur-value, with VALUE=DURATION
    assert "\r\nREFRESH-INTERVAL;VALUE=DURATION:PT12H\r\n" in body.decode("utf-8")
    refresh = parse(body)["REFRESH-INTERVAL"]
    assert refresh.params.get("VALUE") == "DURATION"
    assert refresh.dt == REFRESH_INTERVAL == timedelta(hours=12)
    assert "\r\nX-PUBLISHED-TTL:PT12H\r\n" in body.decode("utf-8")  # Outlook's spelling, no parameter


def test_calendar_contracts_counts_rows_with_any_event_date():
    # mosaic_frame: five rows, one without any date
    assert calendar_contracts(mosaic_frame()) == 4
    assert calendar_contracts(empty_frame()) == 0


def test_same_data_gives_identical_bytes_and_changed_dates_keep_uids():
    first = calendar_bytes(mosaic_frame(), name="x", stamp=AS_OF)
    assert calendar_bytes(mosaic_frame(), name="x", stamp=AS_OF) == first
    moved = mosaic_frame()
    moved.loc[0, "end_date"] = moved.loc[0, "end_date"] + timedelta(days=30)
    second = parse(calendar_bytes(moved, name="x", stamp=AS_OF))
    before = {str(e["UID"]): e.start for e in parse(first).events}
    after = {str(e["UID"]): e.start for e in second.events}
    assert before.keys() == after.keys()  # updates, not new events
    changed = {uid for uid in before if before[uid] != after[uid]}
    assert changed == {"LBC-2021-0042-end@london-tech-map",
                       "LBC-2021-0042-procurement-start@london-tech-map"}
    assert after["LBC-2021-0042-end@london-tech-map"] == date(2027, 4, 30)


def test_text_with_ical_special_characters_round_trips():
    frame = make_frame([{"system": "Revs; Bens, \\ Suite", "supplier": "A & B, Ltd",
                         "end_date": "2027-01-31"}])
    cal = parse(calendar_bytes(frame, name="Lambeth; test, \\ cal", stamp=AS_OF))
    assert cal["X-WR-CALNAME"] == "Lambeth; test, \\ cal"
    summaries = {str(e["SUMMARY"]) for e in cal.events}
    assert "Contract ends: Revs; Bens, \\ Suite (A & B, Ltd) – Camden [illustrative]" in summaries


def test_empty_rows_give_a_valid_empty_calendar():
    cal = parse(calendar_bytes(empty_frame(), name="none", stamp=AS_OF))
    assert cal.events == []
    assert cal["VERSION"] == "2.0"
    assert renewal_events(empty_frame()) == []


def test_event_kinds_constant():
    assert EVENT_KINDS == ("end", "max_end", "review", "procurement_start")
