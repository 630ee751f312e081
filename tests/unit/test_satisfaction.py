"""Satisfaction (issue 14 item 3): the averages and LOTI's correlation against values worked out by
hand on the API fixture, and who sees them: members of a private instance, never anonymous
visitors nor anyone on a public instance (layout, page title, nav, and the page's callback).

Scored rows of tests/fixtures/api/dataset: A-001 Camden Capita 4, A-002 Camden Capita 2,
A-003 Hackney NEC Software Solutions 5, A-006 Hackney Civica 3, A-008 Lambeth System C 1.
Suppliers per borough (every row): Camden 2 (Capita, Civica), Hackney 2 (NEC, Civica), Lambeth 1.
Averages: Camden 3.0, Hackney 4.0, Lambeth 1.0. Pearson r of x = (1, 2, 2), y = (1, 3, 4):
dx = (-2/3, 1/3, 1/3), dy = (-5/3, 1/3, 4/3); sum dx*dy = 5/3, sum dx^2 = 2/3, sum dy^2 = 14/3;
r = (5/3) / sqrt(28/9) = 5 / sqrt(28) = 0.9449.
"""

from __future__ import annotations

import json
import math

import dash
import numpy as np
import pytest

import app  # noqa: F401  (registers the pages and callbacks)
import ids
from components.shell import shell
from shell.state_change import url_change
from techmap.analysis.filters import FilterState
from techmap.analysis.queries import apply_filter
from techmap.analysis.satisfaction import (
    average_by,
    describe_correlation,
    pearson,
    suppliers_and_satisfaction,
    suppliers_satisfaction_correlation,
)
from techmap.dataformat.dataset import load_dataset
from techmap.service import context
from tests.unit.test_api import CAMDEN, FIXTURE, HACKNEY, LAMBETH
from tests.unit.test_public_mode import Audience, _callbacks_client, asked_by, audience, render  # noqa: F401

R = 5 / math.sqrt(28)


@pytest.fixture(scope="module")
def frame():
    return load_dataset(FIXTURE).contracts


def test_averages_by_supplier_system_and_borough(frame) -> None:
    suppliers = average_by(frame, "supplier_slug", "supplier")
    assert suppliers[["supplier_slug", "average", "scores"]].values.tolist() == [
        ["nec-software-solutions", 5.0, 1], ["capita", 3.0, 2], ["civica", 3.0, 1], ["system-c", 1.0, 1]]
    systems = average_by(frame, "system_slug", "system")
    assert dict(zip(systems["system_slug"], systems["average"], strict=True)) == {
        "nec-housing": 5.0, "open-housing": 4.0, "spydus": 3.0, "academy": 2.0, "mosaic": 1.0}
    boroughs = suppliers_and_satisfaction(frame)
    assert boroughs[["authority_code", "suppliers", "average", "scores"]].values.tolist() == [
        [LAMBETH, 1, 1.0, 1], [CAMDEN, 2, 3.0, 2], [HACKNEY, 2, 4.0, 2]]


def test_the_correlation_of_suppliers_and_satisfaction(frame) -> None:
    c = suppliers_satisfaction_correlation(suppliers_and_satisfaction(frame))
    assert c.n == 3 and c.r == pytest.approx(R)
    assert describe_correlation(c) == ("Across 3 boroughs with scores, a strong positive correlation: "
                                       "boroughs using more suppliers report higher satisfaction "
                                       "(Pearson r = +0.94, n = 3).")
    assert pearson(np.array([1, 2, 3, 4]), np.array([4, 3, 2, 1])).r == pytest.approx(-1.0)
    assert pearson(np.array([1, 2]), np.array([1, 2])).r is None  # too few boroughs
    assert pearson(np.array([1, 2, 3]), np.array([3, 3, 3])).r is None  # no spread
    assert "Too few boroughs" in describe_correlation(pearson(np.array([1]), np.array([2])))


def test_the_filters_narrow_the_scores_and_no_score_gives_a_note(frame) -> None:
    from components.satisfaction import satisfaction_body

    camden = apply_filter(frame, FilterState(authority=(CAMDEN,)))
    assert average_by(camden, "supplier_slug", "supplier")["average"].tolist() == [3.0]
    none = apply_filter(frame, FilterState(group=("corporate",)))  # A-004 and a-000: no scores
    table = suppliers_and_satisfaction(none)
    assert table.empty
    body = render(satisfaction_body(table, suppliers_satisfaction_correlation(table),
                                    average_by(none, "system_slug", "system"),
                                    average_by(none, "supplier_slug", "supplier")))
    assert "No satisfaction scores are recorded for the contracts these filters show" in body


def _callback_answer(who: Audience) -> str:
    """The page's callback through Dash's endpoint, as `who`'s browser would call it."""
    client, headers = _callbacks_client(who)
    callback = next(c for c in client.get("/_dash-dependencies").get_json()
                    if c["output"] == "satisfaction-body.children")
    body = {"output": callback["output"], "outputs": {"id": "satisfaction-body", "property": "children"},
            "inputs": [{"id": ids.STATE_CHANGE, "property": "data", "value": url_change("")}],
            "changedPropIds": [f"{ids.STATE_CHANGE}.data"]}
    response = client.post("/_dash-update-component", json=body, headers=headers)
    assert response.status_code in (200, 204)
    return response.get_data(as_text=True)


def test_only_members_see_satisfaction(audience: Audience) -> None:
    """Per audience (test_public_mode.audience): a member and an admin of a private instance see
    the finding and the averages in the layout and the callback; anonymous visitors and a member
    of a public instance get the not-found page, no nav link, and no score from the callback."""
    page = dash.page_registry["pages.satisfaction"]
    with asked_by(audience):
        layout = render(page["layout"]())
        title = page["title"]()
        nav = render(shell(context.dataset(), members=not context.public_only()))
    answer = _callback_answer(audience)
    if audience.sees_values:
        assert "Pearson r = +0.94, n = 3" in layout and "NEC Software Solutions" in layout
        assert title.startswith("Satisfaction") and '"/satisfaction"' in nav
        assert "Pearson r = +0.94" in answer and json.loads(answer)["response"]
    else:
        for text in (layout, title, nav, answer):
            assert "satisfaction" not in text.lower() and "pearson" not in text.lower()
        assert "Page not found" in layout and title.startswith("Page not found")
