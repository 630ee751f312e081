"""Borough profile pieces: systems by service area, next renewals, comparison with London, peers."""

from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd
from dash import dcc, html

from techmap.authorities import Authority, by_code
from techmap.schema import SERVICE_AREAS_BY_SLUG


def fmt_date(value: Any) -> str:
    return "not known" if value is None or pd.isna(value) else pd.Timestamp(value).strftime("%-d %b %Y")


def fmt_money(value: Any) -> str:
    return "–" if value is None or pd.isna(value) else f"£{value:,.0f}"


def systems_by_area(rows: pd.DataFrame, query: str) -> list[Any]:
    """One table per service area: system, supplier, end, latest end, annual value."""
    if rows.empty:
        return [html.P("No contracts of this borough match the current filters.", className="empty-state")]
    out: list[Any] = []
    for area_slug, group in rows.sort_values(["service_area", "system"]).groupby("service_area", observed=True):
        area = SERVICE_AREAS_BY_SLUG.get(str(area_slug))
        body = []
        for r in group.itertuples(index=False):
            body.append(html.Tr([
                html.Th(r.system, scope="row"),
                html.Td(dcc.Link(r.supplier, href=f"/suppliers/{r.supplier_slug}{query}")),
                html.Td(fmt_date(r.end_date)),
                html.Td(fmt_date(r.max_end_date)),
                html.Td(fmt_money(r.annual_value_gbp), className="num"),
                html.Td("illustrative" if r.synthetic else "public source"),
            ]))
        out.append(html.Section([
            html.H3(area.name if area else str(area_slug), className="h5 mt-3"),
            html.Div(html.Table([
                html.Thead(html.Tr([html.Th(c, scope="col", className="num" if c == "Annual value" else None)
                                    for c in ("System", "Supplier", "Ends", "Latest end with extensions",
                                              "Annual value", "Data")])),
                html.Tbody(body),
            ], className="table table-sm"), className="table-responsive"),
        ]))
    return out


def next_renewals(rows: pd.DataFrame, today: date, limit: int = 8) -> Any:
    upcoming = rows[rows["end_date"] >= pd.Timestamp(today)].sort_values("end_date").head(limit)
    if upcoming.empty:
        return html.P("No upcoming contract ends are recorded for this borough.", className="empty-state")
    return html.Ol([
        html.Li([html.Strong(fmt_date(r.end_date)), f": {r.system} ({r.supplier})",
                 f", review by {fmt_date(r.review_date)}" if pd.notna(r.review_date) else ""])
        for r in upcoming.itertuples(index=False)
    ])


def comparison(figures: list[tuple[str, str, str]]) -> html.Div:
    return html.Div(html.Table([
        html.Thead(html.Tr([html.Th("Measure", scope="col"), html.Th("This borough", scope="col", className="num"),
                            html.Th("London median", scope="col", className="num")])),
        html.Tbody([html.Tr([html.Th(label, scope="row"), html.Td(mine, className="num"),
                             html.Td(median, className="num")]) for label, mine, median in figures]),
    ], className="table table-sm"), className="table-responsive")


def peers(borough: Authority, own: pd.DataFrame, everyone: pd.DataFrame, query: str) -> Any:
    """For each system the borough runs: the other boroughs running it and when theirs ends."""
    items: list[Any] = []
    systems = own.drop_duplicates("system_slug")[["system_slug", "system"]]
    for slug, name in systems.itertuples(index=False):
        others = everyone[(everyone["system_slug"] == slug) & (everyone["authority_code"] != borough.code)]
        if others.empty:
            continue
        others = others.sort_values("end_date").drop_duplicates("authority_code")
        links: list[Any] = []
        for r in others.itertuples(index=False):
            a = by_code()[str(r.authority_code)]
            if links:
                links.append(", ")
            links.append(dcc.Link(a.name, href=f"/borough/{a.slug}{query}"))
            if pd.notna(r.end_date):
                links.append(f" (ends {pd.Timestamp(r.end_date):%b %Y})")
        items.append(html.Li([html.Strong(name), f" — {len(others)} other borough"
                              f"{'s' if len(others) != 1 else ''}: ", *links]))
    if not items:
        return html.P("No other borough runs the same systems in this dataset.", className="empty-state")
    return html.Ul(items, className="peer-list")
