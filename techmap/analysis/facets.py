"""Faceted filter options: for each repeatable filter, how many contracts each of its values has
under the OTHER filters (a value's own filter is lifted, so choosing a second supplier stays
possible), so that the drop-downs offer only values that exist, with their counts.

Computed from masks over the loaded table, never by copying rows: `FacetIndex` gives, per filter,
each row's position in that filter's list of values (built once per dataset); a filter change
then costs one mask for the non-facet filters (dates, search) and one integer comparison per
chosen filter.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from techmap.analysis.filters import FilterState
from techmap.analysis.queries import filter_mask
from techmap.dataformat.authorities import authorities
from techmap.dataformat.dataset_model import Dataset
from techmap.dataformat.schema import GROUP_NAMES, SERVICE_AREAS

# The filters offered as drop-downs, in the filter bar's order.
FACET_PARAMS: tuple[str, ...] = ("authority", "area", "group", "supplier", "manufacturer", "system")


@dataclass(frozen=True)
class FacetIndex:
    """Per filter: its values and labels in the drop-down's order, and for every row of the table
    the position of the row's value in that list (-1: the row has none, e.g. no manufacturer)."""

    values: Mapping[str, tuple[str, ...]]
    labels: Mapping[str, tuple[str, ...]]
    rows: Mapping[str, np.ndarray]


def _positions(column: pd.Series, values: tuple[str, ...]) -> np.ndarray:
    """Each row's position in `values` (-1 when absent); on a categorical, per category."""
    index = pd.Index(values)
    if isinstance(column.dtype, pd.CategoricalDtype):
        lookup = np.append(index.get_indexer(column.cat.categories.astype("str")), -1)
        return lookup[column.cat.codes.to_numpy()].astype(np.int32)
    return index.get_indexer(column.astype("str")).astype(np.int32)


def _by_name(names: Mapping[str, str]) -> list[tuple[str, str]]:
    return sorted(names.items(), key=lambda kv: (kv[1].lower(), kv[0]))


def facet_index(data: Dataset) -> FacetIndex:
    """The values each drop-down can offer (those present in the dataset; every borough)."""
    df = data.contracts
    present_areas = set(df["service_area"].astype(str).unique())
    areas = [a for a in SERVICE_AREAS if a.slug in present_areas]
    present_groups = {a.group for a in areas}
    pairs: dict[str, list[tuple[str, str]]] = {
        "authority": [(a.code, a.name) for a in sorted(authorities(), key=lambda a: a.name)],
        "area": [(a.slug, a.name) for a in areas],
        "group": [(g, name) for g, name in GROUP_NAMES.items() if g in present_groups],
        "supplier": _by_name(data.supplier_names),
        "manufacturer": _by_name(data.manufacturer_names),
        "system": _by_name(data.system_names),
    }
    values = {p: tuple(v for v, _ in pairs[p]) for p in FACET_PARAMS}
    labels = {p: tuple(label for _, label in pairs[p]) for p in FACET_PARAMS}
    area_rows = _positions(df["service_area"], tuple(a.slug for a in areas))
    group_of_area = np.array([values["group"].index(a.group) for a in areas] + [-1], dtype=np.int32)
    rows = {
        "authority": _positions(df["authority_code"], values["authority"]),
        "area": area_rows,
        "group": group_of_area[area_rows],  # -1 (no area) picks the appended -1
        "supplier": _positions(df["supplier_slug"], values["supplier"]),
        "manufacturer": _positions(df["manufacturer_slug"], values["manufacturer"]),
        "system": _positions(df["system_slug"], values["system"]),
    }
    for array in rows.values():
        array.setflags(write=False)
    return FacetIndex(values, labels, rows)


def facet_counts(df: pd.DataFrame, state: FilterState, index: FacetIndex) -> dict[str, list[int]]:
    """For each drop-down filter, the contracts of each of its values (index.values' order) under
    every filter but its own."""
    # The filters that are not drop-downs (dates, search), once for all.
    base = filter_mask(df, replace(state, **{p: () for p in FACET_PARAMS}))
    chosen: dict[str, np.ndarray] = {}
    for param in FACET_PARAMS:
        selected = getattr(state, param)
        if selected:
            wanted = [i for i, v in enumerate(index.values[param]) if v in selected]
            chosen[param] = np.isin(index.rows[param], wanted)
    counts: dict[str, list[int]] = {}
    for param in FACET_PARAMS:
        mask = base.copy()
        for other, other_mask in chosen.items():
            if other != param:
                mask &= other_mask
        positions = index.rows[param][mask]
        size = len(index.values[param])
        counts[param] = np.bincount(positions[positions >= 0], minlength=size).tolist()
    return counts


def counts_digests(counts: Mapping[str, list[int]]) -> dict[str, str]:
    """A short digest of each filter's counts: the browser holds these, so a filter change sends
    only the counts that changed."""
    return {param: hashlib.blake2b(repr(values).encode(), digest_size=6).hexdigest()
            for param, values in counts.items()}
