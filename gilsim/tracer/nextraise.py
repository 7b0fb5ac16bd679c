"""Raising an exception into the program at its next instruction, from an ``INSTRUCTION``
event of a tool id of its own.

A check point can find that the main thread must raise (``KeyboardInterrupt`` from a
signal's handler, ``gilsim.interpreter.signals``), and a check point is often a ``JUMP``
event (the back edge of a loop).  But CPython 3.12 and 3.13 do not unwind an exception
raised by a ``JUMP`` callback as one raised by the instruction: the frame's own handlers are
skipped (a ``finally`` around the loop does not run) and ``RAISE`` is given no valid offset.
An exception raised by an ``INSTRUCTION`` callback unwinds as the instruction's own, so the
exception waits for the next instruction of the code the thread runs, which fires that
event once, and only there (``sys.monitoring.set_local_events``).
"""

from __future__ import annotations

import sys
import types
from typing import Any

monitoring = sys.monitoring
INSTRUCTION = monitoring.events.INSTRUCTION


class NextRaise:
    """At most one exception waiting for the next instruction of one code object."""

    def __init__(self, tools: tuple[int, ...]) -> None:
        self.tools = tools
        self.tool = -1
        self.code: types.CodeType | None = None
        self.exc: BaseException | None = None

    def arm(self, code: types.CodeType, exc: BaseException) -> bool:
        """Raise ``exc`` at the next instruction of ``code``; False if no tool id is free
        (the caller then raises it at once)."""
        if self.tool < 0 and not self._take_tool():
            return False
        if self.code is not None and self.code is not code:
            monitoring.set_local_events(self.tool, self.code, 0)
        self.code, self.exc = code, exc
        monitoring.set_local_events(self.tool, code, INSTRUCTION)
        return True

    def _take_tool(self) -> bool:
        for tool in self.tools:
            if monitoring.get_tool(tool) is None:
                monitoring.use_tool_id(tool, "gilsim-raise")
                monitoring.register_callback(tool, INSTRUCTION, self._instruction)
                self.tool = tool
                return True
        return False

    def _instruction(self, code: types.CodeType, offset: int) -> Any:
        exc, self.exc = self.exc, None
        monitoring.set_local_events(self.tool, code, 0)
        self.code = None
        if exc is not None:
            raise exc
        return None

    def release(self) -> None:
        """Give the tool id back (the run is over)."""
        if self.tool < 0:
            return
        if self.code is not None:
            monitoring.set_local_events(self.tool, self.code, 0)
        monitoring.register_callback(self.tool, INSTRUCTION, None)
        monitoring.free_tool_id(self.tool)
        self.tool, self.code, self.exc = -1, None, None
