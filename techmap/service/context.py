"""The process-wide, read-only context: settings, the dataset served, its version and "today".

The dataset is the store's current published version (techmap.service.live switches it while
the process runs). A request pins one version for its whole life (`pin_request`), so it never
sees two. Pages, API routes and downloads all get data from here, so a public instance's
redaction is applied in exactly one place. `reset()` forgets all of it and empties every cache.
"""

from __future__ import annotations

import itertools
import os
import threading
from contextvars import ContextVar, Token
from datetime import date
from typing import Any, Literal

import cachetools

from techmap.dataset import Dataset
from techmap.service import cache
from techmap.service.live import LiveData, Served, store_source
from techmap.settings import Settings, load_settings

Role = Literal["public", "internal"]
_loaded: dict[str, Any] = {}  # "settings", "live": made on first use
_others: cachetools.LRUCache = cachetools.LRUCache(maxsize=16)  # id -> (dataset, its version)
_numbers = itertools.count(1)
_lock = threading.RLock()
_pinned: ContextVar[Served | None] = ContextVar("techmap_pinned_version", default=None)


def settings() -> Settings:
    with _lock:
        if "settings" not in _loaded:
            _loaded["settings"] = load_settings()
        return _loaded["settings"]


def live() -> LiveData:
    """This process's published versions (the store opened and the first version loaded on
    first use; raises DatasetError / FileNotFoundError / SQLAlchemyError if it cannot)."""
    with _lock:
        if "live" not in _loaded:
            from techmap.store.default import open_store

            cfg = settings()
            database = open_store(dataset_folder=cfg.dataset_path)  # seeds an empty store
            holder = LiveData(store_source(database, public=cfg.public))
            holder.current()
            _loaded["live"] = holder
        return _loaded["live"]


def served() -> Served:
    """The version this request was pinned to, else the current one."""
    return _pinned.get() or live().current()


def pin_request(number: int | None = None) -> Token:
    """Pin the calling request to version `number` (default: the current one) until
    `unpin(token)`. Raises live.VersionExpired when `number` is no longer kept here."""
    holder = live()
    holder.ensure_checking()
    return _pinned.set(holder.current() if number is None else holder.get(number))


def unpin(token: Token) -> None:
    _pinned.reset(token)


def dataset() -> Dataset:
    """The dataset this request sees; raises techmap.problems.DatasetError when it has errors."""
    return served().data


def dataset_version() -> str:
    """What names the data being served in every cache key: its published version number. A
    dataset that did not come from the store (tests hand pages their own) gets a name of its own."""
    data = dataset()
    number = live().number_of(data) if "live" in _loaded else None
    if number is not None:
        return str(number)
    with _lock:
        known = _others.get(id(data))
        if known is None or known[0] is not data:  # held, so its id is not reused while known
            known = _others[id(data)] = (data, f"object-{next(_numbers)}")
        return known[1]


def health_problem() -> str | None:
    """Why this process cannot follow the store right now (None when it can)."""
    return live().problem


def check_configuration() -> None:
    """Raise ValueError naming the setting when one cannot work (checked at start-up, so that a
    typo stops the app with a clear message rather than failing on every request)."""
    url = os.environ.get("TECHMAP_REDIS_URL", "").strip()
    if url:
        cache.check_redis_url(url)


def role() -> Role:
    """Who the answer is for. Until sign-in exists, the instance's setting decides for everyone."""
    return "public" if settings().public else "internal"


def role_for(public_only: bool) -> Role:
    """The role a request is cached under: whether it sees public fields only (web.auth_state)."""
    return "public" if public_only else "internal"


def today() -> date:
    return settings().today_override or date.today()


def reset() -> None:
    """Forget settings, data and every cached result (tests that change the environment)."""
    with _lock:
        if "live" in _loaded:
            _loaded["live"].stop_checking()
        _loaded.clear()
        _others.clear()
    cache.clear()
