"""Whether a review (notice) date or an end date has passed or is near: one rule for the borough
profile, the renewals tables, the timeline and the finder, so they never disagree.

A date before today has passed; a date from today up to DUE_SOON_DAYS ahead (both ends
included) is due soon; later dates and missing ones get no mark. "Today" is always passed in
(techmap.service.context.today(), which TECHMAP_TODAY pins for tests), never read here.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any, Literal

import numpy as np

DeadlineStatus = Literal["passed", "due-soon"]

# How near a date counts as "due soon": about a quarter, the time a notice period usually needs.
DUE_SOON_DAYS = 90

STATUS_WORDS: dict[DeadlineStatus, str] = {"passed": "Passed", "due-soon": "Due soon"}


def _as_date(value: Any) -> date | None:
    """A date from a date, datetime, pandas Timestamp or numpy datetime64; None for None/NaT."""
    if value is None:
        return None
    if isinstance(value, np.datetime64):
        if np.isnat(value):
            return None
        return value.astype("datetime64[D]").astype(object)
    if isinstance(value, datetime):  # also pandas.Timestamp; NaT is one too and is not equal to itself
        return None if value != value else value.date()
    if isinstance(value, date):
        return value
    return None


def deadline_status(d: date | None, today: date, *, window_days: int = DUE_SOON_DAYS) -> DeadlineStatus | None:
    """'passed' when `d` is before `today`, 'due-soon' when it is at most `window_days` days
    after it (today itself is due soon), else None (also for a missing date)."""
    day = _as_date(d)
    if day is None:
        return None
    if day < today:
        return "passed"
    if day <= today + timedelta(days=window_days):
        return "due-soon"
    return None


def deadline_statuses(days: np.ndarray, today: date, *, window_days: int = DUE_SOON_DAYS) -> list[DeadlineStatus | None]:
    """deadline_status of every value of a datetime64 array (NaT gives None), without a Python
    date per row: for tables and timelines of many contracts."""
    values = np.asarray(days).astype("datetime64[D]")
    now = np.datetime64(today.isoformat(), "D")
    soon = now + np.timedelta64(window_days, "D")
    passed = values < now  # NaT compares False
    due = (values >= now) & (values <= soon)
    return ["passed" if p else "due-soon" if s else None for p, s in zip(passed.tolist(), due.tolist(), strict=True)]


def status_words(status: DeadlineStatus | None) -> str:
    """'Passed', 'Due soon', or '' for no mark."""
    return STATUS_WORDS[status] if status else ""
