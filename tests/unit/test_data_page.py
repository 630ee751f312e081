"""The data page: the grid's rows (filters, flag view, server-side sort, paging), its cells, the
quality panel and the downloads, on a six-row fixture whose expected values are worked out by hand
(tests/fixtures/data_page/README.md)."""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from dash import no_update
from flask import Flask
from plotly.utils import PlotlyJSONEncoder

import app as app_module  # noqa: F401  (loads the pages, as Dash does)
from components import data_grid
from components.data_grid import (
    column_defs,
    grid_block,
    parse_sort_model,
    records,
    view_positions,
)
from components.quality_panel import (
    coverage_table,
    flag_counts,
    flags_table,
    sources_table,
)
from components.safe_text import safe_url
from techmap import context
from techmap.appstate import AppState
from techmap.dataset import Dataset
from techmap.filters import FilterState
from techmap.quality import coverage_by_borough
from tests.unit.test_api import instance

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "data_page" / "dataset"
ROOT = Path(__file__).resolve().parents[2]
CAMDEN, HACKNEY, LAMBETH = "E09000007", "E09000012", "E09000022"
ALL_ROWS = ["D-01", "D-02", "D-03", "D-04", "D-05", "D-06"]


def page() -> Any:
    return sys.modules["pages.data"]


@pytest.fixture()
def data(monkeypatch: pytest.MonkeyPatch) -> Iterator[Dataset]:
    with instance(monkeypatch, public=False, dataset=FIXTURE):
        yield context.dataset()


@pytest.fixture()
def public_data(monkeypatch: pytest.MonkeyPatch) -> Iterator[Dataset]:
    with instance(monkeypatch, public=True, dataset=FIXTURE):
        yield context.dataset()


def ids_of(data: Dataset, filters: FilterState = FilterState(), flag: str = "all",
           sort: list[dict[str, str]] | None = None, start: int = 0, end: int = 100,
           public: bool = False) -> list[str]:
    block = grid_block(data, filters, flag, {"startRow": start, "endRow": end, "sortModel": sort or []},
                       today=context.today(), public=public)
    return [row["contract_id"] for row in block["rowData"]]


def render(component: Any) -> str:
    return json.dumps(component, cls=PlotlyJSONEncoder, ensure_ascii=False)


# ---- rows, order, paging ----------------------------------------------------------------------


def test_rows_are_the_filtered_contracts_in_dataset_order(data: Dataset) -> None:
    block = grid_block(data, FilterState(authority=(CAMDEN,)), "all", {"startRow": 0, "endRow": 100},
                       today=context.today(), public=False)
    assert block["rowCount"] == 3
    assert [r["contract_id"] for r in block["rowData"]] == ["D-01", "D-02", "D-06"]
    assert ids_of(data) == ALL_ROWS


def test_sort_by_date_puts_blanks_last_in_both_directions(data: Dataset) -> None:
    # end dates: D-01 2027-03-31, D-02 blank, D-03 2026-12-31, D-04 2026-05-31, D-05 2029-12-15,
    # D-06 2026-01-31
    assert ids_of(data, sort=[{"colId": "end_date", "sort": "asc"}]) == ["D-06", "D-04", "D-03", "D-01", "D-05", "D-02"]
    assert ids_of(data, sort=[{"colId": "end_date", "sort": "desc"}]) == ["D-05", "D-01", "D-03", "D-04", "D-06", "D-02"]


def test_sort_by_text_ignores_case_and_keeps_ties_in_dataset_order(data: Dataset) -> None:
    # suppliers: NEC, "=cmd...", Civica, NEC, System C, civica. "=" sorts before letters; "Civica"
    # and "civica" fold to the same text (the exact spelling breaks the tie); the two NEC rows tie
    # and keep dataset order in either direction.
    assert ids_of(data, sort=[{"colId": "supplier", "sort": "asc"}]) == ["D-02", "D-03", "D-06", "D-01", "D-04", "D-05"]
    assert ids_of(data, sort=[{"colId": "supplier", "sort": "desc"}]) == ["D-05", "D-01", "D-04", "D-06", "D-03", "D-02"]


def test_second_sort_column_orders_ties_of_the_first(data: Dataset) -> None:
    # systems: "<script>..." (D-02) < Mosaic (D-05) < Open Housing (D-01 ends 2027-03, D-04 ends
    # 2026-05) < Spydus (D-03) < spydus (D-06)
    by_end = [{"colId": "system", "sort": "asc"}, {"colId": "end_date", "sort": "desc"}]
    assert ids_of(data, sort=by_end) == ["D-02", "D-05", "D-01", "D-04", "D-03", "D-06"]
    by_end[1]["sort"] = "asc"
    assert ids_of(data, sort=by_end) == ["D-02", "D-05", "D-04", "D-01", "D-03", "D-06"]


def test_sort_by_money_and_by_the_number_of_flags(data: Dataset) -> None:
    # annual values: D-01 120000, D-02 0, D-03 blank, D-04 50000, D-05 643219, D-06 25000.5
    assert ids_of(data, sort=[{"colId": "annual_value_gbp", "sort": "desc"}]) == ["D-05", "D-01", "D-04", "D-06", "D-02", "D-03"]
    # flags: D-02 two, D-03 two, the others none
    assert ids_of(data, sort=[{"colId": "flags", "sort": "desc"}])[:2] == ["D-02", "D-03"]


def test_pages_slice_the_same_order_and_bad_requests_are_clamped(data: Dataset) -> None:
    order = ids_of(data, sort=[{"colId": "end_date", "sort": "asc"}])
    assert ids_of(data, sort=[{"colId": "end_date", "sort": "asc"}], start=2, end=4) == order[2:4]
    block = grid_block(data, FilterState(), "all", {"startRow": "x", "endRow": -5, "sortModel": "junk"},
                       today=context.today(), public=False)
    assert block == {"rowData": [], "rowCount": 6}  # start 0, end clamped to start
    block = grid_block(data, FilterState(), "all", None, today=context.today(), public=False)
    assert [r["contract_id"] for r in block["rowData"]] == ALL_ROWS
    big = grid_block(data, FilterState(), "all", {"startRow": 0, "endRow": 10**9}, today=context.today(), public=False)
    assert len(big["rowData"]) == 6


def test_sort_model_is_allow_listed() -> None:
    model = [{"colId": "search_text", "sort": "asc"}, {"colId": "end_date", "sort": "sideways"},
             {"colId": "system", "sort": "desc"}, {"colId": "system", "sort": "asc"}, "junk"]
    assert parse_sort_model(model, public=False) == (("system", "desc"),)
    assert parse_sort_model([{"colId": "satisfaction", "sort": "asc"}], public=False) == (("satisfaction", "asc"),)
    assert parse_sort_model([{"colId": "satisfaction", "sort": "asc"}], public=True) == ()
    assert parse_sort_model({"colId": "system"}, public=False) == ()


def test_flag_view_keeps_only_the_flagged_rows(data: Dataset) -> None:
    today = context.today()
    everything = FilterState()
    assert data.contracts["contract_id"].iloc[view_positions(data, everything, "missing_end_date", today=today)].tolist() == ["D-02"]
    assert ids_of(data, flag="zero_value") == ["D-02"]
    assert ids_of(data, flag="placeholder_date") == ["D-03"]
    assert ids_of(data, flag="stale_source") == ["D-03"]
    assert ids_of(data, flag="end_before_start") == []
    assert ids_of(data, flag="no-such-flag") == ALL_ROWS
    # the flag narrows the filtered rows, it does not replace the filters
    assert ids_of(data, FilterState(authority=(HACKNEY,)), flag="zero_value") == []


def test_end_before_start_is_flagged(data: Dataset) -> None:
    # The validator rejects such rows, so build the case in memory.
    contracts = data.contracts.copy()
    contracts.loc[contracts["contract_id"] == "D-04", "end_date"] = pd.Timestamp("2021-06-30")
    broken = replace(data, contracts=contracts)
    assert ids_of(broken, flag="end_before_start") == ["D-04"]


# ---- cells ------------------------------------------------------------------------------------


def _rows(data: Dataset, public: bool = False) -> dict[str, dict[str, Any]]:
    rows = records(data, np.arange(len(data.contracts)), today=context.today(), public=public)
    return {r["contract_id"]: r for r in rows}


def test_cells_are_display_text_with_the_slugs_the_links_need(data: Dataset) -> None:
    rows = _rows(data)
    d01, d02, d03, d04, d06 = rows["D-01"], rows["D-02"], rows["D-03"], rows["D-04"], rows["D-06"]
    assert (d01["authority_name"], d01["authority_slug"]) == ("Camden", "camden")
    assert d01["service_area_name"] == "Housing"
    assert (d01["annual_value_gbp"], d01["total_value_gbp"]) == ("£120,000", "£600,000")
    assert (d01["end_date"], d01["max_end_date"], d01["review_date"]) == ("2027-03-31", "2029-03-31", "2026-09-30")
    assert d01["satisfaction"] == 4 and d01["flags"] == ""
    assert (d01["source_title"], d01["source_url"], d01["source_as_of"]) == (
        "Camden contracts register", "https://example.org/register", "2026-06-30")
    assert d01["synthetic"] == "Real" and d04["synthetic"] == "Illustrative"
    assert d02["end_date"] == "" and d02["annual_value_gbp"] == "£0" and d02["total_value_gbp"] == ""
    assert d02["flags"] == "no end date; £0 value" and d02["value_public"] == "No"
    assert d03["flags"] == "placeholder date; old source" and d03["start_date"] == "1900-01-01"
    assert d04["hosting"] == "On premises"
    assert d06["annual_value_gbp"] == "£25,000.50" and d06["supplier_slug"] == "civica"


def test_dataset_text_is_passed_as_plain_text_and_only_http_links_survive(data: Dataset) -> None:
    rows = _rows(data)
    assert rows["D-02"]["system"] == "<script>alert(1)</script>"
    assert rows["D-02"]["supplier"] == "=cmd|' /C calc'!A0"
    assert rows["D-03"]["source_title"] == "Old survey <b>bold</b>"
    assert rows["D-03"]["source_url"] == ""  # the manifest says javascript:alert(1)
    assert safe_url("https://example.org/x") == "https://example.org/x"
    for bad in ("javascript:alert(1)", "//evil.example", "data:text/html,x", "ftp://x.org", "", None, 42):
        assert safe_url(bad) is None
    # Only the profile and source columns have renderers, and those are the safe ones in the asset.
    renderers = {d["field"]: d.get("cellRenderer") for d in column_defs(public=False)}
    assert {k: v for k, v in renderers.items() if v} == {
        "authority_name": "ProfileLink", "supplier": "ProfileLink", "source_title": "SourceLink"}
    script = (ROOT / "assets" / "dashAgGridComponentFunctions.js").read_text(encoding="utf-8")
    assert "funcs.ProfileLink" in script and "funcs.SourceLink" in script
    assert "innerHTML" not in script.replace("never innerHTML", "")
    assert "dangerouslySetInnerHTML" not in script


def test_every_header_carries_help_text() -> None:
    for spec in column_defs(public=False):
        assert len(spec["headerTooltip"]) > 20, spec["field"]
    assert column_defs(public=False)[0]["headerTooltip"] == "Unique identifier of the row in this dataset."


def test_public_instance_sends_no_satisfaction_and_no_restricted_value(public_data: Dataset) -> None:
    rows = _rows(public_data, public=True)
    assert all("satisfaction" not in r for r in rows.values())
    assert rows["D-02"]["annual_value_gbp"] == ""  # value_public false: redacted at load
    assert rows["D-02"]["flags"] == "no end date"  # so the £0 flag goes with it
    assert "satisfaction" not in {d["field"] for d in column_defs(public=True)}
    assert ids_of(public_data, sort=[{"colId": "satisfaction", "sort": "desc"}], public=True) == ALL_ROWS


# ---- callbacks --------------------------------------------------------------------------------


def test_serve_rows_reads_the_view_from_the_url(data: Dataset) -> None:
    request = {"startRow": 0, "endRow": 100, "sortModel": []}
    answer = page().serve_rows(request, f"?authority={HACKNEY}&flag=stale_source&authority=junk")
    assert answer["rowCount"] == 1 and answer["rowData"][0]["contract_id"] == "D-03"
    assert page().serve_rows(request, None)["rowCount"] == 6
    assert page().serve_rows(None, "") is no_update


def test_update_view_counts_and_purges_the_grid_only_when_its_rows_change(data: Dataset) -> None:
    camden = AppState(FilterState(authority=(CAMDEN,)))
    count, links, quality, style, grid_key, page_key = page().update_view(camden.to_dict(), None, None)
    assert "3 contracts match the filters." in render(count)
    assert style == {"height": "251px"}  # header, pager and scrollbar 125 px + 3 rows of 42 px
    assert grid_key == f"?authority={CAMDEN}|all" and page_key == f"?authority={CAMDEN}"
    assert page().update_view(camden.to_dict(), grid_key, page_key) == (no_update,) * 6
    # a view setting of another page changes the links, not the grid's rows
    other = camden.with_view("metric", "suppliers")
    out = page().update_view(other.to_dict(), grid_key, page_key)
    assert out[4] is no_update and out[5] == f"?authority={CAMDEN}&metric=suppliers"
    flagged = camden.with_view("flag", "missing_end_date")
    out = page().update_view(flagged.to_dict(), grid_key, page_key)
    assert out[4] == f"?authority={CAMDEN}|missing_end_date"
    assert out[3] == {"height": "209px"}  # one row: room for two
    assert "Showing 1 of the 3 contracts behind the filters" in render(out[0])


def _walk(component: Any) -> Iterator[Any]:
    yield component
    children = getattr(component, "children", None)
    for child in children if isinstance(children, (list, tuple)) else [children]:
        if hasattr(child, "to_plotly_json"):
            yield from _walk(child)


def _grid(layout: Any) -> Any:
    return next(c for c in _walk(layout) if type(c).__name__ == "AgGrid")


def test_layout_paints_the_count_and_a_fresh_grid_id(data: Dataset) -> None:
    first = page().layout(authority=CAMDEN, flag="zero_value")
    second = page().layout(authority=CAMDEN, flag="zero_value")
    assert "Showing 1 of the 3 contracts behind the filters" in render(first)
    grids = [_grid(first), _grid(second)]
    assert all(g.rowModelType == "infinite" and g.id["type"] == "data-grid" for g in grids)
    assert grids[0].id != grids[1].id  # each render has its own grid
    assert [d["field"] for d in grids[0].columnDefs][:3] == ["contract_id", "authority_name", "service_area_name"]


# ---- downloads --------------------------------------------------------------------------------


def test_download_links_carry_the_state_and_excel_says_when_it_is_too_big(data: Dataset,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    state = AppState(FilterState(authority=(CAMDEN,)))
    text = render(page().downloads(state, 3))
    assert f"/download/contracts.csv?authority={CAMDEN}" in text
    assert f"/download/contracts.xlsx?authority={CAMDEN}" in text
    monkeypatch.setattr(page(), "XLSX_MAX_ROWS", 2)
    text = render(page().downloads(state, 3))
    assert "contracts.xlsx" not in text and "Narrow the filters" in text
    flagged = render(page().downloads(state.with_view("flag", "zero_value"), 3))
    assert "only the flagged contracts" in flagged


def test_the_csv_download_holds_the_grids_rows_in_the_grids_order(data: Dataset) -> None:
    from web import downloads

    server = Flask("data-page-test")
    server.register_blueprint(downloads.bp)
    for query, filters in ((f"?authority={CAMDEN}", FilterState(authority=(CAMDEN,))),
                           ("?area=housing&q=nec", FilterState(area=("housing",), q="nec")), ("", FilterState())):
        body = server.test_client().get("/download/contracts.csv" + query).data.decode("utf-8-sig")
        downloaded = [row["contract_id"] for row in csv.DictReader(io.StringIO(body))]
        assert downloaded == ids_of(data, filters), query


# ---- quality panel ----------------------------------------------------------------------------


def test_flag_counts_and_their_links(data: Dataset) -> None:
    everything = np.arange(len(data.contracts))
    counts = flag_counts(data, everything, today=context.today())
    assert counts == {"missing_end_date": 1, "end_before_start": 0, "placeholder_date": 1,
                      "zero_value": 1, "stale_source": 1}
    camden = AppState(FilterState(authority=(CAMDEN,)))
    text = render(flags_table(counts, 6, camden))
    assert f'"/data?authority={CAMDEN}&flag=missing_end_date"' in text
    assert "flag=end_before_start" not in text  # nothing to show: no link
    active = render(flags_table(counts, 6, camden.with_view("flag", "zero_value")))
    assert f'"/data?authority={CAMDEN}"' in active and "Show all contracts" in active


def test_coverage_table_for_the_selected_boroughs(data: Dataset) -> None:
    today = context.today()
    coverage = coverage_by_borough(data.contracts, sources=data.sources, today=today)
    camden = AppState(FilterState(authority=(CAMDEN,)))
    text = render(coverage_table(coverage, camden, public=False))
    # Camden: D-01, D-02, D-06; two with an end date; all three with a value (D-02's £0 counts);
    # sources register (2026-06-30) and demo (2026-11-01); one flagged row (D-02)
    for cell in ('"Camden"', '"3"', '"67%"', '"100%"', '"2026-11-01"', '"2026-06-30"', '"1"'):
        assert cell in text, cell
    assert "Hackney" not in text
    everything = render(coverage_table(coverage, AppState(), public=False))
    assert "Hackney" in everything and "Westminster" in everything  # all 33 without a selection


def test_sources_table_links_only_http_sources(data: Dataset) -> None:
    text = render(sources_table(data, data.contracts))
    assert '"href": "https://example.org/register"' in text
    assert "javascript:" not in text
    assert '"Old survey <b>bold</b>"' in text  # plain text, not markup


def test_grid_caches_are_keyed_on_the_dataset_object(data: Dataset) -> None:
    before = data_grid.row_flags(data, context.today())
    assert data_grid.row_flags(data, context.today()) is before
    assert before.shape == (6, 5)


def test_download_in_a_flag_view_holds_exactly_the_flagged_rows():
    import csv
    import io

    from techmap import context
    from techmap.views import view_positions

    data = context.dataset()
    state = AppState.from_query_string("?area=housing&flag=missing_end_date")
    expected = data.contracts["contract_id"].iloc[
        view_positions(data, state.filters, "missing_end_date", today=context.today())].tolist()
    response = app_module.server.test_client().get("/download/contracts.csv?area=housing&flag=missing_end_date")
    rows = list(csv.DictReader(io.StringIO(response.get_data().decode("utf-8-sig"))))
    assert [r["contract_id"] for r in rows] == expected
    assert 0 < len(expected) < len(data.contracts[data.contracts["service_area"] == "housing"])
