"""techmap/service/native_thread.py: under gevent (as in gunicorn's gevent workers) long work runs
in a native thread while the event loop goes on; elsewhere it runs in the caller."""

from __future__ import annotations

import subprocess
import sys
import threading

import pytest

from techmap.service.native_thread import off_the_event_loop
from tests.paths import ROOT

UNDER_GEVENT = """
from gevent import monkey; monkey.patch_all()
import threading, gevent
from techmap.service.native_thread import off_the_event_loop
from techmap.service import live

loop_thread = threading.get_native_id()
ticks = []
ticker = gevent.spawn(lambda: [ticks.append(gevent.sleep(0.001)) for _ in range(1000)])
gevent.sleep(0)

def work():
    while len(ticks) < 5:  # ends only if the event loop runs while the work runs
        sum(range(10_000))
    return threading.get_native_id()

print(off_the_event_loop(work) != loop_thread, len(ticks) >= 5)
try:
    off_the_event_loop(lambda: 1 / 0)
except ZeroDivisionError:
    print("raised")
print(live.off_the_event_loop is off_the_event_loop)
"""


def test_under_gevent_the_work_runs_in_a_native_thread_while_the_loop_goes_on() -> None:
    done = subprocess.run([sys.executable, "-c", UNDER_GEVENT], cwd=ROOT, capture_output=True,
                          text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split() == ["True", "True", "raised", "True"]


def test_without_gevent_the_work_runs_in_the_caller() -> None:
    assert off_the_event_loop(threading.get_native_id) == threading.get_native_id()
    with pytest.raises(ZeroDivisionError):
        off_the_event_loop(lambda: 1 / 0)
