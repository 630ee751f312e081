"""The shell's callbacks (shell/callbacks.py) called as plain functions, with the callback context Dash
would give them: the reducer wrapper (the URL is its base state, no-op changes are skipped, only
changed controls are written back, reset, toggling, malformed input) and the shared views of the
state (chips, banner, live announcement). The pure reducer itself is tested in test_appstate.py."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from dash import no_update
from plotly.utils import PlotlyJSONEncoder

import app as app_module  # noqa: F401  (loads the pages and the shell callbacks, as Dash does)
import ids
from dash_compat import callback_context
from shell.state_change import url_change
from techmap.appstate import AppState
from techmap.service import context
from techmap.service.views import in_view

CAMDEN, HACKNEY = "E09000007", "E09000012"
CONTROLS = list(ids.FILTER_CONTROLS)  # the reducer's control outputs, in this order
PROPS = {ids.URL: "search", ids.CLEAR_ALL: "n_clicks"}


def shell() -> Any:
    return sys.modules["shell.callbacks"]


@contextmanager
def fired(views: tuple[str, ...] = (), first: bool = False) -> Iterator[None]:
    """Dash's callback context for one firing of the reducer: which view settings (ids.view(name))
    are on the page, i.e. the ALL outputs it fills."""
    outputs = [{"id": ids.APP_STATE, "property": "data"}, {"id": ids.URL, "property": "search"},
               *[{"id": ids.FILTER_CONTROLS[p], "property": "value"} for p in CONTROLS],
               [{"id": ids.view(name), "property": "value"} for name in views],
               *[{"id": i, "property": p} for i, p in ((ids.CHIPS, "children"), (ids.BANNER_LONG, "children"),
                                                      (ids.BANNER_SHORT, "children"), (ids.SYNTHETIC_BANNER, "hidden"),
                                                      (ids.LIVE_REGION, "children"), (ids.FILTER_NOTICE, "children"))],
               [{"id": ids.nothing_matches(""), "property": "children"}]]
    with callback_context([(ids.FIRST_STATE if first else ids.STATE_CHANGE, "data", None)], outputs):
        yield


def change(search: str | None, trigger: Any, value: Any) -> dict[str, Any]:
    """What the browser's collector records (shell/state_change.py); trigger None = first load."""
    if trigger is None:
        return {**url_change(search), "first": True}
    if trigger == ids.URL:
        return url_change(value)
    return {"trigger": trigger, "value": value, "search": search}


def reduce(search: str | None, trigger: Any = None, value: Any = None,
           views: tuple[str, ...] = ()) -> dict[str, Any]:
    """Call reduce_app_state as Dash does (the change, the URL's query) and name its outputs."""
    record = change(search, trigger, value)
    with fired(views, first=trigger is None):  # the first load's record comes in ids.FIRST_STATE
        out = shell().reduce_app_state(None if trigger is None else record, record, "/")
    assert len(out) == 10 + len(CONTROLS)
    n = len(CONTROLS)
    return {"store": out[0], "search": out[1], "controls": dict(zip(CONTROLS, out[2:2 + n], strict=True)),
            "views": out[2 + n], "shared": out[3 + n:8 + n], "notice": out[8 + n], "slots": out[9 + n]}


def skipped(result: dict[str, Any]) -> bool:
    return (result["store"] is no_update and result["search"] is no_update
            and all(v is no_update for v in result["controls"].values())
            and all(v is no_update for v in result["views"]))


# ---- the reducer wrapper -------------------------------------------------------------------------


def test_first_load_takes_the_url_and_fills_every_control():
    out = reduce("?authority=E09000007&area=housing&ends_to=2027-11-22&q=mosaic&metric=suppliers",
                 views=("metric",))
    assert out["store"]["filters"]["authority"] == [CAMDEN]
    assert out["store"]["view"] == {"metric": "suppliers"}
    assert out["store"]["query"] == "?authority=E09000007&area=housing&ends_to=2027-11-22&q=mosaic&metric=suppliers"
    assert out["search"] is no_update  # the URL already says this
    assert out["controls"] == {"authority": [CAMDEN], "area": ["housing"], "supplier": [], "system": [],
                               "manufacturer": [], "group": [],
                               "ends_from": "", "ends_to": "2027-11-22", "q": "mosaic"}
    assert out["views"] == ["suppliers"]


def test_a_url_in_another_order_or_with_junk_is_rewritten_in_canonical_form():
    out = reduce("?q=mosaic&authority=E09000007&authority=junk&metric=contracts")
    assert out["search"] == "?authority=E09000007&q=mosaic"


def test_the_url_is_the_base_state_not_the_store():
    """A control change is applied to the state in the URL (the store may lag behind it)."""
    out = reduce("?authority=E09000007", ids.FILTER_CONTROLS["area"], ["housing"])
    assert out["store"]["filters"]["authority"] == [CAMDEN]
    assert out["store"]["filters"]["area"] == ["housing"]
    assert out["search"] == "?authority=E09000007&area=housing"


def test_only_the_changed_controls_are_written_back():
    out = reduce("?authority=E09000007&q=mos", ids.FILTER_CONTROLS["area"], ["housing"])
    assert out["controls"]["area"] is no_update  # it shows what the person chose already
    # the search box may still be being typed in: never overwritten by a response about another control
    for param in ("authority", "supplier", "system", "ends_from", "ends_to", "q"):
        assert out["controls"][param] is no_update, param


def test_a_control_is_written_back_cleaned():
    out = reduce("", ids.FILTER_CONTROLS["q"], "  two   spaces  ")
    assert out["controls"]["q"] == "two spaces"
    assert out["search"] == "?q=two+spaces"


def test_no_op_changes_are_skipped():
    # components that just appeared fire with the values the URL already holds
    assert skipped(reduce("?area=housing", ids.FILTER_CONTROLS["area"], ["housing"], views=("metric",)))
    assert skipped(reduce("", ids.FILTER_CONTROLS["q"], ""))
    assert skipped(reduce("", ids.view("metric"), "contracts", views=("metric",)))
    assert skipped(reduce("", ids.CLEAR_ALL, 0))  # a button rendered with n_clicks=0
    assert skipped(reduce("", ids.toggle("authority", CAMDEN), 0))


def test_back_and_forward_replace_the_state_from_the_url():
    out = reduce("?area=housing", ids.URL, "?area=housing")
    assert out["store"]["filters"]["area"] == ["housing"]
    assert out["search"] is no_update
    assert out["controls"]["area"] == ["housing"] and out["controls"]["authority"] == []


def test_a_reversed_range_is_refused_with_a_notice_and_the_next_change_clears_it():
    out = reduce("?ends_from=2027-06-01", ids.FILTER_CONTROLS["ends_to"], "2027-01-01")
    assert out["store"]["filters"]["ends_to"] is None and out["search"] is no_update
    assert out["controls"]["ends_to"] == ""  # the refused date goes back to the kept one (none)
    assert "2027-06-01" in out["notice"] and "2027-01-01" in out["notice"]
    assert reduce("?ends_from=2027-06-01", ids.FILTER_CONTROLS["area"], ["housing"])["notice"] == ""
    link = reduce("?ends_from=2027-06-01&ends_to=2027-01-01")  # a link's reversed range loses ends_to
    assert link["store"]["filters"]["ends_to"] is None and "left out" in link["notice"]


def test_a_systems_grid_cell_filters_to_its_borough_and_area():
    out = reduce("", ids.SYSTEMS_GRID, {"authority": CAMDEN, "area": "housing", "n": 1})
    assert out["search"] == f"?authority={CAMDEN}&area=housing"
    assert out["controls"]["authority"] == [CAMDEN] and out["controls"]["area"] == ["housing"]


def test_clear_all_resets_filters_keeps_view_and_empties_every_control():
    out = reduce("?authority=E09000007&area=housing&q=x&metric=suppliers", ids.CLEAR_ALL, 1, views=("metric",))
    assert out["store"]["filters"] == AppState().filters.to_dict()
    assert out["store"]["view"] == {"metric": "suppliers"}
    assert out["search"] == "?metric=suppliers"
    assert out["controls"]["authority"] == [] and out["controls"]["area"] == [] and out["controls"]["q"] == ""
    assert out["controls"]["supplier"] is no_update  # was empty already


def test_toggle_adds_then_removes_a_borough():
    added = reduce("?authority=E09000012", ids.toggle("authority", CAMDEN), 1)
    assert added["store"]["filters"]["authority"] == [HACKNEY, CAMDEN]
    assert added["search"] == "?authority=E09000012&authority=E09000007"
    assert added["controls"]["authority"] == [HACKNEY, CAMDEN]
    removed = reduce(added["search"], ids.toggle("authority", CAMDEN), 2)
    assert removed["store"]["filters"]["authority"] == [HACKNEY]
    assert removed["search"] == "?authority=E09000012"


def test_map_click_and_chip_remove():
    click = {"points": [{"location": CAMDEN}]}
    out = reduce("", ids.MAP_GRAPH, click)
    assert out["search"] == "?authority=E09000007"
    out = reduce("?authority=E09000007&area=housing", ids.chip_remove("area", "housing"), 1)
    assert out["search"] == "?authority=E09000007"
    assert out["controls"]["area"] == [] and out["controls"]["authority"] is no_update


def test_view_setting_is_written_to_the_url_and_its_control():
    out = reduce("?area=housing", ids.view("metric"), "ending_12m", views=("metric",))
    assert out["search"] == "?area=housing&metric=ending_12m"
    assert out["views"] == [no_update]  # the control shows what the person chose already
    cleared = reduce("?supplier=capita&metric=supplier_share", ids.CLEAR_ALL, 1, views=("metric",))
    assert cleared["views"] == ["contracts"]  # a view that needs a filter returns to its default


@pytest.mark.parametrize("search", [None, "", "?", "%%%", "?authority=E09999999&area=<b>&ends_from=2024-02-31"
                                    "&metric=<script>&supplier=Bad Slug", "?" + "a=1&" * 2000])
def test_malformed_url_gives_a_valid_state(search):
    out = reduce(search, views=("metric",))
    assert AppState.from_dict(out["store"]).filters == AppState().filters
    assert out["store"]["query"] == ""
    assert out["search"] is no_update or out["search"] == ""  # the junk leaves the address bar
    assert out["views"] == ["contracts"]


@pytest.mark.parametrize("trigger,value", [
    (ids.FILTER_CONTROLS["area"], ["no-such-area", 5, None]),
    (ids.FILTER_CONTROLS["ends_from"], "2024-02-31"),
    (ids.MAP_GRAPH, {"points": "junk"}),
    (ids.MAP_GRAPH, None),
    (ids.toggle("nonsense", "x"), 1),
    (ids.view("metric"), "<script>"),
    (ids.view("no-such-view"), "x"),
    ({"type": "unknown"}, 1),
])
def test_malformed_input_changes_nothing(trigger, value):
    assert skipped(reduce("?authority=E09000007", trigger, value, views=("metric",)))


def test_junk_values_from_a_control_are_dropped_and_the_rest_kept():
    out = reduce("", ids.FILTER_CONTROLS["authority"], ["E09999999", CAMDEN, "<b>", 7])
    assert out["search"] == "?authority=E09000007"
    assert out["controls"]["authority"] == [CAMDEN]  # the control is told what was kept


# ---- the shared views of the state ---------------------------------------------------------------


def render(component: Any) -> str:
    return json.dumps(component, cls=PlotlyJSONEncoder, ensure_ascii=False)


def test_show_state_chips_banner_and_announcement():
    state = AppState.from_query_string("?authority=E09000007&area=housing")
    chips, long, short, hidden, live = shell().state_views(state)
    contracts, boroughs, synthetic = in_view(state.filters)
    assert contracts and synthetic == contracts  # housing rows are all illustrative
    assert "Borough: Camden" in render(chips) and "Service area: Housing" in render(chips)
    assert hidden is False and long.startswith("All contracts shown are made up")
    assert short == "100% of these contracts are made up, not real. "
    assert live == f"Showing {contracts:,} contract{'s' if contracts != 1 else ''} in 1 borough."


def test_after_a_change_the_banner_sends_only_the_sentences_that_changed():
    before, after = AppState(), AppState.from_query_string(f"?authority={CAMDEN}")
    _chips, long, short, hidden, _live = shell().state_views(after, before)
    assert hidden is no_update and "made up for demonstration" in long and "made up, not real" in short
    assert shell().state_views(after, after)[1:4] == (no_update, no_update, no_update)  # nothing to say
    libraries = AppState.from_query_string("?area=libraries")  # all real: hidden, its text kept
    assert shell().state_views(libraries, after)[1:4] == (no_update, no_update, True)
    assert shell().state_views(after, libraries)[3] is False


def test_show_state_hides_the_banner_when_nothing_illustrative_is_in_view():
    libraries = AppState.from_query_string("?area=libraries")
    _chips, long, short, hidden, live = shell().state_views(libraries)
    assert (long, short, hidden) == ("", "", True)
    assert live == f"Showing {in_view(libraries.filters)[0]:,} contracts in 33 boroughs."


def test_show_state_when_nothing_matches():
    chips, _long, _short, hidden, live = shell().state_views(AppState.from_dict({"filters": {"q": "no-such-thing-at-all"}}))
    assert hidden is True and live == "No contracts match these filters."
    assert "Search: “no-such-thing-at-all”" in render(chips)


def test_the_reducer_redraws_the_nothing_matches_slot_after_a_change_only():
    gone = reduce("", ids.FILTER_CONTROLS["q"], "no-such-thing-at-all")
    assert "Nothing matches these filters" in render(gone["slots"])
    assert reduce("?q=no-such-thing-at-all")["slots"] == [no_update]  # the first load: the layout drew it


@pytest.mark.parametrize("junk", ["x", 5, [], {"trigger": "x"}, {"search": 5, "trigger": ["x"]},
                                  {"trigger": ids.URL, "value": {"x": 1}}])
def test_the_reducer_survives_a_malformed_change(junk):
    with fired():
        out = shell().reduce_app_state(junk, None, "/")
    chips = out[3 + len(CONTROLS)]
    assert chips is no_update or "No filters: showing all of London." in render(chips)


# ---- the synthetic-data banner names what is real, from the dataset --------------------------------


def test_banner_names_the_service_areas_with_rows_from_public_sources(monkeypatch: pytest.MonkeyPatch):
    """The API fixture's only non-synthetic rows: A-002 (revenues and benefits), A-005 (libraries)."""
    from techmap.service.views import public_source_areas
    from tests.unit.test_api import instance

    with instance(monkeypatch, public=False):
        assert public_source_areas(context.dataset()) == ("Revenues and benefits", "Libraries")
        _chips, long, _short, hidden, _live = shell().state_views(AppState())
        text = long
        assert hidden is False
        assert "The contracts that come from public sources are all in Revenues and benefits and Libraries." in text
        assert "library, planning and elections" not in text


def test_banner_lists_three_areas_with_a_serial_comma_and_none_when_all_are_illustrative():
    from dataclasses import replace as dc_replace

    from components.chips import banner_sentences
    from techmap.service.views import public_source_areas

    london = context.dataset()  # the demo: real rows in many areas
    areas = ("Planning and building control", "Libraries", "Elections and electoral registration")
    assert ("all in Planning and building control, Libraries, and Elections and electoral registration."
            in banner_sentences(10, 5, areas)[0])
    many = public_source_areas(london)
    assert len(many) > 3 and many[:2] == ("Housing", "Planning and building control")
    assert ("The other 5 are real, from public sources, in " f"{len(many)} service areas"
            in banner_sentences(10, 5, many)[0])
    assert "public sources" not in banner_sentences(10, 10, many)[0]  # none in view is real: no "other 0"
    all_made_up = dc_replace(london, contracts=london.contracts.assign(synthetic=True))
    assert public_source_areas(all_made_up) == ()
    text = banner_sentences(10, 10, public_source_areas(all_made_up))[0]
    assert "All contracts shown are made up" in text and "public sources" not in text




def test_after_a_change_the_chips_send_only_the_chip_added_or_removed():
    one, two = AppState.from_query_string(f"?authority={CAMDEN}"), AppState.from_query_string(
        f"?authority={CAMDEN}&area=housing")
    added = shell().state_views(two, one)[0].to_plotly_json()["operations"]
    assert [op["operation"] for op in added] == ["Insert"] and added[0]["params"]["index"] == 1
    assert "Service area: Housing" in json.dumps(added[0]["params"]["value"], cls=PlotlyJSONEncoder)
    removed = shell().state_views(one, two)[0].to_plotly_json()["operations"]
    assert [op["operation"] for op in removed] == ["Delete"]
    assert shell().state_views(one, one)[0] is no_update
    assert isinstance(shell().state_views(AppState(), two)[0], list)  # all gone: the whole (empty) list
