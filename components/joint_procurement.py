"""The joint-procurement finder's cards: boroughs whose contracts for one system (or one service
area) end close together, when to start buying together, and a link to exactly those contracts.

The clusters come from techmap.renewals.joint_procurement_clusters; this module only words them.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from dash import dcc, html

from components.fast_html import el
from techmap.appstate import VIEW_PARAMS, AppState
from techmap.authorities import by_code
from techmap.renewals import Cluster
from techmap.wording import fmt_date

CARDS_PER_PAGE = 8
MAX_SUPPLIERS_NAMED = 8
KIND_WORDS = {"system": "Same system", "service_area": "Same service area"}


def months_options(name: str) -> list[dict[str, str]]:
    """Options of a view setting counted in months ('within', 'lead'), from the allow-list."""
    return [{"label": f"{v} months", "value": v} for v in VIEW_PARAMS[name][1]]


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


def cluster_card(cluster: Cluster, state: AppState, today: date, lead: int) -> html.Article:
    """One group as a card (built with el: a page of cards is rebuilt on every change)."""
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
            el(dcc.Link, f"Show these {n} contracts on the timeline", href=cluster_href(cluster, state),
               className="jp-link"),
        ],
        className="jp-card",
        **{"aria-label": f"{kind}: {cluster.label}"},
    )


def finder_caption(clusters: list[Cluster], *, within: int, lead: int, today: date,
                   selected_names: list[str]) -> str:
    """The finder's main finding: how many groups, of which kinds, and how many are already late."""
    scope = f" that include {' or '.join(selected_names)}" if selected_names else ""
    if not clusters:
        return (f"No group of two or more boroughs{scope} has contracts for the same system or service "
                f"area ending within {within} months of each other. Try a longer window.")
    systems = sum(1 for c in clusters if c.kind == "system")
    late = sum(1 for c in clusters if c.suggested_start < today)
    n = len(clusters)
    text = (f"{n:,} group{'s' if n != 1 else ''} of boroughs{scope} could buy together: {systems:,} on the "
            f"same system and {n - systems:,} in the same service area, with contracts ending within "
            f"{within} months of each other.")
    if late:
        text += (f" For {late:,} of them the suggested start ({lead} months before the first end) has "
                 "already passed.")
    upcoming = next((c for c in clusters if c.suggested_start >= today), None)
    if upcoming is not None:
        boroughs = [by_code()[code].name if code in by_code() else code for code in upcoming.authorities]
        shown = ", ".join(boroughs[:4]) + (f" and {len(boroughs) - 4} more" if len(boroughs) > 4 else "")
        text += f" Next to start: {upcoming.label} ({shown}), by {fmt_date(upcoming.suggested_start)}."
    return text


def finder_pager_text(page: int, total: int, per_page: int = CARDS_PER_PAGE) -> str:
    if total == 0:
        return ""
    first = page * per_page + 1
    last = min(total, (page + 1) * per_page)
    return f"Groups {first:,}–{last:,} of {total:,}, soonest suggested start first."


def finder_cards(clusters: list[Cluster], page: int, state: AppState, today: date, lead: int,
                 per_page: int = CARDS_PER_PAGE) -> list[Any]:
    shown = clusters[page * per_page:(page + 1) * per_page]
    if not shown:
        return [html.P("No joint-procurement groups to show for the current filters.", className="empty-state")]
    return [cluster_card(c, state, today, lead) for c in shown]


def last_page(total: int, per_page: int = CARDS_PER_PAGE) -> int:
    return max(0, (total - 1) // per_page)
