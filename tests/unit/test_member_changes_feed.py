"""A member's "what changed" feed (web/member_changes_feed.py): /changes.atom at a secret,
revocable address made on /account, carrying the restricted changes (a value marked not public)
that the anonymous /changes.atom leaves out; a stopped, unknown or calendar address gets a plain
404 and nothing restricted."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from techmap.auth.roles import Role
from techmap.service import change_views
from tests.unit.auth_helpers import signed_in_client
from tests.unit.changes_helpers import publish_a_hidden_value_change, store_with_two_versions
from tests.unit.test_api import instance
from web import register_routes

NS = {"atom": "http://www.w3.org/2005/Atom"}
VALUE_CHANGE = "1 values changed"


@pytest.fixture()
def server(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Flask]:
    database = store_with_two_versions(tmp_path, second=False)
    publish_a_hidden_value_change(database, tmp_path)  # version 2: one restricted value changed
    change_views.use_store(lambda: database)
    try:
        with instance(monkeypatch, public=False):
            app = Flask("member-changes-feed-test")
            register_routes(app)
            yield app
    finally:
        change_views.use_store(None)


def newest_summary(response) -> str:  # type: ignore[no-untyped-def]
    assert response.status_code == 200 and response.mimetype == "application/atom+xml"
    return ET.fromstring(response.data).find("atom:entry/atom:summary", NS).text


def _csrf(member: FlaskClient) -> str:
    page = member.get("/account").get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def _make_address(member: FlaskClient, kind: str, field_id: str) -> str:
    """Make a secret address on /account; its path, read from the page's field `field_id`."""
    page = member.post(f"/account/{kind}-address", data={"csrf_token": _csrf(member)})
    found = re.search(rf'id="{field_id}" type="text" readonly value="https?://[^/"]+([^"]+)"',
                      page.get_data(as_text=True))
    return found.group(1)


def test_a_members_feed_shows_a_restricted_change_until_stopped(server: Flask) -> None:
    outsider = server.test_client()  # a feed reader: no cookie, no token
    anonymous = newest_summary(outsider.get("/changes.atom"))
    assert VALUE_CHANGE not in anonymous and "no contract changed" in anonymous

    member = signed_in_client(server, Role.MEMBER)
    path = _make_address(member, "changes", "changes-feed-url")
    assert path.startswith("/changes/member/") and path.endswith(".atom")
    response = outsider.get(path)
    assert VALUE_CHANGE in newest_summary(response)
    assert "private" in response.headers["Cache-Control"]
    root = ET.fromstring(response.data)
    assert root.find("atom:link[@rel='self']", NS).get("href").endswith(path)
    narrowed = newest_summary(outsider.get(path + "?q=no-such-words-anywhere"))  # filters apply
    assert "no contract changed under these filters" in narrowed

    calendar = _make_address(member, "calendar", "feed-url")  # another kind of address opens nothing here
    secret = calendar.split("/")[3]
    assert outsider.get(f"/changes/member/{secret}.atom").status_code == 404
    assert outsider.get(path).status_code == 200  # made apart: the calendar left it alone

    page = member.post("/account/changes-address/stop", data={"csrf_token": _csrf(member)})
    assert "You have no changes feed address." in page.get_data(as_text=True)
    for refused in (outsider.get(path), outsider.get(path.replace(".atom", "0.atom"))):
        body = refused.get_data(as_text=True)
        assert refused.status_code == 404 and refused.mimetype == "text/plain"
        assert VALUE_CHANGE not in body and "<feed" not in body
    assert outsider.get(calendar).status_code == 200  # and stopping it left the calendar alone

