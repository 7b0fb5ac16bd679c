"""The simulated ``time`` (``Modules/timemodule.c``): clocks read virtual time.

``perf_counter``, ``monotonic`` and ``time`` read the simulation's clock (``time`` starts at
a fixed epoch so that runs are reproducible); ``process_time`` and ``thread_time`` read the
simulated CPU time, which for one thread is the same clock.  ``sleep`` advances the clock.
"""

from __future__ import annotations

import time
from typing import Any

from gilsim.interpreter import state
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

    def sleep(seconds: Any) -> None:
        if not isinstance(seconds, int | float):
            raise TypeError(
                f"'{type(seconds).__name__}' object cannot be interpreted as an integer"
            )
        if seconds < 0:
            raise ValueError("sleep length must be non-negative")
        interp.clock_ns += round(seconds * 1e9)

    overrides = {
        "perf_counter": perf_counter,
        "perf_counter_ns": perf_counter_ns,
        "monotonic": perf_counter,
        "monotonic_ns": perf_counter_ns,
        "process_time": perf_counter,
        "process_time_ns": perf_counter_ns,
        "thread_time": perf_counter,
        "thread_time_ns": perf_counter_ns,
        "time": time_,
        "time_ns": time_ns,
        "sleep": sleep,
    }
    return ShadowModule(time, overrides, frozenset())
