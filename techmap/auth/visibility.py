"""Which copy of the dataset a request sees: the loaded one, or its public twin.

A public instance (TECHMAP_PUBLIC=1) redacts once at load, so its one copy is already public.
Elsewhere the process keeps the full dataset and, made on first need, a redacted twin
(techmap.service.public_twin) for requests that get public fields only (anonymous visitors)."""

from __future__ import annotations

from techmap.service import context
from techmap.dataformat.dataset import Dataset
from techmap.service.public_twin import public_twin

__all__ = ["dataset_for", "public_twin"]


def dataset_for(public_only: bool) -> Dataset:
    """The dataset a request gets: the loaded one, or its public twin when it is public only."""
    full = context.loaded_dataset()
    if not public_only or context.settings().public:
        return full
    return public_twin(full)
