"""The shared filter bar, compact: the filters most people use (borough, service area, supplier,
the contract-end dates) in one row, the rest behind a "More filters" disclosure, and on a phone the
whole bar behind one "Filters" button. Both buttons say how many of their filters are active and
the "More filters" panel opens by itself when the URL sets one of its filters (assets/filter_bar.js:
the shell is drawn once per dataset version, not per URL, so the browser does both)."""

from __future__ import annotations

from typing import Any

from dash import dcc, html

import ids
from components.safe_text import short_label
from techmap.analysis.facets import FACET_PARAMS, counts_digests, facet_counts, facet_index
from techmap.analysis.filters import FilterState
from techmap.dataformat.dataset import Dataset

DROPDOWN_HEIGHT = 420  # px: about eight options under the search box at a time
MORE_TOGGLE = "filter-more-toggle"
MORE_PANEL = "filter-more"
# The filters behind "More filters"; assets/filter_bar.js counts their chips (keep the two in step).
MORE_PARAMS = ("group", "manufacturer", "system", "q")


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


def _labelled(label: str, control: Any, control_id: str) -> html.Div:
    # The id lets assets/a11y_fixes.js name Dash 4's drop-down button by this label (it has no prop).
    return html.Div([html.Label(label, htmlFor=control_id, className="form-label", id=f"{control_id}-label"),
                     control], className="filter-field")


def _dates() -> html.Fieldset:
    c = ids.FILTER_CONTROLS
    return html.Fieldset(
        [
            html.Legend("Contract ends between", className="form-label"),
            html.Div([
                # No debounce on date inputs: a date input only reports complete dates, and
                # dcc.Input's debounce path calls setSelectionRange, which date inputs reject.
                html.Label("From", htmlFor=c["ends_from"], className="visually-hidden"),
                dcc.Input(id=c["ends_from"], type="date", className="form-control",
                          min="1990-01-01", max="2100-12-31"),
                html.Span("and", className="px-1", **{"aria-hidden": "true"}),
                html.Label("To", htmlFor=c["ends_to"], className="visually-hidden"),
                dcc.Input(id=c["ends_to"], type="date", className="form-control",
                          min="1990-01-01", max="2100-12-31"),
            ], className="date-pair"),
        ],
        className="filter-field filter-dates",
    )


def _toggle(text: str, button_id: str, controls: str, extra_class: str) -> html.Button:
    """A disclosure button; assets/filter_bar.js writes " (2 active)" into its count span."""
    return html.Button([text, html.Span(className="filter-count")], id=button_id, type="button",
                       className=f"btn btn-outline-primary btn-sm {extra_class}",
                       **{"aria-expanded": "false", "aria-controls": controls})


def filter_bar(data: Dataset) -> html.Section:
    options = filter_options(data)
    counts = facet_counts(data.contracts, FilterState(), facet_index(data))
    c = ids.FILTER_CONTROLS

    def dropdown(param: str, label: str, placeholder: str) -> html.Div:
        # maxHeight: Dash's 200 px holds the search box, "select all" and only three options.
        return _labelled(label, dcc.Dropdown(
            id=c[param], options=counted_options(options[param], counts[param]), multi=True, value=[],
            placeholder=placeholder, maxHeight=DROPDOWN_HEIGHT, className="filter-dropdown"), c[param])

    main_row = html.Div(
        [
            dropdown("authority", "Borough", "All boroughs"),
            dropdown("area", "Service area", "All service areas"),
            dropdown("supplier", "Supplier", "All suppliers"),
            _dates(),
            html.Div(_toggle("More filters", MORE_TOGGLE, MORE_PANEL, "filter-more-toggle"),
                     className="filter-more-cell"),
        ],
        className="filter-row",
    )
    more = html.Div(
        html.Div(
            [
                dropdown("group", "Service group", "All groups"),
                dropdown("manufacturer", "Manufacturer", "All manufacturers"),
                dropdown("system", "System", "All systems"),
                _labelled("Search", dcc.Input(id=c["q"], type="search", debounce=True, maxLength=100,
                                              placeholder="System, supplier, borough…",
                                              className="form-control", autoComplete="off"), c["q"]),
            ],
            className="filter-fields",
        ),
        id=MORE_PANEL, className="filter-more", role="group", **{"aria-label": "More filters"},
    )
    return html.Section(
        [
            html.Div(
                [
                    _toggle("Filters", ids.FILTER_TOGGLE, ids.FILTER_COLLAPSE, "filter-toggle"),
                    html.Div(id=ids.CHIPS, className="chips", role="group",  # a name needs a role (axe)
                             **{"aria-label": "Active filters"}),
                    html.Button("Clear all filters", id=ids.CLEAR_ALL, n_clicks=0,
                                className="btn btn-link btn-sm clear-all"),
                ],
                className="filter-summary",
            ),
            html.Div(id=ids.FILTER_NOTICE, className="filter-notice", role="alert"),
            html.Div([main_row, more], id=ids.FILTER_COLLAPSE, className="filter-collapse"),
        ],
        className="filter-bar",
        role="search",
        **{"aria-label": "Filter contracts"},
    )
