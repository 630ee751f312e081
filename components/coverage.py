"""Coverage pieces: the map's figure of pairs known, the data page's list of unknown pairs per
borough, and a borough's own gaps. Pure builders from techmap.analysis.coverage's results; each gap says
how to fill it (the survey template, linked from the About page)."""

from __future__ import annotations

from typing import Any

from dash import dcc, html

from techmap.dataformat.authorities import by_code
from techmap.dataformat.schema import SERVICE_AREAS_BY_SLUG

SURVEY_TEMPLATE = "/download/survey-template.xlsx"
CONTRIBUTE = "/about#contribute"
MAP_COVERAGE_ID = "map-coverage"
UNKNOWN_PAIRS_ID = "unknown-pairs"


def how_to_add() -> list[Any]:
    return ["Councils can fill a gap with the ", html.A("survey template (Excel)", href=SURVEY_TEMPLATE),
            " (see ", dcc.Link("how to contribute", href=CONTRIBUTE), ")."]


def coverage_figure(known: int, possible: int, n_areas: int) -> html.P:
    """'196 of 825 borough and service-area pairs (24%) are known from public evidence.'"""
    share = known / possible if possible else 0.0
    return html.P([
        html.Strong(f"{known:,} of {possible:,}"),
        f" borough and service-area pairs ({share:.0%}; 33 boroughs × {n_areas} service areas) are "
        "known from public evidence; the rest are unknown, not absent. ",
        *how_to_add(),
    ], id=MAP_COVERAGE_ID, className="coverage-figure")


def _area_names(slugs: list[str]) -> str:
    return ", ".join(SERVICE_AREAS_BY_SLUG[s].name for s in slugs)


def unknown_pairs_list(unknown: dict[str, list[str]], n_areas: int) -> html.Section:
    """Per borough, the service areas no public evidence covers yet: the gap to fill."""
    names = by_code()
    total = sum(len(v) for v in unknown.values())
    items = [html.Li([dcc.Link(names[code].name, href=f"/borough/{code}"),
                      f" ({len(areas)} of {n_areas}): ", _area_names(areas)])
             for code, areas in unknown.items() if areas]
    return html.Section([
        html.H2("Not known yet", className="h4"),
        html.P([f"{total:,} borough and service-area pairs have nothing published yet: no public "
                "source in this dataset shows which system the borough runs there. ", *how_to_add()]),
        html.Details([html.Summary("Unknown service areas, borough by borough"),
                      html.Ul(items, className="unknown-pairs")]),
    ], id=UNKNOWN_PAIRS_ID, className="mt-3")


def borough_gaps(areas: list[str]) -> html.Section:
    """A borough's service areas with nothing published yet."""
    if not areas:
        return html.Section(html.P("Every service area of this borough is known from public evidence."))
    return html.Section([
        html.H2("Nothing published yet", className="h4"),
        html.P([f"No public source in this dataset shows this borough's system for {len(areas)} "
                f"service {'area' if len(areas) == 1 else 'areas'}: {_area_names(areas)}. ",
                *how_to_add()]),
    ], className="mt-3", id="borough-gaps")
