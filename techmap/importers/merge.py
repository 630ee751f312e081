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
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

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


def _read_contracts(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    if not path.exists():
        return [], []
    text = path.read_bytes().decode("utf-8-sig")
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [h for h in (reader.fieldnames or []) if h is not None]
    rows = [{k: (v if isinstance(v, str) else "") for k, v in row.items() if k is not None}
            for row in reader]
    return header, rows


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
    header, existing = _read_contracts(contracts_path)
    header = header or list(COLUMN_NAMES)
    header += [name for name in COLUMN_NAMES if name not in header]

    incoming = {row["contract_id"]: row for row in rows}
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

    manifest = _merged_manifest(manifest_path, merged, sources, title, description)
    new_csv = _csv_text(header, merged)
    folder.mkdir(parents=True, exist_ok=True)
    old_csv = contracts_path.read_bytes().decode("utf-8-sig") if contracts_path.exists() else None
    if old_csv != new_csv and (old_csv is None or _changed(old_csv, new_csv)):
        contracts_path.write_text(new_csv, encoding="utf-8", newline="")
        result.wrote = True
    old_manifest = _read_json(manifest_path)
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


def _read_json(path: Path) -> dict[str, Any] | None:
    if not path.exists():
        return None
    try:
        data = json.loads(path.read_bytes().decode("utf-8-sig"))
    except (ValueError, UnicodeDecodeError):
        return None
    return data if isinstance(data, dict) else None


def _merged_manifest(path: Path, rows: list[dict[str, str]],
                     sources: Mapping[str, Mapping[str, Any]], title: str,
                     description: str) -> dict[str, Any]:
    old = _read_json(path)
    manifest: dict[str, Any] = dict(old) if old else {
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
    return manifest
