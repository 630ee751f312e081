"""Waste and forms platforms behind councils' bin-day lookups (robbrad/UKBinCollectionData).

A product name in a bin-day lookup's URL or scraper (e.g. `/WhitespaceComms/`, `AchieveForms`)
hints at the platform; a hint, not a contract: confidence `inferred`. The rows were read by hand
from the scrapers at one commit (datasets/sources/ukbincollectiondata/, see
techmap/sources/extracted.py); the observed date is the last change to the scraper.
"""

from __future__ import annotations

from techmap.sources.common import SOURCES_DIR
from techmap.sources.extracted import extracted_source

SOURCE_ID = "ukbincollectiondata-2026"
TABLE = SOURCES_DIR / "ukbincollectiondata" / "waste_lookup_platforms_ukbcd.csv"
META = {
    "title": "Bin-day lookup platforms (robbrad/UKBinCollectionData)",
    "url": "https://github.com/robbrad/UKBinCollectionData",
    "publisher": "Robert Bradley and contributors",
    "licence": "MIT",
    "attribution": "Facts read from robbrad/UKBinCollectionData (MIT), commit e0eabd2d",
    "as_of": "2026-11-22",
    "synthetic": False,
}

read = extracted_source(SOURCE_ID, META, TABLE, "bins", "inferred")
