"""The data page's grid: its columns (each header carries the data dictionary's help text) and the
server side of AG Grid's infinite row model.

Only one block of BLOCK_ROWS rows travels per request, so a 140k-row view stays smooth. The rows of
a view are apply_filter's rows (the shared filter bar is the grid's only filter, so a download of
the same filters holds the same rows), optionally narrowed to one quality flag, in dataset order
unless the grid asks for a sort. Sorting is done here, on ranks computed once per column, and the
ordered view is cached: the first block of a new view sorts once, later pages only slice.

The row functions (view_positions, ordered_positions, grid_block, records) are plain functions of
the dataset; only data_grid() builds a component.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Any

import dash_ag_grid as dag
import numpy as np
import pandas as pd

from components.safe_text import safe_url
from techmap.authorities import by_code
from techmap.dataset import Dataset
from techmap.filters import FilterState
from techmap.quality import FLAGS
from techmap.schema import COLUMNS_BY_NAME, SERVICE_AREAS_BY_SLUG
from techmap.views import row_flags, view_positions

GRID_TYPE = "data-grid"
BLOCK_ROWS = 100  # rows per request and per page of the grid
MAX_BLOCK_ROWS = 500  # a request for more is cut to this (the grid never asks for more than a block)
MAX_SORT_COLUMNS = 3

HOSTING_LABELS = {"saas": "SaaS", "hosted": "Hosted", "on_premises": "On premises", "unknown": "Unknown"}
SHORT_FLAG_LABELS: dict[str, str] = {
    "missing_end_date": "no end date",
    "end_before_start": "ends before it starts",
    "placeholder_date": "placeholder date",
    "zero_value": "£0 value",
    "stale_source": "old source",
}


def _help(name: str, extra: str = "") -> str:
    return f"{COLUMNS_BY_NAME[name].help} {extra}".strip()


@dataclass(frozen=True)
class GridColumn:
    field: str  # key of the row dicts sent to the grid
    header: str
    help: str  # the header's tooltip and the column guide
    width: int
    kind: str  # how the server sorts it: text, date, money, number, bool
    renderer: str | None = None  # a function of assets/dashAgGridComponentFunctions.js
    renderer_params: Mapping[str, str] = field(default_factory=dict)
    numeric: bool = False
    private: bool = False  # never shown on a public instance


GRID_COLUMNS: tuple[GridColumn, ...] = (
    GridColumn("contract_id", "Contract ID", _help("contract_id"), 230, "text"),
    GridColumn("authority_name", "Borough", "The borough council that holds the contract. "
               "Follow the name for the borough's profile.", 170, "text", "ProfileLink",
               {"base": "/borough/", "slugField": "authority_slug"}),
    GridColumn("service_area_name", "Service area", "The service area the system mainly serves "
               "(the service-area list is on the About page).", 190, "text"),
    GridColumn("system", "System", _help("system"), 190, "text"),
    GridColumn("supplier", "Supplier", _help("supplier", "Follow the name for the supplier's profile."),
               190, "text", "ProfileLink", {"base": "/suppliers/", "slugField": "supplier_slug"}),
    GridColumn("manufacturer", "Manufacturer", _help("manufacturer"), 160, "text"),
    GridColumn("start_date", "Start date", _help("start_date"), 120, "date"),
    GridColumn("end_date", "End date", _help("end_date"), 120, "date"),
    GridColumn("max_end_date", "Latest end (with extensions)", _help("max_end_date"), 150, "date"),
    GridColumn("review_date", "Review / notice date", _help("review_date"), 140, "date"),
    GridColumn("annual_value_gbp", "Annual value (£)", _help("annual_value_gbp"), 140, "money",
               numeric=True),
    GridColumn("total_value_gbp", "Total value (£)", _help("total_value_gbp"), 140, "money",
               numeric=True),
    GridColumn("hosting", "Hosting", _help("hosting"), 120, "text"),
    GridColumn("procurement_route", "Procurement route", _help("procurement_route"), 170, "text"),
    GridColumn("shared_ref", "Shared contract", _help("shared_ref"), 140, "text"),
    GridColumn("satisfaction", COLUMNS_BY_NAME["satisfaction"].label, _help("satisfaction"), 130,
               "number", numeric=True, private=True),
    GridColumn("value_public", "Values public", _help("value_public"), 110, "text"),
    GridColumn("source_title", "Source", "Where the row comes from (the dataset manifest's source). "
               "Follow the title for the source itself, where it is published.", 260, "text",
               "SourceLink"),
    GridColumn("source_as_of", "Source as of", "The date of the row's source: how current it is.",
               120, "date"),
    GridColumn("synthetic", "Real or illustrative", _help("synthetic", "Illustrative rows are made "
               "up to show how the app works."), 140, "text"),
    GridColumn("flags", "Quality flags", "What looks incomplete or suspicious about the row: no end "
               "date, an end before the start, a placeholder date, a £0 value, or a source more than "
               "two years old.", 200, "flags"),
)


def grid_columns(*, public: bool) -> tuple[GridColumn, ...]:
    return tuple(c for c in GRID_COLUMNS if not (public and c.private))


def column_defs(*, public: bool) -> list[dict[str, Any]]:
    """AG Grid columnDefs: sortable (on the server), no column filters (the filter bar filters)."""
    defs: list[dict[str, Any]] = []
    for col in grid_columns(public=public):
        spec: dict[str, Any] = {"field": col.field, "headerName": col.header,
                                "headerTooltip": col.help, "width": col.width}
        if col.renderer:
            spec["cellRenderer"] = col.renderer
            if col.renderer_params:
                spec["cellRendererParams"] = dict(col.renderer_params)
        if col.numeric:
            spec["type"] = "rightAligned"
        defs.append(spec)
    return defs


ROW_PX, FRAME_PX, MAX_VISIBLE_ROWS = 42, 125, 12  # quartz row height; header, pager (two lines on a phone), scrollbar


def grid_height(rows: int) -> str:
    """The grid's height for a view of `rows` rows: no empty screen under a short list, at most
    MAX_VISIBLE_ROWS rows before the grid scrolls, room for the "no rows" message."""
    return f"{FRAME_PX + ROW_PX * min(max(rows, 2), MAX_VISIBLE_ROWS)}px"


def grid_id(instance: str) -> dict[str, str]:
    """Each rendered grid gets its own id (GRID_TYPE + a fresh instance key): when Back/Forward
    or a link re-renders the page, an answer meant for the grid being replaced can never reach
    the new one, which shares nothing with it but its place on the page."""
    return {"type": GRID_TYPE, "instance": instance}


def data_grid(*, public: bool, instance: str) -> Any:
    """The grid component: the infinite row model asks the server for one page of rows at a time."""
    return dag.AgGrid(
        id=grid_id(instance),
        rowModelType="infinite",
        columnDefs=column_defs(public=public),
        defaultColDef={"sortable": True, "filter": False, "resizable": True,
                       "suppressHeaderMenuButton": True},
        dashGridOptions={
            "pagination": True,
            "paginationPageSize": BLOCK_ROWS,
            "paginationPageSizeSelector": False,
            "cacheBlockSize": BLOCK_ROWS,
            "maxBlocksInCache": 20,
            "tooltipShowDelay": 300,
            "enableCellTextSelection": True,
            # Screen readers read the DOM: keep rows and columns in visual order, all columns drawn.
            "ensureDomOrder": True,
            "suppressColumnVirtualisation": True,
        },
        className="data-grid",
        style={"height": "100%", "width": "100%"},
    )


# ---- which rows, in which order (techmap.views.view_positions) ------------------------------------


def _source_meta(data: Dataset) -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {}
    for key, meta in data.sources.items():
        meta = meta if isinstance(meta, Mapping) else {}
        out[str(key)] = {"title": str(meta.get("title") or key), "url": safe_url(meta.get("url")) or "",
                         "as_of": str(meta.get("as_of") or "")}
    return out


def _labels_of_categories(series: pd.Series, labels: Mapping[str, str]) -> np.ndarray:
    """Per-row display text of a categorical column ("" where missing), mapping each category once."""
    categories = [labels.get(str(c), str(c)) for c in series.cat.categories]
    return np.array([*categories, ""], dtype=object)[series.cat.codes.to_numpy()]


def _sort_values(data: Dataset, name: str, today: date) -> np.ndarray:
    """Values that order the whole table by grid column `name`: float (NaN = blank) or text
    ("" = blank)."""
    df = data.contracts
    col = next(c for c in GRID_COLUMNS if c.field == name)
    if col.kind == "date" and name in df.columns:
        days = df[name].to_numpy().astype("datetime64[D]")
        return np.where(np.isnat(days), np.nan, days.astype("int64").astype("float64"))
    if col.kind in ("money", "number"):
        return df[name].to_numpy(dtype="float64", na_value=np.nan)
    if col.kind == "flags":
        return row_flags(data, today).sum(axis=1).astype("float64")
    if name == "service_area_name":
        return _labels_of_categories(df["service_area"], {a.slug: a.name for a in SERVICE_AREAS_BY_SLUG.values()})
    if name == "hosting":
        return _labels_of_categories(df["hosting"], HOSTING_LABELS)
    if name in ("source_title", "source_as_of"):
        meta = _source_meta(data)
        key = "title" if name == "source_title" else "as_of"
        return _labels_of_categories(df["source"], {k: v[key] for k, v in meta.items()})
    if name == "value_public":
        return np.where(df["value_public"].to_numpy(dtype=bool), "Yes", "No").astype(object)
    if name == "synthetic":
        return np.where(df["synthetic"].to_numpy(dtype=bool), "Illustrative", "Real").astype(object)
    return df[name].astype("str").to_numpy(dtype=object)


@lru_cache(maxsize=64)
def _ranks(data: Dataset, name: str, today: date) -> np.ndarray:
    """Dense rank (0 = first ascending) of every row by column `name`; -1 for blanks. Text is
    compared without regard to case. Computed once per column."""
    values = _sort_values(data, name, today)
    ranks = np.full(len(values), -1, dtype=np.int32)
    if values.dtype.kind == "f":
        known = ~np.isnan(values)
        if known.any():
            _, inverse = np.unique(values[known], return_inverse=True)
            ranks[known] = inverse
        return ranks
    codes, uniques = pd.factorize(values)
    order = sorted(range(len(uniques)), key=lambda i: (str(uniques[i]).casefold(), str(uniques[i])))
    position = np.empty(len(uniques) + 1, dtype=np.int32)
    position[order] = np.arange(len(uniques))
    position[-1] = -1  # factorize's code for missing values
    ranks = position[codes]
    ranks[values == ""] = -1
    return ranks


def parse_sort_model(sort_model: object, *, public: bool) -> tuple[tuple[str, str], ...]:
    """AG Grid's sortModel ([{"colId": ..., "sort": "asc"|"desc"}]) allow-listed to the grid's
    columns; anything else is dropped."""
    if not isinstance(sort_model, list):
        return ()
    allowed = {c.field for c in grid_columns(public=public)}
    out: list[tuple[str, str]] = []
    for item in sort_model[:MAX_SORT_COLUMNS]:
        if not isinstance(item, Mapping):
            continue
        col, direction = item.get("colId"), item.get("sort")
        if col in allowed and direction in ("asc", "desc") and col not in (c for c, _ in out):
            out.append((str(col), str(direction)))
    return tuple(out)


@lru_cache(maxsize=16)
def ordered_positions(data: Dataset, filters: FilterState, flag: str,
                      sort: tuple[tuple[str, str], ...], today: date) -> np.ndarray:
    """The view's positions in display order: sorted by `sort` (first key first), blanks last in
    either direction, ties in dataset order. Cached: paging through a view only slices this."""
    positions = view_positions(data, filters, flag, today=today).astype(np.int32)  # half the cache
    if not sort or positions.size < 2:
        return positions
    keys = []
    for name, direction in sort:
        ranks = _ranks(data, name, today)
        r = ranks[positions]
        top = int(ranks.max()) + 1
        keys.append(np.where(r < 0, top + 1, r if direction == "asc" else top - 1 - r))
    # lexsort sorts by its last key first, and is stable (ties keep dataset order).
    return positions[np.lexsort(keys[::-1])]


# ---- one block of rows as cell values ---------------------------------------------------------


def _dates(series: pd.Series) -> list[str]:
    days = series.to_numpy().astype("datetime64[D]")
    return np.where(np.isnat(days), "", days.astype(str)).tolist()


def money_text(value: float) -> str:
    if value != value:  # NaN: not known (or withheld on a public instance)
        return ""
    return f"£{value:,.0f}" if float(value).is_integer() else f"£{value:,.2f}"


def records(data: Dataset, positions: np.ndarray, *, today: date, public: bool) -> list[dict[str, Any]]:
    """The grid's row dicts for the rows at `positions`: display text (ISO dates, £ amounts),
    plus the slugs the link renderers need. Dataset text goes out as plain strings; the browser
    renders it as text, never HTML."""
    frame = data.contracts.take(positions)
    codes = frame["authority_code"].astype("str").tolist()
    authorities = by_code()
    meta = _source_meta(data)
    sources = frame["source"].astype("str").tolist()
    flags = row_flags(data, today)[positions]
    columns: dict[str, list[Any]] = {
        "contract_id": frame["contract_id"].tolist(),
        "authority_name": frame["authority_name"].tolist(),
        "authority_slug": [authorities[c].slug if c in authorities else "" for c in codes],
        "service_area_name": _labels_of_categories(
            frame["service_area"], {a.slug: a.name for a in SERVICE_AREAS_BY_SLUG.values()}).tolist(),
        "system": frame["system"].tolist(),
        "supplier": frame["supplier"].tolist(),
        "supplier_slug": frame["supplier_slug"].tolist(),
        "manufacturer": frame["manufacturer"].tolist(),
        **{name: _dates(frame[name]) for name in ("start_date", "end_date", "max_end_date", "review_date")},
        **{name: [money_text(v) for v in frame[name].to_numpy(dtype="float64", na_value=np.nan).tolist()]
           for name in ("annual_value_gbp", "total_value_gbp")},
        "hosting": _labels_of_categories(frame["hosting"], HOSTING_LABELS).tolist(),
        "procurement_route": frame["procurement_route"].tolist(),
        "shared_ref": frame["shared_ref"].tolist(),
        "value_public": ["Yes" if v else "No" for v in frame["value_public"].to_numpy(dtype=bool).tolist()],
        "source_title": [meta.get(s, {}).get("title", s) for s in sources],
        "source_url": [meta.get(s, {}).get("url", "") for s in sources],
        "source_as_of": [meta.get(s, {}).get("as_of", "") for s in sources],
        "synthetic": ["Illustrative" if v else "Real" for v in frame["synthetic"].to_numpy(dtype=bool).tolist()],
        "flags": ["; ".join(SHORT_FLAG_LABELS[f] for f, on in zip(FLAGS, row, strict=True) if on)
                  for row in flags.tolist()],
    }
    if not public:
        columns["satisfaction"] = ["" if v != v else int(v)
                                   for v in frame["satisfaction"].to_numpy(dtype="float64", na_value=np.nan).tolist()]
    names = list(columns)
    return [dict(zip(names, row, strict=True)) for row in zip(*columns.values(), strict=True)]


def _int(value: object, default: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value != value:
        return default
    return int(value)


def grid_block(data: Dataset, filters: FilterState, flag: str, request: object, *, today: date,
               public: bool) -> dict[str, Any]:
    """The answer to one getRowsRequest ({startRow, endRow, sortModel}): {"rowData": [...],
    "rowCount": rows in the whole view}. Malformed requests get the first block."""
    request = request if isinstance(request, Mapping) else {}
    start = max(0, _int(request.get("startRow"), 0))
    end = _int(request.get("endRow"), start + BLOCK_ROWS)
    end = min(max(end, start), start + MAX_BLOCK_ROWS)
    sort = parse_sort_model(request.get("sortModel"), public=public)
    order = ordered_positions(data, filters, flag if flag in FLAGS else "all", sort, today)
    return {"rowData": records(data, order[start:end], today=today, public=public),
            "rowCount": int(order.size)}


def column_guide(*, public: bool) -> list[tuple[str, str]]:
    """(header, help) of every column, for the guide under the grid (tooltips need a pointer)."""
    return [(c.header, c.help) for c in grid_columns(public=public)]
