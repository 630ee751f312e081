"""A dataset whose names carry script and HTML payloads: nothing executes, the text shows as typed,
and the app makes no request to any other host."""

from pathlib import Path

import pytest

from tests.browser.conftest import next_frames, serving, wait_for_dash, watched_tab

pytestmark = pytest.mark.browser
HOSTILE = Path(__file__).resolve().parents[1] / "fixtures" / "hostile_dataset"
PAGES = ["/", "/suppliers", "/renewals", "/boroughs", "/borough/camden", "/data", "/about",
         "/?supplier=img-src-x-onerror-window-xss-supplier", "/renewals?authority=E09000007&group=authority"]


@pytest.fixture(scope="module")
def hostile_server():
    with serving({"TECHMAP_DATASET": str(HOSTILE)}) as base:
        yield base


@pytest.fixture()
def hostile_page(browser, hostile_server):
    with watched_tab(browser, hostile_server, timeout_ms=None) as page:
        dialogs = []
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.dialogs = dialogs
        yield page


@pytest.mark.parametrize("path", PAGES)
def test_payloads_never_run_and_show_as_typed(hostile_page, hostile_server, path):
    page = hostile_page
    page.goto(hostile_server + path)
    wait_for_dash(page)
    # Hover over every chart so that plotly draws its hover labels too; after each move, wait until
    # the browser has drawn the label (a payload in it would have run by then).
    for graph in page.locator(".js-plotly-plot").all():
        box = graph.bounding_box()
        if box:
            for fx, fy in ((0.3, 0.3), (0.5, 0.5), (0.7, 0.6)):
                page.mouse.move(box["x"] + box["width"] * fx, box["y"] + box["height"] * fy)
                next_frames(page)
    assert page.evaluate("() => window.__xss") is None
    assert page.dialogs == []
    assert page.locator("#react-entry-point script").count() == 0
    assert page.locator("img[src=x]").count() == 0
    assert page.locator("a[href^='javascript:']").count() == 0
    assert page.watch.foreign == []


def test_names_are_visible_literally(hostile_page, hostile_server):
    page = hostile_page
    page.goto(hostile_server + "/borough/camden")
    wait_for_dash(page)
    text = page.inner_text("main")
    assert '<script>window.__xss="system"</script>' in text
    assert "<b>Bold</b> & <i>Co</i>" in text
    page.goto(hostile_server + "/suppliers")
    wait_for_dash(page)
    # Supplier boxes and system tiles show the names; read the SVG's text once plotly has drawn it.
    page.locator(".treemap-graph g.slice text.slicetext").last.wait_for()
    svg_text = "".join(page.locator(".js-plotly-plot text").all_text_contents()).replace(" ", "")
    # spaces dropped: system tiles wrap at spaces. The supplier '"><svg onload=...' shows without
    # its leading quote, which the supplier-name clean-up strips (techmap.analysis.suppliers.clean_name).
    assert '><svgonload="window.__xss' in svg_text and "<imgsrc=xonerror=" in svg_text
    assert "<b>Bold</b>&<i>Co</i>" in svg_text and "<ahref=\"javascript:" in svg_text  # system tiles
    assert "<b>Bold</b> & <i>Co</i>" in page.locator("main").text_content()
    assert page.evaluate("() => window.__xss") is None


def test_renewals_charts_show_names_literally(hostile_page, hostile_server):
    """The timeline's labels and hover text and the quarter bars are plotly text, which reads
    <b>, <i> and <a href>: the names must show as typed, with no bold, italics or link made."""
    page = hostile_page
    page.goto(hostile_server + "/renewals?authority=E09000007")
    wait_for_dash(page)
    timeline = page.locator("#renewals-timeline-graph .js-plotly-plot")
    timeline.locator("g.ytick text").first.wait_for()
    ticks = [t.strip() for t in timeline.locator("g.ytick text").all_text_contents()]
    assert "Camden – <b>Bold</b> & <i>Co</i>" in ticks
    # long labels are shortened before escaping: the cut shows the characters, never an entity
    assert any(t.startswith("Camden – <script>window.__xss=") and t.endswith("…") for t in ticks), ticks
    assert any(t.startswith("Camden – <a href=\"javascript:") for t in ticks), ticks
    assert not any("&lt;" in t or "&amp;" in t for t in ticks)
    # the only bold is the app's own group headings; no link or italics anywhere in the charts
    bold = timeline.locator("g.ytick tspan[style*='bold']").all_text_contents()
    assert bold and set(bold) <= {"Housing", "Finance and ERP", "Parking", "GIS and mapping"}, bold
    charts = page.locator("#renewals-timeline-graph, #renewals-summary-graph")
    assert charts.locator("a").count() == 0
    assert charts.locator("tspan[style*='italic']").count() == 0
    # hover over a bar: plotly's hover label shows the supplier as typed
    bar = timeline.locator("g.trace.bars g.point path").first
    bar.scroll_into_view_if_needed()
    box = bar.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_function(
        "() => (document.querySelector('#renewals-timeline-graph .hoverlayer') || {}).textContent")
    hover = page.locator("#renewals-timeline-graph .hoverlayer").text_content()
    assert "Supplier: " in hover
    assert any(s in hover for s in ("<img src=x onerror=", "\"><svg onload=", "+cmd|", "@SUM(1+1)")), hover
    assert page.locator("#renewals-timeline-graph .hoverlayer a").count() == 0
    assert page.evaluate("() => window.__xss") is None
