"""Calendar subscriptions (components.calendar_links): webcal:// links from the configured base URL,
the copy-link button wired to its field and live region, and the note where no address is set."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from components.calendar_links import NOT_CONFIGURED_NOTE, base_url_note, subscription
from techmap.service import context
from tests.unit.test_timeline import _text


@pytest.fixture
def base_url(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("TECHMAP_BASE_URL", "https://techmap.example.org/")
    context.reset()
    yield
    monkeypatch.undo()
    context.reset()


def _find(children: list, name: str) -> list:
    out = []
    for child in children:
        if type(child).__name__ == name:
            out.append(child)
        if isinstance(getattr(child, "children", None), list):
            out += _find(child.children, name)
    return out


def test_subscription_is_a_webcal_link_with_a_copy_button(base_url: None) -> None:
    assert context.settings().base_url_configured
    children = subscription("/calendar/E09000007.ics?lead=12", "Camden's renewals calendar", "borough")
    links = {a.children: a.href for a in _find(children, "A")}
    assert links == {"Subscribe to Camden's renewals calendar": "webcal://techmap.example.org/calendar/E09000007.ics?lead=12",
                     "Download the file once instead (.ics)": "/calendar/E09000007.ics?lead=12"}
    (field,) = _find(children, "Code")
    (button,) = _find(children, "Button")
    (status,) = [s for s in _find(children, "Span") if getattr(s, "role", None) == "status"]
    assert field.children == "webcal://techmap.example.org/calendar/E09000007.ics?lead=12"
    assert button.children == "Copy link" and button.type == "button"
    props = button.to_plotly_json()["props"]
    assert props["data-copy"] == field.children and props["data-field"] == field.id
    assert props["aria-controls"] == status.id and status.to_plotly_json()["props"]["aria-live"] == "polite"
    assert base_url_note() is None


def test_without_a_base_url_the_link_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TECHMAP_BASE_URL", raising=False)
    context.reset()
    try:
        children = subscription("/calendar/E09000007.ics", "x", "k")
        assert _find(children, "A")[0].href == context.settings().base_url.replace("http://", "webcal://") + \
            "/calendar/E09000007.ics"
        assert _text(base_url_note()) == [NOT_CONFIGURED_NOTE]
    finally:
        context.reset()
