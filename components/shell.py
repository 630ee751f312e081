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
from techmap.analysis.facets import FACET_PARAMS, counts_digests, facet_counts, facet_index
from techmap.analysis.filters import FilterState

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

DROPDOWN_HEIGHT = 420  # px: about eight options under the search box at a time

BOUNDARY_ATTRIBUTION = (
    "Contains National Statistics data © Crown copyright and database right [2015]",
    "Contains Ordnance Survey data © Crown copyright and database right [2015]",
)


def filter_options(data: Dataset) -> dict[str, list[dict[str, str]]]:
    """Options of each drop-down filter, from the dataset (so nothing absent is offered), without
    counts (labels shortened: a very long name sent as a label crashed the browser tab)."""
    index = facet_index(data)
    return {param: [{"label": short_label(label), "value": value}
                    for value, label in zip(index.values[param], index.labels[param], strict=True)]
            for param in FACET_PARAMS}


def counted_options(options: list[dict[str, str]], counts: list[int]) -> list[dict[str, str]]:
    """The options with a count ("Capita (12)") and only those with contracts (the browser keeps
    them so from then on: shell/facets.py)."""
    return [{"label": f"{o['label']} ({n:,})", "value": o["value"]}
            for o, n in zip(options, counts, strict=True) if n]


def facet_stores(data: Dataset) -> list[dcc.Store]:
    """What the browser needs to redraw the drop-downs' options from counts alone: the labels
    (once, with the page), the counts (patched per filter change) and their digests."""
    options = filter_options(data)
    counts = facet_counts(data.contracts, FilterState(), facet_index(data))
    return [
        dcc.Store(id=ids.FACET_LABELS, data={p: [[o["value"] for o in options[p]],
                                                 [o["label"] for o in options[p]]] for p in FACET_PARAMS}),
        dcc.Store(id=ids.FACET_COUNTS, data=counts),
        dcc.Store(id=ids.FACET_DIGESTS, data=counts_digests(counts)),
    ]


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
    counts = facet_counts(data.contracts, FilterState(), facet_index(data))
    c = ids.FILTER_CONTROLS

    def dropdown(param: str, placeholder: str) -> dcc.Dropdown:
        # maxHeight: Dash's 200 px holds the search box, "select all" and only three options.
        return dcc.Dropdown(id=c[param], options=counted_options(options[param], counts[param]),
                            multi=True, value=[], placeholder=placeholder, maxHeight=DROPDOWN_HEIGHT,
                            className="filter-dropdown")

    fields = html.Div(
        [
            _labelled("Borough", dropdown("authority", "All boroughs"), c["authority"]),
            _labelled("Service area", dropdown("area", "All service areas"), c["area"]),
            _labelled("Supplier", dropdown("supplier", "All suppliers"), c["supplier"]),
            _labelled("Service group", dropdown("group", "All groups"), c["group"]),
            _labelled("Manufacturer", dropdown("manufacturer", "All manufacturers"), c["manufacturer"]),
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
            html.Div(id=ids.FILTER_NOTICE, className="filter-notice", role="alert"),
            html.Div(fields, id=ids.FILTER_COLLAPSE, className="filter-collapse"),
        ],
        className="filter-bar",
        role="search",
        **{"aria-label": "Filter contracts"},
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
                        html.Li(dcc.Link(label, href=path, id=ids.nav_link(path), className="nav-link"))
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
