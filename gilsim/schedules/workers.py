"""Stopping a search: Ctrl-C (SIGINT), or its wall-time limit (``--max-wall``), ends it with
what it found so far, and leaves no process of it behind.

While a search runs, SIGINT does not raise ``KeyboardInterrupt`` (on 3.11 a run is made in
this process, and the simulated program would take the exception for its own and end with it:
one more "outcome").  ``Stop`` notes the request instead and, if the search is waiting for a
run, raises ``Interrupted`` there, a ``GilsimError`` that the eval loop never hands to the
program.  The run is dropped, finished or not: the report counts only the runs it shows.

A run on the host's interpreter is made in a forked child (``gilsim.isolation``), which
ignores SIGINT and is killed by its parent when the parent is interrupted.  Worker processes
(``--workers``) each lead a process group of their own, so that a terminal's Ctrl-C reaches
only gilsim's own process, and that process kills each group whole: a worker and the child
it forked for its run.

The wall-time limit stops the search the same way, from a timer (``SIGALRM``, ``setitimer``)
set for when the time is up: the run under way when it comes is dropped (killed, where it is
a process) as a Ctrl-C drops it.  The timer shares ``SIGALRM`` with the handler that was there
(``gilsim explore``'s progress line, redrawn every second): until the limit it calls that
handler at that handler's period, and it sets the handler and its period back when the search
ends.  A search made off the main thread (no signal handlers there) reads its limit between
runs only.
"""

from __future__ import annotations

import concurrent.futures
import os
import signal
import threading
import time
from collections.abc import Iterator
from types import FrameType
from typing import TypeVar

from gilsim.errors import GilsimError

T = TypeVar("T")


class Interrupted(GilsimError):
    """Ctrl-C (SIGINT), or the wall-time limit, while a search waited for a run."""

    exit_status = 130


# Why a search stopped early (``Stop.reason``).
CTRL_C = "interrupted"
MAX_WALL = "max-wall"


class Stop:
    """Ctrl-C's handler during a search, and its wall-time limit ``max_wall_ns`` (or None),
    counted from when the ``Stop`` is made: ``requested`` once SIGINT has come or the time
    is up (``reason`` says which); ``take`` waits for the next result unless it has."""

    def __init__(self, max_wall_ns: int | None = None) -> None:
        self.requested = False
        self.reason: str | None = None
        # Raise only while waiting for a run: anywhere else (in the middle of counting an
        # outcome) the request is read at the next ``take``.
        self.armed = False
        self.deadline = None if max_wall_ns is None else time.monotonic() + max_wall_ns / 1e9
        # The SIGALRM handler the limit's timer found, and its timer's period (s; 0: none).
        self.other_alarm: object = None
        self.other_period = 0.0
        self.installed = False

    def __call__(self, signum: int, frame: FrameType | None) -> None:
        self.request(CTRL_C)

    def request(self, reason: str) -> None:
        """Stop the search, for ``reason`` (``CTRL_C`` or ``MAX_WALL``), unless it is
        stopping already (a second Ctrl-C while the search winds up)."""
        if self.requested:
            return
        self.requested = True
        self.reason = reason
        if self.armed:
            raise Interrupted(reason)

    def take(self, results: Iterator[T]) -> T | None:
        """The next of ``results``, or None if there is none or the search was stopped."""
        result = None
        try:
            self.armed = True
            if self.deadline is not None and time.monotonic() >= self.deadline:
                self.request(MAX_WALL)  # off the main thread, where no timer says so
            if not self.requested:
                result = next(results, None)
            self.armed = False
        except Interrupted:
            self.armed = False
        return None if self.requested else result

    def install(self) -> object:
        """Handle SIGINT, and SIGALRM for the limit (from the main thread only; elsewhere
        they are left alone); the previous SIGINT handler, for ``uninstall``."""
        if threading.current_thread() is not threading.main_thread():
            return None
        self.installed = True
        if self.deadline is not None:
            self.other_alarm = signal.signal(signal.SIGALRM, self._alarm)
            self.other_period = signal.getitimer(signal.ITIMER_REAL)[1]
            self._set_timer()
        return signal.signal(signal.SIGINT, self)

    def uninstall(self, previous: object) -> None:
        if not self.installed:
            return
        self.installed = False
        if previous is not None:
            signal.signal(signal.SIGINT, previous)  # type: ignore[arg-type]
        if self.deadline is not None:
            signal.setitimer(signal.ITIMER_REAL, self.other_period, self.other_period)
            signal.signal(signal.SIGALRM, self.other_alarm)  # type: ignore[arg-type]

    def _set_timer(self) -> None:
        """The next alarm: at the limit, or at the other handler's next tick if sooner."""
        assert self.deadline is not None
        left = max(self.deadline - time.monotonic(), 1e-6)
        if self.other_period:
            left = min(left, self.other_period)
        signal.setitimer(signal.ITIMER_REAL, left)

    def _alarm(self, signum: int, frame: FrameType | None) -> None:
        assert self.deadline is not None
        if time.monotonic() >= self.deadline:
            self.request(MAX_WALL)
            return
        self._set_timer()
        if callable(self.other_alarm):
            self.other_alarm(signum, frame)


def _worker_started() -> None:
    """In each worker: a process group of its own (see the module)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    os.setpgid(0, 0)


def process_pool(workers: int) -> concurrent.futures.ProcessPoolExecutor:
    """A pool of ``workers`` processes whose groups ``kill`` can end."""
    return concurrent.futures.ProcessPoolExecutor(workers, initializer=_worker_started)


def kill(executor: concurrent.futures.ProcessPoolExecutor) -> None:
    """Kill every worker of ``executor`` with what it forked, and shut it down.  Python 3.14
    has ``ProcessPoolExecutor.kill_workers`` (gh-128041); before, its ``_processes``."""
    processes = dict(getattr(executor, "_processes", None) or {})
    results = getattr(executor, "_result_queue", None)  # ``shutdown`` lets go of it
    executor.shutdown(wait=False, cancel_futures=True)
    for process in processes.values():
        pid = process.pid
        if pid is None:
            continue
        try:
            os.killpg(pid, signal.SIGKILL)
        except OSError:
            try:  # not yet the leader of its group
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
    for process in processes.values():
        process.join()
    # A worker killed while it wrote a result leaves the executor's manager thread waiting
    # for the rest of it for ever (its ``recv`` had begun), and joining that thread (here,
    # and at the interpreter's exit) hangs.  Every other writer is dead: closing this
    # process's own end of the results' pipe ends the wait with an end of file, which the
    # thread takes for a broken pool, and ends.
    writer = getattr(results, "_writer", None)
    if writer is not None:
        writer.close()
    executor.shutdown(wait=True)
