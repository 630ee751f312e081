"""Which role an OpenID Connect identity gets: from a role claim, else from its email domain."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from techmap.auth.config import OidcConfig
from techmap.auth.roles import ACCOUNT_ROLES, Role, parse_account_role


def _claim_values(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [v for v in value if isinstance(v, str)]
    return []


def role_from_claims(claims: Mapping[str, Any], config: OidcConfig) -> Role | None:
    """The role of a verified ID token's claims, or None when this identity may not sign in.

    The role claim wins when it names a role (through TECHMAP_OIDC_ROLE_MAP, or a role's own
    name); the highest named role counts. Otherwise a verified email in an allowed domain makes
    a member."""
    if config.role_claim:
        named: list[Role] = []
        for value in _claim_values(claims.get(config.role_claim)):
            if value in config.role_map:
                named.append(config.role_map[value])
            else:
                try:
                    named.append(parse_account_role(value))
                except ValueError:
                    pass  # a group or role the app does not know
        if named:
            return max(named, key=ACCOUNT_ROLES.index)
    email = claims.get("email")
    verified = claims.get("email_verified", True) is not False  # Entra ID omits it
    if isinstance(email, str) and verified and "@" in email:
        if email.rsplit("@", 1)[1].lower() in config.allowed_domains:
            return Role.MEMBER
    return None
