"""The map's colour scale and legend, chosen by what the metric measures:

- a yes/no metric ("runs the selected system"): two colours, labelled Yes and No;
- a count (contracts, suppliers, ...): one colour band per whole number, or per run of whole
  numbers when the range is wide, labelled with the numbers (a discrete legend);
- anything else (money, shares): the continuous sequential scale with a colour bar.

Every kind sets the same keys (colorscale, zmin, zmax, colorbar), so a patch that switches metric
replaces them all and the figure never keeps a legend of the wrong kind.
"""

from __future__ import annotations

import math
from typing import Any

from techmap.analysis.queries import METRICS

# ColorBrewer YlGnBu: sequential, light = low, readable for the common colour-vision deficiencies.
COLORSCALE = [
    [0.0, "#ffffd9"], [0.125, "#edf8b1"], [0.25, "#c7e9b4"], [0.375, "#7fcdbb"], [0.5, "#41b6c4"],
    [0.625, "#1d91c0"], [0.75, "#225ea8"], [0.875, "#253494"], [1.0, "#081d58"],
]
STEP_COLOURS = [c for _, c in COLORSCALE]
# Okabe-Ito blue and orange: told apart with every common colour-vision deficiency, and by
# lightness alone in greyscale.
YES_COLOUR = "#0072b2"
NO_COLOUR = "#f0c987"
YES_NO_METRICS = frozenset({"runs_system"})
MAX_STEPS = 7  # more bands than this are hard to tell apart on the map


def is_count(metric: str) -> bool:
    return METRICS[metric][3] == ",d"


def _colorbar(title: str, **ticks: Any) -> dict[str, Any]:
    return {"title": {"text": title, "side": "right"}, "thickness": 14, "len": 0.8, **ticks}


def _yes_no(title: str) -> dict[str, Any]:
    return {
        "colorscale": [[0.0, NO_COLOUR], [0.5, NO_COLOUR], [0.5, YES_COLOUR], [1.0, YES_COLOUR]],
        "zmin": 0.0,
        "zmax": 1.0,
        "colorbar": _colorbar(title, tickmode="array", tickvals=[0.25, 0.75], ticktext=["No", "Yes"]),
    }


def count_steps(low: int, high: int) -> tuple[int, int]:
    """(width, number) of the whole-number bands covering low..high, at most MAX_STEPS of them."""
    span = high - low + 1
    width = max(1, math.ceil(span / MAX_STEPS))
    return width, math.ceil(span / width)


def _counts(title: str, finite: list[float]) -> dict[str, Any]:
    low = int(math.floor(min(finite))) if finite else 0
    high = int(math.ceil(max(finite))) if finite else 0
    width, steps = count_steps(low, high)
    colours = [STEP_COLOURS[round(i * (len(STEP_COLOURS) - 1) / max(steps - 1, 1))] for i in range(steps)]
    if steps == 1:
        colours = [STEP_COLOURS[len(STEP_COLOURS) // 2]]
    scale: list[list[Any]] = []
    for i, colour in enumerate(colours):  # hard edges: each band one flat colour
        scale += [[i / steps, colour], [(i + 1) / steps, colour]]
    starts = [low + i * width for i in range(steps)]
    return {
        "colorscale": scale,
        "zmin": low - 0.5,
        "zmax": low - 0.5 + steps * width,
        "colorbar": _colorbar(
            title, tickmode="array",
            tickvals=[s - 0.5 + width / 2 for s in starts],
            ticktext=[f"{s:,}" if width == 1 else f"{s:,}–{s + width - 1:,}" for s in starts]),
    }


def _continuous(title: str, finite: list[float]) -> dict[str, Any]:
    zmin = min(finite) if finite else 0.0
    zmax = max(finite) if finite else 1.0
    if zmax <= zmin:
        zmin, zmax = (0.0, zmax or 1.0)
    return {"colorscale": COLORSCALE, "zmin": zmin, "zmax": zmax,
            "colorbar": _colorbar(title, tickmode="auto")}


def legend_for(metric: str, finite: list[float], title: str) -> dict[str, Any]:
    """colorscale, zmin, zmax and colorbar for `metric` given its known (non-NaN) values."""
    if metric in YES_NO_METRICS:
        return _yes_no(title)
    if is_count(metric):
        return _counts(title, finite)
    return _continuous(title, finite)
