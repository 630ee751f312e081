"""The joint-procurement finder's kind filter, sorts, paging, own end dates, combined values and
CSV (techmap.analysis.joint_finder, techmap.exports.finder_csv), against values worked out by hand,
and its CSV route through the real app, following the role.

The fixture (tests.unit.test_timeline.contracts) with annual values C1 £100,000, C2 £50,000,
C3 none, C4 £20,000, C5 £30,000 gives, within 12 months, four groups:
  Libraries (area) and Spydus (system): C4 Lambeth 31 Dec 2026, C5 Camden 28 Feb 2027: £50,000;
  Housing (area): C1 Camden 31 Mar 2027, C3 Islington 30 Jun 2027, C2 Hackney 30 Sep 2027: £150,000 (2 of 3);
  Northgate Housing (system): C1 Camden, C2 Hackney: £150,000.
"""

from __future__ import annotations

import csv
import io
from datetime import date

import numpy as np
import pytest

from techmap.analysis.joint_finder import choose_kind, finder_rows, page_of, sort_rows
from techmap.analysis.renewals import joint_procurement_clusters
from techmap.appstate import AppState
from techmap.dataformat.authorities import by_code
from techmap.exports.export import UTF8_BOM
from techmap.exports.finder_csv import CSV_COLUMNS, finder_csv
from techmap.service import context
from techmap.service.finder_views import finder_table_for
from tests.unit.frames import CAMDEN, HACKNEY, ISLINGTON, LAMBETH
from tests.unit.test_timeline import TODAY, contracts

VALUES = {"C1": 100_000.0, "C2": 50_000.0, "C3": np.nan, "C4": 20_000.0, "C5": 30_000.0}
NAMES = {code: a.name for code, a in by_code().items()}


def valued():
    frame = contracts()
    frame["annual_value_gbp"] = frame["contract_id"].map(VALUES).astype("float64")
    return frame


def rows():
    frame = valued()
    return finder_rows(joint_procurement_clusters(frame, window_months=12, lead_months=18, today=TODAY), frame)


def labels(found) -> list[str]:
    return [r.cluster.label for r in found]


def test_kind_filter() -> None:
    clusters = [r.cluster for r in rows()]
    assert [c.label for c in choose_kind(clusters, "system")] == ["Spydus", "Northgate Housing"]
    assert [c.label for c in choose_kind(clusters, "service_area")] == ["Libraries", "Housing"]
    assert len(choose_kind(clusters, "all")) == 4


def test_sorts() -> None:
    assert labels(sort_rows(rows(), "end")) == ["Libraries", "Spydus", "Housing", "Northgate Housing"]
    assert labels(sort_rows(rows(), "boroughs")) == ["Housing", "Libraries", "Spydus", "Northgate Housing"]
    assert labels(sort_rows(rows(), "value")) == ["Housing", "Northgate Housing", "Libraries", "Spydus"]
    unvalued = finder_rows([r.cluster for r in rows()], contracts())  # no values at all: end order kept
    assert all(r.combined_value is None and r.valued == 0 for r in unvalued)
    assert labels(sort_rows(unvalued, "value")) == labels(sort_rows(unvalued, "end"))


def test_own_end_dates_and_combined_values() -> None:
    housing = next(r for r in rows() if r.cluster.label == "Housing")
    assert housing.ends == ((CAMDEN, date(2027, 3, 31)), (ISLINGTON, date(2027, 6, 30)), (HACKNEY, date(2027, 9, 30)))
    assert (housing.combined_value, housing.valued) == (150_000.0, 2)
    assert housing.end_of(ISLINGTON) == date(2027, 6, 30) and housing.end_of(LAMBETH) is None
    spydus = next(r for r in rows() if r.cluster.label == "Spydus")
    assert (spydus.combined_value, spydus.valued) == (50_000.0, 2)


def test_paging() -> None:
    found = sort_rows(rows(), "end")
    assert (labels(page_of(found, 0, 3)[0]), page_of(found, 0, 3)[1]) == (["Libraries", "Spydus", "Housing"], 0)
    assert labels(page_of(found, 1, 3)[0]) == ["Northgate Housing"]
    assert page_of(found, 9, 3)[1] == 1 and page_of(found, -4, 3)[1] == 0  # clamped
    assert labels(page_of(found, 1, None)[0]) == labels(found)  # all


def test_csv_by_hand() -> None:
    body = finder_csv(sort_rows(rows(), "boroughs"), NAMES, (CAMDEN,))
    assert body.startswith(UTF8_BOM)
    table = list(csv.reader(io.StringIO(body[len(UTF8_BOM):].decode("utf-8"), newline="")))
    assert tuple(table[0]) == CSV_COLUMNS
    assert table[1] == ["same service area", "Housing", "3", "Camden; Hackney; Islington", "Camden 2027-03-31",
                        "Islington 2027-06-30; Hackney 2027-09-30", "2027-03-31", "2027-09-30", "2025-09-30",
                        "Civica; NEC", "3", "150000.00", "2", "C1; C3; C2"]
    assert [r[1] for r in table[1:]] == ["Housing", "Libraries", "Spydus", "Northgate Housing"]


def test_csv_neutralises_formulas() -> None:
    frame = valued()
    frame["system"] = frame["system"].astype("str").replace("Spydus", "=HYPERLINK(1)")
    frame["system_slug"] = frame["system_slug"].astype("str")
    found = finder_rows(joint_procurement_clusters(frame, window_months=12, lead_months=18, today=TODAY), frame)
    text = finder_csv(found, NAMES).decode("utf-8")
    assert "'=HYPERLINK(1)" in text and ",=HYPERLINK" not in text


@pytest.fixture
def app_client():
    import app

    context.reset()
    yield app.server.test_client()
    context.reset()


def test_route_lists_the_pages_groups_and_follows_the_role(app_client) -> None:
    from techmap.auth.roles import Role
    from tests.unit.auth_helpers import bearer_token

    query = "?finder=system&finder_sort=value&within=24"
    state = AppState.from_query_string(query)

    def fetch(headers: dict[str, str]) -> list[dict[str, str]]:
        response = app_client.get(f"/download/joint-procurement.csv{query}", headers=headers)
        assert response.status_code == 200 and response.mimetype == "text/csv"
        assert "joint-procurement" in response.headers["Content-Disposition"]
        return list(csv.DictReader(io.StringIO(response.data[len(UTF8_BOM):].decode("utf-8"), newline="")))

    member = fetch({"Authorization": f"Bearer {bearer_token(Role.MEMBER)}"})
    anonymous = fetch({})
    assert member and all(r["kind"] == "same system" for r in member)
    assert len(member) == len(anonymous)
    expected = finder_table_for(state, context.today())  # outside a request: the full dataset, as a member
    assert [r["contract_ids"] for r in member] == ["; ".join(r.cluster.contract_ids) for r in expected]
    values = [float(r["combined_annual_value_gbp"] or "nan") for r in member]
    known = [v for v in values if v == v]
    assert known == sorted(known, reverse=True) and values[:len(known)] == known  # largest first, unknown last
    # anonymous: only published values are summed, so never more than a member's, and somewhere less
    by_ids = {r["contract_ids"]: r for r in member}
    fewer = [a for a in anonymous if int(a["contracts_with_value"]) < int(by_ids[a["contract_ids"]]["contracts_with_value"])]
    assert fewer, "the demo dataset has withheld values in some group"



def test_card_shows_the_selected_boroughs_own_end_beside_its_peers_and_the_value() -> None:
    from components.joint_procurement import cluster_card
    from techmap.analysis.filters import FilterState
    from tests.unit.test_timeline import _text

    housing = next(r for r in rows() if r.cluster.label == "Housing")
    selected = AppState(FilterState(authority=(CAMDEN,)))
    text = "".join(_text(cluster_card(housing.cluster, selected, TODAY, 18, housing)))
    assert "End dates: Camden 31 Mar 2027 (selected); peers: Islington 30 Jun 2027, Hackney 30 Sep 2027" in text
    assert "Combined annual value: £150,000 a year (2 of 3 contracts have a published value)" in text
    assert "End dates" not in "".join(_text(cluster_card(housing.cluster, AppState(), TODAY, 18, housing)))


def test_finder_parts_page_or_all() -> None:
    from components.renewals import finder_parts

    found = tuple(sort_rows(rows(), "end"))
    paged = finder_parts(AppState(), found, TODAY, 0)
    assert paged["pager"] == "Groups 1–4 of 4, soonest end first." and paged["next_disabled"]
    everything = finder_parts(AppState().with_view("finder_show", "all").with_view("finder_sort", "value"),
                              found, TODAY, 3)
    assert everything["pager"] == "All 4 groups, largest combined annual value first."
    assert len(everything["cards"]) == 4 and everything["prev_disabled"] and everything["page"] == 0
    assert everything["csv"].href == "/download/joint-procurement.csv?finder_sort=value"
