"""The systems-by-borough grid (/systems) against values worked out by hand: the named system (most
rows, ties by name), "+N more", unknown and illustrative cells, end bands, the cells a filter
keeps, the row orders; the page's builders and patches; the reducer's cell and column choice."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import numpy as np
import pytest

from components.systems_grid import cell_text, row_props, summary, tip_text
from techmap.analysis.filters import FilterState
from techmap.analysis.queries import filter_mask
from techmap.analysis.systems_grid import AREAS, GROUPS, build_grid, cells_in_view, end_band, row_order
from techmap.appstate import AppState, reduce_state
from tests.unit.frames import CAMDEN, CITY, HACKNEY, ISLINGTON, make_frame

TODAY = date(2026, 11, 22)
HOUSING = [a.slug for a in AREAS].index("housing")
LIBRARIES = [a.slug for a in AREAS].index("libraries")
ROOT = Path(__file__).resolve().parents[2]

# Camden housing: Mosaic twice (Servelec twice, one ending 2027-03-31, one 2029-01-01; one real
# row), Civica CX once. Hackney housing: Civica CX and Aareon QL once each (a tie: by name, Aareon
# QL). Islington housing: Civica CX. City libraries: Spydus, real. Everything else unknown.
ROWS = [
    {"authority_code": CAMDEN, "service_area": "housing", "system": "Mosaic", "supplier": "Servelec",
     "end_date": "2027-03-31"},
    {"authority_code": CAMDEN, "service_area": "housing", "system": "Mosaic", "supplier": "Servelec",
     "end_date": "2029-01-01", "synthetic": False},
    {"authority_code": CAMDEN, "service_area": "housing", "system": "Civica CX", "supplier": "Civica"},
    {"authority_code": HACKNEY, "service_area": "housing", "system": "Civica CX", "supplier": "Civica",
     "end_date": "2027-01-31"},
    {"authority_code": HACKNEY, "service_area": "housing", "system": "Aareon QL", "supplier": "Aareon",
     "end_date": "2026-10-01"},
    {"authority_code": ISLINGTON, "service_area": "housing", "system": "Civica CX", "supplier": "Civica"},
    {"authority_code": CITY, "service_area": "libraries", "system": "Spydus", "supplier": "Civica",
     "synthetic": False, "end_date": "2028-06-30"},
    {"authority_code": CITY, "service_area": "unclassified", "system": "Other", "supplier": "Someone"},
]


@pytest.fixture(scope="module")
def frame():
    return make_frame(ROWS)


@pytest.fixture(scope="module")
def grid(frame):
    return build_grid(frame, TODAY)


def _row(grid, code):
    return grid.codes.index(code)


def test_each_cell_names_its_most_frequent_system_then_how_many_more(grid) -> None:
    camden = grid.cells[_row(grid, CAMDEN)][HOUSING]
    assert [s.name for s in camden.systems] == ["Mosaic", "Civica CX"]
    assert camden.top.rows == 2 and camden.top.suppliers == ("Servelec",)
    assert camden.more == 1 and cell_text(camden) == "Mosaic +1 more"
    assert camden.top.ends == date(2029, 1, 1)  # the latest end of the system's contracts
    assert not camden.illustrative  # one of its rows is real
    hackney = grid.cells[_row(grid, HACKNEY)][HOUSING]
    assert cell_text(hackney) == "Aareon QL +1 more"  # a tie of one row each: by name
    assert hackney.illustrative
    assert cell_text(grid.cells[_row(grid, ISLINGTON)][HOUSING]) == "Civica CX"


def test_cells_without_rows_are_unknown_not_blank(grid) -> None:
    unknown = grid.cells[_row(grid, ISLINGTON)][LIBRARIES]
    assert not unknown.known and cell_text(unknown) == "Unknown"
    assert "No system known" in tip_text(unknown)
    assert sum(c.known for row in grid.cells for c in row) == 4
    assert grid.outside == 1  # the unclassified row has no column


def test_the_tip_lists_every_system_with_its_suppliers_and_end(grid) -> None:
    text = tip_text(grid.cells[_row(grid, HACKNEY)][HOUSING])
    assert text == ("Aareon QL: Aareon, ends 1 Oct 2026. Civica CX: Civica, ends 31 Jan 2027. "
                    "Illustrative (demo data, not a real contract).")


def test_end_bands_count_from_today(grid) -> None:
    assert [end_band(d, TODAY) for d in (None, date(2026, 11, 21), TODAY, date(2027, 5, 22),
                                         date(2027, 5, 23), date(2027, 11, 22), date(2028, 11, 22),
                                         date(2028, 11, 23))] == \
        ["none", "ended", "6m", "6m", "12m", "12m", "2y", "later"]
    assert grid.bands[_row(grid, HACKNEY)][HOUSING] == "ended"  # Aareon QL ended 1 Oct 2026
    assert grid.bands[_row(grid, CAMDEN)][HOUSING] == "later"  # Mosaic to 1 Jan 2029: over 2 years
    assert grid.bands[_row(grid, CITY)][LIBRARIES] == "2y"  # Spydus to 30 Jun 2028


def test_suppliers_get_colour_slots_by_the_cells_they_name(grid) -> None:
    # Named systems' suppliers: Servelec (Camden), Aareon (Hackney), Civica (Islington, City).
    assert list(grid.supplier_slots) == ["civica", "aareon", "servelec"]
    assert grid.slot_names == ("Civica", "Aareon", "Servelec")
    assert grid.supplier_counts[_row(grid, CAMDEN)] == 2  # Servelec, Civica


def test_a_filter_keeps_the_cells_holding_a_row_under_it(frame, grid) -> None:
    kept = cells_in_view(grid, filter_mask(frame, FilterState(supplier=("civica",))))
    assert {(grid.codes[r], AREAS[c].slug) for r, c in zip(*np.nonzero(kept), strict=True)} == {
        (CAMDEN, "housing"), (HACKNEY, "housing"), (ISLINGTON, "housing"), (CITY, "libraries")}
    ended = cells_in_view(grid, filter_mask(frame, FilterState(ends_to=date(2026, 12, 31))))
    assert int(ended.sum()) == 1 and ended[_row(grid, HACKNEY), HOUSING]
    assert summary(grid, ended) == ("4 of 825 cells known (821 unknown); 1 hold a contract under the "
                                    "filters; the other 3 are faded. 1 contract in no column "
                                    "(unclassified) is not shown.")


def test_row_orders(grid) -> None:
    names = lambda order: [grid.names[r] for r in order]  # noqa: E731
    by_name = names(row_order(grid, "borough"))
    assert by_name == sorted(by_name) and len(by_name) == 33
    # most suppliers first: Camden and Hackney (2 each, by name), then City and Islington (1)
    assert names(row_order(grid, "suppliers"))[:4] == ["Camden", "Hackney", "City of London", "Islington"]
    # by the housing system: Aareon QL (Hackney), Civica CX (Islington), Mosaic (Camden) are named
    # once each, so they go by system name; the unknown cells come last.
    assert names(row_order(grid, "housing"))[:3] == ["Hackney", "Islington", "Camden"]


def test_sorting_by_a_column_puts_boroughs_on_the_same_system_together() -> None:
    rows = [{"authority_code": code, "service_area": "housing", "system": system}
            for code, system in [(CAMDEN, "B"), (HACKNEY, "A"), (ISLINGTON, "B"), (CITY, "C")]]
    grid = build_grid(make_frame(rows), TODAY)
    order = row_order(grid, "housing")
    named = [grid.cells[r][HOUSING].top.name if grid.cells[r][HOUSING].known else None for r in order]
    assert named[:4] == ["B", "B", "A", "C"]  # the most common first, then by name; unknown after
    assert [grid.names[r] for r in order[:2]] == ["Camden", "Islington"]
    assert set(named[4:]) == {None}


def test_a_filter_change_sends_each_rows_faded_cells_and_selection(frame, grid) -> None:
    kept = cells_in_view(grid, filter_mask(frame, FilterState(supplier=("civica",))))
    out, selected = row_props(grid, [HACKNEY, CAMDEN, "E09000099"], kept, (CAMDEN,))
    assert selected == ["", "sel", ""]
    assert str(HOUSING) not in out[1].split() and len(out[1].split()) == len(AREAS) - 1
    assert out[2] == ""  # a row the grid does not have: nothing


def test_the_stylesheet_has_rules_for_every_column() -> None:
    css = (ROOT / "assets" / "30_systems.css").read_text()
    for j in range(len(AREAS)):
        assert f'tr[data-out~="{j}"] > td:nth-child({j + 2})' in css
        assert f'[data-cols~="{j}"] tr.sel > td:nth-child({j + 2})' in css
    assert not re.search(rf'data-out~="{len(AREAS)}"', css)
    assert [name for name, _ in GROUPS] == ["Frontline services", "Corporate services", "Infrastructure"]


def test_choosing_a_cell_filters_to_its_borough_and_area_and_again_clears_it() -> None:
    trigger = {"type": "systems-grid", "page": "systems"}
    start = AppState.from_query_string("?supplier=capita&authority=E09000012")
    chosen = reduce_state(start, trigger, {"authority": CAMDEN, "area": "housing", "n": 1}, today=TODAY)
    assert chosen.filters.authority == (CAMDEN,) and chosen.filters.area == ("housing",)
    assert chosen.filters.supplier == ("capita",)  # the other filters stay
    again = reduce_state(chosen, trigger, {"authority": CAMDEN, "area": "housing", "n": 2}, today=TODAY)
    assert again.filters.authority == () and again.filters.area == ()
    column = reduce_state(chosen, trigger, {"authority": None, "area": "libraries", "n": 3}, today=TODAY)
    assert column.filters.authority == (CAMDEN,) and column.filters.area == ("libraries",)
    for junk in ({"authority": "E0900", "area": "housing"}, {"authority": CAMDEN, "area": "nope"}, "x", None):
        assert reduce_state(chosen, trigger, junk, today=TODAY) == chosen


def test_sort_and_colour_live_in_the_url() -> None:
    state = AppState.from_query_string("?grid_sort=housing&grid_colour=ends&grid_sort=bogus")
    assert state.view_value("grid_sort") == "housing" and state.view_value("grid_colour") == "ends"
    assert AppState.from_query_string("?grid_sort=<script>").view_value("grid_sort") == "borough"
    assert "grid_sort=housing" in state.to_query_string()
