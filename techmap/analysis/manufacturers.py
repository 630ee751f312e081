"""Manufacturers beside suppliers: who makes a product against who holds the contract (a reseller
such as Bytes or Softcat selling Microsoft, a partner selling Oracle). Only rows that name a
manufacturer count; a blank manufacturer says nothing about who makes it. Pure functions over a
contracts frame; they never modify it."""

from __future__ import annotations

from typing import NamedTuple

import pandas as pd


class Resold(NamedTuple):
    named: int  # contracts naming a manufacturer
    resold: int  # of those, held by a supplier other than the manufacturer


def _named(df: pd.DataFrame) -> pd.DataFrame:
    return df.loc[df["manufacturer_slug"] != "", ["manufacturer_slug", "manufacturer", "supplier_slug",
                                                  "supplier"]]


def resold_count(df: pd.DataFrame) -> Resold:
    named = _named(df)
    return Resold(len(named), int((named["manufacturer_slug"] != named["supplier_slug"]).sum()))


def manufacturers_and_sellers(df: pd.DataFrame) -> pd.DataFrame:
    """One row per manufacturer: `manufacturer_slug`, `name`, `contracts`, `direct` (held by the
    manufacturer itself), `resold` (held by another supplier) and `sellers` (the other suppliers
    as (name, contracts) pairs, most contracts first); most resold first, then most contracts."""
    named = _named(df)
    columns = ["manufacturer_slug", "name", "contracts", "direct", "resold", "sellers"]
    if named.empty:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in columns})
    named = named.assign(is_resold=(named["manufacturer_slug"] != named["supplier_slug"]).to_numpy())
    grouped = named.groupby("manufacturer_slug", sort=False)
    out = pd.DataFrame({
        "name": grouped["manufacturer"].first(),
        "contracts": grouped.size(),
        "resold": grouped["is_resold"].sum(),
    })
    out["direct"] = out["contracts"] - out["resold"]
    resold = named[named["is_resold"]]
    sellers = (resold.groupby(["manufacturer_slug", "supplier"], sort=False).size()
               .reset_index(name="n").sort_values(["manufacturer_slug", "n", "supplier"],
                                                  ascending=[True, False, True], kind="stable"))
    by_maker: dict[str, list[tuple[str, int]]] = {}
    for maker, supplier, n in zip(sellers["manufacturer_slug"], sellers["supplier"], sellers["n"], strict=True):
        by_maker.setdefault(str(maker), []).append((str(supplier), int(n)))
    out = out.reset_index()
    out["sellers"] = [by_maker.get(str(m), []) for m in out["manufacturer_slug"]]
    out = out.astype({"contracts": "int64", "resold": "int64", "direct": "int64"})
    return out.sort_values(["resold", "contracts", "name"], ascending=[False, False, True],
                           kind="stable")[columns].reset_index(drop=True)
