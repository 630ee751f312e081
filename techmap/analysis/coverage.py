"""Coverage: for each borough and service area, whether public evidence shows what it runs.

A (borough, service area) pair is known when the dataset has a real row (synthetic=false) for it;
illustrative rows never make a pair known. A known pair carries its best confidence (contract,
then integration, listing, inferred) and the observed date of the latest row with that confidence.
N is the number of service areas other than `unclassified`, so the pairs are 33 x N.
"""

from __future__ import annotations

import pandas as pd

from techmap.dataformat.authorities import authorities
from techmap.dataformat.schema import CONFIDENCE_VALUES, SERVICE_AREAS

COVERED_AREAS: tuple[str, ...] = tuple(a.slug for a in SERVICE_AREAS if a.slug != "unclassified")
_RANK = {c: i for i, c in enumerate(CONFIDENCE_VALUES)}
UNRANKED = len(CONFIDENCE_VALUES)  # a real row without a confidence (an older dataset)


def _real_rows(df: pd.DataFrame) -> pd.DataFrame:
    real = df.loc[~df["synthetic"].astype(bool), ["authority_code", "service_area", "confidence",
                                                   "observed_date"]]
    real = real.astype({"authority_code": "str", "service_area": "str"})
    return real[real["service_area"].isin(COVERED_AREAS)]


def coverage_table(df: pd.DataFrame) -> pd.DataFrame:
    """Every (authority_code, service_area) pair, 33 x N rows in ONS-code then service-area order,
    with `known` (bool), `confidence` (the best, "" when unknown or not given) and
    `observed_date` (of the best evidence; NaT when unknown)."""
    real = _real_rows(df).copy()
    real["rank"] = real["confidence"].astype("object").map(_RANK).fillna(UNRANKED)
    best = (real.sort_values(["rank", "observed_date"], ascending=[True, False], kind="stable")
            .drop_duplicates(["authority_code", "service_area"]))
    index = pd.MultiIndex.from_product([[a.code for a in authorities()], COVERED_AREAS],
                                       names=["authority_code", "service_area"])
    table = best.set_index(["authority_code", "service_area"]).reindex(index)
    return pd.DataFrame({
        "known": table["rank"].notna().to_numpy(),
        "confidence": table["confidence"].astype("object").fillna("").astype("str").to_numpy(),
        "observed_date": pd.to_datetime(table["observed_date"]).to_numpy(),
    }, index=index)


def coverage_share(df: pd.DataFrame) -> tuple[int, int]:
    """(pairs known, pairs possible)."""
    real = _real_rows(df)
    known = len(real[["authority_code", "service_area"]].drop_duplicates())
    return known, len(authorities()) * len(COVERED_AREAS)


def coverage_summary(df: pd.DataFrame) -> dict[str, int | float]:
    """The London-wide coverage as the API gives it: pairs known, pairs possible (33 x N), N and
    the share known (0..1, rounded to 4 places)."""
    known, possible = coverage_share(df)
    return {"pairs_known": known, "pairs_possible": possible, "service_areas": len(COVERED_AREAS),
            "share": round(known / possible, 4)}


def unknown_areas(df: pd.DataFrame) -> dict[str, list[str]]:
    """ONS code -> the service areas (in list order) with no real row, for every borough."""
    table = coverage_table(df)
    unknown = table.index[~table["known"].to_numpy()]
    out: dict[str, list[str]] = {a.code: [] for a in authorities()}
    for code, area in unknown:
        out[code].append(area)
    return out
