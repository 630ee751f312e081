"""Data quality: per-row flags and per-borough coverage, so the app can say how much to trust what
it shows (the About and Data pages, and the borough page's caveats).

A flag is not a validation error: the row loaded fine but looks incomplete or suspicious.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from techmap.authorities import authorities
from techmap.queries import AUTHORITY_CODES, authority_positions
from techmap.renewals import add_months
from techmap.schema import DATE_COLUMNS
from techmap.service.cache import per_dataset

if TYPE_CHECKING:
    from techmap.dataset import Dataset

# Dates that spreadsheets and databases write when the real one is unknown: Excel's day zero
# (1899-12-30 in most exports, 1899-12-31 in some), the Unix epoch and 1900-01-01.
PLACEHOLDER_DATES: tuple[date, ...] = (date(1899, 12, 30), date(1899, 12, 31), date(1900, 1, 1),
                                       date(1970, 1, 1))
STALE_AFTER_MONTHS = 24

FLAG_LABELS: dict[str, str] = {
    "missing_end_date": "No end date",
    "end_before_start": "End date is before the start date",
    "placeholder_date": "A date looks like a placeholder (1899, 1900 or 1970)",
    "zero_value": "Value recorded as £0",
    "stale_source": "Source is more than two years old, or its date is unknown",
}
FLAGS: tuple[str, ...] = tuple(FLAG_LABELS)


def source_dates(sources: Mapping[str, Mapping[str, Any]]) -> dict[str, date | None]:
    """source id -> its as_of date (None when missing or not an ISO date)."""
    dates: dict[str, date | None] = {}
    for key, meta in sources.items():
        value = meta.get("as_of") if isinstance(meta, Mapping) else None
        if isinstance(value, date):
            dates[str(key)] = value
            continue
        try:
            dates[str(key)] = date.fromisoformat(str(value)) if value else None
        except ValueError:
            dates[str(key)] = None
    return dates


def _day(value: date) -> np.datetime64:
    return np.datetime64(value.isoformat(), "D")


def quality_flags(df: pd.DataFrame, *, sources: Mapping[str, Mapping[str, Any]],
                  today: date) -> pd.DataFrame:
    """Boolean flags per row (same index as df):
    missing_end_date; end_before_start (both dates known and end < start); placeholder_date (any
    date column is 1899-12-30, 1899-12-31, 1900-01-01 or 1970-01-01); zero_value (annual or total
    value is exactly 0); stale_source (the row's source has no valid as_of, is not in `sources`,
    or its as_of is before today minus two years)."""
    n = len(df)
    end = df["end_date"].to_numpy()
    start = df["start_date"].to_numpy()
    placeholders = np.array([_day(d) for d in PLACEHOLDER_DATES])
    placeholder = np.zeros(n, dtype=bool)
    for column in DATE_COLUMNS:
        if column in df.columns:
            values = df[column].to_numpy().astype("datetime64[D]")
            placeholder |= np.isin(values, placeholders)
    zero = np.zeros(n, dtype=bool)
    for column in ("annual_value_gbp", "total_value_gbp"):
        if column in df.columns:
            zero |= df[column].to_numpy(dtype="float64") == 0.0
    cutoff = add_months(today, -STALE_AFTER_MONTHS)
    fresh = {key for key, as_of in source_dates(sources).items() if as_of is not None and as_of >= cutoff}
    stale = ~df["source"].astype("str").isin(fresh).to_numpy() if n else np.zeros(0, dtype=bool)
    return pd.DataFrame(
        {
            "missing_end_date": np.isnat(end),
            "end_before_start": ~np.isnat(end) & ~np.isnat(start) & (end < start),
            "placeholder_date": placeholder,
            "zero_value": zero,
            "stale_source": stale,
        },
        index=df.index,
    )


COVERAGE_COLUMNS = ("name", "records", "share_with_end_date", "share_with_value", "newest_source",
                    "oldest_source", "flagged", "stale_records", "share_stale")


def coverage_by_borough(df: pd.DataFrame, *, sources: Mapping[str, Mapping[str, Any]],
                        today: date) -> pd.DataFrame:
    """Per authority (all 33, ONS-code order, indexed by code): name, records, share_with_end_date
    and share_with_value (0..1 of records with an end date / an annual or total value; NaN when
    there are no records), newest_source and oldest_source (as_of dates of the sources its rows
    cite; None when none known), flagged (records with any quality flag), stale_records and
    share_stale (records whose source is stale, as the stale_source flag says: dated before `today`
    minus two years, undated or not in `sources`; the share is 0..1 of records, NaN when there are
    none). Pass the dataset's as_of as `today` to judge the sources against the dataset's own date."""
    size = len(AUTHORITY_CODES)
    positions = authority_positions(df)
    valid = positions >= 0
    frame = df.loc[valid] if not valid.all() else df
    positions = positions[valid]
    flags = quality_flags(frame, sources=sources, today=today)
    records = np.bincount(positions, minlength=size)
    with_end = np.bincount(positions, weights=frame["end_date"].notna().to_numpy(), minlength=size)
    has_value = (frame["annual_value_gbp"].notna() | frame["total_value_gbp"].notna()).to_numpy()
    with_value = np.bincount(positions, weights=has_value, minlength=size)
    flagged = np.bincount(positions, weights=flags.to_numpy().any(axis=1), minlength=size)
    stale = np.bincount(positions, weights=flags["stale_source"].to_numpy(), minlength=size)
    with np.errstate(invalid="ignore", divide="ignore"):
        share_end = np.where(records > 0, with_end / np.maximum(records, 1), np.nan)
        share_value = np.where(records > 0, with_value / np.maximum(records, 1), np.nan)
        share_stale = np.where(records > 0, stale / np.maximum(records, 1), np.nan)

    dates = source_dates(sources)
    newest: list[date | None] = [None] * size
    oldest: list[date | None] = [None] * size
    if len(frame):
        used = pd.DataFrame({"pos": positions, "source": frame["source"].astype("str").to_numpy()})
        for pos, source in used.drop_duplicates().itertuples(index=False):
            as_of = dates.get(source)
            if as_of is None:
                continue
            if newest[pos] is None or as_of > newest[pos]:
                newest[pos] = as_of
            if oldest[pos] is None or as_of < oldest[pos]:
                oldest[pos] = as_of
    return pd.DataFrame(
        {
            "name": pd.array([a.name for a in authorities()], dtype="str"),
            "records": records.astype("int64"),
            "share_with_end_date": share_end,
            "share_with_value": share_value,
            "newest_source": pd.Series(newest, dtype="object").to_numpy(),
            "oldest_source": pd.Series(oldest, dtype="object").to_numpy(),
            "flagged": flagged.astype("int64"),
            "stale_records": stale.astype("int64"),
            "share_stale": share_stale,
        },
        index=pd.Index(AUTHORITY_CODES, name="authority_code"),
    )


@per_dataset
def row_flags(data: Dataset, today: date) -> np.ndarray:
    """Quality flags of every loaded row, (rows, len(FLAGS)) booleans, computed once per day."""
    flags = quality_flags(data.contracts, sources=data.sources, today=today)
    return flags[list(FLAGS)].to_numpy(dtype=bool)
