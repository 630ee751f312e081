"""The "Passed" / "Due soon" badges beside review (notice) and end dates: text, not colour alone,
with a title saying what the badge means. The rule is techmap.analysis.deadlines'; the look is
assets/20_deadline_marks.css (a distinct outline and pattern besides the colour)."""

from __future__ import annotations

from datetime import date
from typing import Any

from dash import html

from components.fast_html import el
from techmap.analysis.deadlines import DUE_SOON_DAYS, DeadlineStatus, deadline_status, status_words

_TITLES: dict[DeadlineStatus, str] = {
    "passed": "This date has passed",
    "due-soon": f"This date is within the next {DUE_SOON_DAYS} days",
}


def status_badge(status: DeadlineStatus | None) -> html.Span | None:
    """The badge of a status already worked out (techmap.analysis.deadlines), or None."""
    if status is None:
        return None
    return el(html.Span, status_words(status), className=f"deadline-mark deadline-{status}",
              title=_TITLES[status])


def deadline_mark(d: Any, today: date) -> html.Span | None:
    """A small badge for date `d` ('Passed' before today, 'Due soon' within DUE_SOON_DAYS days),
    or None when it needs none (later, or no date)."""
    return status_badge(deadline_status(d, today))


def date_with_mark(text: str, d: Any, today: date) -> Any:
    """The date's text followed by its badge when it has one (a table cell's children)."""
    badge = deadline_mark(d, today)
    return text if badge is None else [text, " ", badge]
