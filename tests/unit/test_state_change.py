"""shell/state_change.py: every page callback computes the same next state from the change the
browser recorded, with the one reducer; the collector's inputs cover every filter control."""

from __future__ import annotations

import pytest
from dash.exceptions import PreventUpdate

import app as app_module  # noqa: F401  (registers the callbacks, as Dash does)
import ids
from shell.state_change import COLLECT_CHANGE, FILTERS, TRIGGERS, control_values, StateChange, new_state, state_change, store_data, url_change
from techmap.appstate import AppState
from techmap.analysis.filters import PARAMS

CAMDEN = "E09000007"


def test_a_change_is_applied_to_the_urls_state_by_the_reducer():
    change = {"trigger": ids.toggle("authority", CAMDEN), "value": 1, "search": "?area=housing"}
    found = state_change(change)
    assert found.before == AppState.from_query_string("?area=housing")
    assert found.after.to_query_string() == "?authority=E09000007&area=housing"
    assert found.changed() == {"authority"}
    assert new_state(change) == found.after  # what every page callback draws


def test_a_filter_controls_id_is_read_as_that_filter():
    found = state_change({"trigger": ids.FILTER_CONTROLS["area"], "value": ["housing"], "search": ""})
    assert found.after.filters.area == ("housing",)


def test_back_and_forward_give_the_urls_state_and_redraw_everything():
    found = state_change(url_change("?supplier=capita&metric=suppliers"))
    assert found.from_url and found.after.view_value("metric") == "suppliers"
    assert found.changed() >= {*PARAMS, "metric"}


@pytest.mark.parametrize("junk", [None, "x", 5, [], {"trigger": "nope", "value": 1, "search": ""},
                                  {"trigger": ids.CLEAR_ALL, "value": 1, "search": ""},  # nothing to clear
                                  {"trigger": ids.toggle("authority", CAMDEN), "value": 0, "search": ""},
                                  {**url_change("?area=housing"), "first": True}])
def test_nothing_changed_sends_nothing(junk):
    """Nothing changed, or the first load (the page's layout drew the URL's state already)."""
    assert state_change(junk) is None or state_change(junk).first
    with pytest.raises(PreventUpdate):
        new_state(junk)


def test_the_store_says_what_controls_and_view_settings_show_for_echo_checks():
    data = store_data(AppState.from_query_string("?authority=E09000007&ends_to=2027-01-01&top=5"))
    assert data["query"] == "?authority=E09000007&ends_to=2027-01-01&top=5"
    # the collector reads what a control shows from the filters (control_values' form) ...
    assert data["filters"]["authority"] == [CAMDEN] and data["filters"]["ends_from"] is None
    assert control_values(AppState.from_dict(data))[ids.FILTER_CONTROLS["ends_from"]] == ""
    # ... and each view setting from the view, else its default (written into the collector)
    assert data["view"] == {"top": "5"} and '"metric": "contracts"' in COLLECT_CHANGE
    assert StateChange(AppState(), AppState()).changed() == frozenset()


def test_the_collector_listens_to_every_filter_control_and_view_setting():
    listened = {(str(i.component_id), i.component_property) for i in TRIGGERS}
    for control in ids.FILTER_CONTROLS.values():
        assert (control, "value") in listened
    assert any("view" in key and prop == "value" for key, prop in listened)


def test_a_refused_change_says_why_and_redraws_no_page():
    change = {"trigger": ids.FILTER_CONTROLS["ends_to"], "value": "2027-01-01", "search": "?ends_from=2027-06-01"}
    found = state_change(change)
    assert found.after == found.before and "reversed" in found.notice and found.changed() == frozenset()
    with pytest.raises(PreventUpdate):
        new_state(change)


def test_a_page_callback_draws_only_when_what_it_depends_on_changed():
    sort = {"trigger": ids.view("grid_sort"), "value": "suppliers", "search": "?area=housing"}
    assert new_state(sort, {"grid_sort"}).filters.area == ("housing",)  # the whole new state
    with pytest.raises(PreventUpdate):
        new_state(sort, FILTERS)
    cell = {"trigger": ids.SYSTEMS_GRID, "value": {"authority": CAMDEN, "area": "housing", "n": 1}, "search": ""}
    assert new_state(cell, FILTERS).to_query_string() == "?authority=E09000007&area=housing"


def test_no_server_callback_waits_for_the_reducer():
    """Every server callback that follows the state takes ids.STATE_CHANGE, never what the reducer
    writes (ids.APP_STATE, the URL): that would be a second round trip after the reducer's."""
    server_callbacks = [c for c in app_module.app._callback_list if not c.get("clientside_function")]
    assert len(server_callbacks) > 20
    for spec in server_callbacks:
        inputs = {i["id"] for i in spec["inputs"]}
        assert ids.APP_STATE not in inputs and ids.URL not in inputs, spec["output"]
