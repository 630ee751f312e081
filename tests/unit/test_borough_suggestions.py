"""/borough/<unknown> suggests the nearest boroughs, with links that keep the filters."""

import json
import sys

from plotly.utils import PlotlyJSONEncoder

import app as app_module  # noqa: F401  (loads the pages, as Dash does)
from techmap.dataformat.authority_suggestions import suggest_authorities


def names(key):
    return [a.name for a in suggest_authorities(key)]


def test_misspellings_suggest_the_borough_meant():
    assert names("camdn")[0] == "Camden"
    assert names("westminister")[0] == "Westminster"
    assert names("tower-hamlet")[0] == "Tower Hamlets"
    assert names("kensingtn")[0] == "Kensington and Chelsea"
    assert names("richmnd") == ["Richmond upon Thames"]


def test_nothing_near_suggests_nothing_and_long_keys_are_cut():
    assert names("zzz") == [] and names("") == [] and names("-") == []
    assert len(suggest_authorities("camden" * 10_000)) <= 3


def test_the_page_says_did_you_mean_with_links_carrying_the_query():
    layout = sys.modules["pages.borough"].layout(key="camdn", area="housing", q="mosaic")
    body = json.dumps(layout.to_plotly_json(), cls=PlotlyJSONEncoder, ensure_ascii=False)
    assert "Borough not found" in body and "Did you mean " in body
    assert '"/borough/camden?area=housing&q=mosaic"' in body
    assert '"/boroughs?area=housing&q=mosaic"' in body


def test_the_unknown_borough_answers_404_and_a_known_one_200():
    client = app_module.server.test_client()
    assert client.get("/borough/camdn").status_code == 404
    assert client.get("/borough/camden").status_code == 200
