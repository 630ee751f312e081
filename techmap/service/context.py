"""The process-wide, read-only context: settings, the loaded dataset, its version and "today".

Loaded once per process (gunicorn preloads it before forking, so workers share the pages).
Pages, API routes and downloads all get data from here, so a public instance's redaction is
applied in exactly one place. `reset()` forgets all of it and empties every cache.
"""

from __future__ import annotations

import hashlib
import itertools
import os
import threading
from datetime import date
from pathlib import Path
from typing import Any, Literal

import cachetools

from techmap.dataset import Dataset, load_dataset
from techmap.service import cache
from techmap.settings import Settings, load_settings
from techmap.suppliers import ALIASES_CSV

Role = Literal["public", "internal"]
_loaded: dict[str, Any] = {}  # "settings", "dataset", "version": made on first use
_others: cachetools.LRUCache = cachetools.LRUCache(maxsize=16)  # id -> (dataset, its version)
_numbers = itertools.count(1)
_lock = threading.RLock()


def settings() -> Settings:
    with _lock:
        if "settings" not in _loaded:
            _loaded["settings"] = load_settings()
        return _loaded["settings"]


def dataset() -> Dataset:
    """The instance's dataset; raises techmap.problems.DatasetError when it has errors."""
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
        if data is _loaded.get("dataset"):
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
        _loaded.clear()
        _others.clear()
    cache.clear()
