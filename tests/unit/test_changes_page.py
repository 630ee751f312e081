"""The /changes page's builders (components/changes.py) and layout (pages/changes.py) on a store
of two demo versions, and the from/to view settings in the URL state."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import app as app_module  # noqa: F401  (loads the pages, as Dash does)
from techmap.appstate import AppState
from techmap.analysis.filters import FilterState
from techmap.service import change_views
from tests.unit.changes_helpers import MOVED, SWITCHED, store_with_two_versions
from tests.unit.test_api import instance


def texts(component: Any) -> list[str]:
    """Every string in a Dash component tree, in order."""
    if isinstance(component, str):
        return [component]
    if isinstance(component, (list, tuple)):
        return [t for c in component for t in texts(c)]
    children = getattr(component, "children", None)
    return texts(children) if children is not None else []


def find(component: Any, kind: str) -> list[Any]:
    found = [component] if type(component).__name__ == kind else []
    children = component if isinstance(component, (list, tuple)) else getattr(component, "children", None)
    if isinstance(children, (list, tuple)):
        return found + [f for c in children for f in find(c, kind)]
    return found + (find(children, kind) if children is not None and not isinstance(children, str) else [])


@pytest.fixture()
def two_versions(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    database = store_with_two_versions(tmp_path)
    change_views.use_store(lambda: database)
    with instance(monkeypatch, public=False):
        yield
    change_views.use_store(None)


def test_the_page_shows_exactly_the_changes_in_tables_with_headers(two_versions: None) -> None:
    from pages import changes as page

    tree = page.layout()
    rows = [r for r in find(tree, "Tr") if getattr(r, "className", "").startswith("change-")]
    assert sorted(r.children[0].children for r in rows) == sorted([*MOVED, SWITCHED])
    for table in find(tree, "Table"):
        assert find(table, "Caption") and [th.scope for th in find(find(table, "Thead")[0], "Th")] \
            == ["col"] * 5
    words = " ".join(texts(tree))
    assert "Supplier switches" in words and "Civica" in words
    assert "end date: " in words


def test_filters_narrow_the_page(two_versions: None) -> None:
    from pages import changes as page

    narrowed = page.body(AppState(FilterState(supplier=("civica",))))
    rows = [r for r in find(narrowed, "Tr") if getattr(r, "className", "").startswith("change-")]
    assert [r.children[0].children for r in rows] == [SWITCHED]
    none = page.body(AppState(FilterState(q="no-such-words-anywhere")))
    assert "No contract changed between version 1 and version 2" in " ".join(texts(none))


def test_an_unknown_version_and_one_version_explain_themselves(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path, two_versions: None) -> None:
    from pages import changes as page

    unknown = page.body(AppState.from_query_string("?from=9"))
    assert "There is no version 9" in " ".join(texts(unknown))
    single = store_with_two_versions(tmp_path / "one", second=False)
    change_views.use_store(lambda: single)
    assert "python -m techmap publish" in " ".join(texts(page.layout()))


def test_from_and_to_are_kept_in_the_url_state() -> None:
    state = AppState.from_query_string("?from=3&to=x&authority=E09000007")
    assert state.to_query_string() == "?authority=E09000007&from=3"
    assert state.with_view("to", "5").view_value("to") == "5"
    assert state.with_view("to", "5; drop").view_value("to") == ""


def test_the_feed_link_carries_the_filters() -> None:
    from pages import changes as page

    assert page.feed_href(AppState.from_query_string("?supplier=civica&from=1")) == \
        "/changes.atom?supplier=civica"
