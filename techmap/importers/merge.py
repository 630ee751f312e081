"""Merging imported rows into a dataset folder (manifest.json + contracts.csv), idempotently.

Rules, so that re-importing the same file changes nothing and importing next quarter's register
updates what changed:
- A row's identity is its contract_id. An imported row with a new contract_id is added; one whose
  contract_id is already there replaces that row (counted "updated", or "unchanged" when every
  column is equal). The last import wins, also over a row from another source.
- Rows of a re-imported source that are no longer in it are removed: the file is the truth about
  its own rows. Rows of other sources are never touched.
- Columns the dataset has beyond the schema (a borough's own notes) are kept on updated rows.
- manifest.json gets one source entry per imported file (title, url, publisher, licence,
  attribution, as_of, synthetic false); its as_of becomes the latest as_of of its sources and its
  synthetic summary ("none" / "mixed" / "all") is worked out from the rows.
- Files are only rewritten when their content changes.
- The dataset is read as the validator reads it (same decoding, delimiters and header names:
  'Contract ID' is contract_id), and written back as UTF-8 with the schema's column names. A
  dataset the merge cannot read without losing something (an unparseable manifest.json, a
  contracts.csv with a repeated column or rows longer than the header) is refused: nothing is
  changed and the problem is named (`MergeRefused`).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from techmap.evidence import with_source_evidence
from techmap.parsing import decode_text
from techmap.problems import Problem
from techmap.schema import COLUMN_NAMES

MANIFEST_FILE = "manifest.json"
CONTRACTS_FILE = "contracts.csv"


@dataclass
class MergeResult:
    folder: Path
    created: bool = False
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[tuple[str, str]] = field(default_factory=list)  # (contract_id, source)
    moved: list[tuple[str, str, str]] = field(default_factory=list)  # (id, old source, new)
    rows: int = 0
    wrote: bool = False

    def describe(self) -> str:
        text = (f"{len(self.added):,} added, {len(self.updated):,} updated, "
                f"{len(self.unchanged):,} unchanged, {len(self.removed):,} removed; "
                f"{self.rows:,} rows in {self.folder / CONTRACTS_FILE}")
        if self.created:
            text += " (new dataset)"
        if not self.wrote:
            text += "; nothing changed"
        return text

    def lines(self) -> list[str]:
        moved = {m[0]: m for m in self.moved}
        out = [f"added {cid}" for cid in self.added]
        for cid in self.updated:
            extra = f" (was from source {moved[cid][1]!r})" if cid in moved else ""
            out.append(f"updated {cid}{extra}")
        out += [f"removed {cid}: no longer in source {source!r}" for cid, source in self.removed]
        return out


class MergeRefused(Exception):
    """The dataset at the destination cannot be merged into safely; nothing was changed."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems))


def _read_contracts(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    """Header and rows of an existing contracts.csv, read by the validator's own reader so that
    every file it accepts (Windows-1252, ';'-separated, 'Contract ID' headers) merges as it
    loads. Raises MergeRefused when reading it would lose data."""
    from techmap.table_reader import Unreadable, read_table  # one reader for loader and merge

    if not path.exists():
        return [], []
    problems: list[Problem] = []
    try:
        table = read_table(path, str(path), problems)
    except Unreadable as exc:
        line = getattr(exc, "line", None)
        raise MergeRefused([Problem(str(path), line, "-", "", str(exc))]) from None
    except OSError as exc:
        raise MergeRefused([Problem(str(path), None, "-", "",
                                    f"cannot read file: {exc.strerror or exc}")]) from None
    except Exception as exc:  # a reader bug must not cost the dataset: refuse, say what happened
        reason = (f"unexpected error while reading it ({type(exc).__name__}: {exc}); please "
                  "report it")
        raise MergeRefused([Problem(str(path), None, "-", "", reason)]) from None
    # Structural errors (a repeated column, a row longer than the header, an unclosed quote)
    # mean the reader set something aside; writing the file back would drop it.
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise MergeRefused(errors)
    rows = [dict(zip(table.names, record, strict=True)) for record in table.rows]
    return list(table.names), rows


def _csv_text(header: list[str], rows: Iterable[Mapping[str, str]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([row.get(name, "") for name in header])
    return buffer.getvalue()


def _truthy(value: str) -> bool:
    return value.strip().lower() in ("true", "yes", "1")


def _synthetic_summary(rows: list[dict[str, str]]) -> str:
    flags = [_truthy(r.get("synthetic", "")) for r in rows]
    if flags and all(flags):
        return "all"
    return "mixed" if any(flags) else "none"


def _combined_licence(sources: Mapping[str, Mapping[str, Any]]) -> str:
    licences = sorted({str(s.get("licence", "")).strip() for s in sources.values()} - {""})
    return licences[0] if len(licences) == 1 else "See the licence of each source"


def _attribution(existing: str, sources: Iterable[Mapping[str, Any]]) -> str:
    text = existing.strip()
    for source in sources:
        extra = str(source.get("attribution", "")).strip()
        if extra and extra not in text:
            text = f"{text} {extra}".strip()
    return text


def merge_into_dataset(folder: Path, rows: list[dict[str, str]],
                       sources: Mapping[str, Mapping[str, Any]], *,
                       title: str, description: str) -> MergeResult:
    """Merge `rows` (schema columns as text, each with a `source` that is a key of `sources`) into
    the dataset at `folder`, creating it if needed. `sources` are the files of this import: rows
    of these sources that are not in `rows` are removed."""
    folder = Path(folder)
    contracts_path, manifest_path = folder / CONTRACTS_FILE, folder / MANIFEST_FILE
    result = MergeResult(folder=folder, created=not contracts_path.exists())
    old_manifest = _existing_manifest(manifest_path)  # both files are read before any is written
    header, existing = _read_contracts(contracts_path)
    header = header or list(COLUMN_NAMES)
    header += [name for name in COLUMN_NAMES if name not in header]

    incoming = {row["contract_id"]: with_source_evidence(row, sources) for row in rows}
    replaced_sources = set(sources)
    merged: list[dict[str, str]] = []
    seen: set[str] = set()
    for old in existing:
        cid = old.get("contract_id", "")
        if cid in incoming and cid not in seen:
            new = {**old, **{k: v for k, v in incoming[cid].items() if k in header}}
            seen.add(cid)
            if all(new.get(k, "") == old.get(k, "") for k in header):
                result.unchanged.append(cid)
            else:
                result.updated.append(cid)
                if old.get("source", "") != new.get("source", ""):
                    result.moved.append((cid, old.get("source", ""), new.get("source", "")))
            merged.append(new)
        elif old.get("source", "") in replaced_sources and cid not in incoming:
            result.removed.append((cid, old.get("source", "")))
        else:
            merged.append(old)
    for cid, row in incoming.items():
        if cid not in seen:
            merged.append({k: row.get(k, "") for k in header})
            result.added.append(cid)
            seen.add(cid)
    result.rows = len(merged)

    manifest = _merged_manifest(old_manifest, merged, sources, title, description)
    new_csv = _csv_text(header, merged)
    folder.mkdir(parents=True, exist_ok=True)
    old_csv = decode_text(contracts_path.read_bytes())[0] if contracts_path.exists() else None
    if old_csv != new_csv and (old_csv is None or _changed(old_csv, new_csv)):
        contracts_path.write_text(new_csv, encoding="utf-8", newline="")
        result.wrote = True
    if old_manifest != manifest:
        manifest_path.write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n",
                                 encoding="utf-8")
        result.wrote = True
    return result


def _changed(old_csv: str, new_csv: str) -> bool:
    """Whether two CSV texts hold different cells (quoting and line endings aside), so that a
    file another tool wrote is not rewritten just to restyle it."""
    def cells(text: str) -> list[list[str]]:
        return [r for r in csv.reader(io.StringIO(text, newline="")) if r]
    return cells(old_csv) != cells(new_csv)


def _existing_manifest(path: Path) -> dict[str, Any] | None:
    """The dataset's manifest.json (None when there is none yet). One that cannot be read as a
    JSON object, or whose sources are not an object, is refused rather than replaced: it may
    hold a borough's own titles, licences and attributions."""
    from techmap.validate import check_manifest  # the validator's reading of the manifest

    if not path.exists():
        return None
    try:
        manifest, problems = check_manifest(path)
    except Exception as exc:  # e.g. RecursionError on JSON nested thousands deep
        raise MergeRefused([Problem(str(path), None, "-", "", f"cannot be read as JSON "
                                    f"({type(exc).__name__}: {exc})")]) from None
    if manifest is None:
        raise MergeRefused(problems[:1])
    sources = manifest.get("sources")
    if sources is not None and not isinstance(sources, dict):
        bad = [p for p in problems if p.column == "sources"]
        raise MergeRefused(bad[:1] or [Problem(str(path), None, "sources", "",
                                               "must be an object {id: {title, url, ...}}")])
    return manifest


def _merged_manifest(old: dict[str, Any] | None, rows: list[dict[str, str]],
                     sources: Mapping[str, Mapping[str, Any]], title: str,
                     description: str) -> dict[str, Any]:
    manifest: dict[str, Any] = dict(old) if old is not None else {
        "title": title,
        "description": description,
        "as_of": "",
        "licence": "",
        "attribution": "",
        "synthetic": "none",
        "sources": {},
    }
    all_sources: dict[str, Any] = dict(manifest.get("sources") or {})
    for key, value in sources.items():
        all_sources[key] = dict(value)
    manifest["sources"] = all_sources
    dates = [str(s.get("as_of", "")) for s in all_sources.values() if isinstance(s, dict)]
    dates.append(str(manifest.get("as_of") or ""))
    manifest["as_of"] = max((d for d in dates if d), default="")
    # The licence is worked out from the sources unless someone wrote their own.
    old_sources = {k: v for k, v in ((old or {}).get("sources") or {}).items()
                   if isinstance(v, dict)}
    licence = str(manifest.get("licence", "")).strip()
    if not old or not licence or licence == _combined_licence(old_sources):
        manifest["licence"] = _combined_licence(
            {k: v for k, v in all_sources.items() if isinstance(v, dict)})
    manifest["attribution"] = _attribution(str(manifest.get("attribution") or ""),
                                           sources.values())
    manifest["synthetic"] = _synthetic_summary(rows)
    if not str(manifest.get("title") or "").strip():
        manifest["title"] = title  # the validator requires one
    return manifest
