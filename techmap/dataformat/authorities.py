"""The 33 London local authorities: ONS codes, names, slugs and matching of free-text names.

Councils write their own names many ways ("LB Camden", "London Borough of Camden", "Camden Council",
"Royal Borough of Greenwich", "City of Westminster"); `match_authority` maps all of them to the ONS
code so that importers and the validator agree.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from techmap.dataformat.schema import slugify

BOUNDARIES_DIR = Path(__file__).resolve().parents[2] / "datasets" / "boundaries"
CODES_CSV = BOUNDARIES_DIR / "london_boroughs_codes.csv"
GEOJSON = BOUNDARIES_DIR / "london_boroughs.geojson"
ONS_CODE = re.compile(r"^E090000(0[1-9]|[12][0-9]|3[0-3])$")


@dataclass(frozen=True)
class Authority:
    code: str
    name: str
    slug: str
    inner: bool
    sub_region: str
    hectares: float


@lru_cache(maxsize=1)
def authorities() -> tuple[Authority, ...]:
    """All 33 authorities, ordered by ONS code."""
    with CODES_CSV.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    return tuple(
        Authority(
            code=r["gss_code"],
            name=r["name"],
            slug=slugify(r["name"]),
            inner=r["ons_inner"] == "T",
            sub_region=r["sub_region_2011"],
            hectares=float(r["hectares"]),
        )
        for r in sorted(rows, key=lambda r: r["gss_code"])
    )


@lru_cache(maxsize=1)
def by_code() -> dict[str, Authority]:
    return {a.code: a for a in authorities()}


@lru_cache(maxsize=1)
def by_slug() -> dict[str, Authority]:
    return {a.slug: a for a in authorities()}


# Words that decorate a council's name without identifying it.
_DECORATIONS = re.compile(
    r"\b(the|london borough of|royal borough of|borough of|lb|rb|rbkc|council|"
    r"borough|city council|corporation|london|of|mayor and burgesses|"
    r"lbc|l b c|l b|royal)\b"  # "Camden LBC", "L.B. Camden", "Royal Greenwich"
)
_ALIASES = {
    "city": "E09000001",  # what is left of "City of London Corporation" after the decorations
    "city of london": "E09000001",
    "city of london corporation": "E09000001",
    "corporation of london": "E09000001",
    "the city of london corporation": "E09000001",
    "city of westminster": "E09000033",
    "westminster city": "E09000033",
    "city westminster": "E09000033",  # "City of Westminster Council" without its decorations
    "kingston": "E09000021",
    "richmond": "E09000027",
    "kensington": "E09000020",
    "k and c": "E09000020",
    "rbkc": "E09000020",
    "hammersmith": "E09000013",
    "h and f": "E09000013",
    "lbhf": "E09000013",
    "barking": "E09000002",
    "b and d": "E09000002",
    "lbbd": "E09000002",
    "tower hamlets": "E09000030",
    "waltham forest": "E09000031",
}


def _normalise(text: str) -> str:
    text = text.lower().replace("&", " and ").replace("-", " ").replace(".", " ").replace(",", " ")
    return re.sub(r"\s+", " ", text).strip()


@lru_cache(maxsize=1)
def _name_index() -> dict[str, str]:
    index: dict[str, str] = {}
    for a in authorities():
        index[_normalise(a.name)] = a.code
        index[a.slug.replace("-", " ")] = a.code
        stripped = _strip_decorations(_normalise(a.name))
        if stripped:
            index.setdefault(stripped, a.code)
    for alias, code in _ALIASES.items():
        index[_normalise(alias)] = code
    return index


def _strip_decorations(text: str) -> str:
    return re.sub(r"\s+", " ", _DECORATIONS.sub(" ", text)).strip()


def match_authority(text: object) -> str | None:
    """ONS code for an ONS code, slug, name or common variant of a London authority; else None."""
    if text is None:
        return None
    raw = str(text).strip()
    if not raw:
        return None
    if ONS_CODE.match(raw.upper()):
        return raw.upper()
    index = _name_index()
    norm = _normalise(raw)
    if norm in index:
        return index[norm]
    stripped = _strip_decorations(norm)
    if stripped in index:
        return index[stripped]
    return None


def resolve_authority(key: str) -> Authority | None:
    """An authority from a URL path part: ONS code or slug (or, leniently, a name)."""
    code = match_authority(key.replace("-", " ")) if key else None
    return by_code().get(code) if code else None
