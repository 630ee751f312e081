"""The sign-in pages: /sign-in (a plain HTML form, no JavaScript needed), /sign-out and /account
(who you are, your role, your secret calendar and changes-feed addresses, and API tokens).

A failed sign-in says only that the email or password is not right, whether or not the email
exists, and answers 401; failures are rate limited per address and per account by the app's one
limiter (web/limits.py: Redis as its store when TECHMAP_REDIS_URL is set): the tenth in a minute
gets 429."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import Blueprint, Flask, Response, redirect, render_template, request

from techmap.auth import accounts, audit, sessions
from techmap.auth.models import User
from techmap.auth.roles import Role
from techmap.urls import absolute_url
from web import auth, member_changes_feed
from web.limits import client_key as visitor_address
from web.limits import limiter
from web.auth_state import identity

bp = Blueprint("auth_pages", __name__, template_folder="templates")
FAILED_SIGN_INS_PER_MINUTE = "9 per minute"  # so the tenth failure in a minute is refused
ROLE_MEANINGS = {
    Role.MEMBER: "you see every field of every borough",
    Role.EDITOR: "you see every field, and may later submit data for your boroughs",
    Role.ADMIN: "you see every field and manage users",
}


def _account_key() -> str:
    return "account:" + request.form.get("email", "").strip().lower()[:320]


def _failed(response: Response) -> bool:
    return response.status_code == 401


def local_path(text: str) -> str:
    """`text` when it is a path on this site (so a sign-in never sends anyone elsewhere)."""
    if text.startswith("/") and not text.startswith("//") and "\\" not in text and len(text) < 2000:
        return text
    return "/account"


def _page(template: str, status: int = 200, **values: Any) -> Response:
    body = render_template(template, csrf_token=auth.csrf_token(), **values)
    response = Response(body, status=status, mimetype="text/html")
    response.headers["Cache-Control"] = "no-store"
    return response


def sign_in_page(error: str = "", email: str = "", next_path: str = "/account", status: int = 200) -> Response:
    return _page("auth/sign_in.html", status, title="Sign in", error=error, email=email,
                 next_path=next_path, oidc=auth.config().oidc is not None)


def start_session(user: User, method: str, next_path: str) -> Response:
    """Sign the user in: a new session (new id), audited, and the cookies that carry it."""
    raw = sessions.start(auth.db(), user, method, datetime.now(UTC))
    audit.record(auth.db(), audit.SIGN_IN, email=user.email, address=visitor_address(), detail=method)
    auth.db().commit()
    response = redirect(local_path(next_path), code=303)
    auth.set_signed_in(response, raw, user.name or user.email)
    return response


@bp.get("/sign-in")
def sign_in_form() -> Response:
    if identity().via == "session":
        return redirect("/account", code=303)
    return sign_in_page(next_path=local_path(request.args.get("next", "/account")))


@bp.post("/sign-in")
@limiter.limit(FAILED_SIGN_INS_PER_MINUTE, deduct_when=_failed)
@limiter.limit(FAILED_SIGN_INS_PER_MINUTE, key_func=_account_key, deduct_when=_failed)
def sign_in() -> Response:
    email = request.form.get("email", "")[:320]
    next_path = local_path(request.form.get("next", "/account"))
    user = accounts.check_password(auth.db(), email, request.form.get("password", ""))
    if user is None:
        audit.record(auth.db(), audit.SIGN_IN_FAILED, email=email, address=visitor_address(),
                     detail="password")
        auth.db().commit()
        return sign_in_page("The email address or password is not right. Check them and try again.",
                            email=email, next_path=next_path, status=401)
    return start_session(user, "password", next_path)


@bp.post("/sign-out")
def sign_out() -> Response:
    who = identity()
    if who.session_id:
        sessions.end(auth.db(), who.session_id)
        audit.record(auth.db(), audit.SIGN_OUT, email=who.email, address=visitor_address())
        auth.db().commit()
    response = redirect("/", code=303)
    auth.clear_signed_in(response)
    return response


def _signed_in_user() -> User | None:
    who = identity()
    return auth.db().get(User, who.user_id) if who.via == "session" and who.user_id else None


def _feed_url(user: User, kind: str, path: str) -> str:
    """The user's live secret address of this kind ('' when none): `path` with its secret."""
    feed = accounts.current_feed(auth.db(), user, kind)
    if feed is None:
        return ""
    secret = accounts.feed_secret(auth.config().secret_key, feed)
    # the configured address, never the Host header (techmap.urls)
    return absolute_url(path.format(secret=secret))


def account_page(user: User, notice: str = "", new_token: str = "") -> Response:
    feed_url = _feed_url(user, accounts.CALENDAR, "/calendar/member/{secret}/renewals.ics")
    changes_url = _feed_url(user, accounts.CHANGES, member_changes_feed.PATH)
    # webcal:// to subscribe: calendar apps follow the feed rather than importing it once
    feed_webcal = "webcal://" + feed_url.split("://", 1)[1] if feed_url else ""
    tokens = [t for t in user.tokens if t.revoked_at is None]
    return _page("auth/account.html", title="Your account", user=user, notice=notice,
                 role_meaning=ROLE_MEANINGS.get(Role(user.role), ""), feed_url=feed_url,
                 feed_webcal=feed_webcal, changes_url=changes_url, tokens=tokens,
                 new_token=new_token)


@bp.get("/account")
def account() -> Response:
    user = _signed_in_user()
    if user is None:
        return redirect("/sign-in?next=/account", code=303)
    return account_page(user)


def _account_action(action) -> Response:
    user = _signed_in_user()
    if user is None:
        return Response("401: sign in first\n", status=401, mimetype="text/plain")
    result = action(user)
    auth.db().commit()
    return result


ADDRESS_NAMES = {accounts.CALENDAR: "calendar address", accounts.CHANGES: "changes feed address"}
ADDRESS_KINDS = "<any(calendar, changes):kind>"  # accounts.FEED_KINDS, in the routes' paths


@bp.post(f"/account/{ADDRESS_KINDS}-address")
def new_address(kind: str) -> Response:
    def make(user: User) -> Response:
        accounts.new_feed(auth.db(), user, kind)
        return account_page(user, notice=f"Your new {ADDRESS_NAMES[kind]} is below; the old one "
                            "has stopped working.")
    return _account_action(make)


@bp.post(f"/account/{ADDRESS_KINDS}-address/stop")
def stop_address(kind: str) -> Response:
    def stop(user: User) -> Response:
        accounts.revoke_feeds(auth.db(), user, kind)
        return account_page(user, notice=f"Your {ADDRESS_NAMES[kind]} has stopped working.")
    return _account_action(stop)


@bp.post("/account/tokens")
def new_token() -> Response:
    return _account_action(lambda user: account_page(
        user, new_token=accounts.create_token(auth.db(), user.email)))


@bp.post("/account/tokens/revoke")
def revoke_token() -> Response:
    prefix = request.form.get("prefix", "")
    if not prefix.startswith(accounts.TOKEN_PREFIX):
        return Response("400: no such token\n", status=400, mimetype="text/plain")

    def revoke(user: User) -> Response:
        count = accounts.revoke_tokens(auth.db(), user.email, prefix)
        return account_page(user, notice=f"Revoked {count} token(s).")
    return _account_action(revoke)


def install(server: Flask) -> None:
    server.register_blueprint(bp)  # its limits count in web/limits.py's limiter
