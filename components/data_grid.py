"""The data page's grid: its columns (each header carries the data dictionary's help text, each
column a filter of its kind) and the server side of AG Grid's infinite row model.

Only one block of BLOCK_ROWS rows travels per request, so a 140k-row view stays smooth. The rows of
a view are the shared filter bar's rows, optionally narrowed to one quality flag, then by the
grid's own column filters and search box (techmap.table_query), in dataset order unless the grid
asks for a sort. Filtering and sorting happen on the server (AG Grid's infinite row model filters
nothing itself): each getRowsRequest carries the grid's filterModel and sortModel, which are
allow-listed here. The ordered view is cached (techmap.service.views.table_positions): the first block of a
new view filters and sorts once, later pages only slice.

The row functions (grid_query, grid_block, records) are plain functions of the dataset; only
data_grid() builds a component.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import dash_ag_grid as dag
import numpy as np

from components.safe_text import safe_url
from techmap.authorities import by_code
from techmap.dataset import Dataset
from techmap.evidence import evidence_link
from techmap.filters import FilterState
from techmap.quality import FLAGS
from techmap.schema import COLUMNS_BY_NAME, SERVICE_AREAS_BY_SLUG
from techmap.table_query import (
    FIELDS_BY_NAME,
    HOSTING_LABELS,
    OPTIONS,
    SHORT_FLAG_LABELS,
    TableQuery,
    parse_filter_model,
    parse_search,
    parse_sort_model,
    to_filter_model,
    to_sort_model,
)
from techmap.service.views import row_flags, table_positions, view_positions
from techmap.table_columns import flags_text, labels_of_categories, money_text

__all__ = ["BLOCK_ROWS", "GRID_COLUMNS", "HOSTING_LABELS", "SHORT_FLAG_LABELS", "column_defs", "data_grid",
           "grid_block", "grid_query", "money_text", "parse_filter_model", "parse_sort_model", "records",
           "row_flags", "view_positions"]

GRID_TYPE = "data-grid"
BLOCK_ROWS = 100  # rows per request and per page of the grid
MAX_BLOCK_ROWS = 500  # a request for more is cut to this (the grid never asks for more than a block)


def _help(name: str, extra: str = "") -> str:
    return f"{COLUMNS_BY_NAME[name].help} {extra}".strip()


@dataclass(frozen=True)
class GridColumn:
    field: str  # key of the row dicts sent to the grid, and of techmap.table_query.TABLE_FIELDS
    help: str  # the header's tooltip and the column guide
    width: int
    renderer: str | None = None  # a function of assets/dashAgGridComponentFunctions.js
    renderer_params: Mapping[str, str] = field(default_factory=dict)

    @property
    def header(self) -> str:
        return FIELDS_BY_NAME[self.field].label

    @property
    def kind(self) -> str:  # how it filters: text, number or date
        return FIELDS_BY_NAME[self.field].kind

    @property
    def private(self) -> bool:  # never shown on a public instance
        return FIELDS_BY_NAME[self.field].private


GRID_COLUMNS: tuple[GridColumn, ...] = (
    GridColumn("contract_id", _help("contract_id"), 230),
    GridColumn("authority_name", "The borough council that holds the contract. "
               "Follow the name for the borough's profile.", 170, "ProfileLink",
               {"base": "/borough/", "slugField": "authority_slug"}),
    GridColumn("service_area_name", "The service area the system mainly serves "
               "(the service-area list is on the About page).", 190),
    GridColumn("system", _help("system"), 190),
    GridColumn("supplier", _help("supplier", "Follow the name for the supplier's profile."),
               190, "ProfileLink", {"base": "/suppliers/", "slugField": "supplier_slug"}),
    GridColumn("manufacturer", _help("manufacturer"), 160),
    GridColumn("start_date", _help("start_date"), 170),
    GridColumn("end_date", _help("end_date"), 170),
    GridColumn("max_end_date", _help("max_end_date"), 180),
    GridColumn("review_date", _help("review_date"), 170),
    GridColumn("annual_value_gbp", _help("annual_value_gbp"), 140),
    GridColumn("total_value_gbp", _help("total_value_gbp"), 140),
    GridColumn("hosting", "How the system is hosted: SaaS, Hosted, On premises or Unknown.", 120),
    GridColumn("procurement_route", _help("procurement_route"), 170),
    GridColumn("shared_ref", _help("shared_ref"), 140),
    GridColumn("satisfaction", _help("satisfaction"), 130),
    GridColumn("value_public", _help("value_public", "The table shows Yes or No."), 110),
    GridColumn("source_title", "Where the row comes from (the dataset manifest's source). "
               "Follow the title for the source itself, where it is published.", 260, "SourceLink"),
    GridColumn("source_as_of", "The date of the row's source: how current it is.", 170),
    GridColumn("synthetic", _help("synthetic", "The table shows Real or Illustrative: illustrative "
               "rows are made up to show how the app works."), 140),
    GridColumn("evidence", _help("evidence", "Follow it to check the row."), 260, "SourceLink",
               {"urlField": "evidence_url"}),
    GridColumn("observed_date", _help("observed_date"), 150),
    GridColumn("confidence", _help("confidence"), 140),
    GridColumn("flags", "What looks incomplete or suspicious about the row: no end date, an end "
               "before the start, a placeholder date, a £0 value, or a source more than two years "
               "old (sorting puts the rows with the most flags first or last).", 200),
)


def grid_columns(*, public: bool) -> tuple[GridColumn, ...]:
    return tuple(c for c in GRID_COLUMNS if not (public and c.private))


_FILTERS = {"text": "agTextColumnFilter", "number": "agNumberColumnFilter", "date": "agDateColumnFilter"}


def _filter_params(kind: str) -> dict[str, Any]:
    """One condition per column (the URL form of a download carries one), only the options the
    server applies (techmap.table_query.OPTIONS), ranges inclusive at both ends, and a Reset
    button in the filter's pop-up."""
    params: dict[str, Any] = {"filterOptions": list(OPTIONS[kind]), "maxNumConditions": 1,  # type: ignore[index]
                              "buttons": ["reset"], "debounceMs": 400}
    if kind in ("number", "date"):
        params["inRangeInclusive"] = True
    if kind == "date":
        params.update(browserDatePicker=True, minValidYear=1800, maxValidYear=2200)
    return params


def column_defs(*, public: bool) -> list[dict[str, Any]]:
    """AG Grid columnDefs: sortable and filtered (both on the server), a filter of each column's
    kind with its input under the header (floatingFilter)."""
    defs: list[dict[str, Any]] = []
    for col in grid_columns(public=public):
        spec: dict[str, Any] = {"field": col.field, "headerName": col.header,
                                "headerTooltip": col.help, "width": col.width,
                                "filter": _FILTERS[col.kind], "filterParams": _filter_params(col.kind)}
        if col.renderer:
            spec["cellRenderer"] = col.renderer
            if col.renderer_params:
                spec["cellRendererParams"] = dict(col.renderer_params)
        if col.kind == "number":
            spec["type"] = "rightAligned"
        defs.append(spec)
    return defs


# quartz row height; header, its row of filters, pager (two lines on a phone), scrollbar
ROW_PX, FRAME_PX, MAX_VISIBLE_ROWS = 42, 173, 12


def grid_height(rows: int) -> str:
    """The grid's height for a view of `rows` rows: no empty screen under a short list, at most
    MAX_VISIBLE_ROWS rows before the grid scrolls, room for the "no rows" message."""
    return f"{FRAME_PX + ROW_PX * min(max(rows, 2), MAX_VISIBLE_ROWS)}px"


def grid_id(instance: str) -> dict[str, str]:
    """Each rendered grid gets its own id (GRID_TYPE + a fresh instance key): when Back/Forward
    or a link re-renders the page, an answer meant for the grid being replaced can never reach
    the new one, which shares nothing with it but its place on the page."""
    return {"type": GRID_TYPE, "instance": instance}


def data_grid(*, public: bool, instance: str, table: TableQuery = TableQuery()) -> Any:
    """The grid component: the infinite row model asks the server for one page of rows at a time.
    `table` (from a link to a view of the table) sets its column filters and sort from the start:
    initialState, so that its first request for rows already carries them, and the filterModel
    prop, so that the page's callbacks see them before the user changes anything."""
    initial: dict[str, Any] = {}
    more: dict[str, Any] = {}
    if table.columns:
        more["filterModel"] = to_filter_model(table)
        initial["filter"] = {"filterModel": more["filterModel"]}
    if table.sort:
        initial["sort"] = {"sortModel": to_sort_model(table)}
    return dag.AgGrid(
        id=grid_id(instance),
        rowModelType="infinite",
        columnDefs=column_defs(public=public),
        defaultColDef={"sortable": True, "resizable": True, "floatingFilter": True,
                       "suppressHeaderMenuButton": True, "suppressHeaderFilterButton": True,
                       "suppressFloatingFilterButton": False},
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
            # One Tab stop for the body, as in the ARIA grid pattern: arrows move between cells,
            # Enter follows a cell's link (dashAgGridComponentFunctions.js), Tab leaves the table.
            # AG Grid's default walks Tab through every cell of the page (~2,100 stops).
            "tabToNextCell": {"function": "false"},
            **({"initialState": initial} if initial else {}),
        },
        className="data-grid",
        style={"height": "100%", "width": "100%"},
        **more,
    )


# ---- which rows, in which order (techmap.service.views.table_positions) -------------------------------


def grid_query(request: Mapping[str, Any], search: object, *, public: bool) -> TableQuery:
    """The table part of a getRowsRequest (its filterModel and sortModel) and the search box."""
    return TableQuery(parse_filter_model(request.get("filterModel"), public=public), parse_search(search),
                      parse_sort_model(request.get("sortModel"), public=public))


# ---- one block of rows as cell values ---------------------------------------------------------


def _source_meta(data: Dataset) -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {}
    for key, meta in data.sources.items():
        meta = meta if isinstance(meta, Mapping) else {}
        out[str(key)] = {"title": str(meta.get("title") or key), "url": safe_url(meta.get("url")) or "",
                         "as_of": str(meta.get("as_of") or "")}
    return out


def _dates(series: Any) -> list[str]:
    days = series.to_numpy().astype("datetime64[D]")
    return np.where(np.isnat(days), "", days.astype(str)).tolist()


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
    bits = (flags.astype(np.int32) << np.arange(len(FLAGS), dtype=np.int32)).sum(axis=1)
    columns: dict[str, list[Any]] = {
        "contract_id": frame["contract_id"].tolist(),
        "authority_name": frame["authority_name"].tolist(),
        "authority_slug": [authorities[c].slug if c in authorities else "" for c in codes],
        "service_area_name": labels_of_categories(
            frame["service_area"], {a.slug: a.name for a in SERVICE_AREAS_BY_SLUG.values()}).tolist(),
        "system": frame["system"].tolist(),
        "supplier": frame["supplier"].tolist(),
        "supplier_slug": frame["supplier_slug"].tolist(),
        "manufacturer": frame["manufacturer"].tolist(),
        **{name: _dates(frame[name]) for name in ("start_date", "end_date", "max_end_date", "review_date")},
        **{name: [money_text(v) for v in frame[name].to_numpy(dtype="float64", na_value=np.nan).tolist()]
           for name in ("annual_value_gbp", "total_value_gbp")},
        "hosting": labels_of_categories(frame["hosting"], HOSTING_LABELS).tolist(),
        "procurement_route": frame["procurement_route"].tolist(),
        "shared_ref": frame["shared_ref"].tolist(),
        "value_public": ["Yes" if v else "No" for v in frame["value_public"].to_numpy(dtype=bool).tolist()],
        "source_title": [meta.get(s, {}).get("title", s) for s in sources],
        "source_url": [meta.get(s, {}).get("url", "") for s in sources],
        "source_as_of": [meta.get(s, {}).get("as_of", "") for s in sources],
        "synthetic": ["Illustrative" if v else "Real" for v in frame["synthetic"].to_numpy(dtype=bool).tolist()],
        "evidence": frame["evidence"].astype("str").tolist(),
        "evidence_url": [evidence_link(v) or "" for v in frame["evidence"].tolist()],
        "observed_date": _dates(frame["observed_date"]),
        "confidence": frame["confidence"].astype("object").fillna("").astype("str").tolist(),
        "flags": [flags_text(int(b)) for b in bits.tolist()],
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
               public: bool, search: object = "") -> dict[str, Any]:
    """The answer to one getRowsRequest ({startRow, endRow, sortModel, filterModel}), with the
    search box's text: {"rowData": [...], "rowCount": rows in the whole view}. Malformed
    requests get the first block; malformed filters and sorts are dropped."""
    request = request if isinstance(request, Mapping) else {}
    start = max(0, _int(request.get("startRow"), 0))
    end = _int(request.get("endRow"), start + BLOCK_ROWS)
    end = min(max(end, start), start + MAX_BLOCK_ROWS)
    query = grid_query(request, search, public=public)
    order = table_positions(data, filters, flag if flag in FLAGS else "all", query, today, public)
    return {"rowData": records(data, order[start:end], today=today, public=public),
            "rowCount": int(order.size)}


def column_guide(*, public: bool) -> list[tuple[str, str]]:
    """(header, help) of every column, for the guide under the grid (tooltips need a pointer)."""
    return [(c.header, c.help) for c in grid_columns(public=public)]
