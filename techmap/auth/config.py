"""Sign-in settings, read from the environment.

TECHMAP_SECRET_KEY             signs session and CSRF cookies; required when OpenID Connect is
                               configured (without it, a key generated once is kept in
                               instance/secret_key, which suits one machine in development)
TECHMAP_SECURE_COOKIES         "0" for plain-HTTP development and tests; on by default
TECHMAP_SESSION_IDLE_MINUTES   a session ends after this long unused (default 60)
TECHMAP_SESSION_MAX_HOURS      and this long after sign-in, however used (default 12)
TECHMAP_OIDC_ISSUER            the provider's issuer URL (its /.well-known/openid-configuration)
TECHMAP_OIDC_CLIENT_ID, TECHMAP_OIDC_CLIENT_SECRET   the app's registration at the provider
TECHMAP_OIDC_ALLOWED_DOMAINS   comma-separated email domains whose users sign in as members
TECHMAP_OIDC_ROLE_CLAIM        an ID-token claim whose value (or list of values) names a role
TECHMAP_OIDC_ROLE_MAP          optional "claim value=role" pairs, comma-separated, e.g.
                               "techmap-admins=admin,techmap-members=member"
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from techmap.auth.roles import Role, parse_account_role
from techmap.store.db import INSTANCE_DIR

MIN_SECRET_KEY_LENGTH = 32


class AuthConfigError(ValueError):
    """A sign-in setting is missing or malformed; the message names the variable."""


@dataclass(frozen=True)
class OidcConfig:
    issuer: str
    client_id: str
    client_secret: str
    allowed_domains: frozenset[str] = frozenset()
    role_claim: str = ""
    role_map: Mapping[str, Role] = field(default_factory=dict)

    @property
    def metadata_url(self) -> str:
        return self.issuer.rstrip("/") + "/.well-known/openid-configuration"


@dataclass(frozen=True)
class AuthConfig:
    secret_key: str
    secure_cookies: bool
    idle_minutes: int
    max_hours: int
    oidc: OidcConfig | None


def _positive_int(env: Mapping[str, str], name: str, default: int) -> int:
    text = env.get(name, "").strip()
    if not text:
        return default
    if not text.isdigit() or int(text) < 1:
        raise AuthConfigError(f"{name}={text!r}: expected a whole number of at least 1")
    return int(text)


def _role_map(text: str) -> dict[str, Role]:
    mapping: dict[str, Role] = {}
    for pair in filter(None, (p.strip() for p in text.split(","))):
        value, sep, role = pair.rpartition("=")
        if not sep or not value.strip():
            raise AuthConfigError(f"TECHMAP_OIDC_ROLE_MAP: {pair!r} is not 'claim value=role'")
        try:
            mapping[value.strip()] = parse_account_role(role)
        except ValueError as error:
            raise AuthConfigError(f"TECHMAP_OIDC_ROLE_MAP: {error}") from None
    return mapping


def oidc_config(env: Mapping[str, str]) -> OidcConfig | None:
    """The OpenID Connect settings, None when TECHMAP_OIDC_ISSUER is unset."""
    issuer = env.get("TECHMAP_OIDC_ISSUER", "").strip()
    if not issuer:
        return None
    if not issuer.startswith(("https://", "http://")):
        raise AuthConfigError(f"TECHMAP_OIDC_ISSUER={issuer!r}: expected an https:// URL")
    client_id = env.get("TECHMAP_OIDC_CLIENT_ID", "").strip()
    client_secret = env.get("TECHMAP_OIDC_CLIENT_SECRET", "").strip()
    if not client_id or not client_secret:
        raise AuthConfigError("TECHMAP_OIDC_ISSUER is set: TECHMAP_OIDC_CLIENT_ID and "
                              "TECHMAP_OIDC_CLIENT_SECRET are required too")
    domains = frozenset(d.strip().lower().lstrip("@")
                        for d in env.get("TECHMAP_OIDC_ALLOWED_DOMAINS", "").split(",") if d.strip())
    role_claim = env.get("TECHMAP_OIDC_ROLE_CLAIM", "").strip()
    if not domains and not role_claim:
        raise AuthConfigError("TECHMAP_OIDC_ISSUER is set: say who may sign in with "
                              "TECHMAP_OIDC_ALLOWED_DOMAINS (email domains) or "
                              "TECHMAP_OIDC_ROLE_CLAIM (a claim naming the role), or both")
    return OidcConfig(issuer=issuer, client_id=client_id, client_secret=client_secret,
                      allowed_domains=domains, role_claim=role_claim,
                      role_map=_role_map(env.get("TECHMAP_OIDC_ROLE_MAP", "")))


def _instance_secret_key(instance_dir: Path) -> str:
    """A key generated once for this machine (development), kept readable by its owner only."""
    path = instance_dir / "secret_key"
    if path.exists():
        return path.read_text().strip()
    instance_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(key + "\n")
    return key


def load_auth_config(env: Mapping[str, str] | None = None,
                     instance_dir: Path = INSTANCE_DIR) -> AuthConfig:
    """The sign-in settings; AuthConfigError names the variable that is missing or malformed."""
    env = os.environ if env is None else env
    oidc = oidc_config(env)
    secret_key = env.get("TECHMAP_SECRET_KEY", "").strip()
    if not secret_key:
        if oidc is not None:
            raise AuthConfigError("TECHMAP_SECRET_KEY is required when sign-in with OpenID Connect "
                                  "is configured: set it to a random string of at least "
                                  f"{MIN_SECRET_KEY_LENGTH} characters, the same on every host")
        secret_key = _instance_secret_key(instance_dir)
    if len(secret_key) < MIN_SECRET_KEY_LENGTH:
        raise AuthConfigError(f"TECHMAP_SECRET_KEY is {len(secret_key)} characters long: use a "
                              f"random string of at least {MIN_SECRET_KEY_LENGTH}")
    return AuthConfig(
        secret_key=secret_key,
        secure_cookies=env.get("TECHMAP_SECURE_COOKIES", "1").strip().lower() not in {"0", "false", "no", "off"},
        idle_minutes=_positive_int(env, "TECHMAP_SESSION_IDLE_MINUTES", 60),
        max_hours=_positive_int(env, "TECHMAP_SESSION_MAX_HOURS", 12),
        oidc=oidc,
    )
