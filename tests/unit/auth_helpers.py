"""Helpers for tests of routes that answer per role."""

from __future__ import annotations

from flask import Flask, g

from techmap.auth.roles import Role
from web.auth_state import Identity


def act_as(app: Flask, role: Role) -> None:
    """Every request to this (bare, test) app comes from a signed-in user with `role`."""

    @app.before_request
    def _identity() -> None:
        g.identity = Identity(role=role, user_id=1, email=f"{role.value}@test.example", via="test")


def bearer_token(role: Role = Role.MEMBER) -> str:
    """A personal API token of a user with `role` in the tests' database (made once per role)."""
    from techmap.auth import accounts
    from techmap.auth.db import session_factory

    email = f"token-{role.value}@test.example"
    with session_factory()() as db:
        if accounts.find_user(db, email) is None:
            accounts.add_user(db, email, role)
        token = accounts.create_token(db, email)
        db.commit()
    return token
