"""Shared by the tests of layouts and builders: the Dash components in a tree."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any


def components_in(node: Any) -> Iterator[Any]:
    """Every Dash component in `node` (a component, a list of them, or text), each before its
    children, depth first."""
    if isinstance(node, (list, tuple)):
        for item in node:
            yield from components_in(item)
    elif hasattr(node, "to_plotly_json"):
        yield node
        yield from components_in(getattr(node, "children", None))
