"""Members' calendar feeds: the same feeds as /calendar/..., at a secret, revocable address per
user (calendar clients cannot sign in), with every field the member's role may see.

  /calendar/member/<secret>/renewals.ics?<filters>   the view's contracts
  /calendar/member/<secret>/<ONS code or slug>.ics   one borough's contracts

An unknown or revoked secret gets a plain 404, the same answer, so nothing tells them apart."""

from __future__ import annotations

from flask import Blueprint, Flask, Response, g

from techmap.auth import accounts
from techmap.auth.roles import Role
from web import auth, calendar
from web.auth_state import Identity

bp = Blueprint("member_calendar", __name__)


def as_feed_owner(secret: str, kind: str = accounts.CALENDAR) -> Response | None:
    """Answer as the owner of the live feed address `secret` of this kind (None), else a plain
    404 (unknown, stopped or another kind of address: the same answer)."""
    user = accounts.user_for_feed(auth.db(), auth.config().secret_key, secret, kind)
    if user is None:
        return Response(f"404: no {kind} feed at this address (it may have been replaced or "
                        "stopped)\n", status=404, mimetype="text/plain")
    g.identity = Identity(role=Role(user.role), user_id=user.id, email=user.email, name=user.name,
                          via="feed")
    return None


@bp.get("/calendar/member/<secret>/renewals.ics")
def member_renewals(secret: str) -> Response:
    return as_feed_owner(secret) or calendar.renewals_ics()


@bp.get("/calendar/member/<secret>/<key>.ics")
def member_borough(secret: str, key: str) -> Response:
    return as_feed_owner(secret) or calendar.borough_ics(key)


def install(server: Flask) -> None:
    server.register_blueprint(bp)
