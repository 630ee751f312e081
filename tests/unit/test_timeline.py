"""components.timeline: paging anchored at today, grouping, the bars' geometry (base + duration in
ms), the marks, the caption's busiest group and the table alternative. Values worked out by hand."""

from __future__ import annotations

import html
from datetime import date
from pathlib import Path

import pytest

from components.timeline import (
    LABEL_CHARS,
    _short,
    busiest_group,
    grouped_positions,
    page_range,
    page_slice,
    pager_text,
    select_page,
    tick_label,
    timeline_caption,
    timeline_figure,
    timeline_table,
)
from tests.unit.frames import CAMDEN, CITY, HACKNEY, ISLINGTON, LAMBETH, empty_frame, make_frame

TODAY = date(2026, 11, 22)
DAY_MS = 86_400_000


def contracts():
    """Six dated contracts (one already ended) and one without an end date."""
    return make_frame([
        {"contract_id": "C1", "authority_code": CAMDEN, "service_area": "housing", "system": "Northgate Housing",
         "supplier": "NEC", "start_date": "2020-04-01", "end_date": "2027-03-31", "max_end_date": "2028-03-31",
         "review_date": "2026-09-30"},
        {"contract_id": "C2", "authority_code": HACKNEY, "service_area": "housing", "system": "Northgate Housing",
         "supplier": "NEC", "start_date": "2021-01-01", "end_date": "2027-09-30"},
        {"contract_id": "C3", "authority_code": ISLINGTON, "service_area": "housing", "system": "Civica CX",
         "supplier": "Civica", "start_date": "2022-07-01", "end_date": "2027-06-30"},
        {"contract_id": "C4", "authority_code": LAMBETH, "service_area": "libraries", "system": "Spydus",
         "supplier": "Civica", "end_date": "2026-12-31"},
        {"contract_id": "C5", "authority_code": CAMDEN, "service_area": "libraries", "system": "Spydus",
         "supplier": "Civica", "start_date": "2024-03-01", "end_date": "2027-02-28"},
        {"contract_id": "C6", "authority_code": CITY, "service_area": "parking", "system": "RingGo",
         "supplier": "RingGo", "start_date": "2022-07-01", "end_date": "2025-06-30"},
        {"contract_id": "C7", "authority_code": CAMDEN, "service_area": "parking", "system": "PaybyPhone",
         "supplier": "PayByPhone"},
    ])


# ---- paging -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("ended", "dated", "size", "expected"), [
    (3, 10, 4, (-1, 1)),  # 3 earlier rows: one earlier page; 7 upcoming: pages 0 and 1
    (0, 10, 4, (0, 2)),
    (8, 8, 4, (-2, -1)),  # everything ended: the last page is the latest earlier one
    (0, 0, 4, (0, 0)),
    (5, 9, 4, (-2, 0)),
])
def test_page_range(ended: int, dated: int, size: int, expected: tuple[int, int]) -> None:
    assert page_range(ended, dated, size) == expected


def test_page_slice_is_anchored_at_the_first_upcoming_row() -> None:
    assert page_slice(0, 3, 10, 4) == (3, 7)
    assert page_slice(1, 3, 10, 4) == (7, 10)  # the last page is short
    assert page_slice(-1, 3, 10, 4) == (0, 3)  # the earliest page is short too
    assert page_slice(5, 3, 10, 4) == (10, 10)


def test_select_page_orders_by_end_and_counts_what_it_cannot_show() -> None:
    page = select_page(contracts(), TODAY, 0)
    assert page.rows["contract_id"].tolist() == ["C4", "C5", "C1", "C3", "C2"]
    assert (page.dated, page.undated, page.ended) == (6, 1, 1)
    assert (page.first_page, page.last_page, page.page) == (-1, 0, 0)
    assert page.has_previous and not page.has_next
    earlier = select_page(contracts(), TODAY, -1)
    assert earlier.rows["contract_id"].tolist() == ["C6"]
    assert earlier.has_next and not earlier.has_previous
    assert select_page(contracts(), TODAY, 7).page == 0  # clamped to the pages that exist
    small = select_page(contracts(), TODAY, 1, page_size=2)
    assert small.rows["contract_id"].tolist() == ["C1", "C3"]


def test_ties_keep_the_frame_order() -> None:
    frame = make_frame([{"contract_id": "B", "end_date": "2027-03-31"},
                        {"contract_id": "A", "end_date": "2027-03-31"},
                        {"contract_id": "C", "end_date": "2027-01-01"}])
    assert select_page(frame, TODAY).rows["contract_id"].tolist() == ["C", "B", "A"]


def test_pager_text() -> None:
    assert pager_text(select_page(contracts(), TODAY, 0)) == (
        "Contracts 1–5 of 5 ending from today: ends 31 Dec 2026 to 30 Sep 2027.")
    assert pager_text(select_page(contracts(), TODAY, -1)) == (
        "Contracts 1–1 of the 1 that already ended: ends 30 Jun 2025 to 30 Jun 2025.")
    assert pager_text(select_page(empty_frame(), TODAY, 0)) == "No contracts to show."


# ---- grouping and figure ----------------------------------------------------------------------


def test_groups_come_in_order_of_their_first_end() -> None:
    rows = select_page(contracts(), TODAY).rows
    assert grouped_positions(rows, "service_area") == [("libraries", [0, 1]), ("housing", [2, 3, 4])]
    assert [key for key, _ in grouped_positions(rows, "authority")] == [LAMBETH, CAMDEN, ISLINGTON, HACKNEY]


def test_timeline_figure_geometry() -> None:
    figure = timeline_figure(select_page(contracts(), TODAY), "service_area", TODAY)
    term, extension, no_start, review = figure["data"]
    layout = figure["layout"]
    # rows: 0 Libraries, 1 Lambeth/Spydus (C4), 2 Camden/Spydus (C5), 3 Housing, 4 C1, 5 C3, 6 C2
    assert layout["yaxis"]["tickvals"] == [0, 1, 2, 3, 4, 5, 6]
    assert layout["yaxis"]["ticktext"] == ["<b>Libraries</b>", "Lambeth – Spydus", "Camden – Spydus",
                                           "<b>Housing</b>", "Camden – Northgate Housing",
                                           "Islington – Civica CX", "Hackney – Northgate Housing"]
    assert layout["yaxis"]["range"] == [6.5, -0.5]  # first row at the top
    # current term: C5, C1, C3, C2 (C4 has no start)
    assert term["y"] == [2, 4, 5, 6]
    assert term["base"] == ["2024-03-01", "2020-04-01", "2022-07-01", "2021-01-01"]
    assert term["x"][0] == (date(2027, 2, 28) - date(2024, 3, 1)).days * DAY_MS
    assert term["x"][1] == (date(2027, 3, 31) - date(2020, 4, 1)).days * DAY_MS
    # lighter extension only where the latest end is after the end: C1, from its end
    assert extension["y"] == [4]
    assert extension["base"] == ["2027-03-31"]
    assert extension["x"] == [366 * DAY_MS]  # 31 Mar 2027 to 31 Mar 2028 (29 Feb 2028 between)
    assert no_start["y"] == [1] and no_start["x"] == ["2026-12-31"]
    assert review["y"] == [4] and review["x"] == ["2026-09-30"]
    today_line = layout["shapes"][-1]
    assert today_line["x0"] == today_line["x1"] == "2026-11-22"
    assert len(layout["shapes"]) == 2  # one separator above the second group, and today
    assert "Supplier: NEC" in term["hovertext"][1]


def test_compact_figure_writes_labels_above_the_bars() -> None:
    figure = timeline_figure(select_page(contracts(), TODAY), "service_area", TODAY, compact=True)
    layout = figure["layout"]
    assert layout["yaxis"]["showticklabels"] is False
    labels = {a["text"]: a["y"] for a in layout["annotations"] if a.get("xref") == "paper"}
    assert labels["<b>Housing</b>"] == pytest.approx(3 - 0.2)
    assert labels["Hackney – Northgate Housing"] == pytest.approx(6 - 0.2)
    assert figure["data"][0]["offset"] == pytest.approx(0.04)  # bars in the lower part of the row
    assert figure["data"][3]["y"] == [pytest.approx(4.25)]  # the review mark on its bar


def test_empty_page_gives_an_explaining_figure() -> None:
    figure = timeline_figure(select_page(empty_frame(), TODAY), "service_area", TODAY)
    assert figure["data"] == []
    assert "no" in figure["layout"]["annotations"][0]["text"].lower()


# ---- caption and table ------------------------------------------------------------------------


def test_busiest_group_and_caption() -> None:
    rows = contracts()
    assert busiest_group(rows, "service_area", TODAY, date(2027, 11, 22)) == (["Housing"], 3, 5)
    assert timeline_caption(rows, "service_area", TODAY, None, None) == (
        "Housing is the service area with the most contracts ending in the next 12 months: 3 of 5 contracts.")
    assert timeline_caption(rows, "authority", TODAY, None, None) == (
        "Camden has the most contracts ending in the next 12 months: 2 of 5.")
    # the filter's window replaces the next 12 months: 1 Jan to 30 Jun 2027 has C5, C1, C3
    assert timeline_caption(rows, "authority", TODAY, date(2027, 1, 1), date(2027, 6, 30)) == (
        "Camden has the most contracts ending between 1 Jan 2027 and 30 Jun 2027: 2 of 3.")
    # a tie is reported as a tie
    assert timeline_caption(rows, "authority", TODAY, date(2027, 6, 1), date(2027, 9, 30)) == (
        "Hackney and Islington have the most contracts ending between 1 Jun 2027 and 30 Sep 2027: 1 each, of 2.")
    one = rows[rows["authority_code"] == CAMDEN]
    assert timeline_caption(one, "authority", TODAY, None, None) == (
        "2 contracts of Camden end in the next 12 months.")
    assert timeline_caption(rows, "authority", TODAY, date(2030, 1, 1), None) == (
        "No contract of the current selection ends from 1 Jan 2030.")


def _text(component) -> list[str]:
    """Every string inside a Dash component tree, in order."""
    out: list[str] = []

    def walk(node) -> None:
        if isinstance(node, str):
            out.append(node)
        elif isinstance(node, (list, tuple)):
            for item in node:
                walk(item)
        elif hasattr(node, "children"):
            walk(node.children)

    walk(component)
    return out


def test_table_lists_the_page_in_the_same_groups() -> None:
    table = timeline_table(select_page(contracts(), TODAY), "service_area")
    head, body = table.children[1], table.children[2]
    assert _text(head) == ["Contract (supplier)", "Current term", "Latest end with extensions",
                           "Review or notice by"]
    rows = [_text(tr) for tr in body.children]
    assert rows[0] == ["Libraries"]
    assert rows[1] == ["Lambeth – Spydus (Civica)", "start not known to 31 Dec 2026", "–", "–"]
    assert rows[3] == ["Housing"]
    assert rows[4] == ["Camden – Northgate Housing (NEC)", "1 Apr 2020 to 31 Mar 2027", "31 Mar 2028",
                       "30 Sep 2026"]
    assert len(rows) == 7
    assert _text(table.children[0]) == ["Contracts 1–5 of 5 ending from today: ends 31 Dec 2026 to 30 Sep 2027."]


def test_a_contract_ending_today_is_upcoming() -> None:
    frame = make_frame([{"contract_id": "T", "end_date": "2026-11-22"},
                        {"contract_id": "Y", "end_date": "2026-11-21"}])
    page = select_page(frame, TODAY, 0)
    assert page.rows["contract_id"].tolist() == ["T"]
    assert page.ended == 1


# ---- dataset text is text in the figure -------------------------------------------------------

HOSTILE = Path(__file__).resolve().parents[1] / "fixtures" / "hostile_dataset"
# What the hostile fixture's names carry; none of it may reach plotly unescaped.
RAW_MARKUP = ("<b>Bold</b>", "<i>Co</i>", "<a href", "<script>", "<img src", "<svg onload")


def _figure_texts(figure: dict) -> list[str]:
    """Every string of the figure that plotly renders as (pseudo-)HTML."""
    layout = figure["layout"]
    texts = list(layout["yaxis"].get("ticktext", []))
    texts += [a["text"] for a in layout.get("annotations", [])]
    for trace in figure["data"]:
        texts += trace.get("hovertext", [])
    return texts


@pytest.mark.parametrize("compact", [False, True])
@pytest.mark.parametrize("group", ["service_area", "authority"])
def test_hostile_names_are_escaped_in_every_label_and_hover(compact: bool, group: str) -> None:
    from techmap.dataformat.dataset import load_dataset

    rows = load_dataset(HOSTILE).contracts
    figure = timeline_figure(select_page(rows, TODAY), group, TODAY, compact=compact)
    texts = _figure_texts(figure)
    assert len(texts) > 30
    joined = "\n".join(texts)
    for raw in RAW_MARKUP:
        assert raw not in joined, raw
    # the names show as typed: plotly turns the entities back into the characters
    labels = [html.unescape(t) for t in (figure["layout"]["yaxis"].get("ticktext") or
                                         [a["text"] for a in figure["layout"]["annotations"]])]
    assert "Camden – <b>Bold</b> & <i>Co</i>" in labels
    hover = "\n".join(html.unescape(t) for t in figure["data"][0]["hovertext"])
    assert "<a href=\"javascript:window.__xss='link'\">click</a>" in hover
    assert "Supplier: <img src=x onerror=\"window.__xss='supplier'\">" in hover


@pytest.mark.parametrize("text", [
    "x" * 36 + "<b>",  # the cut falls inside "&lt;"
    "Camden – " + "&" * 40,
    "Hackney – A & B <Systems> Ltd and Partners",
])
def test_labels_are_shortened_before_they_are_escaped(text: str) -> None:
    label = tick_label(text)
    assert html.unescape(label) == _short(text)  # no entity cut in half
    assert "<" not in label and ">" not in label
    assert len(_short(text)) <= LABEL_CHARS


def test_heading_markup_is_the_apps_own() -> None:
    figure = timeline_figure(select_page(contracts(), TODAY), "service_area", TODAY)
    # the headings are bold on purpose; that bold is the only markup in the tick labels
    assert [t for t in figure["layout"]["yaxis"]["ticktext"] if "<" in t] == ["<b>Libraries</b>", "<b>Housing</b>"]
