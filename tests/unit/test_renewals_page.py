"""The renewals page: the quarterly summary and joint-procurement builders, and the page's callbacks
called as plain functions with the context pointed at a small dataset (values worked out by hand).

Dataset (today 22 Nov 2026): C1 Camden / Northgate Housing ends 31 Mar 2027, C2 Hackney / Northgate
Housing 30 Sep 2027, C3 Islington / Civica CX (housing) 30 Jun 2027, C4 Lambeth / Spydus (libraries)
31 Dec 2026, C5 Camden / Spydus 28 Feb 2027, C6 City / RingGo (parking) ended 30 Jun 2025, C7 Camden /
PaybyPhone (parking) no end date. Clusters (12 months): Libraries and Spydus (Lambeth, Camden; first
end 31 Dec 2026), Housing (Camden, Islington, Hackney) and Northgate Housing (Camden, Hackney; first
end 31 Mar 2027).
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import dash
import pytest

import ids

from components.joint_procurement import cluster_card, cluster_href, finder_caption, finder_cards
from techmap.analysis.joint_finder import finder_rows
from components.renewal_summary import (
    OKABE_ITO,
    all_quarters,
    area_colours,
    summary_caption,
    summary_figure,
    summary_table,
)
from techmap.appstate import VIEW_PARAMS, AppState
from techmap.dataformat.dataset import Dataset
from techmap.analysis.filters import FilterState
from techmap.analysis.renewals import joint_procurement_clusters, quarterly_end_summary
from techmap.dataformat.schema import SERVICE_AREAS
from techmap.service import context
from techmap.urls import webcal_url
from tests.unit.component_tree import components_in
from tests.unit.frames import CAMDEN, HACKNEY, ISLINGTON, LAMBETH
from tests.unit.test_timeline import _text, contracts

dash.Dash(__name__, use_pages=True, pages_folder="")  # register_page needs an app
import pages.renewals as page  # noqa: E402

TODAY = date(2026, 11, 22)
NO = dash.no_update


@pytest.fixture()
def dataset(monkeypatch: pytest.MonkeyPatch) -> Dataset:
    data = Dataset(Path("test"), {"title": "test", "as_of": "2026-11-01", "sources": {}}, contracts())
    monkeypatch.setattr(context, "dataset", lambda: data)
    monkeypatch.setattr(context, "today", lambda: TODAY)
    return data


def store(state: AppState) -> dict[str, Any]:
    return {**state.to_dict(), "query": state.to_query_string()}


# ---- quarterly summary ------------------------------------------------------------------------


def test_area_colours_okabe_ito_when_few_else_shades_of_the_group_hue() -> None:
    assert area_colours(["libraries", "housing"]) == {"housing": OKABE_ITO[0], "libraries": OKABE_ITO[1]}
    every = [a.slug for a in SERVICE_AREAS]
    colours = area_colours(every)
    assert len(set(colours.values())) == len(every)  # all distinct
    assert colours["housing"] != colours["finance-erp"]
    # a group's areas share the hue: frontline ones are blue-dominant, corporate ones are not
    red, _, blue = (int(colours["housing"][i:i + 2], 16) for i in (1, 3, 5))
    assert blue > red
    red, _, blue = (int(colours["finance-erp"][i:i + 2], 16) for i in (1, 3, 5))
    assert red > blue


def test_all_quarters_fill_the_gaps() -> None:
    quarters = all_quarters(date(2025, 6, 30), date(2026, 1, 1))
    assert quarters == [date(2025, 4, 1), date(2025, 7, 1), date(2025, 10, 1), date(2026, 1, 1)]


def test_summary_figure_caption_and_table() -> None:
    summary = quarterly_end_summary(contracts())
    figure = summary_figure(summary, TODAY)
    # 2025 Q2 .. 2027 Q3 = 10 quarters, empty ones included so time is not squeezed
    categories = figure["layout"]["xaxis"]["categoryarray"]
    assert categories[0] == "2025 Q2" and categories[-1] == "2027 Q3" and len(categories) == 10
    by_name = {t["name"]: (t["x"], t["y"]) for t in figure["data"]}
    assert by_name["Housing"] == (["2027 Q1", "2027 Q2", "2027 Q3"], [1, 1, 1])
    assert by_name["Libraries"] == (["2026 Q4", "2027 Q1"], [1, 1])
    assert [t["name"] for t in figure["data"]] == ["Housing", "Parking", "Libraries"]  # schema order
    # today (22 Nov 2026) is in 2026 Q4, category 6: 52 of its 92 days gone
    line = figure["layout"]["shapes"][0]
    assert line["x0"] == pytest.approx(6 - 0.5 + 52 / 92)
    # a tie (Housing 1, Libraries 1) names no leader
    assert summary_caption(summary, TODAY) == (
        "2 contracts end in 2027 Q1, the busiest quarter from now on. 6 dated contracts over 5 quarters.")
    state = AppState(FilterState(area=("housing",))).with_view("group", "authority")
    table = summary_table(summary, state)
    body = table.children[2].children
    assert [_text(tr) for tr in body][2] == ["2027 Q1", "2", "Housing 1 · Libraries 1"]
    href = body[2].children[0].children.href
    assert href == ("/renewals?area=housing&ends_from=2027-01-01&ends_to=2027-03-31&group=authority")


def test_summary_figure_escapes_area_names_and_keeps_them_out_of_the_template() -> None:
    # an area the schema does not know keeps its slug as its name: dataset text
    frame = contracts()
    frame["service_area"] = frame["service_area"].astype("str")
    frame.loc[0, "service_area"] = "<b>x</b>%{y}"
    figure = summary_figure(quarterly_end_summary(frame), TODAY)
    names = [t["name"] for t in figure["data"]]
    assert "&lt;b&gt;x&lt;/b&gt;%{y}" in names and "<b>x</b>%{y}" not in names
    for trace in figure["data"]:
        # the name reaches the hover label through fullData.name, never pasted into the template
        assert trace["hovertemplate"] == "%{x}<br>%{fullData.name}<br>Contracts ending: %{y:,}<extra></extra>"


def test_summary_caption_names_a_clear_leader_and_handles_nothing() -> None:
    frame = contracts()
    summary = quarterly_end_summary(frame[frame["contract_id"] != "C5"])
    assert summary_caption(summary, TODAY).startswith("1 contract ends in 2026 Q4, the busiest quarter from now on.")
    summary = quarterly_end_summary(frame[frame["contract_id"].isin(["C1", "C3", "C2", "C5"])].assign())
    assert "2027 Q1" in summary_caption(summary, TODAY)
    empty = quarterly_end_summary(frame[frame["contract_id"] == "C7"])
    assert summary_figure(empty, TODAY)["data"] == []
    assert "no contract" in summary_caption(empty, TODAY).lower()


# ---- joint-procurement cards ------------------------------------------------------------------


def clusters(lead: int = 18):
    return joint_procurement_clusters(contracts(), window_months=12, lead_months=lead, today=TODAY)


def test_cluster_href_selects_exactly_the_group() -> None:
    northgate = next(c for c in clusters() if c.key == "northgate-housing")
    state = AppState(FilterState(supplier=("nec",), authority=(LAMBETH,))).with_view("lead", "12")
    assert cluster_href(northgate, state) == (
        f"/renewals?authority={CAMDEN}&authority={HACKNEY}&supplier=nec&system=northgate-housing"
        "&ends_from=2027-03-31&ends_to=2027-09-30&lead=12")
    housing = next(c for c in clusters() if c.key == "housing")
    assert "area=housing" in cluster_href(housing, AppState())


def test_cluster_card_words() -> None:
    northgate = next(c for c in clusters() if c.key == "northgate-housing")
    card = cluster_card(northgate, AppState(FilterState(authority=(HACKNEY,))), TODAY, 18)
    text = " ".join(_text(card))
    assert "Northgate Housing" in text and "Same system" in text
    assert "Start by 30 Sep 2025" in text and "passed: start now" in text  # 31 Mar 2027 - 18 months
    assert "Boroughs (2): " in text and "Camden" in text and "Hackney" in text
    assert "31 Mar 2027 to 30 Sep 2027" in text
    assert "Show these 2 contracts on the timeline" in text
    later = cluster_card(northgate, AppState(), date(2025, 1, 1), 18)
    assert "passed" not in " ".join(_text(later))


def test_finder_caption_and_paging() -> None:
    found = clusters()
    assert finder_caption(found, within=12, lead=18, today=TODAY, selected_names=[]) == (
        "4 groups of boroughs could buy together: 2 on the same system and 2 in the same service area, "
        "with contracts ending within 12 months of each other. For 4 of them the suggested start "
        "(18 months before the first end) has already passed.")
    caption = finder_caption(clusters(lead=3), within=12, lead=3, today=TODAY, selected_names=[])
    assert caption.endswith("Next to start: Housing (Camden, Hackney, Islington), by 31 Dec 2026.")
    assert "No group" in finder_caption([], within=3, lead=18, today=TODAY, selected_names=["Camden"])
    rows = finder_rows(found, contracts())
    assert len(finder_cards(rows[:3], AppState(), TODAY, 18)) == 3


# ---- the page's callbacks as functions --------------------------------------------------------


def test_finder_keeps_groups_of_the_selected_borough_and_moves_starts_by_the_lead(dataset: Dataset) -> None:
    everyone = page.finder_clusters(AppState(), TODAY)
    assert [c.label for c in everyone] == ["Libraries", "Spydus", "Housing", "Northgate Housing"]
    hackney = page.finder_clusters(AppState(FilterState(authority=(HACKNEY,))), TODAY)
    assert [c.label for c in hackney] == ["Housing", "Northgate Housing"]
    lead6 = page.finder_clusters(AppState().with_view("lead", "6"), TODAY)
    assert [c.suggested_start for c in lead6] == [date(2026, 6, 30), date(2026, 6, 30),
                                                  date(2026, 9, 30), date(2026, 9, 30)]
    within3 = page.finder_clusters(AppState().with_view("within", "3"), TODAY)
    # within 3 months: Spydus (31 Dec, 28 Feb) still pairs; housing runs 31 Mar / 30 Jun / 30 Sep
    # pair as Camden + Islington (exactly 3 months), Northgate Camden + Hackney (6 months) does not
    assert sorted(c.label for c in within3) == ["Housing", "Libraries", "Spydus"]


def _inputs_of(output_id: str) -> set[str]:
    """The names of the state stores (and the other ids) a page callback takes as Input."""
    import app as app_module  # the app as served: its callback map

    for key, cb in app_module.app.callback_map.items():
        if f"{output_id}." in key:
            return {json.loads(i["id"])["name"] if i["id"].startswith("{") else i["id"] for i in cb["inputs"]}
    raise AssertionError(f"no callback writes {output_id}")


def test_each_part_runs_only_for_what_it_draws() -> None:
    """Dash's dependency graph does the skipping: a part takes as Input only the state stores it
    depends on (the reducer writes a store only when its value changes)."""
    assert _inputs_of(page.TIMELINE_GRAPH) == {"filters", "group", page.TIMELINE_PREV, page.TIMELINE_NEXT, page.NARROW}
    assert _inputs_of(page.SUMMARY_GRAPH) == {"filters", page.NARROW}  # not the view settings
    everything = {"filters", *VIEW_PARAMS}
    assert _inputs_of(page.SUMMARY_TABLE) == everything  # its links carry the view settings
    assert _inputs_of(page.FINDER_CARDS) == everything | {page.FINDER_PREV, page.FINDER_NEXT}
    assert _inputs_of(page.WINDOW_STATUS) == everything
    assert ids.APP_STATE not in set().union(*(_inputs_of(o) for o in (
        page.TIMELINE_GRAPH, page.SUMMARY_GRAPH, page.SUMMARY_TABLE, page.FINDER_CARDS, page.WINDOW_STATUS)))


def test_timeline_response_pages(dataset: Dataset) -> None:
    state = AppState()
    first = page.timeline_response(store(state))
    figure, caption, table, pager, prev_disabled, next_disabled, kept = first
    assert kept == 0
    assert prev_disabled is False and next_disabled is True  # one ended contract lies earlier
    assert pager.startswith("Contracts 1–5 of 5")
    assert "1 contract has no end date" in caption
    earlier = page.timeline_response(store(state), kept, step=-1)
    assert earlier[-1] == -1 and earlier[4] is True
    # a filter change goes back to page 0
    moved = page.timeline_response(store(AppState(FilterState(area=("housing",)))), earlier[-1])
    assert moved[-1] == 0 and moved[3].startswith("Contracts 1–3 of 3")
    # grouping by borough redraws
    grouped = page.timeline_response(store(state.with_view("group", "authority")), kept)
    assert grouped[0]["layout"]["yaxis"]["ticktext"][0] == "<b>Lambeth</b>"
    compact = page.timeline_response(store(state), kept, compact=True)
    assert compact[0]["layout"]["yaxis"]["showticklabels"] is False


def test_summary_chart_and_table(dataset: Dataset) -> None:
    state = AppState()
    figure, caption = page.summary_chart(store(state))
    assert len(figure["data"]) == 3
    table = page.summary_table(store(state.with_view("lead", "12")))
    assert "lead=12" in str(table)  # the table's links carry the view


def test_finder_response_pages(dataset: Dataset) -> None:
    state = AppState()
    caption, cards, pager, prev_disabled, next_disabled, csv_link, kept = page.finder_response(store(state))
    assert csv_link.href == "/download/joint-procurement.csv"
    assert caption.startswith("4 groups")
    assert kept == 0
    assert prev_disabled is True and next_disabled is True  # 4 groups fit on one page
    assert len(cards) == 4
    selected = page.finder_response(store(AppState(FilterState(authority=(ISLINGTON,)))), kept)
    assert selected[0].startswith("1 group of boroughs that include Islington could buy together")


def test_controls_window_buttons_and_downloads(dataset: Dataset) -> None:
    state = AppState(FilterState.from_params({"ends_from": "2026-11-22", "ends_to": "2027-11-22",
                                              "authority": CAMDEN}))
    status, downloads, pressed, classes = page.controls_response(store(state), [6, 12, 24])
    assert pressed == ["false", "true", "false"]
    assert classes[1] == "btn btn-sm btn-primary"
    assert "Showing contracts ending between 22 Nov 2026 and 22 Nov 2027 (the next 12 months). " in status
    links = _links(downloads)
    query = state.filters.to_query_string()
    # Camden in the window: C1 and C5 (C7 has no end date)
    assert links["Download these 2 contracts (CSV)"] == f"/download/contracts.csv{query}"
    assert links["Download these 2 contracts (Excel)"] == f"/download/contracts.xlsx{query}"
    assert links["Download them as a file once instead (iCalendar, .ics)"] == f"/calendar/renewals.ics{query}"
    assert links["Subscribe to the renewals of these 2 contracts"] == webcal_url(f"/calendar/renewals.ics{query}")
    assert links["Subscribe to Camden's renewals calendar"] == webcal_url(f"/calendar/{CAMDEN}.ics")
    assert links["Download the file once instead (.ics)"] == f"/calendar/{CAMDEN}.ics"
    nothing = page.controls_response(store(AppState()), [6, 12, 24])
    assert nothing[0] == ["Showing every end date."]
    assert nothing[2] == ["false", "false", "false"]


def _links(downloads: list[Any]) -> dict[str, str]:
    """Link text -> href of the download list."""
    out = {}
    for item in downloads[0].children:
        children = item.children if isinstance(item.children, list) else [item.children]
        for child in children:
            if type(child).__name__ == "A":
                out[child.children] = child.href
    return out


def test_downloads_carry_exactly_the_views_filters(dataset: Dataset) -> None:
    # settings of other pages (the data page's quality flag, the map's metric) and of this one
    # (grouping, the finder's window) must not reach the download routes, which read them
    state = AppState(FilterState(area=("housing",), supplier=("nec",)))
    for name, value in (("flag", "missing_end_date"), ("metric", "suppliers"), ("group", "authority"),
                        ("within", "6"), ("lead", "12")):
        state = state.with_view(name, value)
    assert state.view_value("flag") == "missing_end_date"
    links = _links(page.controls_response(store(state), [])[1])
    assert links["Download these 2 contracts (CSV)"] == "/download/contracts.csv?area=housing&supplier=nec"
    assert links["Download these 2 contracts (Excel)"] == "/download/contracts.xlsx?area=housing&supplier=nec"
    # the calendar keeps the lead time, which moves its re-procurement events, and nothing else
    assert links["Download them as a file once instead (iCalendar, .ics)"] == (
        "/calendar/renewals.ics?area=housing&supplier=nec&lead=12")
    camden = AppState(FilterState(authority=(CAMDEN,))).with_view("lead", "12").with_view("flag", "missing_end_date")
    assert _links(page.controls_response(store(camden), [])[1])["Subscribe to Camden's renewals calendar"] == (
        webcal_url(f"/calendar/{CAMDEN}.ics?lead=12"))
    # the first paint says the same as the callback
    first = next(c for c in components_in(page.layout(**dict(state.filters.to_pairs()), flag="missing_end_date",
                                              lead="12")) if getattr(c, "id", None) == page.DOWNLOADS)
    assert _links(first.children) == links


def test_downloads_over_a_limit_say_so_instead_of_linking(dataset: Dataset, monkeypatch: pytest.MonkeyPatch) -> None:
    import components.downloads
    import components.renewals

    monkeypatch.setattr(components.renewals, "XLSX_MAX_ROWS", 6)
    monkeypatch.setattr(components.downloads, "MAX_CALENDAR_CONTRACTS", 5)
    everything = page.controls_response(store(AppState()), [])[1]
    links = _links(everything)
    text = " ".join(_text(everything))
    # 7 contracts, 6 of them with a date: over both limits
    assert list(links) == ["Download these 7 contracts (CSV)"]
    assert "Excel: up to 6 contracts, and these filters give 7. Download the CSV" in text
    assert "Calendar file: up to 5 contracts, and these filters give 6 with dates. Narrow the filters" in text
    housing = _links(page.controls_response(store(AppState(FilterState(area=("housing",)))), [])[1])
    assert set(housing) == {"Download these 3 contracts (CSV)", "Download these 3 contracts (Excel)",
                            "Subscribe to the renewals of these 3 contracts",
                            "Download them as a file once instead (iCalendar, .ics)"}


def test_the_limits_are_the_routes_own() -> None:
    import components.downloads
    import components.renewals
    import web.calendar
    import web.downloads

    assert components.renewals.XLSX_MAX_ROWS is web.downloads.XLSX_MAX_ROWS
    assert components.downloads.MAX_CALENDAR_CONTRACTS is web.calendar.MAX_CALENDAR_CONTRACTS


def test_layout_first_paint_matches_the_callbacks(dataset: Dataset) -> None:
    query = {"authority": HACKNEY, "group": "authority", "lead": "12"}
    tree = page.layout(**query)
    found: dict[str, Any] = {}
    h1 = []

    def walk(node) -> None:
        if isinstance(node, (list, tuple)):
            for item in node:
                walk(item)
            return
        if isinstance(getattr(node, "id", None), dict) and node.id.get("type") == "state":
            found[node.id["name"]] = node.data
        if type(node).__name__ == "H1":
            h1.append(node)
        if hasattr(node, "children"):
            walk(node.children)

    walk(tree)
    assert len(h1) == 1
    state = AppState.from_page_query(query)
    # the stores hold the URL's state, so the reducer's first echo of it writes none of them
    from components.state_stores import store_value

    assert found == {name: store_value(state, name) for name in ("filters", *VIEW_PARAMS)}
    assert found["group"] == "authority" and found["filters"] == "?authority=" + HACKNEY


def test_nearly_every_borough_is_said_in_words() -> None:
    from components.joint_procurement import _borough_links
    from techmap.dataformat.authorities import authorities

    from dataclasses import replace

    northgate = next(c for c in clusters() if c.key == "northgate-housing")
    codes = tuple(a.code for a in authorities())
    assert _borough_links(replace(northgate, authorities=codes), AppState()) == ["all London boroughs"]
    some = tuple(c for c in codes if c not in (LAMBETH, HACKNEY))
    assert _borough_links(replace(northgate, authorities=some), AppState(FilterState(authority=(CAMDEN,)))) == [
        "all except Hackney, Lambeth (including Camden)"]


def test_borough_links_keep_the_groups_system_and_the_filters() -> None:
    from components.joint_procurement import _borough_links

    northgate = next(c for c in clusters() if c.key == "northgate-housing")
    state = AppState(FilterState(authority=(HACKNEY,), supplier=("nec",))).with_view("lead", "12")
    few = _borough_links(northgate, state)
    # each profile shows the borough's Northgate Housing contracts under the other filters; the
    # borough filter is the profile's own business
    assert [getattr(x, "href", x) for x in few] == [
        "/borough/camden?supplier=nec&system=northgate-housing&lead=12", ", ",
        "/borough/hackney?supplier=nec&system=northgate-housing&lead=12"]
    assert type(few[2].children).__name__ == "Strong"  # the selected borough stands out
    housing = next(c for c in clusters() if c.key == "housing")
    assert [x.href for x in _borough_links(housing, AppState()) if hasattr(x, "href")][0] == (
        "/borough/camden?area=housing")


def test_hostile_page_stores_are_clamped_or_ignored(dataset: Dataset) -> None:
    state = AppState()
    far = page.timeline_response(store(state), 10**12, step=1)
    assert far[-1] == 0  # the last page that exists
    junk = page.timeline_response(store(state), "junk")
    assert junk[-1] == 0
    finder = page.finder_response(store(state), -10**9, step=-1)
    assert finder[-1] == 0


def test_the_download_links_fetch_exactly_the_rows_on_screen() -> None:
    """Through the real routes and the bundled dataset: what each link returns is the page's rows,
    even with a data-page quality flag left in the state."""
    import csv
    import io

    import icalendar

    import app
    from techmap.exports.export import UTF8_BOM
    from techmap.analysis.queries import apply_filter

    context.reset()
    client = app.server.test_client()
    state = AppState(FilterState(area=("housing",))).with_view("flag", "missing_end_date")
    rows = apply_filter(context.dataset().contracts, state.filters)
    assert 0 < len(rows) and rows["end_date"].notna().any()  # the flag would narrow the file
    links = _links(page.controls_response(store(state), [])[1])
    csv_href = links[f"Download these {len(rows):,} contracts (CSV)"]
    body = client.get(csv_href).data
    got = [r["contract_id"] for r in csv.DictReader(io.StringIO(body[len(UTF8_BOM):].decode("utf-8")))]
    assert got == rows["contract_id"].tolist()
    ics_href = next(h for t, h in links.items() if t.startswith("Download them as a file"))
    cal = icalendar.Calendar.from_ical(client.get(ics_href).data)
    in_calendar = {str(e["DESCRIPTION"]).rsplit("Contract ID: ", 1)[1].split("\n")[0] for e in cal.events}
    dated = rows[rows[["end_date", "max_end_date", "review_date"]].notna().any(axis=1)]
    assert in_calendar == set(dated["contract_id"])


@pytest.mark.parametrize("query", ["", "?area=housing", "?supplier=civica&within=24",
                                   "?ends_from=2027-01-01&ends_to=2028-12-31&within=6"])
def test_each_card_link_shows_exactly_its_groups_contracts(query: str) -> None:
    """On the bundled dataset: 'Show these N contracts on the timeline' leads to a view of exactly
    those N contracts, for every group the finder lists."""
    from components.joint_procurement import cluster_state
    from techmap.analysis.queries import apply_filter

    context.reset()
    state = AppState.from_query_string(query)
    found = page.finder_clusters(state, context.today())
    assert found
    contracts = context.dataset().contracts
    for cluster in found:
        shown = apply_filter(contracts, cluster_state(cluster, state).filters)
        assert sorted(shown["contract_id"]) == sorted(cluster.contract_ids), cluster.label
