"""/changes.atom (web/changes_feed.py): valid Atom 1.0, parsed back, narrowed by the filters."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from techmap.service import change_views
from tests.unit.changes_helpers import store_with_two_versions
from tests.unit.test_api import instance
from web import changes_feed

NS = {"atom": "http://www.w3.org/2005/Atom"}


@pytest.fixture()
def client(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[FlaskClient]:
    database = store_with_two_versions(tmp_path)
    change_views.use_store(lambda: database)
    app = Flask("feed-test")
    app.register_blueprint(changes_feed.bp)
    with instance(monkeypatch, public=False):
        yield app.test_client()
    change_views.use_store(None)


def parsed(client: FlaskClient, url: str) -> ET.Element:
    response = client.get(url)
    assert response.status_code == 200
    assert response.mimetype == "application/atom+xml"
    root = ET.fromstring(response.data)
    assert root.tag == "{http://www.w3.org/2005/Atom}feed"
    return root


def test_the_feed_is_atom_with_one_entry_per_version(client: FlaskClient) -> None:
    root = parsed(client, "/changes.atom")
    for element in (root, *root.findall("atom:entry", NS)):  # what Atom 1.0 requires of each
        for tag in ("id", "title", "updated"):
            assert element.find(f"atom:{tag}", NS) is not None, tag
        datetime.fromisoformat(element.find("atom:updated", NS).text)
    assert root.find("atom:author/atom:name", NS) is not None
    assert root.find("atom:link[@rel='self']", NS) is not None
    entries = root.findall("atom:entry", NS)
    assert [e.find("atom:title", NS).text.split(":")[0] for e in entries] == ["Version 2",
                                                                               "Version 1"]
    newest = entries[0].find("atom:summary", NS).text
    assert newest.startswith("From version 1 to version 2: 3 changed, 1 supplier switches")
    assert "Civica" in newest
    assert "first published version" in entries[1].find("atom:summary", NS).text


def test_the_filters_narrow_the_summaries(client: FlaskClient) -> None:
    root = parsed(client, "/changes.atom?supplier=civica")
    summary = root.find("atom:entry/atom:summary", NS).text
    assert summary.startswith("From version 1 to version 2: 1 changed, 1 supplier switches")
    assert "supplier=civica" in root.find("atom:link[@rel='self']", NS).get("href")
    nothing = parsed(client, "/changes.atom?q=no-such-words-anywhere")
    assert "no contract changed under these filters" in \
        nothing.find("atom:entry/atom:summary", NS).text
