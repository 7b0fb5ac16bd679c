"""What the code of a simulated process may ask of the engine, through ``Machine``.

The GIL, the interpreter, the tracer, the runtime's modules and the processes reach the
engine (``gilsim.engine.core``) only through these methods, never through
``machine.engine``: so a simulated process can run in a host process of its own, with a
proxy in place of its ``Machine`` that forwards each of them (issue 19).
``tests/test_layers.py`` keeps it so.  Each method forwards to the engine method of the same
name, unchanged.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from gilsim.engine import Engine


def _marker() -> None:
    """A marker's event: nothing happens, but every running thread stops at it."""


class Marker(Protocol):
    """What ``EnginePort.marker`` returns: an event one can cancel."""

    def cancel(self) -> None: ...


class EnginePort:
    """The engine's clock, trace, random stream and queue, as a simulated process uses
    them (see the module's docstring)."""

    engine: Engine

    @property
    def tracing(self) -> bool:
        """Whether the run records a trace (the same from start to end)."""
        return self.engine.trace is not None

    def advance(self, time_ns: int) -> None:
        """Bring the engine's clock forward to ``time_ns`` (a running thread got there)."""
        self.engine.advance(time_ns)

    def record(self, event: str, **fields: Any) -> None:
        """Record ``event`` in the trace at the present time, if a trace is recorded."""
        self.engine.record(event, **fields)

    def record_at(self, time_ns: int, event: str, **fields: Any) -> None:
        """Record ``event`` at ``time_ns``, not before the present, if a trace is recorded."""
        self.engine.record_at(time_ns, event, **fields)

    def record_unordered(self, time_ns: int, event: str, **fields: Any) -> None:
        """Record ``event`` at ``time_ns`` exactly, if a trace is recorded: in parallel mode
        each thread records in its own time, and the run sorts the trace at its end."""
        if self.engine.trace is not None:
            self.engine.trace.append({"time_ns": time_ns, "event": event, **fields})

    def randrange(self, n: int) -> int:
        """A number from 0 to ``n - 1``, drawn from the run's one seeded random stream."""
        return self.engine.random.randrange(n)

    def marker(self, time_ns: int, domain: int | None = None) -> Marker:
        """An event at ``time_ns`` that does nothing, so that whichever thread runs then
        stops there; ``cancel`` it once it is no longer needed.  ``domain``: as
        ``Engine.schedule``'s (by default, whatever runs now)."""
        return self.engine.schedule(time_ns, _marker, domain=domain)

    def call_at(self, time_ns: int, callback: Callable[..., object], *args: object) -> None:
        """Call ``callback(*args)`` at ``time_ns`` (not before now): the simulated kernel's
        own work, such as data arriving at the far end of a pipe or a connection."""
        self.engine.schedule(time_ns, callback, *args)
