"""Shared contracts: rows with the same non-blank `shared_ref` are one contract that several
boroughs hold, so they carry the same values. If one row withholds its values
(value_public false) and a twin does not, a public instance would show the withheld values on
the twin: the whole group is treated as not public."""

from __future__ import annotations

import numpy as np
import pandas as pd


def withheld_groups(shared_ref: pd.Series, value_public: pd.Series) -> np.ndarray:
    """True for each row whose shared contract has a row with value_public false (itself or a
    twin); rows without a shared_ref are False."""
    refs = shared_ref.astype("str").str.strip()
    private = ~value_public.astype(bool)
    withheld = set(refs[private & (refs != "")])
    return (refs.isin(withheld) & (refs != "")).to_numpy()


def mixed_rows(shared_ref: pd.Series, value_public: pd.Series) -> np.ndarray:
    """Positions of the rows marked public whose shared contract has a row that is not."""
    mask = withheld_groups(shared_ref, value_public) & value_public.astype(bool).to_numpy()
    return np.flatnonzero(mask)
