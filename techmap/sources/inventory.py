"""Libraries, planning and elections of all 33 boroughs (techmap/sources/real_inventory.py), with evidence.

Libraries: Libraree's listing of library catalogues (`listing`). Planning: sebvett's coverage
listing of planning portal platforms (`listing`). Elections: Democracy Club's import script for
each council, whose base class is the electoral management software's export (`integration`).
"""

from __future__ import annotations

from techmap.sources import real_inventory
from techmap.sources.common import SOURCES_DIR, SourceResult, read_csv_rows, repo_ref

ELECTIONS_CSV = SOURCES_DIR / "london_electoral_management_software_democracyclub.csv"
ELECTIONS_SOURCE = "democracyclub-ems-2026-08"
ELECTIONS_REPO = "DemocracyClub/UK-Polling-Stations"
# Source id -> (evidence, observed date, confidence) shared by every row of that source.
EVIDENCE: dict[str, tuple[str, str, str]] = {
    "libraree-2024-06": (repo_ref("Libraree/uk-libraries-search",
                                  "ab4229cacee2dfe6654101411a694bc20ee3e894", "docs/listing.md"),
                         "2024-06-26", "listing"),
    "sebvett-planning-2025-03": (repo_ref("sebvett/planning-applications",
                                          "2be7a80615439c672f62b379ed724eba0cd40c81",
                                          "docs/coverage.md"),
                                 "2025-03-12", "listing"),
}


def _election_evidence() -> dict[str, tuple[str, str, str]]:
    """ONS code -> (the council's import script at the commit, commit date, integration)."""
    expected = ("gss_code", "name", "dc_council_id", "importer_base_class", "ems_product",
                "vendor_hint", "election_date_of_import", "source_file", "source_commit",
                "source_commit_date")
    return {row["gss_code"]: (repo_ref(ELECTIONS_REPO, row["source_commit"], row["source_file"]),
                              row["source_commit_date"], "integration")
            for _, row in read_csv_rows(ELECTIONS_CSV, expected)}


def read() -> list[SourceResult]:
    """One result per source of the inventory (libraries, planning, elections)."""
    frame = real_inventory.real_contracts()
    elections = _election_evidence()
    results = {key: SourceResult(key, meta) for key, meta in real_inventory.real_sources().items()}
    for row in frame.to_dict("records"):
        source = row["source"]
        if source == ELECTIONS_SOURCE:
            evidence, observed, confidence = elections[row["authority_code"]]
        else:
            evidence, observed, confidence = EVIDENCE[source]
        row.update(evidence=evidence, observed_date=observed, confidence=confidence)
        results[source].rows.append(row)
    return list(results.values())
