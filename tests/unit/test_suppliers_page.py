"""The suppliers page and supplier profiles: concentration sentences and tables against values
worked out by hand, the ranked table and its patch, and the page callbacks as plain functions
(on a small hand-made dataset put in place of the instance's)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import dash
import pandas as pd
import pytest
from dash import html

import ids
from components.concentration_panel import (
    band_summary,
    concentration_panel,
    hhi_table,
    majority_sentence,
    most_concentrated_sentence,
    pct,
    ranked_patch,
    ranked_slugs,
    ranked_suppliers,
    selection_summary,
    top_n_sentence,
)
from techmap.appstate import AppState
from techmap.analysis.concentration import concentration_by, supplier_shares
from techmap.dataformat.dataset import Dataset
from techmap.service import cache, context
from tests.unit.component_tree import components_in
from tests.unit.frames import CAMDEN, HACKNEY, ISLINGTON, LAMBETH, make_frame

TODAY = date(2026, 11, 22)


def rows(supplier: str, n: int, *, area: str = "housing", value: float | None = None,
         **extra: Any) -> list[dict[str, Any]]:
    return [{"supplier": supplier, "service_area": area, "annual_value_gbp": value, **extra} for _ in range(n)]


@pytest.fixture()
def three() -> pd.DataFrame:
    # Alpha 5, Beta 3, Gamma 2 contracts (10); values Alpha 5 x 20 = 100, Beta 3 x 100 = 300, Gamma none
    return make_frame(rows("Alpha", 5, value=20.0) + rows("Beta", 3, value=100.0) + rows("Gamma", 2))


@pytest.fixture()
def banded() -> pd.DataFrame:
    # housing: shares 50 / 30 / 20 -> HHI 2,500 + 900 + 400 = 3,800 (highly concentrated)
    # finance-erp: 10 suppliers with 1 contract each -> 10 x 10^2 = 1,000 (moderately: 1,000 is in)
    # gis: 20 suppliers with 1 each -> 20 x 5^2 = 500 (unconcentrated)
    data = rows("Alpha", 5) + rows("Beta", 3) + rows("Gamma", 2)
    data += [r for i in range(10) for r in rows(f"Fin {i}", 1, area="finance-erp")]
    data += [r for i in range(20) for r in rows(f"Map {i}", 1, area="gis")]
    return make_frame(data)


# ---- sentences ----------------------------------------------------------------------------------


def test_top_n_sentence_by_count(three: pd.DataFrame) -> None:
    shares = supplier_shares(three)
    assert top_n_sentence(shares, 2, "count") == "2 of 3 suppliers hold 80% of London's 10 contracts."
    assert top_n_sentence(shares, 1, "count") == "1 of 3 suppliers holds 50% of London's 10 contracts."
    assert top_n_sentence(shares, 2, "count", filtered=True) == (
        "2 of 3 suppliers hold 80% of the 10 contracts that match the filters.")
    assert top_n_sentence(shares, 5, "count") == "Only 3 suppliers hold London's 10 contracts."


def test_top_n_sentence_by_value(three: pd.DataFrame) -> None:
    # Beta 300 of 400
    shares = supplier_shares(three, weight="value")
    assert top_n_sentence(shares, 1, "value") == (
        "1 of 3 suppliers holds 75% of the £400 annual value of London's contracts.")


def test_top_n_sentence_without_data(three: pd.DataFrame) -> None:
    assert top_n_sentence(supplier_shares(three.iloc[0:0]), 5, "count") == "No contracts match these filters."
    no_values = three[three["supplier"] == "Gamma"]
    assert top_n_sentence(supplier_shares(no_values, weight="value"), 5, "value") == (
        "No annual values are recorded for the contracts that match these filters.")


def test_pct_never_rounds_to_all_or_nothing() -> None:
    assert pct(0.7196) == "72%"
    assert pct(0.996) == "over 99%"
    assert pct(1.0) == "100%"
    assert pct(0.2 + 0.2 + 0.2 + 0.2 + 0.1 + 0.1) == "100%"  # 0.9999999999999999: all of it
    assert pct(0.999) == "over 99%"
    assert pct(0.004) == "under 1%"
    assert pct(0.0) == "0%"
    assert pct(float("nan")) == "–"


def test_band_summary_and_most_concentrated(banded: pd.DataFrame) -> None:
    conc = concentration_by(banded, "service_area", n=3)
    assert conc["hhi"].round(6).tolist() == [3800.0, 1000.0, 500.0]
    assert band_summary(conc) == (
        "Of 3 service areas, 1 is highly concentrated (HHI over 2,000), 1 moderately (1,000 to 2,000) "
        "and 1 unconcentrated (under 1,000).")
    # housing has 3 suppliers, so "the 3 largest" are all of them
    assert most_concentrated_sentence(conc, "count", 3) == (
        "Most concentrated: Housing, where its 3 suppliers hold all contracts and Alpha alone 50% "
        "(HHI 3,800). Least concentrated: GIS and mapping, where the 3 largest of 20 suppliers hold "
        "15% of contracts and Map 0 alone 5% (HHI 500).")
    two = concentration_by(banded, "service_area", n=2)
    assert most_concentrated_sentence(two, "count", 2).startswith(
        "Most concentrated: Housing, where the 2 largest of 3 suppliers hold 80% of contracts and Alpha "
        "alone 50% (HHI 3,800).")
    # housing 100% / 80%, finance-erp 3 of 10 = 30%, gis 15%
    assert majority_sentence(conc, "count", 3) == (
        "In 1 of 3 service areas the 3 largest suppliers hold more than half of the contracts.")
    twelve = concentration_by(banded, "service_area", n=12)  # finance-erp 100%, gis 60%
    assert majority_sentence(twelve, "count", 12) == (
        "In every service area shown the 12 largest suppliers hold more than half of the contracts.")
    gis = concentration_by(banded[banded["service_area"] == "gis"], "service_area", n=1)
    assert majority_sentence(gis, "count", 1) == ""  # one area: the table says it
    areas = concentration_by(banded[banded["service_area"] != "housing"], "service_area", n=1)
    assert majority_sentence(areas, "count", 1) == (
        "In no service area shown does the largest supplier hold more than half of the contracts.")
    one = concentration_by(banded[banded["service_area"] == "gis"], "service_area")
    assert band_summary(one) == "The one service area shown is unconcentrated (HHI 500)."


def _text(component: Any) -> str:
    """All the text inside a component tree."""
    if component is None:
        return ""
    if isinstance(component, (str, int, float)):
        return str(component)
    if isinstance(component, (list, tuple)):
        return "".join(_text(c) for c in component)
    return _text(getattr(component, "children", None))


def test_hhi_table_states_bands_in_words(banded: pd.DataFrame) -> None:
    conc = concentration_by(banded, "service_area", n=3)
    table = hhi_table(conc, "count", 3, selected_areas=("gis",))
    body = table.children[2].children
    cells = [[_text(td) for td in tr.children] for tr in body]
    assert [c[0] for c in cells] == ["Housing", "Finance and ERP", "GIS and mapping"]
    assert [c[5] for c in cells] == ["3,800", "1,000", "500"]
    assert [c[6].split(" ", 1)[1] for c in cells] == [
        "highly concentrated", "moderately concentrated", "unconcentrated"]
    assert [c[4] for c in cells] == ["100%", "30%", "15%"]  # top-3 share: 3/10, 3/20
    heads = [_text(th) for th in table.children[1].children.children]
    assert heads[4] == "Share of the 3 largest"
    assert "the 3 largest suppliers of each" in _text(table.children[0])
    five = hhi_table(concentration_by(banded, "service_area", n=5), "count", 5)
    assert _text(five.children[1].children.children[4]) == "Share of the 5 largest"
    assert [[_text(td) for td in tr.children][4] for tr in five.children[2].children] == ["100%", "50%", "25%"]
    assert cells[0][3] == "Alpha (50%)"
    buttons = [tr.children[7].children for tr in body]
    assert buttons[2].id == ids.toggle("area", "gis")
    assert getattr(buttons[2], "aria-pressed") == "true" and body[2].className == "is-selected"
    assert getattr(buttons[0], "aria-pressed") == "false"


def test_concentration_panel_explains_the_bands(banded: pd.DataFrame) -> None:
    panel = concentration_panel(concentration_by(banded, "service_area"), "count", 3)
    text = _text(panel)
    assert "Under 1,000 is unconcentrated, 1,000 to 2,000 moderately and over 2,000 highly concentrated" in text


# ---- ranked table and its patch -----------------------------------------------------------------


def test_ranked_table_shows_the_largest_and_any_selected_one(three: pd.DataFrame) -> None:
    shares = supplier_shares(three)
    assert ranked_slugs(shares, (), limit=2) == ["alpha", "beta"]
    assert ranked_slugs(shares, ("gamma",), limit=2) == ["alpha", "beta", "gamma"]
    table, note = ranked_suppliers(shares, "count", ("gamma",), "?supplier=gamma", limit=2)
    body = table.children[2].children
    cells = [[_text(td) for td in tr.children] for tr in body]
    assert cells[0][:7] == ["1", "Alpha", "5", "£100", "50%", "50%", "1"]
    assert cells[2][:7] == ["3", "Gamma", "2", "–", "20%", "100%", "1"]
    assert body[2].className == "is-selected" and body[0].className == ""
    link = body[1].children[1].children
    assert link.href == "/suppliers/beta?supplier=gamma"
    button = body[2].children[7].children
    assert button.id == ids.toggle("supplier", "gamma")
    assert button.children == "Selected" and getattr(button, "aria-label") == "Deselect Gamma in the filter"
    assert note.children.startswith("The other 1 suppliers hold 20% between them")


def test_ranked_patch_touches_only_changed_rows(three: pd.DataFrame) -> None:
    patch = ranked_patch(["alpha", "beta", "gamma"], {"beta": "Beta"}, before=["alpha"], after=["beta"],
                         query="?supplier=beta")
    ops = {tuple(op["location"]): op["params"]["value"] for op in patch.to_plotly_json()["operations"]}
    body = (0, "props", "children", 2, "props", "children")
    hrefs = {k: v for k, v in ops.items() if k[-1] == "href"}
    assert hrefs[(*body, 2, "props", "children", 1, "props", "children", "props", "href")] == (
        "/suppliers/gamma?supplier=beta")
    assert len(hrefs) == 3
    assert ops[(*body, 0, "props", "className")] == ""
    assert ops[(*body, 1, "props", "className")] == "is-selected"
    assert (*body, 2, "props", "className") not in ops  # gamma did not change
    button = (*body, 1, "props", "children", 7, "props", "children", "props")
    assert ops[(*button, "children")] == "Selected"
    assert ops[(*button, "aria-pressed")] == "true"
    assert ops[(*button, "aria-label")] == "Deselect Beta in the filter"


def test_selection_summary(three: pd.DataFrame) -> None:
    shares = supplier_shares(three)
    names = {"alpha": "Alpha", "beta": "Beta", "gamma": "Gamma", "omega": "Omega"}
    summary = selection_summary(shares, ("beta", "omega"), names, "count", "")
    text = _text(summary)
    assert "Beta: 3 contracts in 1 borough, 30% of the contracts shown (rank 2)." in text
    assert "Omega: no contracts match the other filters." in text
    assert "Select a supplier" in _text(selection_summary(shares, (), names, "count", ""))


# ---- the pages, on a hand-made dataset ----------------------------------------------------------


@pytest.fixture(scope="module")
def pages() -> Any:
    import app  # noqa: F401  (creates the app, which registers the pages and their callbacks)
    import pages.supplier as profile
    import pages.suppliers as suppliers

    return suppliers, profile


@pytest.fixture()
def dataset(monkeypatch: pytest.MonkeyPatch) -> Iterator[Dataset]:
    frame = make_frame(
        rows("Alpha", 2, system="A1", end_date="2027-11-22")  # exactly 12 months ahead: in both windows
        + rows("Alpha", 1, system="A2", area="finance-erp", authority_code=HACKNEY, end_date="2027-11-23")
        + rows("Alpha", 1, system="A1", authority_code=ISLINGTON, end_date="2028-11-22")  # 24 months: in
        + rows("Alpha", 1, system="A1", authority_code=ISLINGTON, end_date="2028-11-23")  # one day late
        + rows("Alpha", 1, system="A1", authority_code=HACKNEY, end_date="2026-11-21")  # ended yesterday
        + rows("Beta", 3, system="B1", authority_code=LAMBETH)
        + rows("Gamma", 1, system="G1", authority_code=CAMDEN)
    )
    data = Dataset(Path("hand-made"), {"title": "test", "sources": {"demo": {}}}, frame)
    monkeypatch.setattr(context, "dataset", lambda: data)
    monkeypatch.setattr(context, "today", lambda: TODAY)
    yield data


def test_the_counts_depend_on_every_filter_but_the_supplier_selection(pages) -> None:
    suppliers, _ = pages
    assert set(suppliers.COUNTED_BY) == {"authority", "area", "system", "manufacturer", "group-filter",
                                         "ends_from", "ends_to", "q", "size"}
    assert set(suppliers.STORES) >= {*suppliers.COUNTED_BY, "supplier", "top"}


def test_layout_has_one_h1_and_headings_in_order(pages, dataset: Dataset) -> None:
    suppliers, _ = pages
    page = suppliers.layout(supplier="beta", top="5")
    levels = [int(type(c).__name__[1]) for c in components_in(page) if type(c).__name__ in ("H1", "H2", "H3", "H4")]
    assert levels[0] == 1 and levels.count(1) == 1
    assert all(b <= a + 1 for a, b in zip(levels, levels[1:], strict=False))  # no level skipped
    text = _text(page)
    # 10 contracts: Alpha 6, Beta 3, Gamma 1; the top 5 covers all three
    assert "Only 3 suppliers hold London's 10 contracts." in text
    assert "Beta: 3 contracts in 1 borough, 30% of the contracts shown (rank 2)." in text
    graph = next(c for c in components_in(page) if getattr(c, "id", None) == ids.TREEMAP)
    assert graph.figure["data"][0]["ids"][:2] == ["housing", "housing/alpha"]


def test_update_page_patches_only_the_highlight_after_a_click(pages, dataset: Dataset) -> None:
    suppliers, _ = pages
    cache.VIEWS.clear()
    first = suppliers.page_response({"filters": {}, "view": {}})
    treemap = first[0]
    ops = {tuple(op["location"]) for op in treemap.to_plotly_json()["operations"]}
    assert ("data", 0, "ids") in ops  # nothing drawn before: the nodes are sent
    assert first[4] is not dash.no_update and first[5] is not dash.no_update

    # only the supplier store changed: the selection moved from nothing to Beta
    click = suppliers.page_response({"filters": {"supplier": ["beta"]}, "view": {}}, {"supplier"}, [])
    ops = {tuple(op["location"]) for op in click[0].to_plotly_json()["operations"]}
    assert ("data", 0, "ids") not in ops and ("data", 0, "marker", "colors") in ops
    assert click[4] is dash.no_update and click[5] is dash.no_update  # table and concentration stay
    assert isinstance(click[6], dash.Patch)  # ranked rows patched
    assert "Outlined: Beta." in click[3]

    moved = suppliers.page_response({"filters": {"supplier": ["beta"], "area": ["housing"]}, "view": {}},
                                    {"area"}, ["beta"])
    assert ("data", 0, "ids") in {tuple(op["location"]) for op in moved[0].to_plotly_json()["operations"]}
    assert isinstance(moved[6], list)  # a new ranking: the table is rebuilt
    top = suppliers.page_response({"filters": {"supplier": ["beta"]}, "view": {"top": "5"}}, {"top"}, ["beta"])
    assert top[4] is dash.no_update and top[5] is not dash.no_update  # only the concentration panel


# ---- supplier profile ---------------------------------------------------------------------------


def test_profile_figures(pages, dataset: Dataset) -> None:
    _, profile = pages
    everyone = dataset.contracts
    own = everyone[everyone["supplier_slug"] == "alpha"]
    f = profile.profile_figures(own, everyone, TODAY)
    assert f["contracts"] == 6
    assert f["boroughs"] == 3  # Camden, Hackney, Islington
    assert f["systems"] == 2
    assert f["areas"] == 2
    assert f["share"] == pytest.approx(6 / 10)
    assert f["rank"] == 1 and f["suppliers"] == 3
    assert f["ending_12m"] == 2  # the two ending 2027-11-22 (inclusive); yesterday's is out
    assert f["ending_24m"] == 4  # + 2027-11-23 and 2028-11-22; 2028-11-23 is one day too late


def test_profile_body_lists_boroughs_with_links(pages, dataset: Dataset) -> None:
    _, profile = pages
    body = profile.profile_body("alpha", AppState.from_query_string("?supplier=alpha"))
    links = {c.href for c in components_in(body) if type(c).__name__ == "Link"}
    assert "/borough/camden?supplier=alpha" in links
    assert "/borough/islington?supplier=alpha" in links
    text = _text(body)
    assert "Alpha holds 6 contracts with 3 boroughs: 60% of London's contracts (rank 1 of 3 suppliers" in text
    assert "Not served (30):" in text
    assert "In the next 12 months (2)" in text and "In the 12 months after (2)" in text


def test_profile_follows_the_other_filters(pages, dataset: Dataset) -> None:
    _, profile = pages
    body = profile.profile_body("alpha", AppState.from_query_string("?area=finance-erp"))
    text = _text(body)
    assert "Alpha holds 1 contract with 1 borough: 100% of the contracts that match the filters" in text
    assert "Show its whole profile without filters" in text


def test_unknown_supplier_gets_a_friendly_page(pages, dataset: Dataset) -> None:
    _, profile = pages
    page = profile.layout(slug="alpah")
    assert _text(page).startswith("Supplier not found")
    hrefs = [c.href for c in components_in(page) if type(c).__name__ == "Link"]
    assert hrefs[0] == "/suppliers/alpha"  # the close match is offered
    assert profile.update_profile({"filters": {}}, "alpah") is dash.no_update
    known = profile.layout(slug="beta")
    assert [c.children for c in components_in(known) if isinstance(c, html.H1)] == ["Beta"]


def test_close_matches(pages) -> None:
    _, profile = pages
    names = {"capita": "Capita", "civica": "Civica", "nec-software-solutions": "NEC Software Solutions"}
    assert profile.close_matches("capitta", names)[0] == ("capita", "Capita")
    assert profile.close_matches("nec software solution", names) == [
        ("nec-software-solutions", "NEC Software Solutions")]
    assert profile.close_matches("zzz", names) == []


def test_the_largest_n_picker_drives_the_per_area_share(pages, dataset: Dataset) -> None:
    suppliers, _ = pages
    cache.VIEWS.clear()
    # housing: Alpha 5, Beta 3, Gamma 1 (9); finance-erp: Alpha 1
    first = suppliers.page_response({"filters": {}, "view": {"top": "5"}})
    panel = first[5]
    assert "Share of the 5 largest" in _text(panel)
    assert "Finance and ERP, where Alpha holds all contracts (HHI 10,000)" in _text(panel)
    # the same filters with another N: the treemap stays, the concentration panel is redrawn
    other = suppliers.page_response({"filters": {}, "view": {"top": "10"}}, {"top"}, [])
    assert other[4] is dash.no_update
    assert other[5] is not dash.no_update and "Share of the 10 largest" in _text(other[5])
    again = suppliers.page_response({"filters": {"supplier": ["beta"]}, "view": {"top": "10"}}, {"supplier"}, [])
    assert again[5] is dash.no_update  # the same N: a click leaves the panel
    housing = suppliers.concentration(dataset, "?area=housing", "count", 5)
    assert housing["top_n_share"].tolist() == [1.0]
    smallest = suppliers.concentration(dataset, "?area=housing", "count", 1)  # not a picker value: any N works
    assert smallest["top_n_share"].round(6).tolist() == [round(5 / 9, 6)]


def _download_links(children: Any) -> dict[str, str]:
    return {c.children: c.href for c in components_in(children) if type(c).__name__ == "A"}


def test_downloads_hold_the_counted_contracts_and_the_selection(pages, dataset: Dataset) -> None:
    suppliers, _ = pages
    cache.VIEWS.clear()
    # 10 contracts; Beta 3 of them. View settings (size, top, the data page's flag) stay out.
    view = {"size": "value", "top": "5", "flag": "missing_end_date"}
    out = suppliers.page_response({"filters": {"area": ["housing"]}, "view": view})
    links = _download_links(out[7])
    assert links == {"Download these 9 contracts (CSV)": "/download/contracts.csv?area=housing",
                     "Download these 9 contracts (Excel)": "/download/contracts.xlsx?area=housing"}
    chosen = suppliers.page_response({"filters": {"area": ["housing"], "supplier": ["beta"]}, "view": view},
                                     {"supplier"}, [])
    links = _download_links(chosen[7])
    assert links["Download these 9 contracts (CSV)"] == "/download/contracts.csv?area=housing"
    assert links["Download the selected supplier's 3 contracts (CSV)"] == (
        "/download/contracts.csv?area=housing&supplier=beta")
    assert links["Download the selected supplier's 3 contracts (Excel)"] == (
        "/download/contracts.xlsx?area=housing&supplier=beta")
    # the first paint has the same links
    page = suppliers.layout(area="housing", supplier="beta", **view)
    block = next(c for c in components_in(page) if getattr(c, "id", None) == suppliers.DOWNLOADS_ID)
    assert _download_links(block.children) == links


def test_downloads_over_the_excel_limit_say_so(pages, dataset: Dataset, monkeypatch: pytest.MonkeyPatch) -> None:
    suppliers, _ = pages
    monkeypatch.setattr(suppliers, "XLSX_MAX_ROWS", 4)
    out = suppliers.page_response({"filters": {"supplier": ["beta"]}, "view": {}})
    links = _download_links(out[7])
    assert set(links) == {"Download these 10 contracts (CSV)", "Download the selected supplier's 3 contracts (CSV)",
                          "Download the selected supplier's 3 contracts (Excel)"}
    assert "Excel: up to 4 contracts, and these filters give 10." in _text(out[7])
    import web.downloads
    monkeypatch.undo()
    assert suppliers.XLSX_MAX_ROWS is web.downloads.XLSX_MAX_ROWS
