"""shell/state_change.py: every page callback computes the same next state from the change the
browser recorded, with the one reducer; the collector's inputs cover every filter control."""

from __future__ import annotations

import pytest
from dash.exceptions import PreventUpdate

import app as app_module  # noqa: F401  (registers the callbacks, as Dash does)
import ids
from shell.state_change import TRIGGERS, StateChange, new_state, state_change, store_data, url_change
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
    assert data["controls"][ids.FILTER_CONTROLS["authority"]] == [CAMDEN]
    assert data["controls"][ids.FILTER_CONTROLS["ends_from"]] == ""
    assert data["views"]["top"] == "5" and data["views"]["metric"] == "contracts"
    assert StateChange(AppState(), AppState()).changed() == frozenset()


def test_the_collector_listens_to_every_filter_control_and_view_setting():
    listened = {(str(i.component_id), i.component_property) for i in TRIGGERS}
    for control in ids.FILTER_CONTROLS.values():
        assert (control, "value") in listened
    assert any("view" in key and prop == "value" for key, prop in listened)
