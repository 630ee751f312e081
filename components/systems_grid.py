"""The /systems grid as an HTML table, its legend, and what a filter change sends its rows.

Layout: a <table> (caption, two header rows: column groups, then service areas; a row header per
borough) in a scrolling region. Each cell is a button naming the system and "+N more"; its title
lists every system with its suppliers and end date (the browser shows it on hover, the stylesheet
on keyboard focus; screen readers read it as the button's description). The cell's classes carry
both colourings (supplier slot "s0".."s7" or "other", end band "b-<key>"), so the colour choice
is one class on the table.

What a filter change sends: per row (by its id, so React keeps its cells), the cells outside the
filters (`data-out`, column numbers) and whether the borough is selected (`className`); and the
selected columns (`data-cols` on the
table); assets/30_systems.css turns those into the dimmed and highlighted cells, and the text
"(outside the filters)" / "(selected)" that screen readers read. Cell buttons have no Dash ids:
assets/systems_grid.js passes a click to the store ids.SYSTEMS_GRID, which the reducer reads.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

import numpy as np
from dash import html

from components.fast_html import el
from techmap.analysis.systems_grid import AREAS, END_BANDS, GROUPS, OTHER, Cell, Grid, System, supplier_key
from techmap.dataformat.schema import SERVICE_AREAS_BY_SLUG

TABLE_ID = "systems-table"
ROW_TYPE = "systems-row"
TBODY_ID = "systems-tbody"
CAPTION_ID = "systems-caption"
# Paul Tol's "light" scheme: colour-blind safe, and dark text reads on every colour.
PALETTE = ("#77AADD", "#EE8866", "#EEDD88", "#FFAABB", "#99DDFF", "#44BB99", "#BBCC33", "#AAAA00")
OTHER_COLOUR = "#DDDDDD"
BAND_COLOURS = {"ended": "#CC6677", "6m": "#EE8866", "12m": "#EEDD88", "2y": "#BBCC33", "later": "#99DDFF",
                "none": "#DDDDDD"}  # kept in step with assets/30_systems.css


def _ends(system: System) -> str:
    return f"ends {system.ends:%-d %b %Y}" if system.ends else "no end date"


def tip_text(cell: Cell) -> str:
    """Every system of a cell with its suppliers and end date: the button's title (shown on hover,
    and by CSS on keyboard focus; screen readers read it as the button's description)."""
    if not cell.known:
        return "No system known for this borough and service area."
    mixed = not cell.illustrative  # say which systems are illustrative only when some are real
    parts = [f"{s.name}: {', '.join(s.suppliers)}, {_ends(s)}{' (illustrative)' if s.synthetic and mixed else ''}."
             for s in cell.systems]
    return " ".join(parts) + (" Illustrative (demo data, not a real contract)." if cell.illustrative else "")


def cell_class(grid: Grid, row: int, column: int) -> str:
    cell = grid.cells[row][column]
    if not cell.known:
        return "unknown"
    return " ".join((supplier_key(grid, cell), f"b-{grid.bands[row][column]}",
                     *(("ill",) if cell.illustrative else ())))


def cell_text(cell: Cell) -> str:
    if not cell.top:
        return "Unknown"
    return cell.top.name + (f" +{cell.more} more" if cell.more else "")


def _cell(grid: Grid, row: int, column: int) -> html.Td:
    cell = grid.cells[row][column]
    return el(html.Td, el(html.Button, cell_text(cell), title=tip_text(cell)),
              className=cell_class(grid, row, column))


def row_id(code: str) -> dict[str, str]:
    """A borough's row: a filter change sets its props (data-out, className) and nothing else, so
    React keeps its cells (and the focus in them)."""
    return {"type": ROW_TYPE, "code": code}


def _row(grid: Grid, row: int, out: str, selected: bool) -> html.Tr:
    count = grid.supplier_counts[row]
    head = el(html.Th, [grid.names[row], el(html.Span, f"{count} supplier{'s' if count != 1 else ''}",
                                            className="count")], scope="row")
    return el(html.Tr, [head, *(_cell(grid, row, j) for j in range(len(AREAS)))], id=row_id(grid.codes[row]),
              className="sel" if selected else "", **{"data-a": grid.codes[row], "data-out": out})


def out_columns(in_view: np.ndarray, row: int) -> str:
    """The row's cells outside the filters, as the column numbers `data-out` lists."""
    return " ".join(str(j) for j in np.flatnonzero(~in_view[row]))


def selected_columns(areas: Sequence[str]) -> str:
    slugs = [a.slug for a in AREAS]
    return " ".join(str(slugs.index(a)) for a in areas if a in slugs)


def table_rows(grid: Grid, order: Sequence[int], in_view: np.ndarray, boroughs: Sequence[str]) -> list[html.Tr]:
    return [_row(grid, r, out_columns(in_view, r), grid.codes[r] in boroughs) for r in order]


def row_props(grid: Grid, codes: Sequence[str], in_view: np.ndarray,
              boroughs: Sequence[str]) -> tuple[list[str], list[str]]:
    """What a filter change sends the rows `codes` (in that order): their cells outside the filters
    (data-out) and whether the borough is selected (className)."""
    index = {code: r for r, code in enumerate(grid.codes)}
    rows = [index.get(code) for code in codes]
    return ([out_columns(in_view, r) if r is not None else "" for r in rows],
            ["sel" if code in boroughs else "" for code in codes])


def _header() -> html.Thead:
    groups = [html.Th("Borough", scope="col", rowSpan=2, className="corner")] + [
        html.Th(name, scope="colgroup", colSpan=len(areas), className="group") for name, areas in GROUPS]
    columns = [html.Th(html.Button(a.name, type="button", className="col-btn", **{"data-area": a.slug}),
                       scope="col") for a in AREAS]
    return html.Thead([html.Tr(groups, className="groups"), html.Tr(columns, className="areas")])


def caption(sort: str) -> str:
    """The table's caption: what it is and how its rows are sorted."""
    if sort == "suppliers":
        order = "boroughs with the most suppliers first"
    elif sort in SERVICE_AREAS_BY_SLUG:
        order = f"boroughs on the same {SERVICE_AREAS_BY_SLUG[sort].name} system together"
    else:
        order = "boroughs by name"
    return f"Systems by borough and service area ({order})"


def summary(grid: Grid, in_view: np.ndarray) -> str:
    """How much of the grid is known, and how much of it the filters keep."""
    known = sum(c.known for row in grid.cells for c in row)
    total = len(grid.codes) * len(AREAS)
    n = grid.outside
    outside = (f" {n:,} contract{'s' if n != 1 else ''} in no column (unclassified) "
               f"{'are' if n != 1 else 'is'} not shown.") if n else ""
    shown = int(in_view.sum())
    faded = f"; the other {known - shown} are faded." if known > shown else "."
    return (f"{known} of {total} cells known ({total - known} unknown); {shown} hold a contract under "
            f"the filters{faded}{outside}")


def systems_table(grid: Grid, order: Sequence[int], in_view: np.ndarray, sort: str, colour: str,
                  boroughs: Sequence[str], areas: Sequence[str]) -> html.Div:
    table = html.Table(
        [html.Caption(caption(sort), id=CAPTION_ID),
         html.Colgroup(html.Col(), span=1), *[html.Colgroup(span=len(a)) for _, a in GROUPS],
         _header(), html.Tbody(table_rows(grid, order, in_view, boroughs), id=TBODY_ID)],
        id=TABLE_ID, className=f"systems-grid colour-{colour}",
        **{"data-cols": selected_columns(areas), "data-areas": " ".join(a.slug for a in AREAS)})
    return html.Div(table, className="systems-scroll table-responsive", role="region", tabIndex="0",
                    **{"aria-label": "Systems by borough and service area (scrolls)"})


def _swatch(colour: str, label: str, extra: str = "") -> html.Li:
    return html.Li([html.Span(className=f"swatch {extra}".strip(), style={"background": colour},
                              **{"aria-hidden": "true"}), label])


def legend(grid: Grid, colour: str, today: date) -> html.Div:
    """What the colours, the marks and the unknown cells mean (text, not colour alone)."""
    if colour == "ends":
        title = f"Colour: when the named system's contract ends (from {today:%-d %b %Y})"
        items = [_swatch(BAND_COLOURS[key], label) for key, label in END_BANDS]
    else:
        title = "Colour: the named system's supplier"
        items = [_swatch(PALETTE[i], name) for i, name in enumerate(grid.slot_names)]
        items.append(_swatch(OTHER_COLOUR, f"Any other supplier ({OTHER})"))
    marks = [html.Li([html.Span("Unknown", className="swatch-text unknown-sample"),
                      " no row for that borough and area"])]
    if any(c.illustrative for row in grid.cells for c in row):
        marks.append(html.Li([html.Span("Name*", className="swatch-text ill-sample"),
                              " italic, hatched and starred: illustrative (demo data, not a real contract)"]))
    marks.append(html.Li([html.Span("Faded", className="swatch-text out-sample"),
                          " no contract there under the current filters"]))
    return html.Div([html.P(title, className="legend-title"), html.Ul(items, className="legend-list"),
                     html.Ul(marks, className="legend-list legend-marks")], className="systems-legend")


__all__ = ["CAPTION_ID", "TABLE_ID", "TBODY_ID", "caption", "summary", "legend", "row_id", "row_props",
           "selected_columns", "systems_table", "table_rows", "tip_text"]
