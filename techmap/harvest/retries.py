"""Rate limits and passing failures: what is retried, how long to wait, when to give up.

A 429 or 5xx answer, a network error or a body that is not valid JSON (a truncated page) is tried
again after the server's `Retry-After` (seconds or an HTTP date) or, without one, an exponential
back-off; after `tries` tries the harvest gives up with a message naming the URL and the last
reason. tenacity does the retrying; `sleep` is injectable so that tests keep the real waits'
logic without spending the time."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import TypeVar

import tenacity
from tenacity.wait import wait_base, wait_exponential

T = TypeVar("T")
RETRIED_STATUSES = frozenset({429, 500, 502, 503, 504})


class HarvestFailed(Exception):
    """The harvest cannot go on; the message says why and where (it is shown to the user)."""


class Retryable(Exception):
    """A failure worth trying again: `reason` says what happened, `retry_after` is the wait in
    seconds the server asked for (None: back off)."""

    def __init__(self, url: str, reason: str, retry_after: float | None = None):
        super().__init__(f"{url}: {reason}")
        self.url, self.reason, self.retry_after = url, reason, retry_after


@dataclass(frozen=True)
class RetryPolicy:
    tries: int = 6  # tries per page, the first included
    backoff_s: float = 2.0  # the first back-off; doubled on each try
    max_wait_s: float = 300.0  # the longest wait; a server asking for more is a failure
    sleep: Callable[[float], None] = time.sleep


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a `Retry-After` header (delay-seconds or an HTTP date), None when
    absent or unreadable (the caller then backs off)."""
    if value is None or not value.strip():
        return None
    text = value.strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


class _RetryAfterOrBackoff(wait_base):
    """The server's Retry-After when it gave one, else exponential back-off; never above the cap."""

    def __init__(self, policy: RetryPolicy):
        self.cap = policy.max_wait_s
        self.backoff = wait_exponential(multiplier=policy.backoff_s, max=policy.max_wait_s)

    def __call__(self, retry_state: tenacity.RetryCallState) -> float:
        outcome = retry_state.outcome
        failure = outcome.exception() if outcome is not None else None
        if isinstance(failure, Retryable) and failure.retry_after is not None:
            return min(failure.retry_after, self.cap)
        return float(self.backoff(retry_state))


class Retrier:
    """Runs an attempt until it succeeds: Retryable failures are retried, HarvestFailed is not.
    `on_wait(failure, seconds, next try number)` is told before each wait. One tenacity
    Retrying serves every page, so that no finished page stays referenced (its state would hold
    the page until the garbage collector's next full pass)."""

    def __init__(self, policy: RetryPolicy,
                 on_wait: Callable[[Retryable, float, int], None] | None = None):
        self.tries = max(1, policy.tries)
        self.on_wait = on_wait
        self._retrying = tenacity.Retrying(
            stop=tenacity.stop_after_attempt(self.tries),
            wait=_RetryAfterOrBackoff(policy),
            retry=tenacity.retry_if_exception_type(Retryable),
            sleep=policy.sleep,
            before_sleep=self._before_sleep,
            reraise=True,
        )

    def _before_sleep(self, state: tenacity.RetryCallState) -> None:
        failure = state.outcome.exception() if state.outcome is not None else None
        seconds = state.next_action.sleep if state.next_action is not None else 0.0
        if self.on_wait is not None and isinstance(failure, Retryable):
            self.on_wait(failure, seconds, state.attempt_number + 1)

    def __call__(self, attempt: Callable[[], T]) -> T:
        try:
            return self._retrying(attempt)
        except Retryable as failure:
            raise HarvestFailed(f"gave up on {failure.url} after {self.tries} tries: "
                                f"{failure.reason}") from None
