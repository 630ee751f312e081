"""The renewals page's parts, built from what the service layer computed: the quarterly summary's
caption, the timeline's page, the finder's page of cards, the window status, the download links
and the pagers. Pure: data in, layout out (pages/renewals.py wires them to ids and callbacks)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd
from dash import dcc, html

from components.downloads import calendar_items, contract_download_items
from components.joint_procurement import finder_caption, finder_cards, finder_csv_link, finder_pager_text
from components.renewal_summary import colour_note, summary_caption, summary_figure, summary_table
from components.timeline import GROUPS, pager_text, select_page, timeline_caption, timeline_figure, timeline_table
from techmap.appstate import AppState
from techmap.dataformat.authorities import by_code
from techmap.exports.export import XLSX_MAX_ROWS  # the Excel route's limit: say so rather than link to a refusal
from techmap.analysis.joint_finder import PER_PAGE, FinderRow, last_page, page_of
from techmap.analysis.renewals import add_months


def group_of(state: AppState) -> str:
    group = state.view_value("group")
    return group if group in GROUPS else "service_area"


def summary_chart(summary: pd.DataFrame, today: date, compact: bool = False) -> tuple[Any, Any]:
    """(figure, caption) of the contracts ending per quarter."""
    caption = [summary_caption(summary, today), html.Br(), html.Span(colour_note(summary), className="small muted")]
    return summary_figure(summary, today, compact=compact), caption


def summary_parts(summary: pd.DataFrame, state: AppState, today: date, compact: bool = False) -> tuple[Any, Any, Any]:
    """(figure, caption, table) of the contracts ending per quarter."""
    return (*summary_chart(summary, today, compact), summary_table(summary, state, today))


def timeline_parts(state: AppState, rows: pd.DataFrame, today: date, page: int,
                   compact: bool = False) -> dict[str, Any]:
    """One page of the timeline: figure, caption, table, pager text and buttons, the page shown."""
    group = group_of(state)
    chosen = select_page(rows, today, page)
    f = state.filters
    caption = timeline_caption(rows, group, today, f.ends_from, f.ends_to)
    if chosen.undated:
        caption += (f" {chosen.undated:,} contract{'s have' if chosen.undated != 1 else ' has'} no end date "
                    "and cannot be placed on the timeline.")
    lead = int(state.view_value("lead"))  # the calendar's re-procurement events use the same lead
    return {
        "figure": timeline_figure(chosen, group, today, compact=compact, lead_months=lead),
        "caption": caption,
        "table": timeline_table(chosen, group, today, lead),
        "pager": pager_text(chosen),
        "prev_disabled": not chosen.has_previous,
        "next_disabled": not chosen.has_next,
        "page": chosen.page,
    }


def finder_parts(state: AppState, rows: tuple[FinderRow, ...], today: date, page: int) -> dict[str, Any]:
    """One page (or, with the view setting finder_show=all, all) of the joint-procurement finder's
    groups, already filtered to a kind and sorted (techmap.service.finder_views): caption, cards,
    pager text and buttons, the page shown, the CSV link."""
    per_page = None if state.view_value("finder_show") == "all" else PER_PAGE
    shown, page = page_of(rows, page, per_page)
    lead = int(state.view_value("lead"))
    names = [by_code()[c].name for c in state.filters.authority if c in by_code()]
    return {
        "caption": finder_caption([r.cluster for r in rows], within=int(state.view_value("within")), lead=lead,
                                  today=today, selected_names=names, kind=state.view_value("finder")),
        "cards": finder_cards(shown, state, today, lead),
        "pager": finder_pager_text(page, len(rows), per_page, state.view_value("finder_sort")),
        "prev_disabled": per_page is None or page <= 0,
        "next_disabled": per_page is None or page >= last_page(len(rows)),
        "page": page,
        "csv": finder_csv_link(state, len(rows)),
    }


def window_pressed(state: AppState, months: int, today: date) -> bool:
    f = state.filters
    return f.ends_from == today and f.ends_to == add_months(today, months)


def window_status(state: AppState, today: date, windows: tuple[int, ...]) -> list[Any]:
    """What end dates are shown, in words, with a link back to every end date."""
    f = state.filters
    fmt = "%-d %b %Y"
    if f.ends_from is None and f.ends_to is None:
        return ["Showing every end date."]
    months = next((m for m in windows if window_pressed(state, m, today)), None)
    if f.ends_from and f.ends_to:
        text = f"Showing contracts ending between {f.ends_from:{fmt}} and {f.ends_to:{fmt}}"
    elif f.ends_from:
        text = f"Showing contracts ending from {f.ends_from:{fmt}}"
    else:
        text = f"Showing contracts ending by {f.ends_to:{fmt}}"
    text += f" (the next {months} months). " if months else ". "
    everything = AppState(f.without("ends_from").without("ends_to"), state.view)
    return [text, dcc.Link("Show every end date", href="/renewals" + everything.to_query_string())]


def downloads(state: AppState, contracts: int, dated: int) -> list[Any]:
    """Links to the downloads and calendar feeds of the contracts on screen (`contracts` of them,
    `dated` giving a calendar event): they carry the filters only (components.downloads)."""
    f = state.filters
    items = contract_download_items(f, contracts, xlsx_max_rows=XLSX_MAX_ROWS)
    items += calendar_items(f, state.view_value("lead"), dated)
    return [html.Ul(items, className="download-list")]


def window_button_looks(pressed: list[bool]) -> tuple[list[str], list[str]]:
    """(aria-pressed, className) of each window button."""
    return (["true" if p else "false" for p in pressed],
            ["btn btn-sm " + ("btn-primary" if p else "btn-outline-primary") for p in pressed])


def pager(prev_id: Any, next_id: Any, text_id: Any, parts: dict[str, Any], what: str) -> html.Div:
    """Earlier/Later (contracts) or Previous/Next (groups) buttons around the pager text."""
    return html.Div(
        [
            html.Button("‹ Earlier" if what == "contracts" else "‹ Previous", id=prev_id, n_clicks=0,
                        disabled=parts["prev_disabled"], className="btn btn-outline-primary btn-sm",
                        **{"aria-label": f"Previous page of {what}"}),
            html.Span(parts["pager"], id=text_id, className="pager-text", **{"aria-live": "polite"}),
            html.Button("Later ›" if what == "contracts" else "Next ›", id=next_id, n_clicks=0,
                        disabled=parts["next_disabled"], className="btn btn-outline-primary btn-sm",
                        **{"aria-label": f"Next page of {what}"}),
        ],
        className="pager",
    )
