"""Renewals page (/renewals): when the filtered contracts end, per quarter and as a timeline, and
the joint-procurement finder (boroughs whose contracts for the same system or service area end
close together, with the date to start buying together).

Readable at any size: the quarterly summary has one bar per quarter; the detailed timeline shows
PAGE_SIZE contracts a page (paging is local to the page, reset by every filter change, not a
filter); the finder shows CARDS_PER_PAGE groups a page.

The window buttons are ids.window(N) (the shell's reducer writes ends_from/ends_to); grouping,
the finder's window and lead time are view settings "group", "within" and "lead"; the finder's kind of group,
order and paging are "finder", "finder_sort" and "finder_show" (its CSV: web/finder_download.py).
Each callback takes ids.STATE_CHANGE as Input (shell/state_change.py: one round trip per change)
and draws nothing when the change left what it depends on alone.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import dash
from dash import ALL, Input, Output, State, callback, clientside_callback, ctx, dcc, html

import ids
from components import renewals as parts
from components.controls import view_radio
from components.figure_frame import GRAPH_CONFIG, chart_figure
from components.joint_procurement import finder_options, months_options
from components.renewal_summary import summary_table as summary_table_of
from components.timeline import PAGE_SIZE, timeline_key
from shell import nothing_matches
from shell.state_change import FILTERS, STATE_CHANGED, page_state
from techmap.appstate import AppState
from techmap.analysis.renewals import Cluster
from techmap.service import context, renewal_views, views
from techmap.service.finder_views import finder_table_for
from techmap.service.renewal_views import WINDOW_MONTHS

dash.register_page(__name__, path="/renewals", title="Contract renewals – London Tech Map",
                   name="Renewals", order=2)


SUMMARY_GRAPH = "renewals-summary-graph"
SUMMARY_CAPTION = "renewals-summary-caption"
SUMMARY_TABLE = "renewals-summary-table"
TIMELINE_GRAPH = "renewals-timeline-graph"
TIMELINE_CAPTION = "renewals-timeline-caption"
TIMELINE_TABLE = "renewals-timeline-table"
TIMELINE_PAGE = "renewals-timeline-page"  # the page of the timeline shown
TIMELINE_PAGER = "renewals-timeline-pager"
TIMELINE_PREV = "renewals-timeline-prev"
TIMELINE_NEXT = "renewals-timeline-next"
FINDER_CAPTION = "renewals-finder-caption"
FINDER_CARDS = "renewals-finder-cards"
FINDER_PAGE = "renewals-finder-page"
FINDER_PAGER = "renewals-finder-pager"
FINDER_PREV = "renewals-finder-prev"
FINDER_NEXT = "renewals-finder-next"
FINDER_CSV = "renewals-finder-csv"
WINDOW_STATUS = "renewals-window-status"
DOWNLOADS = "renewals-downloads"
NARROW = "renewals-narrow"  # true on a narrow screen: charts switch to their compact form
NARROW_MAX_PX = 700


def finder_clusters(state: AppState, today: date) -> list[Cluster]:
    """The finder's groups for the state's filters, window and lead time (the service's scan)."""
    return renewal_views.finder_clusters(state.filters, int(state.view_value("within")),
                                         int(state.view_value("lead")), today)


# ---- layout -----------------------------------------------------------------------------------


def layout(**query: Any) -> html.Div:
    state = AppState.from_page_query(query)
    today = context.today()
    rows = views.rows(state.filters)
    s_figure, s_caption, s_table = parts.summary_parts(renewal_views.summary_for(state.filters), state, today)
    t = parts.timeline_parts(state, rows, today, 0)
    fp = parts.finder_parts(state, finder_table_for(state, today), today, 0)
    renewal_views.warm_window_scans(state.filters, int(state.view_value("within")), today)
    pressed = {m: parts.window_pressed(state, m, today) for m in WINDOW_MONTHS}
    windows = [
        html.Button(f"Next {m} months", id=ids.window(m), n_clicks=0,
                    className="btn btn-sm " + ("btn-primary" if pressed[m] else "btn-outline-primary"),
                    **{"aria-pressed": "true" if pressed[m] else "false"})
        for m in WINDOW_MONTHS
    ]
    return html.Div(
        [
            dcc.Store(id=TIMELINE_PAGE, data=t["page"]),
            dcc.Store(id=FINDER_PAGE, data=fp["page"]),
            dcc.Store(id=NARROW, data=False),
            html.H1("Contract renewals"),
            nothing_matches.slot(state, "/renewals"),
            html.P("When the selected contracts end, how far they can be extended, and which boroughs "
                   "could buy together.", className="lead"),
            html.Nav(html.Ul([html.Li(html.A(text, href=f"#{anchor}")) for anchor, text in (
                ("quarters", "Per quarter"), ("timeline", "Timeline"), ("finder", "Joint procurement"),
                ("download", "Download and calendar"))], className="page-toc"),
                **{"aria-label": "On this page"}),
            html.Section(
                [
                    html.Div([html.Span("Contracts ending in", className="window-label", id="window-label"),
                              html.Div(windows, className="window-buttons", role="group",
                                       **{"aria-labelledby": "window-label"})],
                             className="window-row"),
                    html.P(parts.window_status(state, today, WINDOW_MONTHS), id=WINDOW_STATUS,
                           className="window-status"),
                    html.P("For any other range, set “Contract ends between” in the filters at the top of "
                           "the page.", className="small muted mb-0"),
                ],
                className="window-control",
                **{"aria-label": "Renewal window"},
            ),
            html.Section(
                [
                    html.H2("Contracts ending per quarter", className="h4", id="quarters"),
                    chart_figure(
                        dcc.Graph(id=SUMMARY_GRAPH, figure=s_figure, config=GRAPH_CONFIG,
                                  className="summary-graph"),
                        SUMMARY_CAPTION, s_caption,
                        html.Div(s_table, id=SUMMARY_TABLE),
                        table_summary="Show the quarters as a table (with links to each quarter's contracts)",
                    ),
                ],
                className="renewals-section",
            ),
            html.Section(
                [
                    html.H2("Timeline", className="h4", id="timeline"),
                    html.P(f"{PAGE_SIZE} contracts at a time, in end-date order, starting with the next to end.",
                           className="small muted"),
                    view_radio("group", [{"label": "Service area", "value": "service_area"},
                                         {"label": "Borough", "value": "authority"}],
                               parts.group_of(state), "Group the bars by"),
                    timeline_key(),
                    parts.pager(TIMELINE_PREV, TIMELINE_NEXT, TIMELINE_PAGER, t, "contracts"),
                    chart_figure(
                        dcc.Graph(id=TIMELINE_GRAPH, figure=t["figure"], config=GRAPH_CONFIG,
                                  className="timeline-graph"),
                        TIMELINE_CAPTION, t["caption"],
                        html.Div(t["table"], id=TIMELINE_TABLE),
                        table_summary="Show this page of contracts as a table",
                    ),
                ],
                className="renewals-section",
            ),
            html.Section(
                [
                    html.H2("Joint-procurement finder", className="h4", id="finder"),
                    html.P("Boroughs running the same system, or buying in the same service area, whose "
                           "contracts end close together could procure together. Each group suggests when "
                           "to start: the first end date minus the lead time.", className="small"),
                    html.Div([
                        view_radio("within", months_options("within"), state.view_value("within"),
                                   "Contracts ending within"),
                        view_radio("lead", months_options("lead"), state.view_value("lead"),
                                   "Lead time for a joint procurement"),
                        view_radio("finder", finder_options("finder"), state.view_value("finder"),
                                   "Groups of boroughs on"),
                        view_radio("finder_sort", finder_options("finder_sort"), state.view_value("finder_sort"),
                                   "Sort the groups by"),
                        view_radio("finder_show", finder_options("finder_show"), state.view_value("finder_show"),
                                   "Show the groups"),
                    ], className="finder-controls"),
                    html.P(fp["caption"], id=FINDER_CAPTION, className="finder-caption"),
                    html.Div(fp["csv"], id=FINDER_CSV, className="finder-csv"),
                    parts.pager(FINDER_PREV, FINDER_NEXT, FINDER_PAGER, fp, "groups"),
                    html.Div(fp["cards"], id=FINDER_CARDS, className="jp-cards"),
                ],
                className="renewals-section",
            ),
            html.Section(
                [
                    html.H2("Download", className="h4", id="download"),
                    html.Div(parts.downloads(state, *renewal_views.download_counts(state.filters)), id=DOWNLOADS),
                ],
                className="renewals-section",
            ),
        ],
        className="renewals-page",
    )


# ---- callbacks: thin wrappers around plain functions that tests and benchmarks call ------------


def controls_response(data: Any, months: list[Any]) -> tuple[Any, ...]:
    """Window status, download links, and the pressed state of the window buttons `months`."""
    state = AppState.from_dict(data)
    today = context.today()
    pressed = [isinstance(m, int) and parts.window_pressed(state, m, today) for m in months]
    return (parts.window_status(state, today, WINDOW_MONTHS),
            parts.downloads(state, *renewal_views.download_counts(state.filters)),
            *parts.window_button_looks(pressed))


def summary_chart(data: Any, compact: bool = False) -> tuple[Any, Any]:
    """The chart and its caption: they depend on the filters and the screen width only."""
    state = AppState.from_dict(data)
    return parts.summary_chart(renewal_views.summary_for(state.filters), context.today(), compact is True)


def summary_table(data: Any) -> Any:
    """The quarters as a table: its links carry the whole state."""
    state = AppState.from_dict(data)
    return summary_table_of(renewal_views.summary_for(state.filters), state, context.today())


def _step(prev_id: str, next_id: str) -> int:
    """-1 / +1 when the pager's Previous / Next button fired the callback, else 0."""
    trigger = ctx.triggered_id
    return -1 if trigger == prev_id else 1 if trigger == next_id else 0


def _page(page: Any, step: int) -> int:
    """The page to show: 0 after a change of what is paged, else the one shown moved by `step`."""
    return (page if isinstance(page, int) else 0) + step if step else 0


def timeline_response(data: Any, page: Any = 0, step: int = 0, compact: bool = False) -> tuple[Any, ...]:
    """step 0: the filters, the grouping or the screen width changed: back to page 0;
    -1 / +1: the Earlier / Later buttons."""
    state = AppState.from_dict(data)
    t = parts.timeline_parts(state, views.rows(state.filters), context.today(), _page(page, step), compact is True)
    return (t["figure"], t["caption"], t["table"], t["pager"], t["prev_disabled"], t["next_disabled"], t["page"])


def finder_response(data: Any, page: Any = 0, step: int = 0) -> tuple[Any, ...]:
    """step 0: the state changed (filters, kind, sort, paging...): back to page 0; -1 / +1: the
    Previous / Next buttons."""
    state = AppState.from_dict(data)
    fp = parts.finder_parts(state, finder_table_for(state, context.today()), context.today(), _page(page, step))
    return fp["caption"], fp["cards"], fp["pager"], fp["prev_disabled"], fp["next_disabled"], fp["csv"], fp["page"]


# Every callback follows the state from ids.STATE_CHANGE, in the same round trip as the change;
# page_state draws nothing when the change left what the part depends on alone.
@callback(
    Output(WINDOW_STATUS, "children"),
    Output(DOWNLOADS, "children"),
    Output(ids.window(ALL), "aria-pressed"),
    Output(ids.window(ALL), "className"),
    STATE_CHANGED,
    prevent_initial_call=True,
)
def update_controls(change: Any) -> tuple[Any, ...]:
    state = page_state(change, None)
    return controls_response(state.to_dict(), [o["id"].get("months") for o in ctx.outputs_list[2]])


@callback(
    Output(SUMMARY_GRAPH, "figure"),
    Output(SUMMARY_CAPTION, "children"),
    STATE_CHANGED,
    Input(NARROW, "data"),
    State(ids.APP_STATE, "data"),
    prevent_initial_call=True,
)
def update_summary_chart(change: Any, narrow: Any, data: Any) -> tuple[Any, ...]:
    return summary_chart(page_state(change, data, FILTERS).to_dict(), narrow is True)


@callback(
    Output(SUMMARY_TABLE, "children"),
    STATE_CHANGED,
    prevent_initial_call=True,
)
def update_summary_table(change: Any) -> Any:
    return summary_table(page_state(change, None).to_dict())


@callback(
    Output(TIMELINE_GRAPH, "figure"),
    Output(TIMELINE_CAPTION, "children"),
    Output(TIMELINE_TABLE, "children"),
    Output(TIMELINE_PAGER, "children"),
    Output(TIMELINE_PREV, "disabled"),
    Output(TIMELINE_NEXT, "disabled"),
    Output(TIMELINE_PAGE, "data"),
    STATE_CHANGED,
    Input(TIMELINE_PREV, "n_clicks"),
    Input(TIMELINE_NEXT, "n_clicks"),
    Input(NARROW, "data"),
    State(TIMELINE_PAGE, "data"),
    State(ids.APP_STATE, "data"),
    prevent_initial_call=True,
)
def update_timeline(change: Any, _prev: Any, _next: Any, narrow: Any, page: Any,
                    data: Any) -> tuple[Any, ...]:
    state = page_state(change, data, FILTERS | {"group"})
    return timeline_response(state.to_dict(), page, _step(TIMELINE_PREV, TIMELINE_NEXT), narrow is True)


@callback(
    Output(FINDER_CAPTION, "children"),
    Output(FINDER_CARDS, "children"),
    Output(FINDER_PAGER, "children"),
    Output(FINDER_PREV, "disabled"),
    Output(FINDER_NEXT, "disabled"),
    Output(FINDER_CSV, "children"),
    Output(FINDER_PAGE, "data"),
    Input(FINDER_PREV, "n_clicks"),
    Input(FINDER_NEXT, "n_clicks"),
    STATE_CHANGED,  # the cards' links carry the whole state
    State(FINDER_PAGE, "data"),
    State(ids.APP_STATE, "data"),
    prevent_initial_call=True,
)
def update_finder(_prev: Any, _next: Any, change: Any, page: Any, data: Any) -> tuple[Any, ...]:
    state = page_state(change, data)
    return finder_response(state.to_dict(), page, _step(FINDER_PREV, FINDER_NEXT))


# On a narrow screen, switch the charts to their compact form once the page is shown (the first
# paint, built on the server, cannot know the width). Nothing is sent on a wide screen.
clientside_callback(
    f"""
    function(_) {{
        return window.innerWidth < {NARROW_MAX_PX} ? true : window.dash_clientside.no_update;
    }}
    """,
    Output(NARROW, "data"),
    Input(NARROW, "id"),
)
