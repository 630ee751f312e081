"""/skills in headless Chromium on datasets/demo: the peer finder for one borough, chosen by
keyboard, shows exactly what datasets/demo/skills.csv gives when worked out by hand here (plain
Python over the CSV, none of the app's code); the borough filter narrows the heatmap; axe-core
finds no WCAG 2.2 A/AA violation."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.browser.conftest import wait_for_dash
from tests.browser.test_accessibility import axe_violations

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
BOROUGH, BOROUGH_NAME = "E09000007", "Camden"


def _by_hand(code: str) -> tuple[dict[str, tuple[int, list[str]]], dict[str, tuple[int, list[str]]]]:
    """(learn, help): area -> (the borough's level, ["Name (level N)", ...] in the finder's order)."""
    with (ROOT / "datasets" / "boundaries" / "london_boroughs_codes.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    names = {r["gss_code"]: r["name"] for r in rows}
    levels: dict[tuple[str, str], int] = {}
    with (ROOT / "datasets" / "demo" / "skills.csv").open(encoding="utf-8") as handle:
        for r in csv.DictReader(handle):
            levels[(r["authority_code"], r["skill_area"])] = int(r["level"])
    learn, helps = {}, {}
    for (c, area), own in levels.items():
        if c != code:
            continue
        others = [(names[o], lvl) for (o, a), lvl in levels.items() if a == area and o != code]
        above = sorted([p for p in others if p[1] >= own + 2], key=lambda p: (-p[1], p[0]))
        below = sorted([p for p in others if p[1] <= own - 2], key=lambda p: (p[1], p[0]))
        if above:
            learn[area] = (own, [f"{n} (level {lvl})" for n, lvl in above])
        if below:
            helps[area] = (own, [f"{n} (level {lvl})" for n, lvl in below])
    return learn, helps


def _shown(page, table_id: str) -> list[tuple[str, int, list[str]]]:
    return page.eval_on_selector_all(
        f"#{table_id} tbody tr",
        "rows => rows.map(r => [r.dataset.area, parseInt(r.cells[1].textContent, 10), "
        "Array.from(r.querySelectorAll('li')).map(li => li.textContent.replace(/\\s+/g, ' ').trim())])")


def test_the_finder_by_keyboard_shows_the_hand_worked_peers(page, live_server) -> None:
    page.goto(live_server + "/skills")
    wait_for_dash(page)
    assert page.locator("h1").inner_text() == "Skills for peer training"
    assert "never about named people" in page.locator(".skills-page .lead").inner_text()
    select = page.locator(".skills-borough-select")
    for _ in range(80):  # Tab through the page until the borough chooser has the focus
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.classList.contains('skills-borough-select')"):
            break
    else:
        raise AssertionError("Tab never reached the borough chooser")
    # A native select picks the option typed, by keyboard alone. Its type-ahead restarts when the
    # keys come slower than it waits for (a loaded machine), so the name is typed again, up to 3 times.
    for attempt in range(3):
        page.keyboard.type(BOROUGH_NAME)
        try:
            page.wait_for_url(f"**/skills?*borough={BOROUGH}*", timeout=15_000)
            break
        except PlaywrightTimeout:
            if attempt == 2:
                raise
    page.wait_for_selector("#skills-learn tbody tr")
    wait_for_dash(page)
    assert select.input_value() == BOROUGH
    learn, helps = _by_hand(BOROUGH)
    assert learn and helps  # the demo gives Camden both
    for table_id, expected in (("skills-learn", learn), ("skills-help", helps)):
        shown = _shown(page, table_id)
        assert {area: (own, peers) for area, own, peers in shown} == expected, table_id
        owns = [own for _, own, _ in shown]
        assert owns == sorted(owns, reverse=table_id == "skills-help")  # weakest (strongest) first
    # the first peer's link is reachable by Tab from the chooser and names a borough profile
    page.keyboard.press("Tab")
    focused = page.evaluate("() => document.activeElement.getAttribute('href') || ''")
    assert focused.startswith("/borough/")
    assert page.watch.errors == [] and page.watch.foreign == []


def test_the_borough_filter_narrows_the_heatmap_and_axe_finds_nothing(page, live_server) -> None:
    page.set_viewport_size({"width": 375, "height": 800})  # a phone: the table scrolls in its own region
    page.goto(live_server + "/skills")
    wait_for_dash(page)
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 375
    assert "describe no real team" in page.locator(".skills-illustrative").inner_text()
    page.set_viewport_size({"width": 1280, "height": 900})
    visible = ".skills-heatmap tbody tr:not([hidden])"
    assert page.locator(visible).count() == 33
    assert axe_violations(page) == []
    page.goto(live_server + f"/skills?authority={BOROUGH}&authority=E09000012&borough=E09000012")
    wait_for_dash(page)
    codes = page.eval_on_selector_all(visible, "rows => rows.map(r => r.dataset.code)")
    assert codes == [BOROUGH, "E09000012"]  # Camden, Hackney: by name
    assert "Pairs Hackney with the boroughs in the borough filter" in page.locator("#skills-finder").inner_text()
    assert axe_violations(page) == []
    # removing a borough from the filter shows or hides rows in the browser; the finder follows
    page.locator("button.chip[aria-label*='Camden']").click()
    page.wait_for_function("() => document.querySelectorAll('.skills-heatmap tbody tr:not([hidden])').length === 1")
    assert page.eval_on_selector_all(visible, "rows => rows.map(r => r.dataset.code)") == ["E09000012"]
    page.wait_for_function("() => document.querySelector('#skills-finder').textContent.includes('every other borough')")
    assert "borough=E09000012" in page.url and "authority=E09000007" not in page.url
