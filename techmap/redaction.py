"""Public instances: fields a dataset marks as not public appear nowhere.

Redaction happens once, when the dataset is loaded, so no page, hover, download, calendar or API
response can leak a restricted value: the process never holds it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from techmap.schema import ALWAYS_PRIVATE_COLUMNS, VALUE_COLUMNS
from techmap.shared_refs import withheld_groups


def redact_for_public(contracts: pd.DataFrame) -> pd.DataFrame:
    """Blank the values of rows with value_public false, and of their shared-contract twins
    (techmap.shared_refs), and every always-private column."""
    out = contracts.copy()
    hidden = ~out["value_public"].astype(bool).to_numpy()
    if "shared_ref" in out.columns:
        hidden |= withheld_groups(out["shared_ref"], out["value_public"])
        out["value_public"] = ~hidden  # the twins' values read "not published", as their group's
    for column in VALUE_COLUMNS:
        if column in out.columns:
            out[column] = np.where(hidden, np.nan, out[column].to_numpy(dtype=float))
    for column in ALWAYS_PRIVATE_COLUMNS:
        if column in out.columns:
            out[column] = np.nan
    return out
