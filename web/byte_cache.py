"""A thread-safe LRU of byte strings bounded in entries and in total bytes, so that its worst-case
memory is a number an operator can read off (techmap.cache.BoundedCache bounds entries only)."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable


class ByteLRU:
    def __init__(self, max_entries: int, max_bytes: int):
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self.bytes = 0
        self.made = 0  # how many values get_or_make computed
        self._data: OrderedDict[Hashable, bytes] = OrderedDict()
        self._lock = threading.Lock()
        self._making: dict[Hashable, threading.Lock] = {}

    def get(self, key: Hashable) -> bytes | None:
        with self._lock:
            value = self._data.get(key)
            if value is not None:
                self._data.move_to_end(key)
            return value

    def set(self, key: Hashable, value: bytes) -> None:
        if len(value) > self.max_bytes:
            return
        with self._lock:
            old = self._data.pop(key, None)
            if old is not None:
                self.bytes -= len(old)
            self._data[key] = value
            self.bytes += len(value)
            while len(self._data) > self.max_entries or self.bytes > self.max_bytes:
                _, evicted = self._data.popitem(last=False)
                self.bytes -= len(evicted)

    def get_or_make(self, key: Hashable, make: Callable[[], bytes]) -> bytes:
        """The cached value, or make() it once however many threads ask at the same moment."""
        value = self.get(key)
        if value is not None:
            return value
        with self._lock:
            pending = self._making.setdefault(key, threading.Lock())
        with pending:
            value = self.get(key)
            if value is None:
                value = make()
                self.set(key, value)
                with self._lock:
                    self.made += 1
                    self._making.pop(key, None)
            return value

    def clear(self) -> None:
        with self._lock:
            self._data.clear()
            self.bytes = 0

    def __len__(self) -> int:
        return len(self._data)
