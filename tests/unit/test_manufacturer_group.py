"""The manufacturer and group filters (issue 14 item 2) and the drop-downs' faceted counts, on the
API fixture (tests/fixtures/api/dataset), whose nine rows are:

A-004 Islington finance-erp  Unit4/Unit4          a-000 Westminster finance-erp Oracle/Insight
A-001 Camden housing          Capita/Capita        A-008 Lambeth adult-social-care System C/System C
A-003 Hackney housing         NEC/NEC Software     A-002 Camden revenues-benefits Capita/Capita
A-006 Hackney libraries       Civica/Civica        A-005 City libraries Civica/Civica
A-007 Camden libraries        Civica/Civica        (manufacturer/supplier)
finance-erp is corporate; every other area here is frontline.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from flask.testing import FlaskClient

from techmap.analysis.facets import FACET_PARAMS, counts_digests, facet_counts, facet_index
from techmap.analysis.filters import FilterState
from techmap.analysis.queries import apply_filter
from techmap.appstate import AppState
from techmap.dataformat.dataset import load_dataset
from tests.unit.test_api import CAMDEN, CITY, FIXTURE, HACKNEY, contract_ids, get_json, instance, api_client


@pytest.fixture(scope="module")
def data():
    return load_dataset(FIXTURE)


@pytest.fixture()
def client(monkeypatch: pytest.MonkeyPatch) -> Iterator[FlaskClient]:
    with instance(monkeypatch, public=False):
        yield api_client()


# ---- FilterState and the URL ------------------------------------------------------------------


def test_manufacturer_and_group_round_trip_through_the_url() -> None:
    state = FilterState.from_query_string("?manufacturer=microsoft&manufacturer=cisco&group=frontline"
                                          "&group=nonsense&manufacturer=Not%20A%20Slug")
    assert state.manufacturer == ("microsoft", "cisco") and state.group == ("frontline",)
    assert state.to_query_string() == "?manufacturer=microsoft&manufacturer=cisco&group=frontline"
    assert FilterState.from_query_string(state.to_query_string()) == state
    assert FilterState.from_dict(state.to_dict()) == state
    assert state.toggled("group", "corporate").group == ("frontline", "corporate")
    assert state.without("manufacturer", "cisco").manufacturer == ("microsoft",)


def test_the_group_filter_and_the_renewals_group_view_share_the_key() -> None:
    """`group` is a filter (frontline, ...) and the renewals view setting (service_area or
    authority): their values are disjoint, so each keeps its own through the URL."""
    state = AppState.from_query_string("?group=corporate&group=authority")
    assert state.filters.group == ("corporate",) and state.view_value("group") == "authority"
    assert AppState.from_query_string(state.to_query_string()) == state


# ---- filtering ---------------------------------------------------------------------------------


def test_the_manufacturer_filter_matches_who_makes_it_not_who_sells_it(data) -> None:
    rows = apply_filter(data.contracts, FilterState(manufacturer=("oracle",)))
    assert rows["contract_id"].tolist() == ["a-000"] and rows["supplier"].tolist() == ["Insight"]
    assert apply_filter(data.contracts, FilterState(supplier=("oracle",))).empty


def test_the_group_filter_keeps_the_service_areas_of_the_group(data) -> None:
    corporate = apply_filter(data.contracts, FilterState(group=("corporate",)))
    assert sorted(corporate["contract_id"]) == ["A-004", "a-000"]
    both = apply_filter(data.contracts, FilterState(group=("corporate", "frontline")))
    assert len(both) == 9
    assert len(apply_filter(data.contracts, FilterState(group=("infrastructure",)))) == 0


def test_the_api_filters_by_manufacturer_and_group(client: FlaskClient) -> None:
    assert contract_ids(client, "?manufacturer=capita") == ["A-001", "A-002"]
    assert contract_ids(client, "?manufacturer=civica&authority=" + CAMDEN) == ["A-007"]
    assert contract_ids(client, "?group=corporate") == ["A-004", "a-000"]
    assert contract_ids(client, "?group=corporate&manufacturer=oracle") == ["a-000"]
    body = get_json(client, "/api/v1/contracts?manufacturer=capita&group=frontline")
    assert body["meta"]["filters"]["manufacturer"] == ["capita"]
    assert body["meta"]["filters"]["group"] == ["frontline"]
    assert body["data"][0]["manufacturer_slug"] == "capita"
    # the map's figures follow them too
    summary = {r["code"]: r for r in get_json(client, "/api/v1/summary?group=corporate")["data"]}
    assert summary[CAMDEN]["contracts"] == 0 and summary["E09000033"]["contracts"] == 1


def test_the_api_refuses_a_bad_group_or_manufacturer_by_name(client: FlaskClient) -> None:
    message = get_json(client, "/api/v1/contracts?group=authority", status=400)["error"]["message"]
    assert "Parameter group" in message and "frontline" in message
    message = get_json(client, "/api/v1/contracts?manufacturer=Not%20a%20slug", status=400)["error"]["message"]
    assert "Parameter manufacturer" in message and "manufacturer_slug" in message


def test_the_openapi_document_lists_both_filters(client: FlaskClient) -> None:
    doc = get_json(client, "/api/v1/openapi.json")
    params = doc["components"]["parameters"]
    assert params["group"]["schema"]["items"]["enum"][:3] == ["frontline", "corporate", "infrastructure"]
    assert params["manufacturer"]["explode"] is True
    contracts = [p["$ref"].rsplit("/", 1)[1] for p in doc["paths"]["/contracts"]["get"]["parameters"]]
    assert {"manufacturer", "group"} <= set(contracts)


# ---- faceted drop-down counts -----------------------------------------------------------------


def _named(index, counts, param: str) -> dict[str, int]:
    """{value: count} of one filter, the values with contracts only."""
    return {v: n for v, n in zip(index.values[param], counts[param], strict=True) if n}


def test_facets_count_each_value_under_the_other_filters(data) -> None:
    index = facet_index(data)
    counts = facet_counts(data.contracts, FilterState(manufacturer=("civica",)), index)
    assert _named(index, counts, "authority") == {CITY: 1, CAMDEN: 1, HACKNEY: 1}
    assert _named(index, counts, "supplier") == {"civica": 3}
    assert _named(index, counts, "group") == {"frontline": 3}
    # its own filter is lifted: every manufacturer stays on offer, with its count
    assert _named(index, counts, "manufacturer") == {"capita": 2, "civica": 3, "nec": 1, "oracle": 1,
                                                     "system-c": 1, "unit4": 1}
    counts = facet_counts(data.contracts, FilterState(area=("housing",), manufacturer=("capita",)), index)
    assert _named(index, counts, "authority") == {CAMDEN: 1}
    assert _named(index, counts, "manufacturer") == {"capita": 1, "nec": 1}
    assert _named(index, counts, "area") == {"housing": 1, "revenues-benefits": 1}
    assert _named(index, counts, "system") == {"open-housing": 1}


def test_facets_follow_the_dates_and_the_search(data) -> None:
    index = facet_index(data)
    counts = facet_counts(data.contracts, FilterState(q="spydus", ends_to=date(2027, 3, 1)), index)
    assert _named(index, counts, "authority") == {CAMDEN: 1}  # A-007 ends 2027-02-28; A-006 later
    assert counts["authority"].count(0) == 32


def test_facet_values_are_those_of_the_dataset_in_name_order(data) -> None:
    index = facet_index(data)
    assert set(index.values) == set(FACET_PARAMS)
    assert index.values["group"] == ("frontline", "corporate")
    assert index.labels["supplier"] == tuple(sorted(index.labels["supplier"], key=str.lower))
    assert len(index.values["authority"]) == 33
    assert "" not in index.values["manufacturer"]


def test_the_facet_callback_sends_only_the_counts_that_changed(monkeypatch: pytest.MonkeyPatch) -> None:
    import app  # noqa: F401  (registers the callbacks)
    from dash import Patch
    from dash.exceptions import PreventUpdate

    from shell.facets import update_facet_counts
    from shell.state_change import url_change
    from techmap.service import context
    from techmap.service.facet_views import facet_counts_for

    with instance(monkeypatch, public=False):
        empty = counts_digests(facet_counts_for(FilterState()))
        state = url_change("?manufacturer=capita")  # the change record (shell/state_change.py)
        patch, digests = update_facet_counts(state, empty)
        assert isinstance(patch, Patch)
        changed = {op["location"][0] for op in patch.to_plotly_json()["operations"]}
        assert changed == {"authority", "area", "group", "supplier", "system"}  # not its own
        with pytest.raises(PreventUpdate):  # nothing moved: no answer at all
            update_facet_counts(state, digests)
        assert context.dataset() is not None


def test_facet_counts_are_sent_sparse_when_most_are_zero() -> None:
    from shell.facets import sparse_or_dense

    assert sparse_or_dense([0] * 40 + [3] + [0] * 40) == {"nz": [[40, 3]]}
    assert sparse_or_dense([2, 1, 3, 4]) == [2, 1, 3, 4]  # dense is shorter


# ---- the group split in the headline figures --------------------------------------------------


def test_the_group_split_counts_contracts_per_group(data) -> None:
    from techmap.analysis.groups import borough_group_split, group_split

    assert group_split(data.contracts) == {"frontline": 7, "corporate": 2, "infrastructure": 0, "other": 0}
    camden = apply_filter(data.contracts, FilterState(authority=(CAMDEN,)))
    assert group_split(camden)["frontline"] == 3
    table = borough_group_split(data.contracts)
    assert table.loc["E09000033"].tolist() == [0, 1, 0, 0] and int(table.to_numpy().sum()) == 9


def test_the_map_headline_shows_the_split(monkeypatch: pytest.MonkeyPatch) -> None:
    import app  # noqa: F401
    import dash

    from tests.unit.test_public_mode import render

    with instance(monkeypatch, public=False):
        text = render(dash.page_registry["pages.map"]["layout"](manufacturer="capita"))
    assert "Frontline / corporate / infrastructure" in text and "2 / 0 / 0" in text


# ---- manufacturers beside suppliers (the suppliers page) --------------------------------------


def test_manufacturers_beside_the_suppliers_holding_their_contracts(data) -> None:
    from techmap.analysis.manufacturers import manufacturers_and_sellers, resold_count

    # a-000: Oracle sold by Insight; A-003: NEC's housing system held by NEC Software Solutions
    assert resold_count(data.contracts) == (9, 2)
    table = manufacturers_and_sellers(data.contracts)
    assert table[["manufacturer_slug", "contracts", "direct", "resold"]].values.tolist()[:3] == [
        ["nec", 1, 0, 1], ["oracle", 1, 0, 1], ["civica", 3, 3, 0]]
    assert table.loc[1, "sellers"] == [("Insight", 1)] and table.loc[2, "sellers"] == []
    corporate = apply_filter(data.contracts, FilterState(group=("corporate",)))
    assert resold_count(corporate) == (2, 1)


def test_the_suppliers_page_shows_who_makes_it_with_caption_and_table(monkeypatch: pytest.MonkeyPatch) -> None:
    import app  # noqa: F401
    import dash

    from pages.suppliers_makers import update_makers
    from shell.state_change import url_change
    from tests.unit.test_public_mode import render

    with instance(monkeypatch, public=False):
        text = render(dash.page_registry["pages.suppliers"]["layout"]())
        narrowed = render(update_makers(url_change("?area=libraries")))
    assert ("2 of the 9 contracts that name a manufacturer are held by another supplier" in text
            and "NEC is the most resold: 1 of its 1 contracts, through NEC Software Solutions (1)." in text)
    assert "Manufacturers and the suppliers that hold their contracts" in text  # the table alternative
    assert "0 of the 3 contracts that name a manufacturer" in narrowed


def test_the_group_filter_and_the_renewals_grouping_both_count_as_a_change_of_group() -> None:
    from shell.state_change import changed_parts

    state = AppState.from_query_string("?group=frontline&group=authority")
    assert state.filters.group == ("frontline",) and state.view_value("group") == "authority"
    assert changed_parts(AppState(), state) == {"group"}
    assert changed_parts(state, AppState.from_query_string("?group=frontline")) == {"group"}


def test_downloads_and_calendar_feeds_take_the_new_filters(monkeypatch: pytest.MonkeyPatch) -> None:
    import csv
    import io

    import app

    from techmap.auth.roles import Role
    from tests.unit.auth_helpers import bearer_token

    with instance(monkeypatch, public=False):
        client = app.server.test_client()
        client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {bearer_token(Role.MEMBER)}"
        response = client.get("/download/contracts.csv?manufacturer=oracle")
        rows = list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig"), newline="")))
        assert response.status_code == 200 and [r["contract_id"] for r in rows] == ["a-000"]
        response = client.get("/download/contracts.csv?group=corporate")
        assert "group-corporate" in response.headers["Content-Disposition"]
        feed = client.get("/calendar/renewals.ics?manufacturer=capita").get_data(as_text=True)
    assert "Manufacturer: Capita" in feed.replace("\r\n ", "")  # the feed's name says what it holds
    assert "Academy" in feed and "Spydus" not in feed
