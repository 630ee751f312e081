"""The systems-by-borough grid (/systems): for every borough and service area, the systems it runs.

The grid is worked out once per loaded dataset (one per dataset version and role, as an anonymous
visitor's dataset is its own public twin) and `today`; a filter change only asks which cells still
hold a row under the filters (`cells_in_view`, one bincount over the filter's row mask), so the
page recolours what it drew rather than redrawing it.

A cell names its most frequent system (most rows; ties by name), then "+N more" for the other
systems; every system carries its suppliers (most rows first) and its latest end date. A cell
with no row at all is unknown; a cell whose rows are all synthetic is illustrative. The colour
keys: the supplier of the cell's system (one of the SUPPLIER_SLOTS most frequent, else "other")
and how soon the system's contract ends (END_BANDS).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from techmap.analysis.coverage import COVERED_AREAS
from techmap.analysis.renewals import add_months
from techmap.dataformat.authorities import authorities
from techmap.dataformat.schema import GROUP_NAMES, SERVICE_AREAS, SERVICE_AREAS_BY_SLUG, ServiceArea

AREAS: tuple[ServiceArea, ...] = tuple(SERVICE_AREAS_BY_SLUG[slug] for slug in COVERED_AREAS)
# The column groups, in the schema's order: (group name, its areas).
GROUPS: tuple[tuple[str, tuple[ServiceArea, ...]], ...] = tuple(
    (GROUP_NAMES[g], tuple(a for a in AREAS if a.group == g))
    for g in dict.fromkeys(a.group for a in AREAS))
SUPPLIER_SLOTS = 8  # suppliers with a colour of their own; the rest share "other"
OTHER = "other"
# How soon a contract ends: (key, label), soonest first.
END_BANDS: tuple[tuple[str, str], ...] = (
    ("ended", "Ended"), ("6m", "Within 6 months"), ("12m", "In 6 to 12 months"),
    ("2y", "In 1 to 2 years"), ("later", "Later"), ("none", "No end date"))
ROW_SORTS: tuple[str, ...] = ("borough", "suppliers", *COVERED_AREAS)


@dataclass(frozen=True)
class System:
    """One system of a cell: its display name, its suppliers (most rows first), how many rows
    (contracts) name it there, whether all of them are synthetic, and its latest end date."""

    name: str
    suppliers: tuple[str, ...]
    supplier_slug: str  # of the first supplier: the cell's colour key
    rows: int
    synthetic: bool
    ends: date | None


@dataclass(frozen=True)
class Cell:
    systems: tuple[System, ...]  # most rows first; empty when unknown

    @property
    def known(self) -> bool:
        return bool(self.systems)

    @property
    def top(self) -> System | None:
        return self.systems[0] if self.systems else None

    @property
    def more(self) -> int:
        """How many systems besides the one named ("+N more")."""
        return max(len(self.systems) - 1, 0)

    @property
    def illustrative(self) -> bool:
        return bool(self.systems) and all(s.synthetic for s in self.systems)

    @property
    def suppliers(self) -> frozenset[str]:
        return frozenset(name for s in self.systems for name in s.suppliers)


@dataclass(frozen=True)
class Grid:
    """Rows: boroughs in ONS-code order (`codes`, `names`); columns: AREAS; `cells[row][column]`.
    `cell_of_row`: for every contract row, its cell's flat index (row * len(AREAS) + column), -1 for
    rows outside the grid (the unclassified area). Shared between requests: never modify one."""

    codes: tuple[str, ...]
    names: tuple[str, ...]
    cells: tuple[tuple[Cell, ...], ...]
    cell_of_row: np.ndarray
    supplier_slots: dict[str, int]  # supplier slug -> colour slot 0..SUPPLIER_SLOTS-1
    slot_names: tuple[str, ...]  # the slotted suppliers' names, by slot
    supplier_counts: tuple[int, ...]  # distinct suppliers per borough, over its cells
    bands: tuple[tuple[str, ...], ...]  # END_BANDS key per cell
    outside: int  # rows not in any column (unclassified)


def end_band(ends: date | None, today: date) -> str:
    if ends is None:
        return "none"
    if ends < today:
        return "ended"
    for key, months in (("6m", 6), ("12m", 12), ("2y", 24)):
        if ends <= add_months(today, months):
            return key
    return "later"


def build_grid(contracts: pd.DataFrame, today: date) -> Grid:
    """The grid of a contracts table (techmap.dataformat.dataset_model's columns)."""
    auths = authorities()
    codes, names = tuple(a.code for a in auths), tuple(a.name for a in auths)
    row_index = {code: i for i, code in enumerate(codes)}
    column_index = {a.slug: j for j, a in enumerate(AREAS)}
    rows = pd.Series(contracts["authority_code"].astype("object")).map(row_index)
    columns = pd.Series(contracts["service_area"].astype("object")).map(column_index)
    in_grid = rows.notna().to_numpy() & columns.notna().to_numpy()
    flat = np.full(len(contracts), -1, dtype=np.int32)
    flat[in_grid] = (rows[in_grid].astype(int) * len(AREAS) + columns[in_grid].astype(int)).to_numpy()
    flat.setflags(write=False)

    frame = pd.DataFrame({"cell": flat, "system": contracts["system"].to_numpy(),
                          "supplier": contracts["supplier"].to_numpy(),
                          "supplier_slug": contracts["supplier_slug"].to_numpy(),
                          "synthetic": contracts["synthetic"].to_numpy(dtype=bool),
                          "ends": contracts["end_date"].to_numpy()})[in_grid]
    per_supplier = (frame.groupby(["cell", "system", "supplier", "supplier_slug"], sort=False)
                    .agg(rows=("synthetic", "size"), synthetic=("synthetic", "all"), ends=("ends", "max"))
                    .reset_index())
    per_supplier = per_supplier.sort_values(["cell", "system", "rows", "supplier"],
                                            ascending=[True, True, False, True], kind="stable")
    systems_of: dict[int, list[System]] = {}
    parts: dict[tuple[int, str], list[tuple]] = {}
    for row in per_supplier.itertuples(index=False):  # a few per cell: plain Python is quickest
        parts.setdefault((int(row.cell), str(row.system)), []).append(row)
    for (cell, system), group in parts.items():
        latest = max((r.ends for r in group if not pd.isna(r.ends)), default=None)
        systems_of.setdefault(cell, []).append(System(
            name=system, suppliers=tuple(str(r.supplier) for r in group),
            supplier_slug=str(group[0].supplier_slug), rows=sum(int(r.rows) for r in group),
            synthetic=all(bool(r.synthetic) for r in group),
            ends=None if latest is None else pd.Timestamp(latest).date()))
    flat_cells = [Cell(tuple(sorted(systems_of.get(i, []), key=lambda s: (-s.rows, s.name.casefold(), s.name))))
                  for i in range(len(codes) * len(AREAS))]
    cells = tuple(tuple(flat_cells[r * len(AREAS):(r + 1) * len(AREAS)]) for r in range(len(codes)))
    slots = _supplier_slots(flat_cells)
    slot_names = tuple(next(s.suppliers[0] for c in flat_cells for s in c.systems[:1] if s.supplier_slug == slug)
                       for slug in slots)
    return Grid(
        codes=codes, names=names, cells=cells, cell_of_row=flat,
        supplier_slots={slug: i for i, slug in enumerate(slots)}, slot_names=slot_names,
        supplier_counts=tuple(len(frozenset().union(*(c.suppliers for c in row))) for row in cells),
        bands=tuple(tuple(end_band(c.top.ends if c.top else None, today) if c.known else "none" for c in row)
                    for row in cells),
        outside=int((~in_grid).sum()),
    )


def _supplier_slots(cells: list[Cell]) -> list[str]:
    """The suppliers with a colour: those of the most cells' named systems (ties by slug)."""
    counts = Counter(c.top.supplier_slug for c in cells if c.top)
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    return [slug for slug, _ in ranked[:SUPPLIER_SLOTS]]


def supplier_key(grid: Grid, cell: Cell) -> str:
    """The colour key of a cell by supplier: "s0".."s7", OTHER, or "" when unknown."""
    if not cell.top:
        return ""
    slot = grid.supplier_slots.get(cell.top.supplier_slug)
    return OTHER if slot is None else f"s{slot}"


def cells_in_view(grid: Grid, mask: np.ndarray) -> np.ndarray:
    """Boolean [borough, area]: whether the cell holds a row of the contracts `mask` keeps."""
    cells = grid.cell_of_row[mask]
    counts = np.bincount(cells[cells >= 0], minlength=len(grid.codes) * len(AREAS))
    return (counts > 0).reshape(len(grid.codes), len(AREAS))


def row_order(grid: Grid, sort: str) -> list[int]:
    """Row positions in display order: by borough name, by number of suppliers (most first), or
    by the system named in one column (an area slug), so that boroughs on the same system sit
    together: the most common system first, unknown cells last; boroughs by name within."""
    by_name = sorted(range(len(grid.codes)), key=lambda r: grid.names[r])
    if sort == "suppliers":
        return sorted(by_name, key=lambda r: -grid.supplier_counts[r])
    if sort not in COVERED_AREAS:
        return by_name
    column = COVERED_AREAS.index(sort)
    named = [grid.cells[r][column].top for r in range(len(grid.codes))]
    counts = Counter(s.name for s in named if s)

    def key(r: int) -> tuple[int, int, str]:
        system = named[r]
        if system is None:
            return (1, 0, "")
        return (0, -counts[system.name], system.name.casefold())
    return sorted(by_name, key=key)
