"""techmap.analysis.masked: the map's figures counted from a filter mask equal the reference
queries (borough_metrics, headline) over the copied rows, on the demo dataset and on a small
frame with awkward rows (a non-London code, no supplier, no value, no end date)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from techmap.analysis.filters import FilterState
from techmap.analysis.masked import borough_metrics_masked, coded_table, headline_masked, in_view_masked
from techmap.analysis.queries import apply_filter, borough_metrics, filter_mask, headline
from techmap.dataformat.dataset import load_dataset
from tests.unit.frames import CAMDEN, HACKNEY, make_frame

TODAY = date(2026, 11, 22)
DEMO = Path(__file__).resolve().parents[2] / "datasets" / "demo"


@pytest.fixture(scope="module")
def demo() -> pd.DataFrame:
    return load_dataset(DEMO).contracts


def _states(df: pd.DataFrame) -> list[FilterState]:
    supplier = str(df["supplier_slug"].value_counts().index[0])
    system = str(df["system_slug"].value_counts().index[3])
    return [
        FilterState(),
        FilterState(authority=(CAMDEN, HACKNEY)),
        FilterState(area=("housing", "libraries")),
        FilterState(supplier=(supplier, "no-such-supplier")),
        FilterState(system=(system,), ends_from=TODAY),
        FilterState(ends_from=date(2025, 1, 1), ends_to=date(2027, 6, 30)),
        FilterState(q="cloud"),
        FilterState(supplier=("no-such-supplier",)),  # nothing matches
    ]


def _check(df: pd.DataFrame, state: FilterState) -> None:
    table = coded_table(df)
    for ignore in ((), ("authority",), ("authority", "supplier")):
        mask = filter_mask(df, state, ignore=ignore)
        rows = apply_filter(df, state, ignore=ignore)
        for supplier, system in (((), ()), (state.supplier, state.system), (tuple(df["supplier_slug"].dropna()[:2]), ())):
            expected = borough_metrics(rows, today=TODAY, supplier=supplier, system=system)
            got = borough_metrics_masked(table, mask, today=TODAY, supplier=supplier, system=system)
            pd.testing.assert_frame_equal(got, expected)
    mask = filter_mask(df, state)
    rows = apply_filter(df, state)
    assert headline_masked(table, mask, today=TODAY) == pytest.approx(headline(rows, today=TODAY))
    assert headline_masked(table, mask, today=TODAY, months=3) == pytest.approx(headline(rows, today=TODAY, months=3))
    synthetic = int(rows["synthetic"].sum()) if len(rows) else 0
    assert in_view_masked(table, mask) == (len(rows), int(rows["authority_code"].nunique()), synthetic)


def test_demo_dataset_masked_figures_equal_the_reference(demo: pd.DataFrame) -> None:
    for state in _states(demo):
        _check(demo, state)


def test_awkward_rows_masked_figures_equal_the_reference() -> None:
    df = make_frame([
        {"authority_code": CAMDEN, "service_area": "housing", "system": "Mosaic", "supplier": "Servelec",
         "end_date": "2026-12-01", "annual_value_gbp": 10.0},
        {"authority_code": CAMDEN, "service_area": "housing", "system": "Mosaic", "supplier": "Servelec",
         "end_date": "2026-12-01", "annual_value_gbp": 5.0},  # made a non-London code below
        {"authority_code": HACKNEY, "service_area": "unclassified", "system": "Spydus", "supplier": "",
         "synthetic": False},  # no supplier, no value, no end date
        {"authority_code": HACKNEY, "service_area": "libraries", "system": "Spydus", "supplier": "Civica",
         "end_date": "2027-11-22", "synthetic": True},
    ])
    df["authority_code"] = df["authority_code"].astype("str")  # text codes, one of them not London's
    df.loc[1, "authority_code"] = "E06000001"
    for state in (FilterState(), FilterState(area=("housing",)), FilterState(supplier=("servelec",))):
        _check(df, state)


def test_months_are_checked_like_the_reference(demo: pd.DataFrame) -> None:
    table = coded_table(demo)
    with pytest.raises(ValueError):
        borough_metrics_masked(table, np.ones(len(demo), dtype=bool), today=TODAY, months=-1)


def test_masks_keeping_most_rows_are_counted_from_the_rows_left_out(demo: pd.DataFrame) -> None:
    """A mask keeping more than half the rows is counted as the table's totals minus the rows it
    leaves out (techmap.analysis.masked): the same figures as counting the rows kept."""
    table = coded_table(demo)
    rng = np.random.default_rng(11)
    supplier = (str(demo["supplier_slug"].value_counts().index[0]),)
    system = (str(demo["system_slug"].value_counts().index[1]),)
    for share in (0.2, 0.49, 0.51, 0.9, 1.0):
        mask = rng.random(len(demo)) < share
        expected = borough_metrics(demo.loc[mask], today=TODAY, supplier=supplier, system=system)
        got = borough_metrics_masked(table, mask, today=TODAY, supplier=supplier, system=system)
        pd.testing.assert_frame_equal(got, expected, check_exact=True)
