"""Members and the public on one server, in a real browser: a member signed in with a local
account sees a restricted contract value on a borough page; an anonymous visitor of the same
server (a fresh browser context, no cookies) at the same moment does not, neither on the page nor
in the answers of the callbacks it drew."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
import tempfile
from collections.abc import Iterator

import pytest

from tests.browser.conftest import ROOT, start_server, stop_server, wait_for_dash
from tests.unit.test_public_mode import leaks

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery staple"
MEMBER = "member@camden.gov.uk"
RESTRICTED = "£918,273"  # Hackney's housing contract, value_public=false (tests/fixtures/api)


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    """gunicorn on the API fixture (two restricted rows), sign-in on, one local member."""
    env = {"TECHMAP_DATASET": str(ROOT / "tests" / "fixtures" / "api" / "dataset"),
           "TECHMAP_DATABASE_URL": f"sqlite:///{tempfile.mkdtemp(prefix='techmap-roles-')}/db.sqlite3",
           "TECHMAP_SECRET_KEY": secrets.token_urlsafe(40), "TECHMAP_SECURE_COOKIES": "0"}
    env.pop("TECHMAP_PUBLIC", None)
    subprocess.run([sys.executable, "-m", "techmap", "users", "add", MEMBER, "--role", "member"],
                   input=PASSWORD + "\n", text=True, cwd=ROOT, env={**os.environ, **env}, check=True,
                   capture_output=True)
    proc, base = start_server(env)
    yield base
    stop_server(proc)


def _visit(browser, url: str, sign_in_at: str | None = None) -> tuple[str, str]:
    """(the page's text, the callback answers it received) for a new browser context."""
    context = browser.new_context(locale="en-GB", timezone_id="Europe/London")
    page = context.new_page()
    page.set_default_timeout(30000)
    answers: list[str] = []
    page.on("response", lambda r: answers.append(r.text()) if "_dash-update-component" in r.url
            and r.status == 200 else None)
    try:
        if sign_in_at:
            page.goto(sign_in_at)
            page.fill("#email", MEMBER)
            page.fill("#password", PASSWORD)
            page.press("#password", "Enter")
            page.wait_for_url("**/account")
        page.goto(url)
        wait_for_dash(page)
        page.wait_for_selector("main table")
        return page.locator("main").inner_text(), "\n".join(answers)
    finally:
        context.close()


def test_a_member_sees_a_restricted_value_an_anonymous_visitor_does_not(browser, server: str) -> None:
    url = server + "/borough/hackney"
    member_text, member_answers = _visit(browser, url, sign_in_at=server + "/sign-in")
    anonymous_text, anonymous_answers = _visit(browser, url)
    assert RESTRICTED in member_text and leaks(member_answers)
    assert "Hackney" in anonymous_text  # the same page, drawn
    assert RESTRICTED not in anonymous_text and leaks(anonymous_text) == []
    assert leaks(anonymous_answers) == []
