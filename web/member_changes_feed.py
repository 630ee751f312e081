"""Members' "what changed" feed: /changes.atom at a secret, revocable address per user (feed
readers cannot sign in), with the changes of every field the member's role may see (value
changes among them, which the anonymous /changes.atom leaves out).

  /changes/member/<secret>.atom?<filters>

The address is made and stopped on /account; an unknown, stopped or calendar address gets a
plain 404, the same answer, so nothing tells them apart."""

from __future__ import annotations

from flask import Blueprint, Flask, Response

from techmap.auth import accounts
from web import changes_feed
from web.member_calendar import as_feed_owner

bp = Blueprint("member_changes_feed", __name__)
PATH = "/changes/member/{secret}.atom"


@bp.get("/changes/member/<secret>.atom")
def member_changes(secret: str) -> Response:
    return as_feed_owner(secret, accounts.CHANGES) or changes_feed.atom_response(
        PATH.format(secret=secret))


def install(server: Flask) -> None:
    server.register_blueprint(bp)
