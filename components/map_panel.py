"""What sits beside the map: headline figures, the ranked borough list (the map's text
alternative and its keyboard equivalent, drawn in the browser from ranked_rows) and the caption
sentence."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd
from dash import html

import ids
from components.map_figure import format_value, metric_label, value_texts
from components.skills_map import skill_map_caption
from techmap.analysis.groups import SPLIT_GROUPS
from techmap.analysis.queries import METRICS, rank
from techmap.appstate import view_default


def _headline_items(figures: dict[str, Any], groups: dict[str, int] | None = None) -> list[tuple[str, str]]:
    items = [
        ("Contracts", f"{figures['contracts']:,}"),
        ("Suppliers", f"{figures['suppliers']:,}"),
        (f"Held by the top {figures['top_n']} suppliers", f"{figures['top_n_share']:.0%}"),
        ("Ending in the next 12 months", f"{figures['ending_12m']:,}"),
    ]
    if groups is not None:
        items.append(("Frontline / corporate / infrastructure", group_split_text(groups)))
    return items


def headline_cards(figures: dict[str, Any], groups: dict[str, int] | None = None) -> html.Dl:
    """The headline figures; with `groups` (contracts per service-area group), the frontline /
    corporate / infrastructure split as one more figure."""
    return html.Dl(
        [html.Div([html.Dt(label), html.Dd(value)], className="headline")
         for label, value in _headline_items(figures, groups)],
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


def ranked_rows(metrics: pd.DataFrame, metric: str, selected: tuple[str, ...], query: str) -> dict[str, Any]:
    """The ranked list as a compact payload that assets/ranked_list.js draws in the browser: the
    caption, the value column's heading, the query the profile links carry, and per borough in
    rank order [code, rank, value, selected] (about 1.5 KB; as Dash components the list was ~33 KB
    per filter change, and Dash re-created all ~300 of them). The boroughs' names and profile
    slugs, which never change, are in ranked_names, sent once with the page."""
    column = METRICS[metric][2]
    ranks = rank(metrics[column].astype(float)).tolist()
    entries = sorted(
        zip(metrics.index.tolist(), metrics["name"].tolist(), metrics["slug"].tolist(),
            value_texts(metrics, metric), ranks, strict=True),
        key=lambda e: (math.isnan(e[4]), 0 if math.isnan(e[4]) else e[4], e[1]),
    )
    rows = [[code, "–" if math.isnan(r) else f"{int(r)}", value_text, code in selected]
            for code, _name, _slug, value_text, r in entries]
    return {"caption": f"Boroughs ranked by {metric_label(metric).lower()}", "head": METRICS[metric][0],
            "query": query, "rows": rows}


def ranked_names(metrics: pd.DataFrame) -> dict[str, list[str]]:
    """Each borough's [name, profile slug], keyed by ONS code: the ranked list's fixed part."""
    return {code: [name, slug] for code, name, slug in
            zip(metrics.index.tolist(), metrics["name"].tolist(), metrics["slug"].tolist(), strict=True)}


def headline_values(figures: dict[str, Any], groups: dict[str, int] | None = None) -> list[str]:
    """The headline figures' values only, in the cards' order: what a filter change sends (in
    the ranked list's payload; assets/ranked_list.js writes them into the cards in place). A
    Patch of the cards' texts made Dash re-create all 16 components of the cards per change."""
    return [value for _label, value in _headline_items(figures, groups)]
