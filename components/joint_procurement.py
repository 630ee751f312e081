"""The joint-procurement finder's cards: boroughs whose contracts for one system (or one service
area) end close together, when to start buying together, and a link to exactly those contracts.

The clusters come from techmap.analysis.renewals.joint_procurement_clusters, filtered, sorted and
given their boroughs' own end dates and combined value by techmap.analysis.joint_finder (FinderRow);
this module only words them.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from dash import dcc, html

from components.fast_html import el
from techmap.appstate import VIEW_PARAMS, AppState
from techmap.dataformat.authorities import by_code
from techmap.analysis.joint_finder import PER_PAGE, FinderRow
from techmap.analysis.renewals import Cluster
from techmap.wording import fmt_date

CARDS_PER_PAGE = PER_PAGE
MAX_SUPPLIERS_NAMED = 8
MAX_PEER_ENDS = 6  # peers' end dates named on a card; the CSV has them all
KIND_WORDS = {"system": "Same system", "service_area": "Same service area"}
# The finder's view settings (techmap.appstate.VIEW_PARAMS) in words.
FINDER_OPTIONS = {
    "finder": [("all", "Both kinds"), ("system", "Same system"), ("service_area", "Same service area")],
    "finder_sort": [("end", "Soonest end"), ("boroughs", "Most boroughs"),
                    ("value", "Largest combined annual value")],
    "finder_show": [("page", f"{PER_PAGE} at a time"), ("all", "All")],
}
SORT_WORDS = {"end": "soonest end first", "boroughs": "most boroughs first",
              "value": "largest combined annual value first"}


def months_options(name: str) -> list[dict[str, str]]:
    """Options of a view setting counted in months ('within', 'lead'), from the allow-list."""
    return [{"label": f"{v} months", "value": v} for v in VIEW_PARAMS[name][1]]


def finder_options(name: str) -> list[dict[str, str]]:
    """Options of one of the finder's radio groups ("finder", "finder_sort", "finder_show")."""
    return [{"label": label, "value": value} for value, label in FINDER_OPTIONS[name]]


def cluster_state(cluster: Cluster, state: AppState) -> AppState:
    """The app state that shows exactly this cluster's contracts: its boroughs, its system or
    service area and its end dates, keeping the other filters and the view settings."""
    key_filter = {"system": [cluster.key]} if cluster.kind == "system" else {"area": [cluster.key]}
    filters = state.filters.with_values(
        authority=list(cluster.authorities), **key_filter,
        ends_from=cluster.earliest_end.isoformat(), ends_to=cluster.latest_end.isoformat())
    return AppState(filters, state.view)


def cluster_href(cluster: Cluster, state: AppState) -> str:
    return "/renewals" + cluster_state(cluster, state).to_query_string()


def _profile_query(cluster: Cluster, state: AppState) -> str:
    """The query string of a group member's profile: the current filters without the borough (the
    profile is about one borough) plus the group's system or service area. The same for every
    member, so it is built once per card."""
    key_filter = {"system": [cluster.key]} if cluster.kind == "system" else {"area": [cluster.key]}
    filters = state.filters.without("authority").with_values(**key_filter)
    return AppState(filters, state.view).to_query_string()


def borough_href(cluster: Cluster, code: str, state: AppState, query: str | None = None) -> str | None:
    """A group member's profile, showing its contracts for the group's system or service area
    under the current filters; `query` is _profile_query(cluster, state) when already known."""
    authority = by_code().get(code)
    if authority is None:
        return None
    return f"/borough/{authority.slug}" + (query if query is not None else _profile_query(cluster, state))


ALL_BUT_MAX = 8  # "all except ..." when at most this many boroughs are missing


def _borough_links(cluster: Cluster, state: AppState) -> list[Any]:
    """Links to the boroughs' profiles (each showing its contracts for the group's system or
    service area), or, when nearly every borough is in, the few that are not (33 links say less
    than 'all except Sutton')."""
    codes, selected = cluster.authorities, state.filters.authority
    everyone = by_code()
    missing = sorted(everyone[c].name for c in everyone if c not in codes)
    if len(codes) > len(everyone) // 2 and len(missing) <= ALL_BUT_MAX:
        mine = [everyone[c].name for c in selected if c in codes]
        text = "all London boroughs" if not missing else f"all except {', '.join(missing)}"
        return [text + (f" (including {', '.join(mine)})" if mine else "")]
    out: list[Any] = []
    query = _profile_query(cluster, state)
    for code in codes:
        authority = everyone.get(code)
        name = authority.name if authority else code
        text: Any = el(html.Strong, name) if code in selected else name
        if out:
            out.append(", ")
        href = borough_href(cluster, code, state, query)
        out.append(el(dcc.Link, text, href=href) if href else text)  # el: see components/fast_html.py
    return out


def _suppliers(names: tuple[str, ...]) -> str:
    if len(names) <= MAX_SUPPLIERS_NAMED:
        return ", ".join(names)
    rest = len(names) - MAX_SUPPLIERS_NAMED
    return ", ".join(names[:MAX_SUPPLIERS_NAMED]) + f" and {rest} more"


def start_words(cluster: Cluster, lead: int, today: date) -> list[Any]:
    """'Start by 30 Sep 2025 (18 months before the first end): passed, start now.'"""
    words: list[Any] = [el(html.Strong, f"Start by {fmt_date(cluster.suggested_start)}"),
                        f" ({lead} months before the first end)"]
    if cluster.suggested_start < today:
        words.append(el(html.Span, " — passed: start now", className="jp-late"))
    return words


def value_words(row: FinderRow) -> str:
    """'£1,234,000 a year (3 of 4 contracts have a published value)' or 'not published'."""
    n = len(row.cluster.contract_ids)
    if row.combined_value is None:
        return "not published for any of these contracts"
    share = "" if row.valued == n else f" ({row.valued} of {n} contracts have a published value)"
    return f"£{row.combined_value:,.0f} a year{share}"


def own_end_words(row: FinderRow, selected: tuple[str, ...]) -> list[Any]:
    """The selected boroughs' own first end date in the group, then their peers' (the soonest
    MAX_PEER_ENDS), e.g. '**Camden 31 Mar 2027** (selected); peers: Hackney 30 Sep 2027'."""
    names = by_code()
    mine = [(c, d) for c, d in row.ends if c in selected]
    peers = [(c, d) for c, d in row.ends if c not in selected]

    def named(code: str) -> str:
        return names[code].name if code in names else code

    words: list[Any] = []
    for code, day in mine:
        if words:
            words.append(", ")
        words.append(el(html.Strong, f"{named(code)} {fmt_date(day)}"))
    words.append(" (selected)" if mine else "")
    if peers:
        shown = ", ".join(f"{named(c)} {fmt_date(d)}" for c, d in peers[:MAX_PEER_ENDS])
        more = len(peers) - MAX_PEER_ENDS
        words.append(f"; peers: {shown}" + (f" and {more} more (all in the CSV)" if more > 0 else ""))
    return words


def cluster_card(cluster: Cluster, state: AppState, today: date, lead: int,
                 row: FinderRow | None = None) -> html.Article:
    """One group as a card (built with el: a page of cards is rebuilt on every change). With its
    FinderRow: the combined annual value and, when boroughs are selected, their own end dates
    beside their peers'."""
    n = len(cluster.contract_ids)
    kind = KIND_WORDS[cluster.kind]
    heading = cluster.label if cluster.kind == "system" else f"{cluster.label} (any system)"
    ends = (f"{fmt_date(cluster.earliest_end)} to {fmt_date(cluster.latest_end)}"
            if cluster.latest_end != cluster.earliest_end else f"all on {fmt_date(cluster.earliest_end)}")
    return el(
        html.Article, [
            el(html.H3, [heading, el(html.Span, kind, className="jp-kind")], className="h6 jp-title"),
            el(html.P, start_words(cluster, lead, today), className="jp-start"),
            el(html.P, [el(html.Strong, f"Boroughs ({cluster.boroughs}): "),
                        *_borough_links(cluster, state)], className="jp-fact"),
            el(html.P, [el(html.Strong, "Suppliers: " if len(cluster.suppliers) != 1 else "Supplier: "),
                        _suppliers(cluster.suppliers)], className="jp-fact"),
            el(html.P, [el(html.Strong, "Contracts end: "), ends], className="jp-fact"),
            *([el(html.P, [el(html.Strong, "End dates: "), *own_end_words(row, state.filters.authority)],
                  className="jp-fact jp-own-end")] if row is not None and state.filters.authority else []),
            *([el(html.P, [el(html.Strong, "Combined annual value: "), value_words(row)], className="jp-fact")]
              if row is not None else []),
            el(dcc.Link, f"Show these {n} contracts on the timeline", href=cluster_href(cluster, state),
               className="jp-link"),
        ],
        className="jp-card",
        **{"aria-label": f"{kind}: {cluster.label}"},
    )


def finder_caption(clusters: list[Cluster], *, within: int, lead: int, today: date,
                   selected_names: list[str], kind: str = "all") -> str:
    """The finder's main finding: how many groups, of which kinds, and how many are already late.
    `kind` ("system" / "service_area") when the list is narrowed to one kind of group."""
    scope = f" that include {' or '.join(selected_names)}" if selected_names else ""
    what = {"system": "the same system", "service_area": "the same service area"}.get(kind)
    if not clusters:
        return (f"No group of two or more boroughs{scope} has contracts for "
                f"{what or 'the same system or service area'} ending within {within} months of each "
                "other. Try a longer window" + (", or both kinds of group." if what else "."))
    systems = sum(1 for c in clusters if c.kind == "system")
    late = sum(1 for c in clusters if c.suggested_start < today)
    n = len(clusters)
    kinds = (f"{systems:,} on the same system and {n - systems:,} in the same service area" if what is None
             else f"all on {what}" if kind == "system" else f"all in {what}")
    text = (f"{n:,} group{'s' if n != 1 else ''} of boroughs{scope} could buy together: {kinds}, with "
            f"contracts ending within {within} months of each other.")
    if late:
        text += (f" For {late:,} of them the suggested start ({lead} months before the first end) has "
                 "already passed.")
    ahead = [c for c in clusters if c.suggested_start >= today]
    if ahead:  # the soonest, whatever order the list is in
        upcoming = min(ahead, key=lambda c: (c.suggested_start, c.label, c.kind, c.key))
        boroughs = [by_code()[code].name if code in by_code() else code for code in upcoming.authorities]
        shown = ", ".join(boroughs[:4]) + (f" and {len(boroughs) - 4} more" if len(boroughs) > 4 else "")
        text += f" Next to start: {upcoming.label} ({shown}), by {fmt_date(upcoming.suggested_start)}."
    return text


def finder_pager_text(page: int, total: int, per_page: int | None = CARDS_PER_PAGE, sort: str = "end") -> str:
    """'Groups 1–10 of 23, soonest end first.'; per_page None: 'All 23 groups, ...'."""
    if total == 0:
        return ""
    order = SORT_WORDS.get(sort, SORT_WORDS["end"])
    if per_page is None:
        return f"All {total:,} group{'s' if total != 1 else ''}, {order}."
    first = page * per_page + 1
    last = min(total, (page + 1) * per_page)
    return f"Groups {first:,}–{last:,} of {total:,}, {order}."


def finder_cards(rows: list[FinderRow], state: AppState, today: date, lead: int) -> list[Any]:
    """The cards of the rows shown (one page, or all of them)."""
    if not rows:
        return [html.P("No joint-procurement groups to show for the current filters.", className="empty-state")]
    return [cluster_card(r.cluster, state, today, lead, r) for r in rows]


def finder_csv_link(state: AppState, total: int) -> Any:
    """The link to the CSV of every group listed (all pages), in the order shown (web/finder_download.py)."""
    if total == 0:
        return html.P("No groups, so nothing to download.", className="small muted")
    keep = {n: v for n, v in state.view.items() if n in ("within", "lead", "finder", "finder_sort")}
    query = AppState(state.filters, keep).to_query_string()  # the filters and what the list depends on
    return html.A(f"Download these {total:,} group{'s' if total != 1 else ''} (CSV)",
                  href=f"/download/joint-procurement.csv{query}", className="jp-csv")
