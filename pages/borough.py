"""Borough profile (/borough/<ONS code or slug>): every system by service area, next renewals,
comparison with the London median, and peers running the same systems."""

from __future__ import annotations

from typing import Any

import dash
import pandas as pd
from dash import dcc, html

from components.borough_profile import comparison, next_renewals, peers, systems_by_area
from techmap import context
from techmap.appstate import AppState
from techmap.authorities import resolve_authority
from techmap.concentration import concentration_by
from techmap.queries import apply_filter, borough_metrics


def _title(key: str | None = None, **_: Any) -> str:
    authority = resolve_authority(key or "")
    return f"{authority.name if authority else 'Borough not found'} – borough profile – London Tech Map"


dash.register_page(__name__, path_template="/borough/<key>", title=_title, name="Borough profile")


def layout(key: str | None = None, **query: Any) -> html.Div:
    authority = resolve_authority(key or "")
    if authority is None:
        return html.Div([
            html.H1("Borough not found"),
            html.P([f"There is no London borough called “{key}”. ",
                    dcc.Link("Choose a borough from the list", href="/boroughs"), "."]),
        ])
    state = AppState.from_page_query(query)
    data = context.dataset()
    today = context.today()
    q = state.to_query_string()
    everyone = apply_filter(data.contracts, state.filters, ignore=("authority",))
    own = everyone[everyone["authority_code"] == authority.code]

    metrics = borough_metrics(everyone, today=today)
    hhi = concentration_by(everyone, "authority_code").set_index("key")["hhi"]
    mine_hhi = hhi.get(authority.code, float("nan"))
    figures = [
        ("Contracts", f"{metrics.at[authority.code, 'contracts']:,}", f"{metrics['contracts'].median():,.0f}"),
        ("Suppliers", f"{metrics.at[authority.code, 'suppliers']:,}", f"{metrics['suppliers'].median():,.0f}"),
        ("Systems", f"{metrics.at[authority.code, 'systems']:,}", f"{metrics['systems'].median():,.0f}"),
        ("Supplier concentration (HHI, 0–10,000)", "–" if pd.isna(mine_hhi) else f"{mine_hhi:,.0f}",
         f"{hhi.median():,.0f}" if len(hhi) else "–"),
        ("Contracts ending in the next 12 months", f"{metrics.at[authority.code, 'ending_12m']:,}",
         f"{metrics['ending_12m'].median():,.0f}"),
    ]
    return html.Div([
        html.P(dcc.Link("← All boroughs", href=f"/boroughs{q}"), className="mb-1"),
        html.H1(authority.name),
        html.P([
            f"{len(own):,} contracts with {own['supplier_slug'].nunique():,} suppliers"
            + (" (filtered)." if not state.filters.is_empty else "."),
            " ",
            html.A("Subscribe to its renewals calendar", href=f"/calendar/{authority.code}.ics"),
            " · ",
            dcc.Link("See its renewals", href=f"/renewals?authority={authority.code}"),
        ], className="lead"),
        html.Div([
            html.Section([html.H2("Next renewals", className="h4"), next_renewals(own, today)],
                         className="panel"),
            html.Section([html.H2("Compared with London", className="h4"), comparison(figures),
                          html.P("HHI: the Herfindahl-Hirschman index of supplier shares; under 1,000 is "
                                 "unconcentrated, over 2,000 highly concentrated.", className="small muted")],
                         className="panel"),
        ], className="profile-grid"),
        html.Section([html.H2("Systems by service area", className="h4"), *systems_by_area(own, q)]),
        html.Section([html.H2("Peers running the same systems", className="h4"), peers(authority, own, everyone, q)],
                     className="mt-3"),
    ])
