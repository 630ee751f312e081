"""The reducer and the app state's URL round trip: every trigger, reset, toggling, malformed input."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from techmap.appstate import VIEW_PARAMS, AppState, reduce_state
from techmap.analysis.filters import FilterState

TODAY = date(2026, 11, 22)
CAMDEN, HACKNEY = "E09000007", "E09000012"


def state(query: str = "") -> AppState:
    return AppState.from_query_string(query)


def test_url_trigger_replaces_state_from_query():
    after = reduce_state(state("?area=housing"), "url", "?authority=E09000007&metric=suppliers", today=TODAY)
    assert after.filters == FilterState(authority=(CAMDEN,))
    assert after.view_value("metric") == "suppliers"


def test_url_trigger_drops_malformed_values():
    after = reduce_state(AppState(), "url", "?authority=E09999999&authority=camden&area=nope&ends_from=2024-02-31"
                         "&metric=<script>&supplier=Bad Slug&q=" + "x" * 500, today=TODAY)
    assert after.filters.authority == ()
    assert after.filters.area == ()
    assert after.filters.ends_from is None
    assert after.filters.supplier == ()
    assert after.view_value("metric") == "contracts"
    assert len(after.filters.q) == 100


def test_url_trigger_with_non_string_gives_empty_state():
    assert reduce_state(state("?area=housing"), "url", None, today=TODAY) == AppState()
    assert reduce_state(state("?area=housing"), "url", {"x": 1}, today=TODAY) == AppState()


def test_filter_control_sets_repeatable_values_and_drops_junk():
    trigger = {"type": "filter-control", "param": "authority"}
    after = reduce_state(AppState(), trigger, [CAMDEN, "nonsense", HACKNEY, CAMDEN], today=TODAY)
    assert after.filters.authority == (CAMDEN, HACKNEY)
    assert reduce_state(after, trigger, [], today=TODAY).filters.authority == ()
    assert reduce_state(after, trigger, None, today=TODAY).filters.authority == ()


def test_filter_control_dates_and_text():
    after = reduce_state(AppState(), {"type": "filter-control", "param": "ends_from"}, "2027-01-31", today=TODAY)
    assert after.filters.ends_from == date(2027, 1, 31)
    cleared = reduce_state(after, {"type": "filter-control", "param": "ends_from"}, "", today=TODAY)
    assert cleared.filters.ends_from is None
    bad = reduce_state(after, {"type": "filter-control", "param": "ends_from"}, "31/01/2027", today=TODAY)
    assert bad.filters.ends_from is None
    searched = reduce_state(AppState(), {"type": "filter-control", "param": "q"}, "  Mosaic   care ", today=TODAY)
    assert searched.filters.q == "Mosaic care"


def test_unknown_filter_param_is_ignored():
    before = state("?area=housing")
    assert reduce_state(before, {"type": "filter-control", "param": "evil"}, "x", today=TODAY) == before


def test_clear_all_resets_filters_but_keeps_view():
    before = state("?authority=E09000007&area=housing&q=x&metric=suppliers")
    after = reduce_state(before, "clear-all", 1, today=TODAY)
    assert after.filters.is_empty
    assert after.view_value("metric") == "suppliers"
    assert reduce_state(before, "clear-all", 0, today=TODAY) == before  # a new button, not a click


def test_chip_remove_one_value_or_whole_param():
    before = state("?authority=E09000007&authority=E09000012&ends_to=2027-12-31&q=cloud")
    after = reduce_state(before, {"type": "chip-remove", "param": "authority", "value": CAMDEN}, 1, today=TODAY)
    assert after.filters.authority == (HACKNEY,)
    after = reduce_state(after, {"type": "chip-remove", "param": "ends_to", "value": ""}, 1, today=TODAY)
    assert after.filters.ends_to is None
    after = reduce_state(after, {"type": "chip-remove", "param": "q", "value": ""}, 1, today=TODAY)
    assert after.filters.q == ""
    # a chip that has just appeared (n_clicks 0/None) changes nothing
    assert reduce_state(before, {"type": "chip-remove", "param": "q", "value": ""}, None, today=TODAY) == before


def test_toggle_adds_then_removes():
    trigger = {"type": "toggle", "param": "authority", "value": CAMDEN}
    once = reduce_state(AppState(), trigger, 1, today=TODAY)
    assert once.filters.authority == (CAMDEN,)
    twice = reduce_state(once, trigger, 2, today=TODAY)
    assert twice.filters.authority == ()
    assert reduce_state(AppState(), {"type": "toggle", "param": "q", "value": "x"}, 1, today=TODAY) == AppState()
    assert reduce_state(AppState(), {"type": "toggle", "param": "authority", "value": "E0"}, 1,
                        today=TODAY) == AppState()


def test_map_click_toggles_borough():
    click = {"points": [{"location": CAMDEN, "z": 3}]}
    after = reduce_state(AppState(), {"type": "map-graph", "page": "map"}, click, today=TODAY)
    assert after.filters.authority == (CAMDEN,)
    again = reduce_state(after, {"type": "map-graph", "page": "map"}, click, today=TODAY)
    assert again.filters.authority == ()


@pytest.mark.parametrize("junk", [None, {}, {"points": []}, {"points": "x"}, {"points": [{"location": 5}]},
                                  {"points": [{"location": "E09000099"}]}, "text", [1, 2]])
def test_malformed_map_click_changes_nothing(junk):
    before = state("?area=housing")
    assert reduce_state(before, {"type": "map-graph", "page": "map"}, junk, today=TODAY) == before


def test_treemap_click_toggles_supplier_only_for_supplier_nodes():
    trigger = {"type": "treemap", "page": "suppliers"}
    after = reduce_state(AppState(), trigger, {"points": [{"id": "housing/capita/openhousing"}]}, today=TODAY)
    assert after.filters.supplier == ("capita",)
    area_only = reduce_state(AppState(), trigger, {"points": [{"id": "housing"}]}, today=TODAY)
    assert area_only == AppState()


def test_window_sets_end_range_from_today():
    after = reduce_state(AppState(), {"type": "window", "months": 12}, 1, today=TODAY)
    assert after.filters.ends_from == TODAY
    assert after.filters.ends_to == date(2027, 11, 22)
    assert reduce_state(AppState(), {"type": "window", "months": 9999}, 1, today=TODAY) == AppState()
    assert reduce_state(AppState(), {"type": "window", "months": "12"}, 1, today=TODAY) == AppState()


def test_view_settings_are_allow_listed():
    after = reduce_state(AppState(), {"type": "view", "name": "metric"}, "ending_12m", today=TODAY)
    assert after.view_value("metric") == "ending_12m"
    assert after.to_query_string() == "?metric=ending_12m"
    assert reduce_state(after, {"type": "view", "name": "metric"}, "drop table", today=TODAY) == after
    assert reduce_state(after, {"type": "view", "name": "evil"}, "x", today=TODAY) == after
    # the default is not written to the URL
    back = reduce_state(after, {"type": "view", "name": "metric"}, "contracts", today=TODAY)
    assert back.to_query_string() == ""


def test_unknown_triggers_change_nothing():
    before = state("?area=housing")
    for trigger in (None, 42, "nonsense", {"type": "nonsense"}, {"no": "type"}):
        assert reduce_state(before, trigger, 1, today=TODAY) == before


def test_store_round_trip_and_malformed_store():
    s = state("?authority=E09000007&area=housing&ends_from=2027-01-01&q=cloud&metric=suppliers&size=value")
    assert AppState.from_dict(s.to_dict()) == s
    assert AppState.from_dict(None) == AppState()
    assert AppState.from_dict({"filters": "x", "view": [1]}) == AppState()
    assert AppState.from_dict({"filters": {"authority": [1, None, CAMDEN]}}).filters.authority == (CAMDEN,)


def test_page_query_from_dash_keyword_arguments():
    s = AppState.from_page_query({"authority": [CAMDEN, HACKNEY], "metric": "systems", "junk": "1"})
    assert s.filters.authority == (CAMDEN, HACKNEY)
    assert s.view_value("metric") == "systems"


view_pairs = st.fixed_dictionaries({}, optional={
    name: st.sampled_from(allowed) for name, (_, allowed) in VIEW_PARAMS.items()})


@given(view_pairs)
def test_view_round_trips_through_url(view):
    s = AppState.from_pairs(list(view.items()))
    assert AppState.from_query_string(s.to_query_string()) == s


@given(st.text(max_size=300))
def test_any_query_string_gives_a_valid_state(text):
    s = AppState.from_query_string(text)
    assert AppState.from_query_string(s.to_query_string()) == s
