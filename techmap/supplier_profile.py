"""A supplier's profile in figures: its contracts among the filtered ones, and which supplier a
mistyped name may mean. The supplier profile page (pages/supplier.py) shows these."""

from __future__ import annotations

import difflib
from datetime import date
from typing import Any

import pandas as pd

from techmap.renewals import add_months
from techmap.schema import SERVICE_AREAS, SERVICE_AREAS_BY_SLUG


def close_matches(key: str, names: dict[str, str], n: int = 3) -> list[tuple[str, str]]:
    """Suppliers whose slug or name looks like what was typed: [(slug, name)], best first."""
    key = (key or "").lower()[:120]
    by_lower = {name.lower(): slug for slug, name in names.items()}
    found = difflib.get_close_matches(key, list(names) + list(by_lower), n=n * 2, cutoff=0.6)
    out: list[tuple[str, str]] = []
    for hit in found:
        slug = hit if hit in names else by_lower[hit]
        if slug not in [s for s, _ in out]:
            out.append((slug, names[slug]))
    return out[:n]


def profile_figures(own: pd.DataFrame, everyone: pd.DataFrame, today: date) -> dict[str, Any]:
    """Counts for the headline: contracts, boroughs, systems, service areas, share of all
    contracts in `everyone`, rank by contract count among its suppliers (competition ranking),
    suppliers, ending_12m / ending_24m (end_date in [today, today + 12 / 24 months]) and annual
    value (sum, 0 when none is known)."""
    ends = own["end_date"]
    start = pd.Timestamp(today)
    counts = everyone["supplier_slug"].value_counts()
    mine = len(own)
    return {
        "contracts": mine,
        "boroughs": int(own["authority_code"].nunique()),
        "systems": int(own["system_slug"].nunique()),
        "areas": int(own["service_area"].nunique()),
        "share": mine / len(everyone) if len(everyone) else 0.0,
        "rank": int((counts > mine).sum()) + 1 if mine else None,
        "suppliers": int(len(counts)),
        "ending_12m": int(((ends >= start) & (ends <= pd.Timestamp(add_months(today, 12)))).sum()),
        "ending_24m": int(((ends >= start) & (ends <= pd.Timestamp(add_months(today, 24)))).sum()),
        "annual_value": float(own["annual_value_gbp"].sum(skipna=True)),
    }


def systems_summary(own: pd.DataFrame) -> pd.DataFrame:
    """One row per system of `own`: its most common name, service areas (names, in the schema's
    order), boroughs, contracts and annual value (NaN when none known); most contracts first."""
    area_order = {a.slug: i for i, a in enumerate(SERVICE_AREAS)}
    grouped = own.groupby("system_slug", sort=False)
    summary = pd.DataFrame({
        "system": grouped["system"].agg(lambda s: s.value_counts().index[0]),
        "contracts": grouped.size(),
        "boroughs": grouped["authority_code"].nunique(),
        "value": grouped["annual_value_gbp"].sum(min_count=1),
        "areas": grouped["service_area"].agg(
            lambda s: ", ".join(SERVICE_AREAS_BY_SLUG[a].name if a in SERVICE_AREAS_BY_SLUG else str(a)
                                for a in sorted(set(s.astype(str)), key=lambda a: area_order.get(a, 99)))),
    }).reset_index()
    return summary.sort_values(["contracts", "system"], ascending=[False, True], kind="stable")
