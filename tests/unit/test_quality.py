"""techmap.analysis.quality: per-row flags and per-borough coverage."""

from __future__ import annotations

import math
from datetime import date

import pandas as pd
import pytest

from techmap.dataformat.authorities import authorities
from techmap.analysis.quality import FLAG_LABELS, FLAGS, coverage_by_borough, quality_flags
from tests.unit.frames import CAMDEN, CITY, HACKNEY, empty_frame, make_frame

TODAY = date(2026, 11, 22)
SOURCES = {
    "fresh": {"title": "Fresh", "as_of": "2026-01-31"},
    "edge": {"title": "Exactly two years old", "as_of": "2024-11-22"},
    "old": {"title": "Old", "as_of": "2024-11-21"},  # a day older than two years
    "undated": {"title": "No date"},
    "garbled": {"title": "Bad date", "as_of": "31/01/2026"},
}


@pytest.fixture()
def frame() -> pd.DataFrame:
    return make_frame([
        # C1: clean
        {"source": "fresh", "start_date": "2024-04-01", "end_date": "2027-03-31",
         "annual_value_gbp": 10.0},
        # C2: no end date, source exactly at the two-year edge (still fresh)
        {"source": "edge", "start_date": "2024-04-01", "annual_value_gbp": 5.0},
        # C3: ends before it starts; total value of 0; old source
        {"source": "old", "start_date": "2025-04-01", "end_date": "2025-03-31",
         "total_value_gbp": 0.0, "authority_code": HACKNEY},
        # C4: Excel's day zero as a review date, epoch as start; undated source
        {"source": "undated", "review_date": "1899-12-30", "start_date": "1970-01-01",
         "end_date": "2028-01-01", "authority_code": HACKNEY},
        # C5: 1900-01-01 end date, annual value 0, source missing from the manifest
        {"source": "missing", "end_date": "1900-01-01", "annual_value_gbp": 0.0},
        # C6: 1899-12-31 as the latest end; unparseable source date
        {"source": "garbled", "end_date": "2027-01-01", "max_end_date": "1899-12-31"},
    ])


def test_quality_flags(frame: pd.DataFrame) -> None:
    flags = quality_flags(frame, sources=SOURCES, today=TODAY)
    assert list(flags.columns) == list(FLAGS) == list(FLAG_LABELS)
    assert flags.index.equals(frame.index)
    assert (flags.dtypes == bool).all()
    assert flags.to_dict("list") == {
        "missing_end_date": [False, True, False, False, False, False],
        "end_before_start": [False, False, True, False, False, False],
        "placeholder_date": [False, False, False, True, True, True],
        "zero_value": [False, False, True, False, True, False],
        "stale_source": [False, False, True, True, True, True],
    }


def test_flag_labels_are_plain_sentences() -> None:
    assert set(FLAG_LABELS) == {"missing_end_date", "end_before_start", "placeholder_date",
                                "zero_value", "stale_source"}
    assert all(label[0].isupper() and "_" not in label for label in FLAG_LABELS.values())


def test_flags_keep_a_filtered_frames_index(frame: pd.DataFrame) -> None:
    part = frame.iloc[[4, 1]]
    flags = quality_flags(part, sources=SOURCES, today=TODAY)
    assert flags.index.tolist() == [4, 1]
    assert flags["missing_end_date"].tolist() == [False, True]
    assert quality_flags(empty_frame(), sources=SOURCES, today=TODAY).empty


def test_coverage_by_borough(frame: pd.DataFrame) -> None:
    cover = coverage_by_borough(frame, sources=SOURCES, today=TODAY)
    assert cover.index.tolist() == [a.code for a in authorities()]
    assert list(cover.columns) == ["name", "records", "share_with_end_date", "share_with_value",
                                   "newest_source", "oldest_source", "flagged", "stale_records",
                                   "share_stale"]
    camden, hackney, city = cover.loc[CAMDEN], cover.loc[HACKNEY], cover.loc[CITY]
    # Camden: C1, C2, C5, C6 -> ends on C1, C5, C6; values on C1, C2, C5; flagged C2, C5, C6
    assert camden["name"] == "Camden"
    assert camden["records"] == 4
    assert camden["share_with_end_date"] == pytest.approx(0.75)
    assert camden["share_with_value"] == pytest.approx(0.75)
    assert camden["flagged"] == 3
    # sources fresh (2026-01-31) and edge (2024-11-22); missing and garbled have no date
    assert camden["newest_source"] == date(2026, 1, 31)
    assert camden["oldest_source"] == date(2024, 11, 22)
    # Hackney: C3 (old, 2024-11-21) and C4 (undated); a total value of 0 still counts as a value
    assert (hackney["records"], hackney["flagged"]) == (2, 2)
    assert hackney["share_with_end_date"] == 1.0
    assert hackney["share_with_value"] == 0.5
    assert hackney["newest_source"] == hackney["oldest_source"] == date(2024, 11, 21)
    assert city["records"] == 0 and city["flagged"] == 0
    assert math.isnan(city["share_with_end_date"]) and math.isnan(city["share_with_value"])
    assert city["newest_source"] is None and city["oldest_source"] is None


def test_coverage_counts_stale_sources_per_borough(frame: pd.DataFrame) -> None:
    cover = coverage_by_borough(frame, sources=SOURCES, today=TODAY)
    assert cover["stale_records"].dtype == "int64"
    # Camden: C1 fresh, C2 at the two-year edge (fresh), C5 not in the manifest, C6 garbled date
    assert (cover.loc[CAMDEN, "stale_records"], cover.loc[CAMDEN, "share_stale"]) == (2, 0.5)
    # Hackney: C3 a day older than two years, C4 undated
    assert (cover.loc[HACKNEY, "stale_records"], cover.loc[HACKNEY, "share_stale"]) == (2, 1.0)
    assert cover.loc[CITY, "stale_records"] == 0 and math.isnan(cover.loc[CITY, "share_stale"])
    # A day later, the edge source (C2) is stale too: judged against the `today` given
    later = coverage_by_borough(frame, sources=SOURCES, today=date(2026, 11, 23))
    assert (later.loc[CAMDEN, "stale_records"], later.loc[CAMDEN, "share_stale"]) == (3, 0.75)
    # Judged against an as_of two years back, every dated source is fresh
    early = coverage_by_borough(frame, sources=SOURCES, today=date(2025, 1, 31))
    assert early.loc[CAMDEN, "stale_records"] == 2  # C5 and C6 have no date at all
    assert early.loc[HACKNEY, "stale_records"] == 1  # C4 undated; C3 (2024-11-21) is now fresh


def test_coverage_of_nothing() -> None:
    cover = coverage_by_borough(empty_frame(), sources=SOURCES, today=TODAY)
    assert len(cover) == 33 and cover["records"].sum() == 0
    assert cover["stale_records"].sum() == 0 and cover["share_stale"].isna().all()
