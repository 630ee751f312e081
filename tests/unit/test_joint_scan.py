"""techmap.analysis.joint_scan: the vectorised greedy scan finds the same runs as counting each
window's distinct boroughs and procurements, and the window ends stay inside their group."""

from __future__ import annotations

import numpy as np
import pandas as pd

from techmap.analysis.joint_scan import _runs_counting, runs, window_stops
from techmap.dataformat.parsing import by_distinct


def _sorted_groups(rng: np.random.Generator, n: int) -> tuple[np.ndarray, ...]:
    keys = rng.integers(0, 6, n)
    days = rng.integers(19000, 19400, n)
    order = np.lexsort((days, keys))
    keys, days = keys[order], days[order]
    limits = days + rng.choice([0, 30, 90, 365])
    return keys, days, limits


def test_vectorised_runs_equal_counting_runs() -> None:
    rng = np.random.default_rng(3)
    for trial in range(200):
        n = int(rng.integers(1, 60))
        keys, days, limits = _sorted_groups(rng, n)
        stops = window_stops(keys, days, limits)
        expected_stops = np.array([i + np.count_nonzero((keys[i:] == keys[i]) & (days[i:] <= limits[i]))
                                   for i in range(n)])
        assert stops.tolist() == expected_stops.tolist()
        boroughs = rng.integers(0, 3, n)
        procurements = np.where(rng.random(n) < 0.3, rng.integers(0, 2, n), 100 + np.arange(n))
        for need in (0, 1, 2):
            assert runs(stops, boroughs, procurements, need) == _runs_counting(
                stops, boroughs.tolist(), procurements.tolist(), max(need, 1)), (trial, need)


def test_by_distinct_equals_the_transform_on_every_row() -> None:
    values = pd.Series(["Yes", "no", "", "YES", "maybe"] * 40, dtype="str")
    def lowered(v: pd.Series) -> pd.Series:
        return v.str.lower().map({"yes": True, "no": False})
    pd.testing.assert_series_equal(by_distinct(values, lowered), lowered(values))
    unique = pd.Series([f"v{i}" for i in range(10)], dtype="str")  # mostly distinct: done directly
    pd.testing.assert_series_equal(by_distinct(unique, lambda v: v.str.upper()), unique.str.upper())


def test_clusters_under_a_mask_equal_the_clusters_of_the_copied_rows() -> None:
    from datetime import date
    from pathlib import Path

    from techmap.analysis.filters import FilterState
    from techmap.analysis.queries import apply_filter, filter_mask
    from techmap.analysis.renewals import clusters_among, joint_procurement_clusters
    from techmap.dataformat.dataset import load_dataset

    df = load_dataset(Path(__file__).resolve().parents[2] / "datasets" / "demo").contracts
    today = date(2026, 11, 22)
    for state in (FilterState(), FilterState(area=("housing", "libraries")), FilterState(q="cloud"),
                  FilterState(ends_from=today, ends_to=date(2028, 1, 1))):
        for window in (6, 24):
            expected = joint_procurement_clusters(apply_filter(df, state), window_months=window, today=today)
            assert clusters_among(df, filter_mask(df, state), window_months=window, today=today) == expected
