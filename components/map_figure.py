"""The borough choropleth: built once per page load as a plain dict, then patched.

The boundaries (~230 KB) go to the browser once; a filter change sends only z, hover text, outline
widths and the legend (about 2 KB) through `dash.Patch`.
"""

from __future__ import annotations

import hashlib
import json
import math
from functools import lru_cache
from typing import Any

import pandas as pd
from dash import Patch

from components.map_legend import YES_NO_METRICS, legend_for
from techmap.dataformat.authorities import GEOJSON
from techmap.analysis.queries import METRICS, rank
from techmap.analysis.queries import format_metric as format_value

SELECTED_LINE = "#d81b60"  # magenta outline, distinct from every colour of the scale
NORMAL_LINE = "#ffffff"


@lru_cache(maxsize=1)
def boundaries() -> dict[str, Any]:
    with GEOJSON.open(encoding="utf-8") as handle:
        return json.load(handle)


@lru_cache(maxsize=1)
def boundaries_url() -> str:
    """A fingerprinted URL for the boundaries (web.hosting serves it, cached for a year), so the
    browser fetches them once instead of with every render of the map page."""
    digest = hashlib.sha256(GEOJSON.read_bytes()).hexdigest()[:12]
    return f"/boundaries/london_boroughs.{digest}.geojson"


def metric_label(metric: str) -> str:
    label, unit = METRICS[metric][0], METRICS[metric][1]
    return f"{label} ({unit})" if unit else label


def value_texts(metrics: pd.DataFrame, metric: str) -> list[str]:
    """Each borough's value as text for the hover and the ranked list. A borough without a value
    says why: it has no contracts under the filters, or (annual value) none of its contracts has a
    published value, e.g. all withheld on a public instance; never a made-up "£0"."""
    values = metrics[METRICS[metric][2]].astype(float).tolist()
    contracts = metrics["contracts"].tolist()
    out = []
    for v, n in zip(values, contracts, strict=True):
        if not math.isnan(v):
            out.append(format_value(metric, v))
        elif metric.startswith("skill_"):  # a level, not a contract count
            out.append("not reported")
        elif not n:
            out.append("no contracts")
        elif metric == "annual_value":
            out.append("not published")
        else:
            out.append(format_value(metric, v))
    return out


def _trace_values(metrics: pd.DataFrame, metric: str, selected: tuple[str, ...]) -> dict[str, Any]:
    """Everything that changes with the filters or the metric; names go once, in `text`."""
    column = METRICS[metric][2]
    values = metrics[column].astype(float).tolist()
    ranks = rank(metrics[column].astype(float)).tolist()
    n = sum(1 for v in values if not math.isnan(v))
    ranked = metric not in YES_NO_METRICS  # "yes (rank 1 of 33)" would rank a yes/no answer
    hover = [text + ("" if math.isnan(r) or not ranked else f" (rank {int(r)} of {n})")
             for text, r in zip(value_texts(metrics, metric), ranks, strict=True)]
    finite = [v for v in values if not math.isnan(v)]
    codes = metrics.index.tolist()
    return {
        "z": [None if math.isnan(v) else round(v, 4) for v in values],
        "customdata": hover,
        "hovertemplate": f"<b>%{{text}}</b><br>{METRICS[metric][0]}: %{{customdata}}<extra></extra>",
        "line_width": [3.5 if code in selected else 0.6 for code in codes],
        "line_color": [SELECTED_LINE if code in selected else NORMAL_LINE for code in codes],
        **legend_for(metric, finite, metric_label(metric)),
    }


def map_figure(metrics: pd.DataFrame, metric: str, selected: tuple[str, ...]) -> dict[str, Any]:
    """The whole figure, for the first render of the page."""
    v = _trace_values(metrics, metric, selected)
    trace = {
        "type": "choropleth",
        "geojson": boundaries_url(),
        "featureidkey": "properties.gss_code",
        "locations": list(metrics.index),
        "z": v["z"],
        "zmin": v["zmin"],
        "zmax": v["zmax"],
        "colorscale": v["colorscale"],
        "text": metrics["name"].tolist(),
        "customdata": v["customdata"],
        "hovertemplate": v["hovertemplate"],
        "marker": {"line": {"width": v["line_width"], "color": v["line_color"]}},
        "colorbar": v["colorbar"],
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


def map_patch(metrics: pd.DataFrame, metric: str, selected: tuple[str, ...], *,
              same_metric: bool = False, same_selection: bool = False) -> Patch:
    """Only what changes with the filters or the metric (the legend whole: its kind may change);
    the hover template when the metric did not change (`same_metric`), the outlines when the
    selection did not (`same_selection`), stay as drawn."""
    v = _trace_values(metrics, metric, selected)
    patch = Patch()
    patch["data"][0]["z"] = v["z"]
    patch["data"][0]["zmin"] = v["zmin"]
    patch["data"][0]["zmax"] = v["zmax"]
    patch["data"][0]["customdata"] = v["customdata"]
    if not same_metric:
        patch["data"][0]["hovertemplate"] = v["hovertemplate"]
    if not same_selection:
        patch["data"][0]["marker"]["line"]["width"] = v["line_width"]
        patch["data"][0]["marker"]["line"]["color"] = v["line_color"]
    patch["data"][0]["colorscale"] = v["colorscale"]
    patch["data"][0]["colorbar"] = v["colorbar"]
    return patch
