"""The suppliers treemap: service area > supplier > system, sized by contracts or annual value,
coloured by service-area group, built as a plain figure dict and then patched.

Node ids are "area", "area/supplier_slug" and "area/supplier_slug/system_slug": the shell's
reducer (techmap.appstate) reads the supplier from the clicked node's id. Selected suppliers are
outlined and every other supplier is faded; the view never zooms (pages/suppliers.py stops
plotly's click-to-zoom in the browser and forwards the click as clickData instead).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from html import escape
from typing import Any

import pandas as pd
from dash import Patch, dcc, html

from techmap.schema import GROUP_NAMES

# Okabe-Ito (safe for the common colour-vision deficiencies); every tile also carries its name.
GROUP_COLOURS: dict[str, str] = {
    "frontline": "#0072B2",  # blue
    "corporate": "#E69F00",  # orange
    "infrastructure": "#009E73",  # bluish green
    "other": "#999999",  # grey
}
GROUP_ORDER: tuple[str, ...] = ("frontline", "corporate", "infrastructure", "other")
# Text colour with at least 4.5:1 contrast on each full-strength group colour.
_HEADER_TEXT = {"frontline": "#ffffff", "corporate": "#1b1b1b", "infrastructure": "#1b1b1b", "other": "#1b1b1b"}
INK = "#1b1b1b"
FADED_TEXT = "#595959"  # 7:1 on the faded tiles
SELECTED_LINE = "#1b1b1b"
NORMAL_LINE = "#ffffff"
SELECTED_WIDTH = 4
NORMAL_WIDTH = 1
# How far each depth is mixed towards white: suppliers lighter than their area header, systems
# lighter still; faded (not selected) tiles nearly white.
_TINT = {"supplier": 0.45, "system": 0.65}
_FADED = 0.85

SIZE_LABELS = {"count": "contracts", "value": "annual value"}


def _mix(colour: str, white: float) -> str:
    """`colour` mixed with `white` (0..1) parts of white, as #rrggbb."""
    rgb = [int(colour[i:i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(c + (255 - c) * white):02x}" for c in rgb)


@dataclass(frozen=True)
class Nodes:
    """The treemap's nodes in drawing order (areas, then suppliers, then systems)."""

    ids: list[str]
    labels: list[str]
    parents: list[str]
    values: list[float]
    kinds: list[str]  # "area" | "supplier" | "system"
    groups: list[str]  # service-area group of each node
    suppliers: list[str]  # supplier slug of supplier and system nodes, "" for areas
    hover: list[str]

    def __len__(self) -> int:
        return len(self.ids)


# Tile headers are one line high: the longest service-area names get a short form on the tile
# (hover and tables keep the full name).
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


def _safe(text: object) -> str:
    """Dataset text for plotly labels and hover, which read a little HTML: escape it so a name
    like "<b>" shows as written."""
    return escape(str(text), quote=False)


def _fmt_size(value: float, size_by: str) -> str:
    if size_by == "value":
        return f"£{value:,.0f} a year"
    n = int(round(value))
    return f"{n:,} contract{'s' if n != 1 else ''}"


def _systems_text(systems: Sequence[str], limit: int = 4) -> str:
    """'Systems: Mosaic, ContrOCC and 2 more' (largest first, as hierarchy() orders them)."""
    label = "System" if len(systems) == 1 else "Systems"
    if len(systems) <= limit:
        return f"{label}: {', '.join(systems)}"
    return f"{label}: {', '.join(systems[:limit])} and {len(systems) - limit} more"


def treemap_nodes(h: pd.DataFrame, size_by: str = "count") -> Nodes:
    """Nodes from techmap.concentration.hierarchy(); leaves carry the size, parents 0 (plotly adds
    the children up with branchvalues="remainder", so float sums never have to match exactly)."""
    size_col = "annual_value" if size_by == "value" else "contracts"
    nodes = Nodes([], [], [], [], [], [], [], [])
    if h.empty:
        return nodes
    cols = {c: h[c].tolist() for c in ("service_area", "area_name", "group", "supplier_slug", "supplier",
                                       "system_slug", "system", "boroughs")}
    for c in ("area_name", "supplier", "system"):
        cols[c] = [_safe(v) for v in cols[c]]
    sizes = h[size_col].to_numpy(dtype="float64").tolist()
    area_total: dict[str, float] = {}
    pair_total: dict[tuple[str, str], float] = {}
    pair_systems: dict[tuple[str, str], list[str]] = {}
    area_suppliers: dict[str, set[str]] = {}
    for area, sup, system, size in zip(cols["service_area"], cols["supplier_slug"], cols["system"], sizes,
                                       strict=True):
        area_total[area] = area_total.get(area, 0.0) + size
        pair_total[(area, sup)] = pair_total.get((area, sup), 0.0) + size
        pair_systems.setdefault((area, sup), []).append(system)
        area_suppliers.setdefault(area, set()).add(sup)

    def add(node_id: str, label: str, parent: str, value: float, kind: str, group: str, sup: str,
            hover: str) -> None:
        nodes.ids.append(node_id)
        nodes.labels.append(label)
        nodes.parents.append(parent)
        nodes.values.append(value)
        nodes.kinds.append(kind)
        nodes.groups.append(group)
        nodes.suppliers.append(sup)
        nodes.hover.append(hover)

    seen_area: set[str] = set()
    seen_pair: set[tuple[str, str]] = set()
    for i, (area, sup) in enumerate(zip(cols["service_area"], cols["supplier_slug"], strict=True)):
        group = cols["group"][i]
        if area not in seen_area:
            seen_area.add(area)
            n_sup = len(area_suppliers[area])
            add(area, SHORT_AREA_NAMES.get(area, cols["area_name"][i]), "", 0.0, "area", group, "",
                f"<b>{cols['area_name'][i]}</b> ({GROUP_NAMES.get(group, '').lower()})<br>"
                f"{_fmt_size(area_total[area], size_by)} · {n_sup} supplier{'s' if n_sup != 1 else ''}")
        if (area, sup) not in seen_pair:
            seen_pair.add((area, sup))
            total = pair_total[(area, sup)]
            share = total / area_total[area] if area_total[area] else 0.0
            add(f"{area}/{sup}", cols["supplier"][i], area, 0.0, "supplier", group, sup,
                f"<b>{cols['supplier'][i]}</b> in {cols['area_name'][i]}<br>"
                f"{_fmt_size(total, size_by)}, {share:.0%} of the area"
                f"<br>{_systems_text(pair_systems[(area, sup)])}")
    for i, (area, sup) in enumerate(zip(cols["service_area"], cols["supplier_slug"], strict=True)):
        boroughs = int(cols["boroughs"][i])
        add(f"{area}/{sup}/{cols['system_slug'][i]}", cols["system"][i], f"{area}/{sup}",
            round(sizes[i], 2), "system", cols["group"][i], sup,
            f"<b>{cols['system'][i]}</b> ({cols['supplier'][i]}, {cols['area_name'][i]})<br>"
            f"{_fmt_size(sizes[i], size_by)}"
            f" · {boroughs} borough{'s' if boroughs != 1 else ''}")
    return nodes


def highlight(nodes: Nodes, selected: Collection[str]) -> dict[str, list[Any]]:
    """Per-node fill, text colour, outline width and colour for a supplier selection: selected
    suppliers (and their systems) keep their colour and get a thick dark outline, the others fade;
    with no selection every tile has its group colour."""
    chosen = set(selected)
    any_selected = bool(chosen)
    colours: list[str] = []
    text: list[str] = []
    widths: list[float] = []
    lines: list[str] = []
    for kind, group, sup in zip(nodes.kinds, nodes.groups, nodes.suppliers, strict=True):
        base = GROUP_COLOURS.get(group, GROUP_COLOURS["other"])
        is_selected = sup in chosen
        if kind == "area":
            colours.append(base)
            text.append(_HEADER_TEXT.get(group, INK))
            widths.append(NORMAL_WIDTH)
            lines.append(NORMAL_LINE)
            continue
        if any_selected and not is_selected:
            colours.append(_mix(base, _FADED))
            text.append(FADED_TEXT)
        else:
            colours.append(_mix(base, _TINT[kind]))
            text.append(INK)
        outlined = is_selected and kind == "supplier"
        widths.append(SELECTED_WIDTH if outlined else NORMAL_WIDTH)
        lines.append(SELECTED_LINE if outlined else NORMAL_LINE)
    return {"colors": colours, "text_colors": text, "line_widths": widths, "line_colors": lines}


HOVERTEMPLATE = "%{hovertext}<extra></extra>"


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


def tile_texts(nodes: Nodes) -> list[str]:
    """What each tile says: the area's (short) name; the supplier's name, wrapped."""
    return [label if kind == "area" else wrap_label(label) for label, kind in zip(nodes.labels, nodes.kinds,
                                                                                    strict=True)]


def _texttemplates(nodes: Nodes) -> list[str]:
    """Area tiles say their name; supplier tiles their name and share of the area."""
    return ["%{text}" if kind == "area" else "%{text}<br>%{percentParent:.0%}" for kind in nodes.kinds]


def treemap_figure(nodes: Nodes, size_by: str, selected: Collection[str], *, maxdepth: int = 2) -> dict[str, Any]:
    """The whole figure for the first render. maxdepth=2 draws the service areas and their
    suppliers, big enough to read; the systems stay in the tree (and in the table alternative) but
    are not drawn, since the page never zooms."""
    style = highlight(nodes, selected)
    trace = {
        "type": "treemap",
        "ids": nodes.ids,
        "labels": nodes.labels,
        "parents": nodes.parents,
        "values": nodes.values,
        "branchvalues": "remainder",
        "sort": True,
        "maxdepth": maxdepth,
        "level": "",
        "hovertext": nodes.hover,
        "hovertemplate": HOVERTEMPLATE,
        "text": tile_texts(nodes),
        "texttemplate": _texttemplates(nodes),
        "textfont": {"color": style["text_colors"], "size": 13},
        # Set explicitly: left to inherit the per-tile colour array, plotly.js 4 warns
        # "Invalid color specifier" in the console.
        "outsidetextfont": {"color": INK},
        "marker": {"colors": style["colors"], "line": {"width": style["line_widths"],
                                                       "color": style["line_colors"]},
                   "pad": {"t": 22, "l": 3, "r": 3, "b": 3}},
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


def treemap_patch(nodes: Nodes, size_by: str, selected: Collection[str], *, data_changed: bool) -> Patch:
    """What changes: only the highlight when just the supplier selection moved (a few KB), the
    nodes too when other filters or the size measure changed."""
    style = highlight(nodes, selected)
    patch = Patch()
    trace = patch["data"][0]
    if data_changed:
        trace["ids"] = nodes.ids
        trace["labels"] = nodes.labels
        trace["parents"] = nodes.parents
        trace["values"] = nodes.values
        trace["hovertext"] = nodes.hover
        trace["text"] = tile_texts(nodes)
        trace["texttemplate"] = _texttemplates(nodes)
    trace["marker"]["colors"] = style["colors"]
    trace["marker"]["line"]["width"] = style["line_widths"]
    trace["marker"]["line"]["color"] = style["line_colors"]
    trace["textfont"]["color"] = style["text_colors"]
    trace["level"] = ""
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
              else f"{int(top['contracts']):,} contracts")
    text = (f"Tiles are sized by {measure}. {top['supplier']} is the largest supplier "
            f"({amount}, {top['share']:.0%} of the {measure} shown).")
    if selected_names:
        text += f" Outlined: {', '.join(selected_names)}."
    return text


def treemap_table(h: pd.DataFrame, size_by: str, query: str) -> Any:
    """The treemap as a table: one row per service area and supplier, largest first within each
    area, with the supplier's systems; each supplier links to its profile."""
    if h.empty:
        return html.P("Nothing to show for these filters.", className="empty-state")
    size_col = "annual_value" if size_by == "value" else "contracts"
    pairs = (h.groupby(["service_area", "supplier_slug"], sort=False)
             .agg(area_name=("area_name", "first"), supplier=("supplier", "first"),
                  contracts=("contracts", "sum"), annual_value=("annual_value", "sum"),
                  systems=("system", lambda s: ", ".join(s)))
             .reset_index())
    # Areas in the hierarchy's (schema) order, the largest supplier first within each.
    area_order = {a: i for i, a in enumerate(dict.fromkeys(h["service_area"].tolist()))}
    pairs["_area"] = pairs["service_area"].map(area_order)
    pairs = pairs.sort_values(["_area", size_col, "supplier_slug"], ascending=[True, False, True],
                              kind="stable")
    rows = []
    for r in pairs.itertuples(index=False):
        rows.append(html.Tr([
            html.Td(r.area_name),
            html.Th(dcc.Link(r.supplier, href=f"/suppliers/{r.supplier_slug}{query}"), scope="row"),
            html.Td(r.systems),
            html.Td(f"{int(r.contracts):,}", className="num"),
            html.Td(f"£{r.annual_value:,.0f}" if r.annual_value else "–", className="num"),
        ]))
    return html.Table(
        [
            html.Caption(f"Suppliers within each service area, largest by {SIZE_LABELS[size_by]} first"),
            html.Thead(html.Tr([html.Th("Service area", scope="col"), html.Th("Supplier", scope="col"),
                                html.Th("Systems", scope="col"), html.Th("Contracts", scope="col", className="num"),
                                html.Th("Annual value", scope="col", className="num")])),
            html.Tbody(rows),
        ],
        className="table table-sm treemap-table",
    )
