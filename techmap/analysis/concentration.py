"""Supplier concentration: who holds what share of London's contracts, per service area or borough,
and the service area > supplier > system hierarchy behind the treemap.

Shares are computed over rows (one row = one contract in one borough, so a contract shared by
three boroughs counts three times: each borough depends on that supplier) or, with
weight="value", over annual_value_gbp (rows without a value count as 0).
The Herfindahl-Hirschman Index (HHI) is the sum of squared percentage shares, 0..10,000; the bands
follow the usual competition-authority thresholds (below 1,000 unconcentrated, 1,000 to 2,000
moderately, above 2,000 highly concentrated).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Literal

import numpy as np
import pandas as pd

from techmap.dataformat.authorities import by_code
from techmap.dataformat.schema import GROUP_NAMES, SERVICE_AREAS, SERVICE_AREAS_BY_SLUG
from techmap.service.cache import ARRAYS, MISSING

Weight = Literal["count", "value"]
WEIGHTS: tuple[Weight, ...] = ("count", "value")
HHI_MODERATE = 1000.0
HHI_HIGH = 2000.0
HHI_BANDS: tuple[str, ...] = ("unconcentrated", "moderately concentrated", "highly concentrated")
NO_DATA = "no data"
# Text columns that queries group by; their integer codes are cached (see factorize).
CODED_COLUMNS: tuple[str, ...] = ("supplier_slug", "system_slug", "supplier", "system")
CODES_MIN_ROWS = 20_000  # tables this long get their codes cached at once when filtered


def _check_weight(weight: str) -> None:
    if weight not in WEIGHTS:
        raise ValueError(f"weight must be one of {WEIGHTS}, not {weight!r}")


def _values(df: pd.DataFrame) -> np.ndarray:
    return np.nan_to_num(df["annual_value_gbp"].to_numpy(dtype="float64"), nan=0.0)


# ---- integer codes for text columns, cached per array ----------------------------------------
# Hashing 140k strings costs ~5 ms per column (~25 ms when the loader's strings are scattered in
# memory), and every query needs codes for supplier_slug / system_slug. The loaded table's arrays
# are the same objects on every call (the data is read-only), so their codes are kept in the
# service cache's ARRAYS tier, keyed by the array's identity and dropped when the array dies;
# apply_filter hands the subset of the codes on to the filtered frame it returns
# (remember_subset). An array gets cached codes the second time it is factorised, so one-off
# frames never fill the cache.
_SEEN = "seen once"
_CODES = "codes"


def _cached(values: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    found = ARRAYS.lookup(_CODES, values)
    return None if found is MISSING else found


def _store(values: np.ndarray, codes: np.ndarray, uniques: np.ndarray) -> None:
    codes.setflags(write=False)  # shared between callers from now on
    if ARRAYS.keep(_CODES, values, (codes, uniques)):
        ARRAYS.forget((_SEEN, id(values)))


def _sighted(values: np.ndarray) -> bool:
    """True when `values` was factorised before (and so is worth caching); records it if not."""
    if ARRAYS.lookup(_SEEN, values) is not MISSING:
        return True
    ARRAYS.keep(_SEEN, values, True)
    return False


def factorize(series: pd.Series, *, remember: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """(integer code per row, a superset of the distinct values) - categorical codes as they are,
    otherwise pandas' hash factorisation of the raw array, cached as explained above. Missing
    values get code -1. `uniques` may hold values no row has (a categorical's unused categories, or
    the full table's values for a filtered frame): count distinct values from the codes.
    remember=True caches the codes at once (for a table known to be long-lived)."""
    if isinstance(series.dtype, pd.CategoricalDtype):
        return series.cat.codes.to_numpy().astype(np.intp), series.cat.categories.to_numpy()
    values = series.to_numpy()
    cached = _cached(values)
    if cached is not None:
        return cached
    codes, uniques = pd.factorize(values)
    codes = codes.astype(np.intp, copy=False)
    uniques = np.asarray(uniques, dtype=object)
    if remember or _sighted(values):
        _store(values, codes, uniques)
    return codes, uniques


def remember_subset(base: pd.DataFrame, subset: pd.DataFrame, rows: np.ndarray,
                    columns: Iterable[str] = CODED_COLUMNS) -> None:
    """Give `subset` (= base.loc[rows], rows a boolean mask) the codes of base's columns (working
    them out for base once), so that queries on the subset need not hash its strings again."""
    for column in columns:
        if column not in base.columns or column not in subset.columns:
            continue
        if isinstance(base[column].dtype, pd.CategoricalDtype):
            continue
        codes, uniques = factorize(base[column], remember=True)
        _store(subset[column].to_numpy(), codes[rows], uniques)


NamesColumn = pd.Series | tuple[np.ndarray, np.ndarray]  # the names, or their (codes, uniques)


def _names_for(slug_codes: np.ndarray, n_slugs: int, names: NamesColumn) -> np.ndarray:
    """For each slug code 0..n_slugs-1, the most common spelling among the rows (ties:
    alphabetical first); "" for codes without rows. Works on integer codes, so it stays cheap."""
    out = np.full(n_slugs, "", dtype=object)
    if slug_codes.size == 0:
        return out
    name_codes, name_uniques = names if isinstance(names, tuple) else factorize(names)
    m = max(len(name_uniques), 1)
    pair_ids, pair_keys = pd.factorize(slug_codes.astype(np.int64) * m + name_codes)
    small = pd.DataFrame({"slug": pair_keys // m, "name": name_uniques[pair_keys % m],
                          "n": np.bincount(pair_ids)})
    small = (small.sort_values(["n", "name"], ascending=[False, True], kind="stable")
             .drop_duplicates("slug"))
    out[small["slug"].to_numpy()] = small["name"].to_numpy()
    return out


def names_for_codes(slug_codes: np.ndarray, slugs: np.ndarray, names: NamesColumn,
                    known: Mapping[str, str] | None) -> np.ndarray:
    """Display name per slug code: from `known` (e.g. Dataset.supplier_names, computed once per
    process) when given, which avoids reading every row's name (~25 ms at 140k rows when the
    loader's strings are scattered in memory); else the most common spelling among the rows."""
    if known is None:
        return _names_for(slug_codes, len(slugs), names)
    missing = [i for i, slug in enumerate(slugs) if str(slug) not in known]
    out = np.array([known.get(str(slug), "") for slug in slugs], dtype=object)
    if missing:  # a slug the mapping does not know: fall back to the rows
        fallback = _names_for(slug_codes, len(slugs), names)
        out[missing] = fallback[missing]
    return out


def display_names(df: pd.DataFrame, slug_col: str, name_col: str) -> pd.Series:
    """slug -> display name: the most common spelling in `df` (ties: alphabetical first)."""
    if df.empty:
        return pd.Series(dtype="str")
    codes, uniques = factorize(df[slug_col])
    present = np.flatnonzero(np.bincount(codes[codes >= 0], minlength=len(uniques)))
    names = _names_for(codes, len(uniques), df[name_col])
    return pd.Series(names[present], index=uniques[present], dtype="str")


def _keep(df: pd.DataFrame, codes: np.ndarray, *others: np.ndarray) -> tuple[pd.DataFrame, ...]:
    """Drop rows whose code is -1 (a missing slug; the loader never leaves one, but bincount
    must not see it) from the frame and every parallel array."""
    valid = codes >= 0
    if valid.all():
        return (df, codes, *others)
    return (df.loc[valid], codes[valid], *(o[valid] for o in others))


def _distinct_pairs_per(codes: np.ndarray, n: int, other: np.ndarray) -> np.ndarray:
    """For each code 0..n-1, how many distinct `other` codes occur with it."""
    if codes.size == 0:
        return np.zeros(n, dtype=np.int64)
    span = int(other.max()) + 2 if other.size else 1
    pairs = pd.unique(codes.astype(np.int64) * span + (other + 1))
    return np.bincount(pairs // span, minlength=n)


# ---- supplier table ---------------------------------------------------------------------------


SUPPLIER_COLUMNS = ("supplier_slug", "supplier", "contracts", "annual_value", "share",
                    "cumulative_share", "rank", "boroughs")


def supplier_shares(df: pd.DataFrame, *, weight: Weight = "count",
                    supplier_names: Mapping[str, str] | None = None) -> pd.DataFrame:
    """One row per supplier, largest first (ties by slug): supplier_slug, supplier (display name),
    contracts, annual_value (0 when none known), share (0..1 of the total weight; 0 when the total
    is 0), cumulative_share, rank (1-based competition rank by weight: 1, 2, 2, 4), boroughs
    (distinct boroughs served). `supplier_names` (slug -> name, e.g. Dataset.supplier_names)
    saves working the names out from the rows."""
    _check_weight(weight)
    codes, slugs = factorize(df["supplier_slug"])
    df, codes = _keep(df, codes)
    if df.empty:
        return pd.DataFrame({c: pd.Series(dtype="str" if c in ("supplier_slug", "supplier")
                                          else "float64") for c in SUPPLIER_COLUMNS})
    k = len(slugs)
    contracts = np.bincount(codes, minlength=k)
    values = np.bincount(codes, weights=_values(df), minlength=k)
    weights = contracts.astype("float64") if weight == "count" else values
    total = float(weights.sum())
    share = weights / total if total > 0 else np.zeros(k)
    slug_text = slugs.astype(str)
    order = np.lexsort((slug_text, -weights))
    order = order[contracts[order] > 0]  # a categorical's unused categories
    names = names_for_codes(codes, slugs, df["supplier"], supplier_names)
    table = pd.DataFrame({
        "supplier_slug": pd.array(slug_text[order], dtype="str"),
        "supplier": pd.array(names[order], dtype="str"),
        "contracts": contracts[order].astype("int64"),
        "annual_value": values[order],
        "share": share[order],
        "cumulative_share": np.minimum(np.cumsum(share[order]), 1.0),
        "rank": pd.Series(weights[order]).rank(method="min", ascending=False).to_numpy(dtype="int64"),
        "boroughs": _distinct_pairs_per(codes, k, factorize(df["authority_code"])[0])[order],
    })
    return table


def top_n_share(df: pd.DataFrame, n: int, *, weight: Weight = "count") -> float:
    """Share (0..1) of all contracts (or annual value) held by the n largest suppliers; 0 when
    there is nothing to share."""
    _check_weight(weight)
    if df.empty or n <= 0:
        return 0.0
    codes, slugs = factorize(df["supplier_slug"])
    return share_of_largest(codes, len(slugs), n, None if weight == "count" else _values(df))


def share_of_largest(codes: np.ndarray, n_codes: int, n: int, weights: np.ndarray | None = None) -> float:
    """Share (0..1) of the total count (or weight) held by the n largest codes; 0 when empty."""
    if codes.size == 0 or n <= 0:
        return 0.0
    valid = codes >= 0
    sizes = np.bincount(codes[valid], weights=None if weights is None else weights[valid],
                        minlength=n_codes).astype("float64")
    total = sizes.sum()
    if total <= 0:
        return 0.0
    top = np.sort(sizes)[::-1][:n]  # ties at the cut do not matter: equal sizes, equal sum
    return float(min(top.sum() / total, 1.0))


# ---- HHI --------------------------------------------------------------------------------------


def hhi(shares: Iterable[float]) -> float:
    """Herfindahl-Hirschman Index of percentage shares: hhi([50, 30, 20]) == 3800. NaNs ignored."""
    values = np.fromiter((float(s) for s in shares), dtype="float64")
    return float(np.nansum(values * values)) if values.size else 0.0


def hhi_band(value: float | None) -> str:
    """"unconcentrated" (< 1000), "moderately concentrated" (1000..2000 inclusive),
    "highly concentrated" (> 2000); "no data" for NaN/None."""
    if value is None or not np.isfinite(value):
        return NO_DATA
    if value < HHI_MODERATE:
        return HHI_BANDS[0]
    if value <= HHI_HIGH:
        return HHI_BANDS[1]
    return HHI_BANDS[2]


# ---- concentration per service area or borough ------------------------------------------------


CONCENTRATION_COLUMNS = ("key", "name", "contracts", "suppliers", "top_supplier",
                         "top_supplier_share", "top_n_share", "hhi", "band")


def _group_name(by: str, key: str) -> str:
    if by == "service_area":
        area = SERVICE_AREAS_BY_SLUG.get(key)
        return area.name if area else key
    authority = by_code().get(key)
    return authority.name if authority else key


def concentration_by(
    df: pd.DataFrame,
    by: Literal["service_area", "authority_code"],
    *,
    n: int = 3,
    weight: Weight = "count",
    supplier_names: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Per service area (or borough) with rows: key, name, contracts, suppliers, top_supplier
    (display name), top_supplier_share, top_n_share (the n largest suppliers' share), hhi (0..10000),
    band. Shares are 0..1. With weight="value" a group whose rows have no value has NaN shares and
    band "no data". Sorted by hhi descending (NaN last), then key. `supplier_names` as in
    supplier_shares."""
    _check_weight(weight)
    if by not in ("service_area", "authority_code"):
        raise ValueError(f"by must be 'service_area' or 'authority_code', not {by!r}")
    key_codes, key_values = factorize(df[by])
    sup_codes, slugs = factorize(df["supplier_slug"])
    df, key_codes, sup_codes = _keep(df, key_codes, sup_codes)
    df, sup_codes, key_codes = _keep(df, sup_codes, key_codes)
    if df.empty:
        return pd.DataFrame({c: pd.Series(dtype="float64" if c in (
            "top_supplier_share", "top_n_share", "hhi") else "object") for c in CONCENTRATION_COLUMNS})
    k = len(slugs)
    n_keys = len(key_values)
    # one entry per (group, supplier) pair that occurs
    pair_ids, pair_keys = pd.factorize(key_codes.astype(np.int64) * k + sup_codes)
    pair_key = (pair_keys // k).astype(np.intp)
    pair_sup = (pair_keys % k).astype(np.intp)
    contracts = np.bincount(pair_ids).astype("float64")
    values = np.bincount(pair_ids, weights=_values(df))
    w = contracts if weight == "count" else values
    totals = np.bincount(pair_key, weights=w, minlength=n_keys)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(totals[pair_key] > 0, w / totals[pair_key], np.nan)
    # largest supplier first within each group, ties by slug
    slug_rank = np.argsort(np.argsort(slugs.astype(str), kind="stable"), kind="stable")
    order = np.lexsort((slug_rank[pair_sup], -w, pair_key))
    sorted_key = pair_key[order]
    starts = np.r_[True, sorted_key[1:] != sorted_key[:-1]]
    index = np.arange(order.size)
    pos = index - np.maximum.accumulate(np.where(starts, index, 0))
    share_sorted = share[order]
    with np.errstate(invalid="ignore"):
        top_n = np.bincount(sorted_key, weights=np.where(pos < n, share_sorted, 0.0), minlength=n_keys)
        hhi_values = np.bincount(pair_key, weights=(share * 100.0) ** 2, minlength=n_keys)
    present = np.bincount(pair_key, minlength=n_keys) > 0
    no_value = totals <= 0
    top_n[no_value] = np.nan
    hhi_values[no_value] = np.nan
    top_share = np.full(n_keys, np.nan)
    top_sup = np.full(n_keys, -1, dtype=np.intp)
    top_share[sorted_key[starts]] = share_sorted[starts]
    top_sup[sorted_key[starts]] = pair_sup[order][starts]
    if supplier_names is None:
        wanted = np.isin(sup_codes, top_sup[present])
        names = _names_for(sup_codes[wanted], k, df["supplier"].loc[wanted])
    else:
        names = names_for_codes(sup_codes, slugs, df["supplier"], supplier_names)
    keys = np.flatnonzero(present)
    key_text = [str(key_values[i]) for i in keys]
    out = pd.DataFrame({
        "key": key_text,
        "name": [_group_name(by, key) for key in key_text],
        "contracts": np.bincount(pair_key, weights=contracts, minlength=n_keys)[keys].astype("int64"),
        "suppliers": np.bincount(pair_key, minlength=n_keys)[keys].astype("int64"),
        "top_supplier": names[top_sup[keys]],
        "top_supplier_share": top_share[keys],
        "top_n_share": top_n[keys],
        "hhi": hhi_values[keys],
    })
    out["band"] = [hhi_band(v) for v in out["hhi"]]
    out = out.sort_values(["hhi", "key"], ascending=[False, True], na_position="last", kind="stable")
    return out[list(CONCENTRATION_COLUMNS)].reset_index(drop=True)


# ---- treemap hierarchy ------------------------------------------------------------------------


HIERARCHY_COLUMNS = ("service_area", "area_name", "group", "group_name", "supplier_slug", "supplier",
                     "system_slug", "system", "contracts", "annual_value", "boroughs")


def hierarchy(
    df: pd.DataFrame,
    *,
    size_by: Weight = "count",
    supplier_names: Mapping[str, str] | None = None,
    system_names: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """One row per (service_area, supplier_slug, system_slug) with area_name, group (the
    service-area group: frontline, corporate, infrastructure or other), group_name (its display
    name, e.g. "Frontline services"), supplier and system display names, contracts, annual_value
    (0 when unknown) and boroughs (distinct count).

    Ordered by service area (schema order), then by the size measure descending, then slugs. With
    size_by="value" leaves without a positive annual value are left out, since a treemap cannot
    draw a zero-sized box. `supplier_names` / `system_names` (slug -> name, e.g. from the Dataset)
    save working the names out from the rows."""
    _check_weight(size_by)
    area_codes, area_values = factorize(df["service_area"])
    sup_codes, sup_slugs = factorize(df["supplier_slug"])
    sys_codes, sys_slugs = factorize(df["system_slug"])
    df, area_codes, sup_codes, sys_codes = _keep(df, area_codes, sup_codes, sys_codes)
    df, sup_codes, area_codes, sys_codes = _keep(df, sup_codes, area_codes, sys_codes)
    df, sys_codes, area_codes, sup_codes = _keep(df, sys_codes, area_codes, sup_codes)
    if df.empty:
        return pd.DataFrame({c: pd.Series(dtype="int64" if c in ("contracts", "boroughs") else
                                          "float64" if c == "annual_value" else "object")
                             for c in HIERARCHY_COLUMNS})
    n_sup, n_sys = len(sup_slugs), len(sys_slugs)
    leaf_ids, leaf_keys = pd.factorize(
        (area_codes.astype(np.int64) * n_sup + sup_codes) * n_sys + sys_codes)
    n_leaves = len(leaf_keys)
    leaf_area = (leaf_keys // (n_sup * n_sys)).astype(np.intp)
    leaf_sup = (leaf_keys // n_sys % n_sup).astype(np.intp)
    leaf_sys = (leaf_keys % n_sys).astype(np.intp)
    contracts = np.bincount(leaf_ids, minlength=n_leaves)
    values = np.bincount(leaf_ids, weights=_values(df), minlength=n_leaves)
    boroughs = _distinct_pairs_per(leaf_ids, n_leaves, factorize(df["authority_code"])[0])

    area_slugs = np.array([str(a) for a in area_values], dtype=object)
    schema_order = {a.slug: i for i, a in enumerate(SERVICE_AREAS)}
    area_rank = np.array([schema_order.get(slug, len(schema_order)) for slug in area_slugs])
    sup_rank = np.argsort(np.argsort(sup_slugs.astype(str), kind="stable"), kind="stable")
    sys_rank = np.argsort(np.argsort(sys_slugs.astype(str), kind="stable"), kind="stable")
    size = contracts.astype("float64") if size_by == "count" else values
    rows = np.arange(n_leaves) if size_by == "count" else np.flatnonzero(values > 0)
    rows = rows[np.lexsort((sys_rank[leaf_sys[rows]], sup_rank[leaf_sup[rows]], -size[rows],
                            area_rank[leaf_area[rows]]))]

    areas = {a.slug: a for a in SERVICE_AREAS}
    area_of_leaf = area_slugs[leaf_area[rows]]
    group = np.array([areas[s].group if s in areas else "other" for s in area_slugs], dtype=object)
    area_name = np.array([areas[s].name if s in areas else s for s in area_slugs], dtype=object)
    supplier_text = names_for_codes(sup_codes, sup_slugs, df["supplier"], supplier_names)
    system_text = names_for_codes(sys_codes, sys_slugs, df["system"], system_names)
    return pd.DataFrame({
        "service_area": pd.array(area_of_leaf, dtype="str"),
        "area_name": pd.array(area_name[leaf_area[rows]], dtype="str"),
        "group": pd.array(group[leaf_area[rows]], dtype="str"),
        "group_name": pd.array([GROUP_NAMES[g] for g in group[leaf_area[rows]]], dtype="str"),
        "supplier_slug": pd.array(sup_slugs[leaf_sup[rows]].astype(str), dtype="str"),
        "supplier": pd.array(supplier_text[leaf_sup[rows]], dtype="str"),
        "system_slug": pd.array(sys_slugs[leaf_sys[rows]].astype(str), dtype="str"),
        "system": pd.array(system_text[leaf_sys[rows]], dtype="str"),
        "contracts": contracts[rows].astype("int64"),
        "annual_value": values[rows],
        "boroughs": boroughs[rows].astype("int64"),
    })
