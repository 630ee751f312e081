"""The service layer answers per role (techmap.service.context.public_only, set per request by
web.auth_state): totals for an anonymous visitor are computed on the public twin, so no total minus
its public rows reveals a withheld value; cache keys differ by role; page responses of a signed-in
session are private and every page varies by Cookie. Real sessions (the sign-in form) throughout."""

from __future__ import annotations

import math

import numpy as np
import pytest

from techmap.analysis.filters import FilterState
from techmap.service import context, views
from tests.unit.auth_helpers import signed_in_client
from tests.unit.test_api import HACKNEY, LAMBETH, instance
from tests.unit.test_public_mode import AUDIENCES, Audience, asked_by

import app  # noqa: E402  (the app's own server, with sign-in on a non-public instance)


def _public_values() -> tuple[float, dict[str, float]]:
    """London's and each borough's annual value over the rows whose values are public (the full
    dataset, read outside any request)."""
    rows = context.loaded_dataset().contracts
    public = rows[rows["value_public"].astype(bool)]
    by_borough = public.groupby("authority_code", observed=True)["annual_value_gbp"].sum(min_count=1)
    return float(np.nansum(public["annual_value_gbp"])), by_borough.to_dict()


@pytest.mark.parametrize("who", ["anonymous", "member", "admin"])
def test_totals_for_anonymous_visitors_are_the_sums_of_public_rows(monkeypatch: pytest.MonkeyPatch,
                                                                    who: str) -> None:
    audience: Audience = AUDIENCES[who]
    with instance(monkeypatch, public=False):
        london_public, boroughs_public = _public_values()
        with asked_by(audience):
            london = views.headline_for(FilterState(), context.today())["annual_value"]
            boroughs = views.metrics_for(FilterState(), ("authority",), context.today())["annual_value"]
    if audience.sees_values:
        assert london == pytest.approx(2331492.5)
        assert boroughs[HACKNEY] == 918273 and boroughs[LAMBETH] == 643219
        return
    assert london == pytest.approx(london_public) == pytest.approx(770000.5)  # total - public rows = 0
    for code, total in boroughs.items():
        expected = boroughs_public.get(code, math.nan)
        assert (math.isnan(total) and math.isnan(expected)) or total == pytest.approx(expected), code
    assert math.isnan(boroughs[HACKNEY]) and math.isnan(boroughs[LAMBETH])  # withheld, not £0


def test_cache_keys_differ_by_role_within_one_process(monkeypatch: pytest.MonkeyPatch) -> None:
    with instance(monkeypatch, public=False):
        keys = {}
        for who in ("anonymous", "member", "admin"):
            with asked_by(AUDIENCES[who]):
                keys[who] = (views.cache_key("v", ("state",)), views.response_key(b"{}"),
                             context.dataset() is context.loaded_dataset())
    assert keys["member"] == keys["admin"]  # the same fields: one cached answer serves both
    assert keys["anonymous"][0] != keys["member"][0] and keys["anonymous"][1] != keys["member"][1]
    assert keys["anonymous"][0][1] == "public" and keys["member"][0][1] == "internal"
    assert keys["anonymous"][2] is False and keys["member"][2] is True  # the twin, the full dataset


def test_outside_a_request_the_instance_decides(monkeypatch: pytest.MonkeyPatch) -> None:
    """Commands and start-up have no visitor: a non-public instance's own tools see every field."""
    for public in (False, True):
        with instance(monkeypatch, public=public):
            assert context.public_only() is public and context.role() == ("public" if public else "internal")


@pytest.mark.parametrize("path", ["/", "/data", "/borough/hackney", "/_dash-layout"])
def test_pages_of_a_session_are_private_and_every_page_varies_by_cookie(monkeypatch: pytest.MonkeyPatch,
                                                                         path: str) -> None:
    with instance(monkeypatch, public=False):
        anonymous = app.server.test_client().get(path)
        member = signed_in_client(app.server, AUDIENCES["member"].role).get(path)
    assert anonymous.status_code == member.status_code == 200
    for response in (anonymous, member):
        assert {"Cookie", "Authorization"} <= set(response.headers["Vary"].replace(" ", "").split(","))
    assert "private" in member.headers["Cache-Control"] and "public" not in member.headers["Cache-Control"]
