"""The members' satisfaction views: LOTI's finding as a scatter chart (each borough's number of
suppliers against its average satisfaction, the correlation in the caption, a table alternative)
and the averages by system, supplier and borough. Pure builders: data in, layout out."""

from __future__ import annotations

from typing import Any

import pandas as pd
from dash import dcc, html

from components.figure_frame import GRAPH_CONFIG, chart_figure, simple_table
from components.safe_text import plotly_text, short_label
from techmap.analysis.satisfaction import Correlation, describe_correlation
from techmap.dataformat.schema import COLUMNS_BY_NAME
from techmap.wording import plural

CHART_ID = "satisfaction-chart"
CAPTION_ID = "satisfaction-caption"
INK = "#1b1b1b"
POINT = "#0072B2"  # Okabe-Ito blue, as the treemap's frontline
SCORE_LABEL = COLUMNS_BY_NAME["satisfaction"].label  # "Satisfaction (1-5)", as the data dictionary


def score_text(average: float) -> str:
    return f"{average:.1f}"


def scatter_figure(table: pd.DataFrame) -> dict[str, Any]:
    """Boroughs as points: x = suppliers used, y = average satisfaction (1-5)."""
    hover = [f"{plotly_text(name)}<br>{plural(suppliers, 'supplier')}<br>average satisfaction "
             f"{score_text(avg)} ({plural(scores, 'score')})"
             for name, suppliers, avg, scores in zip(table["name"], table["suppliers"], table["average"],
                                                     table["scores"], strict=True)]
    trace = {"type": "scatter", "mode": "markers", "x": table["suppliers"].tolist(),
             "y": [round(float(v), 2) for v in table["average"]], "hovertext": hover,
             "hovertemplate": "%{hovertext}<extra></extra>",
             "marker": {"size": 11, "color": POINT, "line": {"width": 1, "color": INK}}}
    layout = {
        "height": 380, "margin": {"l": 60, "r": 10, "t": 10, "b": 50},
        "xaxis": {"title": {"text": "Suppliers the borough uses"}, "rangemode": "tozero", "tickformat": ",d"},
        "yaxis": {"title": {"text": f"{SCORE_LABEL}, average"}, "range": [0.8, 5.2], "dtick": 1},
        "paper_bgcolor": "rgba(0,0,0,0)", "plot_bgcolor": "#ffffff",
        "hoverlabel": {"bgcolor": "#ffffff", "font": {"color": INK}},
    }
    return {"data": [trace], "layout": layout}


def _average_rows(table: pd.DataFrame) -> list[list[Any]]:
    return [[short_label(name), score_text(avg), f"{scores:,}"]
            for name, avg, scores in zip(table["name"], table["average"], table["scores"], strict=True)]


def finding_section(table: pd.DataFrame, correlation: Correlation) -> list[Any]:
    """The chart with its caption (the correlation, r and n) and its table alternative."""
    rows = [[short_label(name), f"{suppliers:,}", score_text(avg), f"{scores:,}"]
            for name, suppliers, avg, scores in zip(table["name"], table["suppliers"], table["average"],
                                                    table["scores"], strict=True)]
    graph = dcc.Graph(id=CHART_ID, figure=scatter_figure(table), config=GRAPH_CONFIG,
                      className="satisfaction-graph")
    return [chart_figure(
        graph, CAPTION_ID, describe_correlation(correlation),
        simple_table(["Borough", "Suppliers", f"{SCORE_LABEL}, average", "Scores"], rows,
                     "Boroughs by number of suppliers, with their average satisfaction", numeric={1, 2, 3}),
        table_summary="Show the boroughs as a table")]


def averages_table(table: pd.DataFrame, what: str) -> html.Div:
    """Average satisfaction per `what` (system, supplier, borough), best first, in a scroll region."""
    label = f"Average satisfaction by {what}"
    table = table.sort_values(["average", "name"], ascending=[False, True], kind="stable")
    return html.Div(
        simple_table([what.capitalize(), "Average satisfaction", "Scores"], _average_rows(table), label,
                     numeric={1, 2}),
        className="table-responsive satisfaction-table", tabIndex="0", role="region", **{"aria-label": label},
    )


def satisfaction_body(by_borough: pd.DataFrame, correlation: Correlation, by_system: pd.DataFrame,
                      by_supplier: pd.DataFrame) -> list[Any]:
    """The page's content for one filter state; a clear note when no contract shown has a score."""
    if by_borough.empty:
        return [html.P("No satisfaction scores are recorded for the contracts these filters show. "
                       "Scores come from the survey template's satisfaction column (1 to 5); relax "
                       "the filters, or ask boroughs to add theirs.", className="empty-note")]
    scores = int(by_borough["scores"].sum())
    return [
        html.P(f"{scores:,} scored contracts in {len(by_borough)} boroughs. Scores run from 1 (poor) "
               "to 5 (excellent), as in LOTI's survey.", className="summary-sentence"),
        html.Section([html.H2("More suppliers, lower satisfaction?", className="h4"),
                      *finding_section(by_borough, correlation)]),
        html.Div([
            html.Section([html.H2("By system", className="h4"), averages_table(by_system, "system")]),
            html.Section([html.H2("By supplier", className="h4"), averages_table(by_supplier, "supplier")]),
            html.Section([html.H2("By borough", className="h4"), averages_table(by_borough, "borough")]),
        ], className="satisfaction-grid"),
    ]
