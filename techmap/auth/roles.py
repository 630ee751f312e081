"""The roles: who sees which fields.

anonymous  public fields only, always (whether or not sign-in is configured)
member     every field of every borough
editor     a member who may later submit data for named boroughs (the boroughs are stored now)
admin      a member who manages users and reads the audit log
"""

from __future__ import annotations

from enum import Enum


class Role(str, Enum):
    ANONYMOUS = "anonymous"
    MEMBER = "member"
    EDITOR = "editor"
    ADMIN = "admin"

    @property
    def sees_restricted(self) -> bool:
        """Whether this role sees the fields a dataset marks as not public (values, satisfaction)."""
        return self is not Role.ANONYMOUS


# Roles a user account may hold (anonymous is the absence of an account).
ACCOUNT_ROLES: tuple[Role, ...] = (Role.MEMBER, Role.EDITOR, Role.ADMIN)
ACCOUNT_ROLE_NAMES: tuple[str, ...] = tuple(role.value for role in ACCOUNT_ROLES)


def parse_account_role(text: str) -> Role:
    """The account role named by `text`; ValueError naming the choices otherwise."""
    name = text.strip().lower()
    for role in ACCOUNT_ROLES:
        if role.value == name:
            return role
    raise ValueError(f"{text!r} is not a role; choose one of {', '.join(ACCOUNT_ROLE_NAMES)}")


def public_only(role: Role, instance_public: bool) -> bool:
    """Whether a request with this role gets public fields only. A public instance
    (TECHMAP_PUBLIC=1) has no sign-in at all, so everyone there gets public fields only."""
    return instance_public or not role.sees_restricted
