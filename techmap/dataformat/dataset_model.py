"""A loaded dataset: the manifest, the typed contracts table and lookups. Loaded once per process.

The contracts DataFrame (read-only; never mutate it, take copies) has:
- every column of `techmap.dataformat.schema.COLUMNS` (missing optional columns added empty) plus any extra
  columns the file had (kept as text);
- dtypes: authority_code, service_area, hosting, source: pandas Categorical (authority_code with
  all 33 codes as categories, service_area with every slug of SERVICE_AREAS); contract_id,
  system, manufacturer, supplier, procurement_route, shared_ref: str ("" when blank);
  date columns: datetime64 (NaT when blank); money columns and satisfaction: float64 (NaN when
  blank); value_public, synthetic: bool (value_public defaults True);
- derived: authority_name (str), supplier_slug, system_slug and manufacturer_slug
  (techmap.dataformat.schema.slugify of the names; "" where no manufacturer is named), line (int, the row's line number in contracts.csv, header = line 1), search_text (str:
  lower-cased contract_id, system, supplier, manufacturer, authority name and service-area name
  joined by " | ", for the free-text filter).

The optional skills table (`skills`, from skills.csv) holds aggregate team levels per borough and
skill area (techmap.dataformat.skills_schema), never anything about a named person.

Where a dataset is read, checked and loaded: techmap.dataformat.dataset (load_dataset).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import Any

import pandas as pd

from techmap.dataformat.problems import Problem

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
    # skills.csv typed (techmap.dataformat.skills_checks): authority_code, skill_area, level (int),
    # as_of, source, synthetic (bool), line; None when the dataset has no skills file.
    skills: pd.DataFrame | None = None

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

    @cached_property
    def manufacturer_names(self) -> dict[str, str]:
        """manufacturer slug -> display name, for the rows that name one."""
        named = self.contracts[self.contracts["manufacturer_slug"] != ""]
        return _slug_names(named, "manufacturer_slug", "manufacturer")


def _slug_names(frame: pd.DataFrame, slug_col: str, name_col: str) -> dict[str, str]:
    if frame.empty:
        return {}
    counts = frame.groupby([slug_col, name_col], observed=True).size().reset_index(name="n")
    counts = counts.sort_values([slug_col, "n"], ascending=[True, False])
    first = counts.drop_duplicates(slug_col)
    return dict(zip(first[slug_col], first[name_col], strict=True))
