"""The suppliers treemap: service area > supplier > system, sized by contracts or annual value,
coloured by service-area group, built as a plain figure dict and then patched.

Node ids are "area", "area/supplier_slug" and "area/supplier_slug/system_slug": the shell's
reducer (techmap.appstate) reads the supplier from the clicked node's id, so a click on a system
tile selects its supplier too. Selected suppliers are outlined and every other supplier (with its
systems) is faded; the view never zooms (pages/suppliers.py stops plotly's click-to-zoom in the
browser and forwards the click as clickData instead).

All three levels are drawn: areas and suppliers as headed boxes (one line of name), systems as
the tiles inside them. Small tiles carry no label (uniformtext hides text that would be under
10 px); the hover text gives every tile's details and the table alternative lists them all.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from dash import Patch, html

from components.safe_text import plotly_text
from techmap.schema import GROUP_NAMES
from techmap.wording import plural

# Okabe-Ito (safe for the common colour-vision deficiencies); every tile also carries its name.
GROUP_COLOURS: dict[str, str] = {
    "frontline": "#0072B2",  # blue
    "corporate": "#E69F00",  # orange
    "infrastructure": "#009E73",  # bluish green
    "other": "#999999",  # grey
}
GROUP_ORDER: tuple[str, ...] = ("frontline", "corporate", "infrastructure", "other")
# Header text with at least 4.5:1 contrast on each full-strength group colour.
_HEADER_TEXT = {"frontline": "#ffffff", "corporate": "#1b1b1b", "infrastructure": "#1b1b1b", "other": "#1b1b1b"}
INK = "#1b1b1b"
FADED_TEXT = "#595959"  # at least 6:1 on every faded tile
SELECTED_LINE = "#1b1b1b"
NORMAL_LINE = "#ffffff"
SELECTED_WIDTH = 4
NORMAL_WIDTH = 1
SUPPLIER_TINT = 0.45  # supplier boxes: the group colour mixed with this much white
SYSTEM_TINT = 0.7  # system tiles inside them: lighter, so the supplier's header stands out
FADED_TINT = 0.85  # suppliers that are not selected while others are: nearly white
FADED_SYSTEM_TINT = 0.92
MAXDEPTH = 3  # area > supplier > system
HOVERTEMPLATE = "%{hovertext}<extra></extra>"
# System tiles (the leaves): the wrapped name. Area and supplier boxes are headers, which plotly
# labels with the node's label whatever the template says.
TEXTTEMPLATE = "%{text}"
HEADER_PX = 19  # the header band of area and supplier boxes: one line of 13 px text
SIZE_LABELS = {"count": "contracts", "value": "annual value"}

# Tile headers are one line high: the longest service-area names get a short form on the tile
# (hover text and tables keep the full name).
SHORT_AREA_NAMES: dict[str, str] = {
    "elections": "Elections",
    "planning-building-control": "Planning",
    "document-records": "Documents and records",
    "end-user-devices": "End-user devices",
    "customer-contact-crm": "Customer contact",
    "childrens-social-care": "Children's care",
    "adult-social-care": "Adults' care",
    "revenues-benefits": "Revenues, benefits",
    "waste-street-scene": "Waste, street scene",
    "network-telephony": "Network, telephony",
}


def mix(colour: str, white: float) -> str:
    """`colour` (#rrggbb) mixed with `white` (0..1) parts of white, as #rrggbb."""
    rgb = [int(colour[i:i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(c + (255 - c) * white):02x}" for c in rgb)


def wrap_label(text: str, width: int = 14) -> str:
    """Break a tile label into lines of about `width` characters at spaces (plotly never wraps),
    so that long supplier names still fit a tile at a readable size."""
    lines: list[str] = []
    line = ""
    for word in text.split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    if line:
        lines.append(line)
    return "<br>".join(lines)


def fmt_size(value: float, size_by: str) -> str:
    if size_by == "value":
        return f"£{value:,.0f} a year"
    n = int(round(value))
    return f"{n:,} contract{'s' if n != 1 else ''}"


def systems_text(systems: Sequence[str], limit: int = 4) -> str:
    """'Systems: Mosaic, ContrOCC and 2 more' (largest first, as hierarchy() orders them)."""
    label = "System" if len(systems) == 1 else "Systems"
    if len(systems) <= limit:
        return f"{label}: {', '.join(systems)}"
    return f"{label}: {', '.join(systems[:limit])} and {len(systems) - limit} more"


@dataclass(frozen=True)
class Nodes:
    """The treemap's nodes, one entry per tile in every list: each area, then its suppliers
    (largest first), then every system."""

    ids: list[str] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)
    parents: list[str] = field(default_factory=list)
    values: list[float] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)  # "area" | "supplier" | "system"
    groups: list[str] = field(default_factory=list)  # service-area group
    suppliers: list[str] = field(default_factory=list)  # supplier slug, "" for areas
    hover: list[str] = field(default_factory=list)
    text: list[str] = field(default_factory=list)  # what a system tile says ("" for headers)

    def __len__(self) -> int:
        return len(self.ids)


def treemap_nodes(h: pd.DataFrame, size_by: str = "count") -> Nodes:
    """Nodes from techmap.concentration.hierarchy() (rows in area order, largest first). Leaves
    carry the size and parents 0: plotly adds the children up (branchvalues="remainder"), so float
    sums never have to match exactly. Dataset text is escaped for plotly (safe_text.plotly_text)."""
    nodes = Nodes()
    if h.empty:
        return nodes
    size_col = "annual_value" if size_by == "value" else "contracts"
    area = h["service_area"].tolist()
    sup = h["supplier_slug"].tolist()
    system_slug = h["system_slug"].tolist()
    area_name = [plotly_text(v) for v in h["area_name"].tolist()]
    group = h["group"].tolist()
    supplier = [plotly_text(v) for v in h["supplier"].tolist()]
    system = [plotly_text(v) for v in h["system"].tolist()]
    boroughs = h["boroughs"].tolist()
    sizes = h[size_col].to_numpy(dtype="float64").tolist()

    area_total: dict[str, float] = {}
    pair_total: dict[tuple[str, str], float] = {}
    pair_systems: dict[tuple[str, str], list[str]] = {}
    area_suppliers: dict[str, set[str]] = {}
    for a, s, name, size in zip(area, sup, system, sizes, strict=True):
        area_total[a] = area_total.get(a, 0.0) + size
        pair_total[(a, s)] = pair_total.get((a, s), 0.0) + size
        pair_systems.setdefault((a, s), []).append(name)
        area_suppliers.setdefault(a, set()).add(s)

    def add(node_id: str, label: str, parent: str, value: float, kind: str, grp: str, slug: str,
            hover: str, text: str) -> None:
        nodes.ids.append(node_id)
        nodes.labels.append(label)
        nodes.parents.append(parent)
        nodes.values.append(value)
        nodes.kinds.append(kind)
        nodes.groups.append(grp)
        nodes.suppliers.append(slug)
        nodes.hover.append(hover)
        nodes.text.append(text)

    seen_area: set[str] = set()
    seen_pair: set[tuple[str, str]] = set()
    for i, (a, s) in enumerate(zip(area, sup, strict=True)):
        if a not in seen_area:
            seen_area.add(a)
            n_sup = len(area_suppliers[a])
            short = SHORT_AREA_NAMES.get(a, area_name[i])
            add(a, short, "", 0.0, "area", group[i], "",
                f"<b>{area_name[i]}</b> ({GROUP_NAMES.get(group[i], 'Other').lower()})<br>"
                f"{fmt_size(area_total[a], size_by)} · {plural(n_sup, 'supplier')}", "")
        if (a, s) not in seen_pair:
            seen_pair.add((a, s))
            total = pair_total[(a, s)]
            share = total / area_total[a] if area_total[a] else 0.0
            add(f"{a}/{s}", supplier[i], a, 0.0, "supplier", group[i], s,
                f"<b>{supplier[i]}</b> in {area_name[i]}<br>{fmt_size(total, size_by)}, "
                f"{share:.0%} of the area<br>{systems_text(pair_systems[(a, s)])}", "")
    for i, (a, s) in enumerate(zip(area, sup, strict=True)):
        add(f"{a}/{s}/{system_slug[i]}", system[i], f"{a}/{s}", round(sizes[i], 2), "system", group[i], s,
            f"<b>{system[i]}</b> from {supplier[i]}<br>{area_name[i]}: {fmt_size(sizes[i], size_by)} "
            f"in {plural(int(boroughs[i]), 'borough')}", wrap_label(system[i]))
    return nodes


def highlight(nodes: Nodes, selected: Collection[str]) -> dict[str, list[Any]]:
    """Per tile: fill, text colour, outline width and colour. Selected suppliers keep their
    colours and get a thick dark outline, the other suppliers and their systems fade; with no
    selection every tile has its group colour."""
    chosen = set(selected)
    colours: list[str] = []
    text: list[str] = []
    widths: list[float] = []
    lines: list[str] = []
    for kind, group, slug in zip(nodes.kinds, nodes.groups, nodes.suppliers, strict=True):
        base = GROUP_COLOURS.get(group, GROUP_COLOURS["other"])
        if kind == "area":
            colours.append(base)
            text.append(_HEADER_TEXT.get(group, INK))
            widths.append(NORMAL_WIDTH)
            lines.append(NORMAL_LINE)
            continue
        is_selected = slug in chosen
        faded = bool(chosen) and not is_selected
        if kind == "supplier":
            colours.append(mix(base, FADED_TINT if faded else SUPPLIER_TINT))
            widths.append(SELECTED_WIDTH if is_selected else NORMAL_WIDTH)
            lines.append(SELECTED_LINE if is_selected else NORMAL_LINE)
        else:  # a system: the supplier's outline is around it already
            colours.append(mix(base, FADED_SYSTEM_TINT if faded else SYSTEM_TINT))
            widths.append(NORMAL_WIDTH)
            lines.append(NORMAL_LINE)
        text.append(FADED_TEXT if faded else INK)
    return {"colors": colours, "text_colors": text, "line_widths": widths, "line_colors": lines}


def root_text_colour(nodes: Nodes) -> str:
    """plotly writes a lone root's header (one service area shown) with outsidetextfont, not
    textfont: give it the area's header colour. It is set in any case, because left to inherit
    the per-tile colour array plotly.js 4 warns "Invalid color specifier" in the console."""
    areas = [g for g, kind in zip(nodes.groups, nodes.kinds, strict=True) if kind == "area"]
    return _HEADER_TEXT.get(areas[0], INK) if len(areas) == 1 else INK


def treemap_figure(nodes: Nodes, selected: Collection[str]) -> dict[str, Any]:
    """The whole figure, for the first render of the page."""
    style = highlight(nodes, selected)
    trace = {
        "type": "treemap",
        "ids": nodes.ids,
        "labels": nodes.labels,
        "parents": nodes.parents,
        "values": nodes.values,
        "branchvalues": "remainder",
        "sort": True,
        "maxdepth": MAXDEPTH,
        "level": "",
        "hovertext": nodes.hover,
        "hovertemplate": HOVERTEMPLATE,
        "text": nodes.text,
        "texttemplate": TEXTTEMPLATE,
        "textfont": {"color": style["text_colors"], "size": 13},
        "outsidetextfont": {"color": root_text_colour(nodes)},
        "marker": {"colors": style["colors"],
                   "line": {"width": style["line_widths"], "color": style["line_colors"]},
                   "pad": {"t": HEADER_PX, "l": 3, "r": 3, "b": 3}},
        "pathbar": {"visible": False},
        "tiling": {"packing": "squarify", "pad": 2},
        "root": {"color": "#ffffff"},
    }
    layout = {
        "margin": {"l": 0, "r": 0, "t": 0, "b": 0},
        "height": 620,
        "paper_bgcolor": "rgba(0,0,0,0)",
        "uniformtext": {"minsize": 10, "mode": "hide"},
        "hoverlabel": {"bgcolor": "#ffffff", "font": {"color": INK}},
        "uirevision": "suppliers",
    }
    return {"data": [trace], "layout": layout}


def treemap_patch(nodes: Nodes, selected: Collection[str], *, data_changed: bool) -> Patch:
    """What changes: the highlight only when just the supplier selection moved, the nodes too
    when other filters or the size measure changed."""
    style = highlight(nodes, selected)
    patch = Patch()
    trace = patch["data"][0]
    if data_changed:
        trace["ids"] = nodes.ids
        trace["labels"] = nodes.labels
        trace["parents"] = nodes.parents
        trace["values"] = nodes.values
        trace["hovertext"] = nodes.hover
        trace["text"] = nodes.text
        trace["outsidetextfont"]["color"] = root_text_colour(nodes)
    trace["marker"]["colors"] = style["colors"]
    trace["marker"]["line"]["width"] = style["line_widths"]
    trace["marker"]["line"]["color"] = style["line_colors"]
    trace["textfont"]["color"] = style["text_colors"]
    return patch


def group_legend(groups: Sequence[str] = GROUP_ORDER) -> html.Ul:
    """The colour key in words (treemaps have no plotly legend)."""
    return html.Ul(
        [html.Li([html.Span(className="swatch", style={"backgroundColor": GROUP_COLOURS[g]},
                            **{"aria-hidden": "true"}), GROUP_NAMES[g]])
         for g in groups],
        className="group-legend",
        **{"aria-label": "Colour key: service-area groups"},
    )


def treemap_caption(shares: pd.DataFrame, size_by: str, selected_names: Sequence[str]) -> str:
    """The treemap's main finding: the largest supplier and how much it holds."""
    if shares.empty or float(shares["share"].sum()) <= 0:
        if size_by == "value":
            return "No annual values are recorded for the contracts that match these filters."
        return "No contracts match these filters."
    top = shares.iloc[0]
    measure = SIZE_LABELS[size_by]
    amount = (f"£{top['annual_value']:,.0f} a year" if size_by == "value"
              else f"{int(top['contracts']):,} contract{'s' if int(top['contracts']) != 1 else ''}")
    text = (f"Tiles are sized by {measure}. {top['supplier']} is the largest supplier "
            f"({amount}, {top['share']:.0%} of the {measure} shown).")
    if selected_names:
        text += f" Outlined: {', '.join(selected_names)}."
    return text


def area_rows(h: pd.DataFrame, size_by: str) -> list[tuple[str, str, str]]:
    """For the table alternative: (service area, its size, its suppliers largest first with their
    share of the area and their systems), in the treemap's area order."""
    size_col = "annual_value" if size_by == "value" else "contracts"
    # area -> (name, supplier slug -> [name, size, systems]); dicts keep hierarchy()'s order
    areas: dict[str, tuple[str, dict[str, list[Any]]]] = {}
    for area, area_name, slug, name, system, size in zip(
            h["service_area"].tolist(), h["area_name"].tolist(), h["supplier_slug"].tolist(),
            h["supplier"].tolist(), h["system"].tolist(), h[size_col].tolist(), strict=True):
        entry = areas.setdefault(area, (area_name, {}))[1].setdefault(slug, [name, 0.0, []])
        entry[1] += float(size)
        entry[2].append(system)
    out: list[tuple[str, str, str]] = []
    for area_name, suppliers in areas.values():
        total = sum(entry[1] for entry in suppliers.values())
        ranked = sorted(suppliers.items(), key=lambda kv: (-kv[1][1], kv[0]))
        text = "; ".join(f"{name} {size / total:.0%} ({', '.join(systems)})" if total else name
                         for _, (name, size, systems) in ranked)
        out.append((area_name, fmt_size(total, size_by), text))
    return out


def treemap_table(h: pd.DataFrame, size_by: str) -> Any:
    """The treemap as a table: one row per service area, its suppliers largest first with their
    share of the area and their systems. Plain text cells keep it small to send."""
    rows = area_rows(h, size_by)
    if not rows:
        return html.P("Nothing to show for these filters.", className="empty-state")
    return html.Table(
        [
            html.Caption(f"Suppliers within each service area, largest by {SIZE_LABELS[size_by]} first, "
                         "with their share of the area and their systems"),
            html.Thead(html.Tr([html.Th("Service area", scope="col"),
                                html.Th(SIZE_LABELS[size_by].capitalize(), scope="col", className="num"),
                                html.Th("Suppliers (share of the area; systems)", scope="col")])),
            html.Tbody([html.Tr([html.Th(area, scope="row"), html.Td(size, className="num"), html.Td(text)])
                        for area, size, text in rows]),
        ],
        className="table table-sm treemap-table",
    )
