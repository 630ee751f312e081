"""The renewals page's quarterly summary (techmap.service.renewal_views.summary_for), counted from
the two columns it reads under the filter's mask, equals the summary of the matching rows copied
whole (views.rows), on the demo dataset."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from techmap.analysis.filters import FilterState
from techmap.analysis.renewals import quarterly_end_summary
from techmap.service import context, renewal_views, views

DEMO = Path(__file__).resolve().parents[2] / "datasets" / "demo"


@pytest.fixture
def demo(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("TECHMAP_DATASET", str(DEMO))
    context.reset()
    yield
    context.reset()


def test_summary_from_the_mask_equals_the_summary_of_the_rows(demo) -> None:
    states = [FilterState(), FilterState(area=("housing", "libraries")), FilterState(q="cloud"),
              FilterState(authority=("E09000007",), ends_from=date(2026, 11, 22), ends_to=date(2028, 11, 22)),
              FilterState(supplier=("no-such-supplier",))]
    for state in states:
        expected = quarterly_end_summary(views.rows(state))
        pd.testing.assert_frame_equal(renewal_views.summary_for(state), expected, check_exact=True)
    assert len(renewal_views.summary_for(FilterState())) > 10  # the demo has ends in many quarters


def test_download_counts_from_the_mask_equal_the_counts_of_the_rows(demo) -> None:
    from techmap.exports.calendar_export import calendar_contracts

    states = [FilterState(), FilterState(area=("housing",)), FilterState(q="cloud"),
              FilterState(supplier=("no-such-supplier",))]
    counts = [renewal_views.download_counts(state) for state in states]
    assert counts == [(len(rows := views.rows(s)), calendar_contracts(rows)) for s in states]
    assert counts[0][1] < counts[0][0]  # the demo has contracts with no date at all: counted apart
