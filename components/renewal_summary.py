"""The summary above the detailed timeline: how many contracts end in each quarter, stacked by
service area. It stays readable at any size (one bar per quarter), so it is drawn for the whole
selection while the detailed bars are paged.

Colour: there are ~20 service areas, more than any colour-blind-safe palette distinguishes. Up to
eight areas get one Okabe-Ito colour each; beyond that each area group (frontline, corporate,
infrastructure) gets one Okabe-Ito hue in steps of lightness, so the group is always clear and
the area is named in the hover text, the legend and the table.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

import pandas as pd
from dash import dcc, html

from components.deadline_marks import deadline_mark
from components.fast_html import el
from components.safe_text import plotly_text
from techmap.appstate import AppState
from techmap.analysis.renewals import add_months
from techmap.dataformat.schema import GROUP_NAMES, SERVICE_AREAS, SERVICE_AREAS_BY_SLUG

OKABE_ITO = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")
GROUP_HUES = {"frontline": "#0072B2", "corporate": "#E69F00", "infrastructure": "#009E73", "other": "#7f7f7f"}
_AREA_ORDER = {a.slug: i for i, a in enumerate(SERVICE_AREAS)}


def _mix(hex_colour: str, other: str, share: float) -> str:
    a = [int(hex_colour[i:i + 2], 16) for i in (1, 3, 5)]
    b = [int(other[i:i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(x + (y - x) * share):02x}" for x, y in zip(a, b, strict=True))


def area_colours(areas: list[str]) -> dict[str, str]:
    """Colour of each service-area slug present (see the module docstring)."""
    ordered = sorted(set(areas), key=lambda s: (_AREA_ORDER.get(s, len(_AREA_ORDER)), s))
    if len(ordered) <= len(OKABE_ITO):
        return dict(zip(ordered, OKABE_ITO, strict=False))
    colours: dict[str, str] = {}
    by_group: dict[str, list[str]] = {}
    for slug in ordered:
        area = SERVICE_AREAS_BY_SLUG.get(slug)
        by_group.setdefault(area.group if area else "other", []).append(slug)
    for group, slugs in by_group.items():
        hue = GROUP_HUES.get(group, GROUP_HUES["other"])
        n = len(slugs)
        for i, slug in enumerate(slugs):
            # from 40% darker to 60% lighter than the hue, evenly
            t = i / (n - 1) if n > 1 else 0.5
            if t < 0.5:
                colours[slug] = _mix(hue, "#000000", 0.4 * (1 - 2 * t))
            else:
                colours[slug] = _mix(hue, "#ffffff", 0.6 * (2 * t - 1))
    return colours


def quarter_label(d: date) -> str:
    return f"{d.year} Q{(d.month - 1) // 3 + 1}"


def quarter_start(d: date) -> date:
    return date(d.year, (d.month - 1) // 3 * 3 + 1, 1)


def all_quarters(first: date, last: date) -> list[date]:
    """Every quarter start from first's quarter to last's, so empty quarters show as gaps."""
    out = []
    q = quarter_start(first)
    while q <= last:
        out.append(q)
        q = add_months(q, 3)
    return out


def colour_note(summary: pd.DataFrame) -> str:
    """How to read the colours, in words."""
    if summary.empty:
        return ""
    if len(set(summary["service_area"])) <= len(OKABE_ITO):
        return "One colour per service area. Point at a bar, or open the table, for the numbers."
    return ("Colours show the group: blues are frontline services, oranges corporate services, greens "
            "infrastructure; each service area is a shade. Point at a bar, or open the table, for the numbers.")


def summary_figure(summary: pd.DataFrame, today: date, *, compact: bool = False) -> dict[str, Any]:
    """Stacked bars: contracts ending per quarter, one trace per service area. compact (narrow
    screens): no legend (the colour note and the table name the areas)."""
    if summary.empty:
        return {"data": [], "layout": {
            "height": 120, "margin": {"l": 8, "r": 8, "t": 8, "b": 8},
            "xaxis": {"visible": False}, "yaxis": {"visible": False},
            "paper_bgcolor": "rgba(0,0,0,0)", "plot_bgcolor": "rgba(0,0,0,0)",
            "annotations": [{"text": "No contract of the current selection has an end date.",
                             "showarrow": False, "xref": "paper", "yref": "paper", "x": 0.5, "y": 0.5}]}}
    quarters = summary["quarter"].tolist()
    slugs = summary["service_area"].tolist()
    counts = summary["contracts"].tolist()
    names = dict(zip(slugs, summary["area_name"].tolist(), strict=True))
    starts = all_quarters(min(summary["quarter_start"]), max(summary["quarter_start"]))
    categories = [quarter_label(q) for q in starts]
    colours = area_colours(slugs)
    series: dict[str, tuple[list[str], list[int]]] = {}
    for quarter, slug, count in zip(quarters, slugs, counts, strict=True):
        xs, ys = series.setdefault(slug, ([], []))
        xs.append(quarter)
        ys.append(int(count))
    traces = []
    for slug in sorted(series, key=lambda s: (_AREA_ORDER.get(s, len(_AREA_ORDER)), s)):
        area = SERVICE_AREAS_BY_SLUG.get(slug)
        group = area.group if area else "other"
        xs, ys = series[slug]
        traces.append({
            # the name is dataset text (an unknown area keeps its slug): escaped for plotly, and
            # read by the hover template rather than pasted into it, where "%{...}" would expand
            "type": "bar", "name": plotly_text(names[slug]), "x": xs, "y": ys,
            "marker": {"color": colours[slug], "line": {"color": "#ffffff", "width": 0.5}},
            "legendgroup": group, "legendgrouptitle": {"text": plotly_text(GROUP_NAMES.get(group, group))},
            "hovertemplate": "%{x}<br>%{fullData.name}<br>Contracts ending: %{y:,}<extra></extra>",
        })
    layout: dict[str, Any] = {
        "barmode": "stack",
        "height": 300 if compact else 380,
        "showlegend": not compact,
        "margin": {"l": 8, "r": 8, "t": 28, "b": 8},
        "xaxis": {"type": "category", "categoryorder": "array", "categoryarray": categories,
                  "fixedrange": True, "automargin": True, "tickangle": -45},
        "yaxis": {"title": {"text": "Contracts ending"}, "fixedrange": True, "automargin": True,
                  "gridcolor": "#e5e5e5", "rangemode": "tozero"},
        "legend": {"orientation": "h", "y": -0.3, "yanchor": "top", "x": 0, "traceorder": "grouped",
                   "font": {"size": 11}, "groupclick": "toggleitem"},
        "plot_bgcolor": "#ffffff",
        "paper_bgcolor": "rgba(0,0,0,0)",
        "hoverlabel": {"bgcolor": "#ffffff", "font": {"color": "#1b1b1b"}},
        "dragmode": False,
        "font": {"family": "system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif",
                 "color": "#1b1b1b"},
    }
    now = quarter_start(today)
    if starts[0] <= now <= starts[-1]:
        # category positions are 0, 1, 2...: place today within its quarter
        index = starts.index(now)
        fraction = (today - now).days / max(1, (add_months(now, 3) - now).days)
        x = index - 0.5 + fraction
        layout["shapes"] = [{"type": "line", "xref": "x", "yref": "paper", "x0": x, "x1": x, "y0": 0,
                             "y1": 1, "line": {"color": "#1b1b1b", "width": 2, "dash": "dash"}}]
        layout["annotations"] = [{"x": x, "y": 1, "xref": "x", "yref": "paper", "yanchor": "bottom",
                                  "text": "Today", "showarrow": False, "font": {"size": 12}}]
    return {"data": traces, "layout": layout}


def quarter_totals(summary: pd.DataFrame) -> list[tuple[str, date, int]]:
    """[(quarter, quarter_start, contracts of all areas)] in quarter order."""
    totals: dict[str, list[Any]] = {}
    for quarter, start, count in zip(summary["quarter"].tolist(), summary["quarter_start"].tolist(),
                                     summary["contracts"].tolist(), strict=True):
        totals.setdefault(quarter, [quarter, start, 0])[2] += int(count)
    return sorted((tuple(t) for t in totals.values()), key=lambda t: t[1])  # type: ignore[return-value]


def summary_caption(summary: pd.DataFrame, today: date) -> str:
    """'27 contracts end in 2027 Q2, the busiest quarter from now on (most in Housing: 6).'"""
    if summary.empty:
        return "No contract of the current selection has an end date, so none is counted by quarter."
    totals = quarter_totals(summary)
    ahead = [t for t in totals if t[1] >= quarter_start(today)]
    scope = "the busiest quarter from now on"
    if not ahead:
        ahead, scope = totals, "the busiest quarter (all of them have passed)"
    quarter, _, n = max(ahead, key=lambda t: (t[2], -t[1].toordinal()))  # equals: the soonest
    areas = [(int(c), a) for q, a, c in zip(summary["quarter"].tolist(), summary["area_name"].tolist(),
                                            summary["contracts"].tolist(), strict=True) if q == quarter]
    top_count, top_name = min(areas, key=lambda ca: (-ca[0], ca[1]))
    text = f"{n:,} contract{'s' if n != 1 else ''} end{'s' if n == 1 else ''} in {quarter}, {scope}"
    if len(areas) > 1 and sum(1 for c, _ in areas if c == top_count) == 1:  # only a clear leader
        text += f" (most in {top_name}: {top_count:,})"
    dated = sum(t[2] for t in totals)
    quarters = len(totals)
    return (text + f". {dated:,} dated contract{'s' if dated != 1 else ''} over {quarters} "
            f"quarter{'s' if quarters != 1 else ''}.")


def quarter_mark(start: date, end: date, today: date | None) -> Any:
    """"Passed" for a quarter that is over, "Due soon" for one with days left within the due-soon
    window (techmap.analysis.deadlines), else None."""
    if today is None:
        return None
    return deadline_mark(end if end < today else max(start, today), today)


def summary_table(summary: pd.DataFrame, state: AppState, today: date | None = None) -> Any:
    """Per quarter: the total, each service area's count, and a link to that quarter's contracts;
    with `today`, quarters that are over or near are marked so in words."""
    if summary.empty:
        return html.P("No dated contracts to count.", className="empty-state")
    per_quarter: dict[str, tuple[date, list[tuple[str, int]]]] = {}
    for quarter, start, name, count in zip(summary["quarter"].tolist(), summary["quarter_start"].tolist(),
                                           summary["area_name"].tolist(), summary["contracts"].tolist(),
                                           strict=True):
        per_quarter.setdefault(quarter, (start, []))[1].append((name, int(count)))
    rows = []
    for quarter, (start, areas) in per_quarter.items():
        end = date.fromordinal(add_months(start, 3).toordinal() - 1)  # the quarter's last day
        filters = replace(state.filters, ends_from=start, ends_to=end)  # valid dates: no re-validation
        href = "/renewals" + AppState(filters, state.view).to_query_string()
        detail = " · ".join(f"{a} {c:,}" for a, c in areas)
        total = sum(c for _, c in areas)
        mark = quarter_mark(start, end, today)
        link = el(dcc.Link, quarter, href=href)
        rows.append(el(html.Tr, [  # el: see components/fast_html.py
            el(html.Th, link if mark is None else [link, " ", mark], scope="row"),
            el(html.Td, f"{total:,}", className="num"),
            el(html.Td, detail),
        ]))
    return html.Table([
        html.Caption("Contracts ending per quarter, by service area (follow a quarter for its contracts)"),
        html.Thead(html.Tr([html.Th("Quarter", scope="col"), html.Th("Contracts ending", scope="col", className="num"),
                            html.Th("By service area", scope="col")])),
        html.Tbody(rows),
    ], className="table table-sm summary-table")
