"""OCDS (Open Contracting Data Standard 1.0 / 1.1) from Contracts Finder, Find a Tender and other
publishers -> technology contract rows of London boroughs.

Reads release packages, record packages (compiledRelease, else versionedRelease, else embedded
releases), bare lists of releases, single releases, JSON Lines / concatenated packages and
Contracts Finder's flattened CSV export (ocds_csv.py), in UTF-8 or Windows-1252 / ISO-8859-1.
Releases of one `ocid` (across all the files given) are merged in date order (dates compared as
moments: 'Z' and '+01:00' mixed) with the OCDS merge rules (objects merged, arrays of objects
merged by `id`, other values replaced, null removes), so the latest release wins field by field.

Each award (or contract) of a London borough buyer whose CPV codes include technology becomes one
row per supplier; everything else is accounted for in the report with its file, line and reason.
"""

from __future__ import annotations

import copy
import csv
import json
import re
from bisect import bisect_right
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from techmap.dataformat.authorities import ONS_CODE, by_code, match_authority
from techmap.importers.cells import clean_text, date_text, money_text, ocds_date
from techmap.importers.classify import (
    classify_service_area,
    decide_technology,
    detect_hosting,
    detect_route,
)
from techmap.importers.notice_evidence import notice_evidence
from techmap.importers.ocds_csv import first_record, is_flattened_ocds, read_flattened
from techmap.importers.report import ImportReport, Kept
from techmap.importers.rows import (
    ImportResult,
    contract_row,
    file_date,
    file_source,
    finish_suppliers,
    source_key,
    system_and_maker,
)
from techmap.dataformat.parsing import ENCODING_NAMES, decode_text
from techmap.dataformat.problems import Problem
from techmap.dataformat.schema import slugify
from techmap.analysis.suppliers import clean_name, normalise_supplier

# ocid prefix -> (publisher, site, default licence)
PUBLISHERS: dict[str, tuple[str, str, str]] = {
    "ocds-b5fd17": ("Contracts Finder", "https://www.contractsfinder.service.gov.uk/", "OGL-3.0"),
    "ocds-h6vhtk": ("Find a Tender", "https://www.find-tender.service.gov.uk/", "OGL-3.0"),
    "ocds-r6ebe6": ("Public Contracts Scotland", "https://www.publiccontractsscotland.gov.uk/",
                    "OGL-3.0"),
    "ocds-kuma6s": ("Sell2Wales", "https://www.sell2wales.gov.wales/", "OGL-3.0"),
}
# GOV.UK local-authority-eng register codes of the London boroughs (org-id scheme GB-LAE).
LAE_CODES: dict[str, str] = {
    "LND": "E09000001", "BDG": "E09000002", "BNE": "E09000003", "BEX": "E09000004",
    "BEN": "E09000005", "BRY": "E09000006", "CMD": "E09000007", "CRY": "E09000008",
    "EAL": "E09000009", "ENF": "E09000010", "GRE": "E09000011", "HCK": "E09000012",
    "HMF": "E09000013", "HRY": "E09000014", "HRW": "E09000015", "HAV": "E09000016",
    "HIL": "E09000017", "HNS": "E09000018", "ISL": "E09000019", "KEC": "E09000020",
    "KTT": "E09000021", "LBH": "E09000022", "LEW": "E09000023", "MRT": "E09000024",
    "NWM": "E09000025", "RDB": "E09000026", "RIC": "E09000027", "SWK": "E09000028",
    "STN": "E09000029", "TWH": "E09000030", "WFT": "E09000031", "WND": "E09000032",
    "WSM": "E09000033",
}
DEAD_AWARD_STATUSES = frozenset({"cancelled", "unsuccessful"})
DEAD_CONTRACT_STATUSES = frozenset({"cancelled"})
MAX_PARSE_ERRORS = 20
_OCID_KEY = re.compile(r'"ocid"\s*:\s*"((?:[^"\\]|\\.)*)"')
_ON_BEHALF = re.compile(r"\s+(?:on behalf of|for and on behalf of|acting for)\s+",
                        re.IGNORECASE)
_CPV_ID = re.compile(r"^\d{8}(?:-\d)?$")


# --- reading files -------------------------------------------------------------------------------

_NO_DATE = datetime.min.replace(tzinfo=UTC)


def release_instant(value: object) -> datetime:
    """A release date as a moment in time, for "latest wins": Contracts Finder mixes 'Z' and
    '+01:00', so text order is wrong ('2025-04-01T00:30:00+01:00' is before
    '2025-03-31T23:45:00Z'). No offset is read as UTC; no date or an unreadable one sorts first."""
    if not isinstance(value, str) or not value.strip():
        return _NO_DATE
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        return _NO_DATE
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


@dataclass
class ReleaseItem:
    release: dict[str, Any]
    file: str
    line: int | None
    order: int  # position across all files, to keep the order of equal dates stable
    package_uri: str = ""  # the uri of a package that held only this release (a notice's own)
    published: str = ""  # the publishedDate of its package

    @property
    def ocid(self) -> str:
        return str(self.release.get("ocid", ""))

    @property
    def date(self) -> str:
        return str(self.release.get("date") or "")

    @property
    def instant(self) -> datetime:
        return release_instant(self.release.get("date"))

    @property
    def release_id(self) -> str:
        return str(self.release.get("id") or "")


_NoticeOf = tuple[str, str]  # (package_uri, published) of the releases of one package


def _notice_of(package: dict[str, Any], releases: int) -> _NoticeOf:
    uri = str(package.get("uri") or "") if releases == 1 else ""
    return uri, str(package.get("publishedDate") or "")


@dataclass
class OcdsFile:
    label: str
    path: Path
    items: list[ReleaseItem] = field(default_factory=list)
    packages: list[dict[str, Any]] = field(default_factory=list)  # package metadata
    shapes: Counter[str] = field(default_factory=Counter)
    encoding: str = "utf-8"


class _Lines:
    """Line numbers of positions in a text, and of each release's `"ocid"` key in order."""

    def __init__(self, text: str):
        self.newlines = [m.start() for m in re.finditer("\n", text)]
        self.ocids = [(m.start(), _unescape(m[1])) for m in _OCID_KEY.finditer(text)]
        self.pointer = 0

    def line(self, position: int) -> int:
        return bisect_right(self.newlines, position - 1) + 1

    def next_ocid(self, ocid: str) -> int | None:
        for index in range(self.pointer, len(self.ocids)):
            if self.ocids[index][1] == ocid:
                self.pointer = index + 1
                return self.line(self.ocids[index][0])
        return None


def _unescape(text: str) -> str:
    try:
        return str(json.loads(f'"{text}"'))
    except ValueError:
        return text


def _values(text: str, lines: _Lines, label: str, problems: list[Problem]
            ) -> Iterator[tuple[int, Any]]:
    """Top-level JSON values with their line: one document, or JSON Lines / concatenated
    packages. After a broken value, reading resumes at the next line starting with '{' or '['."""
    try:
        yield 1, json.loads(text)
        return
    except json.JSONDecodeError:
        pass
    # JSON Lines: one value per line, so that a broken line costs only itself.
    parsed: list[tuple[int, Any]] = []
    broken: list[Problem] = []
    for number, line_text in enumerate(text.split("\n"), start=1):
        if not line_text.strip():
            continue
        try:
            parsed.append((number, json.loads(line_text)))
        except json.JSONDecodeError as exc:
            broken.append(Problem(label, number, "-", line_text.strip()[:40],
                                  f"not valid JSON: {exc.msg} (column {exc.colno}); this line "
                                  "is skipped"))
    if parsed and len(parsed) >= len(broken):
        problems.extend(broken[:MAX_PARSE_ERRORS])
        yield from parsed
        return
    # Concatenated (pretty-printed) values.
    decoder = json.JSONDecoder()
    position, errors = 0, 0
    while True:
        while position < len(text) and text[position] in " \t\r\n,":
            position += 1
        if position >= len(text):
            return
        try:
            value, end = decoder.raw_decode(text, position)
        except json.JSONDecodeError as exc:
            errors += 1
            resume = re.compile(r"^[\[{]", re.MULTILINE).search(text, max(exc.pos, position + 1))
            tail = "; reading resumes on the next line that starts a JSON value" if resume else ""
            problems.append(Problem(label, exc.lineno, "-", "", f"not valid JSON: {exc.msg} "
                                    f"(column {exc.colno}){tail}"))
            if resume is None or errors >= MAX_PARSE_ERRORS:
                return
            position = resume.start()
            continue
        yield lines.line(position), value
        position = end


def _flatten_versioned(value: Any) -> Any:
    """A versionedRelease as a plain release: each versioned field takes its latest value."""
    if isinstance(value, list):
        if value and all(isinstance(v, dict) and "releaseID" in v and "value" in v for v in value):
            latest = max(enumerate(value),
                         key=lambda iv: (release_instant(iv[1].get("releaseDate")), iv[0]))[1]
            return _flatten_versioned(latest["value"])
        return [_flatten_versioned(v) for v in value]
    if isinstance(value, dict):
        return {k: _flatten_versioned(v) for k, v in value.items()}
    return value


def read_ocds_file(path: Path, order_start: int, problems: list[Problem]) -> OcdsFile:
    path = Path(path)
    label = str(path)
    result = OcdsFile(label=label, path=path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        problems.append(Problem(label, None, "-", "", f"cannot read file: {exc.strerror or exc}"))
        return result
    text, result.encoding = decode_text(data)
    if not text.strip():
        problems.append(Problem(label, None, "-", "", "file is empty"))
        return result
    lines = _Lines(text)
    order = order_start

    def add(release: Any, shape: str, at: int | None = None, notice: _NoticeOf = ("", "")
            ) -> None:
        nonlocal order
        if not isinstance(release, dict) or not release.get("ocid"):
            problems.append(Problem(label, at, "ocid", "", f"a {shape} without an ocid is "
                                    "skipped"))
            return
        line = at if at is not None else lines.next_ocid(str(release["ocid"]))
        result.items.append(ReleaseItem(release, label, line, order, *notice))
        result.shapes[shape] += 1
        order += 1

    def walk(value: Any, line: int) -> None:
        if isinstance(value, list):
            for element in value:
                walk(element, line)
        elif isinstance(value, dict) and isinstance(value.get("releases"), list) \
                and "records" not in value and "ocid" not in value:
            result.packages.append({k: v for k, v in value.items() if k != "releases"})
            notice = _notice_of(value, len(value["releases"]))
            for release in value["releases"]:
                add(release, "release in a release package", None, notice)
        elif isinstance(value, dict) and isinstance(value.get("records"), list):
            result.packages.append({k: v for k, v in value.items() if k != "records"})
            notice = _notice_of(value, 0)
            for record in value["records"]:
                _add_record(record, lambda r, shape: add(r, shape, None, notice), label, lines,
                            problems)
        elif isinstance(value, dict) and "ocid" in value:
            add(value, "release")
        else:
            problems.append(Problem(label, line, "-", "", "not an OCDS release, release package "
                                    "or record package; skipped"))

    if not text.lstrip().startswith(("{", "[")) and is_flattened_ocds(first_record(text)):
        _read_flattened_csv(text, label, result, add, problems)
        return result
    for line, value in _values(text, lines, label, problems):
        walk(value, line)
    return result


def _read_flattened_csv(text: str, label: str, result: OcdsFile,
                        add: Callable[[Any, str, int | None, _NoticeOf], None],
                        problems: list[Problem]) -> None:
    """Contracts Finder's flattened CSV export: each row is one package of one release."""
    shape = "release in a flattened CSV row (Contracts Finder export)"
    try:
        for line, package in read_flattened(text):
            releases = package.pop("releases", None)
            result.packages.append(package)
            if not isinstance(releases, list) or not releases:
                problems.append(Problem(label, line, "-", "", "row has no release columns "
                                        "filled in; skipped"))
                continue
            notice = _notice_of(package, len(releases))
            for release in releases:
                add(release, shape, line, notice)
    except csv.Error as exc:
        problems.append(Problem(label, None, "-", "", f"cannot read CSV: {exc} (an unclosed "
                                "quote can cause this); the rows after it are not read"))


def _add_record(record: Any, add: Callable[[Any, str], None], label: str, lines: _Lines,
                problems: list[Problem]) -> None:
    if not isinstance(record, dict):
        problems.append(Problem(label, None, "records", "", "a record that is not an object is "
                                "skipped"))
        return
    if isinstance(record.get("compiledRelease"), dict):
        add(record["compiledRelease"], "record (compiledRelease)")
    elif isinstance(record.get("versionedRelease"), dict):
        release = _flatten_versioned(record["versionedRelease"])
        release.setdefault("ocid", record.get("ocid"))
        add(release, "record (versionedRelease)")
    else:
        full = [r for r in record.get("releases") or [] if isinstance(r, dict)
                and set(r) - {"url", "date", "tag"}]
        if not full:
            line = lines.next_ocid(str(record.get("ocid", "")))
            problems.append(Problem(label, line, "ocid", str(record.get("ocid", "")),
                                    "record has only linked releases (url) and no "
                                    "compiledRelease; skipped"))
        for release in full:
            add(release, "record (embedded release)")


# --- merging releases ----------------------------------------------------------------------------

def merge_release(base: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """OCDS merge of `new` onto `base` (in place; returns base)."""
    for key, value in new.items():
        if value is None:
            base.pop(key, None)
        elif isinstance(value, dict) and isinstance(base.get(key), dict):
            merge_release(base[key], value)
        elif (isinstance(value, list) and isinstance(base.get(key), list) and value
              and all(isinstance(v, dict) and "id" in v for v in value)
              and all(isinstance(v, dict) and "id" in v for v in base[key])):
            index = {str(item["id"]): item for item in base[key]}
            for item in value:
                if str(item["id"]) in index:
                    merge_release(index[str(item["id"])], item)
                else:
                    copied = copy.deepcopy(item)
                    base[key].append(copied)
                    index[str(item["id"])] = copied
        else:
            base[key] = copy.deepcopy(value)
    return base


def normalise_ocid(ocid: str) -> str:
    """Bluetail's copies of Contracts Finder rename the prefix to 'ocds-b5fd17raw-'."""
    return re.sub(r"^ocds-b5fd17raw-", "ocds-b5fd17-", ocid)


# --- buyers --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class BuyerMatch:
    code: str | None
    name: str
    reason: str  # why it matched or why not


def _parties(release: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {str(p.get("id")): p for p in release.get("parties") or [] if isinstance(p, dict)}


def _identifier_code(identifier: Any) -> str | None:
    if not isinstance(identifier, dict):
        return None
    scheme = str(identifier.get("scheme") or "").upper()
    value = str(identifier.get("id") or "").strip()
    if ONS_CODE.match(value.upper()):
        return value.upper()
    if scheme == "GB-LAE" and value.upper() in LAE_CODES:
        return LAE_CODES[value.upper()]
    return None


def match_buyer(release: dict[str, Any]) -> BuyerMatch:
    """The borough of the release's buyer: by identifier (ONS code, GB-LAE code), else by name."""
    parties = _parties(release)
    buyer = release.get("buyer") if isinstance(release.get("buyer"), dict) else {}
    candidates = [buyer]
    if buyer.get("id") is not None and str(buyer["id"]) in parties:
        candidates.append(parties[str(buyer["id"])])
    candidates += [p for p in parties.values() if "buyer" in (p.get("roles") or [])
                   and p not in candidates]
    names: list[str] = []
    for party in candidates:
        ids = [party.get("identifier"), *(party.get("additionalIdentifiers") or [])]
        party_id = str(party.get("id") or "")
        if m := re.match(r"^GB-LAE-([A-Z]{3})$", party_id.upper()):
            ids.append({"scheme": "GB-LAE", "id": m[1]})
        ids.append({"id": party_id})
        for identifier in ids:
            code = _identifier_code(identifier)
            if code:
                return BuyerMatch(code, by_code()[code].name, f"identifier {identifier.get('id')}")
        for name in (party.get("name"), (party.get("identifier") or {}).get("legalName")
                     if isinstance(party.get("identifier"), dict) else None):
            cleaned = clean_name(name).split(" : ")[0].strip()
            if cleaned and cleaned not in names:
                names.append(cleaned)
    if not names:
        return BuyerMatch(None, "", "no buyer named in the release")
    for name in names:
        parts = _ON_BEHALF.split(name, maxsplit=1)
        code = match_authority(parts[0])
        if code and len(parts) > 1:
            return BuyerMatch(None, name, f"the borough buys on behalf of {parts[1]!r}, not for "
                                          "itself")
        if code:
            return BuyerMatch(code, name, f"name {name!r}")
    return BuyerMatch(None, names[0], "the buyer is not one of London's 33 borough councils; "
                                      "only the boroughs' contracts are imported")


# --- technology and awards -----------------------------------------------------------------------

def _classification_codes(value: Any) -> list[str]:
    codes: list[str] = []
    if isinstance(value, dict):
        scheme = str(value.get("scheme") or "CPV").upper()
        code = str(value.get("id") or "").strip()
        if scheme.startswith("CPV") and _CPV_ID.match(code):
            codes.append(code[:8])
    return codes


def release_cpv_codes(release: dict[str, Any]) -> list[str]:
    """CPV codes of the tender, its items and lots, and the items of awards and contracts."""
    found: list[str] = []
    tender = release.get("tender") if isinstance(release.get("tender"), dict) else {}
    holders = [tender, *(tender.get("lots") or [])]
    for block in ("awards", "contracts"):
        holders += [b for b in release.get(block) or [] if isinstance(b, dict)]
    for holder in holders:
        if not isinstance(holder, dict):
            continue
        found += _classification_codes(holder.get("classification"))
        for extra in holder.get("additionalClassifications") or []:
            found += _classification_codes(extra)
        for item in holder.get("items") or []:
            if isinstance(item, dict):
                found += _classification_codes(item.get("classification"))
                for extra in item.get("additionalClassifications") or []:
                    found += _classification_codes(extra)
    return list(dict.fromkeys(found))


@dataclass
class _Unit:
    """One awarded contract: an award, its contract (if published), or a contract alone."""

    unit_id: str
    award: dict[str, Any]
    contract: dict[str, Any]


def _units(release: dict[str, Any], ocid: str) -> tuple[list[_Unit], list[tuple[str, str]]]:
    """(live units, [(id, reason)] of dead awards/contracts)."""
    awards = [a for a in release.get("awards") or [] if isinstance(a, dict)]
    contracts = [c for c in release.get("contracts") or [] if isinstance(c, dict)]
    units: list[_Unit] = []
    dead: list[tuple[str, str]] = []
    award_ids = set()
    for number, award in enumerate(awards, start=1):
        award_id = _short_id(str(award.get("id") or f"award-{number}"), ocid)
        award_ids.add(str(award.get("id")))
        status = str(award.get("status") or "").lower()
        if status in DEAD_AWARD_STATUSES:
            dead.append((award_id, f"award {award_id} is {status}"))
            continue
        linked = [c for c in contracts if str(c.get("awardID")) == str(award.get("id"))]
        if not linked:
            units.append(_Unit(award_id, award, {}))
        for contract in linked:
            cid = _short_id(str(contract.get("id") or award_id), ocid)
            if str(contract.get("status") or "").lower() in DEAD_CONTRACT_STATUSES:
                dead.append((cid, f"contract {cid} is cancelled"))
                continue
            units.append(_Unit(cid, award, contract))
    for number, contract in enumerate(contracts, start=1):
        if str(contract.get("awardID")) in award_ids:
            continue
        cid = _short_id(str(contract.get("id") or f"contract-{number}"), ocid)
        if str(contract.get("status") or "").lower() in DEAD_CONTRACT_STATUSES:
            dead.append((cid, f"contract {cid} is cancelled"))
            continue
        units.append(_Unit(cid, {}, contract))
    return units, dead


def _short_id(value: str, ocid: str) -> str:
    """Contracts Finder award ids repeat the ocid ('<ocid>-1'): keep what follows it."""
    for prefix in (ocid, normalise_ocid(ocid)):
        if value.startswith(prefix + "-") and len(value) > len(prefix) + 1:
            return value[len(prefix) + 1:]
    return value


def _company_number(party: dict[str, Any]) -> str:
    identifier = party.get("identifier") if isinstance(party.get("identifier"), dict) else {}
    for ident in (identifier, *(party.get("additionalIdentifiers") or [])):
        if isinstance(ident, dict) and str(ident.get("scheme") or "").upper() == "GB-COH":
            return str(ident.get("id") or "")
    party_id = str(party.get("id") or "")
    return party_id[7:] if party_id.upper().startswith("GB-COH-") else ""


def _suppliers(unit: _Unit, release: dict[str, Any]) -> list[tuple[str, str]]:
    """(name, company number) of each supplier of the unit."""
    parties = _parties(release)
    refs = [s for s in (unit.award.get("suppliers") or unit.contract.get("suppliers") or [])
            if isinstance(s, dict)]
    out: list[tuple[str, str]] = []
    for ref in refs:
        party = parties.get(str(ref.get("id")), {})
        name = clean_name(ref.get("name") or party.get("name")
                          or (party.get("identifier") or {}).get("legalName"))
        if name and name not in [n for n, _ in out]:
            out.append((name, _company_number(party) or _company_number(ref)))
    return out


# --- the import ----------------------------------------------------------------------------------

def _licence(url: str, default: str) -> str:
    lowered = url.lower()
    if "open-government-licence" in lowered:
        version = re.search(r"version/(\d)", lowered)
        return f"OGL-{version[1]}.0" if version else "OGL-3.0"
    if "creativecommons.org/licenses/by/4.0" in lowered:
        return "CC-BY-4.0"
    return url or default


def _file_source(ocds_file: OcdsFile) -> tuple[str, dict[str, Any]]:
    prefixes = Counter(item.ocid.lower()[:11] for item in ocds_file.items)
    prefix = prefixes.most_common(1)[0][0] if prefixes else ""
    publisher, site, default_licence = PUBLISHERS.get(prefix, ("", "", ""))
    package = ocds_file.packages[0] if ocds_file.packages else {}
    if not publisher:
        package_publisher = package.get("publisher")
        publisher = (clean_text(package_publisher.get("name"))
                     if isinstance(package_publisher, dict) else "") or "unknown publisher"
    licence = _licence(str(package.get("license") or ""), default_licence or "unknown")
    uri = str(package.get("uri") or "") if len(ocds_file.packages) == 1 else ""
    dates = [d for d in (ocds_date(item.release.get("date")) for item in ocds_file.items) if d]
    if not dates:
        dates = [d for d in (ocds_date(p.get("publishedDate")) for p in ocds_file.packages) if d]
    as_of = max(dates).isoformat() if dates else (
        file_date(ocds_file.path) if ocds_file.path.exists() else "")
    key = source_key("ocds", ocds_file.path.stem)
    return key, file_source("ocds", ocds_file.path, title=f"{publisher} OCDS: {ocds_file.path.name}",
                            url=uri or site, publisher=publisher, licence=licence, as_of=as_of)


def import_ocds(paths: list[Path]) -> ImportResult:
    """Read OCDS files and return the technology rows of London borough buyers, with the report."""
    labels = [str(p) for p in paths]
    report = ImportReport(kind="ocds", files=labels, unit="releases")
    problems: list[Problem] = []
    files: list[OcdsFile] = []
    order = 0
    for path in paths:
        ocds_file = read_ocds_file(Path(path), order, problems)
        order += len(ocds_file.items)
        files.append(ocds_file)
    sources: dict[str, dict[str, Any]] = {}
    source_of_file: dict[str, str] = {}
    for ocds_file in files:
        key, meta = _file_source(ocds_file)
        while key in sources:  # two files with the same name in different folders
            key = f"{key}-{len(sources)}"
        sources[key] = meta
        source_of_file[ocds_file.label] = key
        report.sources[key] = ocds_file.label
        shapes = ", ".join(f"{n:,} × {shape}" for shape, n in ocds_file.shapes.items())
        encoding = ("" if ocds_file.encoding.startswith("utf-8") else
                    f" (read as {ENCODING_NAMES.get(ocds_file.encoding, ocds_file.encoding)})")
        report.notes.append(f"{ocds_file.label}: {shapes or 'no releases'}{encoding}")
    for problem in problems:
        # A file that gave no release at all could not be imported: an error. In a file that
        # did, a broken line or an empty record is skipped, and listed as such.
        if not any(f.items for f in files if f.label == problem.file):
            report.fatal.append(problem)
        else:
            report.skip(problem.file, problem.line, problem.column, problem.value,
                        problem.reason, "unreadable")

    items = [item for f in files for item in f.items]
    report.read = len(items)
    renamed = sum(1 for item in items if normalise_ocid(item.ocid) != item.ocid)
    if renamed:
        report.notes.append(f"{renamed:,} releases have the Bluetail prefix 'ocds-b5fd17raw-'; "
                            "read as Contracts Finder's 'ocds-b5fd17-'")
    groups: dict[str, list[ReleaseItem]] = defaultdict(list)
    for item in items:
        groups[normalise_ocid(item.ocid)].append(item)

    rows: list[dict[str, str]] = []
    numbers: list[str] = []
    kept_meta: list[tuple[ReleaseItem, str, str]] = []
    row_flags: list[list[tuple[str, str, str]]] = []
    for ocid, group in groups.items():
        latest, compiled = _compile(ocid, group, report)
        source = source_of_file[latest.file]
        for row, number, why, area_reason, flags in _rows_for(ocid, compiled, latest, source,
                                                              report):
            rows.append(row)
            numbers.append(number)
            kept_meta.append((latest, why, area_reason))
            row_flags.append(flags)

    rows, kept_meta, row_flags, numbers = _unique_ids(rows, kept_meta, row_flags, numbers,
                                                      report)
    rows = finish_suppliers(rows, numbers, report)
    for row, (item, why, area_reason), flags in zip(rows, kept_meta, row_flags, strict=True):
        report.kept.append(Kept(item.file, item.line, row["contract_id"], why,
                                row["service_area"], area_reason))
        for column, value, reason in flags:
            report.flag(item.file, item.line, column, value, reason)
    publishers = ", ".join(sorted({str(s["publisher"]) for s in sources.values()}))
    return ImportResult(rows, report, sources,
                        title="London borough technology contracts (OCDS)",
                        description="Technology contracts of London boroughs, imported from OCDS "
                                    f"data ({publishers}) with python -m techmap import.")


def _compile(ocid: str, group: list[ReleaseItem], report: ImportReport
             ) -> tuple[ReleaseItem, dict[str, Any]]:
    """Drop repeated releases, merge the rest in date order; returns (latest, compiled)."""
    unique: list[ReleaseItem] = []
    seen: dict[str, ReleaseItem] = {}
    for item in group:
        identity = item.release_id or json.dumps(item.release, sort_keys=True)[:2000]
        when = item.instant.isoformat() if item.instant != _NO_DATE else item.date
        key = f"{identity}|{when}"  # the same moment however its offset is written
        if key in seen:
            first = seen[key]
            report.fold(item.file, item.line, "id", item.release_id or ocid,
                        f"the same release as {first.file}:{first.line}; read once",
                        "repeated release")
            continue
        seen[key] = item
        unique.append(item)
    ordered = sorted(unique, key=lambda i: (i.instant, i.order))
    latest = ordered[-1]
    compiled: dict[str, Any] = {}
    for item in ordered:
        merge_release(compiled, item.release)
    compiled["ocid"] = ocid
    for item in ordered[:-1]:
        # The day is enough unless it would not show which is later (same day, or a '+01:00'
        # stamp on the next day that is in fact earlier).
        full = item.date[:10] >= latest.date[:10]
        shown, latest_shown = ((item.date, latest.date) if full else
                               (item.date[:10], latest.date[:10]))
        report.fold(item.file, item.line, "ocid", ocid,
                    f"release {item.release_id or '?'} ({shown or 'no date'}) merged "
                    f"with the later release {latest.release_id or '?'} "
                    f"({latest_shown or 'no date'}, {latest.file}:{latest.line}); the "
                    "latest wins", "release merged")
    return latest, compiled


_Flags = list[tuple[str, str, str]]
# (row, company number, why kept, area reason, flags)
_RowOut = tuple[dict[str, str], str, str, str, _Flags]


def _rows_for(ocid: str, release: dict[str, Any], item: ReleaseItem, source: str,
              report: ImportReport) -> Iterator[_RowOut]:
    """Yield (row, company number, why kept, area reason, flags) for each kept unit."""
    buyer = match_buyer(release)
    if buyer.code is None:
        key = "no buyer" if not buyer.name else (
            "buys for another body" if "on behalf" in buyer.reason else "not a London borough")
        report.skip(item.file, item.line, "buyer", buyer.name, buyer.reason, key)
        return
    tender = release.get("tender") if isinstance(release.get("tender"), dict) else {}
    codes = release_cpv_codes(release)
    t_title, t_desc = clean_text(tender.get("title")), clean_text(tender.get("description"))
    decision = decide_technology(codes, [("title", t_title), ("description", t_desc)])
    if not decision.keep:
        report.skip(item.file, item.line, "cpv" if codes else "title",
                    ", ".join(codes) or t_title, decision.reason, "not technology")
        return
    units, dead = _units(release, ocid)
    for unit_id, reason in dead:
        report.skip(item.file, item.line, "awards", unit_id, reason, "award cancelled")
    if not units:
        if not dead:
            tags = ", ".join(str(t) for t in release.get("tag") or []) or "none"
            report.skip(item.file, item.line, "awards", t_title,
                        f"no award yet (tag {tags}): a notice, not an awarded contract",
                        "no award yet")
        return
    for unit in units:
        suppliers = _suppliers(unit, release)
        if not suppliers:
            report.skip(item.file, item.line, "suppliers", unit.unit_id,
                        f"award {unit.unit_id} names no supplier", "no supplier")
            continue
        proof = notice_evidence(ocid, unit.award, unit.contract, item)
        yield from _unit_rows(ocid, release, unit, suppliers, buyer, tender, codes, decision.reason,
                              source, proof)


def _unit_rows(ocid: str, release: dict[str, Any], unit: _Unit, suppliers: list[tuple[str, str]],
               buyer: BuyerMatch, tender: dict[str, Any], codes: list[str], why: str,
               source: str, proof: tuple[str, str]) -> Iterator[_RowOut]:
    """The rows of one award (or contract), one per supplier; `proof` is its (evidence,
    observed_date)."""
    award, contract = unit.award, unit.contract
    title = clean_text(contract.get("title") or award.get("title") or tender.get("title"))
    description = clean_text(contract.get("description") or award.get("description")
                             or tender.get("description"))
    flags: list[tuple[str, str, str]] = []
    period = next((p for p in (contract.get("period"), award.get("contractPeriod"),
                               tender.get("contractPeriod")) if isinstance(p, dict) and p), {})
    start, end = ocds_date(period.get("startDate")), ocds_date(period.get("endDate"))
    max_end = ocds_date(period.get("maxExtentDate"))
    days = period.get("durationInDays")
    if end is None and start is not None and isinstance(days, (int, float)) and days > 0:
        end = start + timedelta(days=int(days))
        flags.append(("end_date", end.isoformat(), f"worked out from the start date and "
                                                   f"durationInDays {int(days)}"))
    if start and end and end < start:
        flags.append(("end_date", end.isoformat(), f"ends before it starts ({start}); left blank"))
        end = None
    if max_end and end and max_end < end:
        flags.append(("max_end_date", max_end.isoformat(), "maxExtentDate is before the end "
                                                           "date; left blank"))
        max_end = None
    value = next((v for v in (contract.get("value"), award.get("value"))
                  if isinstance(v, dict) and v.get("amount") is not None), {})
    amount: float | None = None
    if value:
        raw_amount, currency = value.get("amount"), str(value.get("currency") or "GBP").upper()
        if not isinstance(raw_amount, (int, float)):
            flags.append(("total_value_gbp", str(raw_amount), "not a number; left blank"))
        elif raw_amount <= 0:
            flags.append(("total_value_gbp", str(raw_amount), "0 read as unknown; left blank"))
        elif currency != "GBP":
            flags.append(("total_value_gbp", f"{raw_amount} {currency}",
                          f"value in {currency}, not pounds; left blank (not converted)"))
        else:
            amount = float(raw_amount)
    shared = ""
    if len(suppliers) > 1:
        shared = f"{ocid}/{unit.unit_id}"
        if amount is not None:
            flags.append(("total_value_gbp", money_text(amount),
                          f"award to {len(suppliers)} suppliers: the value is not split between "
                          "them, so it is left blank (the rows share shared_ref)"))
            amount = None
    area = classify_service_area([("title", title), ("description", description)], codes)
    route = detect_route([title, description]) or clean_text(
        tender.get("procurementMethodDetails") or tender.get("procurementMethod")).strip(" -")
    hosting = detect_hosting([title, description])
    for name, number in suppliers:
        supplier, _ = normalise_supplier(name, number)
        system, manufacturer = system_and_maker(title, description, supplier)
        contract_id = f"{ocid}/{unit.unit_id}/{buyer.code}"
        if len(suppliers) > 1:
            contract_id += f"/{slugify(supplier) or slugify(name)}"
        row = contract_row(
            contract_id=contract_id, authority_code=buyer.code, service_area=area.slug,
            system=system, manufacturer=manufacturer, supplier=supplier,
            start_date=date_text(start), end_date=date_text(end),
            max_end_date=date_text(max_end), total_value_gbp=money_text(amount),
            hosting=hosting, procurement_route=route, shared_ref=shared, source=source,
            synthetic="false", evidence=proof[0], observed_date=proof[1], confidence="contract",
        )
        yield row, number, f"{why}; buyer {buyer.reason}", area.reason, list(flags)


def _unique_ids(rows: list[dict[str, str]], meta: list[tuple[ReleaseItem, str, str]],
                flags: list[_Flags], numbers: list[str], report: ImportReport
                ) -> tuple[list[dict[str, str]], list[tuple[ReleaseItem, str, str]],
                           list[_Flags], list[str]]:
    """Two suppliers of one award that normalise to the same company become one row."""
    seen: dict[str, int] = {}
    keep: list[int] = []
    for index, row in enumerate(rows):
        cid = row["contract_id"]
        if cid in seen:
            item = meta[index][0]
            report.fold(item.file, item.line, "suppliers", row["supplier"],
                        f"a second supplier entry for {row['supplier']!r} in the same award; "
                        "read once", "repeated supplier")
            continue
        seen[cid] = index
        keep.append(index)
    return ([rows[i] for i in keep], [meta[i] for i in keep], [flags[i] for i in keep],
            [numbers[i] for i in keep])


def classify_release(release: dict[str, Any], source: str = "") -> tuple[list[str], list[str]]:
    """One release read on its own, by the import's own rules (buyer, technology, awards):
    (contract ids of the rows it gives, reason keys of what it skips). The harvest uses it to
    set aside, page by page, the releases the import would skip anyway."""
    ocid = normalise_ocid(str(release.get("ocid", "")))
    report = ImportReport(kind="ocds", files=[])
    rows = _rows_for(ocid, release, ReleaseItem(release, "", None, 0), source, report)
    return [row["contract_id"] for row, *_ in rows], [entry.key for entry in report.skipped]
