"""The simulated ``sys`` (``Python/sysmodule.c``): what reads the simulated interpreter
instead of the host's.  Everything else is the host's ``sys``, shared with native code
(``sys.stdout``, ``sys.argv``, ``sys.modules``, ``sys.path``)."""

from __future__ import annotations

import sys
from typing import Any

from gilsim.interpreter import state, tracebacks
from gilsim.runtime import ShadowModule


def make_sys(interp: state.InterpreterState) -> ShadowModule:
    def exc_info() -> tuple[Any, Any, Any]:
        """The exception being handled, as ``(type, value, traceback)``."""
        exc = exception()
        if exc is None:
            return (None, None, None)
        return (type(exc), exc, tracebacks.traceback_of(exc))

    def exception() -> Any:
        """The exception being handled (3.11)."""
        ts = state.current
        if ts is None:
            return None
        for exc in reversed(ts.exc_info):
            if exc is not None:
                return exc
        return None

    def getrecursionlimit() -> int:
        return interp.recursion_limit

    def setrecursionlimit(limit: int) -> None:
        if not isinstance(limit, int):
            raise TypeError("'float' object cannot be interpreted as an integer")
        if limit < 1:
            raise ValueError("recursion limit must be greater or equal than 1")
        ts = state.current
        depth = ts.depth if ts is not None else 0
        if limit <= depth:
            raise RecursionError(
                f"cannot set the recursion limit to {limit} at the recursion depth {depth}: "
                "the limit is too low"
            )
        interp.recursion_limit = limit

    def getswitchinterval() -> float:
        return interp.switch_interval_ns / 1e9

    def setswitchinterval(interval: float) -> None:
        # ``sys_setswitchinterval_impl``: seconds, stored as truncated microseconds.
        interval = float(interval)
        if interval <= 0.0:
            raise ValueError("switch interval must be strictly positive")
        microseconds = int(1e6 * interval) if 1e6 * interval < 2**64 else 0
        interp.switch_interval_ns = microseconds * 1000

    def settrace(function: Any) -> None:
        if function is not None:
            raise NotImplementedError("sys.settrace is not supported inside gilsim")

    def setprofile(function: Any) -> None:
        if function is not None:
            raise NotImplementedError("sys.setprofile is not supported inside gilsim")

    def _getframe(depth: int = 0) -> Any:
        ts = state.current
        frame = ts.frame if ts is not None else None
        for _ in range(depth):
            if frame is None:
                break
            frame = frame.previous
        if frame is None:
            raise ValueError("call stack is not deep enough")
        return frame

    overrides = {
        "_getframe": _getframe,
        "exc_info": exc_info,
        "exception": exception,
        "getrecursionlimit": getrecursionlimit,
        "setrecursionlimit": setrecursionlimit,
        "getswitchinterval": getswitchinterval,
        "setswitchinterval": setswitchinterval,
        "settrace": settrace,
        "setprofile": setprofile,
    }
    return ShadowModule(sys, overrides, frozenset())
