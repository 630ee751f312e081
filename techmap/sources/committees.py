"""Committee management systems of the 33 councils, from DemocracyClub/LGSF's scraper metadata.

Each `scrapers/<CODE-name>/metadata.json` declares the council's committee system
(`services.councillors.cms_type`) and the page the scraper reads (`base_url`). A declared system
is a listing (`listing`). Where the declared type is generic ("Custom HTML") but the page is a
ModernGov page (its `mg*.aspx` names), the row says ModernGov, `inferred`.
ModernGov is Civica's product; the source names the product only.
"""

from __future__ import annotations

import json
import re

from techmap.dataformat.authorities import match_authority
from techmap.dataformat.problems import DatasetError, Problem
from techmap.sources.common import SOURCES_DIR, SourceResult, blank_row, file_label, repo_ref

SOURCE_ID = "democracyclub-lgsf-2026-05"
FOLDER = SOURCES_DIR / "democracyclub_lgsf" / "scrapers"
REPO, COMMIT, COMMIT_DATE = ("DemocracyClub/LGSF", "5d40e23c6860b8be049b57a4ca9b177696a3c02f",
                             "2026-05-30")
META = {
    "title": "Committee management systems (Democracy Club, LGSF scraper metadata)",
    "url": "https://github.com/DemocracyClub/LGSF",
    "publisher": "Democracy Club",
    "licence": "MIT",
    "attribution": "Copyright (c) Democracy Club (DemocracyClub/LGSF, MIT)",
    "as_of": COMMIT_DATE,
    "synthetic": False,
}
AREA = "democratic-services"
# cms_type as declared -> (system, maker). Any other declared type stops the build.
SYSTEMS: dict[str, tuple[str, str]] = {"ModernGov": ("ModernGov", "Civica")}
MODERNGOV_PAGE = re.compile(r"/mg[A-Z]\w*\.aspx", re.IGNORECASE)


def read() -> SourceResult:
    result = SourceResult(SOURCE_ID, META)
    for path in sorted(FOLDER.glob("*/metadata.json")):
        label = file_label(path)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            official = data["everyelectiion_data"]["official_name"]
            service = data["services"]["councillors"]
            declared, base_url = service["cms_type"], service["base_url"]
        except (ValueError, KeyError, TypeError) as exc:
            raise DatasetError([Problem(label, 1, "-", "", f"not LGSF metadata: {exc}")]) from None
        # The folder names the council (one file is labelled "Greater London Authority" upstream
        # while its base_url is the City of London's).
        folder = path.parent.name
        code = match_authority(folder.split("-", 1)[-1].replace("-", " "))
        if code is None:
            raise DatasetError([Problem(label, 1, "-", folder, "not a London authority")])
        if match_authority(official) != code:
            result.notes.append(f"{label}: official_name {official!r} does not name the "
                                f"folder's council; the folder and base_url {base_url} are kept")
        confidence = "listing"
        if declared not in SYSTEMS and MODERNGOV_PAGE.search(base_url):
            declared, confidence = "ModernGov", "inferred"
            result.notes.append(f"{label}: cms_type {service['cms_type']!r} but base_url "
                                f"{base_url} is a ModernGov page: ModernGov, inferred")
        if declared not in SYSTEMS:
            raise DatasetError([Problem(label, 1, "cms_type", declared,
                                        "committee system not known to techmap/sources/"
                                        "committees.py")])
        system, maker = SYSTEMS[declared]
        result.rows.append(blank_row(
            contract_id=f"lgsf-{code}-{AREA}", authority_code=code, service_area=AREA,
            system=system, manufacturer=maker, supplier=maker, source=SOURCE_ID,
            evidence=repo_ref(REPO, COMMIT, f"scrapers/{folder}/metadata.json"),
            observed_date=COMMIT_DATE, confidence=confidence,
        ))
    return result
