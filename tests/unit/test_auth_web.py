"""Sign-in on the server (web/auth*.py), through Flask's test client on the real routes and a
real (SQLite) database: the form, sessions and their cookies, CSRF on forms and Dash callbacks,
rate limits, tokens, members' calendar addresses, and what each role gets from the API and the
downloads (the leak search of test_public_mode.py, run per role, each run proving the values are
there where they should be)."""

from __future__ import annotations

import itertools
import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import update

from techmap.auth import accounts, audit
from techmap.auth.db import session_factory
from techmap.auth.models import SignInSession
from techmap.auth.roles import Role
from techmap.urls import webcal_url
from tests.paths import ROOT
from tests.unit.test_api import instance
from tests.unit.test_public_mode import leaks
from web import register_routes

PASSWORD = "correct horse battery staple"
_unique = itertools.count()


def routes_client() -> FlaskClient:
    server = Flask("auth-web-test")
    register_routes(server)
    return server.test_client()


@pytest.fixture()
def client(monkeypatch: pytest.MonkeyPatch) -> Iterator[FlaskClient]:
    with instance(monkeypatch, public=False):  # tests/fixtures/api/dataset, not a public instance
        yield routes_client()


def new_user(role: Role = Role.MEMBER, password: str | None = PASSWORD) -> str:
    email = f"user{next(_unique)}-{os.getpid()}@camden.gov.uk"
    with session_factory()() as db:
        accounts.add_user(db, email, role, password, name=f"Test {role.value}")
        db.commit()
    return email


def csrf_of(client: FlaskClient, path: str = "/sign-in") -> str:
    page = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def sign_in(client: FlaskClient, email: str, password: str = PASSWORD, address: str = "127.0.0.1"):
    return client.post("/sign-in", data={"email": email, "password": password,
                                         "csrf_token": csrf_of(client)},
                       environ_base={"REMOTE_ADDR": address})


def cookie_header(response, name: str) -> str:
    return next(c for c in response.headers.getlist("Set-Cookie") if c.startswith(name + "="))


def last_events(count: int) -> list[str]:
    with session_factory()() as db:
        return [f"{e.event} {e.email}" for e in audit.recent(db, count)]


# ---- the form and the session -------------------------------------------------------------------


def test_the_sign_in_page_is_a_plain_form_with_a_csrf_field(client: FlaskClient) -> None:
    response = client.get("/sign-in")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and response.mimetype == "text/html"
    assert '<label class="form-label" for="email">' in page and '<label class="form-label" for="password">' in page
    assert 'name="csrf_token"' in page and "<script" not in page
    csrf_cookie = cookie_header(response, "_csrf_token")
    assert "HttpOnly" not in csrf_cookie and "SameSite=Lax" in csrf_cookie  # dash-renderer reads it


def test_signing_in_starts_a_new_session_with_strict_cookies(client: FlaskClient) -> None:
    email = new_user(Role.ADMIN)
    first = sign_in(client, email)
    assert first.status_code == 303 and first.headers["Location"] == "/account"
    session_cookie = cookie_header(first, "techmap_session")
    for attribute in ("HttpOnly", "SameSite=Lax", "Path=/"):
        assert attribute in session_cookie
    assert "Secure" not in session_cookie  # TECHMAP_SECURE_COOKIES=0 in the tests' environment
    account = client.get("/account")
    page = account.get_data(as_text=True)
    assert account.status_code == 200 and email in page and "admin" in page
    assert "private" in account.headers["Cache-Control"] and "Cookie" in account.headers["Vary"]
    second = sign_in(routes_client(), email)
    assert cookie_header(second, "techmap_session") != session_cookie  # a new id at each sign-in
    assert last_events(2) == [f"sign-in {email}", f"sign-in {email}"]


def test_a_failed_sign_in_says_nothing_about_whether_the_email_exists(client: FlaskClient) -> None:
    email = new_user()
    wrong = sign_in(client, email, "not the password at all")
    unknown_email = f"nobody{next(_unique)}@camden.gov.uk"
    unknown = sign_in(client, unknown_email)
    assert wrong.status_code == unknown.status_code == 401
    strip = lambda r, e: re.sub(r'name="csrf_token" value="[^"]+"', "", r.get_data(as_text=True).replace(e, "EMAIL"))  # noqa: E731
    assert strip(wrong, email) == strip(unknown, unknown_email)
    assert 'aria-describedby="sign-in-error"' in strip(wrong, email)
    assert "techmap_session" not in wrong.headers.get("Set-Cookie", "")
    assert last_events(2) == [f"sign-in-failed {unknown_email}", f"sign-in-failed {email}"]


def test_sign_out_ends_the_session_everywhere_it_is_used(client: FlaskClient) -> None:
    sign_in(client, new_user())
    other_tab = routes_client()
    other_tab.set_cookie("techmap_session", client.get_cookie("techmap_session").value)
    assert other_tab.get("/account").status_code == 200
    out = client.post("/sign-out", data={"csrf_token": csrf_of(client, "/account")})
    assert out.status_code == 303
    assert client.get("/account").headers["Location"] == "/sign-in?next=/account"
    assert other_tab.get("/account").status_code == 303  # the same cookie no longer works


def test_an_expired_session_is_anonymous_again(client: FlaskClient) -> None:
    sign_in(client, new_user())
    with session_factory()() as db:
        db.execute(update(SignInSession).values(last_seen_at=datetime.now(UTC) - timedelta(hours=2)))
        db.commit()
    response = client.get("/account")
    assert response.status_code == 303
    assert "techmap_session=;" in cookie_header(response, "techmap_session")  # and its cookie cleared
    assert client.get("/api/v1/contracts").get_json()["meta"]["public"] is True


# ---- CSRF ---------------------------------------------------------------------------------------


def test_forms_without_a_good_csrf_token_are_refused(client: FlaskClient) -> None:
    email = new_user()
    form = {"email": email, "password": PASSWORD}
    assert client.post("/sign-in", data=form).status_code == 400
    assert client.post("/sign-in", data={**form, "csrf_token": "made-up"}).status_code == 400
    anonymous_token = csrf_of(client)
    assert sign_in(client, email).status_code == 303
    refused = client.post("/sign-out", data={"csrf_token": anonymous_token})  # not this session's
    assert refused.status_code == 400 and b"CSRF" in refused.data
    assert client.get("/account").status_code == 200  # still signed in


def test_dash_callbacks_of_a_signed_in_session_need_the_csrf_header() -> None:
    # dash-renderer sends X-CSRFToken from the _csrf_token cookie on every callback POST
    bundle = next((ROOT / ".venv").glob("lib/python*/site-packages/dash/dash-renderer/build/dash_renderer.min.js"))
    source = bundle.read_text(encoding="utf-8")
    assert '"_csrf_token"' in source and '"X-CSRFToken"' in source
    import app

    client = app.server.test_client()
    sign_in(client, new_user())
    body = json.dumps({"output": "nothing.children", "inputs": []})
    headers = {"Content-Type": "application/json"}
    refused = client.post("/_dash-update-component", data=body, headers=headers)
    assert refused.status_code == 400 and "CSRF" in refused.get_json()["error"]["message"]
    wrong = client.post("/_dash-update-component", data=body, headers={**headers, "X-CSRFToken": "x"})
    assert wrong.status_code == 400 and "CSRF" in wrong.get_json()["error"]["message"]
    token = client.get_cookie("_csrf_token").value
    passed = client.post("/_dash-update-component", data=body, headers={**headers, "X-CSRFToken": token})
    # past the CSRF check, the callback guard judges the (deliberately unknown) callback
    assert "CSRF" not in passed.get_json()["error"]["message"]


# ---- rate limits --------------------------------------------------------------------------------


def test_the_tenth_failed_sign_in_in_a_minute_from_one_address_is_refused(client: FlaskClient) -> None:
    address = f"192.0.2.{next(_unique) % 250}"
    for attempt in range(9):
        assert sign_in(client, f"guess{attempt}@camden.gov.uk", "wrong password!", address).status_code == 401
    assert sign_in(client, "guess9@camden.gov.uk", "wrong password!", address).status_code == 429
    assert sign_in(client, new_user(), address="198.51.100.7").status_code == 303  # others still can


def test_the_tenth_failed_sign_in_in_a_minute_to_one_account_is_refused(client: FlaskClient) -> None:
    email = new_user()
    for attempt in range(9):
        assert sign_in(client, email, "wrong password!", f"203.0.113.{attempt}").status_code == 401
    assert sign_in(client, email, PASSWORD, "203.0.113.99").status_code == 429  # even the right one


def test_sign_in_limits_count_in_the_apps_one_limiter() -> None:
    """One Flask-Limiter for the app (web/limits.py: Redis where configured), so the sign-in
    limits share its store, its fallback and its client address."""
    from web import auth_pages, limits

    assert auth_pages.limiter is limits.limiter
    made = [path for path in (ROOT / "web").glob("*.py") if "Limiter(" in path.read_text("utf-8")]
    assert made == [ROOT / "web" / "limits.py"]


# ---- what each role sees ------------------------------------------------------------------------


def token_for(email: str) -> str:
    with session_factory()() as db:
        token = accounts.create_token(db, email)
        db.commit()
    return token


def everything(client: FlaskClient, headers: dict[str, str] | None = None) -> str:
    return "\n".join(client.get(path, headers=headers or {}).get_data(as_text=True) for path in (
        "/api/v1/contracts", "/api/v1/summary", "/api/v1/suppliers?weight=annual_value",
        "/download/contracts.csv", "/calendar/renewals.ics", "/calendar/E09000012.ics"))


def test_anonymous_gets_public_fields_and_members_and_admins_every_field(client: FlaskClient) -> None:
    anonymous = everything(client)
    assert leaks(anonymous) == [] and '"satisfaction"' not in anonymous
    for role in (Role.MEMBER, Role.ADMIN):
        bearer = {"Authorization": f"Bearer {token_for(new_user(role))}"}
        seen = everything(client, bearer)
        assert leaks(seen) and '"satisfaction"' in seen, role
        response = client.get("/api/v1/contracts", headers=bearer)
        assert "private" in response.headers["Cache-Control"] and "public" not in response.headers["Cache-Control"]
        assert {"Cookie", "Authorization"} <= set(response.headers["Vary"].replace(" ", "").split(","))
    signed_in = routes_client()
    sign_in(signed_in, new_user())
    assert leaks(everything(signed_in))


def test_a_wrong_or_revoked_token_is_refused(client: FlaskClient) -> None:
    email = new_user()
    token = token_for(email)
    assert client.get("/api/v1/contracts", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    with session_factory()() as db:
        accounts.revoke_tokens(db, email)
        db.commit()
    for header in (f"Bearer {token}", "Bearer tm_made-up"):
        response = client.get("/api/v1/contracts", headers={"Authorization": header})
        assert response.status_code == 401 and leaks(response.get_data(as_text=True)) == []
        assert response.get_json()["error"]["status"] == 401
    # a proxy's own Basic authentication is not ours: anonymous, public fields
    response = client.get("/api/v1/contracts", headers={"Authorization": "Basic dXNlcjpwYXNz"})
    assert response.status_code == 200 and leaks(response.get_data(as_text=True)) == []


def test_a_members_calendar_address_works_until_replaced_or_stopped(client: FlaskClient) -> None:
    sign_in(client, new_user())
    page = client.post("/account/calendar-address", data={"csrf_token": csrf_of(client, "/account")})
    text = page.get_data(as_text=True)
    # built from the configured address (TECHMAP_BASE_URL), never the Host header; and as webcal://
    url = re.search(r'value="http://127\.0\.0\.1:\d+(/calendar/member/[^"]+)"', text).group(1)
    assert f'href="{webcal_url(url)}"' in text and webcal_url(url).startswith("webcal://127.0.0.1:")
    outsider = routes_client()
    feed = outsider.get(url)  # a calendar client: no cookie, no token
    assert feed.status_code == 200 and feed.data.startswith(b"BEGIN:VCALENDAR")
    assert "private" in feed.headers["Cache-Control"]
    borough = outsider.get(url.replace("renewals.ics", "E09000012.ics"))
    assert borough.status_code == 200 and b"Hackney" in borough.data
    client.post("/account/calendar-address/stop", data={"csrf_token": csrf_of(client, "/account")})
    stopped = outsider.get(url)
    assert stopped.status_code == 404 and leaks(stopped.get_data(as_text=True)) == []
    assert outsider.get(url[:-20] + "0" * 8 + "/renewals.ics").status_code == 404


def test_a_public_instance_has_no_sign_in(monkeypatch: pytest.MonkeyPatch) -> None:
    with instance(monkeypatch, public=True):
        client = routes_client()
        assert client.get("/sign-in").status_code == 404
        email = new_user()
        headers = {"Authorization": f"Bearer {token_for(email)}"}
        assert leaks(everything(client, headers)) == []  # tokens open nothing there


def test_oidc_without_a_secret_key_stops_the_app_with_a_clear_message() -> None:
    env = {**os.environ, "TECHMAP_OIDC_ISSUER": "https://login.example", "TECHMAP_OIDC_CLIENT_ID": "x",
           "TECHMAP_OIDC_CLIENT_SECRET": "y", "TECHMAP_OIDC_ALLOWED_DOMAINS": "camden.gov.uk"}
    env.pop("TECHMAP_SECRET_KEY", None)
    done = subprocess.run([sys.executable, "-c", "import app"], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 1
    assert "TECHMAP_SECRET_KEY is required" in done.stderr and "Traceback" not in done.stderr


def test_cookies_are_secure_unless_turned_off_and_sign_in_never_leads_off_site(
        client: FlaskClient, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TECHMAP_SECURE_COOKIES")
    secure = routes_client()
    assert "Secure" in cookie_header(secure.get("/sign-in"), "_csrf_token")
    email = new_user()
    for target, landing in (("/data?area=housing", "/data?area=housing"), ("//evil.example/x", "/account"),
                            ("https://evil.example/", "/account"), ("/\\evil.example", "/account")):
        visitor = routes_client()
        response = visitor.post("/sign-in", data={"email": email, "password": PASSWORD, "next": target,
                                                  "csrf_token": csrf_of(visitor)})
        assert response.headers["Location"] == landing, target
