"""The strict validator and the dataset loader's first step: a dataset folder (manifest.json and
contracts.csv) or a single contracts file, read and checked in one pass, every problem listed as
`file:line: column: value: reason`.

The loader (`load_validated`, behind `techmap.dataformat.dataset.load_dataset`) and the CLI
(`python -m techmap validate PATH`, techmap.dataformat.validate_cli) share this code, so what the CLI accepts
the app can load. Reading is techmap.dataformat.table_reader's, the cell checks techmap.dataformat.contract_checks'.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd

from techmap.dataformat.contract_checks import read_contracts_file, unexpected_problem
from techmap.dataformat.dataset_model import Dataset
from techmap.dataformat.evidence import dataset_warnings
from techmap.dataformat.problems import WHOLE_FILE_LINE, DatasetError, Problem
from techmap.dataformat.schema import COLUMN_NAMES, ISO_DATE_PATTERN
from techmap.dataformat.skills_checks import check_skills_file
from techmap.dataformat.skills_schema import SKILLS_FILE
from techmap.dataformat.table_reader import Table

MANIFEST_FILE = "manifest.json"
CONTRACTS_FILE = "contracts.csv"
MANIFEST_REQUIRED_KEYS: tuple[str, ...] = ("title", "as_of", "licence", "sources")
MANIFEST_SYNTHETIC_VALUES: tuple[str, ...] = ("none", "mixed", "all")


def _object_line(text: str) -> int:
    """The line where the manifest's top-level object opens (what a missing key belongs to)."""
    return text.count("\n", 0, max(text.find("{"), 0)) + 1


def _key_line(text: str, key: str) -> int | None:
    match = re.search(rf'"{re.escape(key)}"\s*:', text)
    return text.count("\n", 0, match.start()) + 1 if match else None


def check_manifest(path: Path, *, file_label: str | None = None
                   ) -> tuple[dict[str, Any] | None, list[Problem]]:
    """Read and check manifest.json: returns (manifest or None when unreadable, problems)."""
    label = file_label or str(path)
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        return None, [Problem(label, WHOLE_FILE_LINE, "-", "", "missing: a dataset folder needs "
                              "manifest.json next to contracts.csv")]
    except UnicodeDecodeError as exc:
        line = exc.object[:exc.start].count(b"\n") + 1
        return None, [Problem(label, line, "-", "", f"not UTF-8 text (byte {exc.start}); save "
                              "the file as UTF-8")]
    except OSError as exc:
        return None, [Problem(label, WHOLE_FILE_LINE, "-", "",
                              f"cannot read file: {exc.strerror or exc}")]
    try:
        manifest = json.loads(text)
    except json.JSONDecodeError as exc:
        return None, [Problem(label, exc.lineno, "-", "",
                              f"not valid JSON: {exc.msg} (column {exc.colno})")]
    if not isinstance(manifest, dict):
        return None, [Problem(label, 1, "-", "", "must be a JSON object {...}")]

    problems: list[Problem] = []

    def add(key: str, value: object, reason: str) -> None:
        shown = "" if value is None else value if isinstance(value, str) else json.dumps(value)
        problems.append(Problem(label, _key_line(text, key), key, shown[:200], reason))

    for key in MANIFEST_REQUIRED_KEYS:
        if key not in manifest:
            problems.append(Problem(label, _object_line(text), key, "", "required key is missing"))
    for key in ("title", "licence"):
        if key in manifest and not (isinstance(manifest[key], str) and manifest[key].strip()):
            add(key, manifest[key], "must be a non-empty text")
    if "as_of" in manifest:
        value = manifest["as_of"]
        if not (isinstance(value, str) and ISO_DATE_PATTERN.match(value) and _is_date(value)):
            add("as_of", value, "not a date; use YYYY-MM-DD")
    if "synthetic" in manifest and manifest["synthetic"] not in MANIFEST_SYNTHETIC_VALUES:
        add("synthetic", manifest["synthetic"],
            f"must be one of: {', '.join(MANIFEST_SYNTHETIC_VALUES)}")
    if "sources" in manifest:
        sources = manifest["sources"]
        if not isinstance(sources, dict) or not sources:
            add("sources", sources, "must be a non-empty object {id: {title, url, ...}}")
        else:
            for key, value in sources.items():
                if not isinstance(value, dict):
                    add(key, value, "each source must be an object {title, url, licence, ...}")
    return manifest, problems


def _is_date(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


def manifest_sources(manifest: Mapping[str, Any] | None) -> list[str] | None:
    sources = manifest.get("sources") if manifest else None
    return list(sources) if isinstance(sources, dict) and sources else None


@dataclass
class FolderCheck:
    problems: list[Problem]
    rows: int = 0
    encoding: str = "utf-8"
    manifest: dict[str, Any] | None = None
    frame: pd.DataFrame | None = None
    table: Table | None = None  # the cells as read (techmap.store keeps them as published)
    skills: pd.DataFrame | None = None  # skills.csv typed, when the folder has one


def _check_synthetic_flag(manifest: Mapping[str, Any], frame: pd.DataFrame,
                          label: str, text: str) -> list[Problem]:
    """The manifest's synthetic summary should agree with the rows (the banner depends on it)."""
    flag = manifest.get("synthetic")
    synthetic = int(frame["synthetic"].sum())
    line = _key_line(text, "synthetic")
    if flag == "none" and synthetic:
        return [Problem(label, line, "synthetic", flag, f"but {synthetic:,} rows are synthetic; "
                        "use 'mixed' or 'all'", "warning")]
    if flag == "all" and synthetic < len(frame):
        return [Problem(label, line, "synthetic", flag, f"but {len(frame) - synthetic:,} rows are "
                        "not synthetic; use 'mixed'", "warning")]
    if flag == "mixed" and len(frame) and synthetic in (0, len(frame)):
        word = "all" if synthetic else "none"
        return [Problem(label, line, "synthetic", flag, f"but {word} of the rows are synthetic; "
                        f"use {word!r}", "warning")]
    return []


def check_path(path: Path) -> FolderCheck:
    if path.is_dir():
        manifest_path, contracts_path = path / MANIFEST_FILE, path / CONTRACTS_FILE
        try:
            manifest, problems = check_manifest(manifest_path)
        except Exception as exc:
            manifest, problems = None, [unexpected_problem(str(manifest_path), exc)]
        if not contracts_path.exists():
            problems.append(Problem(str(contracts_path), WHOLE_FILE_LINE, "-", "", "missing: a "
                                    "dataset folder needs contracts.csv next to manifest.json"))
            return FolderCheck(problems, manifest=manifest)
        sources = manifest_sources(manifest)
        try:
            result = read_contracts_file(contracts_path, str(contracts_path), sources)
        except Exception as exc:
            return FolderCheck([*problems, unexpected_problem(str(contracts_path), exc)], manifest=manifest)
        problems.extend(result.problems)
        if manifest is not None and result.rows:
            text = manifest_path.read_text(encoding="utf-8-sig")
            problems.extend(_check_synthetic_flag(manifest, result.frame, str(manifest_path), text))
            header = result.table.names if result.table is not None else COLUMN_NAMES
            problems.extend(dataset_warnings(result.frame, str(contracts_path), header))
        skills = None
        if (path / SKILLS_FILE).exists():  # optional: aggregate skill levels per borough
            skills, skill_problems = check_skills_file(path / SKILLS_FILE, sources)
            problems.extend(skill_problems)
        return FolderCheck(problems, result.rows, result.encoding, manifest, result.frame, result.table,
                           skills)
    try:
        result = read_contracts_file(path, str(path), None)
    except Exception as exc:
        return FolderCheck([unexpected_problem(str(path), exc)])
    return FolderCheck(result.problems, result.rows, result.encoding, None, result.frame)


def no_such_path(path: Path) -> Problem:
    return Problem(str(path), WHOLE_FILE_LINE, "-", "", "no such file or folder")


def validate_path(path: Path) -> list[Problem]:
    """Every problem of a dataset folder (manifest.json + contracts.csv, and skills.csv when
    present) or of a single contracts
    file (no manifest, so no check of the source column)."""
    path = Path(path)
    if not path.exists():
        return [no_such_path(path)]
    return check_path(path).problems


def load_validated(path: Path) -> Dataset:
    """Load a dataset folder. Raises DatasetError with every problem when it has errors; the
    warnings are kept on the Dataset."""
    path = Path(path)
    if not path.is_dir():
        reason = "no such folder" if not path.exists() else (
            "not a dataset folder (a folder with manifest.json and contracts.csv)")
        raise DatasetError([Problem(str(path), WHOLE_FILE_LINE, "-", "", reason)])
    check = check_path(path)
    if any(p.severity == "error" for p in check.problems) or check.frame is None:
        raise DatasetError(check.problems)
    assert check.manifest is not None  # no errors means the manifest was read
    warnings = tuple(p for p in check.problems if p.severity == "warning")
    return Dataset(path=path, manifest=check.manifest, contracts=check.frame, warnings=warnings,
                   skills=check.skills)
