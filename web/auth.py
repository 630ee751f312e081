"""Sign-in on the app's Flask server: who each request is, CSRF checks, and the cookies.

install(server) reads the sign-in settings (a clear start-up error when one is wrong), makes sure
the sign-in tables exist, registers the sign-in pages (web/auth_pages.py), OpenID Connect
(web/auth_oidc.py) and the members' secret feeds (web/member_calendar.py,
web/member_changes_feed.py), and hooks every request:
  - identify: a personal API token (`Authorization: Bearer`), else the session cookie; a token
    that is wrong or revoked is refused (401), a session that ended counts as anonymous; static
    files (the same for everyone) skip this;
  - CSRF: every state-changing request made with a session, and every sign-in form, must carry
    the CSRF token (web/auth_csrf.py), else 400;
  - after: responses for a signed-in identity are `Cache-Control: private` with `Vary: Cookie,
    Authorization`; HTML pages get a CSRF cookie when they lack a good one.
On a public instance (TECHMAP_PUBLIC=1) nothing is installed: no sign-in, everyone anonymous."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote

from flask import Flask, Response, g, jsonify, request
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy.orm import Session

from techmap.service import context
from techmap.auth import accounts, sessions
from techmap.auth.config import AuthConfig, load_auth_config
from techmap.auth.db import database, session_factory
from techmap.auth.roles import Role
from web import auth_csrf
from web.auth_state import ANONYMOUS, Identity, identity

SESSION_COOKIE = "techmap_session"
NAME_COOKIE = "techmap_signed_in"  # not HttpOnly: the page header shows who is signed in
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
STATIC_PREFIXES = ("/assets/", "/_dash-component-suites/", "/_favicon.ico", "/boundaries/")
EXTENSION = "techmap_auth"


def config() -> AuthConfig:
    from flask import current_app

    return current_app.extensions[EXTENSION]


def db() -> Session:
    """The request's database session (opened on first use, closed when the request ends)."""
    if "auth_db" not in g:
        g.auth_db = session_factory()()
    return g.auth_db


def _session_serializer(cfg: AuthConfig) -> URLSafeSerializer:
    return URLSafeSerializer(cfg.secret_key, salt="techmap-session")


def _refuse(status: int, message: str) -> Response:
    if request.path.startswith(("/api/", "/_dash")):
        response = jsonify({"error": {"status": status, "message": message}})
    else:
        response = Response(f"{status}: {message}\n", mimetype="text/plain")
    response.status_code = status
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="London Tech Map"'
    return response


def _from_token(header: str) -> Identity | None:
    user = accounts.user_for_token(db(), header.removeprefix("Bearer ").strip())
    if user is None:
        return None
    return Identity(role=Role(user.role), user_id=user.id, email=user.email, name=user.name, via="token")


def _from_session(cfg: AuthConfig) -> Identity:
    cookie = request.cookies.get(SESSION_COOKIE, "")
    if not cookie:
        return ANONYMOUS
    try:
        raw = _session_serializer(cfg).loads(cookie)
    except BadSignature:
        raw = None
    row = None
    if isinstance(raw, str):
        row = sessions.resume(db(), raw, datetime.now(UTC), timedelta(minutes=cfg.idle_minutes),
                              timedelta(hours=cfg.max_hours))
        db().commit()  # a touched last_seen_at, or an expired session deleted
    if row is None:
        g.clear_session_cookies = True
        return ANONYMOUS
    user = row.user
    return Identity(role=Role(user.role), user_id=user.id, email=user.email, name=user.name,
                    session_id=raw, via="session")


def _identify() -> Any:
    if request.path.startswith(STATIC_PREFIXES):
        return None  # the same files for everyone: no database look-up
    cfg = config()
    header = request.headers.get("Authorization", "")
    # Only Bearer tokens are ours: a proxy's own Basic authentication passes through unread.
    if header.startswith("Bearer "):
        found = _from_token(header)
        if found is None:
            return _refuse(401, "the API token is not valid or has been revoked")
        g.identity = found
        return None
    g.identity = _from_session(cfg)
    needs_csrf = request.method not in SAFE_METHODS and (
        g.identity.via == "session" or request.blueprint in ("auth_pages", "auth_oidc"))
    if needs_csrf:
        problem = auth_csrf.check(cfg.secret_key, request, g.identity.session_id)
        if problem:
            return _refuse(400, problem)
    return None


def cookie_options(cfg: AuthConfig, http_only: bool = True) -> dict[str, Any]:
    return {"httponly": http_only, "secure": cfg.secure_cookies, "samesite": "Lax", "path": "/"}


def set_signed_in(response: Response, raw_session_id: str, display_name: str) -> None:
    """Cookies of a new session: its id (signed), the name the header shows, a new CSRF token."""
    cfg = config()
    response.set_cookie(SESSION_COOKIE, _session_serializer(cfg).dumps(raw_session_id),
                        max_age=cfg.max_hours * 3600, **cookie_options(cfg))
    response.set_cookie(NAME_COOKIE, quote(display_name[:80], safe=""), max_age=cfg.max_hours * 3600,
                        **cookie_options(cfg, http_only=False))
    response.set_cookie(auth_csrf.COOKIE, auth_csrf.new_token(cfg.secret_key, raw_session_id),
                        **cookie_options(cfg, http_only=False))
    g.csrf_cookie_set = True


def clear_signed_in(response: Response) -> None:
    cfg = config()
    for name in (SESSION_COOKIE, NAME_COOKIE, auth_csrf.COOKIE):
        response.delete_cookie(name, path="/", secure=cfg.secure_cookies, samesite="Lax")
    g.csrf_cookie_set = True  # a fresh anonymous token comes with the next page


def csrf_token() -> str:
    """The CSRF token for a form on this page: the cookie's when it fits, else a new one that
    the response sets (after_request)."""
    cfg = config()
    session_id = identity().session_id
    if auth_csrf.cookie_fits(cfg.secret_key, request, session_id):
        return request.cookies[auth_csrf.COOKIE]
    if "new_csrf_token" not in g:
        g.new_csrf_token = auth_csrf.new_token(cfg.secret_key, session_id)
    return g.new_csrf_token


# Files that are the same for every visitor (Dash's bundles, the app's assets).
STATIC_PATHS = ("/_dash-component-suites/", "/assets/")


def _after(response: Response) -> Response:
    cfg = config()
    who = identity()
    if who.signed_in:
        response.cache_control.public = False
        response.cache_control.private = True
        response.vary.update(("Cookie", "Authorization"))
    elif not request.path.startswith(STATIC_PATHS):
        # pages, callbacks, the API and downloads are drawn for the visitor's role: a shared
        # cache must not hand an anonymous answer to a member (or the other way round)
        response.vary.update(("Cookie", "Authorization"))
    if g.get("clear_session_cookies") and not g.get("csrf_cookie_set"):
        clear_signed_in(response)
    elif not g.get("csrf_cookie_set") and (
            "new_csrf_token" in g or (response.mimetype == "text/html"
                                      and not auth_csrf.cookie_fits(cfg.secret_key, request, who.session_id))):
        token = g.get("new_csrf_token") or auth_csrf.new_token(cfg.secret_key, who.session_id)
        response.set_cookie(auth_csrf.COOKIE, token, **cookie_options(cfg, http_only=False))
        response.cache_control.no_store = True  # never store a response that sets a cookie
    return response


def _close_db(_error: BaseException | None) -> None:
    session = g.pop("auth_db", None)
    if session is not None:
        session.close()


def install(server: Flask) -> None:
    """Sign-in for the app's server; nothing on a public instance."""
    if context.settings().public:
        return
    cfg = load_auth_config()  # AuthConfigError names the setting; app.py reports it
    database()  # opens and migrates it: a wrong URL fails here, at start-up
    server.extensions[EXTENSION] = cfg
    server.secret_key = cfg.secret_key  # Flask's own session: only OpenID Connect's state
    server.config.update(SESSION_COOKIE_NAME="techmap_oidc_state", SESSION_COOKIE_HTTPONLY=True,
                         SESSION_COOKIE_SAMESITE="Lax", SESSION_COOKIE_SECURE=cfg.secure_cookies)
    server.before_request(_identify)
    server.after_request(_after)
    server.teardown_request(_close_db)
    from web import auth_oidc, auth_pages, member_calendar, member_changes_feed

    auth_pages.install(server)
    member_calendar.install(server)
    member_changes_feed.install(server)
    if cfg.oidc is not None:
        auth_oidc.install(server, cfg.oidc)
