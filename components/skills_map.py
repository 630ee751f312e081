"""The map's caption when it is coloured by a skill level (a "Skill level: <area>" metric)."""

from __future__ import annotations

import pandas as pd

from techmap.analysis.queries import METRICS


def skill_map_caption(metrics: pd.DataFrame, metric: str, selected: tuple[str, ...] = ()) -> str:
    values = metrics[METRICS[metric][2]].astype(float)
    area = METRICS[metric][0].removeprefix("Skill level: ")
    if values.isna().all():
        return (f"No borough has reported a skill level for {area}: this dataset publishes no skills "
                "data yet. Boroughs can return theirs on the survey template's Skills sheet.")
    strong = int((values >= 4).sum())
    missing = int(values.isna().sum())
    text = (f"Each borough coloured by its team's level in {area}, from 1 (little or none) to 5 "
            f"(strong: could teach others): {strong} of {len(values)} boroughs at level 4 or 5.")
    if missing:
        text += f" {missing} not reported."
    if selected:
        names = [str(metrics.at[c, "name"]) for c in selected if c in metrics.index]
        text += f" Outlined: {', '.join(names)}."
    return text + " Levels are aggregate team levels, never about named people."
