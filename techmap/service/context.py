"""The process-wide, read-only context: settings, the loaded dataset, its version and "today".

Loaded once per process (gunicorn preloads it before forking, so workers share the pages).
Pages, API routes and downloads all get data from here, so a public instance's redaction is
applied in exactly one place. `reset()` forgets all of it and empties every cache.

Who is asking decides what dataset() returns: web.auth_state registers (use_request_visibility)
how a request's role is found; a request with public fields only (an anonymous visitor) gets the
public twin, every other request the loaded dataset. Outside a request (commands, start-up) the
instance's setting decides. role() names the answer's audience in every cache key.
"""

from __future__ import annotations

import hashlib
import itertools
import os
import threading
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any, Literal

import cachetools

from techmap.dataformat.dataset import Dataset, load_dataset
from techmap.service import cache
from techmap.service.public_twin import is_twin_of, public_twin
from techmap.settings import Settings, load_settings
from techmap.analysis.suppliers import ALIASES_CSV

Role = Literal["public", "internal"]
_loaded: dict[str, Any] = {}  # "settings", "dataset", "version": made on first use
_others: cachetools.LRUCache = cachetools.LRUCache(maxsize=16)  # id -> (dataset, its version)
_numbers = itertools.count(1)
_lock = threading.RLock()
# Whether the current request gets public fields only; None outside a request (web.auth_state).
_request_public_only: list[Callable[[], bool | None]] = []


def settings() -> Settings:
    with _lock:
        if "settings" not in _loaded:
            _loaded["settings"] = load_settings()
        return _loaded["settings"]


def dataset() -> Dataset:
    """The dataset the current request may see: the loaded one, or its public twin for a request
    that gets public fields only. Raises techmap.dataformat.problems.DatasetError when it has errors."""
    full = loaded_dataset()
    return public_twin(full) if public_only() and not settings().public else full


def loaded_dataset() -> Dataset:
    """The instance's dataset as loaded (already redacted on a public instance)."""
    with _lock:
        if "dataset" not in _loaded:
            cfg = settings()
            data = load_dataset(cfg.dataset_path, public=cfg.public)
            _loaded["version"] = content_hash(cfg.dataset_path)
            _loaded["dataset"] = data
        return _loaded["dataset"]


def dataset_version() -> str:
    """What names the data being served in every cache key: for now the content hash of the
    dataset's files (published version numbers will replace it). A dataset that did not come
    from dataset() (tests hand pages their own) gets a name of its own."""
    data = dataset()
    with _lock:
        loaded = _loaded.get("dataset")
        if data is loaded or (loaded is not None and is_twin_of(data, loaded)):  # role tells them apart
            return _loaded["version"]
        known = _others.get(id(data))
        if known is None or known[0] is not data:  # held, so its id is not reused while known
            known = _others[id(data)] = (data, f"object-{next(_numbers)}")
        return known[1]


def content_hash(path: Path) -> str:
    """sha256 of the dataset's files (and of the supplier alias table the loader applies)."""
    path = Path(path)
    files = sorted(p for p in path.iterdir() if p.is_file()) if path.is_dir() else [path]
    digest = hashlib.sha256()
    for file in [*files, ALIASES_CSV]:
        digest.update(file.name.encode() + b"\0")
        with file.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()[:32]


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
        _loaded.clear()
        _others.clear()
    cache.clear()
