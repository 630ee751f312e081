"""'Did you mean Camden?': the boroughs whose name, slug or ONS code is nearest a key that names
none (a mistyped /borough/<key>), by difflib's similarity ratio."""

from __future__ import annotations

import difflib

from techmap.dataformat.authorities import Authority, authorities
from techmap.dataformat.schema import slugify

MAX_KEY_LENGTH = 120  # longer keys are cut: difflib's cost grows with the length
CUTOFF = 0.6  # difflib's own default: below it, suggestions are guesses


def _spellings() -> dict[str, Authority]:
    """Every way a borough is written in a URL, each mapped to its borough."""
    out: dict[str, Authority] = {}
    for a in authorities():
        short = a.slug.removeprefix("city-of-")
        # the full slug, the code, and the first word ("kensington" of Kensington and Chelsea)
        for spelling in (a.slug, a.code.lower(), a.slug.replace("-", ""), short, short.split("-")[0]):
            out.setdefault(spelling, a)
    return out


def suggest_authorities(key: str, limit: int = 3) -> list[Authority]:
    """Up to `limit` boroughs nearest `key`, nearest first; [] when none is near."""
    wanted = slugify(key[:MAX_KEY_LENGTH])
    if not wanted:
        return []
    spellings = _spellings()
    found: list[Authority] = []
    for match in difflib.get_close_matches(wanted, list(spellings), n=limit * 3, cutoff=CUTOFF):
        authority = spellings[match]
        if authority not in found:
            found.append(authority)
    return found[:limit]
