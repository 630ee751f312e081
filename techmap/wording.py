"""Small pieces of English the pages, the components and the command line all write the same way."""

from __future__ import annotations

from typing import Any

import pandas as pd

NOT_KNOWN = "not known"


def plural(count: int, word: str) -> str:
    """'1 row', '1,203 rows': the count with thousands separators and the word for it."""
    return f"{count:,} {word}{'' if count == 1 else 's'}"


def fmt_date(value: Any, missing: str = "") -> str:
    """'31 Mar 2027' for a date, datetime or Timestamp; `missing` for None or NaT."""
    return missing if value is None or pd.isna(value) else pd.Timestamp(value).strftime("%-d %b %Y")
