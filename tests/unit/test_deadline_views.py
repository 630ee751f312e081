"""Where the passed / due-soon marks show: the timeline's marks and table, the quarterly table and
the borough profile's tables. Today is 22 Nov 2026, so due soon runs to 20 Feb 2027 (90 days)."""

from __future__ import annotations

from datetime import date

from components.borough_profile import next_renewals, systems_by_area
from components.renewal_summary import summary_table
from components.timeline import select_page, timeline_figure, timeline_table
from techmap.analysis.renewals import quarterly_end_summary
from techmap.appstate import AppState
from tests.unit.test_timeline import TODAY, _text, contracts


def test_timeline_review_marks_and_procurement_starts() -> None:
    figure = timeline_figure(select_page(contracts(), TODAY), "service_area", TODAY, lead_months=18)
    review, procurement = figure["data"][3], figure["data"][4]
    # C1's review (30 Sep 2026) has passed: a cross, said in words in its hover text
    assert review["marker"]["symbol"] == ["x"]
    assert review["hovertext"][0].startswith("Review or notice by 30 Sep 2026 (passed)")
    # rows in page order: C4 (31 Dec 2026), C5 (28 Feb 2027), C1, C3, C2; starts 18 months earlier
    assert procurement["x"] == ["2025-06-30", "2025-08-28", "2025-09-30", "2025-12-30", "2026-03-30"]
    assert procurement["marker"]["symbol"] == ["triangle-right-open"] * 5  # all passed
    assert "Start re-procurement by 30 Jun 2025 (passed) (18 months before the end)" in procurement["hovertext"][0]
    assert len(timeline_figure(select_page(contracts(), TODAY), "service_area", TODAY)["data"]) == 4


def test_timeline_table_marks_ends_reviews_and_procurement_starts() -> None:
    table = timeline_table(select_page(contracts(), TODAY), "service_area", TODAY, 6)
    head, body = _text(table.children[1]), [_text(tr) for tr in table.children[2].children]
    assert head[-1] == "Start re-procurement by (6 months before the end)"
    # Lambeth's Spydus ends 31 Dec 2026 (39 days away): due soon; its start, 30 Jun 2026, passed
    assert body[1] == ["Lambeth – Spydus (Civica)", "start not known to 31 Dec 2026", " ", "Due soon", "–", "–",
                       "30 Jun 2026", " ", "Passed"]
    # Camden's Northgate: ends 31 Mar 2027 (129 days: no mark), review 30 Sep 2026 passed,
    # start 30 Sep 2026 passed
    assert body[4] == ["Camden – Northgate Housing (NEC)", "1 Apr 2020 to 31 Mar 2027", "31 Mar 2028",
                       "30 Sep 2026", " ", "Passed", "30 Sep 2026", " ", "Passed"]
    # Camden's Spydus ends 28 Feb 2027 (98 days): no mark
    assert body[2][1] == "1 Mar 2024 to 28 Feb 2027"


def test_quarter_table_marks_quarters_over_and_near() -> None:
    table = summary_table(quarterly_end_summary(contracts()), AppState(), TODAY)
    rows = [_text(tr) for tr in table.children[2].children]
    marks = {row[0]: row[2] if row[1] == " " else "" for row in rows}
    assert marks == {"2025 Q2": "Passed", "2026 Q4": "Due soon", "2027 Q1": "Due soon",  # Q1 starts in 40 days
                     "2027 Q2": "", "2027 Q3": ""}


def test_profile_marks_end_and_review_dates() -> None:
    camden = contracts()
    camden = camden[camden["authority_code"] == camden["authority_code"].iloc[0]]  # C1, C5, C7
    tables = systems_by_area(camden, "", TODAY)
    texts = [_text(section) for section in tables]
    housing = next(t for t in texts if t[0] == "Housing")
    # System, Supplier, Ends, Latest end, Review (passed), value, evidence
    assert housing[housing.index("Northgate Housing"):][:9] == [
        "Northgate Housing", "NEC", "31 Mar 2027", "31 Mar 2028", "30 Sep 2026", " ", "Passed",
        "not known", "illustrative"]
    assert _text(next_renewals(camden, TODAY)).count("Passed") == 1  # C1's review; no end has passed
