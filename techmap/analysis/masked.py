"""The map's figures straight from a filter mask over the loaded table, without copying the rows.

`borough_metrics(apply_filter(df, state))` copies every matching row (every column) before counting
them: at 140k rows the copy is most of a map update's time. Here the columns the figures read are
turned into numeric arrays once per loaded table (`CodedTable`: integer codes, days, values), and
each figure is a bincount over those arrays under the mask. The results are exactly those of
techmap.analysis.queries.borough_metrics / headline over the same rows (tests compare them).

Per-borough distinct counts (suppliers, systems, known service areas) count (borough, value) pairs:
each row's pair is one precomputed integer key, and the table keeps every key's count over all its
rows. A mask that keeps most rows is then counted from the rows it leaves out (the whole table's
counts minus theirs), so a map update reads at most half the table whatever the filter.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from techmap.analysis.concentration import factorize, share_of_largest
from techmap.analysis.queries import AUTHORITY_CODES, ENDING_MONTHS, authority_positions
from techmap.analysis.renewals import add_months
from techmap.dataformat.authorities import authorities

_NO_DAY = np.iinfo(np.int64).min  # an undated row: before every window


@dataclass(frozen=True)
class CodedTable:
    """The columns the map's figures read, as numeric arrays (one entry per row, read-only)."""

    positions: np.ndarray  # borough position in AUTHORITY_CODES, -1 when not one of the 33
    authority: np.ndarray  # code of authority_code (-1 missing), for distinct counts
    suppliers: np.ndarray  # code of supplier_slug (-1 missing)
    supplier_slugs: np.ndarray  # the slug of each supplier code
    systems: np.ndarray
    system_slugs: np.ndarray
    real_areas: np.ndarray  # code of service_area on real rows other than `unclassified`, else -1
    n_areas: int
    end_days: np.ndarray  # end_date as days since 1970 (_NO_DAY when undated)
    values: np.ndarray  # annual_value_gbp (NaN when unknown)
    synthetic: np.ndarray  # bool
    valued: np.ndarray  # bool: a borough's row with a known annual value
    borough_totals: np.ndarray  # rows per borough over the whole table
    pair_keys: dict[str, np.ndarray]  # per PAIRED column: borough position * (codes + 1) + code + 1
    pair_totals: dict[str, np.ndarray]  # per PAIRED column: every key's count over the table's rows


PAIRED = ("suppliers", "systems", "real_areas")  # the per-borough distinct counts, as pairs


def _pair_width(table: CodedTable, column: str) -> int:
    """How many keys a borough spans for `column` (as in coded_table): its codes and "missing"."""
    return {"suppliers": len(table.supplier_slugs), "systems": len(table.system_slugs),
            "real_areas": table.n_areas}[column] + 1


def _frozen(array: np.ndarray) -> np.ndarray:
    array = np.array(array, copy=True)  # our own copy: never freeze a view into the frame's data
    array.setflags(write=False)
    return array


def coded_table(df: pd.DataFrame) -> CodedTable:
    """The arrays of `df` (tens of milliseconds at 140k rows: keep one per loaded table)."""
    authority, _ = factorize(df["authority_code"])
    suppliers, supplier_slugs = factorize(df["supplier_slug"], remember=True)
    systems, system_slugs = factorize(df["system_slug"], remember=True)
    areas, area_values = factorize(df["service_area"])
    real = ~df["synthetic"].to_numpy(dtype=bool) & (df["service_area"] != "unclassified").to_numpy()
    ends = df["end_date"].to_numpy().astype("datetime64[D]")
    end_days = np.where(np.isnat(ends), _NO_DAY, ends.view(np.int64))
    positions = authority_positions(df).astype(np.intp)
    valid = positions >= 0
    real_areas = np.where(real, areas, -1).astype(np.intp)
    pair_keys, pair_totals = {}, {}
    for column, codes, n_codes in (("suppliers", suppliers, len(supplier_slugs)),
                                   ("systems", systems, len(system_slugs)),
                                   ("real_areas", real_areas, len(area_values))):
        width = n_codes + 1  # the column's codes and one for "missing"
        keys = np.where(valid, positions * width + codes + 1, 0).astype(np.intp)
        pair_keys[column] = _frozen(keys)
        pair_totals[column] = _frozen(np.bincount(keys[valid], minlength=len(AUTHORITY_CODES) * width))
    values = df["annual_value_gbp"].to_numpy(dtype="float64")
    return CodedTable(
        positions=_frozen(positions),
        authority=_frozen(authority.astype(np.intp)),
        suppliers=_frozen(suppliers), supplier_slugs=np.asarray(supplier_slugs, dtype=object),
        systems=_frozen(systems), system_slugs=np.asarray(system_slugs, dtype=object),
        real_areas=_frozen(real_areas), n_areas=len(area_values),
        end_days=_frozen(end_days), values=_frozen(values),
        synthetic=_frozen(df["synthetic"].to_numpy(dtype=bool)),
        valued=_frozen(valid & ~np.isnan(values)),
        borough_totals=_frozen(np.bincount(positions[valid], minlength=len(AUTHORITY_CODES))),
        pair_keys=pair_keys, pair_totals=pair_totals,
    )


def _day_number(value: date) -> int:
    return int(np.datetime64(value.isoformat(), "D").view(np.int64))


def _ending(days: np.ndarray, today: date, months: int) -> np.ndarray:
    """Like queries.ending_within: end day in [today, today + months] inclusive."""
    if isinstance(months, bool) or not isinstance(months, (int, np.integer)) or months < 0:
        raise ValueError(f"months must be a whole number >= 0, not {months!r}")
    return (days >= _day_number(today)) & (days <= _day_number(add_months(today, int(months))))


def _wanted(codes: np.ndarray, slugs: np.ndarray, values: Sequence[str]) -> np.ndarray:
    """Row mask: the row's slug is one of `values` (compared through the codes)."""
    wanted = np.flatnonzero(np.isin(slugs.astype(str), list(values)))
    return np.isin(codes, wanted)


def _distinct_per_borough(table: CodedTable, column: str, rows: np.ndarray, left_out: np.ndarray | None) -> np.ndarray:
    """Distinct values of `column` per borough among `rows` (positions); when `left_out` is
    given, `rows` are every valid row but those, counted as the table's totals minus theirs."""
    width = _pair_width(table, column)
    size = len(AUTHORITY_CODES) * width
    keys = table.pair_keys[column]
    if left_out is None:
        counts = np.bincount(keys[rows], minlength=size)
    else:
        counts = table.pair_totals[column] - np.bincount(keys[left_out], minlength=size)
    return np.count_nonzero(counts.reshape(len(AUTHORITY_CODES), width)[:, 1:], axis=1).astype("int64")


def _per_borough(table: CodedTable, rows: np.ndarray, left_out: np.ndarray | None) -> np.ndarray:
    """Rows per borough among `rows` (or: all valid rows but `left_out`, counted from those)."""
    if left_out is None:
        return np.bincount(table.positions[rows], minlength=len(AUTHORITY_CODES))
    return table.borough_totals - np.bincount(table.positions[left_out], minlength=len(AUTHORITY_CODES))


def _distinct(codes: np.ndarray, n_codes: int) -> int:
    return int(np.count_nonzero(np.bincount(codes[codes >= 0], minlength=n_codes)))


def borough_metrics_masked(table: CodedTable, mask: np.ndarray, *, today: date,
                           supplier: Sequence[str] = (), system: Sequence[str] = (),
                           months: int = ENDING_MONTHS) -> pd.DataFrame:
    """queries.borough_metrics of the rows under `mask` (same columns, dtypes and values)."""
    size = len(AUTHORITY_CODES)
    valid = table.positions >= 0
    rows = np.flatnonzero(mask & valid)
    left_out = np.flatnonzero(valid & ~mask) if 2 * rows.size > len(mask) else None  # the fewer rows
    contracts = _per_borough(table, rows, left_out)
    # Whole-table tests first, then one gather: cheaper than gathering every column at `rows`.
    ending = table.positions[np.flatnonzero(mask & valid & _ending(table.end_days, today, months))]
    valued = np.flatnonzero(mask & table.valued)
    valued_at = table.positions[valued]
    value_sums = np.bincount(valued_at, weights=table.values[valued], minlength=size)  # in row order, as ever
    with np.errstate(invalid="ignore", divide="ignore"):
        if supplier:
            held = np.bincount(table.positions[rows],
                               weights=_wanted(table.suppliers[rows], table.supplier_slugs, supplier), minlength=size)
            supplier_share = np.where(contracts > 0, held / np.maximum(contracts, 1), np.nan)
        else:
            supplier_share = np.full(size, np.nan)
    if system:
        runs = np.bincount(table.positions[rows[_wanted(table.systems[rows], table.system_slugs, system)]],
                           minlength=size)
        runs_system = (runs > 0).astype("float64")
    else:
        runs_system = np.full(size, np.nan)
    names, slugs = _borough_names()
    return pd.DataFrame(
        {
            "name": names.copy(),
            "slug": slugs.copy(),
            "contracts": contracts.astype("int64"),
            "suppliers": _distinct_per_borough(table, "suppliers", rows, left_out),
            "systems": _distinct_per_borough(table, "systems", rows, left_out),
            "ending_12m": np.bincount(ending, minlength=size).astype("int64"),
            "annual_value": np.where(np.bincount(valued_at, minlength=size) > 0, value_sums, np.nan),
            "supplier_share": supplier_share.astype("float64"),
            "runs_system": runs_system,
            "pairs_known": _distinct_per_borough(table, "real_areas", rows, left_out),
        },
        index=pd.Index(AUTHORITY_CODES, name="authority_code"),
    )


def _borough_names() -> tuple[pd.api.extensions.ExtensionArray, pd.api.extensions.ExtensionArray]:
    """The 33 boroughs' names and slugs as text arrays (33 short strings: cheaper to make per call
    than to cache outside the service layer)."""
    auths = authorities()
    return pd.array([a.name for a in auths], dtype="str"), pd.array([a.slug for a in auths], dtype="str")


def headline_masked(table: CodedTable, mask: np.ndarray, *, today: date, top_n: int = 15,
                    months: int = ENDING_MONTHS) -> dict[str, float | int]:
    """queries.headline of the rows under `mask`."""
    rows = np.flatnonzero(mask)
    positions = table.positions[rows]
    suppliers = table.suppliers[rows]
    return {
        "contracts": int(rows.size),
        "boroughs": _distinct(positions, len(AUTHORITY_CODES)),
        "suppliers": _distinct(suppliers, len(table.supplier_slugs)),
        "systems": _distinct(table.systems[rows], len(table.system_slugs)),
        "top_n": int(top_n),
        "top_n_share": share_of_largest(suppliers, len(table.supplier_slugs), top_n),
        "ending_12m": int(_ending(table.end_days[rows], today, months).sum()),
        "annual_value": float(np.nansum(table.values[rows])),
    }


def in_view_masked(table: CodedTable, mask: np.ndarray) -> tuple[int, int, int]:
    """(rows, distinct authority codes, synthetic rows) under `mask`: the banner's counts."""
    rows = np.flatnonzero(mask)
    if rows.size == 0:
        return 0, 0, 0
    return int(rows.size), _distinct(table.authority[rows], 0), int(np.count_nonzero(table.synthetic[rows]))
