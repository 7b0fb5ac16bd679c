"""Stopping a search: Ctrl-C (SIGINT) ends it with what it found so far, and leaves no
process of it behind.

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
"""

from __future__ import annotations

import concurrent.futures
import os
import signal
import threading
from collections.abc import Iterator
from types import FrameType
from typing import TypeVar

from gilsim.errors import GilsimError

T = TypeVar("T")


class Interrupted(GilsimError):
    """Ctrl-C (SIGINT) while a search waited for a run."""

    exit_status = 130


class Stop:
    """Ctrl-C's handler during a search: ``requested`` once SIGINT has come; ``take``
    waits for the next result unless it has."""

    def __init__(self) -> None:
        self.requested = False
        # Raise only while waiting for a run: anywhere else (in the middle of counting an
        # outcome) the request is read at the next ``take``.
        self.armed = False

    def __call__(self, signum: int, frame: FrameType | None) -> None:
        if self.requested:
            return  # a second Ctrl-C while the search winds up
        self.requested = True
        if self.armed:
            raise Interrupted("interrupted")

    def take(self, results: Iterator[T]) -> T | None:
        """The next of ``results``, or None if there is none or the search was stopped."""
        result = None
        try:
            self.armed = True
            if not self.requested:
                result = next(results, None)
            self.armed = False
        except Interrupted:
            self.armed = False
        return None if self.requested else result

    def install(self) -> object:
        """Handle SIGINT (from the main thread only; elsewhere it is left alone); the
        previous handler, for ``uninstall``."""
        if threading.current_thread() is not threading.main_thread():
            return None
        return signal.signal(signal.SIGINT, self)

    def uninstall(self, previous: object) -> None:
        if previous is not None:
            signal.signal(signal.SIGINT, previous)  # type: ignore[arg-type]


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
    executor.shutdown(wait=True)
