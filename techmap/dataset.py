"""Loading a dataset folder: validated (techmap.validate), supplier names through the alias table,
restricted values removed on a public instance. Loaded once per process (techmap.context). What a
loaded dataset holds, column by column: techmap.dataset_model.

Supplier names go through the alias table at load (`normalise_suppliers`), as every import does:
"Capita Business Services Ltd" in a hand-made contracts.csv is shown as "Capita", and the names
the table does not know are listed (`Dataset.unmatched_suppliers`, `python -m techmap suppliers`).
The work is per distinct name, not per row, so it costs little even at 100k rows.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from techmap.contract_checks import add_derived
from techmap.dataset_model import UNKNOWN_SUPPLIER, Dataset, SupplierSpelling
from techmap.problems import Problem
from techmap.redaction import redact_for_public
from techmap.suppliers import display_choice, normalise_supplier, supplier_key
from techmap.validate import load_validated

__all__ = ["DEFAULT_DATASET", "DEMO_DATASET", "UNKNOWN_SUPPLIER", "Dataset", "SupplierSpelling", "dataset_path_from_env",
           "finish_loading", "load_dataset", "normalise_suppliers", "read_manifest"]

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATASET = REPO_ROOT / "datasets" / "london"  # real rows only
DEMO_DATASET = REPO_ROOT / "datasets" / "demo"  # the real rows plus illustrative ones


def read_manifest(folder: Path) -> dict[str, Any]:
    with (folder / "manifest.json").open(encoding="utf-8") as handle:
        return json.load(handle)


def dataset_path_from_env() -> Path:
    return Path(os.environ.get("TECHMAP_DATASET") or DEFAULT_DATASET)


def load_dataset(path: Path, *, public: bool = False) -> Dataset:
    """Load and validate a dataset folder. Raises techmap.problems.DatasetError with every
    problem when it has errors; warnings are kept on the Dataset. With public=True, restricted
    fields are removed before anything else can see them (techmap.redaction)."""
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
    return replace(loaded, contracts=redact_for_public(loaded.contracts))


def normalise_suppliers(frame: pd.DataFrame) -> tuple[pd.DataFrame, tuple[SupplierSpelling, ...]]:
    """The loaded table with supplier names (and the manufacturers the table knows) through
    datasets/supplier_aliases.csv, and every distinct supplier spelling with what it became.
    Unmatched names that differ only in case or legal suffix get one spelling, as in imports.
    The same frame is returned when no name changes (the bundled data is already canonical)."""
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
    chosen = {key: display_choice(group) for key, group in spellings.items()}
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
    out = frame.copy()
    if suppliers_change:
        out["supplier"] = pd.Series(np.asarray(shown, dtype=object)[codes], index=out.index,
                                    dtype="str")
    if makers_change:
        out["manufacturer"] = pd.Series(np.asarray(maker_shown, dtype=object)[maker_codes],
                                        index=out.index, dtype="str")
    add_derived(out, out["line"].to_numpy())  # the slugs and search text follow the names
    return out, found


def _renamed_warning(path: Path, spelling: SupplierSpelling) -> Problem:
    rows = "row uses" if spelling.rows == 1 else f"{spelling.rows:,} rows use"
    source = ("datasets/supplier_aliases.csv" if spelling.matched else
              "another spelling of the same name")
    return Problem(str(Path(path) / "contracts.csv"), spelling.line, "supplier", spelling.name,
                   f"shown as {spelling.shown!r} ({source}); {rows} this spelling", "warning")
