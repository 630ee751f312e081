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
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from dash import no_update
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from flask import Flask
from openpyxl import load_workbook
from plotly.utils import PlotlyJSONEncoder

import app as app_module  # noqa: F401  (loads the pages, as Dash does)
import ids
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
from techmap.table import query as table_query
from techmap.appstate import VIEW_PARAMS, AppState
from techmap.auth.roles import Role
from techmap.dataformat.dataset import Dataset
from techmap.analysis.filters import FilterState
from techmap.analysis.quality import coverage_by_borough
from techmap.service import context
from tests.unit.auth_helpers import act_as
from tests.unit.component_tree import components_in
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
    # suppliers: NEC, "=cmd...", Civica, NEC, System C, civica. "=" sorts before letters; the two NEC
    # rows tie and keep dataset order in either direction. "Civica" and "civica" fold to the same
    # text: the exact spelling breaks the tie, unless loading shows both as one spelling, when they
    # tie too.
    assert ids_of(data, sort=[{"colId": "supplier", "sort": "asc"}]) == ["D-02", "D-03", "D-06", "D-01", "D-04", "D-05"]
    spellings = data.contracts.set_index("contract_id")["supplier"]
    civica = ["D-03", "D-06"] if spellings["D-03"] == spellings["D-06"] else ["D-06", "D-03"]
    assert ids_of(data, sort=[{"colId": "supplier", "sort": "desc"}]) == ["D-05", "D-01", "D-04", *civica, "D-02"]
    # systems keep their spellings: Spydus (D-03) before spydus (D-06), the other way round descending
    assert ids_of(data, sort=[{"colId": "system", "sort": "desc"}])[:2] == ["D-06", "D-03"]


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


# ---- column filters and the table search (applied on the server) ------------------------------


def filtered(data: Dataset, model: Any, search: str = "", filters: FilterState = FilterState(),
             flag: str = "all", sort: list[dict[str, str]] | None = None, public: bool = False) -> list[str]:
    block = grid_block(data, filters, flag, {"startRow": 0, "endRow": 100, "filterModel": model,
                                             "sortModel": sort or []},
                       today=context.today(), public=public, search=search)
    assert block["rowCount"] == len(block["rowData"])
    return [row["contract_id"] for row in block["rowData"]]


def text(col: str, option: str, value: str | None = None) -> dict[str, Any]:
    return {col: {"filterType": "text", "type": option, **({"filter": value} if value is not None else {})}}


def number(col: str, option: str, value: Any = None, to: Any = None) -> dict[str, Any]:
    return {col: {"filterType": "number", "type": option, "filter": value, "filterTo": to}}


def day(col: str, option: str, value: str | None = None, to: str | None = None) -> dict[str, Any]:
    return {col: {"filterType": "date", "type": option, "dateFrom": value and f"{value} 00:00:00",
                  "dateTo": to and f"{to} 00:00:00"}}


@pytest.mark.parametrize(("model", "expected"), [
    # text, as the cell shows it, without regard to case. systems: D-01 Open Housing, D-02
    # <script>alert(1)</script>, D-03 Spydus, D-04 Open Housing, D-05 Mosaic, D-06 spydus
    (text("system", "contains", "SPY"), ["D-03", "D-06"]),
    (text("system", "notContains", "spy"), ["D-01", "D-02", "D-04", "D-05"]),
    (text("system", "equals", "open housing"), ["D-01", "D-04"]),
    (text("system", "notEqual", "open housing"), ["D-02", "D-03", "D-05", "D-06"]),
    (text("system", "startsWith", "<scr"), ["D-02"]),
    (text("system", "endsWith", "DUS"), ["D-03", "D-06"]),
    (text("contract_id", "equals", "d-05"), ["D-05"]),
    # blanks: D-02 has no manufacturer; a blank does not contain, and is not, the value
    (text("manufacturer", "blank"), ["D-02"]),
    (text("manufacturer", "notBlank"), ["D-01", "D-03", "D-04", "D-05", "D-06"]),
    (text("manufacturer", "notContains", "civica"), ["D-01", "D-02", "D-04", "D-05"]),
    (text("manufacturer", "contains", "civica"), ["D-03", "D-06"]),
    # the shown text of coded columns, not the stored code
    (text("hosting", "equals", "on premises"), ["D-04"]),
    (text("hosting", "equals", "on_premises"), []),
    (text("synthetic", "equals", "illustrative"), ["D-04", "D-05", "D-06"]),
    (text("value_public", "equals", "no"), ["D-02"]),
    (text("service_area_name", "contains", "social"), ["D-05"]),
    (text("authority_name", "startsWith", "hack"), ["D-03", "D-04"]),
    (text("source_title", "contains", "<b>"), ["D-03"]),
    (text("flags", "contains", "old source"), ["D-03"]),
    (text("flags", "blank"), ["D-01", "D-04", "D-05", "D-06"]),
    # numbers. annual values: D-01 120000, D-02 0, D-03 blank, D-04 50000, D-05 643219, D-06 25000.5
    (number("annual_value_gbp", "greaterThan", 50000), ["D-01", "D-05"]),
    (number("annual_value_gbp", "greaterThanOrEqual", 50000), ["D-01", "D-04", "D-05"]),
    (number("annual_value_gbp", "lessThan", 25000.5), ["D-02"]),
    (number("annual_value_gbp", "lessThanOrEqual", 25000.5), ["D-02", "D-06"]),
    (number("annual_value_gbp", "equals", 25000.5), ["D-06"]),
    (number("annual_value_gbp", "inRange", 0, 50000), ["D-02", "D-04", "D-06"]),  # inclusive
    (number("annual_value_gbp", "inRange", 50000, 0), ["D-02", "D-04", "D-06"]),  # either way round
    (number("annual_value_gbp", "notEqual", 0), ["D-01", "D-04", "D-05", "D-06"]),  # a blank is not "not 0"
    (number("annual_value_gbp", "blank"), ["D-03"]),
    (number("satisfaction", "greaterThanOrEqual", 4), ["D-01", "D-04"]),
    # dates. end dates: D-01 2027-03-31, D-02 blank, D-03 2026-12-31, D-04 2026-05-31,
    # D-05 2029-12-15, D-06 2026-01-31
    (day("end_date", "lessThan", "2026-06-01"), ["D-04", "D-06"]),
    (day("end_date", "greaterThan", "2027-03-31"), ["D-05"]),  # after: the day itself is not
    (day("end_date", "equals", "2026-12-31"), ["D-03"]),
    (day("end_date", "notEqual", "2026-12-31"), ["D-01", "D-04", "D-05", "D-06"]),
    (day("end_date", "inRange", "2026-05-31", "2026-12-31"), ["D-03", "D-04"]),
    (day("end_date", "blank"), ["D-02"]),
    (day("start_date", "lessThan", "1901-01-01"), ["D-03"]),
    # source dates: register 2026-06-30 (D-01, D-02), old survey 2023-01-15 (D-03), demo 2026-11-01
    (day("source_as_of", "lessThan", "2026-01-01"), ["D-03"]),
    (day("source_as_of", "equals", "2026-06-30"), ["D-01", "D-02"]),
    # several columns: all of them must pass
    ({**text("system", "contains", "o"), **number("annual_value_gbp", "lessThan", 100000)}, ["D-04"]),
])
def test_column_filters(data: Dataset, model: dict[str, Any], expected: list[str]) -> None:
    assert filtered(data, model) == expected


def test_column_filters_narrow_the_filter_bar_and_flag_rows_and_keep_the_sort(data: Dataset) -> None:
    camden = FilterState(authority=(CAMDEN,))  # D-01, D-02, D-06
    assert filtered(data, text("supplier", "notEqual", "nec"), filters=camden) == ["D-02", "D-06"]
    assert filtered(data, text("supplier", "notEqual", "nec"), filters=camden, flag="zero_value") == ["D-02"]
    by_value = [{"colId": "annual_value_gbp", "sort": "desc"}]
    assert filtered(data, number("annual_value_gbp", "notBlank"), sort=by_value) == ["D-05", "D-01", "D-04", "D-06", "D-02"]


@pytest.mark.parametrize(("search", "expected"), [
    ("civica", ["D-03", "D-06"]),  # supplier or manufacturer
    ("HACKNEY spydus", ["D-03"]),  # every word, each in any column
    ("2029", ["D-01", "D-05"]),  # D-01's latest end 2029-03-31, D-05's end 2029-12-15
    ("£25,000", ["D-06"]),  # the value as shown
    ("illustrative", ["D-04", "D-05", "D-06"]),
    ("g-cloud", ["D-01"]),  # procurement route
    ("shared-lib", ["D-03", "D-06"]),
    ("old source", ["D-03"]),
    ("<script>", ["D-02"]),
    ("nothing-like-this", []),
    ("   ", ALL_ROWS),
])
def test_search_finds_rows_with_every_word_in_some_column(data: Dataset, search: str, expected: list[str]) -> None:
    assert filtered(data, {}, search=search) == expected


def test_search_and_filters_never_look_at_restricted_fields_on_a_public_instance(public_data: Dataset) -> None:
    # satisfaction: D-01 4, D-04 5. Not a column on a public instance, so not filtered on.
    assert filtered(public_data, number("satisfaction", "greaterThanOrEqual", 4), public=True) == ALL_ROWS
    assert "satisfaction" not in {f.name for f in table_query.table_fields(public=True)}
    # D-02's values are not public: redacted at load, so neither its £0 nor its flag is found
    assert filtered(public_data, number("annual_value_gbp", "equals", 0), public=True) == []
    assert filtered(public_data, {}, search="£0", public=True) == []


JUNK_MODELS: list[Any] = [
    None, "system", 42, [], [{"system": {}}],
    {"system": None}, {"system": "contains"}, {"system": {"type": "contains"}},  # no value
    {"system": {"filterType": "number", "type": "contains", "filter": "x"}},  # wrong kind
    {"system": {"filterType": "text", "type": "regex", "filter": ".*"}},  # unknown option
    {"system": {"filterType": "text", "type": "contains", "filter": ["x"]}},
    {"system": {"filterType": "text", "type": "contains", "filter": ""}},
    {"system": {"filterType": "text", "operator": "OR", "conditions": [
        {"filterType": "text", "type": "equals", "filter": "Mosaic"}]}},  # combined: not offered
    {"search_text": {"filterType": "text", "type": "contains", "filter": "x"}},  # not a column
    {"__proto__": {"filterType": "text", "type": "contains", "filter": "x"}},
    {"annual_value_gbp": {"filterType": "number", "type": "greaterThan", "filter": "NaN"}},
    {"annual_value_gbp": {"filterType": "number", "type": "greaterThan", "filter": float("inf")}},
    {"annual_value_gbp": {"filterType": "number", "type": "greaterThan", "filter": True}},
    {"annual_value_gbp": {"filterType": "number", "type": "inRange", "filter": 1}},  # no end
    {"annual_value_gbp": {"filterType": "number", "type": "greaterThan", "filter": "9" * 400}},
    {"end_date": {"filterType": "date", "type": "lessThan", "dateFrom": "2027-13-45 00:00:00"}},
    {"end_date": {"filterType": "date", "type": "lessThan", "dateFrom": 20270101}},
    {"end_date": {"filterType": "date", "type": "inRange", "dateFrom": "2027-01-01", "dateTo": "soon"}},
    {"end_date": {"filterType": "date", "type": "contains", "dateFrom": "2027-01-01"}},
    {str(i): {"filterType": "text", "type": "contains", "filter": "x"} for i in range(1000)},
]


@pytest.mark.parametrize("model", JUNK_MODELS, ids=[str(i) for i in range(len(JUNK_MODELS))])
def test_malformed_filter_models_are_dropped_not_errors(data: Dataset, model: Any) -> None:
    assert table_query.parse_filter_model(model, public=False) == ()
    assert filtered(data, model) == ALL_ROWS


def test_filters_of_the_wrong_kind_keep_the_rest_of_the_model(data: Dataset) -> None:
    model = {**text("system", "contains", "spy"), "end_date": {"filterType": "text", "type": "contains",
                                                                "filter": "2026"}}
    assert filtered(data, model) == ["D-03", "D-06"]
    long = "x" * 5000  # cut to MAX_TEXT characters, not refused
    [only] = table_query.parse_filter_model(text("system", "contains", long), public=False)
    assert only.value == "x" * table_query.MAX_TEXT


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=12),
                    lambda inner: st.lists(inner, max_size=4)
                    | st.dictionaries(st.sampled_from(["system", "end_date", "annual_value_gbp", "flags",
                                                       "filterType", "type", "filter", "filterTo", "dateFrom",
                                                       "dateTo", "text", "number", "date", "contains",
                                                       "inRange", "operator", "conditions", "x"]),
                                      inner, max_size=5), max_leaves=20),
       st.text(max_size=30))
def test_any_request_gets_rows_not_an_error(data: Dataset, model: Any, search: str) -> None:
    ids = filtered(data, model, search=search)
    assert set(ids) <= set(ALL_ROWS)


def test_the_grids_columns_are_the_table_fields_each_with_a_filter_of_its_kind() -> None:
    assert [c.field for c in data_grid.GRID_COLUMNS] == [f.name for f in table_query.TABLE_FIELDS]
    kinds = {"text": "agTextColumnFilter", "number": "agNumberColumnFilter", "date": "agDateColumnFilter"}
    for spec in column_defs(public=False):
        kind = table_query.FIELDS_BY_NAME[spec["field"]].kind
        assert spec["filter"] == kinds[kind], spec["field"]
        # the grid offers exactly the options the server applies, one condition per column
        assert spec["filterParams"]["filterOptions"] == list(table_query.OPTIONS[kind])
        assert spec["filterParams"]["maxNumConditions"] == 1
        assert spec["filterParams"].get("inRangeInclusive", kind == "text")


def test_the_url_form_of_a_table_query_round_trips() -> None:
    query = table_query.TableQuery(
        table_query.parse_filter_model({**text("supplier", "contains", "a:b c"),
                                        **number("annual_value_gbp", "inRange", 1000, 25000.5),
                                        **day("end_date", "lessThan", "2027-01-01"),
                                        **text("manufacturer", "blank")}, public=False),
        "civica cloud", (("end_date", "desc"), ("system", "asc")))
    pairs = table_query.to_params(query)
    assert pairs == [("col.supplier", "contains:a:b c"), ("col.manufacturer", "blank"),
                     ("col.end_date", "lessThan:2027-01-01"), ("col.annual_value_gbp", "inRange:1000:25000.5"),
                     ("find", "civica cloud"), ("sort", "-end_date"), ("sort", "system")]
    assert table_query.from_params(pairs, public=False) == query
    junk = [("col.nope", "contains:x"), ("col.system", "regex:.*"), ("col.end_date", "lessThan:tomorrow"),
            ("col.annual_value_gbp", "inRange:1"), ("col.satisfaction", "equals:4"), ("sort", "-nope"),
            ("sort", ""), ("col.", "x"), ("find", "")]
    assert table_query.from_params(junk, public=True) == table_query.TableQuery()


def test_the_grid_form_of_a_table_query_round_trips_for_every_kind_and_option() -> None:
    samples = {"text": ("a:b c", None), "number": (1000.0, 25000.5), "date": (date(2026, 4, 1), date(2027, 3, 31))}
    fields = {kind: next(f.name for f in table_query.TABLE_FIELDS if f.kind == kind) for kind in samples}
    for kind, options in table_query.OPTIONS.items():
        for option in options:
            value, to = samples[kind]
            column = table_query.ColumnFilter(
                fields[kind], option, None if option in table_query.NO_VALUE else value,
                to if option == "inRange" else None)
            query = table_query.TableQuery((column,))
            model = table_query.to_filter_model(query)
            assert table_query.parse_filter_model(model, public=False) == (column,), (kind, option, model)
    sort = (("end_date", "desc"), ("system", "asc"))
    assert table_query.parse_sort_model(table_query.to_sort_model(table_query.TableQuery(sort=sort)),
                                        public=False) == sort


def test_a_link_to_a_view_of_the_table_opens_it_with_its_filters_search_and_sort(data: Dataset) -> None:
    layout = page().layout(**{"area": "housing", "col.supplier": "contains:capita", "find": "2027",
                              "sort": ["-annual_value_gbp", "contract_id"], "col.nope": "contains:x"})
    grid = _grid(layout)
    model = {"supplier": {"filterType": "text", "type": "contains", "filter": "capita"}}
    assert grid.filterModel == model
    assert grid.dashGridOptions["initialState"] == {  # the grid's first request for rows carries them
        "filter": {"filterModel": model},
        "sort": {"sortModel": [{"colId": "annual_value_gbp", "sort": "desc"}, {"colId": "contract_id", "sort": "asc"}]}}
    search = next(c for c in components_in(layout) if getattr(c, "id", None) == page().SEARCH)
    assert search.value == "2027"
    text = render(layout)
    assert "column filters: Supplier contains “capita”" in text
    assert "table search: “2027”" in text
    link = next(c for c in components_in(layout) if "data-view-link" in (getattr(c, "className", "") or ""))
    assert link.href == "/data?area=housing&col.supplier=contains%3Acapita&find=2027&sort=-annual_value_gbp&sort=contract_id"
    # without table parameters: a plain grid, and the link is the page's own address
    plain = page().layout(area="housing")
    assert "initialState" not in _grid(plain).dashGridOptions and getattr(_grid(plain), "filterModel", None) is None
    assert next(c for c in components_in(plain) if "data-view-link" in (getattr(c, "className", "") or "")).href == \
        "/data?area=housing"
    assert page().view_href(AppState(), table_query.TableQuery()) == "/data"


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
        "authority_name": "ProfileLink", "supplier": "ProfileLink", "source_title": "SourceLink",
        "evidence": "SourceLink"}
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


def update(state: AppState, shown_table: Any = None, *, model: Any = None, columns: Any = None,
           search: str = "", state_changed: bool = True) -> tuple[Any, ...]:
    return page().view_response(state.to_dict(), [model] if model is not None else [],
                                [columns] if columns is not None else [], search, shown_table, state_changed)


def test_update_view_runs_for_the_state_stores_and_the_grid(data: Dataset) -> None:
    """What the page's parts depend on is in the callback's Inputs (the state stores are written
    only when they change); the grid is purged by the filters, the flag and the search only."""
    def inputs_of(output: str) -> list[str]:
        cb = next(cb for key, cb in app_module.app.callback_map.items() if f"{output}." in key)
        return [i["id"] for i in cb["inputs"]]

    whole = ["filters", *VIEW_PARAMS]
    assert inputs_of(page().COUNT)[:len(whole)] == [json.dumps(ids.state_store(n), sort_keys=True,
                                                               separators=(",", ":")) for n in whole]
    assert ids.APP_STATE not in inputs_of(page().COUNT)
    purge = inputs_of(page().GRID_REFRESHED)
    assert purge[:2] == [json.dumps(ids.state_store(n), sort_keys=True, separators=(",", ":"))
                         for n in ("filters", "flag")] and purge[2] == page().SEARCH


def test_update_view_counts_and_redraws_what_the_state_changes(data: Dataset) -> None:
    camden = AppState(FilterState(authority=(CAMDEN,)))
    count, links, quality, style, view, status = update(camden)
    assert "3 contracts match the filters." in render(count)
    assert style == {"height": "299px"}  # header, filter row, pager and scrollbar 173 px + 3 rows of 42 px
    assert view == ""
    assert status is no_update  # a filter-bar change is announced by the shell
    assert quality is not no_update
    flagged = camden.with_view("flag", "missing_end_date")
    out = update(flagged, view)
    assert out[3] == {"height": "257px"}  # one row: room for two
    assert "Showing 1 of the 3 contracts behind the filters" in render(out[0])


def test_update_view_follows_the_grids_column_filters_search_and_sort(data: Dataset) -> None:
    camden = AppState(FilterState(authority=(CAMDEN,)))
    view = update(camden)[4]
    model = {"system": {"filterType": "text", "type": "contains", "filter": "o"},
             "no_such_column": {"filterType": "text", "type": "contains", "filter": "x"}}
    columns = [{"colId": "end_date", "sort": "desc", "sortIndex": 0}, {"colId": "system", "sort": None}]
    count, links, quality, style, view2, status = update(camden, view, model=model, columns=columns,
                                                         state_changed=False)
    # Camden: D-01 Open Housing, D-02 <script>..., D-06 spydus; "o" is in D-01 only
    text = render(count)
    assert "Showing 1 of the 3 contracts behind the filters; column filters: System contains “o”." in text
    assert quality is no_update  # the panel describes the filters' rows, which did not change
    assert view2 == "col.system=contains%3Ao&sort=-end_date"
    assert status == "The table shows 1 contract."
    assert style == {"height": "257px"}
    downloads_text = render(links)
    assert ("/download/contracts.csv?authority=E09000007&table=data&col.system=contains%3Ao&sort=-end_date"
            in downloads_text)
    assert "System contains “o”" in downloads_text and "sorted by End date (latest first)" in downloads_text
    # a column moved or resized: the same view, nothing sent
    assert update(camden, view2, model=model, columns=columns, state_changed=False) == (no_update,) * 6
    out = update(camden, view2, model=model, columns=columns, search="  open   housing ", state_changed=False)
    assert "table search: “open housing”" in render(out[0])


def test_clear_table_resets_every_grids_filters_and_the_search() -> None:
    assert page().clear_table(1, [{"type": "data-grid", "instance": "a"}]) == ([{}], "")
    assert page().clear_table(None, [{"type": "data-grid", "instance": "a"}]) == ([no_update], no_update)
    assert page().clear_table(1, "junk") == ([], "")


def _grid(layout: Any) -> Any:
    return next(c for c in components_in(layout) if type(c).__name__ == "AgGrid")


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
    flagged = render(page().downloads(state.with_view("flag", "zero_value"), 1))
    assert "only those flagged “Value recorded as £0”" in flagged
    assert f"/download/contracts.csv?authority={CAMDEN}&flag=zero_value&table=data" in flagged


def test_the_csv_download_holds_the_grids_rows_in_the_grids_order(data: Dataset) -> None:
    from web import downloads

    server = Flask("data-page-test")
    server.register_blueprint(downloads.bp)
    act_as(server, Role.MEMBER)
    for query, filters in ((f"?authority={CAMDEN}", FilterState(authority=(CAMDEN,))),
                           ("?area=housing&q=nec", FilterState(area=("housing",), q="nec")), ("", FilterState())):
        body = server.test_client().get("/download/contracts.csv" + query).data.decode("utf-8-sig")
        downloaded = [row["contract_id"] for row in csv.DictReader(io.StringIO(body))]
        assert downloaded == ids_of(data, filters), query


def download_client() -> Any:
    from web import downloads

    server = Flask("data-page-test")
    server.register_blueprint(downloads.bp)
    act_as(server, Role.MEMBER)  # the grid here shows every field, as it does to members
    return server.test_client()


@pytest.mark.parametrize(("model", "search", "sort", "flag"), [
    (text("system", "contains", "o"), "", [], "all"),
    (number("annual_value_gbp", "notBlank"), "", [{"colId": "annual_value_gbp", "sort": "desc"}], "all"),
    ({}, "civica", [{"colId": "end_date", "sort": "asc"}], "all"),
    ({**day("end_date", "lessThan", "2027-01-01"), **text("supplier", "contains", ":/ C")}, "", [], "all"),
    (text("hosting", "notEqual", "hosted"), "", [{"colId": "hosting", "sort": "asc"},
                                                   {"colId": "end_date", "sort": "desc"}], "zero_value"),
])
def test_a_download_holds_the_grids_rows_under_its_column_filters_search_and_sort(
        data: Dataset, model: dict[str, Any], search: str, sort: list[dict[str, str]], flag: str) -> None:
    state = AppState(FilterState()).with_view("flag", flag)
    grid = filtered(data, model, search=search, sort=sort, flag=flag)
    # the page builds the links from the grid's filterModel and columnState, as the browser sends them
    columns = [{**s, "sortIndex": i} for i, s in enumerate(sort)]
    table = page().table_query([model], [columns], search, public=False)
    query = page().download_query(state, table)
    for ext in ("csv", "xlsx"):
        body = download_client().get(f"/download/contracts.{ext}{query}").data
        if ext == "csv":
            downloaded = [row["contract_id"] for row in csv.DictReader(io.StringIO(body.decode("utf-8-sig")))]
        else:
            sheet = list(load_workbook(io.BytesIO(body), read_only=True)["contracts"].iter_rows(values_only=True))
            downloaded = [row[0] for row in sheet[1:]]
        assert downloaded == grid, (ext, query)


def test_a_narrowed_download_says_so_in_its_name_and_about_sheet(data: Dataset) -> None:
    state = AppState(FilterState(authority=(CAMDEN,))).with_view("flag", "zero_value")
    table = page().table_query([text("system", "contains", "script")], [[{"colId": "end_date", "sort": "desc",
                                                                          "sortIndex": 0}]], "cmd", public=False)
    response = download_client().get(f"/download/contracts.xlsx{page().download_query(state, table)}")
    name = response.headers["Content-Disposition"]
    assert ("london-tech-map_contracts_authority-E09000007_flag-zero-value_system-contains-script_find-cmd_"
            in name)
    about = dict(row for row in load_workbook(io.BytesIO(response.data), read_only=True)["about"].iter_rows(
        values_only=True) if row[0])
    assert about["Filters"] == "Borough: Camden"
    assert about["Quality flag"] == "only the contracts flagged “Value recorded as £0”"
    assert about["Column filters"] == "System contains “script”"
    assert about["Table search"] == "rows with every word of “cmd” in some column"
    assert about["Order"] == "sorted by End date (latest first)"
    assert about["Contracts"] == "1"
    csv_name = download_client().get(f"/download/contracts.csv{page().download_query(state, table)}").headers[
        "Content-Disposition"]
    assert csv_name == name.replace(".xlsx", ".csv")


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
    from techmap.service.views import view_positions

    data = context.dataset()
    state = AppState.from_query_string("?area=housing&flag=missing_end_date")
    expected = data.contracts["contract_id"].iloc[
        view_positions(data, state.filters, "missing_end_date", today=context.today())].tolist()
    client = app_module.server.test_client()
    response = client.get("/download/contracts.csv?area=housing&flag=missing_end_date&table=data")
    rows = list(csv.DictReader(io.StringIO(response.get_data().decode("utf-8-sig"))))
    assert [r["contract_id"] for r in rows] == expected
    assert 0 < len(expected) < len(data.contracts[data.contracts["service_area"] == "housing"])
    # named as what it holds, not as every housing contract
    assert "_area-housing_flag-missing-end-date_" in response.headers["Content-Disposition"]
    # Without table=data (the renewals page's links, whose state may still hold the data page's
    # flag) the download holds the filters' rows, and its name says nothing of a flag.
    plain = client.get("/download/contracts.csv?area=housing&flag=missing_end_date")
    rows = list(csv.DictReader(io.StringIO(plain.get_data().decode("utf-8-sig"))))
    assert len(rows) == len(data.contracts[data.contracts["service_area"] == "housing"])
    assert "flag" not in plain.headers["Content-Disposition"]


def test_coverage_table_shows_the_share_with_a_stale_source(data: Dataset) -> None:
    coverage = coverage_by_borough(data.contracts, sources=data.sources, today=context.today())
    table = coverage_table(coverage, AppState(FilterState(authority=(HACKNEY, CAMDEN))), public=False)
    head = [th.children for th in table.children[1].children.children]
    column = head.index("Source over two years old")
    cells = {str(row.children[0].children.children): row.children[column].children
             for row in table.children[2].children}
    # Hackney: D-03 cites the 2023-01-15 survey (stale), D-04 the demo; Camden's sources are recent
    assert cells == {"Hackney": "50%", "Camden": "0%"}
