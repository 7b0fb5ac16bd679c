"""The discrete-event engine: virtual time in integer nanoseconds, a heap of events, one
seeded random generator.  It knows nothing of Python, threads or the GIL (``design.md``)."""

from gilsim.engine.core import Engine, Event

__all__ = ["Engine", "Event"]
