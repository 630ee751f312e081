"""The finder reads values at the positions the scan found (techmap.analysis.joint_finder.finder_rows,
Cluster.rows): the same rows as a plain look-up by contract id, on the demo dataset, whether the
clusters come with their positions, without them, or from a frame whose rows are in another order."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from techmap.analysis.filters import FilterState
from techmap.analysis.joint_finder import FinderRow, finder_rows
from techmap.analysis.queries import filter_mask
from techmap.analysis.renewals import Cluster, clusters_among
from techmap.dataformat.dataset import load_dataset

TODAY = date(2026, 11, 22)


@pytest.fixture(scope="module")
def demo() -> pd.DataFrame:
    df = load_dataset(Path(__file__).resolve().parents[2] / "datasets" / "demo").contracts.copy()
    rng = np.random.default_rng(7)  # some values unknown, so counts and sums are tested too
    values = df["annual_value_gbp"].to_numpy(dtype="float64", na_value=np.nan).copy()
    values[rng.random(len(df)) < 0.3] = np.nan
    df["annual_value_gbp"] = values
    return df


def by_hand(clusters: list[Cluster], df: pd.DataFrame) -> list[tuple]:
    """What finder_rows must give, by looking every contract id up in a dict."""
    at = {cid: i for i, cid in enumerate(df["contract_id"])}
    out = []
    for c in clusters:
        own: dict[str, date] = {}
        total, count = 0.0, 0
        for cid in c.contract_ids:
            row = df.iloc[at[cid]]
            if not pd.isna(row["annual_value_gbp"]):
                total, count = total + float(row["annual_value_gbp"]), count + 1
            if not pd.isna(row["end_date"]):
                end = pd.Timestamp(row["end_date"]).date()
                own[row["authority_code"]] = min(end, own.get(row["authority_code"], end))
        ends = tuple(sorted(own.items(), key=lambda ce: (ce[1], ce[0])))
        out.append((c, ends, total if count else None, count))
    return out


def facts(rows: list[FinderRow]) -> list[tuple]:
    return [(r.cluster, r.ends, r.combined_value, r.valued) for r in rows]


@pytest.mark.parametrize("state", [FilterState(), FilterState(area=("housing", "libraries")),
                                   FilterState(ends_from=TODAY, ends_to=date(2028, 6, 30))])
def test_positions_give_the_rows_of_the_ids(demo: pd.DataFrame, state: FilterState) -> None:
    clusters = clusters_among(demo, filter_mask(demo, state), window_months=12, today=TODAY)
    assert clusters and all(demo["contract_id"].to_numpy()[c.rows].tolist() == list(c.contract_ids)
                            for c in clusters)
    expected = by_hand(clusters, demo)
    assert facts(finder_rows(clusters, demo)) == expected
    without = [replace(c, rows=None) for c in clusters]  # built by hand: looked up by id
    assert facts(finder_rows(without, demo)) == [(replace(c, rows=None), *rest) for c, *rest in expected]
    shuffled = demo.sample(frac=1.0, random_state=1).reset_index(drop=True)  # positions no longer fit
    assert facts(finder_rows(clusters, shuffled)) == expected
