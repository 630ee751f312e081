"""Satisfaction (the `satisfaction` column, 1 to 5 as in LOTI's survey): averages by system,
supplier and borough, and LOTI's finding that boroughs using more suppliers report lower
satisfaction, measured as the Pearson correlation between a borough's number of suppliers and
its average score.

Satisfaction is always private (techmap.dataformat.schema.ALWAYS_PRIVATE_COLUMNS): only members
see these views; the pages ask before calling (a public twin holds no scores anyway). Pure
functions over a contracts frame; they never modify it.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np
import pandas as pd

MIN_PAIRS = 3  # fewer boroughs than this give no correlation worth stating


class Correlation(NamedTuple):
    r: float | None  # Pearson r; None when it cannot be computed (too few boroughs, no spread)
    n: int  # boroughs with at least one score


def has_scores(df: pd.DataFrame) -> bool:
    return "satisfaction" in df.columns and bool(df["satisfaction"].notna().any())


def average_by(df: pd.DataFrame, key: str, name: str) -> pd.DataFrame:
    """Per value of `key` (e.g. supplier_slug) with at least one score: its display `name`, the
    average score (`average`), the number of scored contracts (`scores`); best first, then by name."""
    scored = df.loc[df["satisfaction"].notna(), [key, name, "satisfaction"]]
    if scored.empty:
        return pd.DataFrame({key: pd.Series(dtype="str"), "name": pd.Series(dtype="str"),
                             "average": pd.Series(dtype="float64"), "scores": pd.Series(dtype="int64")})
    grouped = scored.groupby(key, observed=True, sort=False)
    out = pd.DataFrame({
        "name": grouped[name].first().astype("str"),
        "average": grouped["satisfaction"].mean().astype("float64"),
        "scores": grouped["satisfaction"].size().astype("int64"),
    }).reset_index()
    out[key] = out[key].astype("str")
    return out.sort_values(["average", "name"], ascending=[False, True], kind="stable").reset_index(drop=True)


def suppliers_and_satisfaction(df: pd.DataFrame) -> pd.DataFrame:
    """Per borough with at least one score: `authority_code`, `name`, `suppliers` (distinct
    suppliers among all its contracts shown, scored or not), `average` score and `scores`;
    fewest suppliers first."""
    averages = average_by(df, "authority_code", "authority_name")
    if averages.empty:
        return averages.assign(suppliers=pd.Series(dtype="int64"))
    codes = df["authority_code"].astype("str")
    suppliers = df.groupby(codes, sort=False)["supplier_slug"].nunique()
    averages["suppliers"] = averages["authority_code"].map(suppliers).fillna(0).astype("int64")
    return averages.sort_values(["suppliers", "name"], kind="stable").reset_index(drop=True)


def pearson(x: np.ndarray, y: np.ndarray) -> Correlation:
    """Pearson's r of two equal-length arrays; r None below MIN_PAIRS or without spread."""
    x = np.asarray(x, dtype="float64")
    y = np.asarray(y, dtype="float64")
    n = int(len(x))
    if n < MIN_PAIRS:
        return Correlation(None, n)
    dx, dy = x - x.mean(), y - y.mean()
    denominator = math.sqrt(float((dx * dx).sum()) * float((dy * dy).sum()))
    if denominator == 0:
        return Correlation(None, n)
    return Correlation(float((dx * dy).sum()) / denominator, n)


def suppliers_satisfaction_correlation(table: pd.DataFrame) -> Correlation:
    """r between boroughs' number of suppliers and their average score (suppliers_and_satisfaction)."""
    return pearson(table["suppliers"].to_numpy(), table["average"].to_numpy())


def describe_correlation(c: Correlation) -> str:
    """The finding in words, for a caption: direction, strength, r and n."""
    if c.r is None:
        return (f"Too few boroughs with scores ({c.n}) to measure how satisfaction varies with the "
                "number of suppliers." if c.n < MIN_PAIRS else
                f"Satisfaction does not vary across the {c.n} boroughs with scores, so no correlation "
                "can be measured.")
    size = abs(c.r)
    strength = "strong" if size >= 0.5 else "moderate" if size >= 0.3 else "weak" if size >= 0.1 else "no clear"
    if strength == "no clear":
        trend = "no clear link between the number of suppliers a borough uses and its satisfaction"
    elif c.r < 0:
        trend = (f"a {strength} negative correlation: boroughs using more suppliers report lower "
                 "satisfaction")
    else:
        trend = (f"a {strength} positive correlation: boroughs using more suppliers report higher "
                 "satisfaction")
    return f"Across {c.n} boroughs with scores, {trend} (Pearson r = {c.r:+.2f}, n = {c.n})."
