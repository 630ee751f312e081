"""What sits beside the map: headline figures, the ranked borough list (the map's text
alternative and its keyboard equivalent) and the caption sentence."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd
from dash import dcc, html

import ids
from components.fast_html import el
from components.map_figure import format_value, metric_label, value_texts
from components.skills_map import skill_map_caption
from techmap.analysis.groups import SPLIT_GROUPS
from techmap.analysis.queries import METRICS, rank
from techmap.appstate import view_default


def headline_cards(figures: dict[str, Any], groups: dict[str, int] | None = None) -> html.Dl:
    """The headline figures; with `groups` (contracts per service-area group), the frontline /
    corporate / infrastructure split as one more figure."""
    items: list[tuple[str, Any]] = [
        ("Contracts", f"{figures['contracts']:,}"),
        ("Suppliers", f"{figures['suppliers']:,}"),
        (f"Held by the top {figures['top_n']} suppliers", f"{figures['top_n_share']:.0%}"),
        ("Ending in the next 12 months", f"{figures['ending_12m']:,}"),
    ]
    if groups is not None:
        items.append(("Frontline / corporate / infrastructure", group_split_text(groups)))
    return html.Dl(
        [html.Div([html.Dt(label), html.Dd(value)], className="headline") for label, value in items],
        className="headlines",
        id=ids.HEADLINE_FIGURES,
    )


def group_split_text(groups: dict[str, int]) -> str:
    """'820 / 463 / 240' (frontline / corporate / infrastructure), plus '(12 other)' when any."""
    text = " / ".join(f"{groups.get(g, 0):,}" for g in SPLIT_GROUPS)
    other = groups.get("other", 0)
    return f"{text} ({other:,} other)" if other else text


def _needs(metric: str) -> str | None:
    if metric == "supplier_share":
        return "supplier"
    if metric == "runs_system":
        return "system"
    return None


def map_caption(metrics: pd.DataFrame, metric: str, *, chosen: str = "",
                selected: tuple[str, ...] = ()) -> str:
    """The map's main finding in one or two sentences."""
    need = _needs(metric)
    if need and not chosen:
        return (f"Choose a {need} in the {need.title()} filter above to colour the map by "
                f"{METRICS[metric][0].lower()}; until then it shows "
                f"{METRICS[view_default('metric')][0].lower()}.")
    column = METRICS[metric][2]
    values = metrics[column].astype(float)
    label = METRICS[metric][0].lower()
    if metric.startswith("skill_"):  # team levels, not contracts (components/skills_map.py)
        return skill_map_caption(metrics, metric, selected)
    if not metrics["contracts"].sum():
        return ("Nothing published yet matches these filters, so every borough shows zero: no "
                "public source in this dataset names a system here. Councils can add theirs with "
                "the survey template (About page, “Contribute or correct data”).")
    if metric == "runs_system":
        n = int((values >= 0.5).sum())
        text = f"{n} of {len(values)} boroughs run {chosen}."
    elif values.dropna().empty:
        return ("No annual value is published for any of the contracts shown."
                if metric == "annual_value" else f"No borough has a value for {label} under these filters.")
    elif (values.fillna(0) == 0).all():
        return f"Every borough shows zero for {label} under these filters."
    else:
        top = values.idxmax()
        low = values.idxmin()
        text = (f"{metrics.at[top, 'name']} has the highest {label} "
                f"({format_value(metric, values[top])}); {metrics.at[low, 'name']} the lowest "
                f"({format_value(metric, values[low])}).")
        if metric == "supplier_share":
            text = f"Share of contracts held by {chosen}: " + text
        unpublished = int((values.isna() & (metrics["contracts"] > 0)).sum())
        if metric == "annual_value" and unpublished:
            text += (f" {unpublished} borough{'s have' if unpublished != 1 else ' has'} contracts "
                     "but no published value.")
    if selected:
        names = [metrics.at[c, "name"] for c in selected if c in metrics.index]
        text += f" Outlined: {', '.join(names)}."
    return text


def ranked_table(metrics: pd.DataFrame, metric: str, selected: tuple[str, ...], query: str) -> html.Table:
    column = METRICS[metric][2]
    values = metrics[column].astype(float)
    ranks = rank(values).tolist()
    entries = sorted(
        zip(metrics.index.tolist(), metrics["name"].tolist(), metrics["slug"].tolist(),
            value_texts(metrics, metric), ranks, strict=True),
        key=lambda e: (math.isnan(e[4]), 0 if math.isnan(e[4]) else e[4], e[1]),
    )
    rows = []
    for code, name, slug, value_text, r in entries:
        is_selected = code in selected
        rows.append(el(html.Tr,  # el: rebuilt on every filter change (components/fast_html.py)
            [
                el(html.Td, "–" if math.isnan(r) else f"{int(r)}", className="num"),
                el(html.Th, el(dcc.Link, name, href=f"/borough/{slug}{query}"), scope="row"),
                el(html.Td, value_text, className="num"),
                el(html.Td, el(html.Button,
                    ["Selected" if is_selected else "Select", el(html.Span, f" {name}", className="visually-hidden")],
                    id=ids.toggle("authority", code),
                    className="btn btn-sm " + ("btn-primary" if is_selected else "btn-outline-primary"),
                    **{"aria-pressed": "true" if is_selected else "false"},
                )),
            ],
            className="is-selected" if is_selected else None,
        ))
    return html.Table(
        [
            html.Caption(f"Boroughs ranked by {metric_label(metric).lower()}"),
            html.Thead(html.Tr([html.Th("Rank", scope="col", className="num"),
                                html.Th("Borough", scope="col"),
                                html.Th(METRICS[metric][0], scope="col", className="num"),
                                html.Th("Filter", scope="col")])),
            html.Tbody(rows),
        ],
        className="table table-sm ranked-table",
    )
