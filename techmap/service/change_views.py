"""What changed between two published versions, for the /changes page, the API and the feed.

The store's versions never change once published, so the rows two versions do not share and
their changes are kept per (store, version pair, role) in a small in-process LRU; the filtered view each request asks
for is cached through the service layer (views.cached) keyed by (from, to, filters) and the role.
A change is kept by the shared filters when its contract matches them in either version, so a
supplier switch from A to B shows under a filter on A and under one on B.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import cachetools
import pandas as pd

from techmap.analysis.filters import FilterState
from techmap.analysis.queries import filter_mask
from techmap.service import context, views
from techmap.store.changes import Changes, ContractChange, compute_changes
from techmap.store.db import Database
from techmap.store.differing import differing_rows
from techmap.store.reading import VersionInfo, VersionNotFound, list_versions

_lock = threading.Lock()
# keyed by the store's URL too: the dataset folder (and so the default store) may change
_changes: cachetools.LRUCache = cachetools.LRUCache(maxsize=8)  # (url, from, to, public) -> Changes
_opener: dict[str, Callable[[], Database]] = {}


def use_store(opener: Callable[[], Database] | None) -> None:
    """Where the versions come from (default: techmap.store.default.open_store); tests and the
    benchmark point it at their own database. Forgets what was loaded."""
    with _lock:
        _changes.clear()
        _opener.clear()
        if opener is not None:
            _opener["open"] = opener


def store() -> Database:
    """The store (open_database keeps one object per URL, so this is one cheap query)."""
    opener = _opener.get("open")
    if opener is None:
        from techmap.store.default import open_store
        opener = open_store
    return opener()


def _url() -> str:
    return str(store().engine.url)


def version_record(info: VersionInfo) -> dict[str, Any]:
    return {"number": info.number, "published_at": info.created_at.isoformat(),
            "published_by": info.published_by, "note": info.note, "origin": info.origin,
            "rollback_of": info.rollback_of, "rows": info.row_count}


def versions() -> list[dict[str, Any]]:
    """Every published version, newest first (a cheap query: not cached, so never stale)."""
    return [version_record(v) for v in list_versions(store())]


def pair(listed: list[dict[str, Any]], old: int | None, new: int | None) -> tuple[int, int] | None:
    """The (from, to) to compare: the given numbers, else the last two versions; None when the
    store has fewer than two. Raises VersionNotFound naming an unknown number."""
    numbers = [v["number"] for v in listed]
    for number in (old, new):
        if number is not None and number not in numbers:
            raise VersionNotFound(f"there is no version {number}; the versions are "
                                  f"{', '.join(map(str, numbers)) or 'none yet'}")
    if new is None:
        new = numbers[0] if numbers else None
    if old is None:
        older = [n for n in numbers if new is not None and n < new]
        old = older[0] if older else None
    return None if old is None or new is None else (old, new)


def _all_changes(old: int, new: int, public: bool) -> tuple[Changes, pd.DataFrame, pd.DataFrame]:
    """Every change from `old` to `new`, with the two tables of rows they involve (the rows the
    versions do not share: techmap.store.differing), kept per store, pair and role."""
    key = (_url(), old, new, public)
    with _lock:
        found = _changes.get(key)
    if found is None:
        gone, came = differing_rows(store(), old, new, public=public)
        found = (compute_changes(gone, came), gone, came)
        with _lock:
            _changes[key] = found
    return found


def _record(change: ContractChange) -> dict[str, Any]:
    return {"contract_id": change.contract_id, "kind": change.kind,
            "authority_code": change.authority_code, "authority_name": change.authority_name,
            "service_area": change.service_area, "system": change.system,
            "supplier": change.supplier, "tags": list(change.tags),
            "fields": [{"field": f.field, "old": f.old, "new": f.new} for f in change.fields]}


def _matching_ids(table: pd.DataFrame, filters: FilterState) -> set[str]:
    return set(table.loc[filter_mask(table, filters), "contract_id"].astype(str))


def compute_view(old: int, new: int, public: bool, filters: FilterState) -> dict[str, Any]:
    """The changes from version `old` to `new` under the filters, as plain JSON-ready data."""
    every, gone, came = _all_changes(old, new, public)
    if filters == FilterState():
        keep: Callable[[str], bool] = lambda _cid: True  # noqa: E731
    else:
        keep = (_matching_ids(gone, filters) | _matching_ids(came, filters)).__contains__
    kept = {kind: [_record(c) for c in getattr(every, kind) if keep(c.contract_id)]
            for kind in ("added", "removed", "changed")}
    switches = [{"authority_code": s.authority_code, "service_area": s.service_area,
                 "old_suppliers": list(s.old_suppliers), "new_suppliers": list(s.new_suppliers),
                 "contract_ids": list(s.contract_ids)}
                for s in every.switches if any(keep(cid) for cid in s.contract_ids)]
    changed = kept["changed"]
    summary = {"added": len(kept["added"]), "removed": len(kept["removed"]),
               "changed": len(changed), "supplier_switches": len(switches),
               "renewals": sum("renewed" in c["tags"] for c in changed),
               "extensions_taken": sum("extension_taken" in c["tags"] for c in changed),
               "end_dates_moved": sum("end_date_moved" in c["tags"] for c in changed),
               "values_changed": sum("value_changed" in c["tags"] for c in changed)}
    return {"from": old, "to": new, "summary": summary, "switches": switches, **kept}


def changes_for(old: int, new: int, filters: FilterState, *, public: bool) -> dict[str, Any]:
    """compute_view through the service layer's cache, keyed by (from, to, role, filters).
    Results are shared between requests: never modify one."""
    return views.cached("changes", (_url(), old, new, filters),
                        lambda: compute_view(old, new, public, filters),
                        role=context.role_for(public))


def grouped(view: dict[str, Any]) -> list[tuple[str, str, list[dict[str, Any]]]]:
    """Every change of a view grouped by (borough name, service area), in that order."""
    groups: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for kind in ("changed", "added", "removed"):
        for change in view[kind]:
            groups.setdefault((change["authority_name"], change["service_area"]), []).append(change)
    return [(name, area, items) for (name, area), items in sorted(groups.items())]
