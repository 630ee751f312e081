"""The peer finder and the /skills page against values worked out by hand on a small table, the
page's callback as a plain function, its empty state, and the map's "Skill level" metrics."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from dash import html

from techmap.analysis.skills import peer_finder, skill_grid
from techmap.appstate import AppState
from techmap.dataformat.dataset import Dataset
from techmap.service import cache, context
from tests.unit.component_tree import components_in
from tests.unit.frames import CAMDEN, HACKNEY, ISLINGTON, LAMBETH, make_frame

LEVELS = {  # borough -> {area: level}
    CAMDEN: {"cloud": 1, "data": 3, "networks": 5, "user-research": 2},
    HACKNEY: {"cloud": 3, "data": 5, "networks": 2},
    ISLINGTON: {"cloud": 4, "data": 1, "networks": 3, "user-research": 4},
    LAMBETH: {"cloud": 3, "data": 2, "networks": 3},
}


def skills_table() -> pd.DataFrame:
    rows = [{"authority_code": code, "skill_area": area, "level": level, "as_of": "2026-09-30",
             "source": "demo", "synthetic": True, "line": 2}
            for code, areas in LEVELS.items() for area, level in areas.items()]
    return pd.DataFrame(rows)


def _summary(areas: Any) -> list[tuple[str, int, list[tuple[str, int]]]]:
    return [(a.area, a.own_level, [(p.name, p.level) for p in a.peers]) for a in areas]


def test_the_finder_for_camden_worked_by_hand() -> None:
    finder = peer_finder(skills_table(), CAMDEN)
    # weakest first; peers two or more levels above, highest first, ties by name
    assert _summary(finder.learn) == [
        ("cloud", 1, [("Islington", 4), ("Hackney", 3), ("Lambeth", 3)]),
        ("user-research", 2, [("Islington", 4)]),
        ("data", 3, [("Hackney", 5)]),
    ]
    # strongest first; peers two or more levels below, lowest first, ties by name
    assert _summary(finder.help) == [
        ("networks", 5, [("Hackney", 2), ("Islington", 3), ("Lambeth", 3)]),
        ("data", 3, [("Islington", 1)]),
    ]
    assert finder.no_one_above == ()
    assert len(finder.not_reported) == 8 and "Cyber security" in finder.not_reported


def test_a_pool_of_boroughs_limits_the_peers() -> None:
    finder = peer_finder(skills_table(), CAMDEN, (HACKNEY, LAMBETH))
    assert _summary(finder.learn) == [("cloud", 1, [("Hackney", 3), ("Lambeth", 3)]),
                                      ("data", 3, [("Hackney", 5)])]
    assert finder.no_one_above == ("User research",)
    assert _summary(finder.help) == [("networks", 5, [("Hackney", 2), ("Lambeth", 3)])]


def test_the_grid_has_a_row_per_borough_by_name() -> None:
    every = skill_grid(skills_table())
    assert len(every) == 33 and every[0].name == "Barking and Dagenham"
    two = skill_grid(skills_table(), (LAMBETH, CAMDEN))
    assert [r.name for r in two] == ["Camden", "Lambeth"]
    assert two[0].levels[:3] == (1, None, 3)  # cloud, cyber-security (not reported), data


# ---- the page, on the hand-made table -----------------------------------------------------------

@pytest.fixture(scope="module")
def page() -> Any:
    import app  # noqa: F401  (registers the pages and their callbacks)
    import pages.skills as skills

    return skills


def _use(monkeypatch: pytest.MonkeyPatch, skills: pd.DataFrame | None) -> Dataset:
    data = Dataset(Path("hand-made"), {"title": "t", "sources": {"demo": {}}},
                   make_frame([{"authority_code": CAMDEN}]), skills=skills)
    monkeypatch.setattr(context, "dataset", lambda: data)
    monkeypatch.setattr(context, "today", lambda: date(2026, 11, 22))
    cache.clear()
    return data


@pytest.fixture()
def with_skills(monkeypatch: pytest.MonkeyPatch) -> Iterator[Dataset]:
    yield _use(monkeypatch, skills_table())
    cache.clear()


def _texts(component: Any) -> Iterator[str]:
    if isinstance(component, (list, tuple)):
        for c in component:
            yield from _texts(c)
    elif isinstance(component, str):
        yield component
    elif hasattr(component, "children"):
        yield from _texts(component.children)


def _text(component: Any) -> str:
    return " ".join(" ".join(_texts(component)).split())


def test_the_callback_draws_the_finder_for_the_chosen_borough(page: Any, with_skills: Dataset) -> None:
    state = AppState.from_query_string("?borough=" + CAMDEN + "&authority=" + CAMDEN + "&authority=" + LAMBETH)
    finder, caption = page.update_page(None, None, state.to_dict())
    text = _text(finder)
    assert "Where Camden could learn" in text and "Hackney (level 3)" not in text  # Hackney: not in the pool
    assert "Lambeth" in text and "No borough is 2 levels above Camden in: Data, User research." in text
    assert caption.startswith("Skill levels of 2 boroughs in 12 areas")
    # Camden and Lambeth: networks (5 + 3) / 2 = 4.0 strongest; cloud (1 + 3) / 2 = 2.0 weakest (tied
    # with user research, 2 / 1, and named first)
    assert "Strongest on average: Networks (4.0); weakest: Cloud (2.0)." in caption
    assert "never about named people" in caption
    # the heatmap holds every borough once; the filter hides the others (in the browser on a change)
    rows = components_in(page.layout(authority=[CAMDEN, LAMBETH]))
    shown = [r.to_plotly_json()["props"]["data-code"] for r in rows
             if isinstance(r, html.Tr) and "data-code" in r.to_plotly_json()["props"] and not r.hidden]
    assert shown == [CAMDEN, LAMBETH]


def test_one_borough_in_the_filter_is_the_chosen_one(page: Any, with_skills: Dataset) -> None:
    finder, _ = page.update_page(None, None, AppState.from_query_string(f"?authority={HACKNEY}").to_dict())
    assert "Where Hackney could help" in _text(finder)
    assert "Camden (level 5)" in _text(finder)  # networks: Hackney 2, Camden 5


def test_without_skills_the_page_says_so_and_links_the_survey(page: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    _use(monkeypatch, None)
    layout = page.layout()
    text = _text(layout)
    assert "No skills data is published yet" in text
    links = [c for c in components_in(layout) if isinstance(c, html.A)]
    assert any(a.href == "/download/survey-template.xlsx" for a in links)
    cache.clear()


def test_the_map_colours_boroughs_by_a_skill_level(with_skills: Dataset) -> None:
    import pages.map as map_page
    from components.map_figure import value_texts

    state = AppState.from_query_string("?metric=skill_cloud")
    metrics, metric, _ = map_page._map_inputs(state)
    assert metrics.loc[ISLINGTON, "skill_cloud"] == 4 and pd.isna(metrics.loc["E09000001", "skill_cloud"])
    texts = dict(zip(metrics.index, value_texts(metrics, metric), strict=True))
    assert texts[CAMDEN] == "level 1" and texts["E09000001"] == "not reported"
    from components.map_panel import map_caption

    assert map_caption(metrics, metric).startswith("Each borough coloured by its team's level in Cloud")


def test_the_finder_is_a_view_of_the_service_layer_keyed_by_version_and_role(with_skills: Dataset) -> None:
    from techmap.service.skill_views import finder_for

    for role in ("public", "internal"):
        finder_for(CAMDEN, (), role=role)
    keys = [k for k in cache.VIEWS.store if isinstance(k, tuple) and k[2].endswith("skill_views.finder_for")]
    assert sorted(k[1] for k in keys) == ["internal", "public"]
    assert {k[0] for k in keys} == {context.dataset_version()}
