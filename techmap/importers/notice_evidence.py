"""Where a person can check an imported row, and when the evidence showed it.

OCDS rows point at their notice: the notice URL the release gives (a document of the award or
contract whose type is a notice, as Contracts Finder's `awardNotice` documents are), else one built
from the release's ids by the publisher's documented URL pattern, else the imported file's name and
the line of the release in it. The observed date is the release's `date` (its publication).

Register and survey rows point at the URL the council publishes the file at (`--url`), else the
file's name; their observed date is the file's own date, else its modification date.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Protocol

from techmap.dataformat.evidence import URL, file_reference
from techmap.importers.cells import ocds_date

CONTRACTS_FINDER_NOTICE = "https://www.contractsfinder.service.gov.uk/Notice/{}"
FIND_A_TENDER_NOTICE = "https://www.find-tender.service.gov.uk/Notice/{}"
_UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
# Contracts Finder's OCDS search gives release ids "<notice id>-<number>"; its older API
# published each notice as one package at /Published/Notice/releases/<notice id>.json.
_CF_RELEASE_ID = re.compile(rf"^({_UUID})-\d+$", re.IGNORECASE)
_CF_PACKAGE_URI = re.compile(rf"^https://www\.contractsfinder\.service\.gov\.uk/Published/Notice/"
                             rf"releases/({_UUID})\.json$", re.IGNORECASE)
# Find a Tender's release id is its notice id: six digits, a dash, the year.
_FTS_RELEASE_ID = re.compile(r"^(\d{6}-\d{4})$")
_PUBLISHER_PREFIX = {"ocds-b5fd17": "contracts-finder", "ocds-h6vhtk": "find-a-tender"}


class ReleaseSeen(Protocol):
    """What notice_evidence reads of a release item (techmap.importers.ocds.ReleaseItem)."""

    release: dict[str, Any]
    file: str
    line: int | None
    package_uri: str
    published: str


def _documented_notice(*holders: dict[str, Any]) -> str:
    """The first notice document's URL (awardNotice, contractNotice, ...) of the holders."""
    for holder in holders:
        for document in holder.get("documents") or []:
            if not isinstance(document, dict):
                continue
            kind, url = str(document.get("documentType") or ""), str(document.get("url") or "")
            if kind.endswith("Notice") and URL.match(url) and "/Attachment/" not in url:
                return url
    return ""


def _built_notice(ocid: str, release_id: str, package_uri: str) -> str:
    publisher = _PUBLISHER_PREFIX.get(ocid.lower()[:11], "")
    if publisher == "contracts-finder":
        if match := _CF_RELEASE_ID.match(release_id) or _CF_PACKAGE_URI.match(package_uri):
            return CONTRACTS_FINDER_NOTICE.format(match[1].lower())
    if publisher == "find-a-tender" and (match := _FTS_RELEASE_ID.match(release_id)):
        return FIND_A_TENDER_NOTICE.format(match[1])
    return ""


def notice_evidence(ocid: str, award: dict[str, Any], contract: dict[str, Any],
                    latest: ReleaseSeen) -> tuple[str, str]:
    """(evidence, observed_date) of a row of one award (or contract) of a compiled release;
    `latest` is the release item the row's fields come from (its release, file, line, the uri
    of a package that held only it, its package's publishedDate: the observed date of a release
    without a date of its own, as a record's versionedRelease is)."""
    release = latest.release
    evidence = (_documented_notice(award, contract)
                or _built_notice(ocid, str(release.get("id") or ""), latest.package_uri)
                or file_reference(Path(latest.file).name, latest.line))
    observed = ocds_date(release.get("date")) or ocds_date(latest.published)
    return evidence, observed.isoformat() if observed else ""


def stamp_listing(rows: list[dict[str, str]], url: str, path: Path, as_of: str, as_of_from: str,
                  notes: list[str]) -> None:
    """Fill the evidence of a register's or survey's rows (a council's own list: `listing`): the
    URL it is published at (`--url`), else the file's name; observed on the file's date
    (`as_of`, found as `as_of_from` says). Two notes for the import report say which."""
    evidence = url or Path(path).name
    for row in rows:
        row.update(evidence=evidence, observed_date=as_of, confidence="listing")
    notes.append(f"evidence of every row: {url} (--url)" if url else
                 f"evidence of every row: the file name {evidence!r} (give --url, where the file "
                 "is published, to make it a link)")
    notes.append(f"observed_date of every row: {as_of} ({as_of_from})")
