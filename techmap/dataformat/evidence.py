"""Evidence on every real row: `evidence`, `observed_date`, `confidence` (datasets/README.md).

The validator calls `check_evidence` once, after the other columns are typed; it returns the
evidence and confidence columns typed (observed_date is parsed by the date checks) and records its
problems on the validator's checker. Where the file has the columns, every real row
(synthetic=false) must fill all three: a blank or a malformed value is an error. A dataset folder
whose contracts file lacks the columns altogether (one made before they existed) still loads, with
one warning (`dataset_warnings`). `evidence_link` turns a piece of evidence into a link a browser
can open.
"""

from __future__ import annotations

import re
from collections.abc import Hashable, Iterable
from typing import Any, Protocol

import pandas as pd

from techmap.dataformat.parsing import by_distinct
from techmap.dataformat.problems import Problem
from techmap.dataformat.schema import CONFIDENCE_VALUES, EVIDENCE_COLUMNS

# owner/repo@commit:path, optionally #L<line> (a line of the file).
REPO_REF = re.compile(r"^(?P<repo>[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+)@(?P<commit>[0-9a-f]{7,40})"
                      r":(?P<path>[^\s#]+)(?:#L(?P<line>\d+))?$")
URL = re.compile(r"^https?://[^\s/]+\.[^\s]+$")
# The name of an imported data file (no folder), optionally #L<line>: what an importer gives when
# the source names no URL (an OCDS file without notice links, a register imported without --url).
FILE_REF = re.compile(r"^[^\s/\\:#][^/\\:#]*\.(?:csv|tsv|txt|json|jsonl|ndjson|xlsx|xlsm|xls|ods)"
                      r"(?:#L\d+)?$", re.IGNORECASE)
WHAT = {"evidence": "where a person can check them (a URL, owner/repo@commit:path or the name "
                    "of the imported file)",
        "observed_date": "when the evidence showed them",
        "confidence": "how sure the evidence is (contract, integration, listing or inferred)"}


class Checker(Protocol):
    """What the validator's checker offers (techmap.dataformat.contract_checks._Checker)."""

    label: str
    header_line: int
    raw: dict[str, pd.Series]
    problems: list[Any]

    def add(self, index: Hashable, column: str, reason: str, severity: Any = "error") -> None: ...

    def add_capped(self, indexes: Iterable[Hashable], column: str, reason: str,
                   summary: str) -> None: ...


def is_evidence(text: str) -> bool:
    """A URL (http or https), a repository reference owner/repo@commit:path or the name of an
    imported data file (optionally #L<line>)."""
    return bool(URL.match(text) or REPO_REF.match(text) or FILE_REF.match(text))


def file_reference(name: str, line: int | None = None) -> str:
    """The evidence naming an imported file and, where known, the line in it."""
    return f"{name}#L{line}" if line else name


def evidence_link(text: object) -> str | None:
    """The URL to open for a piece of evidence: the URL itself, or the file on GitHub at that
    commit (and line) for owner/repo@commit:path[#Ln]; None when it is neither."""
    value = str(text or "").strip()
    if URL.match(value):
        return value
    ref = REPO_REF.match(value)
    if ref is None:
        return None
    url = f"https://github.com/{ref['repo']}/blob/{ref['commit']}/{ref['path']}"
    return f"{url}?plain=1#L{ref['line']}" if ref["line"] else url


def _indexes(mask: pd.Series) -> Iterable[Hashable]:
    return mask.index[mask.to_numpy()]


def check_evidence(check: Checker, synthetic: pd.Series, present: set[str]) -> dict[str, Any]:
    """The typed evidence and confidence columns; problems go to `check` (observed_date is
    parsed with the other dates). `synthetic` is the parsed synthetic flag, `present` the
    columns of the file's header."""
    evidence = by_distinct(check.raw["evidence"], lambda v: v.str.strip())
    confidence = by_distinct(check.raw["confidence"], lambda v: v.str.strip().str.lower())
    real = ~synthetic.astype(bool)
    # A file without the columns gets one warning for its folder instead (dataset_warnings).
    for column in (c for c in EVIDENCE_COLUMNS if c in present):
        blank = by_distinct(check.raw[column], lambda v: v.str.strip() == "")
        for i in _indexes(blank & real):
            check.add(i, column, f"blank on a real row (synthetic=false): say {WHAT[column]}")
    filled = evidence != ""
    for i in _indexes(filled & ~by_distinct(evidence, lambda v: v.map(is_evidence).astype(bool))):
        check.add(i, "evidence", "not a URL (https://...), owner/repo@commit:path nor the name "
                  "of an imported file (name.csv#L12)")
    bad = (confidence != "") & ~confidence.isin(CONFIDENCE_VALUES)
    for i in _indexes(bad):
        check.add(i, "confidence", f"not one of: {', '.join(CONFIDENCE_VALUES)}")
    return {
        "evidence": evidence.astype("str"),
        "confidence": pd.Categorical(confidence.where(~bad & (confidence != "")),
                                     categories=list(CONFIDENCE_VALUES)),
    }


# The confidence an importer's rows carry, by the kind of file (the first part of the source id):
# a Contracts Finder or Find a Tender notice is a contract; a council's contracts register and its
# survey return are its own published list.
NOTICE_KINDS = ("ocds", "harvest")
IMPORT_CONFIDENCE = {"ocds": "contract", "harvest": "contract", "register": "listing",
                     "survey": "listing"}


def with_source_evidence(row: dict[str, str], sources: Any) -> dict[str, str]:
    """An imported real row with blank evidence columns filled from its source's manifest entry:
    the confidence of its kind of file and, for a register or survey, the URL it was published
    at (else its file's name) and its as-of date. The importers fill all three themselves
    (techmap.importers.notice_evidence); this keeps a row that reaches the merge another way
    from going in blank. Values already set are kept; illustrative rows are returned unchanged.
    An OCDS file's URL and date are the file's, not the notice's, so they are never used."""
    if row.get("synthetic", "").lower() == "true" or row.get("source") not in sources:
        return row
    source = sources[row["source"]]
    url, name = str(source.get("url") or ""), str(source.get("file") or "")
    kind = row["source"].split("-")[0]
    defaults = {"confidence": IMPORT_CONFIDENCE.get(kind, "")}
    if kind not in NOTICE_KINDS:
        defaults.update(evidence=url if URL.match(url) else name if FILE_REF.match(name) else "",
                        observed_date=str(source.get("as_of") or ""))
    return {**row, **{k: v for k, v in defaults.items() if not row.get(k)}}


def dataset_warnings(frame: pd.DataFrame, label: str, header: Iterable[str]) -> list[Problem]:
    """One warning for a dataset folder with real rows whose contracts file (columns `header`)
    lacks evidence columns altogether (a dataset made before they existed): it still loads; the
    warning says what to add. Called once by the validator, for folders."""
    missing = [c for c in EVIDENCE_COLUMNS if c not in set(header)]
    real = int((~frame["synthetic"].astype(bool)).sum())
    if not real or not missing:
        return []
    return [Problem(label, 1, "evidence", "", f"the file has no {', '.join(missing)} "
                    f"column{'s' if len(missing) > 1 else ''}, so none of its {real:,} real rows "
                    "says where it can be checked: add the evidence, observed_date and confidence "
                    "columns and fill them (datasets/README.md)", "warning")]
