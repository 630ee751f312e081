"""The reducer's two journey rules (issue 14 item 5): view settings that need a filter return to
their default when it goes, and a reversed contract-end range is refused; the map's legends."""

from datetime import date

from components.map_figure import map_figure, map_patch
from components.map_legend import NO_COLOUR, YES_COLOUR, count_steps, legend_for
from techmap import triggers
from techmap.analysis.queries import borough_metrics
from techmap.appstate import AppState, reduce_state, reduce_with_notice, url_notice
from techmap.service import context

TODAY = date(2026, 11, 22)


def reduce(state, trigger, value):
    return reduce_state(state, trigger, value, today=TODAY)


def control(param):
    return {"type": triggers.FILTER_CONTROL, "param": param}


def test_clear_all_returns_the_system_metric_to_the_default_and_keeps_other_views():
    state = AppState.from_query_string("?system=mosaic&metric=runs_system&size=value")
    after = reduce(state, triggers.CLEAR_ALL, 1)
    assert after.filters.is_empty
    assert after.view_value("metric") == "contracts" and after.view_value("size") == "value"
    # also when the metric was chosen before any system
    assert reduce(AppState.from_query_string("?metric=supplier_share&q=x"), triggers.CLEAR_ALL, 1) \
        .view_value("metric") == "contracts"
    # a metric that needs no filter stays
    assert reduce(AppState.from_query_string("?metric=suppliers&q=x"), triggers.CLEAR_ALL, 1) \
        .view_value("metric") == "suppliers"


def test_removing_the_last_needed_filter_resets_the_metric_but_not_one_of_several():
    state = AppState.from_query_string("?supplier=capita&supplier=nec&metric=supplier_share")
    chip = {"type": triggers.CHIP_REMOVE, "param": "supplier", "value": "capita"}
    one_left = reduce(state, chip, 1)
    assert one_left.filters.supplier == ("nec",) and one_left.view_value("metric") == "supplier_share"
    none_left = reduce(one_left, {**chip, "value": "nec"}, 1)
    assert none_left.view_value("metric") == "contracts"
    assert reduce(one_left, control("supplier"), []).view_value("metric") == "contracts"
    assert "metric" not in none_left.to_query_string()


def test_choosing_the_metric_before_the_system_is_allowed_and_draws_the_default_meanwhile():
    state = reduce(AppState(), {"type": triggers.VIEW, "name": "metric"}, "runs_system")
    assert state.view_value("metric") == "runs_system"
    assert state.effective_view("metric") == "contracts"
    chosen = reduce(state, control("system"), ["mosaic"])
    assert chosen.effective_view("metric") == "runs_system"


def test_a_reversed_range_from_a_control_is_refused_with_both_dates_named():
    state = AppState.from_query_string("?ends_from=2026-01-01&ends_to=2026-06-30")
    after, notice = reduce_with_notice(state, control("ends_from"), "2027-03-01", today=TODAY)
    assert after == state
    assert "2027-03-01" in notice and "2026-06-30" in notice and "kept" in notice
    after, notice = reduce_with_notice(state, control("ends_to"), "2025-12-31", today=TODAY)
    assert after == state and "2026-01-01" in notice and "2025-12-31" in notice
    ok, notice = reduce_with_notice(state, control("ends_to"), "2026-03-31", today=TODAY)
    assert ok.filters.ends_to == date(2026, 3, 31) and notice == ""


def test_a_url_never_keeps_a_reversed_range():
    query = "?ends_from=2027-03-01&ends_to=2026-01-01&q=mosaic"
    state = AppState.from_query_string(query)
    assert state.filters.ends_from == date(2027, 3, 1) and state.filters.ends_to is None
    assert "ends_to" not in state.to_query_string()
    assert "2027-03-01" in url_notice(query) and "2026-01-01" in url_notice(query)
    assert url_notice("?ends_from=2026-01-01&ends_to=2027-01-01") == ""


def test_yes_no_metric_has_a_two_colour_legend_labelled_yes_and_no():
    legend = legend_for("runs_system", [0.0, 1.0], "Runs the selected system")
    assert {c for _, c in legend["colorscale"]} == {YES_COLOUR, NO_COLOUR}
    assert legend["colorbar"]["ticktext"] == ["No", "Yes"]
    assert (legend["zmin"], legend["zmax"]) == (0.0, 1.0)


def test_counts_have_a_discrete_legend_in_whole_number_steps():
    small = legend_for("contracts", [0.0, 3.0, 4.0], "Contracts")
    assert small["colorbar"]["ticktext"] == ["0", "1", "2", "3", "4"]
    assert len({c for _, c in small["colorscale"]}) == 5  # one flat colour per step
    assert small["zmin"] == -0.5 and small["zmax"] == 4.5
    wide = legend_for("contracts", [3.0, 60.0], "Contracts")
    width, steps = count_steps(3, 60)
    assert steps <= 7 and wide["colorbar"]["ticktext"][0] == f"3–{3 + width - 1}"
    assert wide["zmax"] >= 60  # the highest value falls inside the last band
    money = legend_for("annual_value", [10.0, 500.0], "Annual value (£)")
    assert money["colorbar"]["tickmode"] == "auto" and money["zmax"] == 500.0


def test_the_patch_switches_the_legend_kind_with_the_metric():
    metrics = borough_metrics(context.dataset().contracts, today=context.today())
    assert map_figure(metrics, "contracts", ())["data"][0]["colorbar"]["tickmode"] == "array"
    ops = {tuple(op["location"]): op["params"].get("value")
           for op in map_patch(metrics, "runs_system", ()).to_plotly_json()["operations"]}
    assert ops[("data", 0, "colorbar")]["ticktext"] == ["No", "Yes"]
    assert {c for _, c in ops[("data", 0, "colorscale")]} == {YES_COLOUR, NO_COLOUR}


def test_a_yes_no_hover_is_not_ranked():
    metrics = borough_metrics(context.dataset().contracts, today=context.today(), system=("mosaic",))
    hover = map_figure(metrics, "runs_system", ())["data"][0]["customdata"]
    assert set(hover) <= {"yes", "no", "no contracts"} and "rank" not in " ".join(hover)
