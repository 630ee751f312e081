"""CSRF tokens: a signed token in the `_csrf_token` cookie, sent back in a form field
(`csrf_token`) or, by dash-renderer on every callback POST, in the `X-CSRFToken` header.

A token is bound to what it protects: the signed-in session (a digest of its id), or for a visitor
not signed in, a random value of its own. A request passes when the token it sends equals its
cookie, the cookie's signature is good, and the binding matches the request's session, so a token
from another session, or one made up, fails. Tokens are signed with TECHMAP_SECRET_KEY."""

from __future__ import annotations

import secrets

from flask import Request
from itsdangerous import BadSignature, URLSafeSerializer

from techmap.auth.secrets_util import digest, same

COOKIE = "_csrf_token"  # dash-renderer's default csrf_token_name
HEADER = "X-CSRFToken"  # and csrf_header_name
FIELD = "csrf_token"
ANONYMOUS_PREFIX = "anon:"


def _serializer(secret_key: str) -> URLSafeSerializer:
    return URLSafeSerializer(secret_key, salt="techmap-csrf")


def binding_for(session_id: str) -> str:
    return "session:" + digest(session_id)[:32]


def new_token(secret_key: str, session_id: str) -> str:
    binding = binding_for(session_id) if session_id else ANONYMOUS_PREFIX + secrets.token_urlsafe(16)
    return str(_serializer(secret_key).dumps(binding))


def cookie_binding(secret_key: str, request: Request) -> str | None:
    """The binding of the request's CSRF cookie when its signature is good, else None."""
    cookie = request.cookies.get(COOKIE, "")
    if not cookie or len(cookie) > 200:
        return None
    try:
        binding = _serializer(secret_key).loads(cookie)
    except BadSignature:
        return None
    return binding if isinstance(binding, str) else None


def cookie_fits(secret_key: str, request: Request, session_id: str) -> bool:
    """Whether the request's CSRF cookie is good for its session (or its absence of one)."""
    binding = cookie_binding(secret_key, request)
    if binding is None:
        return False
    return binding == binding_for(session_id) if session_id else binding.startswith(ANONYMOUS_PREFIX)


def check(secret_key: str, request: Request, session_id: str) -> str | None:
    """None when the request carries a good CSRF token; else the reason it is refused."""
    sent = request.headers.get(HEADER) or (request.form.get(FIELD, "") if request.form else "")
    if not sent:
        return "the CSRF token is missing: reload the page and try again"
    cookie = request.cookies.get(COOKIE, "")
    if not cookie or not same(sent, cookie) or not cookie_fits(secret_key, request, session_id):
        return "the CSRF token is not valid: reload the page and try again"
    return None
