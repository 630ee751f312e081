"""The joint-procurement finder's groups as CSV (the finder's download, web/finder_download.py):
one row per group in the order shown, text cells neutralised against spreadsheet formulas like the
contracts CSV (techmap.exports.export), UTF-8 with a byte-order mark so that Excel reads it."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from datetime import date

from techmap.analysis.joint_finder import FinderRow
from techmap.exports.export import UTF8_BOM, neutralise

CSV_COLUMNS = ("kind", "system_or_service_area", "boroughs", "borough_names", "selected_borough_end_dates",
               "peer_end_dates", "earliest_end", "latest_end", "suggested_start", "suppliers", "contracts",
               "combined_annual_value_gbp", "contracts_with_value", "contract_ids")
KIND_NAMES = {"system": "same system", "service_area": "same service area"}


def finder_csv(rows: Sequence[FinderRow], names: Mapping[str, str], selected: Sequence[str] = ()) -> bytes:
    """The rows as CSV bytes (header CSV_COLUMNS), in their order. `names`: ONS code -> borough
    name; `selected`: the borough filter, whose own end dates get a column of their own."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    chosen = set(selected)

    def dates(pairs: Iterable[tuple[str, date]]) -> str:
        return "; ".join(f"{names.get(code, code)} {day.isoformat()}" for code, day in pairs)

    for row in rows:
        c = row.cluster
        writer.writerow([neutralise(v) for v in (
            KIND_NAMES[c.kind], c.label, c.boroughs, "; ".join(names.get(a, a) for a in c.authorities),
            dates(p for p in row.ends if p[0] in chosen), dates(p for p in row.ends if p[0] not in chosen),
            c.earliest_end.isoformat(), c.latest_end.isoformat(), c.suggested_start.isoformat(),
            "; ".join(c.suppliers), len(c.contract_ids),
            "" if row.combined_value is None else f"{row.combined_value:.2f}", row.valued,
            "; ".join(c.contract_ids),
        )])
    return UTF8_BOM + buffer.getvalue().encode("utf-8")
