"""Who is asking: the current request's identity and role, and what that lets it see.

`install(server)` (web/auth.py calls it) resolves every request's identity before anything else
runs: a personal API token (`Authorization: Bearer`), else the session cookie, else anonymous.
Routes ask `current_role()`, `public_only()` and `request_dataset()`; without the hook (a
public instance, or a bare test app) every request is anonymous."""

from __future__ import annotations

from dataclasses import dataclass

from flask import g, has_request_context

from techmap.service import context
from techmap.auth.roles import Role, public_only as role_public_only
from techmap.auth.visibility import dataset_for
from techmap.dataformat.dataset import Dataset


@dataclass(frozen=True)
class Identity:
    role: Role
    user_id: int | None = None
    email: str = ""
    name: str = ""
    session_id: str = ""  # the raw session id, when signed in with a session cookie
    via: str = ""  # "session", "token" or "" (anonymous)

    @property
    def signed_in(self) -> bool:
        return self.user_id is not None


ANONYMOUS = Identity(Role.ANONYMOUS)


def identity() -> Identity:
    return g.get("identity", ANONYMOUS)


def current_role() -> Role:
    """The role of the current request (anonymous unless signed in or sent a valid token)."""
    return identity().role


def public_only() -> bool:
    """Whether the current request gets public fields only."""
    return role_public_only(current_role(), context.settings().public)


def request_dataset() -> Dataset:
    """The dataset the current request may see (the full one, or its public twin)."""
    return dataset_for(public_only())


def _request_public_only() -> bool | None:
    """For the service layer (context.public_only): this request's answer, None outside one."""
    return public_only() if has_request_context() else None


context.use_request_visibility(_request_public_only)
