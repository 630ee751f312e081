"""The public twin of a loaded dataset: the same rows with every restricted value withheld.

A non-public instance keeps the full dataset and, made on first need, this redacted twin for
requests that get public fields only (anonymous visitors). Every view an anonymous visitor sees,
totals included, is computed on the twin, so no total minus its public rows can reveal a withheld
value. Both copies are read-only and shared; a reloaded dataset gets a new twin."""

from __future__ import annotations

import threading
from dataclasses import replace

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


def is_twin_of(data: Dataset, full: Dataset) -> bool:
    with _lock:
        held = _twin.get(id(full))
        return held is not None and held[0] is full and held[1] is data
