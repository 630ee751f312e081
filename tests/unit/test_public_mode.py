"""Who sees what: on a public instance (TECHMAP_PUBLIC=1), and to anonymous visitors of any instance,
values a dataset marks as not public (value_public false) and satisfaction scores appear nowhere: not
in the API, downloads, calendars, page layouts, map hovers or page callbacks. Members and admins of a
non-public instance see them on the same paths. Each path runs per audience (`audience`): a member
on a public instance, and an anonymous visitor, a member and an admin of a private one, with real
sessions (the sign-in form) and, for the API, a real Bearer token.

The fixture (tests/fixtures/api/dataset) has two restricted rows with sentinel values no other
figure can produce: A-003 (Hackney, annual 918,273, total 7,654,321, satisfaction 5) and A-008
(Lambeth, annual 643,219, total 3,216,095). The member and admin runs prove the search would find a
leak: the sentinels show there.
"""

from __future__ import annotations

import io
import json
import math
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import dash
import pytest
from flask import Flask
from flask.testing import FlaskClient
from plotly.utils import PlotlyJSONEncoder

import ids
from techmap.appstate import VIEW_PARAMS, AppState
from techmap.auth.roles import Role
from techmap.dataformat.schema import COLUMNS_BY_NAME
from techmap.service import context
from tests.unit.auth_helpers import act_as, bearer_token, cookie_header, signed_in_client
from tests.unit.component_tree import components_in
from tests.unit.test_api import HACKNEY, LAMBETH, instance
from web import register_routes

import app  # noqa: F401,E402  (creates the Dash app, which registers the pages, as the server does)

PAGES = sorted(dash.page_registry)

SEP = r"[,\s.]?"
# The restricted values in the spellings a page, hover, file or API could give them (raw, with
# thousands separators, floats, £k/£m), and the totals they would change: London's annual value is
# 2,331,492.5 with them and 770,000.5 without; Hackney's housing 1,038,273 with them.
LEAK = re.compile("|".join([
    rf"918{SEP}273", rf"7{SEP}654{SEP}321", rf"643{SEP}219", rf"3{SEP}216{SEP}095",
    r"918(\.\d)?\s?[kK]", r"643(\.\d)?\s?[kK]", r"7\.6[05]\s?[mM]", r"3\.2[12]?\s?[mM]",
    rf"2{SEP}331{SEP}49", r"2\.33\s?[mM]", rf"1{SEP}038{SEP}273",
]))
SATISFACTION_LABEL = COLUMNS_BY_NAME["satisfaction"].label  # "Satisfaction (1-5)"


def leaks(text: str) -> list[str]:
    return [m.group(0) for m in LEAK.finditer(text)]


def test_the_leak_pattern_finds_the_usual_spellings() -> None:
    for text in ("918273", "918,273", "918273.0", "£918k", "918.3k", "£7.65m", "7,654,321", "643 219",
                 "£2,331,493", "2.33M"):
        assert leaks(text), text
    for text in ("120,000", "£400,000.5", "770,000.5", "2026-11-22", "E09000012", "£290k"):
        assert not leaks(text), text


@dataclass(frozen=True)
class Audience:
    """Who asks: a role, on a public instance or not."""

    public_instance: bool
    role: Role

    @property
    def signed_in(self) -> bool:
        return not self.public_instance and self.role is not Role.ANONYMOUS

    sees_values = signed_in  # members and admins of a non-public instance, signed in


AUDIENCES = {"public-member": Audience(True, Role.MEMBER), "anonymous": Audience(False, Role.ANONYMOUS),
             "member": Audience(False, Role.MEMBER), "admin": Audience(False, Role.ADMIN)}


@pytest.fixture(params=list(AUDIENCES))
def audience(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[Audience]:
    who = AUDIENCES[request.param]
    with instance(monkeypatch, public=who.public_instance):
        yield who


def routes_client(who: Audience) -> FlaskClient:
    """A Flask app with every route module that exists (web.register_routes), as app.py has, asked
    by `who`: signed in through the sign-in form (a public instance has none: its member is told
    apart by the identity alone, and still gets public fields only)."""
    server = Flask("public-mode-test")
    register_routes(server)
    if who.signed_in:
        return signed_in_client(server, who.role)
    if who.role is not Role.ANONYMOUS:
        act_as(server, who.role)
    return server.test_client()


def api_headers(who: Audience) -> dict[str, str]:
    """A member's or admin's personal API token, as a script would send it."""
    return {"Authorization": f"Bearer {bearer_token(who.role)}"} if who.signed_in else {}


@contextmanager
def asked_by(who: Audience) -> Iterator[None]:
    """Run page code inside a request of the app's own server from `who` (its session cookie,
    resolved by the server's real sign-in hooks), as the page router does."""
    cookies = cookie_header(signed_in_client(app.server, who.role)) if who.signed_in else ""
    with app.server.test_request_context("/", headers={"Cookie": cookies} if cookies else {}):
        app.server.preprocess_request()
        yield


def check(who: Audience, text: str, *, satisfaction: str = SATISFACTION_LABEL) -> None:
    """No restricted value for `who` unless it may see them, and then they are there."""
    if who.sees_values:
        assert leaks(text) or satisfaction in text
    else:
        assert leaks(text) == [] and satisfaction not in text


@pytest.fixture(params=[False, True], ids=["private", "public"])
def public(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[bool]:
    with instance(monkeypatch, public=request.param):
        yield request.param


# ---- the loaded data --------------------------------------------------------------------------


def test_the_loaded_dataset_holds_no_restricted_value(public: bool) -> None:
    rows = context.dataset().contracts.set_index("contract_id")
    assert context.settings().public is public
    if public:
        for row in ("A-003", "A-008"):
            assert math.isnan(rows.at[row, "annual_value_gbp"])
            assert math.isnan(rows.at[row, "total_value_gbp"])
        assert rows["satisfaction"].isna().all()
    else:
        assert rows.at["A-003", "annual_value_gbp"] == 918273 and rows.at["A-003", "satisfaction"] == 5
    assert rows.at["A-001", "annual_value_gbp"] == 120000  # public values stay either way
    assert rows.at["A-003", "system"] == "NEC Housing"  # the row itself stays; only its values go


# ---- the API ----------------------------------------------------------------------------------

# URLs that show a restricted value on a private instance (each run both ways: the private run
# proves the search finds the value where it is published) ...
API_VALUE_URLS = [
    "/api/v1/contracts", "/api/v1/contracts?format=csv", f"/api/v1/contracts?authority={HACKNEY}",
    "/api/v1/summary", "/api/v1/summary?format=csv", "/api/v1/suppliers?weight=value",
    "/api/v1/suppliers?format=csv&weight=value",
]
# ... and URLs that carry no value either way (checked on a public instance only).
API_OTHER_URLS = ["/api/v1/authorities", "/api/v1/service-areas", "/api/v1/openapi.json", "/api/v1/"]


@pytest.mark.parametrize("url", API_VALUE_URLS)
def test_api_responses_carry_no_restricted_value(audience: Audience, url: str) -> None:
    text = routes_client(Audience(audience.public_instance, Role.ANONYMOUS)).get(
        url, headers=api_headers(audience)).get_data(as_text=True)
    if audience.sees_values:
        assert leaks(text)
    else:
        assert leaks(text) == []
        assert "satisfaction" not in text.lower()


@pytest.mark.parametrize("url", API_OTHER_URLS)
def test_other_api_responses_carry_no_restricted_value(monkeypatch: pytest.MonkeyPatch, url: str) -> None:
    with instance(monkeypatch, public=True):
        response = routes_client(AUDIENCES["public-member"]).get(url)
    text = response.get_data(as_text=True)
    assert response.status_code == 200 and leaks(text) == []
    if "openapi" not in url:  # the document may say that satisfaction is not published
        assert "satisfaction" not in text.lower()


@pytest.mark.parametrize("public", [False, True], ids=["member", "public-member"])
def test_private_api_shows_what_public_hides(monkeypatch: pytest.MonkeyPatch, public: bool) -> None:
    with instance(monkeypatch, public=public):
        _api_shows_what_public_hides(routes_client(AUDIENCES["public-member" if public else "member"]), public)


def _api_shows_what_public_hides(client: FlaskClient, public: bool) -> None:
    contracts = client.get("/api/v1/contracts").get_data(as_text=True)
    summary = {r["code"]: r for r in client.get("/api/v1/summary").get_json()["data"]}
    a003 = next(r for r in json.loads(contracts)["data"] if r["contract_id"] == "A-003")
    a001 = next(r for r in json.loads(contracts)["data"] if r["contract_id"] == "A-001")
    assert a001["annual_value_gbp"] == 120000
    assert a003["value_public"] is False  # says why its values are missing
    if public:
        assert "satisfaction" not in a003 and "satisfaction" not in a001
        assert (a003["annual_value_gbp"], a003["total_value_gbp"]) == (None, None)
        assert summary[HACKNEY]["annual_value"] is None and summary[LAMBETH]["annual_value"] is None
        assert client.get("/api/v1/contracts").get_json()["meta"]["public"] is True
        schema = client.get("/api/v1/openapi.json").get_json()["components"]["schemas"]["Contract"]
        assert "satisfaction" not in schema["properties"]
    else:
        values = (a003["annual_value_gbp"], a003["total_value_gbp"], a003["satisfaction"])
        assert values == (918273, 7654321, 5)
        assert summary[HACKNEY]["annual_value"] == 918273
        assert leaks(contracts) and "satisfaction" in contracts


# ---- downloads and calendars (web/downloads.py, web/calendar.py) ------------------------------


def test_csv_download_carries_no_restricted_value(audience: Audience) -> None:
    response = routes_client(audience).get("/download/contracts.csv")
    assert response.status_code == 200
    text = response.get_data(as_text=True).lstrip("\ufeff")
    if not audience.sees_values:
        assert leaks(text) == []
        import csv

        rows = list(csv.DictReader(io.StringIO(text)))
        assert all(not r.get("satisfaction") for r in rows)
    else:
        assert leaks(text)


def test_excel_download_carries_no_restricted_value(audience: Audience) -> None:
    from openpyxl import load_workbook

    response = routes_client(audience).get("/download/contracts.xlsx")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.get_data()), read_only=True)
    cells: list[str] = []
    satisfaction: list[Any] = []
    for sheet in book.worksheets:
        rows = list(sheet.iter_rows(values_only=True))
        header = [str(h) for h in rows[0]] if rows else []
        for row in rows:
            cells.extend("" if v is None else str(v) for v in row)
            if "satisfaction" in header and row is not rows[0]:
                satisfaction.append(row[header.index("satisfaction")])
    text = "\n".join(cells)
    if not audience.sees_values:
        assert leaks(text) == [] and all(v in (None, "") for v in satisfaction)
    else:
        assert leaks(text)


@pytest.mark.parametrize(("path", "systems"), [
    (f"/calendar/{HACKNEY}.ics", ["NEC Housing"]), (f"/calendar/{LAMBETH}.ics", ["Mosaic"]),
    ("/calendar/renewals.ics", ["NEC Housing", "Mosaic"]),
    (f"/calendar/renewals.ics?authority={HACKNEY}&authority={LAMBETH}", ["NEC Housing", "Mosaic"]),
])
def test_calendars_carry_no_restricted_value(monkeypatch: pytest.MonkeyPatch, path: str,
                                             systems: list[str]) -> None:
    """A feed carries no value even on a private instance, so only the public run is checked; the
    restricted rows' own events must be there, or the search would look at the wrong feed."""
    with instance(monkeypatch, public=True):
        response = routes_client(AUDIENCES["public-member"]).get(path)
    assert response.status_code == 200
    text = response.get_data(as_text=True).replace("\r\n ", "")  # unfold long lines (RFC 5545)
    assert "BEGIN:VCALENDAR" in text
    assert all(system in text for system in systems)  # A-003's and A-008's renewal events
    assert leaks(text) == [] and "satisfaction" not in text.lower()


# ---- pages, hovers and page callbacks ---------------------------------------------------------


def render(component: Any) -> str:
    return json.dumps(component, cls=PlotlyJSONEncoder, ensure_ascii=False)


def _page_queries() -> list[dict[str, str]]:
    """The empty query, every other value of every view setting, and a few filters."""
    queries: list[dict[str, str]] = [
        {}, {"authority": HACKNEY}, {"authority": LAMBETH, "metric": "annual_value"},
        {"supplier": "nec-software-solutions", "metric": "supplier_share"},
        {"area": "housing", "size": "value"},
    ]
    for name, (default, allowed) in VIEW_PARAMS.items():
        if name == "grid_sort":  # /systems sorted by each of 25 columns runs the same code: two do
            allowed = allowed[:3]
        queries.extend({name: value} for value in allowed if value != default)
    return queries


# The path variables of the pages with one: the two boroughs and the two suppliers of the restricted
# rows (A-003: Hackney, NEC Software Solutions; A-008: Lambeth, System C).
PATH_VALUES = {"key": ("hackney", "lambeth"), "slug": ("nec-software-solutions", "system-c")}
# Pages that show a restricted value (or the satisfaction column) on a private instance; each is run
# both ways. The others show none either way and are checked on a public instance only.
PAGES_WITH_VALUES = ["pages.about", "pages.borough", "pages.data", "pages.map", "pages.satisfaction",
                     "pages.supplier", "pages.suppliers"]
PAGES_WITHOUT_VALUES = [page for page in PAGES if page not in PAGES_WITH_VALUES]


def _render_page(module: str) -> str:
    """Every variant of one page: both restricted rows' values for a path variable, every query."""
    page = dash.page_registry[module]
    layout = page["layout"]
    if not callable(layout):
        return render(layout)
    variables = re.findall(r"<(\w+)>", page.get("path_template") or "")
    keys = [{v: PATH_VALUES[v][i] for v in variables} for i in range(2)] if variables else [{}]
    return "\n".join(render(layout(**key, **query)) for key in keys for query in _page_queries())


@pytest.mark.parametrize("module", PAGES_WITH_VALUES)
def test_page_layouts_and_hovers_carry_no_restricted_value(audience: Audience, module: str) -> None:
    with asked_by(audience):
        check(audience, _render_page(module))


@pytest.mark.parametrize("module", PAGES_WITHOUT_VALUES)
def test_other_page_layouts_carry_no_restricted_value(monkeypatch: pytest.MonkeyPatch, module: str) -> None:
    with instance(monkeypatch, public=True):
        text = _render_page(module)
    assert leaks(text) == [] and SATISFACTION_LABEL not in text


def test_the_shell_carries_no_restricted_value(monkeypatch: pytest.MonkeyPatch) -> None:
    """The shell (header, filters, banner) shows no value on a private instance either."""
    from components.shell import shell

    with instance(monkeypatch, public=True):
        text = render(shell(context.dataset()))
    assert leaks(text) == [] and SATISFACTION_LABEL not in text
    assert "Hackney" in text  # the borough filter lists the restricted rows' boroughs


def test_map_hover_shows_the_value_only_to_members(audience: Audience) -> None:
    public = not audience.sees_values
    with asked_by(audience):
        layout = dash.page_registry["pages.map"]["layout"](metric="annual_value")
    figure = next(c.figure for c in components_in(layout) if getattr(c, "id", None) == ids.MAP_GRAPH)
    trace = figure["data"][0]
    i = trace["locations"].index(HACKNEY)
    # whatever per-borough arrays the hover template draws on (hovertext, text, customdata, z)
    hover = render({key: trace[key][i] for key in ("hovertext", "text", "customdata", "z")
                    if isinstance(trace.get(key), list)})
    assert ("918,273" in hover) is not public
    if public:  # every value of Hackney is withheld: it says so, never a made-up £0
        assert "not published" in hover and "£0" not in hover


def _components(query: dict[str, str]) -> dict[str, dict]:
    """{id: props} of the shell and of every page's layout for one query, as JSON (a dict id as
    its sorted JSON): the values a browser would send as a callback's other inputs and state."""
    from components.shell import shell

    found: dict[str, dict] = {}

    def walk(node: Any) -> None:
        if isinstance(node, list):
            for child in node:
                walk(child)
        elif isinstance(node, dict):
            props = node.get("props")
            if isinstance(props, dict):
                if props.get("id") is not None:
                    key = props["id"]
                    found[json.dumps(key, sort_keys=True, separators=(",", ":")) if isinstance(key, dict)
                          else key] = props
                for value in props.values():
                    walk(value)

    walk(json.loads(render(shell(context.dataset()))))
    for module in PAGES:
        layout = dash.page_registry[module]["layout"]
        variables = re.findall(r"<(\w+)>", dash.page_registry[module].get("path_template") or "")
        walk(json.loads(render(layout(**{v: PATH_VALUES[v][0] for v in variables}, **query)
                               if callable(layout) else layout)))
    return found


def _matches(pattern: str, key: str) -> bool:
    if not (pattern.startswith("{") and key.startswith("{")):
        return pattern == key
    wanted, have = json.loads(pattern), json.loads(key)
    return set(wanted) == set(have) and all(isinstance(v, list) or have[k] == v for k, v in wanted.items())


def _item(spec: dict, components: dict[str, dict], state: dict) -> Any:
    """What the browser sends for one input or state of a callback."""
    if '["ALL"]' in spec["id"]:
        return [{"id": json.loads(key), "property": spec["property"],
                 "value": components[key].get(spec["property"])}
                for key in components if _matches(spec["id"], key)]
    value = state if spec["id"] == ids.APP_STATE else components.get(spec["id"], {}).get(spec["property"])
    return {"id": json.loads(spec["id"]) if spec["id"].startswith("{") else spec["id"],
            "property": spec["property"], "value": value}


def _is_state(spec_id: str) -> bool:
    """The app state's store, or one of the stores it is split into (ids.state_store)."""
    return spec_id == ids.APP_STATE or (spec_id.startswith("{") and json.loads(spec_id).get("type") == "state")


def _request(callback: dict, components: dict[str, dict], state: dict) -> dict:
    """The body the browser posts to /_dash-update-component when the app state changes."""
    outputs = []
    for output in callback["output"].strip(".").split("..."):
        key, prop = output.rsplit(".", 1)
        if '["ALL"]' in key:
            outputs.append([{"id": json.loads(k), "property": prop} for k in components if _matches(key, k)])
        else:
            outputs.append({"id": json.loads(key) if key.startswith("{") else key, "property": prop})
    return {"output": callback["output"], "outputs": outputs if callback["output"].startswith("..") else outputs[0],
            "inputs": [_item(spec, components, state) for spec in callback["inputs"]],
            "state": [_item(spec, components, state) for spec in callback.get("state", [])],
            "changedPropIds": [f"{callback['inputs'][0]['id']}.{callback['inputs'][0]['property']}"]}


def _callbacks_client(who: Audience) -> tuple[FlaskClient, dict[str, str]]:
    """The app's own server asked by `who`, with the CSRF header a signed-in browser sends."""
    if not who.signed_in:
        return app.server.test_client(), {}
    client = signed_in_client(app.server, who.role)
    return client, {"X-CSRFToken": client.get_cookie("_csrf_token").value}


def _state_callbacks(client: FlaskClient) -> list[dict]:
    return [c for c in client.get("/_dash-dependencies").get_json()
            if not c.get("clientside_function") and any(_is_state(i["id"]) for i in c["inputs"])]


def test_page_callbacks_carry_no_restricted_value(audience: Audience) -> None:
    """Every server callback the app state drives (its store, or the stores it is split into),
    requested the way the browser does (through Dash's callback endpoint, so callbacks that read the
    callback context run too), for every page query, with the inputs and state the pages' layouts
    hold for that query. Every one must answer, marked for this visitor only."""
    client, headers = _callbacks_client(audience)
    callbacks = _state_callbacks(client)
    texts: list[str] = []
    answered: list[str] = []
    for query in _page_queries():
        state = AppState.from_pairs(query).to_dict()
        components = _components(query)
        for callback in callbacks:
            response = client.post("/_dash-update-component", json=_request(callback, components, state),
                                   headers=headers)
            assert response.status_code in (200, 204), (callback["output"], query, response.get_data(as_text=True)[:500])
            texts.append(response.get_data(as_text=True))
            answered.append(callback["output"])
            if not audience.public_instance:
                assert "Cookie" in response.headers.get("Vary", "")
            if audience.signed_in:
                assert "private" in response.headers["Cache-Control"]
    assert len(set(answered)) == len(callbacks) >= 10  # the map, side panel, suppliers, renewals (3), data, ...
    assert any("map-graph" in output for output in answered)
    check(audience, "\n".join(texts))


def test_a_members_cached_callback_is_never_served_to_an_anonymous_visitor(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The callback response cache (web.hosting) is keyed by role: the same request, first from a
    member then from an anonymous visitor of the same process, gets each their own answer."""
    query = {"metric": "annual_value", "authority": HACKNEY}
    with instance(monkeypatch, public=False):
        member, headers = _callbacks_client(AUDIENCES["member"])
        components = _components(query)
        state = AppState.from_pairs(query).to_dict()
        callbacks = _state_callbacks(member)
        bodies = [_request(c, components, state) for c in callbacks]
        seen = "\n".join(member.post("/_dash-update-component", json=b, headers=headers).get_data(as_text=True)
                         for b in bodies)
        anonymous = app.server.test_client()
        unseen = "\n".join(anonymous.post("/_dash-update-component", json=b).get_data(as_text=True)
                           for b in bodies)
    assert leaks(seen) and leaks(unseen) == []


# ---- caches -----------------------------------------------------------------------------------


def test_memoised_figures_do_not_outlive_a_change_of_instance(monkeypatch: pytest.MonkeyPatch) -> None:
    """techmap.service.views memoises per filter state; switching instance
    (context.reset) must forget them, or the private figures would be served publicly."""
    from techmap.analysis.filters import FilterState
    from techmap.service.views import metrics_for

    annual = {}
    for public in (False, True):
        with instance(monkeypatch, public=public):
            table = metrics_for(FilterState(), ("authority",), context.today())
            annual[public] = table.at[HACKNEY, "annual_value"]
    assert annual[False] == 918273 and math.isnan(annual[True])  # NaN: no value of Hackney is known


def test_shared_cache_keys_differ_between_public_and_private(monkeypatch: pytest.MonkeyPatch) -> None:
    """A public and an internal instance of the same dataset may share one Redis (TECHMAP_REDIS_URL):
    their entries must not be interchangeable."""
    from techmap.service import views

    keys = []
    for public in (False, True):
        with instance(monkeypatch, public=public):
            keys.append(views.shared_key(views.cache_key("techmap.service.views.metrics_for", ("state",))))
    assert keys[0] != keys[1]
