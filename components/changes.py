"""Builders of the /changes page: the version pickers, the summary with supplier switches and
renewals called out, and the changes grouped by borough and service area, each group a real table.
Pure functions of the view techmap.service.change_views computes (plain dicts)."""

from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
from dash import html

import ids
from techmap.service.change_views import grouped

PUBLISH_HINT = "python -m techmap publish"
MAX_ROWS = 50  # changes listed on the page; the API and the feed give every one
KIND_WORDS = {"added": "Added", "removed": "Removed", "changed": "Changed"}
TAG_WORDS = {"supplier_switched": "supplier switched", "renewed": "renewed",
             "extension_taken": "extension taken", "end_date_moved": "end date moved",
             "value_changed": "value changed"}
FIELD_WORDS = {"end_date": "end date", "max_end_date": "latest end date",
               "annual_value_gbp": "annual value (£)", "total_value_gbp": "total value (£)"}


def version_label(version: dict[str, Any]) -> str:
    note = f": {version['note']}" if version["note"] else ""
    return f"Version {version['number']} ({version['published_at'][:10]}{note})"


def version_pickers(versions: list[dict[str, Any]], chosen: tuple[int, int]) -> html.Div:
    """Two native selects (ids.view("from"), ids.view("to")), kept in the URL like view settings."""
    options = [{"label": version_label(v), "value": str(v["number"])} for v in versions]

    def picker(name: str, label: str, value: int) -> html.Div:
        # the label wraps the select: a pattern id (a dict) cannot be named by html_for
        return html.Label([html.Span(label, className="form-label d-block"),
                           dbc.Select(id=ids.view(name), options=options, value=str(value),
                                      name=f"changes-{name}")],
                          className="changes-picker")

    return html.Div([picker("from", "From version", chosen[0]),
                     picker("to", "To version", chosen[1])], className="changes-pickers")


def empty_state(message: str) -> html.Div:
    return html.Div(html.P(message), className="changes-empty", role="status")


def nothing_to_compare() -> html.Div:
    return empty_state("Nothing to compare yet: the store holds one version. Publish a new "
                       f"version with {PUBLISH_HINT} and its changes appear here.")


def _switch_line(switch: dict[str, Any], names: dict[str, str]) -> html.Li:
    borough = names.get(switch["authority_code"], switch["authority_code"])
    return html.Li(f"{borough}, {switch['service_area']}: "
                   f"{' and '.join(switch['old_suppliers'])} → {' and '.join(switch['new_suppliers'])}")


def summary(view: dict[str, Any]) -> html.Section:
    """Counts, then the supplier switches and renewals by name (what people act on)."""
    counts = view["summary"]
    names = {c["authority_code"]: c["authority_name"]
             for kind in ("changed", "added", "removed") for c in view[kind]}
    facts = [("Added", counts["added"]), ("Removed", counts["removed"]),
             ("Changed", counts["changed"]), ("Supplier switches", counts["supplier_switches"]),
             ("Renewals", counts["renewals"]), ("Extensions taken", counts["extensions_taken"]),
             ("End dates moved", counts["end_dates_moved"]),
             ("Values changed", counts["values_changed"])]
    parts: list[Any] = [
        html.H2(f"From version {view['from']} to version {view['to']}", id="changes-summary-title"),
        html.Dl([item for label, number in facts
                 for item in (html.Dt(label), html.Dd(f"{number:,}"))], className="changes-counts"),
    ]
    if view["switches"]:
        parts += [html.H3("Supplier switches"),
                  html.Ul([_switch_line(s, names) for s in view["switches"]],
                          id="changes-switches")]
    renewals = [c for c in view["changed"] if "renewed" in c["tags"]]
    if renewals:
        parts += [html.H3("Renewals"),
                  html.Ul([html.Li(f"{c['authority_name']}, {c['system'] or c['service_area']} "
                                   f"({c['contract_id']}): {_field_text(c, 'end_date')}")
                           for c in renewals[:MAX_ROWS]], id="changes-renewals")]
    return html.Section(parts, className="changes-summary",
                        **{"aria-labelledby": "changes-summary-title"})


def _field_text(change: dict[str, Any], name: str) -> str:
    field = next((f for f in change["fields"] if f["field"] == name), None)
    return "" if field is None else f"{field['old'] or 'blank'} → {field['new'] or 'blank'}"


def _what_changed(change: dict[str, Any]) -> Any:
    if change["kind"] != "changed":
        return KIND_WORDS[change["kind"]].lower()
    return html.Ul([html.Li(f"{FIELD_WORDS.get(f['field'], f['field'].replace('_', ' '))}: "
                            f"{f['old'] or 'blank'} → {f['new'] or 'blank'}")
                    for f in change["fields"]], className="changes-fields")


def _table(caption: str, changes: list[dict[str, Any]]) -> html.Table:
    head = html.Thead(html.Tr([html.Th(t, scope="col") for t in
                               ("Contract", "Change", "System", "Supplier", "What changed")]))
    body = html.Tbody([
        html.Tr([html.Th(c["contract_id"], scope="row"), html.Td(
            ", ".join(TAG_WORDS[t] for t in c["tags"]) or KIND_WORDS[c["kind"]]),
            html.Td(c["system"]), html.Td(c["supplier"]), html.Td(_what_changed(c))],
            className=f"change-{c['kind']}", **{"data-contract": c["contract_id"]})
        for c in changes])
    return html.Table([html.Caption(caption), head, body], className="table changes-table")


def change_groups(view: dict[str, Any]) -> html.Div:
    """One table per (borough, service area); at most MAX_ROWS changes in all."""
    groups = grouped(view)
    if not groups:
        return empty_state(f"No contract changed between version {view['from']} and version "
                           f"{view['to']} under these filters.")
    shown, blocks = 0, []
    for borough, area, changes in groups:
        if shown >= MAX_ROWS:
            break
        part = changes[:MAX_ROWS - shown]
        shown += len(part)
        blocks.append(html.Section([html.H3(f"{borough}: {area}"),
                                    _table(f"Changes in {borough}, {area}", part)],
                                   className="changes-group"))
    total = sum(len(items) for _, _, items in groups)
    if total > shown:
        blocks.append(html.P(f"Showing {shown:,} of {total:,} changes: narrow them with the "
                             "filters, or get every one from /api/v1/changes.",
                             className="changes-more"))
    return html.Div([html.H2("Changes by borough and service area"), *blocks])


def changes_body(view: dict[str, Any]) -> list[Any]:
    """What follows the filters: the summary, then the groups (or why there are none)."""
    return [summary(view), change_groups(view)]
