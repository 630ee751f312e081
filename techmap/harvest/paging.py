"""The next page: the URL the page itself gives in `links.next` (never one built by hand, since
the services' cursors are opaque), resolved against the page's own URL."""

from __future__ import annotations

from typing import Any
from urllib.parse import urljoin, urlsplit

from techmap.harvest.retries import HarvestFailed


def next_page_url(package: dict[str, Any], url: str) -> str | None:
    """The next page's URL, or None on the last page. A link that is not an http(s) URL, or
    that points back at the same page, stops the harvest with a message."""
    links = package.get("links")
    if links is None:
        return None
    if not isinstance(links, dict):
        raise HarvestFailed(f"{url}: 'links' is not an object ({str(links)[:80]!r})")
    following = links.get("next")
    if following in (None, ""):
        return None
    if not isinstance(following, str):
        raise HarvestFailed(f"{url}: links.next is not a URL ({str(following)[:80]!r})")
    resolved = urljoin(url, following.strip())
    if urlsplit(resolved).scheme not in ("http", "https"):
        raise HarvestFailed(f"{url}: links.next {following[:120]!r} is not an http(s) URL")
    if resolved == url:
        raise HarvestFailed(f"{url}: links.next points at the same page; stopping rather than "
                            "reading it forever")
    return resolved
