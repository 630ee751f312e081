"""What every importer shares: building a dataset row, naming a source, finishing suppliers."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd

from techmap.importers.classify import detect_product
from techmap.importers.report import ImportReport
from techmap.dataformat.schema import COLUMN_NAMES, slugify
from techmap.analysis.suppliers import normalise_frame, supplier_key

MAX_SYSTEM_CHARS = 120  # a contract title used as the system name is cut here (with an ellipsis)

OGL3 = "OGL-3.0"
LICENCE_ATTRIBUTION = {
    "OGL-3.0": "licensed under the Open Government Licence v3.0",
    "OGL-2.0": "licensed under the Open Government Licence v2.0",
    "CC-BY-4.0": "licensed under CC BY 4.0",
}


# Councils' official names (GOV.UK local-authority-eng register), for titles and attributions:
# techmap.dataformat.authorities keeps the short names ("Camden").
OFFICIAL_NAMES: dict[str, str] = {
    "E09000001": "City of London Corporation",
    "E09000002": "London Borough of Barking and Dagenham",
    "E09000003": "London Borough of Barnet", "E09000004": "London Borough of Bexley",
    "E09000005": "London Borough of Brent", "E09000006": "London Borough of Bromley",
    "E09000007": "London Borough of Camden", "E09000008": "London Borough of Croydon",
    "E09000009": "London Borough of Ealing", "E09000010": "London Borough of Enfield",
    "E09000011": "Royal Borough of Greenwich", "E09000012": "London Borough of Hackney",
    "E09000013": "London Borough of Hammersmith & Fulham",
    "E09000014": "London Borough of Haringey", "E09000015": "London Borough of Harrow",
    "E09000016": "London Borough of Havering", "E09000017": "London Borough of Hillingdon",
    "E09000018": "London Borough of Hounslow", "E09000019": "London Borough of Islington",
    "E09000020": "Royal Borough of Kensington and Chelsea",
    "E09000021": "Royal Borough of Kingston upon Thames",
    "E09000022": "London Borough of Lambeth", "E09000023": "London Borough of Lewisham",
    "E09000024": "London Borough of Merton", "E09000025": "London Borough of Newham",
    "E09000026": "London Borough of Redbridge",
    "E09000027": "London Borough of Richmond upon Thames",
    "E09000028": "London Borough of Southwark", "E09000029": "London Borough of Sutton",
    "E09000030": "London Borough of Tower Hamlets",
    "E09000031": "London Borough of Waltham Forest",
    "E09000032": "London Borough of Wandsworth", "E09000033": "City of Westminster",
}


def official_name(code: str, fallback: str = "") -> str:
    return OFFICIAL_NAMES.get(code, fallback or code)


@dataclass
class ImportResult:
    """Rows ready for the dataset (schema columns as text), the report so far and the manifest
    source entries of the imported files."""

    rows: list[dict[str, str]]
    report: ImportReport
    sources: dict[str, dict[str, Any]] = field(default_factory=dict)
    title: str = "Imported technology contracts"
    description: str = ""
    skills: list[dict[str, str]] = field(default_factory=list)  # skills.csv rows (the survey's Skills sheet)


def contract_row(**values: object) -> dict[str, str]:
    """A row with every schema column, as text ('' for blanks)."""
    row = {name: "" for name in COLUMN_NAMES}
    for key, value in values.items():
        if key not in row:
            raise KeyError(key)
        row[key] = "" if value is None else str(value)
    return row


def system_and_maker(title: str, description: str, supplier: str) -> tuple[str, str]:
    """(system, manufacturer): a known product named in the text, else the title (shortened)."""
    product = detect_product([title, description])
    if product is not None:
        same = supplier_key(product.manufacturer) == supplier_key(supplier)
        maker = "" if same else product.manufacturer
        return product.system, maker
    text = title or description
    if len(text) > MAX_SYSTEM_CHARS:
        text = text[: MAX_SYSTEM_CHARS - 1].rstrip() + "…"
    return text, ""


def source_key(prefix: str, *parts: str) -> str:
    """A stable manifest source id, e.g. 'register-camden-contracts-register-2025-q2'."""
    slug = "-".join(p for p in (slugify(x) for x in (prefix, *parts)) if p)
    if len(slug) > 80:  # long names keep a hash so that two files never share an id
        digest = hashlib.sha1(slug.encode()).hexdigest()[:8]
        slug = f"{slug[:71].rstrip('-')}-{digest}"
    return slug


def short_hash(*parts: str) -> str:
    return hashlib.sha1("\x1f".join(parts).encode()).hexdigest()[:8]


def file_date(path: Path) -> str:
    """The file's modification date: the as_of of last resort (stable for the same file)."""
    return date.fromtimestamp(Path(path).stat().st_mtime).isoformat()


def attribution_for(licence: str, publisher: str) -> str:
    words = LICENCE_ATTRIBUTION.get(licence)
    if not words:
        return f"Source: {publisher}." if publisher else ""
    return f"Contains public sector information published by {publisher}, {words}."


def file_source(kind: str, path: Path, *, title: str, url: str, publisher: str, licence: str,
                as_of: str, attribution: str | None = None) -> dict[str, Any]:
    """The manifest source entry of one file read by `python -m techmap import KIND` (the
    attribution, unless given, follows the licence)."""
    return {
        "title": title,
        "url": url,
        "publisher": publisher,
        "licence": licence,
        "attribution": attribution_for(licence, publisher) if attribution is None else attribution,
        "as_of": as_of,
        "synthetic": False,
        "file": path.name,
        "imported_with": f"python -m techmap import {kind}",
    }


def finish_suppliers(rows: list[dict[str, str]], numbers: list[str], report: ImportReport
                     ) -> list[dict[str, str]]:
    """One spelling per supplier across the import (alias table, then the commonest spelling of
    unmatched names); the unmatched names go into the report."""
    if not rows:
        return rows
    frame = pd.DataFrame(rows, dtype="str")
    frame, unmatched = normalise_frame(frame, numbers=pd.Series(numbers, index=frame.index,
                                                                dtype="str"))
    report.unmatched_suppliers = sorted(set(report.unmatched_suppliers) | set(unmatched),
                                        key=str.lower)
    return [{k: ("" if v is None else str(v)) for k, v in record.items()}
            for record in frame.to_dict(orient="records")]
