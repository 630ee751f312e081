"""The page shell: skip link, header and navigation, the shared filter bar, banner, footer."""

from __future__ import annotations

from datetime import datetime

import dash
from dash import dcc, html

import ids
from components.chips import synthetic_banner
from components.filter_bar import facet_stores, filter_bar
from components.safe_text import source_title
from techmap.dataformat.dataset import Dataset

NAV_ITEMS: tuple[tuple[str, str], ...] = (
    ("/", "Map"),
    ("/systems", "Systems"),
    ("/suppliers", "Suppliers"),
    ("/renewals", "Renewals"),
    ("/boroughs", "Boroughs"),
    ("/skills", "Skills"),
    ("/data", "Data"),
    ("/changes", "What changed"),
    ("/about", "About"),
)
MEMBER_NAV_ITEMS: tuple[tuple[str, str], ...] = (("/satisfaction", "Satisfaction"),)  # members only

BOUNDARY_ATTRIBUTION = (
    "Contains National Statistics data © Crown copyright and database right [2015]",
    "Contains Ordnance Survey data © Crown copyright and database right [2015]",
)


def header(sign_in: bool = False, members: bool = False) -> html.Header:
    """The site header; with `sign_in`, a "Sign in" link that assets/signed_in.js turns into the
    signed-in user's name (from a cookie the server sets), linking to their account; with
    `members`, the links of the members' pages too."""
    items = NAV_ITEMS[:-1] + (MEMBER_NAV_ITEMS if members else ()) + NAV_ITEMS[-1:]  # About last
    account = [html.A("Sign in", href="/sign-in", id="account-link", className="nav-link account-link")] if sign_in else []
    return html.Header(
        html.Div(
            [
                dcc.Link([html.Span("London Tech Map", className="brand-name")], href="/",
                         className="brand", id=ids.BRAND_LINK),
                html.Nav(
                    html.Ul([
                        # plain links: assets/nav_links.js keeps the query on them and moves in-app
                        html.Li(html.A(label, href=path, className="nav-link", **{"data-path": path}))
                        for path, label in items
                    ], className="nav-list"),
                    id=ids.NAV,
                    **{"aria-label": "Main"},
                ),
                *account,
            ],
            className="header-inner",
        ),
        className="site-header",
    )


def footer(data: Dataset, published: tuple[int, datetime] | None = None) -> html.Footer:
    as_of = data.as_of.strftime("%-d %B %Y") if data.as_of else "unknown"
    version = (f" Published version {published[0]} of {published[1]:%-d %B %Y}."
               if published else "")
    sources = [
        html.Li([
            source_title(key, src),
            f" ({src.get('licence', 'licence not stated')}"
            + (", illustrative" if src.get("synthetic") else "") + ")",
        ])
        for key, src in data.sources.items()
    ]
    return html.Footer(
        html.Div(
            [
                html.P([html.Strong(data.title), f" — data as of {as_of}.{version}"],
                       className="dataset-version"),
                html.Details([html.Summary("Sources and licences"), html.Ul(sources)]),
                html.P([*[html.Span([line, html.Br()]) for line in BOUNDARY_ATTRIBUTION],
                        "Base map: Natural Earth via plotly (MIT). ",
                        dcc.Link("About the data and accessibility", href="/about")],
                       className="attribution"),
            ],
            className="footer-inner",
        ),
        className="site-footer",
    )


def shell(data: Dataset, sign_in: bool = False,
          published: tuple[int, datetime] | None = None, members: bool = False) -> html.Div:
    """The whole app layout; pages render inside `dash.page_container`. `members`: drawn for a
    member (the members' pages are linked)."""
    return html.Div(
        [
            html.A("Skip to main content", href=f"#{ids.MAIN}", className="skip-link"),
            dcc.Location(id=ids.URL, refresh=False),
            dcc.Store(id=ids.APP_STATE, data={"filters": {}, "view": {}}),
            dcc.Store(id=ids.STATE_CHANGE),  # what the person changed (shell/state_change.py)
            dcc.Store(id=ids.FIRST_STATE),  # the first load's record, for the reducer alone
            dcc.Store(id=ids.URL_SYNC),
            header(sign_in, members),
            html.Main(
                [
                    filter_bar(data),
                    *facet_stores(data),
                    html.Div(synthetic_banner(), id=ids.SYNTHETIC_BANNER, className="synthetic-banner", hidden=True),
                    html.Div(id=ids.LIVE_REGION, className="visually-hidden",
                             **{"aria-live": "polite", "aria-atomic": "true"}),
                    dcc.Loading(dash.page_container, type="dot", delay_show=300,
                                className="page-loading", parent_className="page-loading-parent"),
                ],
                id=ids.MAIN,
                tabIndex="-1",
            ),
            footer(data, published),
        ],
        className="app",
    )
