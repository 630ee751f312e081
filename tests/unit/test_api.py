"""The open data API (web/api.py) on tests/fixtures/api/dataset: nine made-up contracts whose
expected figures are worked out by hand in the comments. today = 2026-11-22 (tests/conftest.py).

The fixture's rows (file order is shuffled on purpose, to prove the API sorts):
  id     borough       area               supplier                annual   end
  A-001  Camden        housing            Capita                  120000   2027-03-31
  A-002  Camden        revenues-benefits  Capita                  250000.5 2026-12-31
  A-003  Hackney       housing            NEC Software Solutions  918273*  2028-12-31
  A-004  Islington     finance-erp        Unit4                    80000   2025-03-31
  A-005  City          libraries          Civica                  -        -
  A-006  Hackney       libraries          Civica                  -        2027-06-30
  A-007  Camden        libraries          Civica                   30000   2027-02-28
  A-008  Lambeth       adult-social-care  System C                643219*  2026-12-15
  a-000  Westminster   finance-erp        Insight Direct          290000   2029-03-31
  (* value_public false; code-point order puts lower-case a-000 after A-008)
"""

from __future__ import annotations

import csv
import io
import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import jsonschema
import numpy as np
import pytest
from flask import Flask
from flask.testing import FlaskClient
from openapi_spec_validator import validate as validate_openapi

from techmap.auth.roles import Role
from techmap.dataformat.authorities import authorities
from techmap.analysis.filters import FilterState
from techmap.analysis.queries import apply_filter
from techmap.dataformat.schema import SERVICE_AREAS
from techmap.service import context
from tests.unit.auth_helpers import act_as
from web import api, api_records

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "api" / "dataset"
ORDER = ["A-001", "A-002", "A-003", "A-004", "A-005", "A-006", "A-007", "A-008", "a-000"]
CAMDEN, HACKNEY, CITY, ISLINGTON, LAMBETH, WESTMINSTER = (
    "E09000007", "E09000012", "E09000001", "E09000019", "E09000022", "E09000033")


@contextmanager
def instance(monkeypatch: pytest.MonkeyPatch, *, public: bool,
             dataset: Path | None = FIXTURE) -> Iterator[None]:
    """Run with the process context of an instance: its dataset, public or not. Restores the
    previous context afterwards (context.reset() re-reads the environment)."""
    with monkeypatch.context() as patch:
        if dataset is None:
            patch.delenv("TECHMAP_DATASET", raising=False)
        else:
            patch.setenv("TECHMAP_DATASET", str(dataset))
        if public:
            patch.setenv("TECHMAP_PUBLIC", "1")
        else:
            patch.delenv("TECHMAP_PUBLIC", raising=False)
        patch.setenv("TECHMAP_TODAY", "2026-11-22")
        context.reset()
        try:
            yield
        finally:
            context.reset()
    context.reset()


def api_client() -> FlaskClient:
    """The API alone, asked by a member (on a public instance that still means public fields
    only); what an anonymous visitor gets is tested in test_auth_web.py."""
    app = Flask("api-test")
    app.register_blueprint(api.bp)
    act_as(app, Role.MEMBER)
    return app.test_client()


@pytest.fixture()
def client(monkeypatch: pytest.MonkeyPatch) -> Iterator[FlaskClient]:
    with instance(monkeypatch, public=False):
        yield api_client()


def get_json(client: FlaskClient, url: str, status: int = 200) -> Any:
    response = client.get(url)
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    return response.get_json()


def contract_ids(client: FlaskClient, query: str) -> list[str]:
    return [r["contract_id"] for r in get_json(client, f"/api/v1/contracts{query}")["data"]]


# ---- contracts: records, order, meta ----------------------------------------------------------


def test_contracts_are_in_stable_order_with_licence_and_as_of(client: FlaskClient) -> None:
    body = get_json(client, "/api/v1/contracts")
    assert [r["contract_id"] for r in body["data"]] == ORDER
    meta = body["meta"]
    assert meta["licence"] == "OGL-UK-3.0"
    assert meta["attribution"] == "London Tech Map test fixtures"
    assert meta["as_of"] == "2026-11-01"
    assert meta["dataset"] == "API test dataset"
    assert meta["synthetic"] == "mixed"
    assert meta["public"] is False
    assert (meta["total"], meta["page"], meta["per_page"], meta["pages"]) == (9, 1, 100, 1)
    assert body["links"] == {"self": "/api/v1/contracts?page=1", "next": None, "prev": None}


def test_a_record_has_iso_dates_numbers_booleans_and_nulls(client: FlaskClient) -> None:
    record = get_json(client, "/api/v1/contracts?q=a-002")["data"][0]
    assert record == {
        "contract_id": "A-002", "authority_code": CAMDEN, "authority_name": "Camden",
        "service_area": "revenues-benefits", "system": "Academy", "system_slug": "academy",
        "manufacturer": "Capita", "manufacturer_slug": "capita", "supplier": "Capita", "supplier_slug": "capita",
        "start_date": "2019-04-01", "end_date": "2026-12-31", "max_end_date": None, "review_date": None,
        "annual_value_gbp": 250000.5, "total_value_gbp": None, "hosting": "on_premises",
        "procurement_route": None, "shared_ref": None, "satisfaction": 2, "value_public": True,
        "source": "survey", "synthetic": False,
        "evidence": None, "observed_date": None, "confidence": None,  # the fixture predates them
    }
    # whole numbers are sent as integers, internal columns stay out
    first = get_json(client, "/api/v1/contracts?per_page=1")["data"][0]
    assert first["annual_value_gbp"] == 120000 and isinstance(first["annual_value_gbp"], int)
    assert "search_text" not in first and "line" not in first
    assert list(first) == [f.name for f in api.contract_fields(public=False)]


def test_the_sorted_order_is_computed_once_per_dataset(client: FlaskClient) -> None:
    data = context.dataset()
    assert api.contract_order(data) is api.contract_order(data)
    assert [data.contracts["contract_id"].iat[i] for i in api.contract_order(data)] == ORDER


# ---- paging -----------------------------------------------------------------------------------


def test_pages_of_four_split_the_order_and_link_to_each_other(client: FlaskClient) -> None:
    pages = [get_json(client, f"/api/v1/contracts?per_page=4&page={n}") for n in (1, 2, 3)]
    assert [[r["contract_id"] for r in p["data"]] for p in pages] == [ORDER[0:4], ORDER[4:8], ORDER[8:]]
    assert all((p["meta"]["total"], p["meta"]["pages"]) == (9, 3) for p in pages)
    assert pages[0]["links"] == {"self": "/api/v1/contracts?per_page=4&page=1",
                                 "next": "/api/v1/contracts?per_page=4&page=2", "prev": None}
    assert pages[2]["links"]["next"] is None
    assert pages[2]["links"]["prev"] == "/api/v1/contracts?per_page=4&page=2"


def test_links_keep_the_filters(client: FlaskClient) -> None:
    body = get_json(client, "/api/v1/contracts?supplier=civica&per_page=2")
    assert body["meta"]["total"] == 3
    assert body["links"]["next"] == "/api/v1/contracts?supplier=civica&per_page=2&page=2"
    assert contract_ids(client, "?supplier=civica&per_page=2&page=2") == ["A-007"]


def test_a_page_after_the_last_is_empty_not_an_error(client: FlaskClient) -> None:
    body = get_json(client, "/api/v1/contracts?per_page=4&page=9")
    assert body["data"] == []
    assert (body["meta"]["total"], body["meta"]["page"], body["meta"]["pages"]) == (9, 9, 3)
    assert body["links"]["next"] is None
    assert body["links"]["prev"] == "/api/v1/contracts?per_page=4&page=3"  # back to the last page


def test_no_match_gives_zero_pages(client: FlaskClient) -> None:
    body = get_json(client, "/api/v1/contracts?supplier=nobody")
    assert body["data"] == [] and body["meta"]["total"] == 0 and body["meta"]["pages"] == 0


# ---- filters ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("query", "expected"), [
    (f"?authority={CAMDEN}", ["A-001", "A-002", "A-007"]),
    ("?authority=e09000007", ["A-001", "A-002", "A-007"]),  # codes are case-insensitive
    (f"?authority={CAMDEN}&authority={LAMBETH}", ["A-001", "A-002", "A-007", "A-008"]),
    (f"?area=libraries&authority={HACKNEY}", ["A-006"]),
    ("?supplier=civica", ["A-005", "A-006", "A-007"]),
    ("?system=spydus&system=mosaic", ["A-005", "A-006", "A-007", "A-008"]),
    ("?ends_from=2026-12-01&ends_to=2027-03-31", ["A-001", "A-002", "A-007", "A-008"]),  # inclusive
    ("?ends_from=2028-01-01", ["A-003", "a-000"]),
    ("?ends_to=2025-12-31", ["A-004"]),  # A-005 has no end date: out as soon as a bound is set
    ("?q=civica+camden", ["A-007"]),
    ("?q=CIVICA", ["A-005", "A-006", "A-007"]),
    ("?q=&area=", ORDER),  # blank values count as not given
    ("?supplier=unknown-supplier", []),  # well-formed but absent: matches nothing
])
def test_filters_select_the_contracts_the_pages_would(client: FlaskClient, query: str,
                                                      expected: list[str]) -> None:
    assert contract_ids(client, query) == expected
    # the same rows as the pages' filter (techmap.analysis.queries.apply_filter) gives for the query string
    rows = apply_filter(context.dataset().contracts, FilterState.from_query_string(query))
    assert sorted(rows["contract_id"]) == sorted(expected)


def test_meta_echoes_the_applied_filters(client: FlaskClient) -> None:
    meta = get_json(client, "/api/v1/contracts?authority=e09000007&q=++Spydus++&ends_to=2027-12-31")["meta"]
    assert meta["filters"] == {"authority": [CAMDEN], "area": [], "supplier": [], "system": [],
                               "manufacturer": [], "group": [], "ends_from": None, "ends_to": "2027-12-31", "q": "Spydus"}


# ---- CSV --------------------------------------------------------------------------------------


def parse_csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_csv_has_the_json_fields_and_values(client: FlaskClient) -> None:
    response = client.get("/api/v1/contracts?format=csv&authority=E09000007")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/csv")
    text = response.get_data(as_text=True)
    assert text.splitlines()[0] == ",".join(f.name for f in api.contract_fields(public=False))
    rows = parse_csv(text)
    assert [r["contract_id"] for r in rows] == ["A-001", "A-002", "A-007"]
    a002 = rows[1]
    assert (a002["annual_value_gbp"], a002["total_value_gbp"], a002["max_end_date"]) == ("250000.5", "", "")
    assert (a002["value_public"], a002["synthetic"], a002["satisfaction"]) == ("true", "false", "2")
    assert response.headers["X-Total-Count"] == "3"
    assert response.headers["X-Dataset-Licence"] == "OGL-UK-3.0"
    assert response.headers["X-Dataset-As-Of"] == "2026-11-01"


def test_csv_pages_carry_link_headers(client: FlaskClient) -> None:
    response = client.get("/api/v1/contracts?format=csv&per_page=4&page=2")
    assert [r["contract_id"] for r in parse_csv(response.get_data(as_text=True))] == ORDER[4:8]
    assert response.headers["Link"] == ('</api/v1/contracts?per_page=4&format=csv&page=3>; rel="next", '
                                        '</api/v1/contracts?per_page=4&format=csv&page=1>; rel="prev"')
    assert (response.headers["X-Page"], response.headers["X-Pages"]) == ("2", "3")


def test_accept_header_chooses_csv_unless_format_says_otherwise(client: FlaskClient) -> None:
    as_csv = client.get("/api/v1/contracts", headers={"Accept": "text/csv"})
    assert as_csv.mimetype == "text/csv" and len(parse_csv(as_csv.get_data(as_text=True))) == 9
    forced = client.get("/api/v1/contracts?format=json", headers={"Accept": "text/csv"})
    assert forced.mimetype == "application/json"
    browser = client.get("/api/v1/contracts", headers={"Accept": "text/html,*/*;q=0.8"})
    assert browser.mimetype == "application/json"


def test_csv_cells_cannot_start_a_spreadsheet_formula() -> None:
    field = api.Field("system", "text", "")
    body = api_records.csv_body([{"system": '=HYPERLINK("x")'}], [field])
    assert body.splitlines()[1] == '"\'=HYPERLINK(""x"")"'


# ---- bad parameters ---------------------------------------------------------------------------


@pytest.mark.parametrize(("url", "names"), [
    ("/api/v1/contracts?ends_from=2027-02-30", ["ends_from", "2027-02-30"]),
    ("/api/v1/contracts?ends_to=31/12/2027", ["ends_to", "31/12/2027", "YYYY-MM-DD"]),
    ("/api/v1/contracts?ends_from=2027-06-01&ends_to=2027-01-01", ["ends_from", "ends_to"]),
    ("/api/v1/contracts?authority=E09000099", ["authority", "E09000099"]),
    ("/api/v1/contracts?authority=Camden", ["authority", "Camden"]),
    ("/api/v1/contracts?authority=E09000007,E09000012", ["authority", "repeat the parameter"]),
    ("/api/v1/contracts?area=social-care", ["area", "social-care"]),
    ("/api/v1/contracts?supplier=Capita+Ltd", ["supplier", "Capita Ltd"]),
    ("/api/v1/contracts?system=mosaic_", ["system", "mosaic_"]),
    ("/api/v1/contracts?q=" + "x" * 101, ["q", "101"]),
    ("/api/v1/contracts?per_page=0", ["per_page", "'0'"]),
    ("/api/v1/contracts?per_page=1001", ["per_page", "1001"]),
    ("/api/v1/contracts?per_page=ten", ["per_page", "ten"]),
    ("/api/v1/contracts?page=0", ["page", "'0'"]),
    ("/api/v1/contracts?page=1.5", ["page", "1.5"]),
    ("/api/v1/contracts?page=-1", ["page", "-1"]),
    ("/api/v1/contracts?page=1&page=2", ["page", "2 times"]),
    ("/api/v1/contracts?format=xml", ["format", "xml"]),
    ("/api/v1/contracts?authority_code=E09000007", ["authority_code", "Unknown parameter"]),
    ("/api/v1/suppliers?weight=price", ["weight", "price"]),
    ("/api/v1/authorities?page=2", ["page", "Unknown parameter"]),
    ("/api/v1/summary?area=flying", ["area", "flying"]),
    ("/api/v1/service-areas?ends_from=tomorrow", ["ends_from", "tomorrow"]),
    ("/api/v1/openapi.json?x=1", ["x", "Unknown parameter"]),
])
def test_bad_parameters_give_400_with_a_plain_message(client: FlaskClient, url: str,
                                                      names: list[str]) -> None:
    body = get_json(client, url, status=400)
    assert set(body) == {"error"} and body["error"]["status"] == 400
    message = body["error"]["message"]
    assert "\n" not in message and "Traceback" not in message
    for name in names:
        assert name in message


def test_long_bad_values_are_cut_in_the_message(client: FlaskClient) -> None:
    message = get_json(client, "/api/v1/contracts?supplier=" + "X" * 500, status=400)["error"]["message"]
    assert len(message) < 300


# ---- other endpoints --------------------------------------------------------------------------


def test_authorities_lists_all_33_with_counts(client: FlaskClient) -> None:
    body = get_json(client, "/api/v1/authorities")
    data = body["data"]
    assert [a["code"] for a in data] == [a.code for a in authorities()]
    counts = {a["code"]: a["contracts"] for a in data if a["contracts"]}
    assert counts == {CITY: 1, CAMDEN: 3, HACKNEY: 2, ISLINGTON: 1, LAMBETH: 1, WESTMINSTER: 1}
    camden = next(a for a in data if a["code"] == CAMDEN)
    assert camden == {"code": CAMDEN, "name": "Camden", "slug": "camden", "inner": True,
                      "sub_region": "Central", "contracts": 3}
    assert body["meta"]["total"] == 33 and body["meta"]["licence"] == "OGL-UK-3.0"


def test_authorities_count_under_the_filters_and_list_the_chosen(client: FlaskClient) -> None:
    data = get_json(client, "/api/v1/authorities?area=libraries")["data"]
    assert {a["code"]: a["contracts"] for a in data if a["contracts"]} == {CITY: 1, CAMDEN: 1, HACKNEY: 1}
    chosen = get_json(client, f"/api/v1/authorities?authority={HACKNEY}&authority={CAMDEN}")["data"]
    assert [(a["code"], a["contracts"]) for a in chosen] == [(CAMDEN, 3), (HACKNEY, 2)]
    links = get_json(client, "/api/v1/authorities?authority=e09000007&q=&format=json")["links"]
    assert links == {"self": "/api/v1/authorities?authority=E09000007&format=json"}  # canonical form


def test_service_areas_list_every_area_with_counts(client: FlaskClient) -> None:
    data = get_json(client, "/api/v1/service-areas")["data"]
    assert len(data) == len(SERVICE_AREAS)
    assert {a["slug"]: a["contracts"] for a in data if a["contracts"]} == {
        "housing": 2, "revenues-benefits": 1, "libraries": 3, "finance-erp": 2, "adult-social-care": 1}
    housing = next(a for a in data if a["slug"] == "housing")
    assert housing == {"slug": "housing", "name": "Housing", "group": "frontline",
                       "group_name": "Frontline services", "contracts": 2}
    camden = get_json(client, f"/api/v1/service-areas?authority={CAMDEN}&area=libraries&area=housing")["data"]
    assert [(a["slug"], a["contracts"]) for a in camden] == [("housing", 1), ("libraries", 1)]


def test_suppliers_are_ranked_by_contracts(client: FlaskClient) -> None:
    body = get_json(client, "/api/v1/suppliers")
    rows = body["data"]
    # 9 contracts: Civica 3, Capita 2, then four with 1 each (tied rank 3, ordered by slug).
    # "Insight Direct (UK) Ltd" is shown as "Insight": the loader applies the supplier alias table.
    assert [(r["rank"], r["slug"], r["contracts"]) for r in rows] == [
        (1, "civica", 3), (2, "capita", 2), (3, "insight", 1), (3, "nec-software-solutions", 1),
        (3, "system-c", 1), (3, "unit4", 1)]
    civica, capita = rows[0], rows[1]
    assert civica["share"] == pytest.approx(3 / 9) and civica["boroughs"] == 3  # City, Hackney, Camden
    assert capita["cumulative_share"] == pytest.approx(5 / 9)
    assert capita["annual_value"] == 370000.5 and capita["name"] == "Capita"
    assert rows[-1]["cumulative_share"] == 1
    assert (body["meta"]["total"], body["meta"]["weight"]) == (6, "count")


def test_suppliers_by_value_filtered_and_paged(client: FlaskClient) -> None:
    rows = get_json(client, "/api/v1/suppliers?weight=value")["data"]
    # values: NEC 918273, System C 643219, Capita 370000.5, Insight 290000, Unit4 80000, Civica 30000
    assert [r["slug"] for r in rows] == ["nec-software-solutions", "system-c", "capita", "insight",
                                        "unit4", "civica"]
    assert rows[0]["share"] == pytest.approx(918273 / 2331492.5)
    page = get_json(client, "/api/v1/suppliers?per_page=2&page=2")
    assert [r["slug"] for r in page["data"]] == ["insight", "nec-software-solutions"]
    assert page["links"]["next"] == "/api/v1/suppliers?per_page=2&page=3"
    value_page = get_json(client, "/api/v1/suppliers?weight=value&per_page=2")
    assert value_page["links"]["next"] == "/api/v1/suppliers?weight=value&per_page=2&page=2"
    libraries = get_json(client, "/api/v1/suppliers?area=libraries")["data"]
    assert [(r["slug"], r["contracts"], r["share"]) for r in libraries] == [("civica", 3, 1)]


def test_summary_gives_the_maps_metrics_per_borough(client: FlaskClient) -> None:
    body = get_json(client, "/api/v1/summary")
    assert body["meta"]["today"] == "2026-11-22" and body["meta"]["total"] == 33
    by_code = {r["code"]: r for r in body["data"]}
    # Camden: all end within [2026-11-22, 2027-11-22]
    assert by_code[CAMDEN] == {"code": CAMDEN, "name": "Camden", "slug": "camden", "contracts": 3,
                               "suppliers": 2, "systems": 3, "ending_12m": 3, "annual_value": 400000.5,
                               "supplier_share": None, "runs_system": None, "pairs_known": 1,
                               "frontline": 3, "corporate": 0, "infrastructure": 0}
    assert (by_code[HACKNEY]["ending_12m"], by_code[HACKNEY]["annual_value"]) == (1, 918273)
    assert by_code["E09000002"]["contracts"] == 0 and by_code["E09000002"]["annual_value"] is None


def test_summary_gives_pairs_known_per_borough_and_the_london_wide_coverage(
        client: FlaskClient) -> None:
    from techmap.analysis.coverage import COVERED_AREAS

    body = get_json(client, "/api/v1/summary")
    # the real rows: A-002 (Camden, revenues-benefits) and A-005 (City, libraries); the other
    # rows are illustrative and make no pair known
    known = {r["code"]: r["pairs_known"] for r in body["data"] if r["pairs_known"]}
    assert known == {CAMDEN: 1, CITY: 1}
    n = len(COVERED_AREAS)
    assert body["meta"]["coverage"] == {"pairs_known": 2, "pairs_possible": 33 * n,
                                        "service_areas": n, "share": round(2 / (33 * n), 4)}
    # pairs_known follows the filters, as on the map; the London-wide coverage does not
    filtered = get_json(client, "/api/v1/summary?area=libraries")
    assert {r["code"]: r["pairs_known"] for r in filtered["data"] if r["pairs_known"]} == {CITY: 1}
    assert filtered["meta"]["coverage"] == body["meta"]["coverage"]
    rows = parse_csv(client.get("/api/v1/summary?format=csv").get_data(as_text=True))
    assert next(r for r in rows if r["code"] == CAMDEN)["pairs_known"] == "1"


def test_summary_measures_suppliers_and_systems_as_the_map_does(client: FlaskClient) -> None:
    by_code = {r["code"]: r for r in get_json(client, "/api/v1/summary?supplier=civica")["data"]}
    # share of each borough's contracts held by Civica: Camden 1 of 3, Hackney 1 of 2, City 1 of 1
    assert by_code[CAMDEN]["supplier_share"] == pytest.approx(1 / 3)
    assert by_code[HACKNEY]["supplier_share"] == pytest.approx(1 / 2)
    assert by_code[CITY]["supplier_share"] == 1 and by_code[LAMBETH]["supplier_share"] == 0
    assert by_code["E09000002"]["supplier_share"] is None  # no contracts at all
    assert by_code[CAMDEN]["contracts"] == 1  # the counts do filter by supplier
    runs = {r["code"]: r["runs_system"] for r in get_json(client, "/api/v1/summary?system=spydus")["data"]}
    assert (runs[CAMDEN], runs[HACKNEY], runs[CITY], runs[LAMBETH]) == (True, True, True, False)


def test_summary_authority_lists_boroughs_without_changing_their_figures(client: FlaskClient) -> None:
    everyone = {r["code"]: r for r in get_json(client, "/api/v1/summary?supplier=civica")["data"]}
    chosen = get_json(client, f"/api/v1/summary?supplier=civica&authority={CAMDEN}")["data"]
    assert chosen == [everyone[CAMDEN]]


def test_summary_csv(client: FlaskClient) -> None:
    rows = parse_csv(client.get("/api/v1/summary?format=csv&system=spydus").get_data(as_text=True))
    camden = next(r for r in rows if r["code"] == CAMDEN)
    assert (camden["contracts"], camden["runs_system"], camden["supplier_share"]) == ("1", "true", "")


def strict_json(text: str) -> Any:
    """json.loads that refuses NaN and Infinity, as browsers' JSON.parse does."""
    def refuse(name: str) -> Any:
        raise ValueError(f"{name} is not JSON")
    return json.loads(text, parse_constant=refuse)


def test_json_has_no_nan_anywhere_unknown_numbers_are_null() -> None:
    payload = {"a": [1.5, float("nan"), {"b": float("inf"), "c": -float("inf"), "d": "NaN"}],
               "e": np.float32("nan"), "f": np.int64(3), "g": np.float64("nan"), "h": np.bool_(True),
               "i": (float("nan"), 2)}
    text = api_records.json_text(payload)
    assert strict_json(text) == {"a": [1.5, None, {"b": None, "c": None, "d": "NaN"}], "e": None, "f": 3,
                                 "g": None, "h": True, "i": [None, 2]}
    assert api_records.json_text({"x": 1}) == '{"x":1}'


@pytest.mark.parametrize("public", [False, True])
def test_summary_of_boroughs_without_a_published_value_is_null_not_nan(monkeypatch: pytest.MonkeyPatch,
                                                                       public: bool) -> None:
    # On a public instance Hackney's and Lambeth's only values are not public: no published value.
    with instance(monkeypatch, public=public):
        client = api_client()
        for query in ("", "?supplier=civica", "?area=libraries"):
            response = client.get(f"/api/v1/summary{query}")
            assert response.status_code == 200
            body = strict_json(response.get_data(as_text=True))
            values = {r["code"]: r["annual_value"] for r in body["data"]}
            assert all(v is None or isinstance(v, (int, float)) for v in values.values())
            rows = parse_csv(client.get(f"/api/v1/summary{query or '?'}&format=csv").get_data(as_text=True))
            assert not {cell.lower() for r in rows for cell in r.values()} & {"nan", "inf", "-inf"}
        values = {r["code"]: r["annual_value"] for r in get_json(client, "/api/v1/summary")["data"]}
        assert values["E09000002"] is None  # no contracts at all
        if public:
            assert values[HACKNEY] is None and values[LAMBETH] is None
            rows = {r["code"]: r for r in parse_csv(client.get("/api/v1/summary?format=csv").get_data(as_text=True))}
            assert rows[HACKNEY]["annual_value"] == ""
        else:
            assert values[HACKNEY] == 918273


def test_a_nan_that_reaches_any_field_is_sent_as_null(monkeypatch: pytest.MonkeyPatch) -> None:
    """Whatever a metric gives (here raw NaN in every number field), the API answers 200 with
    null, in JSON and in CSV, never a 500 or a NaN."""
    with instance(monkeypatch, public=True):
        real = api.summary_records

        def unknown_numbers(*args: Any, **kwargs: Any) -> list[dict[str, Any]]:
            rows = real(*args, **kwargs)
            return [{**r, "annual_value": float("nan"), "supplier_share": np.float64("nan")} for r in rows]

        monkeypatch.setattr(api, "summary_records", unknown_numbers)
        client = api_client()
        response = client.get("/api/v1/summary")
        assert response.status_code == 200
        row = strict_json(response.get_data(as_text=True))["data"][0]
        assert row["annual_value"] is None and row["supplier_share"] is None
        rows = parse_csv(client.get("/api/v1/summary?format=csv").get_data(as_text=True))
        assert rows[0]["annual_value"] == "" and rows[0]["supplier_share"] == ""


def test_index_lists_the_endpoints(client: FlaskClient) -> None:
    body = get_json(client, "/api/v1/")
    assert body["links"]["contracts"] == "/api/v1/contracts"
    assert body["links"]["openapi"] == "/api/v1/openapi.json"
    assert body["meta"]["licence"] == "OGL-UK-3.0"


# ---- errors, methods, CORS --------------------------------------------------------------------


@pytest.mark.parametrize("url", ["/api/v1/nothing-here", "/api/v1/contracts/", "/api/v1/contracts/A-001"])
def test_unknown_paths_give_a_json_404(client: FlaskClient, url: str) -> None:
    body = get_json(client, url, status=404)
    assert body["error"]["status"] == 404 and url in body["error"]["message"]


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_other_methods_give_a_json_405(client: FlaskClient, method: str) -> None:
    response = getattr(client, method)("/api/v1/contracts")
    assert response.status_code == 405 and response.mimetype == "application/json"
    assert response.get_json()["error"]["message"].startswith(f"Method {method.upper()} is not allowed")
    assert response.headers["Allow"] == "GET, HEAD, OPTIONS"


def test_cors_allows_reading_from_anywhere(client: FlaskClient) -> None:
    for url in ("/api/v1/contracts", "/api/v1/contracts?page=x", "/api/v1/nope"):
        assert client.get(url).headers["Access-Control-Allow-Origin"] == "*"
    preflight = client.options("/api/v1/contracts", headers={"Origin": "https://example.org",
                                                             "Access-Control-Request-Method": "GET"})
    assert preflight.status_code == 200
    assert preflight.headers["Access-Control-Allow-Origin"] == "*"
    assert preflight.headers["Allow"] == "GET, HEAD, OPTIONS"
    assert "X-Total-Count" in client.get("/api/v1/contracts").headers["Access-Control-Expose-Headers"]


def test_head_works(client: FlaskClient) -> None:
    response = client.head("/api/v1/authorities")
    assert response.status_code == 200 and response.get_data() == b""


def test_an_internal_error_is_json_500_and_logged(client: FlaskClient, monkeypatch: pytest.MonkeyPatch,
                                                   caplog: pytest.LogCaptureFixture) -> None:
    def broken(*_: Any) -> None:
        raise RuntimeError("secret internals")

    monkeypatch.setattr(api, "ordered_hits", broken)
    with caplog.at_level(logging.ERROR, logger="web.api"):
        response = client.get("/api/v1/contracts")
    assert response.status_code == 500 and response.mimetype == "application/json"
    text = response.get_data(as_text=True)
    assert "secret internals" not in text and "Traceback" not in text
    assert response.get_json()["error"]["status"] == 500
    assert "secret internals" in caplog.text  # logged for the operator


def test_the_app_routes_api_paths_to_the_api_not_to_dash(monkeypatch: pytest.MonkeyPatch) -> None:
    """In the real app Dash has its own catch-all route; unknown /api/v1/ paths must still be JSON."""
    with instance(monkeypatch, public=False):
        import app

        client = app.server.test_client()
        assert client.get("/api/v1/nothing-here").mimetype == "application/json"
        assert client.get("/api/v1/nothing-here").status_code == 404
        assert get_json(client, "/api/v1/contracts?per_page=1")["meta"]["total"] == 9


# ---- OpenAPI ----------------------------------------------------------------------------------


def response_schema(document: dict[str, Any], path: str) -> dict[str, Any]:
    schema = document["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    return {**schema, "components": document["components"]}  # so "#/components/..." resolves


def test_the_openapi_document_validates_and_describes_the_responses(client: FlaskClient) -> None:
    document = get_json(client, "/api/v1/openapi.json")
    validate_openapi(document)
    assert set(document["paths"]) == {"/contracts", "/authorities", "/suppliers", "/service-areas",
                                      "/summary", "/openapi.json", "/versions", "/changes"}
    contract = document["components"]["schemas"]["Contract"]
    assert list(contract["properties"]) == [f.name for f in api.contract_fields(public=False)]
    checker = jsonschema.Draft202012Validator.FORMAT_CHECKER
    for path, query in [("/contracts", "?per_page=9"), ("/contracts", "?supplier=nobody"),
                        ("/authorities", ""), ("/suppliers", "?weight=value"), ("/service-areas", ""),
                        ("/summary", "?supplier=civica&system=spydus")]:
        body = get_json(client, f"/api/v1{path}{query}")
        jsonschema.validate(body, response_schema(document, path), format_checker=checker)
    error = get_json(client, "/api/v1/contracts?page=x", status=400)
    jsonschema.validate(error, {**document["components"]["schemas"]["Error"],
                                "components": document["components"]})


def test_the_openapi_schema_catches_a_wrong_record(client: FlaskClient) -> None:
    document = get_json(client, "/api/v1/openapi.json")
    body = get_json(client, "/api/v1/contracts?per_page=1")
    body["data"][0]["end_date"] = 20270331  # a number where a date belongs
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(body, response_schema(document, "/contracts"))


def test_responses_are_compact_json(client: FlaskClient) -> None:
    text = client.get("/api/v1/authorities").get_data(as_text=True)
    assert json.loads(text)["meta"]["total"] == 33 and "NaN" not in text
