"""Sign-in with OpenID Connect (Microsoft Entra ID, Google Workspace, Keycloak, ...), by Authlib.

/sign-in/oidc starts the authorization code flow with PKCE (S256), a random state and a nonce,
kept in Flask's signed, HttpOnly session cookie for the round trip only. /sign-in/oidc/callback
checks the state, exchanges the code (once: the provider refuses a replayed code, and the state is
gone after first use), verifies the ID token's signature against the provider's published keys
(JWKS) and its issuer, audience, expiry and nonce, then maps the claims to a role
(techmap.auth.oidc_claims). Anything wrong ends in a plain 4xx page; nothing about the identity is
kept unless the sign-in succeeds."""

from __future__ import annotations

from authlib.integrations.base_client import OAuthError
from authlib.integrations.flask_client import OAuth
from flask import Blueprint, Flask, Response, request, session, url_for
from joserfc.errors import JoseError  # what Authlib raises for a bad ID token

from techmap.auth import accounts, audit
from techmap.auth.config import OidcConfig
from techmap.auth.oidc_claims import role_from_claims
from web import auth
from web.auth_pages import local_path, sign_in_page, start_session, visitor_address

bp = Blueprint("auth_oidc", __name__)
oauth = OAuth()
NEXT_KEY = "techmap_oidc_next"


def _config() -> OidcConfig:
    oidc = auth.config().oidc
    assert oidc is not None  # the routes exist only when it is configured
    return oidc


@bp.get("/sign-in/oidc")
def start() -> Response:
    session[NEXT_KEY] = local_path(request.args.get("next", "/account"))
    return oauth.oidc.authorize_redirect(url_for("auth_oidc.callback", _external=True))


def _failed(reason: str, email: str = "") -> Response:
    audit.record(auth.db(), audit.SIGN_IN_FAILED, email=email, address=visitor_address(),
                 detail=f"OpenID Connect: {reason}"[:500])
    auth.db().commit()
    return sign_in_page("Signing in with your organisation did not work. Try again; if it keeps "
                        "failing, ask your administrator whether your account may use this site.",
                        status=400 if reason != "not allowed" else 403)


@bp.get("/sign-in/oidc/callback")
def callback() -> Response:
    try:
        token = oauth.oidc.authorize_access_token()
    except (OAuthError, JoseError, ValueError) as error:
        return _failed(type(error).__name__ + ": " + str(error))
    claims = token.get("userinfo") or {}
    subject, email = claims.get("sub"), claims.get("email")
    role = role_from_claims(claims, _config())
    if not isinstance(subject, str) or not isinstance(email, str) or role is None:
        return _failed("not allowed", email if isinstance(email, str) else "")
    try:
        user = accounts.oidc_user(auth.db(), _config().issuer + "|" + subject, email,
                                  str(claims.get("name") or ""), role)
    except accounts.AccountError as error:
        return _failed(str(error), email)
    return start_session(user, "oidc", session.pop(NEXT_KEY, "/account"))


def install(server: Flask, config: OidcConfig) -> None:
    oauth.init_app(server)
    oauth.register(
        "oidc",
        client_id=config.client_id,
        client_secret=config.client_secret,
        server_metadata_url=config.metadata_url,
        client_kwargs={"scope": "openid email profile", "code_challenge_method": "S256"},
    )
    server.register_blueprint(bp)
