"""Contracts Finder award notices to London councils, from mySociety's procurement_data snapshot.

The snapshot is OCDS flattened into three tables (data/raw/): `awards.csv` (one row per award),
`buyer.csv` (joined on `_link_release`) and `suppliers.csv` (joined on `_link_awards`). A buyer is
a London council when techmap.authorities.match_authority knows its name (HTML entities decoded,
a department after " - " dropped). Each (award, supplier) becomes one `contract` row when the
supplier tells the service area (techmap.sources.cf_suppliers, then the importers' product rules);
every other one is left out with its reason. Dates and value come from the award; where an award
has several suppliers the value is the whole award's, so the rows leave it blank.
"""

from __future__ import annotations

import csv
import html
from collections import defaultdict

from techmap.authorities import match_authority
from techmap.importers.classify import detect_product
from techmap.problems import DatasetError, Problem
from techmap.sources.cf_suppliers import NO_SUPPLIER, NOT_TECHNOLOGY, rule_for
from techmap.sources.common import (
    file_label,
    SOURCES_DIR,
    LeftOut,
    SourceResult,
    authority_name,
    blank_row,
    repo_ref,
)
from techmap.suppliers import normalise_supplier

SOURCE_ID = "contracts-finder-mysociety-2022"
FOLDER = SOURCES_DIR / "mysociety_procurement_data"
REPO, COMMIT = "mysociety/procurement_data", "415f38bd2a69cbab9c529ba21b84dea59f95bd9b"
META = {
    "title": "Contracts Finder award notices (mySociety procurement_data snapshot, 2016-2022)",
    "url": "https://github.com/mysociety/procurement_data",
    "publisher": "mySociety; Contracts Finder (Crown Commercial Service)",
    "licence": "CC-BY-4.0 (mySociety data package); OGL-UK-3.0 (Contracts Finder notices)",
    "attribution": "Contracts Finder award data via mySociety (CC BY 4.0); contains public sector "
                   "information licensed under the Open Government Licence v3.0.",
    "as_of": "2022-05-27",
    "synthetic": False,
}


def _rows(name: str, columns: tuple[str, ...]) -> list[tuple[int, dict[str, str]]]:
    """(line, row) of one table; a clear error if a column is missing."""
    path = FOLDER / name
    label = file_label(path)
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in columns if c not in (reader.fieldnames or ())]
        if missing:
            raise DatasetError([Problem(label, 1, "-", ",".join(missing), "missing columns")])
        out, line = [], reader.line_num + 1
        for row in reader:
            out.append((line, row))
            line = reader.line_num + 1
        return out


def buyer_code(name: str) -> str | None:
    """The London council a buyer name stands for, or None."""
    text = html.unescape(name).strip()
    return match_authority(text) or match_authority(text.split(" - ")[0])


def _area_for(supplier: str) -> tuple[str | None, str, str, str]:
    """(service area or None, system, manufacturer, reason) for a supplier's name."""
    rule = rule_for(supplier)
    if rule is not None:
        return rule.area, rule.system, "", rule.reason
    product = detect_product([supplier])
    if product is not None:
        return (product.area, product.system, product.manufacturer,
                f"the supplier's name names {product.system} (importers' product rules)")
    return None, "", "", NOT_TECHNOLOGY


def read() -> SourceResult:
    result = SourceResult(SOURCE_ID, META)
    councils = {}
    for _, row in _rows("buyer.csv", ("_link_release", "name")):
        code = buyer_code(row["name"])
        if code:
            councils.setdefault(row["_link_release"], code)
    awards = {row["_link"]: (line, row) for line, row in
              _rows("awards.csv", ("_link", "_link_release", "id", "status", "value_amount",
                                   "contractPeriod_startDate", "contractPeriod_endDate",
                                   "datePublished"))
              if row["_link_release"] in councils}
    suppliers: dict[str, list[dict[str, str]]] = defaultdict(list)
    for _, row in _rows("suppliers.csv", ("_link", "_link_awards", "name")):
        if row["_link_awards"] in awards:
            suppliers[row["_link_awards"]].append(row)
    for link, (line, award) in awards.items():
        code = councils[award["_link_release"]]
        evidence = repo_ref(REPO, COMMIT, "data/raw/awards.csv", line)
        named = suppliers.get(link, [])
        if not named:
            result.left_out.append(LeftOut(SOURCE_ID, evidence, authority_name(code),
                                           "the award names no supplier"))
        for supplier in named:
            _add(result, code, award, supplier, len(named), evidence)
    return result


def _add(result: SourceResult, code: str, award: dict[str, str], supplier: dict[str, str],
         n_suppliers: int, evidence: str) -> None:
    name = html.unescape(supplier["name"]).strip()
    what = f"{authority_name(code)}: {name}"
    if NO_SUPPLIER.match(name):
        result.left_out.append(LeftOut(SOURCE_ID, evidence, what, "no supplier: " + name))
        return
    area, system, manufacturer, reason = _area_for(name)
    if area is None:
        result.left_out.append(LeftOut(SOURCE_ID, evidence, what, reason))
        return
    canonical = normalise_supplier(name)[0]
    part = supplier["_link"].rsplit(".", 1)[-1]
    result.rows.append(blank_row(
        contract_id=f"cf-{award['id']}-{part}", authority_code=code, service_area=area,
        system=system or canonical, manufacturer=manufacturer, supplier=canonical,
        start_date=award["contractPeriod_startDate"][:10],
        end_date=award["contractPeriod_endDate"][:10],
        total_value_gbp=_value(award["value_amount"]) if n_suppliers == 1 else "",
        procurement_route="", source=SOURCE_ID, evidence=evidence,
        observed_date=award["datePublished"][:10], confidence="contract",
    ))
    result.notes.append(f"{what} -> {area}: {reason}")


def _value(text: str) -> str:
    try:
        number = float(text)
    except ValueError:
        return ""
    return str(int(number)) if number.is_integer() else f"{number:.2f}"



