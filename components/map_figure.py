"""The borough choropleth: built once per page load as a plain dict, then patched.

The boundaries (~230 KB) go to the browser once; a filter change sends only z, hover text, outline
widths and the colour-bar title (a few hundred bytes per borough set) through `dash.Patch`.
"""

from __future__ import annotations

import json
import math
from functools import lru_cache
from typing import Any

import pandas as pd
from dash import Patch

from techmap.authorities import GEOJSON
from techmap.queries import METRICS, rank
from techmap.queries import format_metric as format_value

# ColorBrewer YlGnBu: sequential, light = low, readable for the common colour-vision deficiencies.
COLORSCALE = [
    [0.0, "#ffffd9"], [0.125, "#edf8b1"], [0.25, "#c7e9b4"], [0.375, "#7fcdbb"], [0.5, "#41b6c4"],
    [0.625, "#1d91c0"], [0.75, "#225ea8"], [0.875, "#253494"], [1.0, "#081d58"],
]
SELECTED_LINE = "#d81b60"  # magenta outline, distinct from every colour of the scale
NORMAL_LINE = "#ffffff"


@lru_cache(maxsize=1)
def boundaries() -> dict[str, Any]:
    with GEOJSON.open(encoding="utf-8") as handle:
        return json.load(handle)


def metric_label(metric: str) -> str:
    label, unit = METRICS[metric][0], METRICS[metric][1]
    return f"{label} ({unit})" if unit else label


def _trace_values(metrics: pd.DataFrame, metric: str, selected: tuple[str, ...]) -> dict[str, Any]:
    column = METRICS[metric][2]
    values = metrics[column].astype(float)
    ranks = rank(values)
    n = int(values.notna().sum())
    hover = [
        f"<b>{name}</b><br>{METRICS[metric][0]}: {format_value(metric, v)}"
        + (f"<br>Rank {int(r)} of {n}" if not math.isnan(r) else "")
        + ("<br><i>Selected</i>" if code in selected else "")
        for code, name, v, r in zip(metrics.index, metrics["name"], values, ranks, strict=True)
    ]
    finite = values.dropna()
    zmax = float(finite.max()) if len(finite) and finite.max() > 0 else 1.0
    return {
        "z": [None if math.isnan(v) else round(float(v), 4) for v in values],
        "hovertext": hover,
        "zmin": 0,
        "zmax": zmax,
        "line_width": [3.5 if code in selected else 0.6 for code in metrics.index],
        "line_color": [SELECTED_LINE if code in selected else NORMAL_LINE for code in metrics.index],
        "title": metric_label(metric),
    }


def map_figure(metrics: pd.DataFrame, metric: str, selected: tuple[str, ...]) -> dict[str, Any]:
    """The whole figure, for the first render of the page."""
    v = _trace_values(metrics, metric, selected)
    trace = {
        "type": "choropleth",
        "geojson": boundaries(),
        "featureidkey": "properties.gss_code",
        "locations": list(metrics.index),
        "z": v["z"],
        "zmin": v["zmin"],
        "zmax": v["zmax"],
        "colorscale": COLORSCALE,
        "hovertext": v["hovertext"],
        "hovertemplate": "%{hovertext}<extra></extra>",
        "marker": {"line": {"width": v["line_width"], "color": v["line_color"]}},
        "colorbar": {"title": {"text": v["title"], "side": "right"}, "thickness": 14, "len": 0.8},
    }
    layout = {
        "geo": {
            "fitbounds": "locations",
            "visible": False,
            "projection": {"type": "mercator"},
            "bgcolor": "rgba(0,0,0,0)",
        },
        "margin": {"l": 0, "r": 0, "t": 0, "b": 0},
        "height": 520,
        "paper_bgcolor": "rgba(0,0,0,0)",
        "uirevision": "london",  # keep the user's zoom across patches
        "hoverlabel": {"bgcolor": "#ffffff", "font": {"color": "#1b1b1b"}},
        "dragmode": False,
    }
    return {"data": [trace], "layout": layout}


def map_patch(metrics: pd.DataFrame, metric: str, selected: tuple[str, ...]) -> Patch:
    """Only what changes with the filters or the metric."""
    v = _trace_values(metrics, metric, selected)
    patch = Patch()
    patch["data"][0]["z"] = v["z"]
    patch["data"][0]["zmax"] = v["zmax"]
    patch["data"][0]["hovertext"] = v["hovertext"]
    patch["data"][0]["marker"]["line"]["width"] = v["line_width"]
    patch["data"][0]["marker"]["line"]["color"] = v["line_color"]
    patch["data"][0]["colorbar"]["title"]["text"] = v["title"]
    return patch
