"""The simulated ``time`` (``Modules/timemodule.c``): clocks read virtual time.

``perf_counter``, ``monotonic`` and ``time`` read the simulation's clock (``time`` starts at
a fixed epoch so that runs are reproducible); ``thread_time`` reads the calling thread's
simulated CPU time and ``process_time`` the sum over the process's threads.  ``sleep``
releases the GIL for every duration, 0 included, as ``pysleep`` does (``docs/model/gil.md`` §4).
"""

from __future__ import annotations

import _thread
import operator
import time
from typing import Any

from gilsim.interpreter import signals, state
from gilsim.machine import Wait
from gilsim.runtime import ShadowModule

# 2024-01-01T00:00:00Z: ``time.time()`` of a simulated program at virtual time zero.
EPOCH_NS = 1_704_067_200 * 1_000_000_000


def make_time(interp: state.InterpreterState) -> ShadowModule:
    def now_ns() -> int:
        return interp.clock_ns

    def perf_counter() -> float:
        return now_ns() / 1e9

    def perf_counter_ns() -> int:
        return now_ns()

    def time_() -> float:
        return (EPOCH_NS + now_ns()) / 1e9

    def time_ns() -> int:
        return EPOCH_NS + now_ns()

    def thread_time_ns() -> int:
        return interp.machine.cpu_ns(state.current_thread().os_thread, now_ns())

    def thread_time() -> float:
        return thread_time_ns() / 1e9

    def process_time_ns() -> int:
        process = interp.process.number if interp.process is not None else 0
        return interp.machine.process_cpu_ns(process, now_ns())

    def process_time() -> float:
        return process_time_ns() / 1e9

    def sleep(seconds: Any) -> None:
        if not isinstance(seconds, int | float):
            raise TypeError(
                f"'{type(seconds).__name__}' object cannot be interpreted as an integer"
            )
        if seconds < 0:
            raise ValueError("sleep length must be non-negative")
        duration_ns = round(seconds * 1e9)
        thread = state.current_thread().os_thread
        wait = Wait("sleep", f"time.sleep({seconds!r})")
        remaining, end = duration_ns, None
        while True:
            interp.gil.drop_gil(thread)  # Py_BEGIN_ALLOW_THREADS
            try:
                if remaining > 0 and not signals.interrupted(thread):
                    end = thread.clock.clock_ns + remaining
                    interp.machine.block(thread, wait, remaining)
            finally:
                interp.gil.take_gil(thread)  # Py_END_ALLOW_THREADS
            if not signals.interrupted(thread):
                return
            # ``pysleep``: interrupted (EINTR), the main thread runs its handlers
            # (``PyErr_CheckSignals``); what they raise propagates, else it sleeps what is
            # left (PEP 475).
            signals.handle_signals(interp)
            if end is not None:
                remaining = end - interp.machine.now_ns()

    def pthread_getcpuclockid(thread_id: Any) -> int:
        """``time_pthread_getcpuclockid``: the CPU clock of the host's thread, which runs
        every simulated thread.  The host's function must never see a simulated ident:
        it takes it for a ``pthread_t`` and reads memory there."""
        operator.index(thread_id)
        return time.pthread_getcpuclockid(_thread.get_ident())

    overrides = {
        "perf_counter": perf_counter,
        "perf_counter_ns": perf_counter_ns,
        "monotonic": perf_counter,
        "monotonic_ns": perf_counter_ns,
        "process_time": process_time,
        "process_time_ns": process_time_ns,
        "thread_time": thread_time,
        "thread_time_ns": thread_time_ns,
        "time": time_,
        "time_ns": time_ns,
        "sleep": sleep,
    }
    if hasattr(time, "pthread_getcpuclockid"):
        overrides["pthread_getcpuclockid"] = pthread_getcpuclockid
    return ShadowModule(time, overrides, frozenset())
