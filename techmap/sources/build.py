"""`python -m techmap build-london --out DIR`: the real London dataset, rebuilt from
datasets/sources/ by the readers of this package, with a build report beside it.

Reproducible: the same sources give byte-identical files (contracts.csv, manifest.json,
build_report.json); a test rebuilds the committed datasets/london and compares. The report says
how many rows each source gave, which (borough, service area) pairs are covered, and every piece
of evidence left out with its reason.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pandas as pd

from techmap.authorities import authorities
from techmap.problems import DatasetError
from techmap.schema import COLUMN_NAMES, CONFIDENCE_VALUES, SERVICE_AREAS, slugify
from techmap.sources import bin_day, committees, contracts_finder, fixmystreet, govuk_pay, inventory
from techmap.sources.common import LeftOut, SourceResult

REPORT_FILE = "build_report.json"
DEFAULT_OUT = Path("datasets/london")
COVERED_AREAS = tuple(a.slug for a in SERVICE_AREAS if a.slug != "unclassified")


def read_sources() -> list[SourceResult]:
    """Every reader's result, in a fixed order (the order breaks ties between equal evidence)."""
    return [*inventory.read(), committees.read(), govuk_pay.read(), fixmystreet.read(),
            bin_day.read(), contracts_finder.read()]


def _deduplicate(results: list[SourceResult]) -> list[dict[str, str]]:
    """All rows, less a row that repeats what a row of equal or better confidence already shows
    (the same system for the same borough and service area). Contract rows are each a contract
    and all kept."""
    rank = {c: i for i, c in enumerate(CONFIDENCE_VALUES)}
    rows = [(r, row) for r in results for row in r.rows]
    best: dict[tuple[str, str, str], dict[str, str]] = {}
    for _, row in sorted(rows, key=lambda item: rank[item[1]["confidence"]]):
        best.setdefault((row["authority_code"], row["service_area"], slugify(row["system"])), row)
    kept = []
    for result, row in rows:
        first = best[(row["authority_code"], row["service_area"], slugify(row["system"]))]
        if first is row or row["confidence"] == "contract":
            kept.append(row)
            continue
        result.left_out.append(LeftOut(
            result.source_id, row["evidence"], f"{row['authority_code']} {row['system']}",
            f"already shown by {first['contract_id']} ({first['confidence']})"))
    return sorted(kept, key=lambda row: row["contract_id"])


def manifest(results: list[SourceResult], rows: list[dict[str, str]]) -> dict[str, Any]:
    sources = {r.source_id: r.meta for r in sorted(results, key=lambda r: r.source_id)}
    return {
        "title": "London borough technology: what public sources show",
        "description": (
            "Real rows only: which systems and suppliers the 33 London councils use, each with "
            "the evidence a person can check (evidence, observed_date, confidence). Built by "
            "python -m techmap build-london from datasets/sources/: library catalogues, "
            "planning portals, electoral management software, committee systems, GOV.UK Pay "
            "adoption, street-reporting and waste back-office integrations, bin-day lookup "
            "platforms and Contracts Finder awards (2016-2022). Most rows have no dates or "
            "values; service areas a borough has not published are shown as unknown."),
        "as_of": max(row["observed_date"] for row in rows),
        "licence": "Each source's own (see sources): MIT; CC BY 4.0 and OGL v3.0 for the "
                   "Contracts Finder awards; facts read from AGPL-3.0 code, no code copied",
        "attribution": "; ".join(f"{m['title']}: {m['attribution']}" for m in sources.values()),
        "synthetic": "none",
        "sources": sources,
    }


def report(results: list[SourceResult], rows: list[dict[str, str]]) -> dict[str, Any]:
    pairs = {(row["authority_code"], row["service_area"]) for row in rows
             if row["service_area"] in COVERED_AREAS}
    left_out = [lo for r in results for lo in r.left_out]
    per_source = Counter(row["source"] for row in rows)
    return {
        "rows": len(rows),
        "rows_per_source": {r.source_id: per_source[r.source_id] for r in results},
        "boroughs_covered": len({row["authority_code"] for row in rows}),
        "boroughs": len(authorities()),
        "pairs_known": len(pairs),
        "pairs_possible": len(authorities()) * len(COVERED_AREAS),
        "pairs_per_area": {a: sum(1 for _, area in pairs if area == a) for a in COVERED_AREAS},
        "left_out_by_reason": dict(Counter(lo.reason for lo in left_out).most_common()),
        "left_out": [vars(lo) for lo in left_out],
        "checks": [note for r in results for note in r.notes],
    }


def report_text(data: dict[str, Any], out: Path) -> str:
    lines = [f"{out}: {data['rows']:,} real rows, {data['boroughs_covered']} of "
             f"{data['boroughs']} boroughs, {data['pairs_known']} of {data['pairs_possible']} "
             "(borough, service area) pairs known"]
    lines += [f"  {source}: {n:,} rows" for source, n in data["rows_per_source"].items()]
    lines.append(f"left out ({len(data['left_out']):,}), by reason:")
    lines += [f"  {n:>4}  {reason}" for reason, n in data["left_out_by_reason"].items()]
    lines.append(f"every item left out, and the checks made: {out / REPORT_FILE}")
    return "\n".join(lines)


def build(out: Path) -> dict[str, Any]:
    """Write the dataset and its report to `out`; return the report."""
    results = read_sources()
    rows = _deduplicate(results)
    data = report(results, rows)
    out.mkdir(parents=True, exist_ok=True)
    (out / "manifest.json").write_text(
        json.dumps(manifest(results, rows), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    pd.DataFrame(rows, columns=list(COLUMN_NAMES)).to_csv(
        out / "contracts.csv", index=False, lineterminator="\n", encoding="utf-8")
    (out / REPORT_FILE).write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n",
                                   encoding="utf-8")
    return data


def real_sources() -> dict[str, dict[str, Any]]:
    """The manifest entries of the real sources, keyed by source id."""
    return manifest(read_sources(), [{"observed_date": ""}])["sources"]


def real_rows() -> pd.DataFrame:
    """The real rows as CSV text, as build() writes them (for the demo dataset)."""
    return pd.DataFrame(_deduplicate(read_sources()), columns=list(COLUMN_NAMES), dtype="str")


def add_parser(sub: Any) -> None:
    p = sub.add_parser("build-london", help="rebuild the real London dataset from datasets/sources")
    p.add_argument("--out", type=Path, default=DEFAULT_OUT)


def run(args: argparse.Namespace) -> int:
    out = Path(args.out)
    if out.exists() and not out.is_dir():
        print(f"error: {out}: exists and is not a folder", file=sys.stderr)
        return 1
    try:
        data = build(out)
    except DatasetError as exc:
        print(exc.report(), file=sys.stderr)
        return 1
    print(report_text(data, out))
    from techmap.validate import validate_path
    from techmap.validate_cli import summary_line

    problems = validate_path(out)
    print(summary_line(problems, data["rows"]))
    return 1 if any(p.severity == "error" for p in problems) else 0
