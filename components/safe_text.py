"""Dataset text is data, never markup. Dash renders component children as text already; these
cover the two places where it would not be: plotly labels (plotly reads a subset of HTML in
them) and link targets (a dataset's source URL could be `javascript:`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlparse

from dash import html

_ENTITIES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})


def plotly_text(text: object) -> str:
    """Escape a label for plotly, which shows &lt; as '<' but would read <b> as bold."""
    return str(text).translate(_ENTITIES)


LABEL_LIMIT = 80  # characters of a dataset name shown in a drop-down label, chip or title


def short_label(text: object, limit: int = LABEL_LIMIT) -> str:
    """A dataset name shortened for a label: a 32,767-character name sent as a drop-down label
    crashed the browser tab. The validator caps names at 200; this keeps labels on one line."""
    text = str(text)
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def safe_url(url: object) -> str | None:
    """The URL if it is an ordinary web or mail link, else None (render as plain text then)."""
    if not isinstance(url, str) or not url.strip() or len(url) > 2000:
        return None
    try:
        parsed = urlparse(url.strip())
    except ValueError:
        return None
    scheme = parsed.scheme.lower()
    if scheme in ("http", "https") and parsed.netloc or scheme == "mailto":
        return url.strip()
    return None


def source_title(key: str, meta: Mapping[str, Any]) -> Any:
    """A dataset source's title, linked to its URL only when that URL is safe."""
    title = str(meta.get("title") or key)
    url = safe_url(meta.get("url"))
    return html.A(title, href=url) if url else title
