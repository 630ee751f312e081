"""The supplier profile's parts: headline figures, contracts ending soon, service areas, systems
and boroughs served, and the "not found" page with suggestions. Pure: built from the filtered
contracts and the figures techmap.analysis.supplier_profile worked out."""

from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd
from dash import dcc, html

import ids
from components.concentration_panel import pct
from components.did_you_mean import did_you_mean
from techmap.appstate import AppState
from techmap.dataformat.authorities import authorities, by_code
from techmap.analysis.renewals import add_months
from techmap.dataformat.schema import SERVICE_AREAS, SERVICE_AREAS_BY_SLUG
from techmap.analysis.supplier_profile import systems_summary

ENDING_LIMIT = 40


def fmt_date(value: Any) -> str:
    return "not known" if value is None or pd.isna(value) else pd.Timestamp(value).strftime("%-d %b %Y")


def boroughs_served(own: pd.DataFrame, query: str) -> list[Any]:
    """Every borough with at least one contract (alphabetical, with its count, linked to the
    borough profile), then the boroughs not served."""
    counts = own["authority_code"].astype("str").value_counts()
    served = sorted((a for a in authorities() if a.code in counts.index), key=lambda a: a.name)
    if not served:
        return [html.P("No borough has a contract with this supplier that matches the filters.",
                       className="empty-state")]
    items = [html.Li([dcc.Link(a.name, href=f"/borough/{a.slug}{query}"),
                      f" ({int(counts[a.code])} contract{'s' if counts[a.code] != 1 else ''})"])
             for a in served]
    out: list[Any] = [html.Ul(items, className="borough-list")]
    missing = sorted((a.name for a in authorities() if a.code not in counts.index))
    if missing:
        out.append(html.P(f"Not served ({len(missing)}): {', '.join(missing)}.", className="small muted"))
    return out


def systems_table(own: pd.DataFrame) -> Any:
    """One row per system: service areas, boroughs, contracts, annual value; most contracts first."""
    if own.empty:
        return html.P("No systems to show.", className="empty-state")
    rows = []
    summary = systems_summary(own)
    for r in summary.itertuples(index=False):
        rows.append(html.Tr([
            html.Th(r.system, scope="row"),
            html.Td(r.areas),
            html.Td(f"{int(r.boroughs)}", className="num"),
            html.Td(f"{int(r.contracts):,}", className="num"),
            html.Td("–" if pd.isna(r.value) else f"£{r.value:,.0f}", className="num"),
        ]))
    return html.Table([
        html.Caption("Systems supplied, most contracts first"),
        html.Thead(html.Tr([html.Th("System", scope="col"), html.Th("Service area", scope="col"),
                            html.Th("Boroughs", scope="col", className="num"),
                            html.Th("Contracts", scope="col", className="num"),
                            html.Th("Annual value", scope="col", className="num")])),
        html.Tbody(rows),
    ], className="table table-sm")


def areas_table(own: pd.DataFrame, everyone: pd.DataFrame) -> Any:
    """Per service area: the supplier's contracts and its share of the area's contracts."""
    if own.empty:
        return html.P("No service areas to show.", className="empty-state")
    mine = own["service_area"].astype("str").value_counts()
    total = everyone["service_area"].astype("str").value_counts()
    rows = []
    for area in SERVICE_AREAS:
        if area.slug not in mine.index:
            continue
        n = int(mine[area.slug])
        rows.append(html.Tr([
            html.Th(area.name, scope="row"),
            html.Td(f"{n:,}", className="num"),
            html.Td(f"{int(total.get(area.slug, 0)):,}", className="num"),
            html.Td(pct(n / total[area.slug]) if total.get(area.slug) else "–", className="num"),
        ]))
    return html.Table([
        html.Caption("Its share of each service area's contracts"),
        html.Thead(html.Tr([html.Th("Service area", scope="col"),
                            html.Th("Its contracts", scope="col", className="num"),
                            html.Th("All contracts", scope="col", className="num"),
                            html.Th("Its share", scope="col", className="num")])),
        html.Tbody(rows),
    ], className="table table-sm")


def _ending_table(rows: pd.DataFrame, caption: str, query: str) -> html.Table:
    names = by_code()
    body = []
    for r in rows.itertuples(index=False):
        a = names.get(str(r.authority_code))
        borough = dcc.Link(a.name, href=f"/borough/{a.slug}{query}") if a else str(r.authority_code)
        area = SERVICE_AREAS_BY_SLUG.get(str(r.service_area))
        body.append(html.Tr([
            html.Td(fmt_date(r.end_date), className="nowrap"),
            html.Th(borough, scope="row"),
            html.Td(r.system),
            html.Td(area.name if area else str(r.service_area)),
            html.Td(fmt_date(r.max_end_date) if pd.notna(r.max_end_date) else "–", className="nowrap"),
        ]))
    return html.Table([
        html.Caption(caption),
        html.Thead(html.Tr([html.Th("Ends", scope="col"), html.Th("Borough", scope="col"),
                            html.Th("System", scope="col"), html.Th("Service area", scope="col"),
                            html.Th("Latest end with extensions", scope="col")])),
        html.Tbody(body),
    ], className="table table-sm")


def ending_soon(own: pd.DataFrame, today: date, query: str, limit: int = ENDING_LIMIT) -> list[Any]:
    """Contracts ending in the next 12 months, then in the 12 after, soonest first (at most
    `limit` rows in all)."""
    start = pd.Timestamp(today)
    mid = pd.Timestamp(add_months(today, 12))
    end = pd.Timestamp(add_months(today, 24))
    soon = own[(own["end_date"] >= start) & (own["end_date"] <= end)]
    if soon.empty:
        return [html.P("None of its contracts ends in the next 24 months (or their end dates are not "
                       "recorded).", className="empty-state")]
    soon = soon.sort_values(["end_date", "authority_name", "contract_id"], kind="stable")
    shown = soon.head(limit)
    n_next = int((soon["end_date"] <= mid).sum())
    out: list[Any] = []
    for title, part, n in (("In the next 12 months", shown[shown["end_date"] <= mid], n_next),
                           ("In the 12 months after", shown[shown["end_date"] > mid], len(soon) - n_next)):
        out.append(html.H3(f"{title} ({n})", className="h6 mt-2"))
        if part.empty:
            out.append(html.P("None." if n == 0 else "Not shown: see the renewals page.", className="muted"))
            continue
        out.append(html.Div(_ending_table(part, f"Contracts ending {title.lower()}, soonest first", query),
                            className="table-responsive", tabIndex="0", role="region",
                            **{"aria-label": f"Contracts ending {title.lower()}"}))
    if len(soon) > limit:
        out.append(html.P(f"And {len(soon) - limit} more: see them all on the renewals page.",
                          className="small muted"))
    return out


def _headlines(f: dict[str, Any], filtered: bool) -> html.Dl:
    items = [
        ("Contracts", f"{f['contracts']:,}"),
        ("Boroughs served", f"{f['boroughs']} of 33"),
        ("Share of London's contracts" if not filtered else "Share of the filtered contracts", pct(f["share"])),
        ("Ending in the next 12 months", f"{f['ending_12m']:,}"),
        ("Ending in the next 24 months", f"{f['ending_24m']:,}"),
        ("Annual value", f"£{f['annual_value']:,.0f}" if f["annual_value"] else "not recorded"),
    ]
    return html.Dl([html.Div([html.Dt(k), html.Dd(v)], className="headline") for k, v in items],
                   className="headlines profile-figures")


def profile_body(name: str, slug: str, state: AppState, own: pd.DataFrame, everyone: pd.DataFrame,
                 f: dict[str, Any], today: date) -> list[Any]:
    """Everything below the heading, for one supplier (`own`: its contracts among `everyone`, the
    contracts matching every filter but the supplier one; `f`: their profile_figures)."""
    filters = state.filters.without("supplier")
    query = state.to_query_string()
    scope = "the contracts that match the filters" if not filters.is_empty else "London's contracts"
    if f["contracts"]:
        lead = (f"{name} holds {f['contracts']:,} contract{'s' if f['contracts'] != 1 else ''} with "
                f"{f['boroughs']} borough{'s' if f['boroughs'] != 1 else ''}: {pct(f['share'])} of {scope} "
                f"(rank {f['rank']} of {f['suppliers']:,} suppliers by contracts).")
    else:
        lead = f"{name} holds none of {scope}."
    lead_children: list[Any] = [lead]
    if not filters.is_empty:
        lead_children += [" ", dcc.Link("Show its whole profile without filters", href=f"/suppliers/{slug}")]
    renewals_q = AppState(filters=filters.with_values(supplier=[slug])).to_query_string()
    chosen = slug in state.filters.supplier
    actions = html.Div([
            html.Button("Remove from the filter" if chosen else f"Filter every page by {name}",
                        id=ids.toggle("supplier", slug), n_clicks=0,
                        className="btn btn-sm " + ("btn-primary" if chosen else "btn-outline-primary"),
                        **{"aria-pressed": "true" if chosen else "false"}),
            dcc.Link("See its boroughs on the map", href=f"/{renewals_q}"),
            dcc.Link("Plan its renewals", href=f"/renewals{renewals_q}"),
        ], className="profile-actions mb-3")
    if not f["contracts"]:
        return [html.P(lead_children, className="lead"), actions]
    return [
        html.P(lead_children, className="lead"),
        actions,
        _headlines(f, not filters.is_empty),
        html.Section([html.H2("Contracts ending soon", className="h4"), *ending_soon(own, today, query)]),
        html.Div([
            html.Section([html.H2("Service areas", className="h4"),
                          html.Div(areas_table(own, everyone), className="table-responsive")]),
            html.Section([html.H2("Systems", className="h4"),
                          html.Div(systems_table(own), className="table-responsive", tabIndex="0", role="region",
                                   **{"aria-label": "Systems supplied"})]),
        ], className="profile-grid mt-3"),
        html.Section([html.H2("Boroughs served", className="h4"), *boroughs_served(own, query)], className="mt-3"),
    ]


def not_found(slug: str | None, query: str, suggestions: list[tuple[str, str]]) -> html.Div:
    """The page for a supplier the dataset does not have, with the closest names as links."""
    children: list[Any] = [
        html.H1("Supplier not found"),
        html.P(f"No supplier called “{(slug or '')[:120]}” holds a contract in this dataset."),
    ]
    if suggestions:
        children.append(did_you_mean([dcc.Link(n, href=f"/suppliers/{s}{query}") for s, n in suggestions]))
    children.append(html.P([dcc.Link("See every supplier", href=f"/suppliers{query}"),
                            " or search for one with the Supplier filter above."]))
    return html.Div(children)
