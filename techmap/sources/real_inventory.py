"""The real system inventory (libraries, planning, elections for all 33 boroughs) as contract rows.

`datasets/sources/london_borough_systems_long.csv` records which product each borough runs, taken
from three MIT-licensed open-source projects (see datasets/sources/LICENCES.md). It has no dates or
values, so those columns stay blank. The product names are tidied (e.g. "Xpress (Xpress electoral
software)" -> "Xpress") so that boroughs on the same product group together.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pandas as pd

from techmap.dataformat.authorities import by_code
from techmap.dataformat.problems import DatasetError, Problem
from techmap.dataformat.schema import COLUMN_NAMES

REPO_ROOT = Path(__file__).resolve().parents[2]
REAL_INVENTORY_CSV = REPO_ROOT / "datasets" / "sources" / "london_borough_systems_long.csv"

# Keyed by the inventory's source_file column; "key" is the id used in manifest.json and in the
# contracts' source column.
REAL_SOURCES: dict[str, dict[str, Any]] = {
    "uk_library_catalogue_platforms_libraree_2024-06.csv": {
        "key": "libraree-2024-06",
        "title": "UK library catalogue platforms (Libraree, uk-libraries-search)",
        "url": "https://github.com/Libraree/uk-libraries-search",
        "publisher": "Libraree",
        "licence": "MIT",
        "attribution": "Copyright (c) 2023 Libraree",
        "as_of": "2024-06-26",
        "synthetic": False,
    },
    "uk_planning_portal_platforms_sebvett_2025-03.csv": {
        "key": "sebvett-planning-2025-03",
        "title": "UK planning portal platforms (sebvett, planning-applications)",
        "url": "https://github.com/sebvett/planning-applications",
        "publisher": "Tract UK Ltd, PricedOut Limited",
        "licence": "MIT",
        "attribution": "Copyright (c) 2024 Tract UK Ltd, PricedOut Limited",
        "as_of": "2025-03-12",
        "synthetic": False,
    },
    "london_electoral_management_software_democracyclub.csv": {
        "key": "democracyclub-ems-2026-08",
        "title": "Electoral management software of the London boroughs "
                 "(Democracy Club, UK-Polling-Stations)",
        "url": "https://github.com/DemocracyClub/UK-Polling-Stations",
        "publisher": "Democracy Club",
        "licence": "MIT",
        "attribution": "Copyright (c) 2025 Democracy Club",
        "as_of": "2026-08-12",
        "synthetic": False,
    },
}

AREA_SLUGS: dict[str, str] = {
    "Libraries": "libraries",
    "Planning": "planning-building-control",
    "Elections": "elections",
}

# Source platform name -> the product name shown. Names not listed are kept as they are.
SYSTEM_NAMES: dict[str, str] = {
    "Xpress (Xpress electoral software)": "Xpress",
    "Idox Eros (formerly Halarose)": "Idox Eros",
    "Idox": "Idox Public Access",  # the planning portal product; the source names the scraper type
    "Northgate": "Northgate Planning Explorer",
    "Custom (Northgate Planning Explorer)": "Northgate Planning Explorer",
    "Custom (OcellaWeb)": "OcellaWeb",
    "Custom (NEC Software Solutions (NECSWS path))": "NEC Software Solutions planning portal",
    "Agile": "Agile Applications",
}
# "Custom" is a council's own site: named per borough so two in-house sites never count as peers.
CUSTOM_PLATFORM = "Custom"

SUPPLIER_NAMES: dict[str, str] = {
    "NEC Software Solutions (formerly Northgate Public Services)": "NEC Software Solutions",
}
UNKNOWN_SUPPLIER = "Unknown"

EXPECTED_HEADER = ("gss_code", "name", "service_area", "system_type", "platform", "vendor_hint",
                   "source_file", "source_as_of")


def real_sources() -> dict[str, dict[str, Any]]:
    """Manifest entries for the three real sources, keyed by source id."""
    return {meta["key"]: {k: v for k, v in meta.items() if k != "key"}
            for meta in REAL_SOURCES.values()}


def system_name(platform: str, authority_name: str) -> str:
    platform = platform.strip()
    if platform == CUSTOM_PLATFORM:
        return f"In-house planning search ({authority_name})"
    return SYSTEM_NAMES.get(platform, platform)


def supplier_name(vendor_hint: str) -> str:
    vendor = vendor_hint.strip()
    return SUPPLIER_NAMES.get(vendor, vendor) or UNKNOWN_SUPPLIER


def real_contracts(path: Path = REAL_INVENTORY_CSV) -> pd.DataFrame:
    """The inventory as contract rows with the schema's columns (all text; blanks are "").

    Raises DatasetError listing every problem (file:line: column: value: reason) if the file does
    not have the expected shape, rather than writing a half-converted dataset."""
    problems: list[Problem] = []
    records: list[dict[str, str]] = []
    name = path.name
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            header = tuple(reader.fieldnames or ())
            if header != EXPECTED_HEADER:
                raise DatasetError([Problem(name, 1, "-", ",".join(header),
                                            f"expected the columns {','.join(EXPECTED_HEADER)}")])
            for line, row in enumerate(reader, start=2):
                record = _convert(row, name, line, problems)
                if record is not None:
                    records.append(record)
    except FileNotFoundError:
        raise DatasetError([Problem(str(path), None, "-", "", "file not found")]) from None
    if problems:
        raise DatasetError(problems)
    frame = pd.DataFrame(records, columns=list(COLUMN_NAMES), dtype="str")
    return frame.sort_values("contract_id", kind="stable").reset_index(drop=True)


def _convert(row: dict[str, str], file: str, line: int, problems: list[Problem]
             ) -> dict[str, str] | None:
    n_before = len(problems)
    code = (row.get("gss_code") or "").strip()
    authority = by_code().get(code)
    if authority is None:
        problems.append(Problem(file, line, "gss_code", code, "not a London ONS code"))
    area = AREA_SLUGS.get((row.get("service_area") or "").strip())
    if area is None:
        problems.append(Problem(file, line, "service_area", row.get("service_area") or "",
                                f"expected one of {', '.join(AREA_SLUGS)}"))
    source = REAL_SOURCES.get((row.get("source_file") or "").strip())
    if source is None:
        problems.append(Problem(file, line, "source_file", row.get("source_file") or "",
                                "not one of the three known source files"))
    elif (row.get("source_as_of") or "").strip() != source["as_of"]:
        problems.append(Problem(file, line, "source_as_of", row.get("source_as_of") or "",
                                f"expected {source['as_of']} for {row.get('source_file')}"))
    platform = (row.get("platform") or "").strip()
    if not platform:
        problems.append(Problem(file, line, "platform", "", "blank"))
    if len(problems) > n_before or authority is None or area is None or source is None:
        return None
    vendor = (row.get("vendor_hint") or "").strip()
    record = dict.fromkeys(COLUMN_NAMES, "")
    record.update(
        contract_id=f"real-{code}-{area}",
        authority_code=code,
        service_area=area,
        system=system_name(platform, authority.name),
        # vendor_hint names who makes the product; the contract holder itself is not recorded.
        manufacturer=SUPPLIER_NAMES.get(vendor, vendor),
        supplier=supplier_name(vendor),
        source=source["key"],
        synthetic="false",
    )
    return record
