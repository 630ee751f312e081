"""The one cache of computed views: bounded in-process tiers (cachetools), Redis behind them.

Every key starts with (dataset version, role): techmap.service.views builds it, so an entry made
for one dataset or one audience is never served to another. Three bounded in-process tiers:

- `VIEWS`: small results (33-row tables, dicts, tuples) per (version, role, view, request state).
  With TECHMAP_REDIS_URL set they are also shared through Redis as JSON (never pickle: what Redis
  holds is data, read back through `decode`, and cannot run code).
- `INDEXES`: per-dataset derived arrays (sort ranks, text columns, quality flags): in-process
  only, as they are large numpy arrays that every process can rebuild.
- `ARRAYS`, `SEARCH`: values derived from one numpy array (integer codes, search indexes),
  dropped with it.
- `MASKS`: the filter mask (one bool per row) per (version, role, filter state), in-process,
  bounded in bytes: the map, its side panel and the banner of one change share it.
- `RESPONSES`: whole callback responses (bytes), bounded in entries and in total bytes.
- `FEEDS`: calendar feeds (bytes and their ETag), bounded in total bytes.

Redis is optional and may fail: connect and read time out after REDIS_TIMEOUT seconds, a failure
pauses Redis for REDIS_PAUSE seconds (one log line per outage, no traceback) and the app carries
on with its in-process tiers. `clear()` empties every tier (context.reset calls it).
"""

from __future__ import annotations

import functools
import json
import logging
import os
import threading
import time
import weakref
from collections.abc import Callable, Hashable
from datetime import date
from typing import Any, ParamSpec, TypeVar
from urllib.parse import urlsplit

import cachetools
import numpy as np
import pandas as pd

P = ParamSpec("P")
R = TypeVar("R")
log = logging.getLogger("techmap.cache")

VIEW_ENTRIES = int(os.environ.get("TECHMAP_CACHE_SIZE", "512"))
INDEX_ENTRIES = 256
ARRAY_ENTRIES = 128
SEARCH_ENTRIES = 4
RESPONSE_ENTRIES = int(os.environ.get("TECHMAP_RESPONSE_CACHE", "400"))
RESPONSE_BYTES = 32 * 1024 * 1024  # the worst case per worker: most responses are 1-40 KB
FEED_BYTES = 64 * 1024 * 1024
REDIS_TIMEOUT = 0.2  # seconds to connect, and to wait for an answer
REDIS_PAUSE = 30.0  # seconds without trying Redis after it failed
REDIS_TTL = 3600  # seconds an entry lives in Redis
REDIS_SCHEMES = ("redis", "rediss", "unix")


class BytesLRU(cachetools.LRUCache):
    """An LRU of byte strings bounded in entries and in total bytes (currsize), so that its
    worst-case memory is a number an operator can read off. Too large a value is not kept."""

    def __init__(self, max_entries: int, max_bytes: int):
        super().__init__(maxsize=max_bytes, getsizeof=len)
        self.max_entries = max_entries

    def __setitem__(self, key: Hashable, value: bytes) -> None:
        if len(value) > self.maxsize:
            return
        super().__setitem__(key, value)
        while len(self) > self.max_entries:
            self.popitem()


class Tier:
    """One bounded, thread-safe in-process cache with hit and miss counts."""

    def __init__(self, name: str, store: cachetools.Cache):
        self.name = name
        self.store = store
        self.lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, key: Hashable) -> Any:
        with self.lock:
            value = self.store.get(key, MISSING)
            if value is MISSING:
                self.misses += 1
            else:
                self.hits += 1
            return value

    def set(self, key: Hashable, value: Any) -> None:
        with self.lock:
            self.store[key] = value

    def clear(self) -> None:
        with self.lock:
            self.store.clear()
            self.hits = self.misses = 0

    def __len__(self) -> int:
        return len(self.store)


class ArrayTier(Tier):
    """Values derived from one numpy array (its integer codes, its search index), keyed by
    (kind, the array's identity) and dropped as soon as the array is freed: the loaded table's
    arrays are the same objects on every call, so what is worked out from them once is kept."""

    def __init__(self, name: str, maxsize: int):
        super().__init__(name, cachetools.LRUCache(maxsize=maxsize))
        self.lock = threading.RLock()  # re-entrant: a weakref callback may fire while it is held

    def lookup(self, kind: str, array: Any) -> Any:
        with self.lock:
            entry = self.store.get((kind, id(array)))
            if entry is None or entry[0]() is not array:
                return MISSING
            self.hits += 1
            return entry[1]

    def keep(self, kind: str, array: Any, value: Any) -> bool:
        """Keep `value` for `array`; False (and nothing kept) when the array has no weak reference."""
        key = (kind, id(array))
        try:
            ref = weakref.ref(array, lambda _, key=key: self.forget(key))
        except TypeError:
            return False
        with self.lock:
            self.store[key] = (ref, value)
        return True

    def forget(self, key: Hashable) -> None:
        with self.lock:
            self.store.pop(key, None)

    def count(self, kind: str) -> int:
        with self.lock:
            return sum(1 for k in self.store if k[0] == kind)


MISSING = object()  # what Tier.get returns for an absent key
VIEWS = Tier("views", cachetools.LRUCache(maxsize=VIEW_ENTRIES))
INDEXES = Tier("indexes", cachetools.LRUCache(maxsize=INDEX_ENTRIES))
RESPONSES = Tier("responses", BytesLRU(RESPONSE_ENTRIES, RESPONSE_BYTES))
# Calendar feeds, (body, etag) pairs, bounded by their total size.
FEEDS = Tier("feeds", cachetools.LRUCache(maxsize=FEED_BYTES, getsizeof=lambda item: len(item[0]) or 1))
# Integer codes of text columns (techmap.analysis.concentration.factorize) and search indexes of text
# arrays (techmap.analysis.queries), per array; SEARCH counts arrays seen once too.
ARRAYS = ArrayTier("arrays", ARRAY_ENTRIES)
SEARCH = ArrayTier("search indexes", SEARCH_ENTRIES)  # each is large: a few only
# Filter masks per (version, role, state): numpy bool arrays, bounded by their total size.
MASK_BYTES = 32 * 1024 * 1024
MASKS = Tier("masks", cachetools.LRUCache(maxsize=MASK_BYTES, getsizeof=lambda mask: mask.nbytes or 1))
# Built download files (Excel, calendars of a view) by normalised view and role (web.expensive).
DOWNLOADS = Tier("downloads", BytesLRU(64, 64 * 1024 * 1024))
TIERS = (VIEWS, INDEXES, MASKS, RESPONSES, FEEDS, ARRAYS, SEARCH, DOWNLOADS)


# ---- values as JSON ---------------------------------------------------------------------------
# The documented forms of what JSON lacks: {"__tuple__": [...]}, {"__date__": "YYYY-MM-DD"} and
# {"__frame__": {"columns", "dtypes", "index", "index_name", "data"}} for a DataFrame (its
# pandas.DataFrame.to_dict("split") with each column's dtype name, restored column by column).
# Anything else that JSON cannot hold is refused (TypeError), so a view that returns one is kept
# in-process only and the mistake shows in tests.


def encode(value: Any) -> str:
    return json.dumps(_plain(value), separators=(",", ":"), allow_nan=True)


def decode(text: str | bytes) -> Any:
    return _restore(json.loads(text))


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, (int, float, np.integer, np.floating, np.bool_)):
        return value.item() if isinstance(value, np.generic) else value
    if isinstance(value, date):
        return {"__date__": value.isoformat()}
    if isinstance(value, tuple):
        return {"__tuple__": [_plain(v) for v in value]}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict) and all(isinstance(k, str) for k in value):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, pd.DataFrame):
        split = value.to_dict(orient="split")
        return {"__frame__": {"columns": [str(c) for c in value.columns],
                              "dtypes": [str(t) for t in value.dtypes],
                              "index": [_plain(i) for i in split["index"]], "index_name": value.index.name,
                              "data": [[_plain(v) for v in row] for row in split["data"]]}}
    raise TypeError(f"{type(value).__name__} has no JSON form for the shared cache")


def _restore(value: Any) -> Any:
    if isinstance(value, list):
        return [_restore(v) for v in value]
    if not isinstance(value, dict):
        return value
    if "__tuple__" in value:
        return tuple(_restore(v) for v in value["__tuple__"])
    if "__date__" in value:
        return date.fromisoformat(value["__date__"])
    if "__frame__" in value:
        f = value["__frame__"]
        frame = pd.DataFrame([[_restore(v) for v in row] for row in f["data"]], columns=f["columns"], index=[_restore(i) for i in f["index"]])
        frame.index.name = f["index_name"]
        for column, dtype in zip(f["columns"], f["dtypes"], strict=True):
            frame[column] = frame[column].astype(dtype)
        return frame
    return {k: _restore(v) for k, v in value.items()}


# ---- Redis ------------------------------------------------------------------------------------


def check_redis_url(url: str) -> str:
    """The URL when it is one Redis can be reached by; ValueError saying what is wrong if not
    (checked at start-up, so a typo is an error then rather than a failure on every request)."""
    parts = urlsplit(url)
    if parts.scheme not in REDIS_SCHEMES:
        raise ValueError(f"TECHMAP_REDIS_URL {url!r}: the scheme must be one of "
                         f"{', '.join(s + '://' for s in REDIS_SCHEMES)}, not {parts.scheme + '://' if parts.scheme else 'missing'}")
    try:
        port = parts.port
    except ValueError:
        raise ValueError(f"TECHMAP_REDIS_URL {url!r}: the port is not a number from 0 to 65535") from None
    if parts.scheme != "unix" and not parts.hostname:
        raise ValueError(f"TECHMAP_REDIS_URL {url!r}: no host name (e.g. redis://localhost:6379/0)")
    if parts.scheme == "unix" and not parts.path:
        raise ValueError(f"TECHMAP_REDIS_URL {url!r}: no socket path (e.g. unix:///run/redis.sock)")
    database = parts.path.strip("/") if parts.scheme != "unix" else ""
    if database and not database.isdigit():
        raise ValueError(f"TECHMAP_REDIS_URL {url!r}: the database after the port must be a number, not {database!r}")
    del port
    return url


class SharedTier:
    """Redis as a cache that may be missing: every call returns quickly whatever Redis does."""

    def __init__(self, url: str, prefix: str = "techmap:v1:"):
        import redis

        self.url = check_redis_url(url)
        self.prefix = prefix
        self.client = redis.Redis.from_url(url, socket_connect_timeout=REDIS_TIMEOUT,
                                           socket_timeout=REDIS_TIMEOUT, retry_on_timeout=False,
                                           retry=None, health_check_interval=0)
        self.paused_until = 0.0
        self.lock = threading.Lock()

    def get(self, key: str) -> str | None:
        return self._call(lambda: self.client.get(self.prefix + key))

    def set(self, key: str, text: str) -> None:
        self._call(lambda: self.client.set(self.prefix + key, text, ex=REDIS_TTL))

    def _call(self, action: Callable[[], Any]) -> Any:
        if time.monotonic() < self.paused_until:
            return None
        try:
            return action()
        except Exception as error:  # redis errors, timeouts, refused connections: carry on without
            with self.lock:
                first = time.monotonic() >= self.paused_until
                self.paused_until = time.monotonic() + REDIS_PAUSE
            if first:
                log.warning("shared cache %s unavailable (%s: %s); retrying in %.0f s",
                            _redacted(self.url), type(error).__name__, error, REDIS_PAUSE)
            return None


def _redacted(url: str) -> str:
    parts = urlsplit(url)
    return url.replace(parts.password, "***") if parts.password else url


_shared: dict[str, SharedTier | None] = {}  # the tier for the configured URL, made on first use
_shared_lock = threading.Lock()


def shared_tier() -> SharedTier | None:
    """The Redis tier when TECHMAP_REDIS_URL is set, else None (one per process and URL)."""
    url = os.environ.get("TECHMAP_REDIS_URL", "").strip()
    if not url:
        return None
    with _shared_lock:
        if url not in _shared:
            _shared.clear()
            _shared[url] = SharedTier(url)
        return _shared[url]


# ---- the cache's one entry point --------------------------------------------------------------


def get_or_make(tier: Tier, key: Hashable, make: Callable[[], Any], *, shared_key: str | None = None) -> Any:
    """The cached value for `key`, else make() it and keep it. With `shared_key` (a text that
    names the same thing in every process) the value is also looked up in and written to Redis."""
    value = tier.get(key)
    if value is not MISSING:
        return value
    redis_tier = shared_tier() if shared_key is not None else None
    if redis_tier is not None:
        text = redis_tier.get(shared_key)  # type: ignore[arg-type]
        if text is not None:
            try:
                value = decode(text)
            except (ValueError, TypeError, KeyError):
                log.warning("shared cache entry %s is not a value this version reads; recomputed", shared_key)
            else:
                tier.set(key, value)
                return value
    value = make()
    tier.set(key, value)
    if redis_tier is not None:
        redis_tier.set(shared_key, encode(value))  # type: ignore[arg-type]
    return value


def stats() -> dict[str, int]:
    return {"entries": len(VIEWS), "hits": VIEWS.hits, "misses": VIEWS.misses, "size": VIEW_ENTRIES}


def clear() -> None:
    """Empty every in-process tier and forget the Redis connection (Redis keys name the dataset
    version and role, so its entries never go stale: they expire after REDIS_TTL)."""
    for tier in TIERS:
        tier.clear()
    with _shared_lock:
        _shared.clear()


def per_dataset(func: Callable[P, R]) -> Callable[P, R]:
    """Cache `func` in the in-process INDEXES tier by its arguments, the first being a loaded
    Dataset (hashed by identity: a reloaded or redacted dataset is another key). For arrays
    derived from the whole dataset (ranks, text columns, quality flags), too large for Redis."""
    name = f"{func.__module__}.{func.__qualname__}"

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        key = (name, args, tuple(sorted(kwargs.items())))
        return get_or_make(INDEXES, key, lambda: func(*args, **kwargs))

    return wrapper
