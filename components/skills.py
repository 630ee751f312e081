"""The /skills page's parts: the borough x skill-area heatmap (a real <table>: every cell shows its
number as well as its colour, so the table is its own text alternative), its legend and caption,
the peer-training finder and the empty state of a dataset without skills."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any

from dash import dcc, html

from techmap.analysis.skills import AreaPeers, Finder, GridRow, PEER_GAP
from techmap.dataformat.skills_schema import SKILL_AREAS, SKILL_LEVELS
from components.coverage import SURVEY_TEMPLATE as SURVEY_TEMPLATE_URL
from components.fast_html import el
from techmap.dataformat.authorities import by_code

NOT_PEOPLE = "Levels are aggregate team levels reported by each borough, never about named people."


def no_skills_note() -> html.Div:
    return html.Div([
        html.P(html.Strong("No skills data is published yet for this dataset."), className="mb-1"),
        html.P(["Boroughs can return their teams' levels in the twelve skill areas on the Skills sheet "
                "of the ", html.A("survey template (Excel)", href=SURVEY_TEMPLATE_URL),
                "; imported with ", html.Code("python -m techmap import survey"), ", they appear here. ",
                NOT_PEOPLE], className="mb-0"),
    ], className="alert alert-info skills-empty", role="status")


def level_legend() -> html.Ul:
    return html.Ul([html.Li([html.Span(str(n), className=f"skill-swatch skill-level-{n}"), f" {text}"])
                    for n, text in SKILL_LEVELS.items()] +
                   [html.Li([html.Span("–", className="skill-swatch skill-level-none"), " not reported"])],
                   className="skill-legend", **{"aria-label": "Levels"})


def heatmap_caption(rows: Sequence[GridRow]) -> str:
    if not rows:
        return "No borough matches the borough filter."
    averages = []  # (average level, area label) of each area someone reported
    for i, area in enumerate(SKILL_AREAS):
        levels = [r.levels[i] for r in rows if r.levels[i] is not None]
        if levels:
            averages.append((sum(levels) / len(levels), area.label))
    if not averages:
        return "None of these boroughs has reported a skill level yet."
    top, low = max(averages), min(averages)
    boroughs = "borough" if len(rows) == 1 else "boroughs"
    return (f"Skill levels of {len(rows)} {boroughs} in {len(SKILL_AREAS)} areas, 1 (little or none) to 5 "
            f"(strong). Strongest on average: {top[1]} ({top[0]:.1f}); weakest: {low[1]} ({low[0]:.1f}). "
            f"{NOT_PEOPLE}")


def heatmap_table(rows: Sequence[GridRow], shown: Collection[str] = ()) -> html.Table:
    """Every borough's row, those not in `shown` (when given) hidden: the borough filter then only
    shows or hides rows in the browser (pages/skills.py), so a filter change sends no table."""
    head = html.Tr([html.Th("Borough", scope="col")] +
                   [html.Th(html.Span(a.label, title=a.description), scope="col", className="skill-col")
                    for a in SKILL_AREAS])
    body = [el(html.Tr, [el(html.Th, r.name, scope="row")] + [_cell(level) for level in r.levels],
               hidden=bool(shown) and r.code not in shown, **{"data-code": r.code}) for r in rows]
    return html.Table([html.Caption("Skill level by borough and area (1 to 5)", className="visually-hidden"),
                       html.Thead(head), html.Tbody(body)], className="table table-sm skills-heatmap")


def _cell(level: int | None) -> html.Td:
    if level is None:
        return el(html.Td, [el(html.Span, "–", **{"aria-hidden": "true"}),
                            el(html.Span, "not reported", className="visually-hidden")],
                  className="num skill-level-none")
    return el(html.Td, str(level), className=f"num skill-level-{level}")


def finder_section(finder: Finder | None, pool_size: int, query: str) -> list[Any]:
    """The finder's results for the chosen borough (None: none chosen yet)."""
    if finder is None:
        return [html.P("Choose a borough to see where it could learn from its peers and where it could "
                       "help them.", className="muted")]
    name = finder.name
    pool = "the boroughs in the borough filter" if pool_size else "every other borough"
    children: list[Any] = [html.P(
        f"Pairs {name} with {pool} at least {PEER_GAP} levels apart in an area.", className="small")]
    children += [html.H3(f"Where {name} could learn", className="h5", id="skills-learn-heading"),
                 _peer_table(finder.learn, name, "above", "skills-learn", query)]
    if finder.no_one_above:
        children.append(html.P(f"No borough is {PEER_GAP} levels above {name} in: "
                               f"{', '.join(finder.no_one_above)}.", className="small"))
    children += [html.H3(f"Where {name} could help", className="h5", id="skills-help-heading"),
                 _peer_table(finder.help, name, "below", "skills-help", query)]
    if finder.not_reported:
        children.append(html.P(f"{name} has not reported a level for: {', '.join(finder.not_reported)}.",
                               className="small muted"))
    return children


def _peer_table(areas: Sequence[AreaPeers], name: str, direction: str, table_id: str, query: str) -> Any:
    if not areas:
        return html.P(f"No area where a borough is at least {PEER_GAP} levels {direction} {name}.",
                      id=table_id, className="skills-none")
    peers_head = (f"Boroughs at least {PEER_GAP} levels above, highest first" if direction == "above"
                  else f"Boroughs at least {PEER_GAP} levels below, lowest first")
    rows = [el(html.Tr, [  # el: rebuilt on every filter change (components/fast_html.py)
        el(html.Th, a.label, scope="row"),
        el(html.Td, str(a.own_level), className="num"),
        el(html.Td, el(html.Ol, [el(html.Li, [el(dcc.Link, p.name, href=f"/borough/{_slug(p.code)}{query}"),
                                              f" (level {p.level})"], **{"data-code": p.code})
                                 for p in a.peers], className="peer-list")),
    ], **{"data-area": a.area}) for a in areas]
    return html.Table([html.Thead(html.Tr([html.Th("Skill area", scope="col"),
                                           html.Th(f"{name}'s level", scope="col", className="num"),
                                           html.Th(peers_head, scope="col")])),
                       html.Tbody(rows)], id=table_id, className="table table-sm skills-peers")


def _slug(code: str) -> str:
    authority = by_code().get(code)
    return authority.slug if authority else code
