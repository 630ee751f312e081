"""The calendar and download routes, through Flask's test client.

Most tests use the real app (`app.server`, the bundled dataset); the public-instance tests serve
tests/fixtures/export/dataset with only these blueprints, since the environment decides what the
process loads.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import flask
import icalendar
import pytest
from openpyxl import load_workbook

import app
import web.calendar
import web.downloads
from techmap.appstate import AppState
from techmap.auth.roles import Role
from techmap.calendar_export import renewal_events
from techmap.export import EXPORT_COLUMNS, UTF8_BOM
from techmap.filters import FilterState
from techmap.queries import apply_filter
from techmap.service import context
from tests.unit.auth_helpers import act_as, bearer_token

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "export" / "dataset"


@pytest.fixture
def client():
    context.reset()  # the environment of conftest.py: bundled dataset, not public
    client = app.server.test_client()
    # a member, who sees every field (anonymous visitors get public fields: test_auth_web.py)
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {bearer_token(Role.MEMBER)}"
    return client


def csv_rows(response) -> list[dict[str, str]]:
    assert response.data.startswith(UTF8_BOM)
    text = response.data[len(UTF8_BOM):].decode("utf-8")
    return list(csv.DictReader(io.StringIO(text, newline="")))


def expected_ids(query: str) -> list[str]:
    state = AppState.from_query_string(query)
    return apply_filter(context.dataset().contracts, state.filters)["contract_id"].tolist()


# ---- calendar ---------------------------------------------------------------------------------


def test_borough_feed_is_a_parsable_calendar_of_all_its_contracts(client):
    response = client.get("/calendar/E09000007.ics?area=housing")  # filters are ignored
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert response.headers["Cache-Control"] == "max-age=300, private"  # a member's: no shared cache
    assert response.headers["ETag"]
    cal = icalendar.Calendar.from_ical(response.data)
    assert cal["X-WR-CALNAME"] == "Camden contract renewals (London Tech Map)"
    camden = apply_filter(context.dataset().contracts, FilterState(authority=("E09000007",)))
    assert camden["service_area"].nunique() > 1
    want = renewal_events(camden, sources=context.dataset().sources)
    assert len(want) > 20
    got = [(str(e["UID"]), e.start, str(e["SUMMARY"])) for e in cal.events]
    assert got == [(e.uid, e.day, e.summary) for e in want]
    assert all(summary.endswith(("– Camden", "– Camden [illustrative]"))
               for _, _, summary in got)


def test_borough_feed_by_slug_is_the_same_and_polls_get_304(client):
    by_code = client.get("/calendar/E09000007.ics")
    by_slug = client.get("/calendar/camden.ics")
    assert by_slug.status_code == 200
    assert by_slug.data == by_code.data  # byte-identical: clients update, never duplicate
    etag = by_code.headers["ETag"]
    again = client.get("/calendar/E09000007.ics", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    other = client.get("/calendar/kensington-and-chelsea.ics")
    assert other.status_code == 200 and other.headers["ETag"] != etag


def test_borough_feed_lead_time(client):
    default = icalendar.Calendar.from_ical(client.get("/calendar/E09000007.ics").data)
    short = icalendar.Calendar.from_ical(client.get("/calendar/E09000007.ics?lead=6").data)
    starts = {str(e["UID"]): e.start for e in default.events
              if str(e["UID"]).endswith("procurement-start@london-tech-map")}
    starts_6 = {str(e["UID"]): e.start for e in short.events
                if str(e["UID"]).endswith("procurement-start@london-tech-map")}
    assert starts and starts.keys() == starts_6.keys()
    assert all(starts_6[uid] > starts[uid] for uid in starts)  # 12 months later


@pytest.mark.parametrize("key", ["E09000099", "nowhere", "E09000007x", "x" * 300])
def test_unknown_borough_is_404_plain_text(client, key):
    response = client.get(f"/calendar/{key}.ics")
    assert response.status_code == 404
    assert response.headers["Content-Type"].startswith("text/plain")
    assert b"Unknown borough" in response.data and b"E09000001 to E09000033" in response.data


def test_renewals_download_is_the_view(client):
    query = "authority=E09000007&authority=E09000012&area=housing&junk=1&lead=12"
    response = client.get(f"/calendar/renewals.ics?{query}")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="london-tech-map_renewals_authority-E09000007-E09000012_'
        'area-housing_2026-11-22.ics"')
    cal = icalendar.Calendar.from_ical(response.data)
    rows = apply_filter(context.dataset().contracts, AppState.from_query_string(query).filters)
    want = renewal_events(rows, lead_months=12)
    assert want and [(str(e["UID"]), e.start) for e in cal.events] == [
        (e.uid, e.day) for e in want]
    assert "Boroughs: Camden, Hackney; Service area: Housing" in str(cal["X-WR-CALNAME"])


def test_renewals_download_refuses_huge_views(client, monkeypatch):
    monkeypatch.setattr(web.calendar, "MAX_CALENDAR_CONTRACTS", 10)
    response = client.get("/calendar/renewals.ics?area=housing")
    assert response.status_code == 400
    assert b"limited to 10" in response.data
    assert client.get("/calendar/renewals.ics?authority=E09000007&area=housing"
                      ).status_code == 200


# ---- downloads --------------------------------------------------------------------------------

QUERIES = [
    "",
    "authority=E09000007&area=housing",
    "area=libraries&area=elections",
    "ends_from=2026-11-22&ends_to=2027-11-22",
    "q=civica&authority=not-a-code",
    "supplier=no-such-supplier",
]


@pytest.mark.parametrize("query", QUERIES)
def test_csv_has_exactly_the_rows_of_the_view(client, query):
    response = client.get(f"/download/contracts.csv?{query}")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.is_streamed
    rows = csv_rows(response)
    assert [r["contract_id"] for r in rows] == expected_ids(query)
    header = response.data[len(UTF8_BOM):].split(b"\r\n", 1)[0].decode()
    assert header.split(",") == list(EXPORT_COLUMNS)


def test_csv_file_name_and_values(client):
    response = client.get("/download/contracts.csv?authority=E09000007&area=housing")
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="london-tech-map_contracts_authority-E09000007_area-housing_'
        '2026-11-22.csv"')
    rows = csv_rows(response)
    frame = apply_filter(context.dataset().contracts,
                         FilterState(authority=("E09000007",), area=("housing",)))
    first = frame.iloc[0]
    assert rows[0]["authority_name"] == "Camden"
    assert rows[0]["supplier"] == first["supplier"]
    assert rows[0]["end_date"] == first["end_date"].date().isoformat()


@pytest.mark.parametrize("query", QUERIES[:4])
def test_xlsx_has_exactly_the_rows_of_the_view(client, query):
    response = client.get(f"/download/contracts.xlsx?{query}")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    assert response.headers["Content-Disposition"].endswith('_2026-11-22.xlsx"')
    book = load_workbook(io.BytesIO(response.data), read_only=True)
    ids = [row[0] for row in book["contracts"].iter_rows(min_row=2, values_only=True)]
    assert ids == expected_ids(query)
    about = {row[0]: row[1] for row in book["about"].iter_rows(values_only=True) if row[0]}
    assert about["Dataset"] == context.dataset().title
    assert about["Contracts"] == f"{len(ids):,}"


def test_xlsx_refuses_views_past_the_limit(client, monkeypatch):
    monkeypatch.setattr(web.downloads, "XLSX_MAX_ROWS", 5)
    response = client.get("/download/contracts.xlsx?area=housing")
    assert response.status_code == 400
    assert b"limited to 5" in response.data and b"CSV" in response.data


# ---- public instance --------------------------------------------------------------------------


def fixture_client(monkeypatch, *, public: bool):
    monkeypatch.setenv("TECHMAP_DATASET", str(FIXTURE))
    monkeypatch.setenv("TECHMAP_PUBLIC", "1" if public else "0")
    context.reset()
    server = flask.Flask("test-calendar-downloads")
    server.register_blueprint(web.calendar.bp)
    server.register_blueprint(web.downloads.bp)
    act_as(server, Role.MEMBER)  # on a public instance still public fields only
    return server.test_client()


@pytest.fixture
def restore_context():
    yield
    context.reset()


# Values of the value_public=false rows (CAM-002, HAC-001) in the fixture.
HIDDEN_VALUES = ("987654", "4938271", "876543")


def download_all(client) -> dict[str, bytes]:
    return {url: client.get(url).data for url in (
        "/download/contracts.csv", "/download/contracts.xlsx", "/calendar/renewals.ics",
        "/calendar/E09000007.ics", "/calendar/E09000012.ics")}


def xlsx_text(body: bytes) -> str:
    book = load_workbook(io.BytesIO(body), read_only=True)
    return "\n".join(str(value) for sheet in book for row in sheet.iter_rows(values_only=True)
                     for value in row)


def test_private_instance_exports_values_and_satisfaction(monkeypatch, restore_context):
    client = fixture_client(monkeypatch, public=False)
    bodies = download_all(client)
    rows = csv_rows(client.get("/download/contracts.csv"))
    by_id = {r["contract_id"]: r for r in rows}
    assert by_id["CAM-002"]["annual_value_gbp"] == "987654"
    assert by_id["CAM-001"]["satisfaction"] == "4"
    assert all(v in xlsx_text(bodies["/download/contracts.xlsx"]) for v in HIDDEN_VALUES[:2])
    # formula cells from the fixture are neutralised
    assert by_id["CAM-002"]["system"].startswith("'=HYPERLINK(")
    assert by_id["CAM-002"]["supplier"] == "'+Housing Co, Ltd"
    assert by_id["CAM-002"]["procurement_route"] == "'@framework"
    assert by_id["CAM-003"]["supplier"] == "'-Minus Supplier"


def test_public_instance_exports_no_restricted_values(monkeypatch, restore_context):
    client = fixture_client(monkeypatch, public=True)
    bodies = download_all(client)
    assert all(len(body) > 200 for body in bodies.values())
    texts = {url: (xlsx_text(body) if url.endswith(".xlsx") else body.decode("utf-8"))
             for url, body in bodies.items()}
    for url, text in texts.items():
        for value in HIDDEN_VALUES:
            assert value not in text, (url, value)
        assert "satisfaction" not in text.lower(), url
    rows = csv_rows(client.get("/download/contracts.csv"))
    assert "satisfaction" not in rows[0]
    by_id = {r["contract_id"]: r for r in rows}
    assert by_id["CAM-002"]["annual_value_gbp"] == by_id["CAM-002"]["total_value_gbp"] == ""
    assert by_id["HAC-001"]["annual_value_gbp"] == ""
    assert by_id["CAM-001"]["annual_value_gbp"] == "125000"  # public values stay
    book = load_workbook(io.BytesIO(bodies["/download/contracts.xlsx"]), read_only=True)
    header = next(book["contracts"].iter_rows(values_only=True))
    assert "satisfaction" not in header
    about_labels = [row[0] for row in book["about"].iter_rows(values_only=True)]
    assert "satisfaction" not in about_labels
    # the ICS never carries values or satisfaction scores; CAM-002's events are still there
    cal = icalendar.Calendar.from_ical(bodies["/calendar/E09000007.ics"])
    assert "CAM-002-end@london-tech-map" in {str(e["UID"]) for e in cal.events}
    assert "Satisfaction" not in texts["/calendar/E09000007.ics"]
