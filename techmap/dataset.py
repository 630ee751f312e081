"""A loaded dataset: the manifest, the typed contracts table and lookups. Loaded once per process.

The contracts DataFrame (read-only; never mutate it, take copies) has:
- every column of `techmap.schema.COLUMNS` (missing optional columns added empty) plus any extra
  columns the file had (kept as text);
- dtypes: authority_code, service_area, hosting, source: pandas Categorical (authority_code with
  all 33 codes as categories, service_area with every slug of SERVICE_AREAS); contract_id,
  system, manufacturer, supplier, procurement_route, shared_ref: str ("" when blank);
  date columns: datetime64 (NaT when blank); money columns and satisfaction: float64 (NaN when
  blank); value_public, synthetic: bool (value_public defaults True);
- derived: authority_name (str), supplier_slug and system_slug (techmap.schema.slugify of the
  names), line (int, the row's line number in contracts.csv, header = line 1), search_text (str:
  lower-cased contract_id, system, supplier, manufacturer, authority name and service-area name
  joined by " | ", for the free-text filter).

Supplier names go through the alias table at load (`normalise_suppliers`), as every import does:
"Capita Business Services Ltd" in a hand-made contracts.csv is shown as "Capita", and the names
the table does not know are listed (`Dataset.unmatched_suppliers`, `python -m techmap suppliers`).
The work is per distinct name, not per row, so it costs little even at 100k rows.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from techmap.problems import Problem

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATASET = REPO_ROOT / "datasets" / "london"  # real rows only
DEMO_DATASET = REPO_ROOT / "datasets" / "demo"  # the real rows plus illustrative ones
# What datasets/README.md tells people to write when the supplier is not known: not a name.
UNKNOWN_SUPPLIER = "Unknown"


@dataclass(frozen=True)
class SupplierSpelling:
    """One distinct supplier name as written in contracts.csv, and what the loader made of it."""

    name: str  # as written
    shown: str  # the name the app shows: the alias table's canonical name, else one spelling
    matched: bool  # whether datasets/supplier_aliases.csv knows it
    rows: int
    line: int  # the first row that uses it


@dataclass(frozen=True, eq=False)
class Dataset:
    path: Path
    manifest: dict[str, Any]
    contracts: pd.DataFrame
    warnings: tuple[Problem, ...] = field(default=())
    supplier_spellings: tuple[SupplierSpelling, ...] = field(default=())
    version: int | None = None  # the published version's number, when loaded from techmap.store

    @property
    def unmatched_suppliers(self) -> tuple[SupplierSpelling, ...]:
        """Supplier names the alias table does not know (so it can grow), most rows first."""
        return tuple(s for s in self.supplier_spellings
                     if not s.matched and s.name != UNKNOWN_SUPPLIER)

    @property
    def title(self) -> str:
        return str(self.manifest.get("title", self.path.name))

    @property
    def as_of(self) -> date | None:
        try:
            return date.fromisoformat(str(self.manifest.get("as_of")))
        except ValueError:
            return None

    @property
    def sources(self) -> dict[str, dict[str, Any]]:
        return dict(self.manifest.get("sources", {}))

    @cached_property
    def supplier_names(self) -> dict[str, str]:
        """supplier slug -> display name (the most common spelling)."""
        return _slug_names(self.contracts, "supplier_slug", "supplier")

    @cached_property
    def system_names(self) -> dict[str, str]:
        return _slug_names(self.contracts, "system_slug", "system")


def _slug_names(frame: pd.DataFrame, slug_col: str, name_col: str) -> dict[str, str]:
    if frame.empty:
        return {}
    counts = frame.groupby([slug_col, name_col], observed=True).size().reset_index(name="n")
    counts = counts.sort_values([slug_col, "n"], ascending=[True, False])
    first = counts.drop_duplicates(slug_col)
    return dict(zip(first[slug_col], first[name_col], strict=True))


def read_manifest(folder: Path) -> dict[str, Any]:
    with (folder / "manifest.json").open(encoding="utf-8") as handle:
        return json.load(handle)


def dataset_path_from_env() -> Path:
    return Path(os.environ.get("TECHMAP_DATASET") or DEFAULT_DATASET)


def load_dataset(path: Path, *, public: bool = False) -> Dataset:
    """Load and validate a dataset folder. Raises techmap.problems.DatasetError with every
    problem when it has errors; warnings are kept on the Dataset. With public=True, restricted
    fields are removed before anything else can see them (techmap.redaction)."""
    from techmap.validate import load_validated  # the loader and the CLI share one validator

    return finish_loading(load_validated(path), public=public)


def finish_loading(loaded: Dataset, *, public: bool = False) -> Dataset:
    """What every loaded dataset goes through, from a folder or from the store (techmap.store):
    supplier names through the alias table, then, with public=True, the redaction."""
    contracts, spellings = normalise_suppliers(loaded.contracts)
    renamed = tuple(_renamed_warning(loaded.path, s) for s in spellings
                    if s.name != s.shown)
    loaded = replace(loaded, contracts=contracts, supplier_spellings=spellings,
                     warnings=loaded.warnings + renamed)
    if not public:
        return loaded
    from techmap.redaction import redact_for_public

    return replace(loaded, contracts=redact_for_public(loaded.contracts))


def normalise_suppliers(frame: pd.DataFrame) -> tuple[pd.DataFrame, tuple[SupplierSpelling, ...]]:
    """The loaded table with supplier names (and the manufacturers the table knows) through
    datasets/supplier_aliases.csv, and every distinct supplier spelling with what it became.
    Unmatched names that differ only in case or legal suffix get one spelling, as in imports.
    The same frame is returned when no name changes (the bundled data is already canonical)."""
    from techmap.suppliers import _display_choice, normalise_supplier, supplier_key

    if frame.empty or "supplier" not in frame.columns:
        return frame, ()
    # One hash pass gives the distinct names, a code per row, counts and first rows.
    codes, names = pd.factorize(frame["supplier"], sort=False)
    counts = np.bincount(codes, minlength=len(names))
    first_rows = pd.Series(codes).drop_duplicates()
    lines = frame["line"].to_numpy()[first_rows.index.to_numpy()]
    read = [normalise_supplier(name) for name in names]
    spellings: dict[str, Counter[str]] = {}
    for (cleaned, matched), count in zip(read, counts, strict=True):
        if not matched and cleaned:
            spellings.setdefault(supplier_key(cleaned), Counter())[cleaned] += int(count)
    chosen = {key: _display_choice(group) for key, group in spellings.items()}
    shown = [cleaned if matched or not cleaned else chosen[supplier_key(cleaned)]
             for cleaned, matched in read]
    found = tuple(SupplierSpelling(str(name), new, matched, int(count), int(line))
                  for name, new, (_, matched), count, line
                  in zip(names, shown, read, counts, lines, strict=True) if name)
    maker_codes, makers = pd.factorize(frame["manufacturer"], sort=False)
    maker_shown = [canonical if name and matched else name
                   for name, (canonical, matched) in zip(makers, map(normalise_supplier, makers),
                                                         strict=True)]
    suppliers_change = any(new != name for new, name in zip(shown, names, strict=True) if name)
    makers_change = any(new != name for new, name in zip(maker_shown, makers, strict=True))
    if not suppliers_change and not makers_change:
        return frame, found
    from techmap.validate import _add_derived  # the slugs and search text follow the names

    out = frame.copy()
    if suppliers_change:
        out["supplier"] = pd.Series(np.asarray(shown, dtype=object)[codes], index=out.index,
                                    dtype="str")
    if makers_change:
        out["manufacturer"] = pd.Series(np.asarray(maker_shown, dtype=object)[maker_codes],
                                        index=out.index, dtype="str")
    _add_derived(out, out["line"].to_numpy())
    return out, found


def _renamed_warning(path: Path, spelling: SupplierSpelling) -> Problem:
    rows = "row uses" if spelling.rows == 1 else f"{spelling.rows:,} rows use"
    source = ("datasets/supplier_aliases.csv" if spelling.matched else
              "another spelling of the same name")
    return Problem(str(Path(path) / "contracts.csv"), spelling.line, "supplier", spelling.name,
                   f"shown as {spelling.shown!r} ({source}); {rows} this spelling", "warning")
