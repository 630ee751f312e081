"""Manufacturers beside suppliers (the suppliers page): who makes it against who holds the
contract, as a stacked bar chart of the manufacturers most often sold through another supplier,
a caption with the finding, and the full table (its alternative) naming the resellers."""

from __future__ import annotations

from typing import Any

import pandas as pd
from dash import dcc, html

from components.figure_frame import GRAPH_CONFIG, chart_figure, simple_table
from components.safe_text import plotly_text, short_label
from techmap.analysis.manufacturers import Resold
from techmap.wording import plural

CHART_ID = "makers-chart"
CAPTION_ID = "makers-caption"
CHART_ROWS = 12  # manufacturers drawn; the table lists them all
DIRECT, RESOLD = "#0072B2", "#E69F00"  # Okabe-Ito blue and orange
INK = "#1b1b1b"


def _sellers_text(sellers: list[tuple[str, int]]) -> str:
    return ", ".join(f"{short_label(name)} ({n:,})" for name, n in sellers) or "–"


def makers_caption(table: pd.DataFrame, resold: Resold) -> str:
    if not resold.named:
        return "No contract shown names its manufacturer, so who makes what cannot be told apart here."
    text = (f"{resold.resold:,} of the {plural(resold.named, 'contract')} that name a manufacturer are held "
            f"by another supplier (a reseller or partner) rather than by the manufacturer itself.")
    if resold.resold and len(table):
        top = table.iloc[0]
        text += (f" {top['name']} is the most resold: {top['resold']:,} of its {top['contracts']:,} "
                 f"contracts, through {_sellers_text(top['sellers'][:3])}.")
    return text


def makers_figure(table: pd.DataFrame) -> dict[str, Any]:
    """Stacked horizontal bars: per manufacturer, contracts it holds itself and those others hold."""
    shown = table[table["resold"] > 0].head(CHART_ROWS).iloc[::-1]  # plotly draws the first at the bottom
    names = [plotly_text(short_label(n, 40)) for n in shown["name"]]
    hover = [f"{plotly_text(n)}: {r:,} of {c:,} held by others<br>{plotly_text(_sellers_text(s))}"
             for n, r, c, s in zip(shown["name"], shown["resold"], shown["contracts"], shown["sellers"], strict=True)]
    traces = [
        {"type": "bar", "orientation": "h", "name": "Held by another supplier", "y": names,
         "x": shown["resold"].tolist(), "marker": {"color": RESOLD}, "hovertext": hover,
         "hovertemplate": "%{hovertext}<extra></extra>"},
        {"type": "bar", "orientation": "h", "name": "Held by the manufacturer", "y": names,
         "x": shown["direct"].tolist(), "marker": {"color": DIRECT},
         "hovertemplate": "%{y}: %{x:,d} held by the manufacturer<extra></extra>"},
    ]
    layout = {
        "barmode": "stack", "height": 120 + 28 * max(len(shown), 1),
        "margin": {"l": 10, "r": 10, "t": 30, "b": 40},
        "xaxis": {"title": {"text": "Contracts"}, "tickformat": ",d"},
        "yaxis": {"automargin": True},
        "legend": {"orientation": "h", "x": 0, "y": 1.02, "yanchor": "bottom", "traceorder": "normal"},
        "paper_bgcolor": "rgba(0,0,0,0)", "plot_bgcolor": "#ffffff",
        "hoverlabel": {"bgcolor": "#ffffff", "font": {"color": INK}},
    }
    return {"data": traces, "layout": layout}


def makers_table(table: pd.DataFrame) -> html.Div:
    rows = [[short_label(name), f"{contracts:,}", f"{direct:,}", f"{resold:,}", _sellers_text(sellers)]
            for name, contracts, direct, resold, sellers in zip(
                table["name"], table["contracts"], table["direct"], table["resold"], table["sellers"], strict=True)]
    label = "Manufacturers and the suppliers that hold their contracts"
    return html.Div(
        simple_table(["Manufacturer", "Contracts", "Held by the manufacturer", "Held by others",
                      "Other suppliers holding them"], rows, label, numeric={1, 2, 3}),
        className="makers-table", tabIndex="0", role="region", **{"aria-label": label})


def makers_content(table: pd.DataFrame, resold: Resold) -> list[Any]:
    """The section's content for one filter state: chart, caption and table (or a note)."""
    if not resold.named:
        return [html.P(makers_caption(table, resold), className="empty-note")]
    graph = dcc.Graph(id=CHART_ID, figure=makers_figure(table), config=GRAPH_CONFIG, className="makers-graph")
    return [chart_figure(graph, CAPTION_ID, makers_caption(table, resold), makers_table(table),
                         table_summary="Show every manufacturer as a table")]
