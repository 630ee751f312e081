"""Coverage: which (borough, service area) pairs public evidence shows, worked out by hand."""

from __future__ import annotations

import pandas as pd

from components.coverage import borough_gaps, coverage_figure, unknown_pairs_list
from techmap.analysis.coverage import COVERED_AREAS, coverage_share, coverage_table, unknown_areas
from techmap.analysis.queries import METRICS, borough_metrics
from tests.unit.frames import CAMDEN, HACKNEY, make_frame

REAL = {"synthetic": False}
FRAME = make_frame([
    {**REAL, "service_area": "libraries", "confidence": "listing", "observed_date": "2024-06-26"},
    {**REAL, "service_area": "libraries", "confidence": "contract", "observed_date": "2022-01-05"},
    {**REAL, "service_area": "libraries", "confidence": "contract", "observed_date": "2022-03-01"},
    {**REAL, "service_area": "gis", "confidence": "inferred", "observed_date": "2025-01-01"},
    {**REAL, "service_area": "unclassified", "confidence": "contract", "observed_date": "2025-01-01"},
    {"service_area": "housing", "synthetic": True},  # illustrative: never makes a pair known
    {**REAL, "authority_code": HACKNEY, "service_area": "gis"},  # an older row: no confidence
])


def test_pairs_are_every_borough_by_every_area_but_unclassified() -> None:
    table = coverage_table(FRAME)
    assert len(table) == 33 * len(COVERED_AREAS) and "unclassified" not in COVERED_AREAS
    assert table["known"].sum() == 3


def test_best_confidence_and_the_date_of_its_latest_evidence() -> None:
    table = coverage_table(FRAME)
    libraries = table.loc[(CAMDEN, "libraries")]
    assert (libraries["confidence"], str(libraries["observed_date"].date())) == ("contract",
                                                                                  "2022-03-01")
    assert table.loc[(CAMDEN, "gis"), "confidence"] == "inferred"
    assert table.loc[(HACKNEY, "gis"), "known"] and table.loc[(HACKNEY, "gis"), "confidence"] == ""
    housing = table.loc[(CAMDEN, "housing")]
    assert not housing["known"] and housing["confidence"] == "" and pd.isna(housing["observed_date"])


def test_share_and_unknown_areas() -> None:
    assert coverage_share(FRAME) == (3, 33 * len(COVERED_AREAS))
    unknown = unknown_areas(FRAME)
    assert len(unknown) == 33 and len(unknown["E09000001"]) == len(COVERED_AREAS)
    assert "libraries" not in unknown[CAMDEN] and "gis" not in unknown[CAMDEN]
    assert "housing" in unknown[CAMDEN] and len(unknown[CAMDEN]) == len(COVERED_AREAS) - 2


def test_pairs_known_map_metric() -> None:
    metrics = borough_metrics(FRAME, today=pd.Timestamp("2026-11-22").date())
    assert metrics.loc[CAMDEN, "pairs_known"] == 2 and metrics.loc[HACKNEY, "pairs_known"] == 1
    assert metrics["pairs_known"].sum() == 3
    assert METRICS["pairs_known"].column == "pairs_known"


def test_coverage_builders_say_how_to_fill_the_gap() -> None:
    figure = str(coverage_figure(196, 825, 25))
    assert "196 of 825" in figure and "24%" in figure and "survey-template.xlsx" in figure
    listing = str(unknown_pairs_list({CAMDEN: ["housing", "gis"], HACKNEY: []}, 25))
    assert "2 borough and service-area pairs have nothing published yet" in listing
    assert "Housing, GIS and mapping" in listing and "Hackney" not in listing
    assert "Every service area" in str(borough_gaps([]))
    assert "for 1 service area: Housing" in str(borough_gaps(["housing"]))
