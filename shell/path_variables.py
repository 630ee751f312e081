"""The path variable a profile page was reached by, as the address bar has it.

Dash's page router passes path variables and query parameters to `layout()` in one dict, the query
winning: `/borough/camden?key=hackney` would show Hackney, and `?key=a&key=b` would pass a list.
Profiles re-read their key from the pathname the router matched, so the page shown is always
the one the path names."""

from __future__ import annotations

from typing import Any

from dash import ctx, strip_relative_path

from dash_compat import PAGES_LOCATION, path_to_page  # the router's own matcher: both read the path alike

PATHNAME = f"{PAGES_LOCATION}.pathname"


def path_variable(name: str, given: Any) -> str | None:
    """The `name` variable of the pathname being routed, else `given` when it is text."""
    try:
        pathname = ctx.inputs.get(PATHNAME)  # only inside the router's callback
    except Exception:  # outside a callback (a test, the validation layout): no context
        pathname = None
    if isinstance(pathname, str):
        _page, variables = path_to_page(strip_relative_path(pathname) or "")
        value = (variables or {}).get(name)
        return value if isinstance(value, str) else None
    return given if isinstance(given, str) else None
