"""News of a newly published version over Redis pub/sub (where TECHMAP_REDIS_URL is set), so app
processes pick it up at once rather than at their next version check. The message only says
"look again": its content is never used, so nothing read from Redis can change what is served."""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable

import redis

CHANNEL = "techmap:dataset-version"
REDIS_URL_ENV = "TECHMAP_REDIS_URL"
log = logging.getLogger("techmap.live")


def redis_url() -> str | None:
    return os.environ.get(REDIS_URL_ENV, "").strip() or None


def announce(number: int) -> None:
    """Tell every listening process that version `number` is current (best effort: without
    Redis, they find it at their next check)."""
    url = redis_url()
    if url is None:
        return
    try:
        redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2).publish(
            CHANNEL, str(number))
    except redis.RedisError as error:
        log.warning("could not announce version %s over Redis (%s); hosts will find it at "
                    "their next check", number, error)


def listen(on_news: Callable[[], None], keep_going: Callable[[], bool]) -> None:
    """Call on_news() for every announcement until keep_going() is false (reconnecting after
    a Redis outage)."""
    url = redis_url()
    while url and keep_going():
        try:
            pubsub = redis.Redis.from_url(url, socket_connect_timeout=2).pubsub(
                ignore_subscribe_messages=True)
            pubsub.subscribe(CHANNEL)
            while keep_going():
                if pubsub.get_message(timeout=1.0) is not None:
                    on_news()
        except redis.RedisError as error:
            log.warning("version news over Redis unavailable (%s); checking every few seconds",
                        error)
            time.sleep(5)
