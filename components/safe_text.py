"""Dataset text is data, never markup. Dash renders component children as text already; these
cover the two places where it would not be: plotly labels (plotly reads a subset of HTML in
them) and link targets (a dataset's source URL could be `javascript:`)."""

from __future__ import annotations

from urllib.parse import urlparse

_ENTITIES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})


def plotly_text(text: object) -> str:
    """Escape a label for plotly, which shows &lt; as '<' but would read <b> as bold."""
    return str(text).translate(_ENTITIES)


def safe_url(url: object) -> str | None:
    """The URL if it is an ordinary web or mail link, else None (render as plain text then)."""
    if not isinstance(url, str) or not url.strip():
        return None
    scheme = urlparse(url.strip()).scheme.lower()
    return url.strip() if scheme in ("http", "https", "mailto") else None
