"""dash_compat.py holds every use of Dash's private API; this test checks each against the installed
Dash, and that the installed Dash is in the range requirements.txt pins. An upgrade that moves one
of Dash's private names fails here, with the name, instead of on a page of the site."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import dash
import pytest
from dash import ctx, dcc, html
from packaging.specifiers import SpecifierSet
from packaging.version import Version

import app as app_module  # noqa: F401  (registers the pages, as the server does)
import dash_compat
import ids

ROOT = Path(__file__).resolve().parents[2]
UPGRADE = ("dash_compat.py uses Dash's private API and was checked against Dash {checked}; "
           "check each of its functions against Dash {installed} (this file tests them), then set "
           "CHECKED_RANGE and requirements.txt's dash range together")


def _required_range() -> SpecifierSet:
    for line in (ROOT / "requirements.txt").read_text(encoding="utf-8").splitlines():
        match = re.match(r"dash\s*([<>=!~][^#\s]*)", line.strip())
        if match:
            return SpecifierSet(match.group(1))
    raise AssertionError("requirements.txt pins no dash range")


def test_the_installed_dash_is_the_range_dash_compat_was_checked_against() -> None:
    installed = Version(dash.__version__)
    message = UPGRADE.format(checked=dash_compat.CHECKED_RANGE, installed=installed)
    assert _required_range() == SpecifierSet(dash_compat.CHECKED_RANGE), message
    assert installed in SpecifierSet(dash_compat.CHECKED_RANGE), message


def test_no_other_module_imports_dash_private_names() -> None:
    """Only dash_compat.py reaches into dash._*; everything else goes through it."""
    offenders = []
    for path in ROOT.rglob("*.py"):
        rel = path.relative_to(ROOT)
        if rel.parts[0] in (".venv", ".cache") or rel.name == "dash_compat.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = ([node.module or ""] if isinstance(node, ast.ImportFrom)
                     else [a.name for a in node.names] if isinstance(node, ast.Import) else [])
            if any(n.startswith("dash._") for n in names):
                offenders.append(f"{rel}:{node.lineno}")
            if isinstance(node, ast.Attribute) and node.attr == "_dev_tools":
                offenders.append(f"{rel}:{node.lineno} (_dev_tools)")
    assert offenders == []


def test_path_to_page_finds_the_router_s_page_and_variables() -> None:
    # paths as app.strip_relative_path gives them: no leading slash
    page, variables = dash_compat.path_to_page("borough/camden")
    assert page["module"] == "pages.borough" and variables == {"key": "camden"}
    assert dash_compat.path_to_page("")[0]["module"] == "pages.map"
    assert not dash_compat.path_to_page("no/such/page")[0]  # no page: the router shows its 404


def test_split_outputs_reads_single_and_multi_output_ids() -> None:
    many = dash_compat.split_outputs(dash_compat.ROUTER_OUTPUT)
    assert many == [{"id": dash_compat.PAGES_CONTENT, "property": "children"},
                    {"id": dash_compat.PAGES_STORE, "property": "data"}]
    assert dash_compat.split_outputs("map-headline.children") == {"id": "map-headline", "property": "children"}


def test_the_router_s_components_have_the_ids_dash_compat_names() -> None:
    container = dash.page_container
    found = {getattr(c, "id", None) for c in container.children}
    assert {dash_compat.PAGES_LOCATION, dash_compat.PAGES_CONTENT, dash_compat.PAGES_STORE} <= found
    assert dash_compat.ROUTER_OUTPUT in app_module.app.server.test_client().get("/_dash-dependencies").get_data(as_text=True)


def test_dev_tools_are_readable() -> None:
    tools = dash_compat.dev_tools(app_module.app)
    for name in ("ui", "hot_reload", "serve_dev_bundles", "props_check"):
        assert isinstance(getattr(tools, name), bool), name
    assert dash_compat.hot_reload_enabled(app_module.app) is False


def test_callback_context_is_what_dash_ctx_reads() -> None:
    outputs = [{"id": ids.APP_STATE, "property": "data"}]
    with dash_compat.callback_context([(ids.view("metric"), "value", "annual_value")], outputs):
        assert ctx.triggered_id == ids.view("metric")
        assert ctx.outputs_list == outputs
    with pytest.raises(Exception, match="only available from a callback"):
        _ = ctx.triggered_id


@pytest.mark.parametrize(("cls", "children", "props"), [
    (html.Td, "12", {"className": "num"}),
    (dcc.Link, "Camden", {"href": "/borough/camden"}),
    (html.Button, "x", {"id": {"type": "toggle", "value": "a"}, "aria-pressed": "false"}),
])
def test_build_unchecked_makes_what_the_constructor_makes(cls, children, props) -> None:
    fast, real = dash_compat.build_unchecked(cls, children, dict(props)), cls(children, **props)
    assert type(fast) is cls and fast.to_plotly_json() == real.to_plotly_json()
    assert dash_compat.to_json(fast) == dash_compat.to_json(real)
