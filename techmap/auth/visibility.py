"""Which copy of the dataset a request sees: the loaded one, or its public twin.

A public instance (TECHMAP_PUBLIC=1) redacts once at load, so its one copy is already public.
Elsewhere the process keeps the full dataset and, made on first need, a redacted twin for requests
that get public fields only (anonymous visitors). Both are read-only and shared; a reloaded
dataset gets a new twin (the twin is keyed by the full dataset's identity)."""

from __future__ import annotations

import threading
from dataclasses import replace

from techmap.service import context
from techmap.dataformat.dataset import Dataset
from techmap.dataformat.redaction import redact_for_public

_lock = threading.Lock()
_twin: dict[int, tuple[Dataset, Dataset]] = {}  # id(full) -> (full, public twin)


def public_twin(full: Dataset) -> Dataset:
    with _lock:
        held = _twin.get(id(full))
        if held is None or held[0] is not full:
            _twin.clear()  # one dataset per process: drop the previous one's twin
            held = (full, replace(full, contracts=redact_for_public(full.contracts)))
            _twin[id(full)] = held
        return held[1]


def dataset_for(public_only: bool) -> Dataset:
    """The dataset a request gets: the loaded one, or its public twin when it is public only."""
    full = context.dataset()
    if not public_only or context.settings().public:
        return full
    return public_twin(full)
