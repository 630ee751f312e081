"""Memoise query results per filter state, so a popular view costs the server once.

Each process keeps a bounded LRU of small results (per-borough metrics, headline figures, tables),
keyed by the function and its hashable arguments (FilterState is frozen, so it is a key). When
TECHMAP_REDIS_URL is set, results are also shared between processes and hosts through Redis,
using flask-caching's Redis backend. The dataset is fixed for the life of a process, so entries
never go stale; the dataset's path and as-of date are part of every shared key.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import os
import pickle
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")
log = logging.getLogger("techmap.cache")
DEFAULT_SIZE = int(os.environ.get("TECHMAP_CACHE_SIZE", "512"))
MISSING = object()  # what BoundedCache.get returns for an absent key


class BoundedCache:
    """A thread-safe LRU dictionary holding at most `size` entries."""

    def __init__(self, size: int = DEFAULT_SIZE):
        self.size = size
        self._data: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, key: Hashable) -> Any:
        with self._lock:
            if key in self._data:
                self._data.move_to_end(key)
                self.hits += 1
                return self._data[key]
            self.misses += 1
            return MISSING

    def set(self, key: Hashable, value: Any) -> None:
        with self._lock:
            self._data[key] = value
            self._data.move_to_end(key)
            while len(self._data) > self.size:
                self._data.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._data.clear()
            self.hits = self.misses = 0

    def __len__(self) -> int:
        return len(self._data)


_local = BoundedCache()
_shared: Any = None
_shared_ready = False


def _shared_backend() -> Any:
    """flask-caching's RedisCache when TECHMAP_REDIS_URL is set, else None."""
    global _shared, _shared_ready
    if not _shared_ready:
        _shared_ready = True
        url = os.environ.get("TECHMAP_REDIS_URL", "").strip()
        if url:
            from flask_caching.backends.rediscache import RedisCache
            from redis import from_url

            _shared = RedisCache(host=from_url(url), key_prefix="techmap:", default_timeout=3600)
    return _shared


def _shared_key(name: str, key: Hashable) -> str:
    from techmap import context  # late import: context imports the dataset loader

    data = context.dataset()
    # public is part of the key: a public and an internal instance of the same dataset may share
    # one Redis, and the internal one's results hold values the public one must never show
    raw = repr((str(data.path), data.as_of, context.settings().public, name, key)).encode()
    return hashlib.sha256(raw).hexdigest()


def memoised(func: Callable[P, R]) -> Callable[P, R]:
    """Cache `func`'s results by its (hashable) arguments: in-process LRU, then Redis if set up."""
    name = f"{func.__module__}.{func.__qualname__}"

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        key = (name, args, tuple(sorted(kwargs.items())))
        value = _local.get(key)
        if value is not MISSING:
            return value
        shared = _shared_backend()
        shared_key = _shared_key(name, key) if shared is not None else ""
        if shared is not None:
            try:
                blob = shared.get(shared_key)
                if blob is not None:
                    value = pickle.loads(blob)
                    _local.set(key, value)
                    return value
            except Exception:  # a cache outage must not take the site down
                log.warning("shared cache unavailable", exc_info=True)
        value = func(*args, **kwargs)
        _local.set(key, value)
        if shared is not None:
            try:
                shared.set(shared_key, pickle.dumps(value))
            except Exception:
                log.warning("shared cache unavailable", exc_info=True)
        return value

    return wrapper


def stats() -> dict[str, int]:
    return {"entries": len(_local), "hits": _local.hits, "misses": _local.misses, "size": _local.size}


def clear() -> None:
    _local.clear()
