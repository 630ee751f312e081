""""Did you mean A, B or C?": the suggestions a not-found page offers, as links."""

from __future__ import annotations

from typing import Any

from dash import html


def or_list(parts: list[Any]) -> list[Any]:
    """[a] / [a, " or ", b] / [a, ", ", b, " or ", c]."""
    out: list[Any] = []
    for i, part in enumerate(parts):
        if i:
            out.append(" or " if i == len(parts) - 1 else ", ")
        out.append(part)
    return out


def did_you_mean(links: list[Any], **props: Any) -> html.P:
    """The paragraph offering `links`; `props` are the paragraph's own (id, className)."""
    return html.P(["Did you mean ", *or_list(links), "?"], **props)
