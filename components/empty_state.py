"""The one "nothing matches" block every page shows when its filters leave no contract: it says
so plainly, names each filter with what removing it would bring back, and links to the same page
without it (or without any filter). Plain links: one click, keyboard, no script needed.

The relaxations come from techmap.analysis.relax; the page passes its path (links stay on it) and
the parameters it fixes (a borough profile's borough, never offered for removal)."""

from __future__ import annotations

from datetime import date
from typing import Any

from dash import dcc, html

from components.chips import param_label, value_label
from techmap.analysis.relax import Relaxation
from techmap.appstate import AppState, without_filter, without_filters
from techmap.dataformat.dataset import Dataset

HEADING = "Nothing matches these filters"


def filter_words(relaxation: Relaxation, data: Dataset) -> str:
    """'Supplier: Capita or NEC', 'Ends from: 1 Jan 2027', 'Search: “mosaik”'."""
    param = relaxation.param
    if param in ("ends_from", "ends_to"):
        shown = [date.fromisoformat(v).strftime("%-d %b %Y") for v in relaxation.values]
    elif param == "q":
        shown = [f"“{v}”" for v in relaxation.values]
    else:
        shown = [value_label(param, v, data) for v in relaxation.values]
    return f"{param_label(param)}: {' or '.join(shown)}"


def _outcome(matches: int) -> str:
    if not matches:
        return " (still nothing on its own)"
    return f" ({matches:,} contract{'s' if matches != 1 else ''} would show)"


def nothing_matches(state: AppState, relaxations: list[Relaxation], data: Dataset, *, path: str,
                    what: str = "contracts", fixed: tuple[str, ...] = ()) -> html.Section:
    """`what`: what the page lists ("contracts of Camden"); `path`: the page's own path."""
    items = [
        html.Li([dcc.Link(f"Remove {filter_words(r, data)}",
                          href=path + without_filter(state, r.param).to_query_string()),
                 _outcome(r.matches)])
        for r in relaxations
    ]
    if not items:
        advice = ""
    elif any(r.matches for r in relaxations):
        advice = " Remove one of them to see more:"
    else:
        advice = " No one of them alone is the cause: remove several, or clear them all."
    children: list[Any] = [html.H2(HEADING, className="h5"), html.P(f"No {what} match the filters chosen." + advice)]
    if items:
        children.append(html.Ul(items, className="relax-list"))
    children.append(html.P(dcc.Link("Clear all filters",
                                    href=path + without_filters(state, keep=fixed).to_query_string())))
    return html.Section(children, className="nothing-matches")
