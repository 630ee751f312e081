"""The suppliers page's concentration panel: the top-N sentence, the Herfindahl-Hirschman index per
service area with its band in words, the ranked supplier table (each supplier linked to its profile,
with a button that filters by it) and a summary of the selected suppliers."""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping, Sequence
from typing import Any

import pandas as pd
from dash import Patch, dcc, html

import ids
from components.fast_html import el
from techmap.concentration import HHI_BANDS, HHI_HIGH, HHI_MODERATE, NO_DATA
from techmap.wording import plural

RANKED_LIMIT = 30

# Words first; the marker only repeats the band for sighted readers scanning the column.
_BAND_MARKERS = {HHI_BANDS[0]: "●○○", HHI_BANDS[1]: "●●○", HHI_BANDS[2]: "●●●", NO_DATA: "–"}
_BAND_CLASSES = {HHI_BANDS[0]: "band-low", HHI_BANDS[1]: "band-moderate", HHI_BANDS[2]: "band-high",
                 NO_DATA: "band-none"}


def pct(share: float) -> str:
    """0.7196 -> '72%'; never rounds a part up to '100%' or down to '0%'."""
    if share is None or not math.isfinite(share):
        return "–"
    if abs(share - 1.0) < 1e-9:  # a sum of shares that is all of it, give or take float error
        return "100%"
    if 0.995 <= share < 1.0:
        return "over 99%"
    if 0.0 < share < 0.005:
        return "under 1%"
    return f"{share:.0%}"


def measure_words(weight: str, total: float, *, filtered: bool) -> str:
    """'London's 1,455 contracts' / 'the 12 contracts that match the filters' /
    'the £245,000,000 annual value of London's contracts'."""
    scope = "the contracts that match the filters" if filtered else "London's contracts"
    if weight == "value":
        return f"the £{total:,.0f} annual value of {scope}"
    n = int(round(total))
    return (f"the {plural(n, 'contract')} that match the filters" if filtered
            else f"London's {plural(n, 'contract')}")


def top_n_sentence(shares: pd.DataFrame, n: int, weight: str, *, filtered: bool = False) -> str:
    """'15 of 103 suppliers hold 72% of London's 1,455 contracts.' from supplier_shares()."""
    if weight == "value":
        total = float(shares["annual_value"].sum()) if len(shares) else 0.0
    else:
        total = float(shares["contracts"].sum()) if len(shares) else 0.0
    suppliers = int((shares["contracts"] > 0).sum()) if len(shares) else 0
    if suppliers == 0:
        return "No contracts match these filters."
    if total <= 0:
        return "No annual values are recorded for the contracts that match these filters."
    what = measure_words(weight, total, filtered=filtered)
    if suppliers <= n:  # fewer suppliers than N: say so rather than "5 suppliers hold 100%"
        who = "One supplier holds" if suppliers == 1 else f"Only {suppliers} suppliers hold"
        return f"{who} {what}."
    held = min(float(shares["share"].head(n).sum()), 1.0)
    return f"{n} of {suppliers:,} suppliers {'holds' if n == 1 else 'hold'} {pct(held)} of {what}."


def band_summary(conc: pd.DataFrame) -> str:
    """'13 of 21 service areas are highly concentrated (HHI over 2,000), 8 moderately
    (1,000 to 2,000) and none unconcentrated (under 1,000).'"""
    rated = conc[conc["band"] != NO_DATA]
    if rated.empty:
        return "There is not enough data to measure concentration in any service area."
    counts = rated["band"].value_counts()
    high, moderate, low = (int(counts.get(b, 0)) for b in (HHI_BANDS[2], HHI_BANDS[1], HHI_BANDS[0]))

    def n(k: int) -> str:
        return "none" if k == 0 else f"{k:,}"

    total = len(rated)
    if total == 1:
        return (f"The one service area shown is {rated['band'].iat[0]} "
                f"(HHI {rated['hhi'].iat[0]:,.0f}).")
    return (f"Of {total} service areas, {n(high)} {'is' if high == 1 else 'are'} highly concentrated "
            f"(HHI over {HHI_HIGH:,.0f}), {n(moderate)} moderately ({HHI_MODERATE:,.0f} to {HHI_HIGH:,.0f}) "
            f"and {n(low)} unconcentrated (under {HHI_MODERATE:,.0f}).")


def _holders(n: int, suppliers: int, share: float, measure: str) -> str:
    """'the 5 largest of 12 suppliers hold 90% of contracts' / 'its 3 suppliers hold all
    contracts' (an area with no more than n suppliers: they hold everything)."""
    if suppliers <= 1:
        return f"one supplier holds all {measure}"
    if suppliers <= n:
        return f"its {suppliers} suppliers hold all {measure}"
    return f"the {n} largest of {suppliers:,} suppliers hold {pct(share)} of {measure}"


def most_concentrated_sentence(conc: pd.DataFrame, weight: str, n: int) -> str:
    """'Most concentrated: Adults' social care, where the 5 largest of 9 suppliers hold 98% of
    contracts and System C alone 85% (HHI 7,345).' and, with two or more areas, the least
    concentrated one in the same words. `conc` is concentration_by(..., n=n)."""
    rated = conc[conc["band"] != NO_DATA]
    if rated.empty:
        return ""
    measure = "annual value" if weight == "value" else "contracts"

    def words(r: Any) -> str:
        text = _holders(n, int(r["suppliers"]), float(r["top_n_share"]), measure)
        if int(r["suppliers"]) > 1:
            text += f" and {r['top_supplier']} alone {pct(float(r['top_supplier_share']))}"
        else:
            text = f"{r['top_supplier']} holds all {measure}"
        return f"{r['name']}, where {text} (HHI {r['hhi']:,.0f})"

    top = rated.iloc[0]  # concentration_by sorts by HHI, highest first
    out = f"Most concentrated: {words(top)}."
    if len(rated) > 1:
        out += f" Least concentrated: {words(rated.iloc[-1])}."
    return out


def majority_sentence(conc: pd.DataFrame, weight: str, n: int) -> str:
    """'In 18 of 21 service areas the 5 largest suppliers hold more than half of the contracts.'"""
    rated = conc[conc["band"] != NO_DATA]
    if len(rated) < 2:
        return ""
    measure = "annual value" if weight == "value" else "contracts"
    held = int((rated["top_n_share"] > 0.5).sum())
    largest = "the largest supplier holds" if n == 1 else f"the {n} largest suppliers hold"
    if held == len(rated):
        return f"In every service area shown {largest} more than half of the {measure}."
    if held == 0:
        who = "does the largest supplier" if n == 1 else f"do the {n} largest suppliers"
        return f"In no service area shown {who} hold more than half of the {measure}."
    return f"In {held:,} of {len(rated):,} service areas {largest} more than half of the {measure}."


def band_label(band: str) -> html.Span:
    return html.Span([html.Span(_BAND_MARKERS.get(band, "–"), className="band-marker",
                                **{"aria-hidden": "true"}), " ", band],
                     className=f"band {_BAND_CLASSES.get(band, 'band-none')}")


def toggle_props(name: str, selected: bool) -> dict[str, Any]:
    """The props of a Select/Selected filter button that depend on the selection (shared by the
    builders and the patch, so the two cannot drift apart)."""
    return {
        "children": "Selected" if selected else "Select",
        "className": "btn btn-sm " + ("btn-primary" if selected else "btn-outline-primary"),
        "aria-pressed": "true" if selected else "false",
        "aria-label": f"{'Deselect' if selected else 'Select'} {name} in the filter",
    }


def toggle_button(param: str, value: str, name: str, selected: bool) -> html.Button:
    props = toggle_props(name, selected)
    return el(html.Button, props.pop("children"), id=ids.toggle(param, value), n_clicks=0, **props)


def top_n_heading(n: int) -> str:
    return "Share of the largest supplier" if n == 1 else f"Share of the {n} largest"


def hhi_table(conc: pd.DataFrame, weight: str, n: int, selected_areas: Collection[str] = ()) -> Any:
    """Per service area: contracts, suppliers, the largest supplier and its share, the share of the
    n largest (conc is concentration_by(..., n=n)), HHI and its band in words. Each area has a
    button that filters by it."""
    if conc.empty:
        return html.P("No service area has contracts that match these filters.", className="empty-state")
    measure = "annual value" if weight == "value" else "contracts"
    rows = []
    for r in conc.itertuples(index=False):  # about 20 service areas: itertuples is fine
        chosen = r.key in selected_areas
        rows.append(el(html.Tr, [
            el(html.Th, r.name, scope="row"),
            el(html.Td, f"{int(r.contracts):,}", className="num"),
            el(html.Td, f"{int(r.suppliers):,}", className="num"),
            el(html.Td, f"{r.top_supplier} ({pct(float(r.top_supplier_share))})" if r.top_supplier else "–"),
            el(html.Td, pct(float(r.top_n_share)), className="num"),
            el(html.Td, "–" if pd.isna(r.hhi) else f"{r.hhi:,.0f}", className="num"),
            el(html.Td, band_label(r.band)),
            el(html.Td, toggle_button("area", r.key, r.name, chosen)),
        ], className="is-selected" if chosen else None))
    return html.Table(
        [
            html.Caption(f"Supplier concentration per service area, by {measure}, with the share held by "
                         f"the {n} largest suppliers of each (most concentrated first)"),
            html.Thead(html.Tr([
                html.Th("Service area", scope="col"),
                html.Th("Contracts", scope="col", className="num"),
                html.Th("Suppliers", scope="col", className="num"),
                html.Th("Largest supplier (share)", scope="col"),
                html.Th(top_n_heading(n), scope="col", className="num"),
                html.Th(html.Abbr("HHI", title="Herfindahl-Hirschman index, 0 to 10,000"), scope="col",
                        className="num"),
                html.Th("Concentration", scope="col"),
                html.Th("Filter", scope="col"),
            ])),
            html.Tbody(rows),
        ],
        className="table table-sm hhi-table",
    )


def ranked_slugs(shares: pd.DataFrame, selected: Collection[str], limit: int = RANKED_LIMIT) -> list[str]:
    """The suppliers the ranked table shows: the `limit` largest, then any selected one further
    down (so a selection can always be undone from the table)."""
    slugs = shares["supplier_slug"].tolist()
    chosen = set(selected)
    return slugs[:limit] + [s for s in slugs[limit:] if s in chosen]


def ranked_suppliers(shares: pd.DataFrame, weight: str, selected: Collection[str], query: str,
                     limit: int = RANKED_LIMIT) -> Any:
    """The largest suppliers, each linked to its profile and with a button that toggles it in the
    supplier filter. Returns [table, note]; ranked_patch() relies on this structure."""
    if shares.empty or int(shares["contracts"].sum()) == 0:
        return html.P("No suppliers have contracts that match these filters.", className="empty-state")
    chosen = set(selected)
    slugs = shares["supplier_slug"].tolist()
    positions = list(range(min(limit, len(slugs)))) + [i for i in range(limit, len(slugs)) if slugs[i] in chosen]
    columns = {c: shares[c].to_numpy()[positions].tolist()
               for c in ("supplier_slug", "supplier", "rank", "contracts", "annual_value", "share",
                         "cumulative_share", "boroughs")}
    rows = []
    for slug, name, rank, contracts, value, share, cumulative, boroughs in zip(*columns.values(), strict=True):
        is_selected = slug in chosen
        rows.append(el(html.Tr, [
            el(html.Td, f"{int(rank)}", className="num"),
            el(html.Th, el(dcc.Link, name, href=f"/suppliers/{slug}{query}"), scope="row"),
            el(html.Td, f"{int(contracts):,}", className="num"),
            el(html.Td, f"£{value:,.0f}" if value else "–", className="num"),
            el(html.Td, pct(float(share)), className="num"),
            el(html.Td, pct(float(cumulative)), className="num"),
            el(html.Td, f"{int(boroughs)}", className="num"),
            el(html.Td, toggle_button("supplier", slug, name, is_selected)),
        ], className="is-selected" if is_selected else ""))
    measure = "annual value" if weight == "value" else "contracts"
    others = shares.iloc[limit:]
    note = ""
    if len(others):
        note = (f"The other {len(others):,} suppliers hold {pct(float(others['share'].sum()))} between "
                "them; find any of them with the Supplier filter or the search box.")
    return [
        html.Table(
            [
                html.Caption(f"Suppliers ranked by {measure}"
                             + (f" (the {limit} largest of {len(shares):,})" if len(shares) > limit else "")),
                html.Thead(html.Tr([
                    html.Th("Rank", scope="col", className="num"),
                    html.Th("Supplier", scope="col"),
                    html.Th("Contracts", scope="col", className="num"),
                    html.Th("Annual value", scope="col", className="num"),
                    html.Th(f"Share of {measure}", scope="col", className="num"),
                    html.Th("Cumulative share", scope="col", className="num"),
                    html.Th("Boroughs", scope="col", className="num"),
                    html.Th("Filter", scope="col"),
                ])),
                html.Tbody(rows),
            ],
            className="table table-sm ranked-table supplier-ranked",
        ),
        html.P(note, className="small muted"),
    ]


def ranked_patch(shown: Sequence[str], names: Mapping[str, str], before: Collection[str],
                 after: Collection[str], query: str) -> Patch:
    """Patch for the children of ranked_suppliers() when the same rows stay and only the
    selection moved: every profile link gets the new query string, and the rows whose state
    changed get their class and button props (a couple of KB instead of the whole table)."""
    patch = Patch()
    was, now = set(before), set(after)
    body = patch[0]["props"]["children"][2]["props"]["children"]
    for i, slug in enumerate(shown):
        body[i]["props"]["children"][1]["props"]["children"]["props"]["href"] = f"/suppliers/{slug}{query}"
        if (slug in was) == (slug in now):
            continue
        row = body[i]["props"]
        row["className"] = "is-selected" if slug in now else ""
        button = row["children"][7]["props"]["children"]["props"]
        for key, value in toggle_props(names.get(slug, slug), slug in now).items():
            button[key] = value
    return patch


def selection_summary(shares: pd.DataFrame, selected: Sequence[str], names: Mapping[str, str],
                      weight: str, query: str) -> Any:
    """One line per selected supplier: contracts, share and boroughs, with its profile link."""
    if not selected:
        return html.P("Select a supplier on the treemap or in the ranked table to filter every page to it.",
                      className="muted mb-0")
    by_slug = shares.set_index("supplier_slug") if len(shares) else None
    measure = "annual value" if weight == "value" else "contracts"
    items = []
    for slug in selected:
        name = names.get(slug, slug)
        link = dcc.Link(f"{name}'s profile", href=f"/suppliers/{slug}{query}")
        if by_slug is None or slug not in by_slug.index or int(by_slug.at[slug, "contracts"]) == 0:
            items.append(html.Li([html.Strong(name), ": no contracts match the other filters. ", link]))
            continue
        r = by_slug.loc[slug]
        items.append(html.Li([
            html.Strong(name),
            f": {plural(int(r['contracts']), 'contract')} in {plural(int(r['boroughs']), 'borough')}, "
            f"{pct(float(r['share']))} of the {measure} shown (rank {int(r['rank'])}). ",
            link,
        ]))
    return html.Div([html.H2("Selected suppliers", className="h6 mb-1"), html.Ul(items, className="mb-0")])


def concentration_panel(conc: pd.DataFrame, weight: str, n: int, selected_areas: Collection[str] = ()) -> list[Any]:
    """The HHI and top-n sentences, the per-area table and what the bands mean. `conc` is
    concentration_by(..., n=n), n the page's "Count the largest" choice."""
    sentences = [band_summary(conc)]
    for sentence in (majority_sentence(conc, weight, n), most_concentrated_sentence(conc, weight, n)):
        if sentence:
            sentences.append(sentence)
    return [
        html.P(" ".join(sentences), className="conc-sentences"),
        html.Div(hhi_table(conc, weight, n, selected_areas), className="table-responsive", tabIndex="0",
                 role="region", **{"aria-label": "Supplier concentration per service area"}),
        html.P(["The Herfindahl-Hirschman index (HHI) adds up the squared percentage shares of every "
                "supplier: 10,000 means one supplier holds everything. Under ", f"{HHI_MODERATE:,.0f}",
                " is unconcentrated, ", f"{HHI_MODERATE:,.0f} to {HHI_HIGH:,.0f}", " moderately and over ",
                f"{HHI_HIGH:,.0f}", " highly concentrated. A contract shared by several boroughs counts once "
                "per borough."], className="small muted"),
    ]
