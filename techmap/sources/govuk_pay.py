"""Councils taking payments through GOV.UK Pay, from alphagov/pay-product-page's performance.json.

`serviceCountByOrganisation` lists every organisation with a live GOV.UK Pay service; a London
council listed there uses GOV.UK Pay (`listing`), observed on the file's `dateUpdated`. The
evidence points at the council's line of the file at the commit taken. The file's history (when
each council first appears) was extracted separately into govuk_pay_adoption.csv; the build checks
that both name the same councils.
"""

from __future__ import annotations

import json
from datetime import datetime

from techmap.dataformat.authorities import match_authority
from techmap.dataformat.problems import DatasetError, Problem
from techmap.sources.common import (
    file_label,
    SOURCES_DIR,
    SourceResult,
    blank_row,
    read_csv_rows,
    repo_ref,
)

SOURCE_ID = "govuk-pay-2026-08"
FILE = SOURCES_DIR / "govuk_pay" / "performance.json"
HISTORY = SOURCES_DIR / "govuk_pay" / "govuk_pay_adoption.csv"
REPO, COMMIT, PATH = ("alphagov/pay-product-page", "a9c97e9e6124088d7918bbd09ed3ce920a66486c",
                      "data/performance.json")
AREA = "online-payments"
META = {
    "title": "GOV.UK Pay: organisations using it (alphagov/pay-product-page, performance.json)",
    "url": "https://github.com/alphagov/pay-product-page",
    "publisher": "Government Digital Service",
    "licence": "MIT",
    "attribution": "Copyright (c) 2017 Crown Copyright (Government Digital Service)",
    "as_of": "2026-08-03",
    "synthetic": False,
}


def _council_code(name: str) -> str | None:
    """A London council's ONS code for an organisation's name; None for any other body (police,
    NHS, 'London Councils')."""
    return match_authority(name) or match_authority(name.removesuffix(" Council"))


def read() -> SourceResult:
    result = SourceResult(SOURCE_ID, META)
    label = file_label(FILE)
    text = FILE.read_text(encoding="utf-8")
    try:
        data = json.loads(text)
        observed = datetime.strptime(data["dateUpdated"], "%d %B %Y").date().isoformat()
        organisations = data["serviceCountByOrganisation"]
    except (ValueError, KeyError, TypeError) as exc:
        raise DatasetError([Problem(label, 1, "-", "", f"not GOV.UK Pay's performance.json: "
                                                        f"{exc}")]) from None
    lines = text.splitlines()
    seen: dict[str, str] = {}
    for name in organisations:
        code = _council_code(name)
        if code is None:
            continue
        if code in seen:
            result.notes.append(f"{label}: {name!r} and {seen[code]!r} are the same council: "
                                "one row")
            continue
        seen[code] = name
        line = next(i for i, t in enumerate(lines, 1) if t.strip().startswith(json.dumps(name)))
        result.rows.append(blank_row(
            contract_id=f"govukpay-{code}-{AREA}", authority_code=code, service_area=AREA,
            system="GOV.UK Pay", manufacturer="Government Digital Service",
            supplier="Government Digital Service", source=SOURCE_ID,
            evidence=repo_ref(REPO, COMMIT, PATH, line), observed_date=observed,
            confidence="listing",
        ))
    history = {row["gss_code"] for _, row in read_csv_rows(HISTORY, ("borough", "gss_code"))}
    if history != set(seen):
        result.notes.append(f"{label}: councils differ from the extracted history "
                            f"({sorted(history ^ set(seen))})")
    return result
