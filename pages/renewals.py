"""Renewals page (/renewals): when the filtered contracts end, per quarter and as a timeline, and
the joint-procurement finder (boroughs whose contracts for the same system or service area end
close together, with the date to start buying together).

Readable at any size: the quarterly summary has one bar per quarter; the detailed timeline shows
PAGE_SIZE contracts a page (paging is local to the page, reset by every filter change, not a
filter); the finder shows CARDS_PER_PAGE groups a page.

The window buttons are ids.window(N) (the shell's reducer writes ends_from/ends_to); grouping,
the finder's window and lead time are view settings "group", "within" and "lead".
Each callback first checks whether what it draws depends on what changed (a key kept beside it
in a page-local store) and sends nothing when it does not.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import dash
from dash import ALL, Input, Output, State, callback, clientside_callback, ctx, dcc, html, no_update

import ids
from components import renewals as parts
from components.controls import view_radio
from components.figure_frame import GRAPH_CONFIG, chart_figure
from components.joint_procurement import months_options
from components.timeline import PAGE_SIZE, timeline_key
from techmap.appstate import AppState
from techmap.renewals import Cluster
from techmap.service import context, renewal_views, views
from techmap.service.renewal_views import WINDOW_MONTHS

dash.register_page(__name__, path="/renewals", title="Contract renewals – London Tech Map",
                   name="Renewals", order=2)


SUMMARY_GRAPH = "renewals-summary-graph"
SUMMARY_CAPTION = "renewals-summary-caption"
SUMMARY_TABLE = "renewals-summary-table"
SUMMARY_STORE = "renewals-summary-store"
TIMELINE_GRAPH = "renewals-timeline-graph"
TIMELINE_CAPTION = "renewals-timeline-caption"
TIMELINE_TABLE = "renewals-timeline-table"
TIMELINE_STORE = "renewals-timeline-store"
TIMELINE_PAGER = "renewals-timeline-pager"
TIMELINE_PREV = "renewals-timeline-prev"
TIMELINE_NEXT = "renewals-timeline-next"
FINDER_CAPTION = "renewals-finder-caption"
FINDER_CARDS = "renewals-finder-cards"
FINDER_STORE = "renewals-finder-store"
FINDER_PAGER = "renewals-finder-pager"
FINDER_PREV = "renewals-finder-prev"
FINDER_NEXT = "renewals-finder-next"
WINDOW_STATUS = "renewals-window-status"
DOWNLOADS = "renewals-downloads"
NARROW = "renewals-narrow"  # true on a narrow screen: charts switch to their compact form
NARROW_MAX_PX = 700


# ---- what each part depends on ----------------------------------------------------------------


def summary_keys(state: AppState, compact: bool = False) -> dict[str, str]:
    """The figure depends on the filters; the table's links also carry the view settings."""
    return {"figure": f"{state.filters.to_query_string()}|{compact}", "table": state.to_query_string()}


def timeline_key_of(state: AppState, compact: bool = False) -> str:
    return f"{state.filters.to_query_string()}|{state.view_value('group')}|{compact}"


def finder_key_of(state: AppState) -> str:
    """Everything: the cards' links carry the whole state (the scan itself is cached)."""
    return state.to_query_string()


def finder_clusters(state: AppState, today: date) -> list[Cluster]:
    """The finder's groups for the state's filters, window and lead time (the service's scan)."""
    return renewal_views.finder_clusters(state.filters, int(state.view_value("within")),
                                         int(state.view_value("lead")), today)


# ---- layout -----------------------------------------------------------------------------------


def layout(**query: Any) -> html.Div:
    state = AppState.from_page_query(query)
    data = context.dataset()
    today = context.today()
    rows = views.rows(state.filters)
    s_figure, s_caption, s_table = parts.summary_parts(renewal_views.summary_for(state.filters), state, today)
    t = parts.timeline_parts(state, rows, today, 0)
    fp = parts.finder_parts(state, finder_clusters(state, today), today, 0)
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
            dcc.Store(id=SUMMARY_STORE, data=summary_keys(state)),
            dcc.Store(id=TIMELINE_STORE, data={"key": timeline_key_of(state), "page": t["page"]}),
            dcc.Store(id=FINDER_STORE, data={"key": finder_key_of(state), "page": fp["page"]}),
            dcc.Store(id=NARROW, data=False),
            html.H1("Contract renewals"),
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
                    ], className="finder-controls"),
                    html.P(fp["caption"], id=FINDER_CAPTION, className="finder-caption"),
                    parts.pager(FINDER_PREV, FINDER_NEXT, FINDER_PAGER, fp, "groups"),
                    html.Div(fp["cards"], id=FINDER_CARDS, className="jp-cards"),
                ],
                className="renewals-section",
            ),
            html.Section(
                [
                    html.H2("Download", className="h4", id="download"),
                    html.Div(parts.downloads(state, rows), id=DOWNLOADS),
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
    rows = views.rows(state.filters)
    return (parts.window_status(state, today, WINDOW_MONTHS), parts.downloads(state, rows),
            *parts.window_button_looks(pressed))


def summary_response(data: Any, stored: Any, compact: bool = False) -> tuple[Any, ...]:
    state = AppState.from_dict(data)
    compact = compact is True
    keys = summary_keys(state, compact)
    old = stored if isinstance(stored, dict) else {}
    if keys == old:
        return (no_update,) * 4
    figure, caption, table = parts.summary_parts(renewal_views.summary_for(state.filters), state,
                                                 context.today(), compact)
    if keys["figure"] == old.get("figure"):  # only the view settings changed: the links, not the chart
        return no_update, no_update, table, keys
    return figure, caption, table, keys


def timeline_response(data: Any, stored: Any, step: int = 0, compact: bool = False) -> tuple[Any, ...]:
    """step 0: the app state (or the screen width) changed: back to page 0, unless nothing drawn
    depends on the change; -1 / +1: the Earlier / Later buttons."""
    state = AppState.from_dict(data)
    compact = compact is True
    key = timeline_key_of(state, compact)
    old = stored if isinstance(stored, dict) else {}
    page = old.get("page") if isinstance(old.get("page"), int) else 0
    if step == 0:
        if key == old.get("key"):
            return (no_update,) * 7
        page = 0
    else:
        page += step
    t = parts.timeline_parts(state, views.rows(state.filters), context.today(), page, compact)
    return (t["figure"], t["caption"], t["table"], t["pager"], t["prev_disabled"], t["next_disabled"],
            {"key": key, "page": t["page"]})


def finder_response(data: Any, stored: Any, step: int = 0) -> tuple[Any, ...]:
    state = AppState.from_dict(data)
    key = finder_key_of(state)
    old = stored if isinstance(stored, dict) else {}
    page = old.get("page") if isinstance(old.get("page"), int) else 0
    if step == 0:
        if key == old.get("key"):
            return (no_update,) * 6
        page = 0
    else:
        page += step
    fp = parts.finder_parts(state, finder_clusters(state, context.today()), context.today(), page)
    return (fp["caption"], fp["cards"], fp["pager"], fp["prev_disabled"], fp["next_disabled"],
            {"key": key, "page": fp["page"]})


@callback(
    Output(WINDOW_STATUS, "children"),
    Output(DOWNLOADS, "children"),
    Output(ids.window(ALL), "aria-pressed"),
    Output(ids.window(ALL), "className"),
    Input(ids.APP_STATE, "data"),
    prevent_initial_call=True,
)
def update_controls(data: Any) -> tuple[Any, ...]:
    return controls_response(data, [o["id"].get("months") for o in ctx.outputs_list[2]])


@callback(
    Output(SUMMARY_GRAPH, "figure"),
    Output(SUMMARY_CAPTION, "children"),
    Output(SUMMARY_TABLE, "children"),
    Output(SUMMARY_STORE, "data"),
    Input(ids.APP_STATE, "data"),
    Input(NARROW, "data"),
    State(SUMMARY_STORE, "data"),
    prevent_initial_call=True,
)
def update_summary(data: Any, narrow: Any, stored: Any) -> tuple[Any, ...]:
    return summary_response(data, stored, narrow is True)


@callback(
    Output(TIMELINE_GRAPH, "figure"),
    Output(TIMELINE_CAPTION, "children"),
    Output(TIMELINE_TABLE, "children"),
    Output(TIMELINE_PAGER, "children"),
    Output(TIMELINE_PREV, "disabled"),
    Output(TIMELINE_NEXT, "disabled"),
    Output(TIMELINE_STORE, "data"),
    Input(ids.APP_STATE, "data"),
    Input(TIMELINE_PREV, "n_clicks"),
    Input(TIMELINE_NEXT, "n_clicks"),
    Input(NARROW, "data"),
    State(TIMELINE_STORE, "data"),
    prevent_initial_call=True,
)
def update_timeline(data: Any, _prev: Any, _next: Any, narrow: Any, stored: Any) -> tuple[Any, ...]:
    step = {TIMELINE_PREV: -1, TIMELINE_NEXT: 1}.get(ctx.triggered_id, 0)
    return timeline_response(data, stored, step, narrow is True)


@callback(
    Output(FINDER_CAPTION, "children"),
    Output(FINDER_CARDS, "children"),
    Output(FINDER_PAGER, "children"),
    Output(FINDER_PREV, "disabled"),
    Output(FINDER_NEXT, "disabled"),
    Output(FINDER_STORE, "data"),
    Input(ids.APP_STATE, "data"),
    Input(FINDER_PREV, "n_clicks"),
    Input(FINDER_NEXT, "n_clicks"),
    State(FINDER_STORE, "data"),
    prevent_initial_call=True,
)
def update_finder(data: Any, _prev: Any, _next: Any, stored: Any) -> tuple[Any, ...]:
    return finder_response(data, stored, {FINDER_PREV: -1, FINDER_NEXT: 1}.get(ctx.triggered_id, 0))


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
