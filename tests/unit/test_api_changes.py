"""/api/v1/versions and /api/v1/changes (web/api_changes.py) on a store of two demo versions."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient

from techmap.service import change_views
from techmap.store.db import open_database
from tests.unit.changes_helpers import (
    HIDDEN_VALUE,
    MOVED,
    NEW_SUPPLIER,
    SWITCHED,
    publish_a_hidden_value_change,
    store_with_two_versions,
)
from tests.unit.test_api import api_client, instance


@pytest.fixture(scope="module")
def store_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("changes")
    store_with_two_versions(root)
    return root


@pytest.fixture()
def client(monkeypatch: pytest.MonkeyPatch, store_root: Path) -> Iterator[FlaskClient]:
    database = open_database(f"sqlite:///{store_root / 'store.db'}")
    change_views.use_store(lambda: database)
    with instance(monkeypatch, public=False):
        yield api_client()
    change_views.use_store(None)


def get(client: FlaskClient, url: str, status: int = 200) -> Any:
    response = client.get(url)
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    return response.get_json()


def test_versions_newest_first(client: FlaskClient) -> None:
    body = get(client, "/api/v1/versions")
    assert [v["number"] for v in body["data"]] == [2, 1]
    assert body["data"][0]["note"].startswith("two end dates moved")


def test_changes_default_to_the_last_two_and_show_exactly_the_edits(client: FlaskClient) -> None:
    body = get(client, "/api/v1/changes")
    assert (body["meta"]["from"], body["meta"]["to"]) == (1, 2)
    assert body["added"] == [] and body["removed"] == []
    changed = {c["contract_id"]: c for c in body["changed"]}
    assert sorted(changed) == sorted([*MOVED, SWITCHED])
    for cid in MOVED:
        assert "end_date_moved" in changed[cid]["tags"]
        assert "end_date" in [f["field"] for f in changed[cid]["fields"]]
    switch = changed[SWITCHED]
    assert switch["tags"] == ["supplier_switched"]
    assert switch["fields"][0]["new"] == NEW_SUPPLIER
    assert body["summary"]["supplier_switches"] == 1
    assert body["summary"]["end_dates_moved"] == 2
    assert [s["new_suppliers"] for s in body["switches"]] == [[NEW_SUPPLIER]]


def test_filters_narrow_the_changes(client: FlaskClient) -> None:
    body = get(client, "/api/v1/changes?supplier=civica")
    assert [c["contract_id"] for c in body["changed"]] == [SWITCHED]
    old_supplier = get(client, "/api/v1/changes")["changed"]
    old = next(c for c in old_supplier if c["contract_id"] == SWITCHED)["fields"][0]["old"]
    slug = old.lower().replace(" ", "-")
    # the switch shows under the supplier it left too
    assert SWITCHED in [c["contract_id"] for c in
                        get(client, f"/api/v1/changes?supplier={slug}")["changed"]]
    authority = get(client, "/api/v1/changes")["changed"][0]["authority_code"]
    narrowed = get(client, f"/api/v1/changes?authority={authority}")["changed"]
    assert narrowed and all(c["authority_code"] == authority for c in narrowed)
    assert get(client, "/api/v1/changes?from=2&to=2")["changed"] == []


def test_errors_are_the_apis_json_errors(client: FlaskClient) -> None:
    body = get(client, "/api/v1/changes?from=7", 404)
    assert body["error"]["message"] == "There is no version 7; the versions are 2, 1."
    assert "not a whole number" in get(client, "/api/v1/changes?to=x", 400)["error"]["message"]
    assert "colour" in get(client, "/api/v1/changes?colour=red", 400)["error"]["message"]


def test_openapi_describes_both(client: FlaskClient) -> None:
    from openapi_spec_validator import validate

    document = get(client, "/api/v1/openapi.json")
    validate(document)
    assert {"/versions", "/changes"} <= set(document["paths"])


def test_one_version_explains_itself(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    database = store_with_two_versions(tmp_path, second=False)
    change_views.use_store(lambda: database)
    try:
        with instance(monkeypatch, public=False):
            body = get(api_client(), "/api/v1/changes")
    finally:
        change_views.use_store(None)
    assert body["meta"]["to"] is None
    assert "python -m techmap publish" in body["meta"]["message"]


def test_restricted_values_follow_the_role(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A value marked not public that changed shows to members of a private instance only."""
    database = store_with_two_versions(tmp_path, second=False)
    publish_a_hidden_value_change(database, tmp_path)
    change_views.use_store(lambda: database)
    try:
        for public, shown in ((False, True), (True, False)):
            with instance(monkeypatch, public=public):
                body = get(api_client(), "/api/v1/changes")
            assert (HIDDEN_VALUE in str(body)) is shown
            assert bool(body["changed"]) is shown
    finally:
        change_views.use_store(None)
