"""The borough profile (/borough/<key>) and the boroughs index (/boroughs): their callbacks, called
as plain functions, follow the filter state (a filter change rewrites the URL without re-running
layout()), the renewals link keeps the filters, and withheld values say so."""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterator
from typing import Any

import dash
import pytest
from plotly.utils import PlotlyJSONEncoder

import app as app_module  # noqa: F401  (loads the pages, as Dash does)
import ids
from components.borough_profile import fmt_money, renewals_query
from dash.exceptions import PreventUpdate
from shell.state_change import url_change
from techmap.appstate import AppState
from techmap.analysis.queries import apply_filter, borough_metrics
from techmap.service import context
from tests.unit.component_tree import components_in
from tests.unit.test_api import HACKNEY, instance

CAMDEN = "E09000007"


def page(name: str) -> Any:
    return sys.modules[f"pages.{name}"]


def render(component: Any) -> str:
    return json.dumps(component, cls=PlotlyJSONEncoder, ensure_ascii=False)


def store(query: str) -> dict[str, Any]:
    """The change that brings a page to the state of `query` (shell/state_change.py)."""
    return url_change(query)


def find(component: Any, wanted: Any) -> Any:
    if getattr(component, "id", None) == wanted:
        return component
    children = getattr(component, "children", None)
    for child in children if isinstance(children, (list, tuple)) else [children]:
        if hasattr(child, "to_plotly_json"):
            hit = find(child, wanted)
            if hit is not None:
                return hit
    return None


def area_headings(body: Any) -> list[str]:
    """The service-area headings (h3) of 'Systems by service area' (once each: the phone's cards
    repeat them, shown instead of the tables)."""
    return list(dict.fromkeys(c.children for c in components_in(body) if type(c).__name__ == "H3"))


# ---- borough profile ------------------------------------------------------------------------------


def test_profile_follows_the_filters():
    everything = page("borough").update_profile(store(""), CAMDEN)
    housing = page("borough").update_profile(store("?area=housing"), CAMDEN)
    assert len(area_headings(everything)) > 1
    assert area_headings(housing) == ["Housing"]
    camden_housing = apply_filter(context.dataset().contracts, AppState.from_query_string("?area=housing").filters)
    camden_housing = camden_housing[camden_housing["authority_code"] == CAMDEN]
    assert f"{len(camden_housing):,} contracts with" in render(housing) and "(filtered)." in render(housing)


def test_profile_summary_says_one_contract_in_the_singular():
    """'1 contract with 1 supplier', not '1 contracts with 1 suppliers' (seen in the browser)."""
    contracts = context.dataset().contracts
    own = contracts[contracts["authority_code"] == CAMDEN]
    area = own["service_area"].value_counts()
    single = area[area == 1].index[0]  # an area where Camden has one contract
    body = render(page("borough").update_profile(store(f"?area={single}"), CAMDEN))
    assert "1 contract with 1 supplier (filtered)." in body


def test_profile_callback_gives_what_a_reload_of_the_url_gives():
    query = "?area=housing&area=libraries&ends_from=2026-11-22&metric=suppliers"
    layout = page("borough").layout(key="camden", area=["housing", "libraries"], ends_from="2026-11-22",
                                    metric="suppliers")
    assert render(find(layout, ids.BOROUGH_BODY).children) == render(page("borough").update_profile(store(query),
                                                                                                     CAMDEN))
    assert find(layout, ids.BOROUGH_CODE).data == CAMDEN


def test_the_borough_filter_does_not_narrow_its_own_profile():
    own = page("borough").update_profile(store("?authority=E09000012"), CAMDEN)
    unfiltered = page("borough").update_profile(store(""), CAMDEN)
    assert area_headings(own) == area_headings(unfiltered) and len(area_headings(own)) > 1
    assert "(filtered)" not in render(own)


@pytest.mark.parametrize("code", [None, 5, "", "E09999999", "<script>", ["E09000007"]])
def test_profile_callback_ignores_a_junk_borough(code):
    assert page("borough").update_profile(store("?area=housing"), code) is dash.no_update


@pytest.mark.parametrize("junk", [None, "x", 5, {"trigger": "x"}, {"trigger": "url", "value": 3}])
def test_profile_callback_survives_a_malformed_change(junk):
    try:
        body = page("borough").update_profile(junk, CAMDEN)
    except PreventUpdate:  # not a change: nothing is sent
        return
    assert area_headings(body) == area_headings(page("borough").update_profile(store(""), CAMDEN))


def test_see_its_renewals_keeps_the_filters_and_adds_the_borough():
    body = render(page("borough").update_profile(store("?authority=E09000012&area=housing&within=6"), CAMDEN))
    assert '"/renewals?authority=E09000012&authority=E09000007&area=housing&within=6"' in body
    assert renewals_query(AppState.from_query_string("?authority=E09000007&q=x"), CAMDEN) == (
        "?authority=E09000007&q=x")
    assert renewals_query(AppState(), CAMDEN) == "?authority=E09000007"


def test_links_on_the_profile_carry_the_filters():
    body = render(page("borough").update_profile(store("?area=housing"), CAMDEN))
    assert '"/boroughs?area=housing"' in body
    assert re.search(r'"/suppliers/[a-z0-9-]+\?area=housing"', body)


def test_unknown_borough_page():
    text = render(page("borough").layout(key="atlantis" * 50))
    assert "Borough not found" in text and "atlantis" * 15 in text and "atlantis" * 16 not in text


# ---- values withheld on a public instance ----------------------------------------------------------


@pytest.fixture(params=[False, True], ids=["private", "public"])
def public(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[bool]:
    with instance(monkeypatch, public=request.param):
        yield request.param


def test_a_withheld_value_says_not_published_on_the_borough_page(public: bool):
    """Hackney's only valued contract (A-003, £918,273) has value_public false."""
    text = render(page("borough").layout(key="hackney"))
    comparison = text[text.index("Annual value (where published)"):][:200]
    if public:
        assert "918,273" not in text and "£0" not in comparison
        assert "not published" in comparison
        assert text.count("not published") >= 2  # the comparison and A-003's row
    else:
        assert "£918,273" in comparison


def test_money_text():
    assert fmt_money(1234.4) == "£1,234"
    assert fmt_money(float("nan")) == "not known"
    assert fmt_money(None, public=False) == "not published"


# ---- boroughs index ---------------------------------------------------------------------------------


def test_boroughs_index_follows_the_filters():
    table = page("boroughs").update_table(store("?area=housing&authority=E09000007"))
    text = render(table)
    assert text.count("/borough/") == 33  # the borough filter does not shorten the list to choose from
    assert "/borough/camden?authority=E09000007&area=housing" in text
    housing = apply_filter(context.dataset().contracts, AppState.from_query_string("?area=housing").filters)
    counts = borough_metrics(housing, today=context.today())
    camden_row = text[text.index("/borough/camden"):][:300]
    assert f'"{counts.at[CAMDEN, "contracts"]:,}"' in camden_row
    assert "under the current filters" in text
    assert text != render(page("boroughs").update_table(store("")))
    assert "under the current filters" not in render(page("boroughs").update_table(store("")))


def test_boroughs_callback_gives_what_a_reload_gives_and_survives_junk():
    layout = page("boroughs").layout(area="housing")
    assert render(find(layout, ids.BOROUGHS_TABLE).children) == render(
        page("boroughs").update_table(store("?area=housing")))
    for junk in (None, "x", 5, {"filters": []}, {"trigger": "x", "search": 5}):
        with pytest.raises(PreventUpdate):  # not a change: nothing is sent
            page("boroughs").update_table(junk)


def test_hackney_fixture_is_what_the_public_test_assumes():
    with pytest.MonkeyPatch.context() as mp, instance(mp, public=True):
        rows = context.dataset().contracts
        assert rows.loc[rows["authority_code"] == HACKNEY, "annual_value_gbp"].isna().all()


def _route(path: str, search: str) -> str:
    """The page Dash's router renders for path + search, as the JSON it sends the browser."""
    body = {
        "output": ".._pages_content.children..._pages_store.data..",
        "outputs": [{"id": "_pages_content", "property": "children"},
                    {"id": "_pages_store", "property": "data"}],
        "inputs": [{"id": "_pages_location", "property": "pathname", "value": path},
                   {"id": "_pages_location", "property": "search", "value": search}],
        "state": [],
        "changedPropIds": ["_pages_location.pathname"],
    }
    response = app_module.server.test_client().post("/_dash-update-component", json=body)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return response.get_data(as_text=True)


def _h1s(node: Any) -> list[str]:
    if isinstance(node, list):
        return [h for child in node for h in _h1s(child)]
    if not isinstance(node, dict):
        return []
    props = node.get("props", {})
    own = [props.get("children")] if node.get("type") == "H1" else []
    return own + _h1s(props.get("children"))


@pytest.mark.parametrize("path, search, shown, not_shown", [
    # Dash hands query parameters to layout() over path variables: the path must still win
    ("/borough/camden", "?key=hackney", "Camden", "Hackney"),
    ("/borough/camden", "?key=a&key=b", "Camden", "Borough not found"),
    ("/suppliers/capita", "?slug=civica", "Capita", "Civica"),
    ("/suppliers/capita", "?slug=a&slug=b", "Capita", "Supplier not found"),
])
def test_profiles_show_the_path_not_a_query_parameter_of_the_same_name(path, search, shown, not_shown):
    content = json.loads(_route(path, search))["response"]["_pages_content"]["children"]
    headings = _h1s(content)
    assert headings == [shown], headings
    assert not_shown not in headings[0]
