"""Map figure builders and the map/borough page callbacks, called as plain functions."""

import json
import sys

import pytest
from plotly.utils import PlotlyJSONEncoder

import app as app_module  # noqa: F401  (loads the pages, as Dash does)
import ids
from components.map_figure import map_figure, map_patch
from components.map_panel import headline_values, map_caption, ranked_names, ranked_rows
from dash.exceptions import PreventUpdate
from shell.state_change import url_change
from techmap.appstate import AppState
from techmap.analysis.queries import apply_filter, borough_metrics
from techmap.service import context

CAMDEN = "E09000007"


def page(name):
    return sys.modules[f"pages.{name}"]


@pytest.fixture(scope="module")
def metrics():
    return borough_metrics(context.dataset().contracts, today=context.today())


def test_map_figure_has_all_boroughs_mercator_and_local_geojson(metrics):
    fig = map_figure(metrics, "contracts", (CAMDEN,))
    trace = fig["data"][0]
    assert trace["type"] == "choropleth"
    assert len(trace["locations"]) == 33
    boundaries = app_module.server.test_client().get(trace["geojson"])
    assert boundaries.status_code == 200 and "immutable" in boundaries.headers["Cache-Control"]
    assert {f["properties"]["gss_code"] for f in boundaries.json["features"]} == set(trace["locations"])
    assert fig["layout"]["geo"]["projection"]["type"] == "mercator"
    i = trace["locations"].index(CAMDEN)
    assert trace["z"][i] == metrics.at[CAMDEN, "contracts"]
    assert trace["marker"]["line"]["width"][i] > trace["marker"]["line"]["width"][i - 1]
    assert trace["text"][i] == "Camden"
    assert "rank" in trace["customdata"][i]


def test_map_patch_is_small_and_never_resends_boundaries(metrics):
    patch = map_patch(metrics, "ending_12m", (CAMDEN,))
    body = json.dumps(patch.to_plotly_json(), cls=PlotlyJSONEncoder)
    assert "geojson" not in body and "coordinates" not in body
    assert len(body) < 5000
    ops = patch.to_plotly_json()["operations"]
    z = next(op for op in ops if op["location"] == ["data", 0, "z"])["params"]["value"]
    assert z[metrics.index.get_loc(CAMDEN)] == metrics.at[CAMDEN, "ending_12m"]


def test_caption_names_highest_and_lowest(metrics):
    text = map_caption(metrics, "contracts")
    top = metrics["contracts"].idxmax()
    assert metrics.at[top, "name"] in text and str(metrics.at[top, "contracts"]) in text


def test_caption_explains_what_to_choose_for_supplier_share(metrics):
    assert "Choose a supplier" in map_caption(metrics, "supplier_share")


def test_ranked_rows_are_a_small_payload_in_rank_order_marking_the_selection(metrics):
    payload = ranked_rows(metrics, "contracts", (CAMDEN,), "?authority=E09000007")
    rows = payload["rows"]
    assert len(rows) == 33 and [r[3] for r in rows].count(True) == 1
    assert next(r for r in rows if r[0] == CAMDEN)[3] is True
    assert ranked_names(metrics)[CAMDEN] == ["Camden", "camden"]  # sent once, with the page
    assert payload["query"] == "?authority=E09000007" and payload["caption"].startswith("Boroughs ranked by")
    top = metrics["contracts"].idxmax()
    assert rows[0][0] == top and rows[0][1] == "1"
    assert len(json.dumps(payload)) < 2000  # Dash components for the same list: ~33 KB


def test_headline_values_are_the_texts_only():
    assert headline_values({"contracts": 1234, "suppliers": 5, "top_n": 5, "top_n_share": 0.5,
                            "ending_12m": 7}) == ["1,234", "5", "50%", "7"]


def test_update_map_callback_filters_but_highlights_boroughs():
    data = {"filters": {"authority": [CAMDEN], "area": ["housing"]}, "view": {"metric": "contracts"}}
    patch = page("map").update_map(url_change(AppState.from_dict(data).to_query_string()))
    ops = {tuple(op["location"]): op["params"]["value"] for op in patch.to_plotly_json()["operations"]}
    z = ops[("data", 0, "z")]
    housing = apply_filter(context.dataset().contracts, AppState.from_dict(data).filters, ignore=("authority",))
    expected = borough_metrics(housing, today=context.today())["contracts"].tolist()
    assert z == expected  # the map ignores the borough selection (it highlights it instead)
    assert ops[("data", 0, "marker", "line", "width")].count(3.5) == 1


def test_a_filter_change_sends_the_outlines_and_hover_template_only_when_they_change():
    def parts(change):
        return {op["location"][-1] for op in page("map").update_map(change).to_plotly_json()["operations"]}

    area = parts({"trigger": ids.FILTER_CONTROLS["area"], "value": ["housing"], "search": f"?authority={CAMDEN}"})
    assert "z" in area and not {"width", "color", "hovertemplate"} & area  # same boroughs, same metric
    borough = parts({"trigger": ids.toggle("authority", CAMDEN), "value": 1, "search": ""})
    assert {"z", "width", "color"} <= borough and "hovertemplate" not in borough
    metric = parts({"trigger": ids.view("metric"), "value": "suppliers", "search": ""})
    assert "hovertemplate" in metric and "width" not in metric


def test_update_side_headline_follows_all_filters():
    payload, caption = page("map").update_side(url_change("?authority=E09000007"))
    camden = apply_filter(context.dataset().contracts, AppState.from_query_string("?authority=E09000007").filters)
    assert payload["headline"][0] == f"{len(camden):,}"
    assert len(payload["rows"]) == 33 and len(json.dumps(payload)) < 2500
    assert "Outlined: Camden" in caption


@pytest.mark.parametrize("junk", [None, "x", 5, {"trigger": "x"}, url_change("?authority=<script>&metric=1"),
                                  {"trigger": ids.URL, "value": 5}, {"trigger": {"type": "toggle"}, "search": []}])
def test_callbacks_survive_a_malformed_change(junk):
    for callback in (page("map").update_map, page("map").update_side):
        try:
            callback(junk)
        except PreventUpdate:  # nothing to change: Dash sends nothing
            pass


def test_borough_page_by_code_and_slug_and_unknown():
    by_slug = json.dumps(page("borough").layout(key="camden").to_plotly_json(), cls=PlotlyJSONEncoder)
    by_code = json.dumps(page("borough").layout(key=CAMDEN).to_plotly_json(), cls=PlotlyJSONEncoder)
    assert by_slug == by_code and "Systems by service area" in by_slug
    unknown = json.dumps(page("borough").layout(key="atlantis").to_plotly_json(), cls=PlotlyJSONEncoder)
    assert "Borough not found" in unknown


def test_boroughs_index_lists_all_33():
    body = json.dumps(page("boroughs").layout().to_plotly_json(), cls=PlotlyJSONEncoder)
    assert body.count("/borough/") == 33


# ---- boroughs without a known value (all withheld on a public instance, or none recorded) --------

def _valued_frame():
    from tests.unit.frames import HACKNEY, ISLINGTON, make_frame
    return make_frame([
        {"authority_code": CAMDEN, "annual_value_gbp": 100.0},
        {"authority_code": CAMDEN},  # no value: Camden's known total is still 100
        {"authority_code": HACKNEY},  # contracts but no value at all
        {"authority_code": ISLINGTON, "annual_value_gbp": 0.0},  # a recorded £0 stays £0
    ])


def test_a_borough_without_a_known_value_says_not_published_never_0():
    from components.map_figure import value_texts
    from tests.unit.frames import CITY, HACKNEY, ISLINGTON

    metrics = borough_metrics(_valued_frame(), today=context.today())
    texts = dict(zip(metrics.index, value_texts(metrics, "annual_value"), strict=True))
    assert (texts[CAMDEN], texts[HACKNEY], texts[ISLINGTON], texts[CITY]) == (
        "£100", "not published", "£0", "no contracts")
    trace = map_figure(metrics, "annual_value", ())["data"][0]
    i = trace["locations"].index(HACKNEY)
    assert trace["z"][i] is None and trace["customdata"][i] == "not published"
    assert "rank" not in trace["customdata"][i]  # unranked, not last-with-£0
    patch = map_patch(metrics, "annual_value", ()).to_plotly_json()["operations"]
    hover = next(op for op in patch if op["location"] == ["data", 0, "customdata"])["params"]["value"]
    assert hover[i] == "not published"


def test_ranked_list_and_caption_say_which_boroughs_have_no_published_value():
    from tests.unit.frames import HACKNEY, ISLINGTON

    metrics = borough_metrics(_valued_frame(), today=context.today())
    rows = {r[0]: r for r in ranked_rows(metrics, "annual_value", (), "")["rows"]}
    assert rows[HACKNEY][2] == "not published" and rows[HACKNEY][1] == "–"  # unknown: unranked
    assert rows[ISLINGTON][2] == "£0"  # a recorded £0
    caption = map_caption(metrics, "annual_value")
    assert caption.startswith("Camden has the highest annual value (£100)")
    assert "1 borough has contracts but no published value." in caption
    only_unknown = borough_metrics(_valued_frame().iloc[[2]], today=context.today())
    assert map_caption(only_unknown, "annual_value") == "No annual value is published for any of the contracts shown."
    assert only_unknown.at[HACKNEY, "contracts"] == 1


def test_caption_when_every_borough_is_zero_but_contracts_match():
    from tests.unit.frames import make_frame

    metrics = borough_metrics(make_frame([{"end_date": "2040-01-01"}]), today=context.today())
    assert map_caption(metrics, "ending_12m") == (
        "Every borough shows zero for contracts ending in the next 12 months under these filters.")
    assert map_caption(metrics.assign(contracts=0), "contracts").startswith(
        "Nothing published yet matches these filters, so every borough shows zero")
