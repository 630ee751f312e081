"""What changed between two versions of the contracts: a pure function of two loaded tables.

Contracts are matched by contract_id. A contract in both whose fields differ is "changed", with
each field's old and new value; the changes people act on are tagged:
- `supplier_switched`: the supplier is another one (by slug, so a respelling is not a switch);
- `renewed`: the end date moved later; `extension_taken` when the new end is within the old
  latest end (max_end_date), i.e. an extension the contract allowed;
- `end_date_moved`: the end date moved at all (earlier, later, set or cleared);
- `value_changed`: the annual or total value differs.
A borough that replaced a contract by a new one (a new contract_id) for the same service area with
another supplier is a supplier switch too: `Changes.switches` lists both kinds per (borough,
service area). Vectorised over the tables; objects are made only for the rows that changed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from techmap.schema import COLUMN_NAMES, DATE_COLUMNS, MONEY_COLUMNS

# Compared fields: the data's own columns (derived columns follow them; contract_id is the key).
COMPARED = tuple(c for c in COLUMN_NAMES if c != "contract_id")
_CONTEXT = ("authority_code", "authority_name", "service_area", "system", "supplier")


@dataclass(frozen=True)
class FieldChange:
    field: str
    old: str  # as written in contracts.csv ("" for blank)
    new: str


@dataclass(frozen=True)
class ContractChange:
    contract_id: str
    kind: str  # "added", "removed" or "changed"
    authority_code: str
    authority_name: str
    service_area: str
    system: str
    supplier: str  # the new supplier (the old one for a removed contract)
    fields: tuple[FieldChange, ...] = ()
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class SupplierSwitch:
    authority_code: str
    service_area: str
    old_suppliers: tuple[str, ...]
    new_suppliers: tuple[str, ...]
    contract_ids: tuple[str, ...]  # the contracts involved (changed, or removed and added)


@dataclass(frozen=True)
class Changes:
    added: tuple[ContractChange, ...]
    removed: tuple[ContractChange, ...]
    changed: tuple[ContractChange, ...]
    switches: tuple[SupplierSwitch, ...]

    @property
    def renewals(self) -> tuple[ContractChange, ...]:
        return tuple(c for c in self.changed if "renewed" in c.tags)

    def summary(self) -> dict[str, int]:
        return {"added": len(self.added), "removed": len(self.removed),
                "changed": len(self.changed), "supplier_switches": len(self.switches),
                "renewals": len(self.renewals),
                "extensions_taken": sum("extension_taken" in c.tags for c in self.changed)}


def _as_text(values: pd.Series, name: str) -> np.ndarray:
    """A column as the text contracts.csv would hold, so values compare and show alike."""
    if name in DATE_COLUMNS:
        return values.dt.strftime("%Y-%m-%d").fillna("").to_numpy(dtype=object)
    if name in MONEY_COLUMNS or name == "satisfaction":
        return np.array(["" if pd.isna(v) else f"{v:g}" if name == "satisfaction" else f"{v:.2f}"
                         for v in values], dtype=object)
    if values.dtype == bool:
        return np.where(values.to_numpy(), "true", "false").astype(object)
    return values.astype("object").fillna("").astype(str).to_numpy(dtype=object)


def _context(frame: pd.DataFrame, kind: str) -> list[ContractChange]:
    columns = [frame[c].astype("object").fillna("").astype(str).tolist()
               for c in ("contract_id", *_CONTEXT)]
    return [ContractChange(cid, kind, code, name, area, system, supplier)
            for cid, code, name, area, system, supplier in zip(*columns, strict=True)]


def _tags(fields: dict[str, FieldChange], old_max_end: str) -> tuple[str, ...]:
    tags = []
    if "supplier" in fields:
        tags.append("supplier_switched")
    end = fields.get("end_date")
    if end is not None:
        tags.append("end_date_moved")
        if end.old and end.new and end.new > end.old:
            tags.append("renewed")
            if old_max_end and end.new <= old_max_end:
                tags.append("extension_taken")
    if any(name in fields for name in MONEY_COLUMNS):
        tags.append("value_changed")
    return tuple(tags)


def _changed(old: pd.DataFrame, new: pd.DataFrame) -> list[ContractChange]:
    """Contracts in both tables whose compared fields differ (rows aligned on contract_id)."""
    texts_old = {name: _as_text(old[name], name) for name in COMPARED}
    texts_new = {name: _as_text(new[name], name) for name in COMPARED}
    differ = {name: texts_old[name] != texts_new[name] for name in COMPARED}
    differ["supplier"] = old["supplier_slug"].to_numpy() != new["supplier_slug"].to_numpy()
    any_differ = np.logical_or.reduce([mask for mask in differ.values()])
    rows = np.flatnonzero(any_differ)
    base = _context(new.iloc[rows], "changed")
    out = []
    for position, change in zip(rows.tolist(), base, strict=True):
        fields = {name: FieldChange(name, texts_old[name][position], texts_new[name][position])
                  for name in COMPARED if differ[name][position]}
        if "supplier" in fields and fields["supplier"].old == fields["supplier"].new:
            del fields["supplier"]
        if not fields:  # only the supplier's slug differed: a respelling shown alike
            continue
        tags = _tags(fields, texts_old["max_end_date"][position])
        out.append(ContractChange(**{**change.__dict__, "fields": tuple(fields.values()),
                                     "tags": tags}))
    return out


def _switches(changed: Iterable[ContractChange], removed: pd.DataFrame,
              added: pd.DataFrame) -> tuple[SupplierSwitch, ...]:
    """Per (borough, service area): suppliers that left and came, in place or by a new contract."""
    groups: dict[tuple[str, str], tuple[set[str], set[str], list[str]]] = {}

    def note(key: tuple[str, str], olds: Iterable[str], news: Iterable[str],
             ids: Iterable[str]) -> None:
        group = groups.setdefault(key, (set(), set(), []))
        group[0].update(olds)
        group[1].update(news)
        group[2].extend(ids)

    for change in changed:
        if "supplier_switched" in change.tags:
            field = next(f for f in change.fields if f.field == "supplier")
            note((change.authority_code, change.service_area), [field.old], [field.new],
                 [change.contract_id])
    pair = ["authority_code", "service_area"]
    gone = {key: frame for key, frame in removed.groupby(pair, observed=True)}
    for key, came in added.groupby(pair, observed=True):
        went = gone.get(key)
        if went is None or set(went["supplier_slug"]) == set(came["supplier_slug"]):
            continue
        left = went[~went["supplier_slug"].isin(set(came["supplier_slug"]))]
        arrived = came[~came["supplier_slug"].isin(set(went["supplier_slug"]))]
        note((str(key[0]), str(key[1])), left["supplier"], arrived["supplier"],
             [*went["contract_id"], *came["contract_id"]])
    return tuple(SupplierSwitch(code, area, tuple(sorted(olds)), tuple(sorted(news)),
                                tuple(ids))
                 for (code, area), (olds, news, ids) in sorted(groups.items())
                 if olds and news)


def compute_changes(old: pd.DataFrame, new: pd.DataFrame) -> Changes:
    """The changes from `old` to `new`, two contracts tables as techmap.dataset loads them.
    Each list is in the new table's order (removed: the old table's)."""
    old_ids, new_ids = old["contract_id"], new["contract_id"]
    in_new = old_ids.isin(set(new_ids)).to_numpy()
    in_old = new_ids.isin(set(old_ids)).to_numpy()
    removed, added = old[~in_new], new[~in_old]
    kept_new = new[in_old]
    kept_old = old.set_index("contract_id").loc[kept_new["contract_id"]].reset_index()
    changed = _changed(kept_old, kept_new.reset_index(drop=True))
    return Changes(tuple(_context(added, "added")), tuple(_context(removed, "removed")),
                   tuple(changed), _switches(changed, removed, added))
