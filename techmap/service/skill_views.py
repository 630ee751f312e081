"""The /skills page's views and the map's skill metrics, cached by techmap.service.views under
(dataset version, role, view, state) like every other view. Skills are not restricted fields, so
both roles see the same levels; the key still names the role, as every view's does."""

from __future__ import annotations

import numpy as np
import pandas as pd

from techmap.analysis.filters import FilterState
from techmap.analysis.skills import Finder, GridRow, area_levels, peer_finder, skill_grid
from techmap.dataformat.skills_schema import SKILL_AREAS_BY_SLUG
from techmap.service import context
from techmap.service.views import view

SKILL_METRIC_PREFIX = "skill_"


def has_skills() -> bool:
    """Whether the dataset served publishes a skills table (datasets/london does not, yet)."""
    skills = context.dataset().skills
    return skills is not None and not skills.empty


def illustrative_levels() -> int:
    """How many of the served skill levels are illustrative (synthetic), for the page's note."""
    skills = context.dataset().skills
    return 0 if skills is None or skills.empty else int(skills["synthetic"].sum())


def _skills() -> pd.DataFrame:
    skills = context.dataset().skills
    return skills if skills is not None else pd.DataFrame(columns=["authority_code", "skill_area", "level"])


@view(shared=False)  # dataclasses: kept in-process
def grid_for(authorities: tuple[str, ...]) -> tuple[GridRow, ...]:
    """The heatmap's rows: the boroughs of the authority filter (every borough without one)."""
    return skill_grid(_skills(), authorities)


def chosen_borough(filters: FilterState, borough: str) -> str:
    """The finder's borough: the page's own `borough` setting, else the one borough the authority
    filter names; "" when neither says."""
    if borough:
        return borough
    return filters.authority[0] if len(filters.authority) == 1 else ""


def peer_pool(filters: FilterState) -> tuple[str, ...]:
    """Whom the finder suggests: the authority filter's boroughs when it names two or more (a
    group of boroughs looking for peers among themselves), else every borough."""
    return filters.authority if len(filters.authority) >= 2 else ()


@view(shared=False)
def finder_for(code: str, pool: tuple[str, ...]) -> Finder:
    return peer_finder(_skills(), code, pool)


def skill_metric_area(metric: str) -> str | None:
    """The skill area a map metric key names ("skill_cloud" -> "cloud"), else None."""
    area = metric.removeprefix(SKILL_METRIC_PREFIX)
    return area if metric.startswith(SKILL_METRIC_PREFIX) and area in SKILL_AREAS_BY_SLUG else None


@view(shared=False)
def _levels(area: str) -> np.ndarray:
    return area_levels(_skills(), area)


def with_skill_levels(metrics: pd.DataFrame, metric: str) -> pd.DataFrame:
    """The map's per-borough metrics with the column of a "Skill level" metric added (levels do
    not depend on the contract filters); the same frame for any other metric."""
    area = skill_metric_area(metric)
    if area is None:
        return metrics
    out = metrics.copy()
    out[metric] = _levels(area)
    return out
