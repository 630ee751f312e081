"""What changed (/changes): the contracts added, removed and changed between two published
versions (default: the last two; `from` and `to` kept in the URL as view settings), grouped by
borough and service area and narrowed by the shared filters. The computation is
techmap.service.change_views' (cached by from, to, role and filters); the builders are
components.changes'. The body follows the app state; the version pickers write it."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import dash
from dash import Output, callback, html
from sqlalchemy.exc import SQLAlchemyError

from components import changes as parts
from shell import nothing_matches
from shell.state_change import STATE_CHANGED, new_state
from techmap.appstate import AppState
from techmap.dataformat.problems import DatasetError
from techmap.service import change_views, context
from techmap.store.reading import VersionNotFound
from techmap.store.rows import CorruptStore

dash.register_page(__name__, path="/changes", title="What changed – London Tech Map",
                   name="What changed", order=5)

BODY = "changes-body"
FEED_LINK = "changes-feed-link"


def _number(state: AppState, name: str) -> int | None:
    value = state.view_value(name)
    return int(value) if value else None


def _chosen(state: AppState) -> tuple[list[dict[str, Any]], tuple[int, int] | None]:
    """The versions and the pair the state asks for (the last two by default)."""
    versions = change_views.versions()
    return versions, change_views.pair(versions, _number(state, "from"), _number(state, "to"))


def body(state: AppState) -> list[Any]:
    try:
        versions, chosen = _chosen(state)
        if chosen is None:
            return [parts.nothing_to_compare()]
        view = change_views.changes_for(*chosen, state.filters,
                                        public=context.role() == "public")
    except VersionNotFound as exc:
        return [parts.empty_state(f"{str(exc).capitalize()}: choose versions above.")]
    except (SQLAlchemyError, CorruptStore, DatasetError) as exc:
        return [parts.empty_state(f"The published versions cannot be read just now "
                                  f"({type(exc).__name__}); please try again later.")]
    return parts.changes_body(view)


def feed_href(state: AppState) -> str:
    query = urlencode(state.filters.to_pairs())
    return "/changes.atom" + (f"?{query}" if query else "")


def layout(**query: Any) -> html.Div:
    state = AppState.from_page_query(query)
    try:
        versions, chosen = _chosen(state)
    except (VersionNotFound, SQLAlchemyError):
        versions, chosen = [], None
    if chosen is None and len(versions) >= 2:  # an unknown number in the URL: offer the last two
        chosen = (versions[1]["number"], versions[0]["number"])
    pickers = [parts.version_pickers(versions, chosen)] if chosen else []
    return html.Div([
        html.H1("What changed"),
        nothing_matches.slot(state, "/changes"),
        html.P("Contracts added, removed and changed between two published versions of the data: "
               "supplier switches, renewals, moved end dates and new values. The filters narrow "
               "it.", className="lead"),
        html.P(["Follow the published versions as a feed: ",
                html.A("Atom feed of changes (with these filters)", id=FEED_LINK,
                       href=feed_href(state))]),
        *pickers,
        html.Div(body(state), id=BODY, **{"aria-live": "polite"}),
    ])


@callback(Output(BODY, "children"), Output(FEED_LINK, "href"), STATE_CHANGED, prevent_initial_call=True)
def update_body(change: Any) -> tuple[Any, str]:
    state = new_state(change)
    return body(state), feed_href(state)
