"""components.fast_html.el builds what Dash's own constructors build, for every class it is used with."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from dash import dcc, html
from plotly.utils import PlotlyJSONEncoder

from components.fast_html import el

REPO = Path(__file__).resolve().parents[2]


def _json(component) -> str:
    return json.dumps(component, cls=PlotlyJSONEncoder, sort_keys=True)


CASES = [
    (html.Td, "12", {"className": "num"}),
    (html.Th, "Camden", {"scope": "row", "className": None}),
    (html.Tr, [html.Td("a")], {}),
    (html.Li, ["x", html.Strong("y")], {}),
    (html.Strong, "bold", {}),
    (html.A, "Contracts Finder", {"href": "https://example.org/notice", "rel": "noopener noreferrer"}),
    (html.Span, "s", {"className": "muted", "aria-hidden": "true"}),
    (html.Button, "Select", {"id": {"type": "toggle", "key": "E09000007"}, "n_clicks": 0,
                             "className": "btn btn-sm", "aria-pressed": "false", "title": "Select Camden"}),
    (dcc.Link, "Camden", {"href": "/borough/camden?area=housing"}),
    (html.Td, None, {}),
    (html.Article, [html.H3("Group")], {"className": "jp-card", "aria-label": "Same system: Uniform"}),
    (html.H3, ["Uniform", html.Span("Same system")], {"className": "h6 jp-title"}),
    (html.P, [html.Strong("Boroughs (2): "), "Camden"], {"className": "jp-fact"}),
    (html.A, "evidence", {"href": "https://example.org/notice/1", "rel": "noopener noreferrer"}),
    (html.Ol, [html.Li("Camden (level 5)")], {"className": "peer-list"}),
    (html.Dl, [html.Dt("Supplier"), html.Dd("Capita")], {"className": "contract-card-terms"}),
    (html.Dt, "End date", {}),
    (html.Dd, ["31 Mar 2027", html.Span("Due soon")], {"className": None}),
    (html.H4, "Housing", {"className": "h6"}),
    (html.Tr, [html.Th("Camden")], {"hidden": True, "data-code": "E09000007"}),
]


@pytest.mark.parametrize("cls, children, props", CASES)
def test_el_matches_the_dash_constructor(cls, children, props):
    real = cls(children, **props)
    fast = el(cls, children, **props)
    assert type(fast) is cls
    assert _json(fast) == _json(real)
    assert fast.children == real.children
    for key, value in props.items():
        assert getattr(fast, key) == value


def test_every_class_el_is_used_with_is_checked_here():
    used = set()
    for path in [*REPO.glob("components/*.py"), *REPO.glob("pages/*.py")]:
        used |= set(re.findall(r"\bel\(\s*(html\.\w+|dcc\.\w+)", path.read_text()))
    checked = {f"{'dcc' if c.__module__.startswith('dash.dcc') else 'html'}.{c.__name__}" for c, _, _ in CASES}
    assert used <= checked, f"add a case for {sorted(used - checked)}"
