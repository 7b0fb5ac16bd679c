"""The wall clock's watch over a run: ``--max-wall`` and the progress line of the command.

Neither engine reads the wall clock on its hot path.  Both already compare the instructions
run with ``InterpreterState.instruction_limit`` as they compare the clock with the next
event (the eval loop, and the tracer's C and Python callbacks, call their ``on_deadline``
past either); a watched interpreter lowers that limit to the next *poll*, every
``POLL_INSTRUCTIONS`` instructions, and ``on_deadline`` tells a poll from ``--max-instructions``
by ``InterpreterState.instruction_cap``.  An unwatched run keeps its limit where it was, so
it pays nothing at all.

A run that runs no instructions for a long time (one long call into C) is not polled until
it runs some again.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import attrs

from gilsim.units import format_ns

# Instructions between two polls.  Both engines run a few million instructions a wall
# second, so a poll comes a few tens of times a second: often enough for a progress line
# redrawn four times a second and a wall limit met within a fraction of a second, rarely
# enough that its call costs nothing measurable (``benchmarks/README.md``).
POLL_INSTRUCTIONS = 100_000

# What a progress display is told at a poll: virtual time reached, instructions run, wall time
# since the run started (both times in ns).
Report = Callable[[int, int, int], None]


@attrs.define(eq=False)
class Watchdog:
    """The wall-clock watch of one run: the limit ``max_wall_ns`` (wall time, or None) and
    ``report``, called at each poll (the command's progress line, or None).  It starts
    counting when it is made."""

    max_wall_ns: int | None = None
    report: Report | None = None
    started_ns: int = attrs.field(factory=time.monotonic_ns)

    def poll(self, virtual_time_ns: int, instructions: int) -> str | None:
        """A poll: the message of the wall limit if the run is past it, else None."""
        wall_ns = time.monotonic_ns() - self.started_ns
        if self.report is not None:
            self.report(virtual_time_ns, instructions, wall_ns)
        if self.max_wall_ns is not None and wall_ns > self.max_wall_ns:
            return f"the program ran past --max-wall {format_ns(self.max_wall_ns)} of wall time"
        return None
