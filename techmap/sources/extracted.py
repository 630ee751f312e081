"""Tables of facts read by hand from public code, where the code itself is not bundled.

The street-reporting and waste back-office integrations (FixMyStreet, open311-adapter) and the
bin-day lookup scrapers (UKBinCollectionData) were read by hand; no code was copied, so the table
of facts, with the repository, commit and file of each one, is the source (see
datasets/sources/LICENCES.md). Both tables share one shape (more_public_sources/README.md):
`borough, gss_code, service_area, system, supplier, evidence_repo, evidence_commit, evidence_path,
as_of_date, ...`. This module maps their wording to the project's service areas, system and
supplier names; a wording it does not know stops the build with the file and line, rather than
being guessed.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from techmap.dataformat.problems import DatasetError, Problem
from techmap.dataformat.schema import slugify
from techmap.sources.common import (
    file_label,
    TAKEN_ON,
    SourceResult,
    blank_row,
    check_code,
    read_csv_rows,
    repo_ref,
)
from techmap.analysis.suppliers import normalise_supplier

EXPECTED = ("borough", "gss_code", "service_area", "system", "supplier", "evidence_repo",
            "evidence_commit", "evidence_path", "as_of_date", "date_kind", "start_date",
            "end_date", "value_gbp", "confidence", "notes")

# The tables' service wording -> the project's service areas.
AREA_WORDING: dict[str, str] = {
    "Highways / street reporting": "highways",
    "Grounds maintenance & trees": "waste-street-scene",
    "Trees": "waste-street-scene",
    "Street cleansing / grounds (legacy)": "waste-street-scene",
    "Environmental services": "waste-street-scene",
    "Waste & recycling": "waste-street-scene",
    "Garden waste subscriptions": "waste-street-scene",
    "Environmental health": "environmental-health",
    "Online payments (waste)": "online-payments",
    "CRM / case management": "customer-contact-crm",
    "CRM / street reporting": "customer-contact-crm",
    "Online forms / customer portal": "customer-contact-crm",
}
# Systems named with notes about how the integration reaches them -> the product's name.
SYSTEM_NAMES: dict[str, str] = {
    "Symology (Insight)": "Symology Insight",
    "paye.net / SCP / Access PaySuite (DD)": "Capita SCP and paye.net",
    "SCP / paye.net": "Capita SCP and paye.net",
    "SCP / Pay360": "Capita SCP (Pay360)",
    "SCP": "Capita SCP",
    "AchieveForms (Granicus/Firmstep) forms platform": "AchieveForms",
    "Jadu (myforms)": "Jadu",
}
_HOW_REACHED = re.compile(r"\s*\((?:via|own|mentioned)\b[^)]*\)")
# A supplier the table flags "verify" is not attributed: the row says Unknown.
_UNVERIFIED = re.compile(r"\bverify\b", re.IGNORECASE)
_FIRST_NAME = re.compile(r"^([^;(/]+)")
UNKNOWN_SUPPLIER = "Unknown"


def system_name(text: str) -> str:
    return SYSTEM_NAMES.get(text) or _HOW_REACHED.sub("", text).strip()


def supplier_name(text: str) -> str:
    """The first company the table names, in its canonical spelling; Unknown when flagged."""
    if not text or _UNVERIFIED.search(text):
        return UNKNOWN_SUPPLIER
    match = _FIRST_NAME.match(text)
    return normalise_supplier(match[1].strip() if match else text)[0] or UNKNOWN_SUPPLIER


def read_extracted(path: Path, result: SourceResult, prefix: str, confidence: str) -> None:
    """Rows of one extracted table, appended to `result` (all with the given confidence)."""
    label = file_label(path)
    for line, row in read_csv_rows(path, EXPECTED):
        code = check_code(row["gss_code"], label, line)
        area = AREA_WORDING.get(row["service_area"])
        if area is None:
            raise DatasetError([Problem(label, line, "service_area", row["service_area"],
                                        "wording not mapped to a service area "
                                        "(techmap/sources/extracted.py AREA_WORDING)")])
        system = system_name(row["system"])
        supplier = supplier_name(row["supplier"])
        result.rows.append(blank_row(
            contract_id=f"{prefix}-{code}-{area}-{slugify(system)}",
            authority_code=code, service_area=area, system=system,
            manufacturer="" if supplier == UNKNOWN_SUPPLIER else supplier,
            supplier=supplier, source=result.source_id,
            evidence=repo_ref(row["evidence_repo"], row["evidence_commit"], row["evidence_path"]),
            # When the integration file first appeared; the day the table was taken otherwise.
            observed_date=row["as_of_date"] or TAKEN_ON,
            confidence=confidence,
        ))


def extracted_source(source_id: str, meta: dict[str, Any], path: Path, prefix: str,
                     confidence: str) -> Callable[[], SourceResult]:
    """A source module's read(): its one extracted table as the source `source_id`."""

    def read() -> SourceResult:
        result = SourceResult(source_id, meta)
        read_extracted(path, result, prefix, confidence)
        return result

    return read
