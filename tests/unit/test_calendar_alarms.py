"""Alarms (VALARM) on the review and re-procurement events of calendar feeds: the export, the
setting TECHMAP_CALENDAR_ALARM_DAYS and the feeds' `alarm` parameter."""

from __future__ import annotations

from datetime import timedelta

import icalendar
import pytest

from techmap.exports.calendar_export import calendar_bytes
from techmap.settings import load_settings, parse_alarm_days
from tests.unit.test_calendar_export import AS_OF, SOURCES, mosaic_frame
from tests.unit.test_web_calendar_downloads import client  # noqa: F401  (fixture)


def alarms_by_event(body: bytes) -> dict[str, list[icalendar.Alarm]]:
    """UID of each event -> its VALARMs, parsed back with icalendar."""
    return {str(e["UID"]): [c for c in e.subcomponents if c.name == "VALARM"]
            for e in icalendar.Calendar.from_ical(body).events}


def test_review_and_procurement_events_ring_the_lead_time_before() -> None:
    alarms = alarms_by_event(calendar_bytes(mosaic_frame(), name="x", stamp=AS_OF, sources=SOURCES,
                                            alarm_days=14))
    # by hand: LBC-2021-0042 has all four kinds; HAC/7 end + start; C-REVIEW a review; C-MAXONLY max end
    ringing = sorted(uid for uid, found in alarms.items() if found)
    # 2 reviews + 2 re-procurement starts; ends and latest ends never ring
    assert ringing == ["C-REVIEW-review@london-tech-map", "HAC-7-987ce0d5-procurement-start@london-tech-map",
                       "LBC-2021-0042-procurement-start@london-tech-map", "LBC-2021-0042-review@london-tech-map"]
    assert len(alarms) == 8  # every event is there, ringing or not
    for uid in ringing:
        (alarm,) = alarms[uid]
        assert alarm["TRIGGER"].dt == timedelta(days=-14)
        assert str(alarm["ACTION"]) == "DISPLAY"
        assert str(alarm["DESCRIPTION"])
        assert str(alarm["UID"]) == uid.replace("@", "-alarm@")


def test_no_alarm_days_means_no_alarms_and_bad_values_are_refused() -> None:
    alarms = alarms_by_event(calendar_bytes(mosaic_frame(), name="x", stamp=AS_OF))
    assert not any(alarms.values())
    zero = alarms_by_event(calendar_bytes(mosaic_frame(), name="x", stamp=AS_OF, alarm_days=0))
    assert zero["LBC-2021-0042-review@london-tech-map"][0]["TRIGGER"].dt == timedelta(0)
    for bad in (-1, 366, 1.5, True):
        with pytest.raises(ValueError, match="alarm_days"):
            calendar_bytes(mosaic_frame(), name="x", stamp=AS_OF, alarm_days=bad)


def test_setting_default_off_and_junk(monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.delenv("TECHMAP_CALENDAR_ALARM_DAYS", raising=False)
    assert load_settings().calendar_alarm_days == 30
    monkeypatch.setenv("TECHMAP_CALENDAR_ALARM_DAYS", "7")
    assert load_settings().calendar_alarm_days == 7
    monkeypatch.setenv("TECHMAP_CALENDAR_ALARM_DAYS", "off")
    assert load_settings().calendar_alarm_days is None
    monkeypatch.setenv("TECHMAP_CALENDAR_ALARM_DAYS", "soon")
    assert load_settings().calendar_alarm_days == 30
    assert "TECHMAP_CALENDAR_ALARM_DAYS" in caplog.text and "'soon'" in caplog.text
    assert parse_alarm_days(" 365 ") == 365


def test_feeds_take_the_alarm_parameter(client) -> None:  # noqa: F811
    def triggers(url: str) -> set[timedelta]:
        response = client.get(url)
        assert response.status_code == 200, response.data
        return {a["TRIGGER"].dt for found in alarms_by_event(response.data).values() for a in found}

    assert triggers("/calendar/E09000007.ics") == {timedelta(days=-30)}  # the default
    assert triggers("/calendar/E09000007.ics?alarm=7") == {timedelta(days=-7)}
    assert triggers("/calendar/E09000007.ics?alarm=off") == set()
    assert triggers("/calendar/renewals.ics?authority=E09000007&alarm=3") == {timedelta(days=-3)}
    for url in ("/calendar/E09000007.ics?alarm=soon", "/calendar/renewals.ics?authority=E09000007&alarm=400"):
        refused = client.get(url)
        assert refused.status_code == 400
        assert refused.data.decode().startswith("alarm: '")
