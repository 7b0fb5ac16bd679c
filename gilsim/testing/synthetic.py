"""Threads without an interpreter, to drive a ``Machine`` (and a ``GIL``) directly.

Why: the machine and the GIL know nothing of Python (``gilsim/machine/__init__.py``).  A test
of their rules is clearer, and runs a hundred times faster, with threads whose bodies only
compute for a given time, sleep, wait to be woken, and end, than with real programs.  A
:class:`SyntheticThread` does what the eval loop does with its clock: it advances it step by
step, hands control to the machine at its deadline (``Machine.yield_to_events``) and, holding
the GIL, reacts to ``eval_breaker`` at every step (a check point), as
``eval_frame_handle_pending`` does.

``run_until`` runs the machine's event loop up to a virtual time, so that a test can step
through a run, look at the machine between steps, and go on; ``run_out`` runs it until
nothing more can happen.
"""

from __future__ import annotations

from collections.abc import Sequence

import attrs

from gilsim.engine.core import NEVER
from gilsim.gil import GilKind
from gilsim.machine import Machine, OSThread, Wait

__all__ = [
    "Breaker",
    "Compute",
    "Idle",
    "Sleep",
    "SyntheticThread",
    "ThreadClock",
    "run_out",
    "run_until",
]

WAIT_WAKE = "wake"  # the wait kind of a thread idle until a test wakes it


class ThreadClock:
    """The ``Clock`` of one synthetic thread (``gilsim.machine.threads.Clock``): its time while
    it runs (ns), and the deadline at which it must hand control back (the next event)."""

    def __init__(self) -> None:
        self.clock_ns = 0
        self.deadline_ns = NEVER

    def enter(self, thread: OSThread, now_ns: int, next_event_ns: int) -> None:
        self.clock_ns = now_ns
        self.deadline_ns = next_event_ns

    def leave(self, thread: OSThread) -> None:
        pass


class Breaker:
    """What a GIL sets when it wants its holder to drop it (the interpreter's
    ``eval_breaker``)."""

    eval_breaker = False
    signals_pending = False


@attrs.frozen
class Compute:
    """Run on the core for ``ns`` nanoseconds (holding the GIL, if there is one)."""

    ns: int


@attrs.frozen
class Sleep:
    """Block for ``ns`` nanoseconds, having released the GIL (as ``time.sleep``)."""

    ns: int


@attrs.frozen
class Idle:
    """Block until someone calls ``Machine.wake`` on the thread (an ``Event.wait``)."""


Action = Compute | Sleep | Idle


class SyntheticThread:
    """An OS thread whose body runs ``program`` and ends.  With a ``gil`` it takes the GIL
    first, checks ``eval_breaker`` every ``check_every_ns`` of computing, releases the GIL
    around every sleep or idle wait, and drops it for good at its end (as
    ``thread_run`` does)."""

    def __init__(
        self,
        machine: Machine,
        ident: int,
        program: Sequence[Action],
        gil: GilKind | None = None,
        check_every_ns: int = 10_000,
    ) -> None:
        if check_every_ns <= 0:
            raise ValueError(f"check_every_ns must be positive, got {check_every_ns}")
        self.machine = machine
        self.gil = gil
        self.program = tuple(program)
        self.check_every_ns = check_every_ns
        self.clock = ThreadClock()
        self.os_thread = OSThread(ident, f"synthetic-{ident}", self.run, self.clock)
        self.finished = False

    def start(self, delay_ns: int | None = None) -> SyntheticThread:
        """Hand the thread to the machine (it runs once created and given a core)."""
        self.machine.start(self.os_thread, delay_ns)
        return self

    def run(self) -> None:
        gil, thread = self.gil, self.os_thread
        if gil is not None:
            gil.take_gil(thread)
        for action in self.program:
            if isinstance(action, Compute):
                self.compute(action.ns)
            else:
                self.block(action)
        if gil is not None:
            gil.drop_gil(thread)
        self.finished = True

    def compute(self, ns: int) -> None:
        """Advance the clock in steps of ``check_every_ns``, as the eval loop does with
        instructions.  Unlike the eval loop, which may pass its deadline by one
        instruction, a step ends exactly at the deadline: a synthetic step can be long, and
        an event (a scheduler tick) must not run that much later than its time."""
        clock, machine, gil = self.clock, self.machine, self.gil
        remaining = ns
        while remaining > 0:
            step = min(remaining, self.check_every_ns)
            room = clock.deadline_ns - clock.clock_ns
            if 0 < room < step:
                step = room
            clock.clock_ns += step
            remaining -= step
            if clock.clock_ns >= clock.deadline_ns:
                machine.yield_to_events(self.os_thread)
            if gil is not None and gil.breaker.eval_breaker:
                gil.eval_frame_handle_pending(self.os_thread)

    def block(self, action: Sleep | Idle) -> None:
        gil, thread = self.gil, self.os_thread
        if gil is not None:
            gil.drop_gil(thread)
        if isinstance(action, Sleep):
            if action.ns > 0:
                self.machine.block(thread, Wait("sleep", f"sleep {action.ns} ns"), action.ns)
        else:
            self.machine.block(thread, Wait(WAIT_WAKE, "a wake-up"))
        if gil is not None:
            gil.take_gil(thread)


def _stop(machine: Machine) -> None:
    machine.finish()


def run_until(machine: Machine, time_ns: int) -> None:
    """Run the machine's events up to ``time_ns`` (virtual ns), then stop; ``run_until``
    again goes on from there."""
    event = machine.engine.schedule(time_ns, _stop, machine)
    machine.finished = False
    machine.run()
    event.cancel()
    machine.finished = False


def run_out(machine: Machine) -> None:
    """Run until nothing more can happen: every thread has ended, or waits for something no
    one will do."""
    machine.finished = False
    machine.run()
