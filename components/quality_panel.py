"""The data page's quality panel: how far to trust the contracts behind the filters.

Three tables: the quality flags (techmap.quality) with a link that shows only the flagged rows in
the grid (the view setting `flag`, so the view stays a shareable URL), per-borough coverage, and
where the rows come from (the manifest's sources)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

import numpy as np
import pandas as pd
from dash import dcc, html

from components.safe_text import source_title
from techmap.service.views import row_flags
from components.figure_frame import simple_table
from techmap.appstate import AppState
from techmap.authorities import by_code
from techmap.dataset import Dataset
from techmap.quality import FLAG_LABELS, FLAGS, STALE_AFTER_MONTHS, coverage_by_borough
from techmap.renewals import add_months


def flag_counts(data: Dataset, positions: np.ndarray, *, today: date) -> dict[str, int]:
    """How many of the rows at `positions` carry each flag."""
    counts = row_flags(data, today)[positions].sum(axis=0)
    return {flag: int(n) for flag, n in zip(FLAGS, counts.tolist(), strict=True)}


def flag_link_href(state: AppState, flag: str) -> str:
    """The data page showing only the rows with `flag` ("all": every row), keeping the filters."""
    return f"/data{state.with_view('flag', flag).to_query_string()}"


def _share(part: int, whole: int) -> str:
    return f"{part / whole:.0%}" if whole else "–"


def flags_table(counts: Mapping[str, int], total: int, state: AppState) -> html.Table:
    active = state.view_value("flag")
    rows = []
    for flag in FLAGS:
        n = counts.get(flag, 0)
        if flag == active:
            action: Any = html.Span([html.Strong("Shown in the table. "),
                                     dcc.Link("Show all contracts", href=flag_link_href(state, "all"))])
        elif n:
            action = dcc.Link([f"Show {'1 row' if n == 1 else f'{n:,} rows'}",
                               html.Span(f" flagged “{FLAG_LABELS[flag]}”", className="visually-hidden")],
                              href=flag_link_href(state, flag), className="btn btn-outline-primary btn-sm")
        else:
            action = html.Span("None", className="muted")
        rows.append(html.Tr([html.Th(FLAG_LABELS[flag], scope="row"),
                             html.Td(f"{n:,} ({_share(n, total)})", className="num"), html.Td(action)],
                            className="is-selected" if flag == active else None))
    return html.Table(
        [
            html.Caption(f"Quality flags among the {total:,} contracts behind the filters"),
            html.Thead(html.Tr([html.Th("Flag", scope="col"), html.Th("Rows (share)", scope="col", className="num"),
                                html.Th("See them", scope="col")])),
            html.Tbody(rows),
        ],
        className="table table-sm quality-flags",
    )


def _percent(value: float) -> str:
    return "–" if value != value else f"{value:.0%}"  # NaN: the borough has no records


def _day_text(value: object) -> str:
    return value.isoformat() if isinstance(value, date) else "–"


def coverage_table(coverage: pd.DataFrame, state: AppState, *, public: bool) -> html.Table:
    """Per borough: records, shares with an end date and with a value, newest and oldest source
    dates, the share whose source is stale (over quality.STALE_AFTER_MONTHS old or undated) and flagged rows. Only the selected boroughs when the filters select some."""
    selected = set(state.filters.authority)
    frame = coverage.loc[[c for c in coverage.index if c in selected]] if selected else coverage
    query = state.to_query_string()
    authorities = by_code()
    body = []
    for code, row in frame.iterrows():
        records = int(row["records"])
        slug = authorities[code].slug if code in authorities else ""
        name = dcc.Link(row["name"], href=f"/borough/{slug}{query}") if slug else row["name"]
        body.append(html.Tr([
            html.Th(name, scope="row"),
            html.Td(f"{records:,}", className="num"),
            html.Td(_percent(row["share_with_end_date"]), className="num"),
            html.Td(_percent(row["share_with_value"]), className="num"),
            html.Td(_day_text(row["newest_source"])),
            html.Td(_day_text(row["oldest_source"])),
            html.Td(_percent(row["share_stale"]), className="num"),
            html.Td(f"{int(row['flagged']):,}", className="num"),
        ], className="is-empty" if not records else None))
    return html.Table(
        [
            html.Caption("Coverage by borough"),
            html.Thead(html.Tr([html.Th(h, scope="col", className="num" if i in (1, 2, 3, 6, 7) else None)
                                for i, h in enumerate(["Borough", "Records", "With end date", "With a value",
                                                       "Newest source", "Oldest source",
                                                       "Source over two years old", "Flagged"])])),
            html.Tbody(body),
        ],
        className="table table-sm coverage-table",
    )


def sources_table(data: Dataset, rows: pd.DataFrame, *, caption: str = "Sources of the rows",
                  rows_heading: str = "Rows shown", attribution: bool = False) -> html.Table:
    """Where the rows come from: each manifest source and how many of `rows` cite it (the About page
    passes every row and adds the attribution column)."""
    counts = rows["source"].astype("str").value_counts().to_dict() if len(rows) else {}
    body = []
    for key, meta in data.sources.items():
        meta = meta if isinstance(meta, Mapping) else {}
        body.append([
            source_title(key, meta),
            str(meta.get("publisher") or "–"),
            str(meta.get("licence") or "not stated"),
            *([str(meta.get("attribution") or "–")] if attribution else []),
            str(meta.get("as_of") or "unknown"),
            "Illustrative" if meta.get("synthetic") else "Real",
            f"{int(counts.get(str(key), 0)):,}",
        ])
    headings = ["Source", "Publisher", "Licence", *(["Attribution"] if attribution else []), "As of",
                "Real or illustrative", rows_heading]
    return simple_table(headings, body, caption, numeric={len(headings) - 1})


def scroll_region(table: Any, label: str, extra_class: str = "") -> html.Div:
    """A table that may scroll sideways on a phone: a labelled region keyboard users can focus to
    scroll it (WCAG 2.1.1; axe's scrollable-region-focusable)."""
    return html.Div(table, className=f"table-responsive {extra_class}".strip(), tabIndex="0",
                    role="region", **{"aria-label": label})


def quality_panel(data: Dataset, rows: pd.DataFrame, positions: np.ndarray, state: AppState, *,
                  today: date, public: bool) -> list[Any]:
    """The panel's content for the rows behind the filters (`rows` = apply_filter's frame,
    `positions` = their positions in data.contracts)."""
    counts = flag_counts(data, positions, today=today)
    coverage = coverage_by_borough(rows, sources=data.sources, today=today)
    total = len(rows)
    flagged_any = int(row_flags(data, today)[positions].any(axis=1).sum()) if total else 0
    stale_before = add_months(today, -STALE_AFTER_MONTHS)
    return [
        html.P(f"{flagged_any:,} of the {total:,} contracts behind the filters "
               f"({_share(flagged_any, total)}) carry at least one flag."
               if total else "No contracts match the filters, so there is nothing to check."),
        html.H3("Quality flags", className="h5"),
        html.P(["A flag is not an error: the row loaded, but looks incomplete or suspicious. A source "
                f"is old when it is dated before {stale_before:%-d %B %Y}, two years ago. “Show” "
                "lists the flagged rows in the table above."], className="small muted"),
        scroll_region(flags_table(counts, total, state), "Quality flags"),
        html.H3("Coverage by borough", className="h5"),
        html.P(["For each borough: how many records it has, how many have an end date and a value, "
                "the dates of the oldest and newest sources its rows cite, and the share whose source "
                "is more than two years old or undated.",
                " On this public instance, values a borough has not made public count as missing."
                if public else ""], className="small muted"),
        scroll_region(coverage_table(coverage, state, public=public), "Coverage by borough", "coverage-scroll"),
        html.H3("Where the rows come from", className="h5"),
        html.P("The dataset's sources, from its manifest. Each row's own source, its link and its date "
               "are in the table's Source columns.", className="small muted"),
        scroll_region(sources_table(data, rows), "Sources of the rows"),
    ]
