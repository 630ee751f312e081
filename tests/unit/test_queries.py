"""techmap.analysis.queries: filtering, per-borough metrics, ranks and headline figures, on tiny frames whose
expected values are worked out by hand in the comments."""

from __future__ import annotations

import math
from datetime import date

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from techmap.dataformat.authorities import authorities
from techmap.analysis import queries
from techmap.analysis.filters import FilterState
from techmap.analysis.queries import (
    METRICS,
    apply_filter,
    borough_metrics,
    filter_mask,
    format_metric,
    ending_within,
    headline,
    rank,
)
from techmap.service.cache import MISSING, SEARCH
from tests.unit.frames import CAMDEN, CITY, HACKNEY, ISLINGTON, empty_frame, make_frame

TODAY = date(2026, 11, 22)

ROWS = [
    # C1..C6; today = 2026-11-22, so the 12-month window is [2026-11-22, 2027-11-22].
    {"authority_code": CAMDEN, "service_area": "adult-social-care", "system": "Mosaic",
     "supplier": "Servelec", "end_date": "2026-11-22", "annual_value_gbp": 100.0},  # ends today
    {"authority_code": CAMDEN, "service_area": "housing", "system": "NEC Housing",
     "supplier": "NEC Software Solutions", "end_date": "2027-11-22", "annual_value_gbp": 50.0},
    {"authority_code": CAMDEN, "service_area": "housing", "system": "Mosaic",
     "supplier": "Servelec", "end_date": "2027-11-23"},  # one day past the window, no value
    {"authority_code": HACKNEY, "service_area": "adult-social-care", "system": "Mosaic",
     "supplier": "Servelec", "end_date": "2026-11-21", "annual_value_gbp": 10.0},  # ended yesterday
    {"authority_code": HACKNEY, "service_area": "libraries", "system": "Spydus",
     "supplier": "Civica", "manufacturer": "Civica"},  # no end date
    {"authority_code": ISLINGTON, "service_area": "housing", "system": "NEC Housing",
     "supplier": "NEC Software Solutions", "end_date": "2027-06-30", "annual_value_gbp": 0.0},
]


@pytest.fixture()
def frame() -> pd.DataFrame:
    return make_frame(ROWS)


def ids(df: pd.DataFrame) -> list[str]:
    return df["contract_id"].tolist()


# ---- apply_filter -----------------------------------------------------------------------------


def test_empty_state_keeps_every_row_in_a_new_frame(frame: pd.DataFrame) -> None:
    out = apply_filter(frame, FilterState())
    assert ids(out) == ["C1", "C2", "C3", "C4", "C5", "C6"]
    assert out is not frame


def test_or_within_a_field_and_across_fields(frame: pd.DataFrame) -> None:
    assert ids(apply_filter(frame, FilterState(authority=(CAMDEN, ISLINGTON)))) == [
        "C1", "C2", "C3", "C6"]
    # (Camden or Islington) and housing
    state = FilterState(authority=(CAMDEN, ISLINGTON), area=("housing",))
    assert ids(apply_filter(frame, state)) == ["C2", "C3", "C6"]
    # ... and Servelec
    assert ids(apply_filter(frame, FilterState(authority=(CAMDEN, ISLINGTON), area=("housing",),
                                               supplier=("servelec",)))) == ["C3"]


def test_supplier_and_system_match_slugs(frame: pd.DataFrame) -> None:
    assert ids(apply_filter(frame, FilterState(supplier=("nec-software-solutions",)))) == ["C2", "C6"]
    assert ids(apply_filter(frame, FilterState(system=("mosaic", "spydus")))) == ["C1", "C3", "C4", "C5"]
    assert ids(apply_filter(frame, FilterState(system=("not-a-system",)))) == []


def test_an_authority_with_no_rows_gives_nothing(frame: pd.DataFrame) -> None:
    assert ids(apply_filter(frame, FilterState(authority=(CITY,)))) == []


def test_end_date_bounds_are_inclusive_and_drop_undated_rows(frame: pd.DataFrame) -> None:
    state = FilterState(ends_from=date(2026, 11, 22), ends_to=date(2027, 11, 22))
    assert ids(apply_filter(frame, state)) == ["C1", "C2", "C6"]
    # one bound alone also drops C5 (no end date)
    assert ids(apply_filter(frame, FilterState(ends_from=date(2027, 1, 1)))) == ["C2", "C3", "C6"]
    assert ids(apply_filter(frame, FilterState(ends_to=date(2026, 11, 21)))) == ["C4"]


def test_free_text_needs_every_term_case_insensitive(frame: pd.DataFrame) -> None:
    assert ids(apply_filter(frame, FilterState(q="MOSAIC"))) == ["C1", "C3", "C4"]
    assert ids(apply_filter(frame, FilterState(q="mosaic Hackney"))) == ["C4"]
    # terms match anywhere in the text, in any order, as substrings
    assert ids(apply_filter(frame, FilterState(q="hack servel"))) == ["C4"]
    assert ids(apply_filter(frame, FilterState(q="mosaic spydus"))) == []
    # the search only looks at rows the other filters kept
    assert ids(apply_filter(frame, FilterState(authority=(CAMDEN,), q="housing"))) == ["C2", "C3"]


def test_ignore_skips_named_fields(frame: pd.DataFrame) -> None:
    state = FilterState(authority=(CAMDEN,), system=("mosaic",), q="hackney")
    assert ids(apply_filter(frame, state)) == []
    assert ids(apply_filter(frame, state, ignore=("authority",))) == ["C4"]
    assert ids(apply_filter(frame, state, ignore=("authority", "q"))) == ["C1", "C3", "C4"]
    with pytest.raises(ValueError, match="unknown filter fields"):
        apply_filter(frame, state, ignore=("borough",))


def test_filter_does_not_touch_the_input(frame: pd.DataFrame) -> None:
    before = frame.copy()
    out = apply_filter(frame, FilterState())
    out["contract_id"] = "changed"
    apply_filter(frame, FilterState(authority=(CAMDEN,), q="mosaic"))
    pd.testing.assert_frame_equal(frame, before)


def test_filter_mask_is_a_numpy_mask(frame: pd.DataFrame) -> None:
    mask = filter_mask(frame, FilterState(area=("housing",)))
    assert isinstance(mask, np.ndarray)
    assert mask.tolist() == [False, True, True, False, False, True]


def test_filter_on_an_empty_frame() -> None:
    assert apply_filter(empty_frame(), FilterState(q="x", authority=(CAMDEN,))).empty


# ---- borough_metrics --------------------------------------------------------------------------


def test_borough_metrics_has_all_33_boroughs_in_ons_order(frame: pd.DataFrame) -> None:
    metrics = borough_metrics(frame, today=TODAY)
    assert metrics.index.tolist() == [a.code for a in authorities()]
    assert metrics.index.name == "authority_code"
    assert metrics.loc[CAMDEN, "name"] == "Camden"
    assert metrics.loc[CITY, "slug"] == "city-of-london"
    assert list(metrics.columns) == ["name", "slug", "contracts", "suppliers", "systems", "ending_12m",
                                     "annual_value", "supplier_share", "runs_system", "pairs_known"]
    # boroughs without rows are zeros, not missing
    assert metrics.loc[CITY, ["contracts", "suppliers", "systems", "ending_12m"]].tolist() == [0, 0, 0, 0]
    assert np.isnan(metrics.loc[CITY, "annual_value"])  # no value known: not a made-up 0
    assert metrics["contracts"].dtype == np.int64


def test_borough_metrics_values(frame: pd.DataFrame) -> None:
    metrics = borough_metrics(frame, today=TODAY)
    camden, hackney, islington = (metrics.loc[c] for c in (CAMDEN, HACKNEY, ISLINGTON))
    assert (camden.contracts, camden.suppliers, camden.systems) == (3, 2, 2)
    # C1 ends today and C2 ends today + 12 months: both in; C3 is a day later: out
    assert camden.ending_12m == 2
    assert camden.annual_value == 150.0  # 100 + 50 + (no value)
    assert (hackney.contracts, hackney.suppliers, hackney.systems, hackney.ending_12m) == (2, 2, 2, 0)
    assert hackney.annual_value == 10.0
    assert (islington.contracts, islington.ending_12m, islington.annual_value) == (1, 1, 0.0)
    assert metrics["contracts"].sum() == 6
    assert metrics["supplier_share"].isna().all()
    assert metrics["runs_system"].isna().all()


@pytest.mark.parametrize(("months", "camden", "hackney", "islington"), [
    # today 2026-11-22. C1 (Camden) ends today, C6 (Islington) 2027-06-30, C2 (Camden)
    # 2027-11-22, C3 (Camden) 2027-11-23; C4 (Hackney) ended yesterday, C5 has no end date.
    (0, 1, 0, 0),  # [today, today]: C1
    (7, 1, 0, 0),  # to 2027-06-22: C6 is 8 days out
    (8, 1, 0, 1),  # to 2027-07-22: C1, C6
    (12, 2, 0, 1),  # to 2027-11-22: C1, C2, C6 (the default)
    (13, 3, 0, 1),  # to 2027-12-22: C1, C2, C3, C6
])
def test_contracts_ending_within_n_months(frame: pd.DataFrame, months: int, camden: int,
                                          hackney: int, islington: int) -> None:
    metrics = borough_metrics(frame, today=TODAY, months=months)
    assert metrics.loc[[CAMDEN, HACKNEY, ISLINGTON], "ending_12m"].tolist() == [
        camden, hackney, islington]
    assert metrics["ending_12m"].sum() == camden + hackney + islington
    assert headline(frame, today=TODAY, months=months)["ending_12m"] == camden + hackney + islington


def test_ending_window_defaults_to_12_months_and_ends_on_a_real_day(frame: pd.DataFrame) -> None:
    assert borough_metrics(frame, today=TODAY)["ending_12m"].equals(
        borough_metrics(frame, today=TODAY, months=12)["ending_12m"])
    # 31 January + 1 month is 28 February 2027 (no 31 February): the 28th is in, 1 March out
    month_end = make_frame([{"end_date": "2027-02-28"}, {"end_date": "2027-03-01"},
                            {"end_date": "2027-01-30"}])
    assert ending_within(month_end, today=date(2027, 1, 31), months=1).tolist() == [
        True, False, False]
    for bad in (-1, 1.5, True, "12"):
        with pytest.raises(ValueError, match="months must be a whole number"):
            borough_metrics(frame, today=TODAY, months=bad)  # type: ignore[arg-type]


def test_supplier_share_and_runs_system(frame: pd.DataFrame) -> None:
    metrics = borough_metrics(frame, today=TODAY, supplier=("servelec",), system=("spydus", "mosaic"))
    assert metrics.loc[CAMDEN, "supplier_share"] == pytest.approx(2 / 3)
    assert metrics.loc[HACKNEY, "supplier_share"] == 0.5
    assert metrics.loc[ISLINGTON, "supplier_share"] == 0.0
    assert math.isnan(metrics.loc[CITY, "supplier_share"])  # no contracts: no share
    assert metrics.loc[[CAMDEN, HACKNEY, ISLINGTON, CITY], "runs_system"].tolist() == [1.0, 1.0, 0.0, 0.0]
    # several suppliers: any of them
    both = borough_metrics(frame, today=TODAY, supplier=("servelec", "civica"))
    assert both.loc[HACKNEY, "supplier_share"] == 1.0


def test_borough_metrics_of_a_filtered_frame_and_of_nothing(frame: pd.DataFrame) -> None:
    housing = apply_filter(frame, FilterState(area=("housing",)))
    metrics = borough_metrics(housing, today=TODAY)
    assert metrics.loc[[CAMDEN, HACKNEY, ISLINGTON], "contracts"].tolist() == [2, 0, 1]
    assert metrics.loc[CAMDEN, "suppliers"] == 2
    empty = borough_metrics(empty_frame(), today=TODAY, supplier=("servelec",), system=("mosaic",))
    assert len(empty) == 33
    assert empty["contracts"].sum() == 0 and empty["annual_value"].sum() == 0.0
    assert empty["supplier_share"].isna().all()
    assert (empty["runs_system"] == 0.0).all()


def test_metrics_describe_columns_of_borough_metrics(frame: pd.DataFrame) -> None:
    contract_metrics = [key for key in METRICS if not key.startswith("skill_")]
    assert contract_metrics == ["contracts", "suppliers", "systems", "ending_12m", "annual_value",
                                "supplier_share", "runs_system", "pairs_known"]
    assert len(METRICS) == len(contract_metrics) + 12  # a "Skill level" per skill area
    columns = set(borough_metrics(frame, today=TODAY).columns)
    for key in contract_metrics:
        label, unit, column, fmt = METRICS[key]
        assert column in columns, key
        assert label and isinstance(unit, str) and fmt


def test_format_metric() -> None:
    assert format_metric("contracts", 1234.0) == "1,234"
    assert format_metric("annual_value", 12500.4) == "£12,500"
    assert format_metric("supplier_share", 0.425) == "42%"
    assert format_metric("runs_system", 1.0) == "yes"
    assert format_metric("runs_system", 0.0) == "no"
    assert format_metric("supplier_share", float("nan")) == "no data"


# ---- rank -------------------------------------------------------------------------------------


def test_rank_is_competition_ranking_with_nan_kept() -> None:
    values = pd.Series([10.0, 20.0, 20.0, 5.0, np.nan], index=list("abcde"))
    ranks = rank(values)
    assert ranks.index.tolist() == list("abcde")
    assert ranks.iloc[:4].tolist() == [3.0, 1.0, 1.0, 4.0]
    assert math.isnan(ranks["e"])
    assert rank(values, ascending=True).iloc[:4].tolist() == [2.0, 3.0, 3.0, 1.0]
    assert rank(pd.Series([1, 1, 1, 2, 3, 3])).tolist() == [4.0, 4.0, 4.0, 3.0, 1.0, 1.0]


# ---- headline ---------------------------------------------------------------------------------


def test_headline(frame: pd.DataFrame) -> None:
    figures = headline(frame, today=TODAY, top_n=1)
    # suppliers: Servelec 3, NEC 2, Civica 1 -> the top one holds 3 of 6
    assert figures == {
        "contracts": 6, "boroughs": 3, "suppliers": 3, "systems": 3, "top_n": 1,
        "top_n_share": 0.5, "ending_12m": 3, "annual_value": 160.0,
    }
    assert headline(frame, today=TODAY)["top_n_share"] == 1.0  # 15 > 3 suppliers


def test_headline_of_nothing() -> None:
    figures = headline(empty_frame(), today=TODAY)
    assert figures == {"contracts": 0, "boroughs": 0, "suppliers": 0, "systems": 0, "top_n": 15,
                       "top_n_share": 0.0, "ending_12m": 0, "annual_value": 0.0}


# ---- the free-text index used on large tables -------------------------------------------------

TERMS = ["c1", "c", "1", "mosaic", "camden", "hack", "nec", "housing", "|", "e |", "spydus civica",
         "zzz", "servelec camden", "s", "-"]


@pytest.mark.parametrize("scan_limit", [0, 2_000])
def test_search_index_agrees_with_the_plain_scan(frame: pd.DataFrame, monkeypatch: pytest.MonkeyPatch,
                                                 scan_limit: int) -> None:
    plain = {term: ids(apply_filter(frame, FilterState(q=term))) for term in TERMS}
    assert plain["c1"] == ["C1"] and plain["camden"] == ["C1", "C2", "C3"]
    monkeypatch.setattr(queries, "_INDEX_MIN_ROWS", 0)
    monkeypatch.setattr(queries, "_HEAD_SCAN_LIMIT", scan_limit)
    SEARCH.clear()
    for _ in range(3):  # first sight scans, second builds the index, third reuses it
        assert {term: ids(apply_filter(frame, FilterState(q=term))) for term in TERMS} == plain
    texts = frame["search_text"].to_numpy()
    assert SEARCH.lookup("search-index", texts) not in (None, MISSING)
    # with other filters too
    state = FilterState(q="mosaic camden", area=("housing",))
    assert ids(apply_filter(frame, state)) == ["C3"]


def test_search_index_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(queries, "_INDEX_MIN_ROWS", 0)
    SEARCH.clear()
    frames = [make_frame([{"system": f"S{i}"}]) for i in range(SEARCH.store.maxsize + 3)]
    for df in frames:
        apply_filter(df, FilterState(q="s"))
    assert len(SEARCH) == SEARCH.store.maxsize


names = st.text(alphabet="ab c|-1", min_size=1, max_size=6)


@given(st.lists(st.tuples(names, names, names), min_size=1, max_size=8),
       st.text(alphabet="ab c|-1", max_size=5))
@settings(max_examples=150, deadline=None)
def test_search_index_matches_plain_scan_on_random_text(rows: list[tuple[str, str, str]], q: str) -> None:
    frame = make_frame([{"contract_id": cid, "system": system, "supplier": supplier}
                        for cid, system, supplier in rows])
    state = FilterState.from_params({"q": q})
    expected = filter_mask(frame, state).tolist()
    saved = (queries._INDEX_MIN_ROWS, queries._HEAD_SCAN_LIMIT)
    try:
        for limit in (0, 10):
            queries._INDEX_MIN_ROWS, queries._HEAD_SCAN_LIMIT = 0, limit
            SEARCH.clear()
            for _ in range(2):
                assert filter_mask(frame, state).tolist() == expected
    finally:
        queries._INDEX_MIN_ROWS, queries._HEAD_SCAN_LIMIT = saved[0], saved[1]
        SEARCH.clear()


def test_categorical_slug_columns_give_the_same_answers(frame: pd.DataFrame) -> None:
    # should the loader ever store slugs as categoricals (cheaper to group), nothing changes,
    # unused categories included
    from techmap.analysis.concentration import concentration_by, hierarchy, supplier_shares

    cat = frame.assign(**{
        column: pd.Categorical(frame[column], categories=sorted({*frame[column], "unused-slug"}))
        for column in ("supplier_slug", "system_slug")
    })
    state = FilterState(supplier=("servelec", "civica"), q="hackney")
    assert ids(apply_filter(cat, state)) == ids(apply_filter(frame, state)) == ["C4", "C5"]
    pd.testing.assert_frame_equal(
        borough_metrics(cat, today=TODAY, supplier=("servelec",), system=("mosaic",)),
        borough_metrics(frame, today=TODAY, supplier=("servelec",), system=("mosaic",)))
    assert headline(cat, today=TODAY) == headline(frame, today=TODAY)
    pd.testing.assert_frame_equal(supplier_shares(cat), supplier_shares(frame))
    pd.testing.assert_frame_equal(hierarchy(cat), hierarchy(frame))
    pd.testing.assert_frame_equal(concentration_by(cat, "service_area"),
                                  concentration_by(frame, "service_area"))
