"""Long CPU-bound work off a gevent worker's event loop.

In a gunicorn gevent worker (gunicorn.conf.py) every request is a greenlet of one OS thread, and
so is a "thread" the app starts: loading a new dataset version there (about 0.4 s for the demo)
holds the event loop for its whole run, and every request, /healthz included, waits that long.
Run in one of gevent's native threads instead, the work shares the GIL with the loop (switching
every few milliseconds): measured on the demo, the loop's longest stall during a load fell from
about 400 ms to about 45 ms, on SQLite and PostgreSQL alike. Where gevent has not patched the
process (python app.py, the tests, a threaded server) the work simply runs in the caller.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

R = TypeVar("R")


def _gevent_patched() -> bool:
    try:
        from gevent import monkey
    except ImportError:  # gevent is a hosting dependency; without it nothing is patched
        return False
    return bool(monkey.is_module_patched("threading"))


def off_the_event_loop(work: Callable[[], R]) -> R:
    """work() in a native thread of gevent's pool when gevent runs this process (the caller's
    greenlet waits, other greenlets run meanwhile), else here; its result or its exception."""
    if not _gevent_patched():
        return work()
    import gevent

    return gevent.get_hub().threadpool.apply(work)


def start_in_background(work: Callable[..., object], name: str, *args: object) -> None:
    """work(*args) in the background for the life of the process: a daemon thread, or under
    gevent a plain greenlet. A monkey-patched Thread is a greenlet too, but one with threading's
    bookkeeping: a copy of it carried into a forked child (a worker forked from the preloading
    master, a build's child in web/expensive.py) fails with a KeyError traceback when it ends,
    because the fork emptied threading's table of threads (gevent issue 2130)."""
    if _gevent_patched():
        import gevent

        gevent.spawn(work, *args).name = name
        return
    import threading

    threading.Thread(target=work, name=name, args=args, daemon=True).start()
