"""Sign-in in a real browser: OpenID Connect against a real provider (the npm package
oidc-provider, tests/oidc/provider.js, started here on a free port) and local accounts, by
keyboard, with axe-core on the sign-in and account pages; and the refusals: a tampered ID token,
a wrong state, a replayed code (each a plain 4xx, nobody signed in)."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

import pytest

from tests.browser.conftest import ROOT, _free_port, start_server, stop_server, wait_for_dash
from tests.browser.test_accessibility import axe_violations

pytestmark = pytest.mark.browser

OIDC_DIR = ROOT / "tests" / "oidc"
PASSWORD = "correct horse battery staple"
MEMBER = "member@borough.gov.uk"


def _wait_for(url: str, proc: subprocess.Popen, log: Path) -> None:
    deadline = time.time() + 30
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the OpenID Connect provider exited:\n{log.read_text()[-2000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("the OpenID Connect provider did not start in 30 s")


@pytest.fixture(scope="module")
def sign_in_app() -> Iterator[dict[str, str]]:
    """The OpenID Connect provider, and the app under gunicorn configured to use it, with a
    database of its own holding one local account."""
    if not (OIDC_DIR / "node_modules" / "oidc-provider").is_dir():
        pytest.fail("tests/oidc/node_modules is missing: run `npm ci` in tests/oidc (scripts/test does)")
    app_port, idp_port = _free_port(), _free_port()
    app_base, issuer = f"http://127.0.0.1:{app_port}", f"http://127.0.0.1:{idp_port}"
    log = Path(tempfile.NamedTemporaryFile(prefix="oidc-provider-", suffix=".log", delete=False).name)
    with log.open("w") as out:
        idp = subprocess.Popen(["node", "provider.js", str(idp_port), f"{app_base}/sign-in/oidc/callback"],
                               cwd=OIDC_DIR, stdout=out, stderr=subprocess.STDOUT)
    app = None
    try:
        _wait_for(issuer + "/.well-known/openid-configuration", idp, log)
        env = {
            "TECHMAP_DATABASE_URL": f"sqlite:///{tempfile.mkdtemp(prefix='techmap-sign-in-')}/db.sqlite3",
            "TECHMAP_SECRET_KEY": secrets.token_urlsafe(40), "TECHMAP_SECURE_COOKIES": "0",
            "TECHMAP_OIDC_ISSUER": issuer, "TECHMAP_OIDC_CLIENT_ID": "techmap-test",
            "TECHMAP_OIDC_CLIENT_SECRET": "techmap-test-secret",
            "TECHMAP_OIDC_ALLOWED_DOMAINS": "borough.gov.uk", "TECHMAP_OIDC_ROLE_CLAIM": "techmap_role",
        }
        subprocess.run([sys.executable, "-m", "techmap", "users", "add", "local@camden.gov.uk", "--role",
                        "member", "--name", "Local Member"], input=PASSWORD + "\n", text=True, cwd=ROOT,
                       env={**os.environ, **env}, check=True, capture_output=True)
        app, base = start_server(env, port=app_port)
        yield {"base": base, "issuer": issuer, "env": env}
    finally:
        if app is not None:
            stop_server(app)
        idp.terminate()
        idp.wait(timeout=10)


@pytest.fixture()
def tab(browser, sign_in_app):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    allowed = (sign_in_app["base"], sign_in_app["issuer"])
    # Only the app and the provider: the provider's own page asks for a web font, which never leaves.
    context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(allowed)
                  else route.abort())
    pg = context.new_page()
    pg.set_default_timeout(20000)
    yield pg
    context.close()


def provider_sign_in(page, login: str) -> None:
    """On the provider's development sign-in page: log in and consent."""
    page.wait_for_selector("input[name=login]")
    page.fill("input[name=login]", login)
    page.fill("input[name=password]", "any password")
    page.click("button[type=submit]")
    page.wait_for_selector("button[type=submit]:has-text('Continue')")
    page.click("button[type=submit]:has-text('Continue')")


def start_oidc(page, base: str) -> None:
    page.goto(base + "/sign-in")
    page.get_by_role("link", name="Sign in with your organisation's account").click()


def account_text(page, base: str) -> str:
    page.goto(base + "/account")
    return page.locator("main").inner_text()


def member_signs_in_with_oidc(page, base: str) -> list[str]:
    """Sign MEMBER in through the provider, up to their account page; the addresses of the app's
    OIDC callback the browser asked for (to replay or tamper with)."""
    callbacks: list[str] = []
    page.on("request", lambda r: callbacks.append(r.url) if "/sign-in/oidc/callback" in r.url else None)
    start_oidc(page, base)
    provider_sign_in(page, MEMBER)
    page.wait_for_url(base + "/account")
    return callbacks


def test_oidc_sign_in_then_the_header_names_the_user_and_the_code_cannot_be_replayed(tab, sign_in_app):
    base = sign_in_app["base"]
    callbacks = member_signs_in_with_oidc(tab, base)
    text = tab.locator("main").inner_text()
    assert MEMBER in text and "member" in text
    callback_statuses: list[int] = []
    tab.on("response", lambda r: callback_statuses.append(r.status) if "/_dash-update-component" in r.url else None)
    tab.goto(base + "/")
    link = tab.locator("#account-link")
    link.wait_for()
    tab.wait_for_function("() => document.getElementById('account-link').textContent !== 'Sign in'")
    assert link.inner_text() == "Test member" and link.get_attribute("href") == "/account"
    wait_for_dash(tab)
    # the page's callbacks carry the session's CSRF token (dash-renderer's X-CSRFToken), so none is refused
    assert callback_statuses and set(callback_statuses) <= {200, 204}
    replay = tab.goto(callbacks[0])  # the same code and state again
    assert replay.status == 400 and "did not work" in tab.locator("main").inner_text()
    assert "sign-in-failed" in last_audit_event(sign_in_app)


def test_a_role_claim_makes_an_admin(tab, sign_in_app):
    start_oidc(tab, sign_in_app["base"])
    provider_sign_in(tab, "admin@borough.gov.uk")
    tab.wait_for_url(sign_in_app["base"] + "/account")
    assert "admin – you see every field and manage users" in tab.locator("main").inner_text()


def refused_oidc_sign_in(tab, sign_in_app, login: str) -> int:
    """Sign in with the provider as `login`; the status of the app's callback, which must leave
    nobody signed in."""
    responses: list[int] = []
    tab.on("response", lambda r: responses.append(r.status) if "/sign-in/oidc/callback" in r.url else None)
    start_oidc(tab, sign_in_app["base"])
    provider_sign_in(tab, login)
    tab.wait_for_url(re.compile(r".*/sign-in/oidc/callback.*"))
    tab.wait_for_load_state()
    assert "Signed in as" not in account_text(tab, sign_in_app["base"])
    assert len(responses) == 1
    return responses[0]


def test_an_address_outside_the_allowed_domains_is_refused(tab, sign_in_app):
    assert refused_oidc_sign_in(tab, sign_in_app, "someone@elsewhere.example") == 403


def test_a_tampered_id_token_is_refused(tab, sign_in_app):
    urllib.request.urlopen(urllib.request.Request(sign_in_app["issuer"] + "/__test__/tamper-next",
                                                  method="POST"), timeout=5).read()
    assert refused_oidc_sign_in(tab, sign_in_app, MEMBER) == 400
    assert "BadSignatureError" in last_audit_event(sign_in_app)


def last_audit_event(sign_in_app) -> str:
    done = subprocess.run([sys.executable, "-m", "techmap", "audit", "--limit", "1"], cwd=ROOT, text=True,
                          env={**os.environ, **sign_in_app["env"]}, check=True, capture_output=True)
    return done.stdout


def test_a_wrong_state_is_refused(tab, sign_in_app):
    base = sign_in_app["base"]
    callbacks = member_signs_in_with_oidc(tab, base)
    tab.get_by_role("button", name="Sign out").click()
    # a new flow, stopped at its redirect to the provider: the browser holds its state, not the old one
    started = tab.context.request.get(base + "/sign-in/oidc", max_redirects=0)
    assert started.status == 302 and "state=" in started.headers["location"]
    parts = urlsplit(callbacks[0])
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    query["state"] = "not-the-state-we-sent"
    response = tab.goto(urlunsplit(parts._replace(query=urlencode(query))))
    assert response.status == 400
    assert "sign-in-failed" in last_audit_event(sign_in_app) and "state" in last_audit_event(sign_in_app).lower()
    assert "Signed in as" not in account_text(tab, base)


def test_a_local_account_signs_in_and_out_by_keyboard_and_both_pages_pass_axe(tab, sign_in_app):
    base = sign_in_app["base"]
    tab.goto(base + "/sign-in")
    assert axe_violations(tab) == []
    tab.keyboard.press("Tab")  # the skip link, then the brand, then the organisation's sign-in
    tab.keyboard.press("Tab")
    tab.keyboard.press("Tab")
    tab.keyboard.press("Tab")
    assert tab.evaluate("document.activeElement.id") == "email"
    tab.keyboard.type("local@camden.gov.uk")
    tab.keyboard.press("Tab")
    tab.keyboard.type("a wrong password")
    tab.keyboard.press("Enter")
    tab.wait_for_selector("#sign-in-error")
    assert axe_violations(tab) == []  # the error state too
    assert tab.get_attribute("#password", "aria-describedby") == "sign-in-error"
    tab.focus("#password")
    tab.keyboard.type(PASSWORD)
    tab.keyboard.press("Enter")
    tab.wait_for_url(base + "/account")
    assert "Local Member" in tab.locator("main").inner_text()
    assert axe_violations(tab) == []
    sign_out = tab.get_by_role("button", name="Sign out")
    for _ in range(30):  # Tab through the page to the sign-out button
        tab.keyboard.press("Tab")
        if sign_out.evaluate("b => b === document.activeElement"):
            break
    assert sign_out.evaluate("b => b === document.activeElement")
    tab.keyboard.press("Enter")
    tab.wait_for_url(base + "/")
    tab.locator("#account-link").wait_for()
    assert tab.locator("#account-link").inner_text() == "Sign in"
    assert "Signed in as" not in account_text(tab, base)
