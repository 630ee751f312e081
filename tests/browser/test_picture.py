"""Issue 14 items 2-3 in a real browser, on datasets/demo under gunicorn with sign-in on and one
local member: the manufacturer filter narrows the page and the URL; the drop-downs' options carry
counts, drop values absent under the other filters and show more than three at a time; a member
sees the satisfaction chart, an anonymous visitor of the same server sees no sign of it."""

from __future__ import annotations

import csv
import os
import re
import secrets
import subprocess
import sys
import tempfile
from collections import Counter
from collections.abc import Iterator

import pytest

from tests.browser.conftest import ROOT, start_server, stop_server, wait_for_dash
from tests.browser.test_accessibility import axe_violations, open_every_details

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery staple"
MEMBER = "member@hackney.gov.uk"
DEMO = ROOT / "datasets" / "demo"


def _demo_rows() -> list[dict[str, str]]:
    with (DEMO / "contracts.csv").open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    env = {"TECHMAP_DATASET": str(DEMO),
           "TECHMAP_DATABASE_URL": f"sqlite:///{tempfile.mkdtemp(prefix='techmap-picture-')}/db.sqlite3",
           "TECHMAP_SECRET_KEY": secrets.token_urlsafe(40), "TECHMAP_SECURE_COOKIES": "0"}
    subprocess.run([sys.executable, "-m", "techmap", "users", "add", MEMBER, "--role", "member"],
                   input=PASSWORD + "\n", text=True, cwd=ROOT, env={**os.environ, **env,
                                                                    "TECHMAP_PUBLIC": ""},
                   check=True, capture_output=True)
    proc, base = start_server({**env, "TECHMAP_PUBLIC": ""})
    yield base
    stop_server(proc)


@pytest.fixture()
def visit(browser):
    contexts = []

    def open_page():
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB",
                                      timezone_id="Europe/London")
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(30000)
        page.answers = []
        page.on("response", lambda r: page.answers.append(r.text()) if "_dash-update-component" in r.url
                and r.status == 200 else None)
        return page

    yield open_page
    for context in contexts:
        context.close()


def _open_dropdown(page, param: str) -> list[str]:
    """Open a filter drop-down (opening "More filters" first when it is behind it); the option
    labels it lists."""
    if not page.locator(f"#filter-{param}").is_visible():
        page.locator("#filter-more-toggle").click()
        page.wait_for_function("() => document.getElementById('filter-more-toggle')"
                               ".getAttribute('aria-expanded') === 'true'")
    page.locator(f"#filter-{param}").focus()
    page.keyboard.press("Enter")
    page.wait_for_selector(".dash-dropdown-content [role=option]")
    return page.locator(".dash-dropdown-content [role=option]").all_inner_texts()


def test_the_manufacturer_filter_and_the_counted_drop_downs(server: str, visit) -> None:
    rows = _demo_rows()
    microsoft = [r for r in rows if r["manufacturer"] == "Microsoft"]
    sellers = Counter(r["supplier"] for r in microsoft)
    page = visit()
    page.goto(server + "/")
    wait_for_dash(page)
    before = page.locator("#headline-figures").inner_text()

    labels = _open_dropdown(page, "manufacturer")
    assert labels and all(re.fullmatch(r".+ \(\d[\d,]*\)", label) for label in labels)
    # more than three options show at a time (Dash's default height holds three)
    shown = page.evaluate("""() => {
        const box = document.querySelector('.dash-dropdown-content').getBoundingClientRect();
        return [...document.querySelectorAll('.dash-dropdown-content [role=option]')]
            .filter(o => { const r = o.getBoundingClientRect();
                           return r.height > 0 && r.top >= box.top && r.bottom <= box.bottom; }).length; }""")
    assert shown > 3
    page.keyboard.type("Microsoft")
    page.wait_for_function("(t) => document.querySelector('.dash-dropdown-content [role=option]')"
                           "?.textContent === t", arg=f"Microsoft ({len(microsoft)})")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    page.keyboard.press("Escape")

    page.wait_for_url(re.compile(r".*manufacturer=microsoft"))
    page.wait_for_function("(n) => document.getElementById('live-region').textContent.includes(n)",
                           arg=f"Showing {len(microsoft)} contracts")
    page.wait_for_function("(b) => document.getElementById('headline-figures').innerText !== b", arg=before)
    assert f"{len(microsoft)}" in page.locator("#headline-figures").inner_text()
    assert page.get_by_role("button", name="Remove filter Manufacturer: Microsoft").count() == 1

    # the supplier drop-down now offers only Microsoft's sellers, with their counts
    _open_dropdown(page, "supplier")
    page.wait_for_function("(n) => document.querySelectorAll('.dash-dropdown-content [role=option]').length === n",
                           arg=len(sellers))
    labels = page.locator(".dash-dropdown-content [role=option]").all_inner_texts()
    page.keyboard.press("Escape")
    assert sorted(labels) == sorted(f"{name} ({n})" for name, n in sellers.items())
    assert not any(label.startswith("Capita") for label in labels)
    # the drop-downs' part of a filter change stays small: changed counts, not options
    facets = [a for a in page.answers if '"facet-counts"' in a]
    assert facets and max(len(a) for a in facets) < 3_000

    # reload reproduces it from the URL
    page.reload()
    wait_for_dash(page)
    page.wait_for_function("(n) => document.getElementById('live-region').textContent.includes(n)",
                           arg=f"Showing {len(microsoft)} contracts")


def _sign_in(page, server: str) -> None:
    page.goto(server + "/sign-in")
    page.fill("#email", MEMBER)
    page.fill("#password", PASSWORD)
    page.press("#password", "Enter")
    page.wait_for_url("**/account")


def test_a_member_sees_satisfaction_an_anonymous_visitor_does_not(server: str, visit) -> None:
    member = visit()
    _sign_in(member, server)
    member.goto(server + "/satisfaction")
    wait_for_dash(member)
    member.wait_for_selector("#satisfaction-chart .js-plotly-plot")
    caption = member.locator("#satisfaction-caption").inner_text()
    assert re.search(r"Pearson r = [+-]\d\.\d\d, n = \d+", caption)
    assert member.locator("#main-nav").get_by_role("link", name="Satisfaction").count() == 1
    member.get_by_text("Show the boroughs as a table").click()
    assert member.locator("#satisfaction-body table").first.is_visible()
    open_every_details(member)
    assert axe_violations(member) == []
    member.goto(server + "/satisfaction?area=housing")  # it follows the filters
    wait_for_dash(member)
    assert member.locator("#satisfaction-caption").inner_text() != caption

    anonymous = visit()
    anonymous.goto(server + "/")  # the map page first, with its callbacks
    wait_for_dash(anonymous)
    anonymous.goto(server + "/satisfaction")
    wait_for_dash(anonymous)
    text = anonymous.locator("body").inner_text()
    assert "Page not found" in text and anonymous.title().startswith("Page not found")
    assert "satisfaction" not in text.lower() and "pearson" not in text.lower()
    assert not any("satisfaction-caption" in a or "Pearson" in a for a in anonymous.answers)
    assert anonymous.locator("#main-nav").get_by_role("link", name="Satisfaction").count() == 0
