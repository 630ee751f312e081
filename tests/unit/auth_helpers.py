"""Helpers for tests of routes that answer per role."""

from __future__ import annotations

import itertools

from flask import Flask, g
from flask.testing import FlaskClient

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


def signed_in_client(server: Flask, role: Role) -> FlaskClient:
    """A test client of `server` signed in through the real sign-in form (a local account with
    `role`, made for the purpose), holding the session and CSRF cookies a browser would."""
    import os
    import re

    from techmap.auth import accounts
    from techmap.auth.db import session_factory

    email = f"{role.value}{next(_numbers)}-{os.getpid()}@leak-search.example"
    with session_factory()() as db:
        accounts.add_user(db, email, role, PASSWORD, name=f"Leak search {role.value}")
        db.commit()
    client = server.test_client()
    form = client.get("/sign-in").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
    response = client.post("/sign-in", data={"email": email, "password": PASSWORD, "csrf_token": csrf})
    assert response.status_code == 303, response.get_data(as_text=True)[:300]
    client.get("/sign-in")  # a page after sign-in: the CSRF cookie of the new session
    return client


def cookie_header(client: FlaskClient) -> str:
    """The Cookie header the client would send (to replay its session in a request context)."""
    return "; ".join(f"{c.key}={c.value}" for c in client._cookies.values())


PASSWORD = "correct horse battery staple"
_numbers = itertools.count()
