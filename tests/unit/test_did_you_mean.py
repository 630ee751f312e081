"""The not-found pages' "Did you mean ...?" paragraph (components/did_you_mean.py)."""

from __future__ import annotations

from dash import dcc

from components.did_you_mean import did_you_mean, or_list
from components.supplier_profile import not_found


def test_or_list_puts_commas_between_and_or_before_the_last() -> None:
    assert or_list([]) == []
    assert or_list(["a"]) == ["a"]
    assert or_list(["a", "b"]) == ["a", " or ", "b"]
    assert or_list(["a", "b", "c"]) == ["a", ", ", "b", " or ", "c"]


def test_the_paragraph_carries_its_own_props() -> None:
    paragraph = did_you_mean(["x"], id="here", className="lead")
    assert paragraph.children == ["Did you mean ", "x", "?"]
    assert paragraph.id == "here" and paragraph.className == "lead"


def test_a_missing_supplier_offers_the_suggestions_keeping_the_query() -> None:
    page = not_found("zz", "?q=1", [("a", "A"), ("b", "B")])
    words = page.children[2].children
    assert [w.href for w in words if isinstance(w, dcc.Link)] == ["/suppliers/a?q=1", "/suppliers/b?q=1"]
    assert [w for w in words if isinstance(w, str)] == ["Did you mean ", " or ", "?"]
    assert len(not_found("zz", "", []).children) == 3  # no suggestions: no paragraph for them
