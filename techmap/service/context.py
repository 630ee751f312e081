"""The process-wide, read-only context: settings, the dataset served, its version and "today".

The dataset is the store's current published version (techmap.service.live switches it while
the process runs). A request pins one version for its whole life (`pin_request`), so it never
sees two. Pages, API routes and downloads all get data from here, so a public instance's
redaction is applied in exactly one place. `reset()` forgets all of it and empties every cache.

Who is asking decides what dataset() returns: web.auth_state registers (use_request_visibility)
how a request's role is found; a request with public fields only (an anonymous visitor) gets the
public twin of the version it is pinned to, every other request that version. Outside a request
(commands, start-up) the instance's setting decides. role() names the audience in every cache key.
"""

from __future__ import annotations

import itertools
import os
import threading
from contextvars import ContextVar, Token
from datetime import date
from collections.abc import Callable
from typing import Any, Literal

import cachetools

from techmap.dataformat.dataset import Dataset
from techmap.service import cache
from techmap.service.live import LiveData, Served, store_source
from techmap.service.public_twin import is_twin_of, public_twin
from techmap.settings import Settings, load_settings

Role = Literal["public", "internal"]
_loaded: dict[str, Any] = {}  # "settings", "live": made on first use
_others: cachetools.LRUCache = cachetools.LRUCache(maxsize=16)  # id -> (dataset, its version)
_numbers = itertools.count(1)
_lock = threading.RLock()
# Whether the current request gets public fields only; None outside a request (web.auth_state).
_request_public_only: list[Callable[[], bool | None]] = []
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
    """The dataset the current request may see: the version it is pinned to, or that version's
    public twin for a request that gets public fields only. Raises DatasetError on errors."""
    full = loaded_dataset()
    return public_twin(full) if public_only() and not settings().public else full


def loaded_dataset() -> Dataset:
    """The version this request is pinned to, as loaded (already redacted on a public instance)."""
    return served().data


def dataset_version() -> str:
    """What names the data being served in every cache key: its published version number (a
    public twin shares its version's number: role() tells the two apart in keys). A dataset that
    did not come from the store (tests hand pages their own) gets a name of its own."""
    data = dataset()
    if "live" in _loaded:
        full = loaded_dataset()
        number = live().number_of(full) if data is full or is_twin_of(data, full) else live().number_of(data)
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


def use_request_visibility(public_only_now: Callable[[], bool | None]) -> None:
    """Register how to tell whether the current request gets public fields only (None when there
    is no request). The web layer calls this once; the service layer then follows the role."""
    _request_public_only[:] = [public_only_now]


def public_only() -> bool:
    """Whether the answer being made is for public fields only: always on a public instance, else
    as the current request's role says, else (no request: commands, start-up) not."""
    if settings().public:
        return True
    asked = _request_public_only[0]() if _request_public_only else None
    return bool(asked)


def role() -> Role:
    """Who the answer is for, in every cache key: "public" (public fields only) or "internal"."""
    return role_for(public_only())


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
