"""Happens-before: thread start, join, locks, events; and the segments kept for
partial-order reduction."""

from __future__ import annotations

import gilsim
from gilsim import program
from gilsim.config import Config
from gilsim.races import recorder as recorder_

JOINED = """\
import threading
counter = 0
def work():
    global counter
    counter = counter + 1
t = threading.Thread(target=work); t.start(); t.join()
counter = counter + 1
t = threading.Thread(target=work); t.start(); t.join()
print(counter)
"""

NOT_JOINED = """\
import threading, time
counter = 0
def work():
    global counter
    time.sleep(0.001)
    counter = counter + 1
t = threading.Thread(target=work); t.start()
time.sleep(0.002)
counter = counter + 1
t.join()
print(counter)
"""

EVENT = """\
import threading
data = None
ready = threading.Event()
def producer():
    global data
    data = 42
    ready.set()
def consumer():
    ready.wait()
    print(data)
threads = [threading.Thread(target=consumer), threading.Thread(target=producer)]
for t in threads: t.start()
for t in threads: t.join()
"""

RLOCKED = """\
import threading
total = 0
lock = threading.RLock()
def add():
    global total
    with lock:
        with lock:
            total = total + 1
def work():
    for _ in range(200):
        add()
threads = [threading.Thread(target=work) for _ in range(3)]
for t in threads: t.start()
for t in threads: t.join()
print(total)
"""


def races(source: str, **options: object) -> list[gilsim.races.RaceReport]:
    result = gilsim.run(source=source, races=True, **options)  # type: ignore[arg-type]
    assert result.error is None, result.stderr
    return result.races or []


def test_start_and_join_order_the_threads_accesses():
    assert races(JOINED) == []


def test_without_join_the_main_thread_races_with_the_thread():
    found = races(NOT_JOINED)
    assert [r.kind for r in found if r.place == "__main__.counter"] == ["data race"]
    assert set(found[0].threads) == {"MainThread", "Thread-1 (work)"}


def test_an_event_orders_what_was_written_before_set():
    assert races(EVENT) == []


def test_an_rlock_orders_like_a_lock():
    assert races(RLOCKED, switch_interval_ns="50us") == []


def test_segments_name_the_places_and_locks_of_each_stretch(monkeypatch):
    """``counter += 1`` reads and writes in one segment; a lock is acquired (``"acq"``) and
    released (``"rel"``) under its key ``("lock", serial)``."""
    made = program.new_interpreter

    def with_segments(config, *args):
        interp = made(config, *args)
        recorder_.install(interp, segments=True)
        return interp

    monkeypatch.setattr(program, "new_interpreter", with_segments)
    outcome = program.run_main(RLOCKED, "<string>", ["-c"], Config(races=True))
    assert outcome.interp is not None
    recorder = outcome.interp.recorder
    segments = recorder.segments
    assert segments
    threads = {tid for tid, _points in segments}
    assert len(threads) == 4  # the main thread and three workers
    lock_modes = {
        mode
        for touched in segments.values()
        for key, modes in touched.items()
        if key[0] == "lock"
        for mode in modes
    }
    assert lock_modes == {"acq", "rel"}
    total = next(
        place.serial
        for owner in recorder.places.owners.values()
        for place in owner.places.values()
        if place.name == "__main__.total"
    )
    together = [
        key
        for key, touched in segments.items()
        if {"r", "w"} <= touched.get(("place", total), set())
    ]
    assert len(together) >= 600 - 1  # every increment reads and writes in one segment
