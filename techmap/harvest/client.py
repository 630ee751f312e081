"""One page of a harvest: fetched with httpx, parsed as an OCDS release package, retried as
retries.py says. The time spent parsing is measured apart from the network's."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

import httpx

from techmap.harvest.retries import (
    RETRIED_STATUSES,
    HarvestFailed,
    Retryable,
    RetryPolicy,
    parse_retry_after,
    Retrier,
)

USER_AGENT = "london-tech-map-harvest/1 (OCDS harvest of London borough technology contracts)"
RATE_LIMIT_403 = ("Contracts Finder answers 403 when its request rate limit is exceeded: wait five "
                  "minutes, then run the same command again (the harvest continues from this page)")


class PageClient:
    """Fetches pages; `parse_seconds` adds up the time spent turning bodies into JSON."""

    def __init__(self, policy: RetryPolicy, *, timeout_s: float = 60.0,
                 on_wait: Callable[[Retryable, float, int], None] | None = None):
        self.policy = policy
        self.retrier = Retrier(policy, on_wait)
        self.parse_seconds = 0.0
        self.http = httpx.Client(timeout=timeout_s, follow_redirects=True,
                                 headers={"User-Agent": USER_AGENT, "Accept": "application/json"})

    def close(self) -> None:
        self.http.close()

    def __enter__(self) -> PageClient:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def get_package(self, url: str) -> dict[str, Any]:
        """The release package at `url`, after as many tries as the policy allows. Raises
        HarvestFailed with the URL and the reason when it cannot be had."""
        return self.retrier(lambda: self._try_once(url))

    def _try_once(self, url: str) -> dict[str, Any]:
        try:
            # Streamed, so that the body is ours alone: a whole httpx Response keeps it in a
            # reference cycle until the garbage collector's next full pass.
            with self.http.stream("GET", url) as response:
                self._check_status(url, response)
                body = b"".join(response.iter_bytes())
        except httpx.TransportError as exc:  # refused, reset, timed out, cut off mid-body
            raise Retryable(url, f"network error: {type(exc).__name__}: {exc or 'no detail'}") \
                from None
        except httpx.InvalidURL as exc:
            raise HarvestFailed(f"{url}: not a URL that can be fetched ({exc})") from None
        return self._parse(url, body)

    def _check_status(self, url: str, response: httpx.Response) -> None:
        status = response.status_code
        if status == 200:
            return
        if status in RETRIED_STATUSES:
            wait = parse_retry_after(response.headers.get("Retry-After"))
            if wait is not None and wait > self.policy.max_wait_s:
                raise HarvestFailed(f"{url}: HTTP {status}: the server asks to wait {wait:.0f} s "
                                    f"(Retry-After), more than the longest wait allowed "
                                    f"({self.policy.max_wait_s:.0f} s, --max-wait); run the same "
                                    "command again later: the harvest continues from this page")
            raise Retryable(url, f"HTTP {status} {response.reason_phrase}".rstrip(), wait)
        hint = f"; {RATE_LIMIT_403}" if status == 403 else ""
        body = " ".join(response.read()[:200].decode("utf-8", "replace").split())
        raise HarvestFailed(f"{url}: HTTP {status} {response.reason_phrase}: "
                            f"{body or '(empty body)'}{hint}")

    def _parse(self, url: str, body: bytes) -> dict[str, Any]:
        started = time.perf_counter()
        try:
            package = json.loads(body)
        except (ValueError, RecursionError) as exc:  # JSONDecodeError, UnicodeDecodeError
            where = (f" at line {exc.lineno} column {exc.colno}"
                     if isinstance(exc, json.JSONDecodeError) else "")
            raise Retryable(url, f"the body is not valid JSON ({getattr(exc, 'msg', exc)}{where}; "
                                 f"{len(body):,} bytes received: a page cut short?)") from None
        finally:
            self.parse_seconds += time.perf_counter() - started
        if not isinstance(package, dict) or not isinstance(package.get("releases"), list):
            raise HarvestFailed(f"{url}: not an OCDS release package (no 'releases' list); "
                                "is --base-url the service's address?")
        return package
