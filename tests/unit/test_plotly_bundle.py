"""The vendored plotly.js bundle (vendor/plotlyjs): built from the plotly.js version the Python
plotly package ships, from the pinned and locked npm package and the trace list the build script
reads, and served at the URL dcc.Graph loads plotly.js from, so the full bundle is never sent.
(tests/browser/test_plotly_bundle.py runs the served bundle and checks its trace types;
`bash scripts/build-plotly-bundle --check` rebuilds it from the lockfile and compares the bytes.)"""

from __future__ import annotations

import json
import re

import pytest
from plotly.offline import get_plotlyjs_version

from tests.paths import ROOT
from web.plotly_bundle import BUNDLE, DASH_PLOTLY_PATH

VENDOR = ROOT / "vendor" / "plotlyjs"
SITE = __import__("dash").__path__[0]


def header() -> str:
    return BUNDLE.read_text(encoding="utf-8")[:400]


def test_the_bundle_is_the_plotlyjs_version_the_python_package_ships():
    version = get_plotlyjs_version()
    assert re.search(rf"\* plotly\.js v{re.escape(version)} \(London Tech Map bundle: ", header())
    assert json.loads((VENDOR / "package.json").read_text())["dependencies"]["plotly.js"] == version
    lock = json.loads((VENDOR / "package-lock.json").read_text())
    assert lock["packages"]["node_modules/plotly.js"]["version"] == version
    assert lock["packages"]["node_modules/plotly.js"]["integrity"].startswith("sha512-")


def test_the_bundle_holds_the_traces_the_build_entry_lists():
    entry = (VENDOR / "index.js").read_text()
    listed = re.findall(r"require\('plotly\.js/lib/(\w+)'\),", entry)
    named = re.search(r"London Tech Map bundle: ([\w, ]+)\)", header()).group(1).split(", ")
    assert named == ["scatter", *listed]  # rebuilt after the last change to the list
    assert "(London Tech Map bundle" in header() and "window.Plotly = Plotly;" in BUNDLE.read_text()[-200:]
    assert (VENDOR / "LICENSE").read_text().startswith("MIT License")


def test_node_modules_are_not_committed():
    assert "node_modules/" in (ROOT / ".gitignore").read_text().splitlines()


@pytest.fixture(scope="module")
def client():
    from app import server

    return server.test_client()


def test_dash_plotly_url_serves_the_custom_bundle(client):
    response = client.get(f"/{DASH_PLOTLY_PATH}", headers={"Accept-Encoding": "identity"})
    assert response.status_code == 200
    assert response.mimetype == "application/javascript"
    assert response.data == BUNDLE.read_bytes()
    assert response.headers["Cache-Control"] == "no-cache"  # a plain name: revalidated by ETag
    again = client.get(f"/{DASH_PLOTLY_PATH}", headers={"If-None-Match": response.headers["ETag"],
                                                         "Accept-Encoding": "identity"})
    assert again.status_code == 304


def test_dash_plotly_url_is_compressed_like_the_other_static_files(client):
    response = client.get(f"/{DASH_PLOTLY_PATH}", headers={"Accept-Encoding": "gzip, deflate, br, zstd"})
    assert response.headers["Content-Encoding"] == "zstd"
    assert len(response.data) < 520_000 < BUNDLE.stat().st_size
    assert "Accept-Encoding" in response.headers["Vary"]


def test_dash_still_loads_plotly_from_that_url_unless_window_plotly_is_set():
    # What web.plotly_bundle relies on in the installed Dash: the renderer names the URL, and the
    # graph's loader uses window.Plotly when defined or adds a script with that URL.
    renderer = open(f"{SITE}/dash-renderer/build/dash_renderer.min.js", encoding="utf-8").read()
    assert DASH_PLOTLY_PATH in renderer
    graph_loader = open(f"{SITE}/dcc/dash_core_components.js", encoding="utf-8").read()
    assert "window.Plotly||new Promise" in graph_loader and "window._dashPlotlyJSURL" in graph_loader


def test_pages_with_graphs_preload_what_their_graphs_fetch(client):
    from components.map_figure import boundaries_url

    links = client.get("/").headers["Link"].split(", ")
    assert links == [f"</{DASH_PLOTLY_PATH}>; rel=preload; as=script",
                     "</_dash-component-suites/dash/dcc/async-graph.js>; rel=preload; as=script",
                     "</assets/topojson/world_110m.json>; rel=preload; as=fetch; crossorigin",
                     f"<{boundaries_url()}>; rel=preload; as=fetch; crossorigin"]
    assert client.get("/assets/topojson/world_110m.json").status_code == 200  # the name plotly asks for
    assert client.get("/renewals?area=housing").headers["Link"] == ", ".join(links[:2])
    for path in ("/data", "/borough/E09000007", "/about", "/no-such-page"):
        assert "Link" not in client.get(path).headers, path
