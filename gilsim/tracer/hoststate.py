"""What the host's thread state says of a monitoring callback in progress, kept per simulated
thread.

While a ``sys.monitoring`` callback runs, CPython counts it in its thread state
(``tstate->tracing``, ``Include/cpython/pystate.h``) and delivers no event until the callback
returns (``_Py_call_instrumentation`` returns at once while ``tstate->tracing`` is set), so
that a callback's own code is never traced.  A simulated thread that loses the GIL at a check
point leaves its greenlet *inside* a callback; greenlet keeps the frames, the exception state
and the recursion depth of each greenlet, but not that counter, so the next thread to run
would run with it set and raise no event at all: it would run uncharged and never reach a
check point.  ``switch_to_hub`` therefore saves the counter of the thread that stops, clears
it for whoever runs next, and puts it back when the thread goes on (``Machine.to_hub``).

The counter is a C ``int`` at a fixed offset in ``PyThreadState``: 44 in 3.12 (after
``py_recursion_remaining`` ... ``recursion_headroom``) and 60 in 3.13 (which added
``eval_breaker``, ``_whence`` and ``state`` before them), followed by ``what_event``, the
index of the event being delivered.  ``TracingCounter`` checks the offset once, by looking at
it from inside a callback, before it trusts it.

**The running event loop.** ``_asyncio`` (``Modules/_asynciomodule.c``) keeps the running loop
of a thread in its thread state (``get_running_loop``: the thread state's dict, under a key of
its own, with a cache checked against ``PyThreadState_GetID``), where ``asyncio.events``'s
Python fallback keeps it in a ``threading.local``.  Every simulated thread runs on the one host
thread, so ``switch_to_hub`` keeps that too: it saves the loop of the thread that stops
(``_asyncio._get_running_loop()``), leaves none set for whoever runs next, and sets it again
when the thread goes on.  Each ``_asyncio`` module loaded (the program's, a test's fresh copy)
reads the same entry of the thread state, so the program's module is enough.  A thread that
ends leaves none set: a loop sets it back to None on its way out (``run_forever``'s
``finally``).
"""

from __future__ import annotations

import ctypes
import sys
from typing import Any

from gilsim.errors import InternalError

# Offsets of ``tracing`` in ``PyThreadState`` on 64-bit builds, by version.
TRACING_OFFSETS = {(3, 12): 44, (3, 13): 60}
# ``PY_MONITORING_EVENT_PY_START``: ``what_event`` while a ``PY_START`` callback runs.
_PY_START_INDEX = 0


def _thread_state_address() -> int:
    get = ctypes.pythonapi.PyThreadState_Get
    get.restype = ctypes.c_void_p
    address = get()
    if not address:
        raise InternalError("no thread state")
    return int(address)


class TracingCounter:
    """``tstate->tracing`` of the host thread, readable and writable (``value``), and the
    recursion counters before it (``py_recursion_remaining``, ``py_recursion_limit``,
    ``c_recursion_remaining``), which ``start_program`` sets for a program's greenlet."""

    def __init__(self) -> None:
        offset = TRACING_OFFSETS.get(sys.version_info[:2])
        if offset is None or ctypes.sizeof(ctypes.c_void_p) != 8:
            raise InternalError(
                f"the thread state of Python {sys.version.split()[0]} on this platform is "
                "not known to gilsim's tracer"
            )
        base = _thread_state_address()
        self._tracing = ctypes.c_int.from_address(base + offset)
        self._what_event = ctypes.c_int.from_address(base + offset + 4)
        self.py_recursion_remaining = ctypes.c_int.from_address(base + offset - 16)
        self.py_recursion_limit = ctypes.c_int.from_address(base + offset - 12)
        self.c_recursion_remaining = ctypes.c_int.from_address(base + offset - 8)
        self._check()

    def _check(self) -> None:
        """Read the counter from inside a callback: 1 there, 0 outside, and the event
        index beside it, or the offset is wrong for this build."""
        monitoring = sys.monitoring
        tool = next((t for t in range(6) if monitoring.get_tool(t) is None), None)
        if tool is None:
            raise InternalError("no sys.monitoring tool id is free to check the thread state")
        seen: list[tuple[int, int]] = []

        def probe() -> None:
            pass

        def callback(code: Any, offset: int) -> Any:
            if code is probe.__code__:
                seen.append((self._tracing.value, self._what_event.value))
            return None

        outside = self._tracing.value
        monitoring.use_tool_id(tool, "gilsim-probe")
        try:
            monitoring.register_callback(tool, monitoring.events.PY_START, callback)
            monitoring.set_local_events(tool, probe.__code__, monitoring.events.PY_START)
            probe()
        finally:
            monitoring.set_local_events(tool, probe.__code__, 0)
            monitoring.register_callback(tool, monitoring.events.PY_START, None)
            monitoring.free_tool_id(tool)
        if outside != 0 or seen != [(1, _PY_START_INDEX)]:
            raise InternalError(
                f"the thread state of Python {sys.version.split()[0]} is not laid out as "
                f"gilsim's tracer expects (read {outside} outside a callback, {seen} inside)"
            )

    @property
    def value(self) -> int:
        return self._tracing.value

    @value.setter
    def value(self, value: int) -> None:
        self._tracing.value = value


_COUNTER: list[TracingCounter] = []


def counter() -> TracingCounter:
    """The host thread's counters (checked once)."""
    if not _COUNTER:
        _COUNTER.append(TracingCounter())
    return _COUNTER[0]


def make_switch_to_hub() -> Any:
    """``Machine.to_hub`` for threads that run the host's bytecode (see the module's
    docstring)."""
    tracing = counter()._tracing
    modules = sys.modules

    def switch_to_hub(hub: Any) -> Any:
        saved = tracing.value
        tracing.value = 0
        loops = modules.get("_asyncio")  # the program's, once it imported asyncio
        loop = None
        if loops is not None:
            loop = loops._get_running_loop()
            if loop is not None:
                loops._set_running_loop(None)
        try:
            return hub.switch()
        finally:
            tracing.value = saved
            if loops is not None and loops._get_running_loop() is not loop:
                loops._set_running_loop(loop)

    return switch_to_hub
