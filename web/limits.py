"""Per-client rate limits, with Flask-Limiter.

One limiter for the app (the expensive downloads here, failed sign-ins in web/auth_pages.py),
counting over a moving window (the tenth failure in any 60 s, not per clock minute): its counts live in memory per process, or in Redis where
TECHMAP_REDIS_URL is set (shared by every process and host, so a client cannot spread its
requests over workers). A client is its address as web.access_log finds it: the peer, or the
visitor behind a proxy listed in FORWARDED_ALLOW_IPS. Should the store fail, requests are
counted in memory meanwhile rather than refused.

TECHMAP_EXPENSIVE_RATE limits what costs the server real work per request (Excel and CSV
downloads, calendar downloads of a view): default "30 per minute" per client, "off" for none.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from typing import Any, TypeVar

from flask import Flask, request
from flask_limiter import Limiter

from web.access_log import client_address

F = TypeVar("F", bound=Callable[..., Any])
log = logging.getLogger("techmap.web")

EXPENSIVE_RATE = os.environ.get("TECHMAP_EXPENSIVE_RATE", "30 per minute").strip() or "30 per minute"
TRUSTED_PROXIES = [p.strip() for p in os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1").split(",") if p.strip()]


def client_key() -> str:
    return client_address(request.remote_addr or "", request.headers.get("X-Forwarded-For", ""),
                          TRUSTED_PROXIES)


def storage_uri() -> str:
    """Redis where TECHMAP_REDIS_URL is set (limits' Redis storage), else this process's memory;
    a value that is not a Redis URL is logged once and counts in memory."""
    uri = os.environ.get("TECHMAP_REDIS_URL", "").strip() or "memory://"
    if not uri.startswith(("memory://", "redis://", "rediss://", "unix://")):
        log.error("TECHMAP_REDIS_URL is not a Redis URL (redis://host:6379/0); rate limits are "
                  "counted per process instead")
        return "memory://"
    return uri


limiter = Limiter(
    key_func=client_key,
    strategy="moving-window",
    headers_enabled=True,  # X-RateLimit-* and Retry-After on limited routes
    swallow_errors=True,  # a store outage must not take the site down...
    in_memory_fallback_enabled=True,  # ...so count in memory until it is back
    key_prefix="techmap",
)


def expensive_rate() -> str:
    """Read per request, so that tests can change it."""
    return EXPENSIVE_RATE


def _unlimited() -> bool:
    return expensive_rate().lower() == "off"


def expensive(view: F) -> F:
    """Limit a view to TECHMAP_EXPENSIVE_RATE per client, one count for every expensive view."""
    limit = limiter.shared_limit(lambda: "1 per second" if _unlimited() else expensive_rate(),
                                 scope="expensive", exempt_when=_unlimited)
    return limit(view)  # type: ignore[no-any-return]


def install(server: Flask) -> None:
    server.config.setdefault("RATELIMIT_STORAGE_URI", storage_uri())
    limiter.init_app(server)
