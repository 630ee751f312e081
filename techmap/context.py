"""The process-wide, read-only context: settings, the loaded dataset and "today".

Loaded once per process (gunicorn preloads it before forking, so workers share the pages).
Pages, API routes and downloads all get data from here, so a public instance's redaction is
applied in exactly one place.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache

from techmap.dataset import Dataset, load_dataset
from techmap.settings import Settings, load_settings


@lru_cache(maxsize=1)
def settings() -> Settings:
    return load_settings()


@lru_cache(maxsize=1)
def dataset() -> Dataset:
    """The instance's dataset; raises techmap.problems.DatasetError when it has errors."""
    cfg = settings()
    return load_dataset(cfg.dataset_path, public=cfg.public)


def today() -> date:
    return settings().today_override or date.today()


def reset() -> None:
    """Forget cached settings and data (tests that change the environment), and the results
    memoised from them (techmap.cache keys do not name the dataset: it is fixed per process)."""
    from techmap import cache

    settings.cache_clear()
    dataset.cache_clear()
    cache.clear()
