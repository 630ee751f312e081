"""techmap.analysis.renewals: month arithmetic, renewal windows, quarterly summary and the joint-procurement
cluster finder (window boundaries, shared contracts, missing dates, lead time)."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from techmap.analysis.renewals import (
    Cluster,
    add_months,
    joint_procurement_clusters,
    quarterly_end_summary,
    renewals_in_window,
)
from tests.unit.frames import CAMDEN, CITY, HACKNEY, ISLINGTON, LAMBETH, empty_frame, make_frame


# ---- add_months -------------------------------------------------------------------------------


@pytest.mark.parametrize(("start", "months", "expected"), [
    (date(2027, 1, 31), 1, date(2027, 2, 28)),
    (date(2028, 1, 31), 1, date(2028, 2, 29)),  # leap year
    (date(2028, 2, 29), 12, date(2029, 2, 28)),
    (date(2027, 3, 31), -18, date(2025, 9, 30)),
    (date(2027, 3, 31), 12, date(2028, 3, 31)),
    (date(2026, 11, 22), 14, date(2028, 1, 22)),
    (date(2026, 1, 15), -1, date(2025, 12, 15)),
    (date(2026, 5, 31), 0, date(2026, 5, 31)),
])
def test_add_months_is_end_of_month_safe(start: date, months: int, expected: date) -> None:
    assert add_months(start, months) == expected


# ---- renewals_in_window -----------------------------------------------------------------------


def test_renewals_in_window_is_inclusive_and_sorted() -> None:
    frame = make_frame([
        {"contract_id": "B", "end_date": "2027-03-31"},
        {"contract_id": "A", "end_date": "2027-03-31"},
        {"contract_id": "C", "end_date": "2027-01-01"},
        {"contract_id": "D", "end_date": "2026-12-31"},  # a day early
        {"contract_id": "E", "end_date": "2027-04-01"},  # a day late
        {"contract_id": "F"},  # no end date
    ])
    out = renewals_in_window(frame, date(2027, 1, 1), date(2027, 3, 31))
    assert out["contract_id"].tolist() == ["C", "A", "B"]
    assert renewals_in_window(empty_frame(), date(2027, 1, 1), date(2027, 3, 31)).empty


# ---- quarterly_end_summary --------------------------------------------------------------------


def test_quarterly_end_summary_counts_per_quarter_and_area() -> None:
    frame = make_frame([
        {"service_area": "libraries", "end_date": "2027-03-31"},
        {"service_area": "housing", "end_date": "2027-01-01"},
        {"service_area": "libraries", "end_date": "2027-02-14"},
        {"service_area": "housing", "end_date": "2027-04-01"},
        {"service_area": "adult-social-care", "end_date": "2026-12-31"},
        {"service_area": "housing"},  # no end date: left out
    ])
    out = quarterly_end_summary(frame)
    assert list(out.columns) == ["quarter", "quarter_start", "service_area", "area_name", "contracts"]
    assert out.to_dict("records") == [
        {"quarter": "2026 Q4", "quarter_start": date(2026, 10, 1), "service_area": "adult-social-care",
         "area_name": "Adults' social care", "contracts": 1},
        # housing comes before libraries in the schema's service-area order
        {"quarter": "2027 Q1", "quarter_start": date(2027, 1, 1), "service_area": "housing",
         "area_name": "Housing", "contracts": 1},
        {"quarter": "2027 Q1", "quarter_start": date(2027, 1, 1), "service_area": "libraries",
         "area_name": "Libraries", "contracts": 2},
        {"quarter": "2027 Q2", "quarter_start": date(2027, 4, 1), "service_area": "housing",
         "area_name": "Housing", "contracts": 1},
    ]
    assert quarterly_end_summary(empty_frame()).empty


# ---- joint_procurement_clusters ---------------------------------------------------------------


def contract(cid: str, authority: str, end: str | None, *, system: str = "Mosaic",
             supplier: str = "Servelec", area: str = "adult-social-care",
             shared: str = "") -> dict[str, object]:
    return {"contract_id": cid, "authority_code": authority, "end_date": end, "system": system,
            "supplier": supplier, "service_area": area, "shared_ref": shared}


def systems(rows: list[dict[str, object]], **kwargs: object) -> list[Cluster]:
    return joint_procurement_clusters(make_frame(rows), kinds=("system",), **kwargs)


def test_exactly_window_months_apart_is_a_cluster() -> None:
    clusters = systems([contract("A", CAMDEN, "2027-03-31"), contract("B", HACKNEY, "2028-03-31")])
    assert clusters == [Cluster(
        kind="system", key="mosaic", label="Mosaic", authorities=(CAMDEN, HACKNEY),
        suppliers=("Servelec",), contract_ids=("A", "B"), earliest_end=date(2027, 3, 31),
        latest_end=date(2028, 3, 31),
        suggested_start=date(2025, 9, 30),  # 31 March 2027 less 18 months, clamped to 30 September
    )]
    assert clusters[0].boroughs == 2


def test_one_day_more_than_the_window_is_not() -> None:
    assert systems([contract("A", CAMDEN, "2027-03-31"), contract("B", HACKNEY, "2028-04-01")]) == []
    # a 6-month window: 31 March to 30 September is in, 1 October is out
    rows = [contract("A", CAMDEN, "2027-03-31"), contract("B", HACKNEY, "2027-09-30")]
    assert len(systems(rows, window_months=6)) == 1
    rows[1] = contract("B", HACKNEY, "2027-10-01")
    assert systems(rows, window_months=6) == []


def test_lead_months_set_the_suggested_start() -> None:
    rows = [contract("A", CAMDEN, "2027-08-31"), contract("B", HACKNEY, "2027-12-01")]
    assert systems(rows, lead_months=6)[0].suggested_start == date(2027, 2, 28)
    assert systems(rows, lead_months=0)[0].suggested_start == date(2027, 8, 31)
    assert systems(rows)[0].suggested_start == date(2026, 2, 28)


def test_a_single_borough_is_not_a_cluster() -> None:
    rows = [contract("A", CAMDEN, "2027-03-31"), contract("B", CAMDEN, "2027-06-30")]
    assert systems(rows) == []


def test_missing_end_dates_are_ignored() -> None:
    rows = [contract("A", CAMDEN, "2027-03-31"), contract("B", HACKNEY, None),
            contract("C", ISLINGTON, "2027-05-31")]
    (cluster,) = systems(rows)
    assert cluster.contract_ids == ("A", "C")
    assert systems(rows[:2]) == []


def test_one_shared_contract_alone_is_not_a_cluster_but_joins_one() -> None:
    shared = [contract("S-CAM", CAMDEN, "2027-03-31", shared="SH1"),
              contract("S-HAC", HACKNEY, "2027-03-31", shared="SH1")]
    assert systems(shared) == []
    (cluster,) = systems([*shared, contract("L", LAMBETH, "2027-09-30", supplier="Servelec Group")])
    assert cluster.authorities == (CAMDEN, HACKNEY, LAMBETH)
    assert cluster.contract_ids == ("S-CAM", "S-HAC", "L")
    assert cluster.suppliers == ("Servelec", "Servelec Group")
    # two different shared contracts between the same boroughs are two procurements
    other = [contract("T-CAM", CAMDEN, "2027-05-31", shared="SH2"),
             contract("T-HAC", HACKNEY, "2027-05-31", shared="SH2")]
    assert len(systems([*shared, *other])) == 1


def test_contracts_that_ended_before_today_are_dropped() -> None:
    rows = [contract("A", CAMDEN, "2026-11-21"), contract("B", HACKNEY, "2026-11-22"),
            contract("C", ISLINGTON, "2027-01-31")]
    assert systems(rows)[0].contract_ids == ("A", "B", "C")
    assert systems(rows, today=date(2026, 11, 22))[0].contract_ids == ("B", "C")  # ends today: in
    assert systems(rows, today=date(2026, 11, 23)) == []


def test_a_failed_run_restarts_from_the_next_contract() -> None:
    # From A (Jan 2027) the window reaches Jan 2028: A and B, Camden only -> not a cluster.
    # Restarting from B (Jun 2027) the window reaches Jun 2028 and takes in Hackney's C.
    rows = [contract("A", CAMDEN, "2027-01-31"), contract("B", CAMDEN, "2027-06-30"),
            contract("C", HACKNEY, "2028-05-31")]
    (cluster,) = systems(rows)
    assert cluster.contract_ids == ("B", "C")
    assert (cluster.earliest_end, cluster.latest_end) == (date(2027, 6, 30), date(2028, 5, 31))


def test_runs_do_not_overlap_and_the_scan_goes_on_after_a_cluster() -> None:
    rows = [contract("A", CAMDEN, "2027-01-31"), contract("B", HACKNEY, "2027-12-31"),
            contract("C", ISLINGTON, "2028-01-31"),  # 12 months after A: still in A's run
            contract("D", CAMDEN, "2028-02-29"), contract("E", LAMBETH, "2029-02-28")]
    first, second = systems(rows)
    assert first.contract_ids == ("A", "B", "C")
    assert second.contract_ids == ("D", "E")  # 29 Feb 2028 + 12 months = 28 Feb 2029
    assert second.authorities == (CAMDEN, LAMBETH)


def test_min_boroughs() -> None:
    rows = [contract("A", CAMDEN, "2027-03-31"), contract("B", HACKNEY, "2027-04-30")]
    assert systems(rows, min_boroughs=3) == []
    rows.append(contract("C", CITY, "2027-05-31"))
    assert systems(rows, min_boroughs=3)[0].authorities == (CITY, CAMDEN, HACKNEY)


def test_kinds_sorting_and_labels() -> None:
    rows = [
        # Mosaic in adults' social care, Camden and Hackney, ending mid 2028
        contract("M1", CAMDEN, "2028-06-30"), contract("M2", HACKNEY, "2028-07-31"),
        # housing: two different systems across two boroughs, ending early 2027
        contract("H1", CAMDEN, "2027-01-31", system="NEC Housing", supplier="NEC",
                 area="housing"),
        contract("H2", ISLINGTON, "2027-02-28", system="Northgate Housing", supplier="NEC",
                 area="housing"),
    ]
    clusters = joint_procurement_clusters(make_frame(rows))
    assert [(c.kind, c.key, c.label) for c in clusters] == [
        ("service_area", "housing", "Housing"),  # suggested start 2025-07-31
        ("service_area", "adult-social-care", "Adults' social care"),  # 2026-12-30 ...
        ("system", "mosaic", "Mosaic"),  # ... same start: sorted by label
    ]
    assert clusters[0].suggested_start == date(2025, 7, 31)
    assert clusters[1].suggested_start == clusters[2].suggested_start == date(2026, 12, 30)
    only_systems = joint_procurement_clusters(make_frame(rows), kinds=("system",))
    assert [c.key for c in only_systems] == ["mosaic"]


def test_system_label_is_the_most_common_spelling() -> None:
    rows = [contract("A", CAMDEN, "2027-03-31", system="MOSAIC"),
            contract("B", HACKNEY, "2027-04-30"), contract("C", ISLINGTON, "2027-05-31")]
    assert systems(rows)[0].label == "Mosaic"


def test_bad_arguments_and_empty_frames() -> None:
    frame = make_frame([contract("A", CAMDEN, "2027-03-31")])
    with pytest.raises(ValueError, match="kind"):
        joint_procurement_clusters(frame, kinds=("supplier",))  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="negative"):
        joint_procurement_clusters(frame, window_months=-1)
    assert joint_procurement_clusters(empty_frame()) == []
    assert isinstance(joint_procurement_clusters(frame), list)


def test_clusters_do_not_modify_the_frame() -> None:
    frame = make_frame([contract("A", CAMDEN, "2027-03-31"), contract("B", HACKNEY, "2027-04-30")])
    before = frame.copy()
    joint_procurement_clusters(frame, today=date(2026, 11, 22))
    pd.testing.assert_frame_equal(frame, before)


def test_clusters_are_the_same_with_the_large_table_code_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    from techmap.analysis import concentration

    rows = [contract("S-CAM", CAMDEN, "2027-03-31", shared="SH1"),
            contract("S-HAC", HACKNEY, "2027-03-31", shared="SH1"),
            contract("L", LAMBETH, "2027-09-30", supplier="Servelec Group"),
            contract("H1", CAMDEN, "2027-01-31", system="NEC Housing", supplier="NEC", area="housing"),
            contract("H2", ISLINGTON, "2027-02-28", system="Northgate", supplier="NEC", area="housing"),
            contract("X", CITY, None)]
    frame = make_frame(rows)
    expected = joint_procurement_clusters(frame)
    assert len(expected) == 3
    monkeypatch.setattr(concentration, "CODES_MIN_ROWS", 0)
    for _ in range(3):
        assert joint_procurement_clusters(frame) == expected
