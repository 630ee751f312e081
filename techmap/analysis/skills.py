"""Skills for peer training: the borough x skill-area grid of levels and the peer finder.

Levels are a borough team's aggregate level in an area, 1..5 (techmap.dataformat.skills_schema),
never about a named person. The finder pairs a borough with peers at least PEER_GAP levels
apart in an area:
- "could learn from": the chosen borough's areas, weakest first (its level, then the published
  area order), each with the boroughs at least two levels above it there, highest level first,
  ties by name; an area where no borough is two levels above is named apart;
- "could help": the converse: its areas, strongest first, each with the boroughs at least two
  levels below it there, lowest level first (most to gain), ties by name.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

import numpy as np
import pandas as pd

from techmap.dataformat.authorities import authorities, by_code
from techmap.dataformat.skills_schema import MAX_LEVEL, SKILL_AREAS

PEER_GAP = 2


@dataclass(frozen=True)
class Peer:
    code: str
    name: str
    level: int


@dataclass(frozen=True)
class AreaPeers:
    area: str  # skill-area slug
    label: str
    own_level: int
    peers: tuple[Peer, ...]


@dataclass(frozen=True)
class Finder:
    code: str
    name: str
    learn: tuple[AreaPeers, ...]  # weakest first; only areas with a peer two levels above
    help: tuple[AreaPeers, ...]  # strongest first; only areas with a peer two levels below
    no_one_above: tuple[str, ...]  # labels of areas (level <= MAX_LEVEL - PEER_GAP) without a peer above
    not_reported: tuple[str, ...]  # labels of areas the borough gave no level for


@dataclass(frozen=True)
class GridRow:
    code: str
    name: str
    slug: str
    levels: tuple[int | None, ...]  # one per SKILL_AREAS, None where not reported


def levels_by_pair(skills: pd.DataFrame) -> dict[tuple[str, str], int]:
    """(authority_code, skill_area) -> level."""
    return {(str(c), str(a)): int(v) for c, a, v in zip(
        skills["authority_code"], skills["skill_area"], skills["level"], strict=True)}


def skill_grid(skills: pd.DataFrame, codes: Collection[str] = ()) -> tuple[GridRow, ...]:
    """One row per borough (those in `codes`, else all 33), by name, with a level per area."""
    levels = levels_by_pair(skills)
    chosen = set(codes)
    rows = [GridRow(a.code, a.name, a.slug, tuple(levels.get((a.code, s.slug)) for s in SKILL_AREAS))
            for a in authorities() if not chosen or a.code in chosen]
    return tuple(sorted(rows, key=lambda r: r.name))


def area_levels(skills: pd.DataFrame, area: str) -> np.ndarray:
    """Each borough's level in `area` (float, NaN where not reported), in ONS-code order: the
    map's "Skill level" metric."""
    levels = levels_by_pair(skills)
    return np.array([levels.get((a.code, area), np.nan) for a in authorities()], dtype="float64")


def peer_finder(skills: pd.DataFrame, code: str, pool: Collection[str] = ()) -> Finder:
    """The finder for borough `code`, its peers drawn from `pool` (every borough when empty)."""
    names = {c: a.name for c, a in by_code().items()}
    levels = levels_by_pair(skills)
    others = [c for c in names if c != code and (not pool or c in pool)]
    learn: list[AreaPeers] = []
    helps: list[AreaPeers] = []
    no_one_above: list[str] = []
    not_reported: list[str] = []
    for area in SKILL_AREAS:
        own = levels.get((code, area.slug))
        if own is None:
            not_reported.append(area.label)
            continue
        there = [Peer(c, names[c], levels[(c, area.slug)]) for c in others if (c, area.slug) in levels]
        above = sorted((p for p in there if p.level >= own + PEER_GAP), key=lambda p: (-p.level, p.name))
        below = sorted((p for p in there if p.level <= own - PEER_GAP), key=lambda p: (p.level, p.name))
        if above:
            learn.append(AreaPeers(area.slug, area.label, own, tuple(above)))
        elif own <= MAX_LEVEL - PEER_GAP:
            no_one_above.append(area.label)
        if below:
            helps.append(AreaPeers(area.slug, area.label, own, tuple(below)))
    order = [a.slug for a in SKILL_AREAS]
    learn.sort(key=lambda a: (a.own_level, order.index(a.area)))
    helps.sort(key=lambda a: (-a.own_level, order.index(a.area)))
    return Finder(code, names.get(code, code), tuple(learn), tuple(helps), tuple(no_one_above),
                  tuple(not_reported))
