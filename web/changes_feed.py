"""/changes.atom: an Atom 1.0 feed of the published versions, each entry the change summary from
the version before it, narrowed by the shared filters (for people who follow a borough or a
supplier). Built with xml.etree (no dependency); values follow the request's role: anonymous
readers get public fields only, a member's secret address (web/member_changes_feed.py) every field
the member may see."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, Response, request
from sqlalchemy.exc import SQLAlchemyError

from techmap.appstate import AppState
from techmap.service import change_views
from web.auth_state import public_only

bp = Blueprint("changes_feed", __name__)

ATOM = "http://www.w3.org/2005/Atom"
ATOM_MEDIA_TYPE = "application/atom+xml"
MAX_ENTRIES = 10  # the newest versions; older ones are in /api/v1/versions
FEED_MAX_AGE_SECONDS = 300
SUMMARY_WORDS = (("added", "added"), ("removed", "removed"), ("changed", "changed"),
                 ("supplier_switches", "supplier switches"), ("renewals", "renewals"),
                 ("extensions_taken", "extensions taken"), ("end_dates_moved", "end dates moved"),
                 ("values_changed", "values changed"))


def _add(parent: ET.Element, tag: str, text: str | None = None, **attributes: str) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attributes)
    if text is not None:
        element.text = text
    return element


def summary_text(view: dict[str, Any]) -> str:
    counts = view["summary"]
    parts = [f"{counts[key]:,} {words}" for key, words in SUMMARY_WORDS if counts[key]]
    lines = [f"From version {view['from']} to version {view['to']}: "
             + (", ".join(parts) if parts else "no contract changed under these filters") + "."]
    for switch in view["switches"]:
        lines.append(f"Supplier switch in {switch['authority_code']}, {switch['service_area']}: "
                     f"{' and '.join(switch['old_suppliers'])} -> "
                     f"{' and '.join(switch['new_suppliers'])}.")
    return "\n".join(lines)


def feed_document(versions: list[dict[str, Any]], views: dict[int, dict[str, Any]],
                  base: str, query: str, self_path: str = "/changes.atom") -> bytes:
    """The Atom document: one entry per version (newest first) with the summary of its changes
    from the version before it (`views`, by the newer number; the first version has none).
    `self_path`: where the feed is (a member's secret address, or /changes.atom)."""
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")
    _add(feed, "title", "London Tech Map: what changed")
    _add(feed, "subtitle", "Published versions of the data and what changed in each"
         + (f" (filters: {query})" if query else ""))
    _add(feed, "id", f"{base}{self_path}" + (f"?{query}" if query else ""))
    _add(feed, "link", rel="self", href=f"{base}{self_path}" + (f"?{query}" if query else ""))
    _add(feed, "link", rel="alternate", type="text/html",
         href=f"{base}/changes" + (f"?{query}" if query else ""))
    _add(feed, "updated", versions[0]["published_at"] if versions else "1970-01-01T00:00:00+00:00")
    author = _add(feed, "author")
    _add(author, "name", "London Tech Map")
    for version in versions[:MAX_ENTRIES]:
        number = version["number"]
        entry = _add(feed, "entry")
        _add(entry, "title", f"Version {number}" + (f": {version['note']}" if version["note"] else ""))
        _add(entry, "id", f"{base}/changes.atom#version-{number}")
        _add(entry, "updated", version["published_at"])
        view = views.get(number)
        pair = f"from={view['from']}&to={number}" if view else ""
        link_query = "&".join(p for p in (query, pair) if p)
        _add(entry, "link", rel="alternate", type="text/html",
             href=f"{base}/changes" + (f"?{link_query}" if link_query else ""))
        text = summary_text(view) if view else "The first published version: nothing before it."
        _add(entry, "summary", text, type="text")
        entry_author = _add(entry, "author")
        _add(entry_author, "name", version["published_by"] or "unknown")
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)


@bp.get("/changes.atom")
def changes_atom() -> Response:
    """The feed for the request's role: public fields only for anonymous visitors."""
    return atom_response("/changes.atom")


def atom_response(self_path: str) -> Response:
    state = AppState.from_query_string(request.query_string.decode("utf-8", "replace"))
    query = urlencode(state.filters.to_pairs())
    try:
        versions = change_views.versions()
        numbers = [v["number"] for v in versions]
        views = {new: change_views.changes_for(old, new, state.filters, public=public_only())
                 for new, old in zip(numbers[:MAX_ENTRIES], numbers[1:MAX_ENTRIES + 1])}
    except SQLAlchemyError:
        return Response("The published versions cannot be read just now; please try again "
                        "later.\n", status=503, mimetype="text/plain")
    body = feed_document(versions, views, request.host_url.rstrip("/"), query, self_path)
    response = Response(body, mimetype=ATOM_MEDIA_TYPE)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.cache_control.max_age = FEED_MAX_AGE_SECONDS
    response.vary.add("Cookie")
    response.vary.add("Authorization")
    return response
