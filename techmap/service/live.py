"""The published version a process serves, switched while it runs.

A process starts from the store's current version (an empty store is seeded from the dataset
folder). A background thread asks the store for the current number every few seconds (one cheap
query); when it changes, the thread loads the new version and swaps it in with one assignment, so
a request that took its dataset before the swap keeps it to the end. The version it replaced is
kept for `keep_seconds`, so that callbacks of a page drawn from it are still answered from it.
When the store cannot be read or a version does not load, the process keeps serving what it has
and `problem` says why (the health endpoint reports "degraded").
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from techmap.dataformat.dataset import Dataset
from techmap.service.native_thread import off_the_event_loop, start_in_background
from techmap.store import news
from techmap.store.db import Database

log = logging.getLogger("techmap.live")

CHECK_SECONDS_ENV = "TECHMAP_VERSION_CHECK_SECONDS"
KEEP_SECONDS_ENV = "TECHMAP_KEEP_PREVIOUS_SECONDS"


def _seconds(name: str, default: float) -> float:
    try:
        return max(0.05, float(os.environ.get(name, "") or default))
    except ValueError:
        return default


@dataclass(frozen=True, eq=False)  # compared and hashed by identity: one load, one object
class Served:
    """One published version as loaded in this process."""
    number: int
    published_at: datetime
    data: Dataset


class VersionExpired(LookupError):
    """The version a page was drawn with is no longer kept here: the page should reload."""


@dataclass(frozen=True)
class Source:
    """How to reach the store: the current number, and a version loaded as a Served."""
    current_number: Callable[[], int | None]
    load: Callable[[int], Served]


def store_source(database: Database, *, public: bool) -> Source:
    """The store's versions, loaded as the folder loader would (redacted when `public`)."""
    from techmap.store.reading import current_version, load_version, version_info

    def load(number: int) -> Served:
        data = load_version(database, number, public=public)
        return Served(number, version_info(database, number).created_at, data)

    return Source(lambda: current_version(database), load)


class LiveData:
    def __init__(self, source: Source, *, check_seconds: float | None = None,
                 keep_seconds: float | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.source = source
        self.check_seconds = check_seconds or _seconds(CHECK_SECONDS_ENV, 2.0)
        self.keep_seconds = keep_seconds or _seconds(KEEP_SECONDS_ENV, 60.0)
        self._clock = clock
        self._lock = threading.Lock()  # guards the fields below; never held while loading
        self._load_lock = threading.Lock()  # one load at a time
        self._current: Served | None = None
        self._kept: dict[int, tuple[Served, float]] = {}  # number -> (version, replaced at)
        self._problem: str | None = None
        self._checker_pid: int | None = None

    # ---- what requests use -------------------------------------------------------------------

    def current(self) -> Served:
        """The version new requests get (loaded on first use, which raises if it cannot)."""
        served = self._current
        if served is None:
            with self._load_lock:
                if self._current is None:
                    number = self.source.current_number()
                    if number is None:
                        raise LookupError("the store has no published version")
                    self._current = self.source.load(number)
            served = self._current
        return served

    def get(self, number: int) -> Served:
        """Version `number` if this process still has it; a version newer than the current one
        (published, not yet picked up here) is picked up now. Raises VersionExpired otherwise."""
        served = self.current()
        if served.number == number:
            return served
        with self._lock:
            self._forget_expired()
            kept = self._kept.get(number)
        if kept is not None:
            return kept[0]
        if number > served.number:  # another host drew the page from a newer version
            self.check_now()
            if self._current is not None and self._current.number == number:
                return self._current
        raise VersionExpired(f"version {number} is no longer served here")

    def number_of(self, data: Dataset) -> int | None:
        """The version number of `data` when it is one this process serves or keeps."""
        served = self._current
        if served is not None and served.data is data:
            return served.number
        with self._lock:
            for kept, _ in self._kept.values():
                if kept.data is data:
                    return kept.number
        return None

    @property
    def problem(self) -> str | None:
        return self._problem

    # ---- switching -----------------------------------------------------------------------------

    def check_now(self) -> None:
        """One check: pick up a new current version if there is one; note any problem."""
        with self._load_lock:
            try:
                number = self.source.current_number()
                if number is None or (self._current and self._current.number == number):
                    self._set_problem(None)
                    return
                # a native thread under gevent: the load must not hold every request meanwhile
                loaded = off_the_event_loop(lambda: self.source.load(number))
            except Exception as error:  # noqa: BLE001  (any failure: keep serving what we have)
                self._set_problem(f"{type(error).__name__}: {error}".splitlines()[0][:300])
                return
            with self._lock:
                previous, self._current = self._current, loaded  # the swap: one assignment
                if previous is not None:
                    self._kept[previous.number] = (previous, self._clock())
                self._forget_expired()
            self._set_problem(None)
        log.info("now serving dataset version %s (was %s)", number,
                 previous.number if previous else "none")

    def _forget_expired(self) -> None:
        now = self._clock()
        for number in [n for n, (_, at) in self._kept.items() if now - at > self.keep_seconds]:
            del self._kept[number]

    def _set_problem(self, problem: str | None) -> None:
        if problem != self._problem and problem is not None:
            log.warning("dataset version check failed, still serving version %s: %s",
                        self._current.number if self._current else "none", problem)
        elif problem is None and self._problem is not None:
            log.info("dataset version check works again")
        self._problem = problem

    def ensure_checking(self) -> None:
        """Start the background checker in this process (once per process: after a fork the
        parent's thread is gone, so each worker starts its own on its first request)."""
        pid = os.getpid()
        if self._checker_pid == pid:
            return
        with self._lock:
            if self._checker_pid == pid:
                return
            self._checker_pid = pid
        start_in_background(self._check_forever, "dataset-version-check", pid)
        if news.redis_url():  # and at once when a publisher announces a version over Redis
            start_in_background(news.listen, "dataset-version-news", self.check_now,
                                lambda: self._checks_here(pid))

    def _checks_here(self, pid: int) -> bool:
        """Whether the checker started for process `pid` should go on: not once stopped, nor in
        a forked child (which has copies of its parent's greenlets and starts its own)."""
        return self._checker_pid == pid == os.getpid()

    def _check_forever(self, pid: int) -> None:
        while self._checks_here(pid):
            time.sleep(self.check_seconds)
            if self._checks_here(pid):
                self.check_now()

    def stop_checking(self) -> None:
        self._checker_pid = None
