"""The passed / due-soon rule (techmap.analysis.deadlines) and its badge (components.deadline_marks)."""

from __future__ import annotations

from datetime import date, datetime

import numpy as np
import pandas as pd

from components.deadline_marks import date_with_mark, deadline_mark
from techmap.analysis.deadlines import DUE_SOON_DAYS, deadline_status, deadline_statuses

TODAY = date(2026, 12, 2)


def test_before_today_is_passed_today_and_window_are_due_soon_later_is_unmarked() -> None:
    assert DUE_SOON_DAYS == 90
    assert deadline_status(date(2026, 12, 1), TODAY) == "passed"
    assert deadline_status(date(2020, 1, 1), TODAY) == "passed"
    assert deadline_status(TODAY, TODAY) == "due-soon"
    assert deadline_status(date(2027, 3, 2), TODAY) == "due-soon"  # 2 Dec + 90 days = 2 Mar
    assert deadline_status(date(2027, 3, 3), TODAY) is None
    assert deadline_status(None, TODAY) is None


def test_timestamps_datetimes_and_missing_values() -> None:
    assert deadline_status(pd.Timestamp("2026-11-30"), TODAY) == "passed"
    assert deadline_status(datetime(2026, 12, 2, 23, 59), TODAY) == "due-soon"
    assert deadline_status(pd.NaT, TODAY) is None
    assert deadline_status(np.datetime64("NaT"), TODAY) is None
    assert deadline_status(np.datetime64("2027-01-01"), TODAY) == "due-soon"
    assert deadline_status(date(2026, 12, 20), TODAY, window_days=10) is None


def test_array_form_agrees_with_the_scalar_rule() -> None:
    values = np.array(["2026-12-01", "2026-12-02", "2027-03-02", "2027-03-03", "NaT"], dtype="datetime64[ns]")
    assert deadline_statuses(values, TODAY) == ["passed", "due-soon", "due-soon", None, None]


def test_badge_says_it_in_words() -> None:
    passed = deadline_mark(date(2026, 1, 1), TODAY)
    assert passed.children == "Passed" and "deadline-passed" in passed.className and passed.title
    soon = deadline_mark(date(2027, 1, 1), TODAY)
    assert soon.children == "Due soon" and "deadline-due-soon" in soon.className
    assert deadline_mark(date(2028, 1, 1), TODAY) is None
    assert date_with_mark("1 Jan 2028", date(2028, 1, 1), TODAY) == "1 Jan 2028"
    text, _, badge = date_with_mark("1 Jan 2026", date(2026, 1, 1), TODAY)
    assert text == "1 Jan 2026" and badge.children == "Passed"
