"""Borough profile pieces: systems by service area, next renewals, comparison with London, peers;
`profile_body` puts them together for one filter state (the page and its callback both call it),
and `boroughs_table` is the /boroughs index."""

from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd
from dash import dcc, html

from components.calendar_links import base_url_note, subscription
from components.contract_cards import contract_cards
from components.coverage import borough_gaps
from components.deadline_marks import date_with_mark, deadline_mark
from components.fast_html import el
from components.quality_panel import scroll_region
import ids
from techmap import wording
from techmap.appstate import AppState
from techmap.dataformat.authorities import Authority, by_code
from techmap.analysis.concentration import concentration_by
from techmap.analysis.coverage import unknown_areas
from techmap.dataformat.evidence import evidence_link
from techmap.analysis.queries import apply_filter, borough_metrics
from techmap.dataformat.schema import SERVICE_AREAS_BY_SLUG


def fmt_date(value: Any) -> str:
    return wording.fmt_date(value, missing=wording.NOT_KNOWN)


def fmt_money(value: Any, public: bool = True) -> str:
    """'£12,500'; a missing value is 'not published' when the dataset withholds it (value_public
    false: blanked on a public instance), else 'not known'."""
    if value is None or pd.isna(value):
        return "not known" if public else "not published"
    return f"£{value:,.0f}"


_SYSTEM_COLUMNS = ["service_area", "system", "supplier", "supplier_slug", "end_date", "max_end_date",
                   "review_date", "annual_value_gbp", "value_public", "synthetic", "evidence", "observed_date",
                   "confidence"]


def evidence_cell(synthetic: bool, evidence: Any, observed: Any, confidence: Any) -> Any:
    """'listing, 30 May 2026' linked to the evidence; 'illustrative' for made-up rows."""
    if synthetic:
        return "illustrative"
    words = ", ".join(w for w in (str(confidence or ""), fmt_date(observed) if pd.notna(observed) else "")
                      if w and w != "nan") or "public source"
    link = evidence_link(evidence)
    return el(html.A, words, href=link, rel="noopener noreferrer") if link else words


def systems_by_area(rows: pd.DataFrame, query: str, today: date) -> list[Any]:
    """One table per service area: system, supplier, end, latest end, review or notice date (the
    end and review marked "Passed" / "Due soon", components.deadline_marks), annual value."""
    if rows.empty:
        return [html.P("No contracts of this borough match the current filters.", className="empty-state")]
    out: list[Any] = []
    # only the columns shown, as plain Python values: pandas row access costs ~100x more per row
    ordered = rows[_SYSTEM_COLUMNS].sort_values(["service_area", "system"])
    columns = {c: ordered[c].astype(object).tolist() for c in _SYSTEM_COLUMNS}
    bodies: dict[str, list[Any]] = {}
    for i, area_slug in enumerate(columns["service_area"]):
        bodies.setdefault(str(area_slug), []).append(el(html.Tr, [  # el: see components/fast_html.py
            el(html.Th, columns["system"][i], scope="row"),
            el(html.Td, el(dcc.Link, columns["supplier"][i],
                           href=f"/suppliers/{columns['supplier_slug'][i]}{query}")),
            el(html.Td, date_with_mark(fmt_date(columns["end_date"][i]), columns["end_date"][i], today)),
            el(html.Td, fmt_date(columns["max_end_date"][i])),
            el(html.Td, date_with_mark(fmt_date(columns["review_date"][i]), columns["review_date"][i], today)),
            el(html.Td, fmt_money(columns["annual_value_gbp"][i], bool(columns["value_public"][i])),
               className="num"),
            el(html.Td, evidence_cell(bool(columns["synthetic"][i]), columns["evidence"][i],
                                      columns["observed_date"][i], columns["confidence"][i])),
        ]))
    for area_slug, body in bodies.items():
        area = SERVICE_AREAS_BY_SLUG.get(area_slug)
        name = area.name if area else area_slug
        out.append(html.Section([
            html.H3(name, className="h5 mt-3"),
            scroll_region(html.Table([
                html.Thead(html.Tr([html.Th(c, scope="col", className="num" if c == "Annual value" else None)
                                    for c in ("System", "Supplier", "Ends", "Latest end with extensions",
                                              "Review or notice by", "Annual value", "Evidence")])),
                html.Tbody(body),
            ], className="table table-sm"), f"{name} systems"),
        ]))
    return out


def next_renewals(rows: pd.DataFrame, today: date, limit: int = 8) -> Any:
    upcoming = rows.loc[rows["end_date"] >= pd.Timestamp(today),
                        ["end_date", "system", "supplier", "review_date"]].sort_values("end_date").head(limit)
    if upcoming.empty:
        return html.P("No upcoming contract ends are recorded for this borough.", className="empty-state")
    return html.Ol([
        html.Li([html.Strong(fmt_date(r.end_date)), *_mark(r.end_date, today), f": {r.system} ({r.supplier})",
                 *([f", review by {fmt_date(r.review_date)}", *_mark(r.review_date, today)]
                   if pd.notna(r.review_date) else [])])
        for r in upcoming.itertuples(index=False)
    ])


def _mark(d: Any, today: date) -> list[Any]:
    """[" ", badge] when the date is passed or due soon, else []."""
    badge = deadline_mark(d, today)
    return [] if badge is None else [" ", badge]


def comparison(figures: list[tuple[str, str, str]]) -> html.Div:
    return scroll_region(html.Table([
        html.Thead(html.Tr([html.Th("Measure", scope="col"), html.Th("This borough", scope="col", className="num"),
                            html.Th("London median", scope="col", className="num")])),
        html.Tbody([html.Tr([html.Th(label, scope="row"), html.Td(mine, className="num"),
                             html.Td(median, className="num")]) for label, mine, median in figures]),
    ], className="table table-sm"), "Compared with London")


def peers(borough: Authority, own: pd.DataFrame, everyone: pd.DataFrame, query: str) -> Any:
    """For each system the borough runs: the other boroughs running it and when theirs ends
    (each borough once, with its earliest end)."""
    systems = own.drop_duplicates("system_slug")[["system_slug", "system"]]
    others = everyone.loc[everyone["system_slug"].isin(systems["system_slug"])
                          & (everyone["authority_code"] != borough.code),
                          ["system_slug", "authority_code", "end_date"]]
    others = others.sort_values("end_date", kind="stable").drop_duplicates(["system_slug", "authority_code"])
    by_system: dict[str, list[tuple[str, Any]]] = {}
    for slug, code, end in zip(others["system_slug"].astype(str), others["authority_code"].astype(str),
                               others["end_date"], strict=True):
        by_system.setdefault(slug, []).append((code, end))
    items: list[Any] = []
    for slug, name in systems.itertuples(index=False):
        runs = by_system.get(str(slug))
        if not runs:
            continue
        links: list[Any] = []
        for code, end in runs:
            a = by_code()[code]
            if links:
                links.append(", ")
            links.append(el(dcc.Link, a.name, href=f"/borough/{a.slug}{query}"))
            if pd.notna(end):
                links.append(f" (ends {pd.Timestamp(end):%b %Y})")
        items.append(el(html.Li, [el(html.Strong, name), f" — {len(runs)} other borough"
                              f"{'s' if len(runs) != 1 else ''}: ", *links]))
    if not items:
        return html.P("No other borough runs the same systems in this dataset.", className="empty-state")
    return html.Ul(items, className="peer-list")


def renewals_query(state: AppState, code: str) -> str:
    """The current query with the borough added to the borough filter (kept if already there)."""
    filters = state.filters
    if code not in filters.authority:
        filters = filters.with_values(authority=(*filters.authority, code))
    return AppState(filters, state.view).to_query_string()


def _median(series: pd.Series, fmt: str) -> str:
    known = series.dropna()
    return format(known.median(), fmt) if len(known) else "–"


def comparison_figures(code: str, everyone: pd.DataFrame, today: date) -> list[tuple[str, str, str]]:
    """(measure, this borough, London median) for the comparison table, from the rows under the
    filters of every borough."""
    metrics = borough_metrics(everyone, today=today)
    hhi = concentration_by(everyone, "authority_code").set_index("key")["hhi"]
    mine_hhi = hhi.get(code, float("nan"))
    mine = metrics.loc[code]
    value = mine["annual_value"]
    return [
        ("Contracts", f"{mine['contracts']:,}", _median(metrics["contracts"], ",.0f")),
        ("Suppliers", f"{mine['suppliers']:,}", _median(metrics["suppliers"], ",.0f")),
        ("Systems", f"{mine['systems']:,}", _median(metrics["systems"], ",.0f")),
        ("Supplier concentration (HHI, 0–10,000)", "–" if pd.isna(mine_hhi) else f"{mine_hhi:,.0f}",
         _median(hhi, ",.0f")),
        ("Contracts ending in the next 12 months", f"{mine['ending_12m']:,}", _median(metrics["ending_12m"], ",.0f")),
        # A borough whose values are all withheld says so, never "£0" (its median skips them too).
        ("Annual value (where published)",
         ("no contracts" if not mine["contracts"] else "not published") if pd.isna(value) else f"£{value:,.0f}",
         "£" + _median(metrics["annual_value"], ",.0f") if metrics["annual_value"].notna().any() else "–"),
    ]


def profile_body(authority: Authority, contracts: pd.DataFrame, state: AppState, today: date) -> list[Any]:
    """Everything of the profile below its heading, for one filter state. The borough filter is
    not applied (this page *is* one borough; the other boroughs are its comparison and peers)."""
    q = state.to_query_string()
    everyone = apply_filter(contracts, state.filters, ignore=("authority",))
    own = everyone[everyone["authority_code"] == authority.code]
    filtered = not state.filters.without("authority").is_empty
    return [
        html.P(dcc.Link("← All boroughs", href=f"/boroughs{q}"), className="mb-1 back-link"),
        html.P([
            f"{wording.plural(len(own), 'contract')} with {wording.plural(own['supplier_slug'].nunique(), 'supplier')}"
            + (" (filtered)." if filtered else "."),
            " ",
            dcc.Link("See its renewals", href=f"/renewals{renewals_query(state, authority.code)}"),
            " · ",
            html.A("Subscribe to its renewals calendar", href="#calendar"),
        ], className="lead", id=ids.BOROUGH_SUMMARY),
        html.Div([
            html.Section([html.H2("Next renewals", className="h4"), next_renewals(own, today)],
                         className="panel"),
            html.Section([html.H2("Compared with London", className="h4"),
                          comparison(comparison_figures(authority.code, everyone, today)),
                          html.P("HHI: the Herfindahl-Hirschman index of supplier shares; under 1,000 is "
                                 "unconcentrated, over 2,000 highly concentrated.", className="small muted")],
                         className="panel"),
        ], className="profile-grid"),
        html.Section([html.H2("Systems by service area", className="h4"),  # tables, or cards on a phone
                      *(systems_by_area(own, q, today) if own.empty else
                        [html.Div(systems_by_area(own, q, today), className="wide-only"),
                         contract_cards(own, q, today)])]),
        calendar_section(authority),
        borough_gaps(unknown_areas(contracts)[authority.code]),
        html.Section([html.H2("Peers running the same systems", className="h4"), peers(authority, own, everyone, q)],
                     className="mt-3"),
    ]


def calendar_section(authority: Authority) -> html.Section:
    """The borough's renewals calendar: subscribe (webcal), copy the link, or download it."""
    return html.Section([
        html.H2("Renewals calendar", className="h4", id="calendar"),
        html.P("Every contract of the borough, whatever the filters: ends, latest ends, review dates "
               "and suggested re-procurement starts.",
               className="small"),
        html.Div(subscription(f"/calendar/{authority.code}.ics", f"{authority.name}'s renewals calendar",
                              "borough"), className="calendar-item"),
        base_url_note(),
    ], className="mt-3")


def boroughs_table(contracts: pd.DataFrame, state: AppState, today: date) -> html.Div:
    """The /boroughs index: every borough with its numbers under the filters (the borough filter
    aside: this is the list to choose from), each linked to its profile with the filters."""
    rows = apply_filter(contracts, state.filters, ignore=("authority",))
    metrics = borough_metrics(rows, today=today).sort_values("name")
    q = state.to_query_string()
    body = [
        el(html.Tr, [
            el(html.Th, el(dcc.Link, r.name, href=f"/borough/{r.slug}{q}"), scope="row"),
            el(html.Td, f"{r.contracts:,}", className="num"),
            el(html.Td, f"{r.suppliers:,}", className="num"),
            el(html.Td, f"{r.ending_12m:,}", className="num"),
        ])
        for r in metrics.itertuples()
    ]
    caption = ("London boroughs with their contract counts under the current filters"
               if not state.filters.without("authority").is_empty else
               "London boroughs with their contract counts")
    return scroll_region(html.Table([
        html.Caption(caption),
        html.Thead(html.Tr([html.Th("Borough", scope="col"), html.Th("Contracts", scope="col", className="num"),
                            html.Th("Suppliers", scope="col", className="num"),
                            html.Th("Ending in 12 months", scope="col", className="num")])),
        html.Tbody(body),
    ], className="table table-sm"), "Boroughs")
