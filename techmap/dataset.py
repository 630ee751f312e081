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
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import Any

import pandas as pd

from techmap.problems import Problem

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATASET = REPO_ROOT / "datasets" / "london"


@dataclass(frozen=True, eq=False)
class Dataset:
    path: Path
    manifest: dict[str, Any]
    contracts: pd.DataFrame
    warnings: tuple[Problem, ...] = field(default=())

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

    loaded = load_validated(path)
    if not public:
        return loaded
    from techmap.redaction import redact_for_public

    return Dataset(loaded.path, loaded.manifest, redact_for_public(loaded.contracts), loaded.warnings)
