"""The real dataset (datasets/london, what `bash scripts/run` serves) in headless Chromium: the
map's coverage figure, the data page's list of unknown pairs with the survey template link, the
borough profile's evidence links, every page without console errors."""

from pathlib import Path

import pytest

from tests.browser.conftest import serving, wait_for_dash, watched_tab

pytestmark = pytest.mark.browser
LONDON = Path(__file__).resolve().parents[2] / "datasets" / "london"


@pytest.fixture(scope="module")
def real_server():
    with serving({"TECHMAP_DATASET": str(LONDON)}) as base:
        yield base


@pytest.fixture()
def real_page(browser, real_server):
    with watched_tab(browser, real_server) as page:
        yield page


def test_map_shows_the_coverage_figure(real_page, real_server):
    from techmap.analysis.coverage import COVERED_AREAS, coverage_share
    from techmap.dataformat.dataset import load_dataset

    known, possible = coverage_share(load_dataset(LONDON).contracts)
    real_page.goto(real_server + "/")
    wait_for_dash(real_page)
    figure = real_page.locator("#map-coverage")
    assert figure.inner_text().startswith(
        f"{known} of {possible} borough and service-area pairs ({known / possible:.0%}; "
        f"33 boroughs × {len(COVERED_AREAS)} service areas)")
    assert figure.locator("a", has_text="survey template").get_attribute("href") == \
        "/download/survey-template.xlsx"
    real_page.get_by_label("Service areas known from public evidence").check()
    real_page.wait_for_function("() => location.search.includes('metric=pairs_known')")
    wait_for_dash(real_page)
    assert "Service areas known" in real_page.locator("#map-ranked").inner_text()
    assert real_page.watch.errors == [] and real_page.watch.foreign == []


def test_data_page_lists_the_unknown_pairs_and_borough_shows_evidence(real_page, real_server):
    real_page.goto(real_server + "/data")
    wait_for_dash(real_page)
    section = real_page.locator("#unknown-pairs")
    assert "have nothing published yet" in section.inner_text()
    section.locator("summary").click()
    camden = section.locator("li", has_text="Camden")
    assert "Adults' social care" in camden.inner_text()
    assert section.locator("a", has_text="survey template").count() == 1
    # the grid's Evidence column links each row's evidence (the file on GitHub at its commit)
    evidence = real_page.locator('.data-grid [col-id="evidence"] a').first
    evidence.wait_for()
    assert evidence.get_attribute("href").startswith("https://github.com/")
    real_page.goto(real_server + "/borough/E09000007")
    wait_for_dash(real_page)
    # the same link in the table and in the phone cards
    links = real_page.locator("a", has_text="listing, 30 May 2026")
    assert links.count() == 2
    assert links.first.get_attribute("href") == links.last.get_attribute("href") == (
        "https://github.com/DemocracyClub/LGSF/blob/5d40e23c6860b8be049b57a4ca9b177696a3c02f/"
        "scrapers/CMD-camden/metadata.json")
    assert "Nothing published yet" in real_page.locator("#borough-gaps").inner_text()
    assert real_page.watch.errors == [] and real_page.watch.foreign == []
