"""The renewals timeline: one horizontal bar per contract (start to current end), its possible
extension to the latest end drawn lighter, review/notice dates marked and a line for today.

It must stay readable at 140,000 contracts, so it never draws them all: the contracts are put in
end-date order and shown a page at a time (PAGE_SIZE bars). Pages are anchored at today, so the
first page shown is the next contracts to end; earlier pages hold those that already ended.
Within a page the bars are grouped (by service area or by borough) under a bold heading row.

The figure is a plain dict (no plotly validation in the hot path) of a few traces on a date axis:
bars with `base` = start and `x` = duration in milliseconds, as plotly's own timeline does.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd
from dash import html

from components.deadline_marks import status_badge
from components.fast_html import el
from components.safe_text import plotly_text
from techmap.analysis.deadlines import DeadlineStatus, deadline_statuses, status_words
from techmap.dataformat.authorities import by_code
from techmap.analysis.renewals import add_months
from techmap.dataformat.schema import SERVICE_AREAS_BY_SLUG
from techmap.wording import fmt_date

PAGE_SIZE = 40
GROUPS: dict[str, str] = {"service_area": "service area", "authority": "borough"}

# Okabe-Ito: distinguishable with the common colour-vision deficiencies.
TERM_COLOUR = "#0072B2"
EXTENSION_FILL = "rgba(0, 114, 178, 0.22)"
REVIEW_COLOUR = "#D55E00"
PASSED_COLOUR = "#7a1f1f"  # as the "Passed" badge (assets/20_deadline_marks.css)
PROCUREMENT_COLOUR = "#007a5a"  # Okabe-Ito green, darkened for 4.5:1 on white
# Review marks: the shape says passed / due soon as well as the colour (and the hover and table say it in words).
REVIEW_SYMBOLS: dict[DeadlineStatus | None, str] = {None: "diamond", "due-soon": "diamond-dot", "passed": "x"}
REVIEW_COLOURS: dict[DeadlineStatus | None, str] = {None: REVIEW_COLOUR, "due-soon": REVIEW_COLOUR,
                                                    "passed": PASSED_COLOUR}
TODAY_COLOUR = "#1b1b1b"
ROW_PX = 21
LABEL_CHARS = 38
_MS_PER_DAY = 86_400_000
_COLUMNS = ["contract_id", "authority_code", "authority_name", "service_area", "system", "supplier",
            "start_date", "end_date", "max_end_date", "review_date"]


# ---- choosing the page ------------------------------------------------------------------------


@dataclass(frozen=True)
class TimelinePage:
    """One page of the timeline: its rows (end-date order) and where it sits among all pages."""

    rows: pd.DataFrame  # the page's contracts, in end-date order
    page: int  # 0 = the page starting at the first contract ending today or later; <0 earlier
    first_page: int  # the lowest page number (0 or negative)
    last_page: int  # the highest page number
    start: int  # position of the page's first row among the dated rows (0-based)
    dated: int  # how many of the filtered contracts have an end date
    undated: int  # how many have none (they cannot be placed on a timeline)
    ended: int  # how many dated contracts ended before today

    @property
    def has_previous(self) -> bool:
        return self.page > self.first_page

    @property
    def has_next(self) -> bool:
        return self.page < self.last_page


def page_range(ended: int, dated: int, page_size: int = PAGE_SIZE) -> tuple[int, int]:
    """(first_page, last_page) when page 0 starts at row `ended` (the first row not yet ended)."""
    first = -((ended + page_size - 1) // page_size)  # -ceil(ended / size)
    upcoming = dated - ended
    last = max(0, (upcoming + page_size - 1) // page_size - 1)
    if upcoming == 0 and ended > 0:  # everything ended: the last page is the latest earlier one
        last = -1
    return first, last


def page_slice(page: int, ended: int, dated: int, page_size: int = PAGE_SIZE) -> tuple[int, int]:
    """[start, stop) positions of `page` among the dated rows (page 0 starts at row `ended`)."""
    start = ended + page * page_size
    stop = start + page_size
    return max(0, min(start, dated)), max(0, min(stop, dated))


def select_page(rows: pd.DataFrame, today: date, page: int = 0, page_size: int = PAGE_SIZE) -> TimelinePage:
    """The contracts of one page; `page` is clamped to the pages that exist.

    Rows without an end date are counted but never shown. Order: end date, then the frame's own
    order (a stable sort, so the order is the same on every call)."""
    ends = rows["end_date"].to_numpy()
    dated_mask = ~np.isnat(ends)
    dated_positions = np.flatnonzero(dated_mask)
    dated_ends = ends[dated_positions]
    order = dated_positions[np.argsort(dated_ends, kind="stable")]
    dated = int(order.size)
    ended = int((dated_ends < np.datetime64(today.isoformat(), "D")).sum())
    first, last = page_range(ended, dated, page_size)
    page = min(max(page, first), last)
    start, stop = page_slice(page, ended, dated, page_size)
    columns = [rows.columns.get_loc(c) for c in _COLUMNS]
    chosen = rows.iloc[order[start:stop], columns]  # one small take: only the page, only its columns
    return TimelinePage(rows=chosen, page=page, first_page=first, last_page=last, start=start,
                        dated=dated, undated=len(rows) - dated, ended=ended)


# ---- labels -----------------------------------------------------------------------------------


def _short(text: str, limit: int = LABEL_CHARS) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def tick_label(text: str, limit: int = LABEL_CHARS) -> str:
    """Dataset text for a plotly label: shortened first, then escaped (plotly reads <b>, <i> and
    <a href> in labels), so that an entity such as &amp; is never cut in half."""
    return plotly_text(_short(text, limit))


def group_name(group: str, key: str) -> str:
    if group == "authority":
        authority = by_code().get(key)
        return authority.name if authority else key
    area = SERVICE_AREAS_BY_SLUG.get(key)
    return area.name if area else key


def row_label(authority_name: str, system: str) -> str:
    """'Camden – Mosaic': what each bar is called, whichever the grouping."""
    return f"{authority_name} – {system}"


def grouped_positions(rows: pd.DataFrame, group: str) -> list[tuple[str, list[int]]]:
    """The page's rows grouped: [(group key, [row positions in end-date order])], groups ordered by
    their first end date on the page (the most pressing group first)."""
    column = "authority_code" if group == "authority" else "service_area"
    groups: dict[str, list[int]] = {}
    for position, key in enumerate(rows[column].astype("str").tolist()):
        groups.setdefault(key, []).append(position)
    return list(groups.items())  # dict keeps first-seen order = first end date


# ---- the figure -------------------------------------------------------------------------------


def _iso(values: np.ndarray) -> list[str | None]:
    """ISO dates ('2027-03-31'), None for NaT."""
    text = np.datetime_as_string(values.astype("datetime64[D]"), unit="D").tolist()
    return [None if t == "NaT" else t for t in text]


def _status_note(status: DeadlineStatus | None) -> str:
    """' (passed)' / ' (due soon)' after a date in hover text, '' otherwise."""
    return f" ({status_words(status).lower()})" if status else ""


def procurement_starts(ends: np.ndarray, lead_months: int) -> np.ndarray:
    """The suggested re-procurement start of each end date (end minus the lead time, as the
    calendar feed's events: techmap.exports.calendar_export); NaT where there is no end."""
    out = np.full(ends.shape, np.datetime64("NaT"), dtype="datetime64[D]")
    for i, end in enumerate(ends.astype("datetime64[D]").astype(object).tolist()):
        if end is not None:
            out[i] = np.datetime64(add_months(end, -lead_months).isoformat(), "D")
    return out


def timeline_figure(page: TimelinePage, group: str, today: date, *, compact: bool = False,
                    lead_months: int | None = None) -> dict[str, Any]:
    """Bars for one page of contracts, grouped under heading rows; y positions count down.
    Review dates are marked by shape and words as passed or due soon (techmap.analysis.deadlines);
    with `lead_months`, each contract's suggested re-procurement start is marked too.

    compact (narrow screens): each label is written above its bar inside the plot instead of
    in a column of axis labels, so the bars keep the whole width of a phone."""
    rows = page.rows
    if rows.empty:
        return empty_figure("No contract of the current selection has an end date to show.")
    starts = rows["start_date"].to_numpy().astype("datetime64[D]")
    ends = rows["end_date"].to_numpy().astype("datetime64[D]")
    max_ends = rows["max_end_date"].to_numpy().astype("datetime64[D]")
    reviews = rows["review_date"].to_numpy().astype("datetime64[D]")
    # Dataset text, escaped for plotly once; labels are shortened before escaping (tick_label).
    raw_names = rows["authority_name"].tolist()
    raw_systems = rows["system"].tolist()
    names = [plotly_text(v) for v in raw_names]
    systems = [plotly_text(v) for v in raw_systems]
    suppliers = [plotly_text(v) for v in rows["supplier"].tolist()]
    limit = 60 if compact else LABEL_CHARS

    y_of_row = [0] * len(rows)
    labels: list[tuple[int, str]] = []  # (y, text) of every row, headings in bold
    headings: list[int] = []
    y = 0
    for key, positions in grouped_positions(rows, group):
        headings.append(y)
        labels.append((y, f"<b>{tick_label(group_name(group, key), limit)}</b>"))
        y += 1
        for p in positions:
            y_of_row[p] = y
            labels.append((y, tick_label(row_label(raw_names[p], raw_systems[p]), limit)))
            y += 1
    total_rows = y
    # compact: the label takes the upper part of the row, the bar and its marks the lower part
    bar_width, bar_offset, mark_shift = (0.42, 0.04, 0.25) if compact else (0.7, None, 0.0)

    start_iso, end_iso, max_iso, review_iso = _iso(starts), _iso(ends), _iso(max_ends), _iso(reviews)
    hover = [
        f"<b>{row_label(names[i], systems[i])}</b><br>Supplier: {suppliers[i]}"
        f"<br>Start: {_fmt_iso(start_iso[i], 'not known')} · ends {_fmt_iso(end_iso[i])}"
        + (f"<br>Latest end with extensions: {_fmt_iso(max_iso[i])}" if max_iso[i] else "")
        + (f"<br>Review or notice by {_fmt_iso(review_iso[i])}" if review_iso[i] else "")
        for i in range(len(rows))
    ]
    has_start = ~np.isnat(starts) & (starts <= ends)
    term = np.flatnonzero(has_start)
    extension = np.flatnonzero(~np.isnat(max_ends) & (max_ends > ends))
    no_start = np.flatnonzero(~has_start)
    review = np.flatnonzero(~np.isnat(reviews))
    review_status = deadline_statuses(reviews[review], today)

    def days_ms(later: np.ndarray, earlier: np.ndarray) -> list[int]:
        return ((later - earlier).astype("int64") * _MS_PER_DAY).tolist()

    def bar(name: str, chosen: np.ndarray, base: np.ndarray, end: np.ndarray, marker: dict[str, Any],
            texts: list[str]) -> dict[str, Any]:
        trace = {"type": "bar", "orientation": "h", "name": name, "y": [y_of_row[i] for i in chosen],
                 "base": _iso(base[chosen]), "x": days_ms(end[chosen], base[chosen]), "marker": marker,
                 "hovertext": texts, "hovertemplate": "%{hovertext}<extra></extra>", "width": bar_width}
        if bar_offset is not None:
            trace["offset"] = bar_offset
        return trace

    traces: list[dict[str, Any]] = [
        bar("Current term", term, starts, ends, {"color": TERM_COLOUR, "line": {"width": 0}},
            [hover[i] for i in term]),
        bar("Possible extension", extension, ends, max_ends,
            {"color": EXTENSION_FILL, "line": {"width": 1, "color": TERM_COLOUR}},
            [f"{row_label(names[i], systems[i])}<br>Possible extension to {_fmt_iso(max_iso[i])}"
             for i in extension]),
        {
            "type": "scatter", "mode": "markers", "name": "Ends (start not known)",
            "y": [y_of_row[i] + mark_shift for i in no_start], "x": _iso(ends[no_start]),
            "marker": {"symbol": "line-ns", "size": 10 if compact else 14,
                       "line": {"width": 3, "color": TERM_COLOUR}},
            "hovertext": [hover[i] for i in no_start], "hovertemplate": "%{hovertext}<extra></extra>",
        },
        {
            "type": "scatter", "mode": "markers", "name": "Review or notice date",
            "y": [y_of_row[i] + mark_shift for i in review], "x": _iso(reviews[review]),
            "marker": {"symbol": [REVIEW_SYMBOLS[st] for st in review_status], "size": 8 if compact else 10,
                       "color": [REVIEW_COLOURS[st] for st in review_status],
                       "line": {"width": 1, "color": "#ffffff"}},
            "hovertext": [f"Review or notice by {_fmt_iso(review_iso[i])}{_status_note(st)}"
                          f"<br>{row_label(names[i], systems[i])}" for i, st in zip(review, review_status, strict=True)],
            "hovertemplate": "%{hovertext}<extra></extra>",
        },
    ]
    if lead_months is not None:
        starts_due = procurement_starts(ends, lead_months)
        start_status = deadline_statuses(starts_due, today)
        start_iso = _iso(starts_due)
        traces.append({
            "type": "scatter", "mode": "markers", "name": "Start re-procurement",
            "y": [y + mark_shift for y in y_of_row], "x": start_iso,
            "marker": {"symbol": ["triangle-right-open" if st == "passed" else "triangle-right"
                                  for st in start_status],
                       "size": 8 if compact else 10, "color": PROCUREMENT_COLOUR},
            "hovertext": [f"Start re-procurement by {_fmt_iso(start_iso[i])}{_status_note(st)} "
                          f"({lead_months} months before the end)<br>{row_label(names[i], systems[i])}"
                          for i, st in enumerate(start_status)],
            "hovertemplate": "%{hovertext}<extra></extra>",
        })
    today_iso = today.isoformat()
    shapes: list[dict[str, Any]] = [
        {"type": "line", "xref": "paper", "yref": "y", "x0": 0, "x1": 1, "y0": h - 0.5, "y1": h - 0.5,
         "line": {"color": "#b1b4b6", "width": 1}, "layer": "below"}
        for h in headings[1:]
    ]
    shapes.append({"type": "line", "xref": "x", "yref": "paper", "x0": today_iso, "x1": today_iso,
                   "y0": 0, "y1": 1, "line": {"color": TODAY_COLOUR, "width": 2, "dash": "dash"}})
    annotations: list[dict[str, Any]] = [
        {"x": today_iso, "y": 1, "xref": "x", "yref": "paper", "yanchor": "top", "xanchor": "left",
         "text": "Today", "showarrow": False, "font": {"size": 12, "color": TODAY_COLOUR},
         "bgcolor": "#ffffff", "xshift": 3}]
    yaxis: dict[str, Any] = {"range": [total_rows - 0.5, -0.5], "automargin": True, "fixedrange": True,
                             "showgrid": False, "zeroline": False}
    if compact:
        yaxis.update({"showticklabels": False, "ticks": ""})
        annotations.extend({"x": 0, "xref": "paper", "y": y - 0.2, "yref": "y", "xanchor": "left",
                            "yanchor": "middle", "text": text, "showarrow": False, "font": {"size": 11},
                            "bgcolor": "rgba(255,255,255,0.8)", "borderpad": 0}
                           for y, text in labels)
    else:
        yaxis.update({"tickmode": "array", "tickvals": [y for y, _ in labels],
                      "ticktext": [text for _, text in labels], "tickfont": {"size": 12}})
    row_px = 30 if compact else ROW_PX
    layout = {
        "barmode": "overlay",
        "showlegend": False,  # the key above the chart explains the marks in HTML
        "height": max(220, total_rows * row_px + 70),
        "margin": {"l": 4 if compact else 8, "r": 8 if compact else 16, "t": 46, "b": 10},
        "xaxis": {"type": "date", "side": "top", "gridcolor": "#e5e5e5", "automargin": True,
                  "fixedrange": True, "title": {"text": ""}},
        "yaxis": yaxis,
        "shapes": shapes,
        "annotations": annotations,
        "plot_bgcolor": "#ffffff",
        "paper_bgcolor": "rgba(0,0,0,0)",
        "hoverlabel": {"bgcolor": "#ffffff", "font": {"color": "#1b1b1b"}, "align": "left"},
        "dragmode": False,
        "font": {"family": "system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif",
                 "color": "#1b1b1b"},
    }
    return {"data": traces, "layout": layout}


def empty_figure(message: str) -> dict[str, Any]:
    return {
        "data": [],
        "layout": {
            "height": 140, "margin": {"l": 8, "r": 8, "t": 8, "b": 8},
            "xaxis": {"visible": False}, "yaxis": {"visible": False},
            "paper_bgcolor": "rgba(0,0,0,0)", "plot_bgcolor": "rgba(0,0,0,0)",
            "annotations": [{"text": message, "showarrow": False, "xref": "paper", "yref": "paper",
                             "x": 0.5, "y": 0.5, "font": {"size": 14}}],
        },
    }


def timeline_key() -> html.Ul:
    """The marks of the timeline in words (the figure has no plotly legend)."""
    items = [
        ("swatch-term", "Current term: start to current end"),
        ("swatch-extension", "Lighter: possible extension to the latest end"),
        ("swatch-review", "Diamond: review or notice date (a dotted diamond: due soon; a cross: passed)"),
        ("swatch-procurement", "Triangle: suggested start of re-procurement (hollow: passed)"),
        ("swatch-nostart", "Tick: end date when the start is not known"),
        ("swatch-today", "Dashed line: today"),
    ]
    return html.Ul([html.Li([html.Span(className=f"swatch {cls}", **{"aria-hidden": "true"}), text])
                    for cls, text in items], className="timeline-key")


# ---- words and table --------------------------------------------------------------------------


def pager_text(page: TimelinePage) -> str:
    """'Contracts 1–50 of 1,333 ending from today (30 Nov 2026 to 31 Mar 2027).'"""
    if page.rows.empty:
        return "No contracts to show."
    n = len(page.rows)
    first_end = fmt_date(page.rows["end_date"].iloc[0])
    last_end = fmt_date(page.rows["end_date"].iloc[-1])
    if page.page >= 0:
        upcoming = page.dated - page.ended
        position = page.start - page.ended
        where = f"Contracts {position + 1:,}–{position + n:,} of {upcoming:,} ending from today"
    else:
        where = f"Contracts {page.start + 1:,}–{page.start + n:,} of the {page.ended:,} that already ended"
    return f"{where}: ends {first_end} to {last_end}."


def window_words(ends_from: date | None, ends_to: date | None, today: date) -> str:
    """'in the next 12 months' or 'between 1 Jan 2027 and 31 Mar 2027' (the filter's window)."""
    if ends_from is None and ends_to is None:
        return "in the next 12 months"
    if ends_from and ends_to:
        return f"between {fmt_date(ends_from)} and {fmt_date(ends_to)}"
    if ends_from:
        return f"from {fmt_date(ends_from)}"
    return f"by {fmt_date(ends_to)}"


def busiest_group(rows: pd.DataFrame, group: str, start: date, end: date) -> tuple[list[str], int, int] | None:
    """(names of the groups with the most contracts ending in [start, end], alphabetical; that
    count; all contracts ending then). None when nothing ends then."""
    ends = rows["end_date"].to_numpy()
    mask = (ends >= np.datetime64(start.isoformat(), "D")) & (ends <= np.datetime64(end.isoformat(), "D"))
    total = int(mask.sum())
    if not total:
        return None
    column = "authority_code" if group == "authority" else "service_area"
    keys = rows[column].to_numpy()[mask].astype(str)
    values, counts = np.unique(keys, return_counts=True)
    top = int(counts.max())
    names = sorted(group_name(group, k) for k, c in zip(values.tolist(), counts.tolist(), strict=True) if c == top)
    return names, top, total


def _and(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def timeline_caption(rows: pd.DataFrame, group: str, today: date, ends_from: date | None,
                     ends_to: date | None) -> str:
    """'Camden has the most contracts ending in the next 12 months: 14 of 163.' Without a window
    filter the window is the next 12 months; with one, the filter's window."""
    start = ends_from or (today if ends_to is None else date(1900, 1, 1))
    end = ends_to or (add_months(today, 12) if ends_from is None else date(2200, 12, 31))
    found = busiest_group(rows, group, start, end)
    words = window_words(ends_from, ends_to, today)
    if found is None:
        return f"No contract of the current selection ends {words}."
    names, count, total = found
    noun = "contract" if total == 1 else "contracts"
    if count == total:  # one group has them all (e.g. one borough selected): no contest to report
        return f"{total:,} {noun} of {names[0]} end{'s' if total == 1 else ''} {words}."
    if group == "authority":
        if len(names) > 1:
            return f"{_and(names)} have the most contracts ending {words}: {count:,} each, of {total:,}."
        return f"{names[0]} has the most contracts ending {words}: {count:,} of {total:,}."
    if len(names) > 1:
        return (f"{_and(names)} are the service areas with the most contracts ending {words}: "
                f"{count:,} each, of {total:,}.")
    return f"{names[0]} is the service area with the most contracts ending {words}: {count:,} of {total:,} {noun}."


def _marked(iso: str | None, status: DeadlineStatus | None, prefix: str = "") -> Any:
    """'31 Mar 2027' (after `prefix`) with its "Passed" / "Due soon" badge when it has one."""
    text, badge = prefix + _fmt_iso(iso), status_badge(status)
    return text if badge is None else [text, " ", badge]


def timeline_table(page: TimelinePage, group: str, today: date | None = None,
                   lead_months: int | None = None) -> Any:
    """The page's contracts as a table, in the same order and groups as the bars (kept lean: a
    page of it is rebuilt on every change). With `today`, end and review dates carry their
    "Passed" / "Due soon" badges; with `lead_months`, a column gives the suggested re-procurement
    start, so the table holds every event the calendar feed does."""
    rows = page.rows
    if rows.empty:
        return html.P("No contracts to list.", className="empty-state")
    names = rows["authority_name"].tolist()
    systems = rows["system"].tolist()
    suppliers = rows["supplier"].tolist()
    end_days, review_days = rows["end_date"].to_numpy(), rows["review_date"].to_numpy()
    starts, ends = _iso(rows["start_date"].to_numpy()), _iso(end_days)
    max_ends, reviews = _iso(rows["max_end_date"].to_numpy()), _iso(review_days)
    none: list[DeadlineStatus | None] = [None] * len(rows)
    end_status = deadline_statuses(end_days, today) if today else none
    review_status = deadline_statuses(review_days, today) if today else none
    procurement: list[str | None] = []
    procurement_status = none
    if lead_months is not None:
        procurement_days = procurement_starts(end_days, lead_months)
        procurement, procurement_status = _iso(procurement_days), (
            deadline_statuses(procurement_days, today) if today else none)
    head = ["Contract (supplier)", "Current term", "Latest end with extensions", "Review or notice by",
            *([f"Start re-procurement by ({lead_months} months before the end)"] if procurement else [])]
    body: list[Any] = []
    for key, positions in grouped_positions(rows, group):
        body.append(el(html.Tr, el(html.Th, group_name(group, key), colSpan=len(head), scope="colgroup"),
                       className="group-row"))
        for p in positions:  # el: see components/fast_html.py
            body.append(el(html.Tr, [
                el(html.Th, f"{row_label(names[p], systems[p])} ({suppliers[p]})", scope="row"),
                el(html.Td, _marked(ends[p], end_status[p], f"{_fmt_iso(starts[p], 'start not known')} to ")),
                el(html.Td, _fmt_iso(max_ends[p])), el(html.Td, _marked(reviews[p], review_status[p])),
                *([el(html.Td, _marked(procurement[p], procurement_status[p]))] if procurement else []),
            ]))
    return html.Table([
        html.Caption(pager_text(page)),
        html.Thead(html.Tr([html.Th(c, scope="col") for c in head])),
        html.Tbody(body),
    ], className="table table-sm timeline-table")


_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@lru_cache(maxsize=8192)
def _fmt_iso(iso: str | None, missing: str = "–") -> str:
    """'2027-03-31' -> '31 Mar 2027' without building a Timestamp."""
    if not iso:
        return missing
    return f"{int(iso[8:10])} {_MONTHS[int(iso[5:7]) - 1]} {iso[:4]}"
