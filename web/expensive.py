"""Expensive builds (Excel files, CSV downloads of many rows, calendars of a view): a few at a
time per worker, off the event loop, and built once per normalised view.

Sixteen concurrent Excel downloads with junk parameters once took /healthz from 10 ms to 4.6 s.
So: at most TECHMAP_EXPENSIVE_BUILDS (default 1) run at once in a worker; a request beyond that
gets 503 with Retry-After at once instead of queueing. A finished file is kept by the view it
shows (what the app's own parsers read from the query string), so parameters the app ignores
cannot make a request miss the cache. Under gunicorn's gevent workers a build runs in a forked
child process, so the worker's event loop keeps answering other requests meanwhile.
"""

from __future__ import annotations

import os
import signal
import threading
import time
import traceback
from collections.abc import Callable, Hashable, Iterable, Iterator

from flask import Flask, Response

from techmap.service import cache

SLOTS = max(1, int(os.environ.get("TECHMAP_EXPENSIVE_BUILDS", "1")))
RETRY_AFTER_SECONDS = 5
BUILD_TIMEOUT_SECONDS = 120
CSV_GATED_ROWS = 5_000  # a CSV of more rows than this holds a slot while it streams
# Made at import: under gunicorn.conf.py's gevent patching this is gevent's semaphore.
_slots = threading.BoundedSemaphore(SLOTS)


class Busy(Exception):
    """Every build slot of this worker is taken."""


def _take_slot() -> None:
    if not _slots.acquire(blocking=False):
        raise Busy


def refuse_early(key: Hashable) -> None:
    """Raise Busy before a request does any work (filtering the view, naming its filters) when
    `key` is not built yet and every slot is taken: under a flood of cache misses the refusals
    then cost the event loop almost nothing, so /healthz and the pages keep their turn. (A slot
    freed meanwhile is taken, or refused, again by build().)"""
    if cache.DOWNLOADS.get(key) is not cache.MISSING:
        return
    _take_slot()
    _slots.release()


def _in_a_child_process(make: Callable[[], bytes]) -> bytes:
    """make() in a forked copy of this worker, at a lower priority, the bytes sent back through a
    pipe that the event loop reads without blocking. A build in a thread of this process would
    hold the GIL for most of its run, starving the loop (and /healthz) of it."""
    from gevent import Timeout
    from gevent import os as green_os

    read_fd, write_fd = os.pipe()
    pid = green_os.fork_and_watch()
    if pid == 0:  # the child: build, write, and leave without running the worker's exit code
        code = 1
        try:
            os.close(read_fd)
            os.nice(10)
            body = memoryview(make())
            while body:
                body = body[os.write(write_fd, body):]
            code = 0
        except BaseException:  # noqa: BLE001  (reported by the parent as a failed build)
            traceback.print_exc()
        finally:
            os._exit(code)
    os.close(write_fd)
    green_os.make_nonblocking(read_fd)
    chunks: list[bytes] = []
    try:
        with Timeout(BUILD_TIMEOUT_SECONDS):  # a build that hangs must not hold its slot for ever
            while chunk := green_os.nb_read(read_fd, 1 << 16):
                chunks.append(chunk)
    except Timeout:
        os.kill(pid, signal.SIGKILL)
        raise RuntimeError(f"an expensive build took over {BUILD_TIMEOUT_SECONDS} s and was stopped") from None
    finally:
        os.close(read_fd)
        _, status = green_os.waitpid(pid, 0)
    if status != 0:
        raise RuntimeError(f"an expensive build failed in its child process (status {status})")
    return b"".join(chunks)


def _off_the_event_loop(make: Callable[[], bytes]) -> bytes:
    """make() in a child process when gevent runs this worker, else here."""
    from gevent import monkey

    if monkey.is_module_patched("os"):
        return _in_a_child_process(make)
    return make()


def bounded(make: Callable[[], bytes]) -> bytes:
    """make() within the bound of concurrent builds; raises Busy beyond it."""
    _take_slot()
    try:
        return _off_the_event_loop(make)
    finally:
        _slots.release()


def build(key: Hashable, make: Callable[[], bytes]) -> bytes:
    """The bytes of `key`, kept in the service layer's downloads tier (made once per view and role;
    a concurrent request for the same key while it builds gets a slot or Busy like any other)."""
    return cache.get_or_make(cache.DOWNLOADS, key, lambda: bounded(make))


def hold_while_streaming(response: Response) -> Response:
    """Hold a build slot while `response` streams: given back when its body has been sent or the
    server closes it (a client gone half-way), whichever comes first, whatever wraps the body
    meanwhile (compression); raises Busy when no slot is free."""
    _take_slot()
    held = [True]

    def give_back() -> None:
        if held[0]:
            held[0] = False
            _slots.release()

    def body(chunks: Iterable[bytes]) -> Iterator[bytes]:
        try:
            for chunk in chunks:
                yield chunk
                # Let other requests run between chunks: under gevent a send that fits the
                # socket's buffer never yields, so a long CSV would hold the event loop for its
                # whole build (time.sleep is gevent's there; elsewhere it only frees the GIL).
                time.sleep(0)
        finally:
            give_back()

    response.response = body(response.response)
    response.call_on_close(give_back)
    return response


def busy_response() -> Response:
    response = Response(
        "The server is busy building other downloads. Please try again in a few seconds.\n",
        status=503, mimetype="text/plain")
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def install(server: Flask) -> None:
    server.register_error_handler(Busy, lambda _error: busy_response())
