"""components.treemap: nodes, ids the reducer can read, highlight, figure, patch, caption and the
table alternative, against values worked out by hand."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from components.treemap import (
    FADED_SYSTEM_TINT,
    FADED_TEXT,
    FADED_TINT,
    GROUP_COLOURS,
    INK,
    MAXDEPTH,
    NORMAL_LINE,
    NORMAL_WIDTH,
    SELECTED_LINE,
    SELECTED_WIDTH,
    SUPPLIER_TINT,
    SYSTEM_TINT,
    area_rows,
    highlight,
    mix,
    root_text_colour,
    treemap_caption,
    treemap_figure,
    treemap_nodes,
    treemap_patch,
    treemap_table,
    wrap_label,
)
from techmap.appstate import AppState, reduce_state
from techmap.analysis.concentration import hierarchy, supplier_shares
from tests.unit.frames import CAMDEN, HACKNEY, ISLINGTON, empty_frame, make_frame


def row(supplier: str, system: str, *, area: str = "housing", authority: str = CAMDEN,
        value: float | None = None) -> dict[str, object]:
    return {"supplier": supplier, "system": system, "service_area": area, "authority_code": authority,
            "annual_value_gbp": value}


@pytest.fixture()
def frame() -> pd.DataFrame:
    # housing (frontline): Capita 3 (Academy 2, OHMS 1), NEC 1 -> 4 contracts
    # finance-erp (corporate): Civica 2 (Financials) -> 2 contracts
    # values: Capita 100 + 100 + 0, NEC 300, Civica 600 + NaN
    return make_frame([
        row("Capita", "Academy", value=100.0),
        row("Capita", "Academy", authority=HACKNEY, value=100.0),
        row("Capita", "OHMS", value=0.0),
        row("NEC", "Northgate", authority=ISLINGTON, value=300.0),
        row("Civica", "Financials", area="finance-erp", value=600.0),
        row("Civica", "Financials", area="finance-erp", authority=HACKNEY),
    ])


@pytest.fixture()
def nodes(frame: pd.DataFrame):
    return treemap_nodes(hierarchy(frame), "count")


# ---- nodes --------------------------------------------------------------------------------------


def test_node_ids_are_area_supplier_system(nodes) -> None:
    # each area followed by its suppliers (largest first), then every system; all are drawn
    assert nodes.ids == [
        "housing", "housing/capita", "housing/nec",
        "finance-erp", "finance-erp/civica",
        "housing/capita/academy", "housing/capita/ohms", "housing/nec/northgate",
        "finance-erp/civica/financials",
    ]
    assert nodes.parents == ["", "housing", "housing", "", "finance-erp",
                             "housing/capita", "housing/capita", "housing/nec", "finance-erp/civica"]
    assert nodes.kinds == ["area", "supplier", "supplier", "area", "supplier"] + ["system"] * 4
    assert nodes.groups == ["frontline", "frontline", "frontline", "corporate", "corporate",
                            "frontline", "frontline", "frontline", "corporate"]
    assert nodes.suppliers == ["", "capita", "nec", "", "civica", "capita", "capita", "nec", "civica"]
    # sizes live on the leaves (branchvalues="remainder"); parents are 0
    assert nodes.values == [0, 0, 0, 0, 0, 2, 1, 1, 2]
    assert nodes.labels[:5] == ["Housing", "Capita", "NEC", "Finance and ERP", "Civica"]
    assert nodes.labels[5:] == ["Academy", "OHMS", "Northgate", "Financials"]


def test_hover_states_size_share_and_systems(nodes) -> None:
    assert nodes.hover[0] == "<b>Housing</b> (frontline services)<br>4 contracts · 2 suppliers"
    assert nodes.hover[1] == "<b>Capita</b> in Housing<br>3 contracts, 75% of the area<br>Systems: Academy, OHMS"
    assert nodes.hover[2] == "<b>NEC</b> in Housing<br>1 contract, 25% of the area<br>System: Northgate"
    # system tiles: their supplier, area, size and boroughs (Academy: Camden and Hackney)
    assert nodes.hover[5] == "<b>Academy</b> from Capita<br>Housing: 2 contracts in 2 boroughs"
    assert nodes.hover[7] == "<b>Northgate</b> from NEC<br>Housing: 1 contract in 1 borough"
    assert len(nodes.hover) == len(nodes.text) == len(nodes) == 9


def test_only_system_tiles_carry_text(nodes) -> None:
    # areas and suppliers are headers: plotly writes their label; systems say their (wrapped) name
    assert nodes.text == ["", "", "", "", "", "Academy", "OHMS", "Northgate", "Financials"]
    long = treemap_nodes(hierarchy(make_frame([row("Capita", "Capita Open Housing Repairs")])), "count")
    assert long.text[-1] == "Capita Open<br>Housing<br>Repairs"


def test_nodes_by_value_leave_out_tiles_without_value(frame: pd.DataFrame) -> None:
    nodes = treemap_nodes(hierarchy(frame, size_by="value"), "value")
    # Capita's OHMS row has value 0 and Civica's second row none: OHMS has no tile at all
    assert "housing/capita/ohms" not in nodes.ids
    leaves = {i: v for i, v, kind in zip(nodes.ids, nodes.values, nodes.kinds, strict=True) if kind == "system"}
    assert leaves == {"housing/capita/academy": 200.0, "housing/nec/northgate": 300.0,
                      "finance-erp/civica/financials": 600.0}
    assert nodes.hover[nodes.ids.index("housing/nec")] == (
        "<b>NEC</b> in Housing<br>£300 a year, 60% of the area<br>System: Northgate")


def test_long_area_names_are_shortened_on_tiles_but_not_in_hover() -> None:
    nodes = treemap_nodes(hierarchy(make_frame([row("Xpress", "EMS", area="elections")])), "count")
    assert nodes.labels[0] == "Elections"
    assert nodes.hover[0].startswith("<b>Elections and electoral registration</b>")


def test_dataset_text_is_escaped_for_plotly() -> None:
    nodes = treemap_nodes(hierarchy(make_frame([row("<b>Evil</b> & Co", "X<br>Y")])), "count")
    assert nodes.labels[1] == "&lt;b&gt;Evil&lt;/b&gt; &amp; Co"
    assert "<b>Evil" not in nodes.hover[1]
    assert nodes.labels[2] == "X&lt;br&gt;Y"


def test_hostile_dataset_text_reaches_plotly_escaped() -> None:
    import html
    from pathlib import Path

    from techmap.dataformat.dataset import load_dataset

    data = load_dataset(Path(__file__).resolve().parents[1] / "fixtures" / "hostile_dataset")
    for size in ("count", "value"):
        nodes = treemap_nodes(hierarchy(data.contracts, size_by=size), size)
        trace = treemap_figure(nodes, ())["data"][0]
        texts = trace["labels"] + trace["hovertext"] + trace["text"]
        for raw in ("<b>Bold</b>", "<i>Co</i>", "<a href", "<script>", "<img src", "<svg onload"):
            assert not any(raw in t for t in texts), raw
        labels = {html.unescape(label) for label in trace["labels"]}
        assert "<b>Bold</b> & <i>Co</i>" in labels  # a system tile
        assert "<img src=x onerror=\"window.__xss='supplier'\">" in labels  # a supplier box
        assert any("<a href=\"javascript:window.__xss='link'\">click</a>" in html.unescape(h)
                   for h in trace["hovertext"])


def test_no_rows_no_nodes() -> None:
    nodes = treemap_nodes(hierarchy(empty_frame()), "count")
    assert len(nodes) == 0
    assert treemap_figure(nodes, ())["data"][0]["ids"] == []


def test_wrap_label() -> None:
    assert wrap_label("Imperial Civil Enforcement Solutions") == "Imperial Civil<br>Enforcement<br>Solutions"
    assert wrap_label("Capita") == "Capita"
    assert wrap_label("Supercalifragilistic Ltd") == "Supercalifragilistic<br>Ltd"  # long words stay whole


# ---- the reducer reads the supplier from a clicked tile ------------------------------------------


@pytest.mark.parametrize("node_id", ["housing/capita", "housing/capita/academy"])
def test_clicked_supplier_or_system_tile_toggles_the_supplier(nodes, node_id: str) -> None:
    assert node_id in nodes.ids
    click = {"points": [{"id": node_id, "label": "x"}]}
    state = reduce_state(AppState(), {"type": "treemap", "page": "suppliers"}, click, today=date(2026, 11, 22))
    assert state.filters.supplier == ("capita",)
    again = reduce_state(state, {"type": "treemap", "page": "suppliers"}, click, today=date(2026, 11, 22))
    assert again.filters.supplier == ()


def test_clicked_area_tile_changes_nothing(nodes) -> None:
    click = {"points": [{"id": "housing"}]}
    state = reduce_state(AppState(), {"type": "treemap", "page": "suppliers"}, click, today=date(2026, 11, 22))
    assert state == AppState()


# ---- highlight ----------------------------------------------------------------------------------


def test_mix_with_white() -> None:
    assert mix("#0072B2", 0.0) == "#0072b2"
    assert mix("#0072B2", 1.0) == "#ffffff"
    # 0 + 255 * .5 = 127.5 -> 128; 114 + 141 * .5 = 184.5 -> 184; 178 + 77 * .5 = 216.5 -> 216
    assert mix("#0072B2", 0.5) == "#80b8d8"


def test_highlight_without_selection(nodes) -> None:
    style = highlight(nodes, ())
    blue, orange = GROUP_COLOURS["frontline"], GROUP_COLOURS["corporate"]
    assert style["colors"] == [blue, mix(blue, SUPPLIER_TINT), mix(blue, SUPPLIER_TINT),
                               orange, mix(orange, SUPPLIER_TINT),
                               mix(blue, SYSTEM_TINT), mix(blue, SYSTEM_TINT), mix(blue, SYSTEM_TINT),
                               mix(orange, SYSTEM_TINT)]
    assert style["text_colors"] == ["#ffffff"] + [INK] * 8  # white only on the blue header
    assert style["line_widths"] == [NORMAL_WIDTH] * 9
    assert style["line_colors"] == [NORMAL_LINE] * 9


def test_highlight_outlines_the_selection_and_fades_the_rest(nodes) -> None:
    style = highlight(nodes, ["capita"])
    blue, orange = GROUP_COLOURS["frontline"], GROUP_COLOURS["corporate"]
    assert style["colors"] == [blue, mix(blue, SUPPLIER_TINT), mix(blue, FADED_TINT),
                               orange, mix(orange, FADED_TINT),
                               # Capita's systems keep their colour, NEC's and Civica's fade
                               mix(blue, SYSTEM_TINT), mix(blue, SYSTEM_TINT), mix(blue, FADED_SYSTEM_TINT),
                               mix(orange, FADED_SYSTEM_TINT)]
    # only the selected supplier's box is outlined (its systems sit inside the outline)
    assert style["line_widths"] == [NORMAL_WIDTH, SELECTED_WIDTH] + [NORMAL_WIDTH] * 7
    assert style["line_colors"][1] == SELECTED_LINE
    assert style["text_colors"][1] == INK and style["text_colors"][2] != INK
    assert style["text_colors"][5:] == [INK, INK, FADED_TEXT, FADED_TEXT]


# ---- figure and patch ---------------------------------------------------------------------------


def test_figure_keeps_the_root_view_and_draws_three_levels(nodes) -> None:
    fig = treemap_figure(nodes, ["nec"])
    trace = fig["data"][0]
    assert trace["type"] == "treemap"
    assert trace["maxdepth"] == MAXDEPTH == 3  # area > supplier > system
    assert fig["layout"]["uniformtext"] == {"minsize": 10, "mode": "hide"}  # no label that does not fit
    assert trace["level"] == ""
    assert trace["pathbar"] == {"visible": False}
    assert trace["branchvalues"] == "remainder"
    assert trace["ids"] == nodes.ids
    assert len(trace["marker"]["colors"]) == len(trace["hovertext"]) == len(trace["textfont"]["color"]) == 9
    assert trace["marker"]["line"]["width"][2] == SELECTED_WIDTH
    assert trace["outsidetextfont"] == {"color": INK}  # two areas: no lone root


def test_a_lone_area_header_gets_its_header_colour(frame: pd.DataFrame) -> None:
    housing = treemap_nodes(hierarchy(frame[frame["service_area"] == "housing"]), "count")
    assert root_text_colour(housing) == "#ffffff"
    finance = treemap_nodes(hierarchy(frame[frame["service_area"] == "finance-erp"]), "count")
    assert root_text_colour(finance) == INK


def _operations(patch) -> dict[tuple, object]:
    return {tuple(op["location"]): op["params"].get("value")
            for op in patch.to_plotly_json()["operations"]}


def test_patch_sends_only_the_highlight_when_the_nodes_are_the_same(nodes) -> None:
    ops = _operations(treemap_patch(nodes, ["capita"], data_changed=False))
    assert set(ops) == {("data", 0, "marker", "colors"), ("data", 0, "marker", "line", "width"),
                        ("data", 0, "marker", "line", "color"), ("data", 0, "textfont", "color")}
    assert ops[("data", 0, "marker", "line", "width")][1] == SELECTED_WIDTH


def test_patch_sends_the_nodes_after_a_filter_change(nodes) -> None:
    ops = _operations(treemap_patch(nodes, (), data_changed=True))
    assert ops[("data", 0, "ids")] == nodes.ids
    assert ops[("data", 0, "values")] == nodes.values
    assert ("data", 0, "hovertext") in ops and ("data", 0, "outsidetextfont", "color") in ops


# ---- caption and table alternative --------------------------------------------------------------


def test_caption_states_the_largest_supplier(frame: pd.DataFrame) -> None:
    shares = supplier_shares(frame)
    assert treemap_caption(shares, "count", ()) == (
        "Tiles are sized by contracts. Capita is the largest supplier (3 contracts, 50% of the "
        "contracts shown).")
    by_value = supplier_shares(frame, weight="value")
    # Civica 600 of 1,100
    assert treemap_caption(by_value, "value", ["Capita"]) == (
        "Tiles are sized by annual value. Civica is the largest supplier (£600 a year, 55% of the "
        "annual value shown). Outlined: Capita.")
    assert treemap_caption(supplier_shares(empty_frame()), "count", ()) == "No contracts match these filters."


def test_table_alternative_rows(frame: pd.DataFrame) -> None:
    assert area_rows(hierarchy(frame), "count") == [
        ("Housing", "4 contracts", "Capita 75% (Academy, OHMS); NEC 25% (Northgate)"),
        ("Finance and ERP", "2 contracts", "Civica 100% (Financials)"),
    ]
    assert area_rows(hierarchy(frame, size_by="value"), "value") == [
        ("Housing", "£500 a year", "NEC 60% (Northgate); Capita 40% (Academy)"),
        ("Finance and ERP", "£600 a year", "Civica 100% (Financials)"),
    ]
    table = treemap_table(hierarchy(frame), "count")
    body = table.children[2].children
    assert [r.children[0].children for r in body] == ["Housing", "Finance and ERP"]
    assert treemap_table(hierarchy(empty_frame()), "count").className == "empty-state"
