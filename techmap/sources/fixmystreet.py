"""Street-reporting and waste back-office systems that FixMyStreet and open311-adapter talk to.

Each row of datasets/sources/fixmystreet_open311/fms_open311_backends.csv names the back-office
system one council's integration code talks to (read by hand from mysociety/fixmystreet and
mysociety/open311-adapter; see techmap/sources/extracted.py). Live integration code: confidence
`integration`; the observed date is when the integration file first appeared.
"""

from __future__ import annotations

from techmap.sources.common import SOURCES_DIR
from techmap.sources.extracted import extracted_source

SOURCE_ID = "fixmystreet-open311-2026"
TABLE = SOURCES_DIR / "fixmystreet_open311" / "fms_open311_backends.csv"
META = {
    "title": "Back-office systems behind FixMyStreet and open311-adapter integrations (mySociety)",
    "url": "https://github.com/mysociety/open311-adapter",
    "publisher": "mySociety",
    "licence": "Facts read from AGPL-3.0 code (mysociety/fixmystreet) and "
               "mysociety/open311-adapter; no code copied",
    "attribution": "Facts read from mysociety/fixmystreet (commit 84d7c80c) and "
                   "mysociety/open311-adapter (commit 4d3a40d7)",
    "as_of": "2026-11-22",
    "synthetic": False,
}

read = extracted_source(SOURCE_ID, META, TABLE, "fms", "integration")
