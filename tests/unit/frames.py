"""Small typed contracts frames for tests, shaped like the loader's output (see techmap/dataformat/dataset.py).

`make_frame([{"authority_code": "E09000007", "supplier": "Capita", "end_date": "2027-03-31"}])`
fills every other column with a default and adds the derived columns, so a test names only the
values it is about.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from techmap.dataformat.authorities import authorities, by_code
from techmap.dataformat.schema import (
    COLUMN_NAMES,
    CONFIDENCE_VALUES,
    DATE_COLUMNS,
    HOSTING_VALUES,
    MONEY_COLUMNS,
    SERVICE_AREAS,
    SERVICE_AREAS_BY_SLUG,
    slugify,
)

CAMDEN = "E09000007"
HACKNEY = "E09000012"
ISLINGTON = "E09000019"
LAMBETH = "E09000022"
CITY = "E09000001"

DEFAULTS: dict[str, Any] = {
    "authority_code": CAMDEN,
    "service_area": "housing",
    "system": "System X",
    "manufacturer": "",
    "supplier": "Supplier A",
    "hosting": "unknown",
    "procurement_route": "",
    "shared_ref": "",
    "value_public": True,
    "source": "demo",
    "synthetic": True,
    "evidence": "",
    "observed_date": "",
    "confidence": None,
}
TEXT_COLUMNS = ("contract_id", "system", "manufacturer", "supplier", "procurement_route", "shared_ref",
                "evidence")


def _date(value: object) -> object:
    if value is None or value == "":
        return pd.NaT
    if isinstance(value, date):
        return pd.Timestamp(value)
    return pd.Timestamp(str(value))


def make_frame(rows: Sequence[Mapping[str, Any]]) -> pd.DataFrame:
    """A contracts frame with the loader's dtypes; contract ids default to C1, C2, ..."""
    records = []
    for i, row in enumerate(rows, start=1):
        unknown = set(row) - set(COLUMN_NAMES)
        if unknown:
            raise KeyError(f"make_frame: unknown column(s) {sorted(unknown)}")
        records.append({"contract_id": f"C{i}", **DEFAULTS, **row})
    frame = pd.DataFrame(records, columns=list(COLUMN_NAMES))
    for name in TEXT_COLUMNS:
        frame[name] = frame[name].fillna("").astype("str")
    for name in DATE_COLUMNS:
        frame[name] = pd.to_datetime(frame[name].map(_date)).astype("datetime64[us]")
    for name in (*MONEY_COLUMNS, "satisfaction"):
        frame[name] = pd.to_numeric(frame[name], errors="raise").astype("float64")
    frame["authority_code"] = pd.Categorical(
        frame["authority_code"], categories=[a.code for a in authorities()])
    frame["service_area"] = pd.Categorical(
        frame["service_area"], categories=[a.slug for a in SERVICE_AREAS])
    frame["hosting"] = pd.Categorical(frame["hosting"], categories=list(HOSTING_VALUES))
    frame["confidence"] = pd.Categorical(frame["confidence"], categories=list(CONFIDENCE_VALUES))
    frame["source"] = pd.Categorical(frame["source"].astype("str"))
    frame["value_public"] = frame["value_public"].astype(bool)
    frame["synthetic"] = frame["synthetic"].astype(bool)
    _check_codes(frame)

    frame["authority_name"] = frame["authority_code"].map(
        lambda code: by_code()[code].name).astype("str")
    frame["supplier_slug"] = frame["supplier"].map(slugify).astype("str")
    frame["system_slug"] = frame["system"].map(slugify).astype("str")
    frame["manufacturer_slug"] = frame["manufacturer"].map(slugify).astype("str")
    frame["line"] = np.arange(2, len(frame) + 2, dtype="int64")
    area_names = frame["service_area"].map(lambda slug: SERVICE_AREAS_BY_SLUG[slug].name)
    frame["search_text"] = pd.Series(
        [
            " | ".join(parts).lower()
            for parts in zip(frame["contract_id"], frame["system"], frame["supplier"],
                             frame["manufacturer"], frame["authority_name"], area_names,
                             strict=True)
        ],
        index=frame.index, dtype="str",
    )
    return frame


def _check_codes(frame: pd.DataFrame) -> None:
    # A typo in a test's code or slug would otherwise become a silent NaN category.
    for name in ("authority_code", "service_area", "hosting"):
        if frame[name].isna().any():
            raise ValueError(f"make_frame: invalid {name} value in {frame[name].tolist()}")


def empty_frame() -> pd.DataFrame:
    """A typed frame with no rows."""
    return make_frame([{}]).iloc[0:0]
