"""Every chart sits in a <figure> with a caption that states its main finding in words, and a
table alternative that keyboard and screen-reader users can reach."""

from __future__ import annotations

from typing import Any

from dash import dcc, html

# The graph config every chart shares: no plotly logo or cloud links, base map served locally.
GRAPH_CONFIG: dict[str, Any] = {
    "displaylogo": False,
    "displayModeBar": False,  # its buttons are unlabelled links; tables and downloads replace them
    "topojsonURL": "/assets/topojson/",
    "responsive": True,
}


def chart_figure(graph: dcc.Graph, caption_id: str, caption: Any, table: Any,
                 table_summary: str = "Show the numbers as a table") -> html.Figure:
    return html.Figure(
        [
            html.Div(graph, className="chart-graph"),
            html.Figcaption(caption, id=caption_id, className="chart-caption"),
            html.Details([html.Summary(table_summary), html.Div(table, className="table-responsive")],
                         className="chart-table"),
        ],
        className="chart",
    )


def simple_table(columns: list[str], rows: list[list[Any]], caption: str,
                 numeric: set[int] | None = None) -> html.Table:
    """An accessible HTML table: caption, header cells with scope, numbers right-aligned."""
    numeric = numeric or set()
    return html.Table(
        [
            html.Caption(caption),
            html.Thead(html.Tr([html.Th(c, scope="col", className="num" if i in numeric else None)
                                for i, c in enumerate(columns)])),
            html.Tbody([
                html.Tr([html.Td(v, className="num" if i in numeric else None) for i, v in enumerate(row)])
                for row in rows
            ]),
        ],
        className="table table-sm",
    )
