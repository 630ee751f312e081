"""Illustrative skill levels for the demo dataset (skills.csv, every row synthetic): one level per
borough and skill area, from a borough's overall strength and an area's, plus noise, drawn from a
seeded generator so that the same seed always writes the same file. About one pair in twenty is
left out, as a borough that did not answer for an area, so that pages show "not reported".
They describe no real team."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from techmap.dataformat.authorities import authorities
from techmap.dataformat.skills_schema import MAX_LEVEL, MIN_LEVEL, SKILL_AREAS, SKILL_COLUMN_NAMES, SKILLS_FILE

_SKILLS_STREAM = 7  # keeps these draws apart from the contracts' (same seed)
NOT_REPORTED_SHARE = 0.05


def demo_skills(seed: int, as_of: date, source: str) -> pd.DataFrame:
    """The rows of skills.csv as text, in borough (ONS code) then published area order."""
    rng = np.random.default_rng([seed, _SKILLS_STREAM])
    boroughs = [a.code for a in authorities()]
    strength = rng.normal(0.0, 0.7, size=len(boroughs))[:, None]
    area_ease = rng.normal(0.0, 0.5, size=len(SKILL_AREAS))[None, :]
    noise = rng.normal(0.0, 0.8, size=(len(boroughs), len(SKILL_AREAS)))
    levels = np.clip(np.rint(3 + strength + area_ease + noise), MIN_LEVEL, MAX_LEVEL).astype(int)
    reported = rng.random(size=levels.shape) >= NOT_REPORTED_SHARE
    rows = [{"authority_code": code, "skill_area": area.slug, "level": str(levels[i, j]),
             "as_of": as_of.isoformat(), "source": source, "synthetic": "true"}
            for i, code in enumerate(boroughs) for j, area in enumerate(SKILL_AREAS)
            if reported[i, j]]
    return pd.DataFrame(rows, columns=list(SKILL_COLUMN_NAMES))


def write_skills(out: Path, skills: pd.DataFrame) -> None:
    skills.to_csv(Path(out) / SKILLS_FILE, index=False, lineterminator="\n", encoding="utf-8")
