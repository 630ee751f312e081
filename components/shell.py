"""The page shell: skip link, header and navigation, the shared filter bar, banner, footer."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import dash
from dash import dcc, html

import ids
from components.safe_text import short_label, source_title
from techmap.dataformat.authorities import authorities
from techmap.dataformat.dataset import Dataset
from techmap.dataformat.schema import GROUP_NAMES, SERVICE_AREAS

NAV_ITEMS: tuple[tuple[str, str], ...] = (
    ("/", "Map"),
    ("/suppliers", "Suppliers"),
    ("/renewals", "Renewals"),
    ("/boroughs", "Boroughs"),
    ("/data", "Data"),
    ("/changes", "What changed"),
    ("/about", "About"),
)

BOUNDARY_ATTRIBUTION = (
    "Contains National Statistics data © Crown copyright and database right [2015]",
    "Contains Ordnance Survey data © Crown copyright and database right [2015]",
)


def _options(pairs: list[tuple[str, str]]) -> list[dict[str, str]]:
    return [{"label": short_label(label), "value": value} for value, label in pairs]


def filter_options(data: Dataset) -> dict[str, list[dict[str, str]]]:
    """Options of each repeatable filter, from the dataset (so nothing absent is offered)."""
    present_areas = set(data.contracts["service_area"].astype(str).unique())
    return {
        "authority": _options([(a.code, a.name) for a in sorted(authorities(), key=lambda a: a.name)]),
        "area": _options([(a.slug, f"{a.name} ({GROUP_NAMES[a.group].split()[0].lower()})")
                          for a in SERVICE_AREAS if a.slug in present_areas]),
        "supplier": _options(sorted(data.supplier_names.items(), key=lambda kv: kv[1].lower())),
        "system": _options(sorted(data.system_names.items(), key=lambda kv: kv[1].lower())),
    }


def _labelled(label: str, control: Any, control_id: str, hint: str | None = None) -> html.Div:
    # The id lets assets/a11y_fixes.js name Dash 4's drop-down button by this label (it has no prop).
    children: list[Any] = [html.Label(label, htmlFor=control_id, className="form-label",
                                      id=f"{control_id}-label")]
    if hint:
        children.append(html.Div(hint, className="form-hint", id=f"{control_id}-hint"))
    children.append(control)
    return html.Div(children, className="filter-field")


def filter_bar(data: Dataset) -> html.Section:
    options = filter_options(data)
    c = ids.FILTER_CONTROLS

    def dropdown(param: str, placeholder: str) -> dcc.Dropdown:
        return dcc.Dropdown(id=c[param], options=options[param], multi=True, value=[],
                            placeholder=placeholder, className="filter-dropdown")

    fields = html.Div(
        [
            _labelled("Borough", dropdown("authority", "All boroughs"), c["authority"]),
            _labelled("Service area", dropdown("area", "All service areas"), c["area"]),
            _labelled("Supplier", dropdown("supplier", "All suppliers"), c["supplier"]),
            _labelled("System", dropdown("system", "All systems"), c["system"]),
            html.Fieldset(
                [
                    html.Legend("Contract ends between", className="form-label"),
                    html.Div([
                        # No debounce on date inputs: a date input only reports complete dates, and
                        # dcc.Input's debounce path calls setSelectionRange, which date inputs reject.
                        html.Label("From", htmlFor=c["ends_from"], className="visually-hidden"),
                        dcc.Input(id=c["ends_from"], type="date",
                                  className="form-control", min="1990-01-01", max="2100-12-31"),
                        html.Span("and", className="px-1", **{"aria-hidden": "true"}),
                        html.Label("To", htmlFor=c["ends_to"], className="visually-hidden"),
                        dcc.Input(id=c["ends_to"], type="date",
                                  className="form-control", min="1990-01-01", max="2100-12-31"),
                    ], className="date-pair"),
                ],
                className="filter-field filter-dates",
            ),
            _labelled("Search", dcc.Input(id=c["q"], type="search", debounce=True, maxLength=100,
                                          placeholder="System, supplier, borough…",
                                          className="form-control", autoComplete="off"), c["q"]),
        ],
        className="filter-fields",
    )
    return html.Section(
        [
            html.Div(
                [
                    html.Button("Filters", id=ids.FILTER_TOGGLE, className="btn btn-outline-primary btn-sm filter-toggle",
                                **{"aria-expanded": "false", "aria-controls": ids.FILTER_COLLAPSE}),
                    html.Div(id=ids.CHIPS, className="chips", role="group",  # a name needs a role (axe)
                             **{"aria-label": "Active filters"}),
                    html.Button("Clear all filters", id=ids.CLEAR_ALL, n_clicks=0,
                                className="btn btn-link btn-sm clear-all"),
                ],
                className="filter-summary",
            ),
            html.Div(fields, id=ids.FILTER_COLLAPSE, className="filter-collapse"),
        ],
        className="filter-bar",
        role="search",
        **{"aria-label": "Filter contracts"},
    )


def header(sign_in: bool = False) -> html.Header:
    """The site header; with `sign_in`, a "Sign in" link that assets/signed_in.js turns into the
    signed-in user's name (from a cookie the server sets), linking to their account."""
    account = [html.A("Sign in", href="/sign-in", id="account-link", className="nav-link account-link")] if sign_in else []
    return html.Header(
        html.Div(
            [
                dcc.Link([html.Span("London Tech Map", className="brand-name")], href="/",
                         className="brand", id=ids.BRAND_LINK),
                html.Nav(
                    html.Ul([
                        html.Li(dcc.Link(label, href=path, id=ids.nav_link(path), className="nav-link"))
                        for path, label in NAV_ITEMS
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
          published: tuple[int, datetime] | None = None) -> html.Div:
    """The whole app layout; pages render inside `dash.page_container`."""
    return html.Div(
        [
            html.A("Skip to main content", href=f"#{ids.MAIN}", className="skip-link"),
            dcc.Location(id=ids.URL, refresh=False),
            dcc.Store(id=ids.APP_STATE, data={"filters": {}, "view": {}}),
            dcc.Store(id=ids.STATE_CHANGE),  # what the person changed (shell/state_change.py)
            dcc.Store(id=ids.FIRST_STATE),  # the first load's record, for the reducer alone
            dcc.Store(id=ids.URL_SYNC),
            header(sign_in),
            html.Main(
                [
                    filter_bar(data),
                    html.Div(id=ids.SYNTHETIC_BANNER, className="synthetic-banner", hidden=True),
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
