"""The frontline / corporate / infrastructure split (the service areas' groups, as LOTI's City
Tools showed frontline beside corporate systems): contracts per group, London-wide and per
borough. Pure functions over a contracts frame; they never modify it."""

from __future__ import annotations

import numpy as np
import pandas as pd

from techmap.analysis.queries import AUTHORITY_CODES, authority_positions
from techmap.dataformat.schema import GROUP_NAMES, SERVICE_AREAS

GROUPS: tuple[str, ...] = tuple(GROUP_NAMES)  # frontline, corporate, infrastructure, other
SPLIT_GROUPS: tuple[str, ...] = ("frontline", "corporate", "infrastructure")  # what figures show
_GROUP_OF_AREA = {a.slug: GROUPS.index(a.group) for a in SERVICE_AREAS}


def row_groups(df: pd.DataFrame) -> np.ndarray:
    """Each row's position in GROUPS (-1 for an area the schema does not know)."""
    area = df["service_area"]
    if isinstance(area.dtype, pd.CategoricalDtype):
        lookup = np.array([_GROUP_OF_AREA.get(str(c), -1) for c in area.cat.categories] + [-1], dtype=np.int64)
        return lookup[area.cat.codes.to_numpy()]
    return np.array([_GROUP_OF_AREA.get(str(a), -1) for a in area], dtype=np.int64)


def group_split(df: pd.DataFrame, mask: np.ndarray | None = None,
                groups: np.ndarray | None = None) -> dict[str, int]:
    """Contracts per group, every group of GROUPS (0 where none): of the rows of `mask` when
    given (so the loaded table is counted without copying rows; `groups`: its row_groups)."""
    groups = row_groups(df) if groups is None else groups
    if mask is not None:
        groups = groups[mask]
    counts = np.bincount(groups[groups >= 0], minlength=len(GROUPS))
    return {g: int(n) for g, n in zip(GROUPS, counts, strict=True)}


def borough_group_split(df: pd.DataFrame) -> pd.DataFrame:
    """Contracts per borough (all 33, ONS-code order) and group: one column per GROUPS entry."""
    positions = authority_positions(df)
    groups = row_groups(df)
    keep = (positions >= 0) & (groups >= 0)
    table = np.zeros((len(AUTHORITY_CODES), len(GROUPS)), dtype=np.int64)
    np.add.at(table, (positions[keep], groups[keep]), 1)
    return pd.DataFrame(table, columns=list(GROUPS), index=pd.Index(AUTHORITY_CODES, name="authority_code"))
