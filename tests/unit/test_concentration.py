"""techmap.concentration: supplier shares, top-N share, HHI and bands, concentration per group and
the treemap hierarchy, against values worked out by hand."""

from __future__ import annotations

import gc
import math
from collections.abc import Iterator
from datetime import date

import pandas as pd
import pytest

from techmap import concentration
from techmap.concentration import (
    CODED_COLUMNS,
    concentration_by,
    display_names,
    factorize,
    hhi,
    hhi_band,
    hierarchy,
    supplier_shares,
    top_n_share,
)
from techmap.filters import FilterState
from techmap.queries import apply_filter, borough_metrics, headline
from techmap.service.cache import ARRAYS
from tests.unit.frames import CAMDEN, HACKNEY, ISLINGTON, empty_frame, make_frame


def row(supplier: str, *, area: str = "housing", authority: str = CAMDEN, system: str = "S1",
        value: float | None = None) -> dict[str, object]:
    return {"supplier": supplier, "service_area": area, "authority_code": authority,
            "system": system, "annual_value_gbp": value}


@pytest.fixture()
def frame() -> pd.DataFrame:
    # contracts: Capita 4 (one spelt "CAPITA"), Civica 3, NEC 3 -> 10 rows
    # values:    Capita 100+100 = 200, Civica 600, NEC 0 (+ NaN) -> 800 in all
    return make_frame([
        row("Capita", value=100.0),
        row("Capita", authority=HACKNEY, value=100.0),
        row("CAPITA", authority=HACKNEY),
        row("Capita", area="libraries", authority=ISLINGTON, system="S2"),
        row("Civica", area="libraries", system="Spydus", value=600.0),
        row("Civica", area="libraries", authority=HACKNEY, system="Spydus"),
        row("Civica", area="libraries", authority=ISLINGTON, system="Spydus"),
        row("NEC", value=0.0),
        row("NEC"),
        row("NEC", authority=ISLINGTON),
    ])


# ---- supplier_shares --------------------------------------------------------------------------


def test_supplier_shares_by_count(frame: pd.DataFrame) -> None:
    table = supplier_shares(frame)
    assert list(table.columns) == ["supplier_slug", "supplier", "contracts", "annual_value", "share",
                                   "cumulative_share", "rank", "boroughs"]
    # Civica and NEC tie on 3: competition rank 2, 2; ties ordered by slug
    assert table["supplier_slug"].tolist() == ["capita", "civica", "nec"]
    assert table["supplier"].tolist() == ["Capita", "Civica", "NEC"]  # most common spelling
    assert table["contracts"].tolist() == [4, 3, 3]
    assert table["annual_value"].tolist() == [200.0, 600.0, 0.0]
    assert table["share"].tolist() == pytest.approx([0.4, 0.3, 0.3])
    assert table["cumulative_share"].tolist() == pytest.approx([0.4, 0.7, 1.0])
    assert table["rank"].tolist() == [1, 2, 2]
    assert table["boroughs"].tolist() == [3, 3, 2]


def test_supplier_shares_by_value(frame: pd.DataFrame) -> None:
    table = supplier_shares(frame, weight="value")
    assert table["supplier_slug"].tolist() == ["civica", "capita", "nec"]
    assert table["share"].tolist() == pytest.approx([0.75, 0.25, 0.0])
    assert table["cumulative_share"].tolist() == pytest.approx([0.75, 1.0, 1.0])
    assert table["rank"].tolist() == [1, 2, 3]


def test_supplier_shares_of_nothing_and_bad_weight(frame: pd.DataFrame) -> None:
    assert supplier_shares(empty_frame()).empty
    with pytest.raises(ValueError, match="weight"):
        supplier_shares(frame, weight="money")  # type: ignore[arg-type]


def test_display_names_prefer_the_most_common_spelling(frame: pd.DataFrame) -> None:
    names = display_names(frame, "supplier_slug", "supplier")
    assert names.to_dict() == {"capita": "Capita", "civica": "Civica", "nec": "NEC"}
    # a tie between spellings goes to the alphabetically first
    tie = make_frame([row("Acme Ltd"), row("ACME LTD")])
    assert display_names(tie, "supplier_slug", "supplier").to_dict() == {"acme-ltd": "ACME LTD"}


# ---- top_n_share ------------------------------------------------------------------------------


def test_top_n_share(frame: pd.DataFrame) -> None:
    assert top_n_share(frame, 1) == pytest.approx(0.4)
    assert top_n_share(frame, 2) == pytest.approx(0.7)
    assert top_n_share(frame, 3) == pytest.approx(1.0)
    assert top_n_share(frame, 15) == pytest.approx(1.0)
    assert top_n_share(frame, 0) == 0.0
    assert top_n_share(frame, 1, weight="value") == pytest.approx(0.75)
    assert top_n_share(empty_frame(), 5) == 0.0
    no_values = make_frame([row("A"), row("B")])
    assert top_n_share(no_values, 1, weight="value") == 0.0


# ---- HHI --------------------------------------------------------------------------------------


def test_hhi_of_percentage_shares() -> None:
    assert hhi([50, 30, 20]) == pytest.approx(3800.0)  # 2500 + 900 + 400
    assert hhi([100]) == 10000.0
    assert hhi([10] * 10) == pytest.approx(1000.0)
    assert hhi([]) == 0.0
    assert hhi(iter([60.0, float("nan"), 40.0])) == pytest.approx(5200.0)


@pytest.mark.parametrize(("value", "band"), [
    (0.0, "unconcentrated"),
    (999.99, "unconcentrated"),
    (1000.0, "moderately concentrated"),
    (1500.0, "moderately concentrated"),
    (2000.0, "moderately concentrated"),
    (2000.01, "highly concentrated"),
    (10000.0, "highly concentrated"),
    (float("nan"), "no data"),
    (None, "no data"),
])
def test_hhi_band_edges(value: float | None, band: str) -> None:
    assert hhi_band(value) == band


# ---- concentration_by -------------------------------------------------------------------------


def test_concentration_by_service_area(frame: pd.DataFrame) -> None:
    table = concentration_by(frame, "service_area", n=1)
    assert list(table.columns) == ["key", "name", "contracts", "suppliers", "top_supplier",
                                   "top_supplier_share", "top_n_share", "hhi", "band"]
    # housing: Capita 3, NEC 3 of 6 -> 50/50, HHI 5000; top by slug tie-break: Capita
    # libraries: Civica 3, Capita 1 of 4 -> 75/25, HHI 5625 + 625 = 6250
    assert table["key"].tolist() == ["libraries", "housing"]  # highest HHI first
    libraries, housing = table.iloc[0], table.iloc[1]
    assert libraries["name"] == "Libraries"
    assert (libraries["contracts"], libraries["suppliers"]) == (4, 2)
    assert libraries["top_supplier"] == "Civica"
    assert libraries["top_supplier_share"] == pytest.approx(0.75)
    assert libraries["top_n_share"] == pytest.approx(0.75)
    assert libraries["hhi"] == pytest.approx(6250.0)
    assert libraries["band"] == "highly concentrated"
    assert (housing["contracts"], housing["suppliers"], housing["top_supplier"]) == (6, 2, "Capita")
    assert housing["hhi"] == pytest.approx(5000.0)
    assert concentration_by(frame, "service_area", n=2)["top_n_share"].tolist() == pytest.approx([1.0, 1.0])


def test_concentration_by_borough_and_by_value(frame: pd.DataFrame) -> None:
    table = concentration_by(frame, "authority_code", n=2).set_index("key")
    # Camden: Capita 1, Civica 1, NEC 2 of 4 -> 25/25/50: HHI 625 + 625 + 2500 = 3750
    assert table.loc[CAMDEN, "name"] == "Camden"
    assert table.loc[CAMDEN, "hhi"] == pytest.approx(3750.0)
    assert table.loc[CAMDEN, "top_supplier"] == "NEC"
    assert table.loc[CAMDEN, "top_n_share"] == pytest.approx(0.75)
    assert sorted(table.index) == [CAMDEN, HACKNEY, ISLINGTON]
    by_value = concentration_by(frame, "authority_code", weight="value")
    # Camden: Civica 600, Capita 100, NEC 0 -> 6/7, 1/7; Hackney: Capita 100 only; Islington: none
    assert by_value["key"].tolist() == [HACKNEY, CAMDEN, ISLINGTON]
    assert by_value["hhi"].iloc[0] == pytest.approx(10000.0)
    assert by_value["hhi"].iloc[1] == pytest.approx((600 / 7) ** 2 + (100 / 7) ** 2)
    islington = by_value.iloc[2]
    assert math.isnan(islington["hhi"]) and islington["band"] == "no data"
    assert islington["contracts"] == 3


def test_concentration_by_rejects_unknown_group_and_handles_nothing(frame: pd.DataFrame) -> None:
    with pytest.raises(ValueError, match="by must be"):
        concentration_by(frame, "supplier")  # type: ignore[arg-type]
    assert concentration_by(empty_frame(), "service_area").empty


# ---- hierarchy --------------------------------------------------------------------------------


def test_hierarchy_by_count(frame: pd.DataFrame) -> None:
    tree = hierarchy(frame)
    assert list(tree.columns) == ["service_area", "area_name", "group", "group_name", "supplier_slug",
                                  "supplier", "system_slug", "system", "contracts", "annual_value",
                                  "boroughs"]
    # schema order puts housing before libraries; within an area the largest leaf first
    assert list(zip(tree["service_area"], tree["supplier_slug"], tree["system_slug"],
                    tree["contracts"], tree["boroughs"], strict=True)) == [
        ("housing", "capita", "s1", 3, 2),
        ("housing", "nec", "s1", 3, 2),
        ("libraries", "civica", "spydus", 3, 3),
        ("libraries", "capita", "s2", 1, 1),
    ]
    first = tree.iloc[0]
    assert (first["area_name"], first["group"], first["group_name"]) == (
        "Housing", "frontline", "Frontline services")
    assert (first["supplier"], first["system"], first["annual_value"]) == ("Capita", "S1", 200.0)
    assert tree["contracts"].sum() == len(frame)


def test_hierarchy_by_value_leaves_out_zero_sized_boxes(frame: pd.DataFrame) -> None:
    tree = hierarchy(frame, size_by="value")
    assert list(zip(tree["supplier_slug"], tree["annual_value"], strict=True)) == [
        ("capita", 200.0), ("civica", 600.0)]
    assert hierarchy(empty_frame()).empty


def test_known_names_replace_the_rows_spellings(frame: pd.DataFrame) -> None:
    known = {"capita": "Capita plc", "civica": "Civica UK", "s1": "System One"}  # no nec, s2, spydus
    assert supplier_shares(frame, supplier_names=known)["supplier"].tolist() == [
        "Capita plc", "Civica UK", "NEC"]  # NEC: from the rows
    tree = hierarchy(frame, supplier_names=known, system_names=known)
    assert tree["supplier"].tolist() == ["Capita plc", "NEC", "Civica UK", "Capita plc"]
    assert tree["system"].tolist() == ["System One", "System One", "Spydus", "S2"]
    table = concentration_by(frame, "service_area", supplier_names=known)
    assert table["top_supplier"].tolist() == ["Civica UK", "Capita plc"]


def test_rows_without_a_supplier_slug_are_left_out(frame: pd.DataFrame) -> None:
    # the loader never leaves one blank; the functions must still not miscount
    slugs = frame["supplier_slug"].copy()
    slugs.iloc[0] = None
    broken = frame.assign(supplier_slug=slugs)
    assert supplier_shares(broken)["contracts"].tolist() == [3, 3, 3]
    assert hierarchy(broken)["contracts"].sum() == 9
    assert concentration_by(broken, "service_area")["contracts"].sum() == 9


# ---- the cache of integer codes ---------------------------------------------------------------


@pytest.fixture()
def clean_cache() -> Iterator[None]:
    ARRAYS.clear()
    yield
    ARRAYS.clear()


def test_codes_are_cached_from_the_second_call_and_read_only(frame: pd.DataFrame,
                                                             clean_cache: None) -> None:
    first = factorize(frame["supplier_slug"])
    assert not ARRAYS.count("codes")
    second = factorize(frame["supplier_slug"])
    third = factorize(frame["supplier_slug"])
    assert third[0] is second[0] and third[1] is second[1]
    assert not third[0].flags.writeable
    assert first[0].tolist() == third[0].tolist() == [0, 0, 0, 0, 1, 1, 1, 2, 2, 2]
    assert third[1].tolist() == ["capita", "civica", "nec"]


def test_a_filtered_frame_inherits_the_codes(frame: pd.DataFrame, clean_cache: None,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    small = apply_filter(frame, FilterState(area=("libraries",)))
    assert not ARRAYS.count("codes")  # a small table is not worth it
    assert concentration._cached(small["supplier_slug"].to_numpy()) is None
    monkeypatch.setattr(concentration, "CODES_MIN_ROWS", 0)  # as for a large table
    subset = apply_filter(frame, FilterState(area=("libraries",)))
    for column in CODED_COLUMNS:
        assert concentration._cached(frame[column].to_numpy()) is not None
        assert concentration._cached(subset[column].to_numpy()) is not None
    codes, uniques = factorize(subset["supplier_slug"])
    assert uniques[codes].tolist() == subset["supplier_slug"].tolist()
    assert uniques.tolist() == ["capita", "civica", "nec"]  # the full table's values
    # counts come from the codes, so values absent from the subset do not show
    assert supplier_shares(subset)["supplier_slug"].tolist() == ["civica", "capita"]
    assert display_names(subset, "supplier_slug", "supplier").to_dict() == {
        "capita": "Capita", "civica": "Civica"}
    assert hierarchy(subset)["contracts"].tolist() == [3, 1]


def test_cached_and_uncached_answers_agree(frame: pd.DataFrame, clean_cache: None,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    states = [FilterState(), FilterState(area=("housing",)), FilterState(authority=(HACKNEY,)),
              FilterState(supplier=("nec",), q="camden")]
    today = date(2026, 11, 22)

    def answers() -> list[pd.DataFrame]:
        out: list[pd.DataFrame] = []
        for state in states:
            rows = apply_filter(frame, state)
            out += [borough_metrics(rows, today=today), pd.DataFrame([headline(rows, today=today)]),
                    supplier_shares(rows), hierarchy(rows), concentration_by(rows, "authority_code")]
        return out

    def same(left: list[pd.DataFrame], right: list[pd.DataFrame]) -> bool:
        for a, b in zip(left, right, strict=True):
            pd.testing.assert_frame_equal(a, b)
        return True

    cold = answers()
    assert same(answers(), cold)  # second pass: codes cached
    assert ARRAYS.count("codes")
    monkeypatch.setattr(concentration, "CODES_MIN_ROWS", 0)
    assert same(answers(), cold)  # filtered frames inherit codes
    assert same(answers(), cold)


def test_cache_entries_go_with_their_arrays(clean_cache: None) -> None:
    frame = make_frame([row("A"), row("B")])
    factorize(frame["supplier_slug"])
    factorize(frame["supplier_slug"])
    assert ARRAYS.count("codes") == 1
    del frame
    gc.collect()
    assert not ARRAYS.count("codes")
