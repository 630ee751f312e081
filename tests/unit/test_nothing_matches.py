"""Every page's "nothing matches" block: it names the filters to relax, with what each brings
back, and links to the same page without them."""

import json
import sys

import pytest
from plotly.utils import PlotlyJSONEncoder

import app as app_module  # noqa: F401  (loads the pages and the shell callbacks, as Dash does)
from shell import nothing_matches
from techmap.analysis.filters import FilterState
from techmap.analysis.relax import relaxations
from techmap.appstate import AppState
from techmap.service import context

CAMDEN = "E09000007"


def render(component):
    return json.dumps(component.to_plotly_json() if component is not None else None,
                      cls=PlotlyJSONEncoder, ensure_ascii=False)


def test_relaxations_count_what_each_removal_brings_back_most_first():
    counts = {FilterState.from_query_string("?q=zzz"): 0, FilterState.from_query_string("?area=housing"): 7}
    filters = FilterState.from_query_string("?area=housing&q=zzz")
    found = relaxations(filters, lambda f: counts.get(f, -1))
    assert [(r.param, r.values, r.matches) for r in found] == [("q", ("zzz",), 7), ("area", ("housing",), 0)]
    assert relaxations(filters, lambda f: 1, fixed=("q",))[0].param == "area"


def test_the_block_names_each_filter_with_a_link_that_removes_it_and_clear_all():
    state = AppState.from_query_string("?area=housing&q=no-such-system-anywhere&metric=suppliers")
    body = render(nothing_matches.content(state, "/renewals"))
    assert "Nothing matches these filters" in body
    assert "Remove Search: “no-such-system-anywhere”" in body and "Remove Service area: Housing" in body
    assert '"/renewals?area=housing&metric=suppliers"' in body  # search removed, view kept
    assert '"/renewals?q=no-such-system-anywhere&metric=suppliers"' in body
    assert "Clear all filters" in body and '"/renewals?metric=suppliers"' in body
    assert "contracts would show" in body  # removing the search brings the housing contracts back


def test_nothing_is_drawn_while_something_matches():
    assert nothing_matches.content(AppState(), "/") is None
    assert nothing_matches.content(AppState.from_query_string("?area=housing"), "/data") is None


def test_a_borough_profile_never_offers_its_own_borough_for_removal():
    data = context.dataset().contracts
    elsewhere = sorted(set(data["system_slug"]) - set(data.loc[data["authority_code"] == CAMDEN, "system_slug"]))
    state = AppState.from_query_string(f"?authority=E09000012&system={elsewhere[0]}")
    body = render(nothing_matches.content(state, "/borough/camden", nothing_matches.scope_of("authority", CAMDEN)))
    assert "contracts of Camden" in body and "Remove Borough" not in body and "Remove System" in body
    assert '"/borough/camden?authority=E09000012"' in body  # the system removed, the rest kept


@pytest.mark.parametrize("name", ["map", "suppliers", "renewals", "data", "changes"])
def test_every_page_places_the_slot_drawn_for_its_state(name):
    layout = sys.modules[f"pages.{name}"].layout(q="no-such-system-anywhere")
    assert "Nothing matches these filters" in render(layout)


def test_the_reducer_redraws_every_slot_for_the_path():
    from shell.state_change import state_change, url_change

    slots = [{"id": {"type": "nothing-matches", "scope": ""}, "property": "children"},
             {"id": {"type": "nothing-matches", "scope": f"authority:{CAMDEN}"}, "property": "children"}]
    drawn = nothing_matches.redrawn(state_change(url_change("?q=no-such-system-anywhere")), "//evil/x", slots)
    body = render(drawn[0])
    assert len(drawn) == 2 and '"/evil/x"' in body and '"//evil' not in body
    assert "contracts of Camden" in render(drawn[1])


def test_the_first_load_and_an_unchanged_state_leave_the_slots_alone():
    from dash import no_update

    from shell.state_change import state_change, url_change

    slots = [{"id": {"type": "nothing-matches", "scope": ""}, "property": "children"}]
    first = state_change({**url_change("?q=no-such-system-anywhere"), "first": True})
    assert nothing_matches.redrawn(first, "/", slots) == [no_update]


def test_when_no_single_removal_helps_it_says_to_remove_several():
    state = AppState.from_query_string("?q=no-such-system-anywhere&ends_from=2200-01-01")
    body = render(nothing_matches.content(state, "/data"))
    assert "remove several, or clear them all" in body and "still nothing on its own" in body
