"""/changes in headless Chromium: after publishing a version that moves two end dates and switches
one supplier, the page shows exactly those, the filters narrow it, and axe finds nothing."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.browser.conftest import start_server, stop_server, wait_for_dash
from tests.browser.test_accessibility import axe_violations
from tests.unit.changes_helpers import MOVED, NEW_SUPPLIER, SWITCHED, store_with_two_versions

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def store_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = tmp_path_factory.mktemp("changes-store")
    store_with_two_versions(root)
    proc, base = start_server({"TECHMAP_DATABASE_URL": f"sqlite:///{root / 'store.db'}"})
    yield base
    stop_server(proc)


def shown_rows(page) -> list[str]:
    return sorted(page.eval_on_selector_all(
        "#changes-body tr[data-contract]", "rows => rows.map(r => r.dataset.contract)"))


def test_changes_shows_exactly_the_published_edits_and_the_filters_narrow_it(
        browser, store_server: str) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(20000)
    try:
        page.goto(store_server + "/changes")
        wait_for_dash(page)
        assert shown_rows(page) == sorted([*MOVED, SWITCHED])
        switches = page.inner_text("#changes-switches")
        assert NEW_SUPPLIER in switches and switches.count("→") == 1
        for cid in MOVED:
            what = page.inner_text(f"#changes-body tr[data-contract='{cid}']")
            assert "end date moved" in what and "end date:" in what
        headers = page.eval_on_selector_all(
            "#changes-body table thead th[scope=col]", "hs => hs.map(h => h.textContent)")
        assert headers[:5] == ["Contract", "Change", "System", "Supplier", "What changed"]
        assert axe_violations(page) == []

        page.goto(store_server + "/changes?supplier=" + NEW_SUPPLIER.lower())
        wait_for_dash(page)
        assert shown_rows(page) == [SWITCHED]
        assert "supplier=civica" in page.get_attribute("#changes-feed-link", "href")

        page.click("text=Clear all filters")  # the page follows the app state (its callback)
        page.wait_for_function("() => document.querySelectorAll("
                               "'#changes-body tr[data-contract]').length === 3")
        assert shown_rows(page) == sorted([*MOVED, SWITCHED])
        assert "/changes" in page.url and "supplier" not in page.url

        page.select_option(".changes-picker select[name=changes-from]", "2")  # kept in the URL
        page.wait_for_selector("text=No contract changed between version 2 and version 2")
        page.wait_for_function("() => location.search.includes('from=2')")
    finally:
        context.close()
