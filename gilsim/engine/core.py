"""A discrete-event engine in the manner of SimPy's ``core.py``.

The queue is a heap of ``(time_ns, priority, sequence, event)``.  The sequence number makes
events scheduled for the same instant and priority run in the order they were scheduled, so
that the same program, configuration and seed replay the same run, every time.  ``step`` pops
one event, moves the clock to it and calls its callback; the clock never goes back.

Everything random in a simulation draws from ``Engine.random``, one generator seeded once.

Domains.  With more than one simulated process the machine runs them side by side, each up
to a small lookahead ahead of the others (``gilsim.machine.parallel``, "Processes side by side").
Then every event belongs to a *domain* (the process it concerns, or the machine), and an
event whose time has passed runs late by its own domain's progress, not by whatever another
process has reached: ``step_in_domains``.  A run with one process never uses them.
"""

from __future__ import annotations

import heapq
import random
from collections.abc import Callable
from typing import Any

# Event priorities: at one instant, urgent events (a scheduler tick) run before normal ones
# (a timer firing), and late ones (a running thread going on) after both.
URGENT = 0
NORMAL = 1
LATE = 2

# A time later than any event: "never".
NEVER = 1 << 62


class Event:
    """A callback scheduled at an instant.  ``cancel`` keeps it in the heap but makes it a
    no-op (removing from the middle of a heap is costly; popping a dead event is not)."""

    __slots__ = ("time_ns", "callback", "args", "cancelled", "domain")

    def __init__(
        self, time_ns: int, callback: Callable[..., Any], args: tuple[Any, ...], domain: int = 0
    ) -> None:
        self.time_ns = time_ns
        self.callback = callback
        self.args = args
        self.cancelled = False
        self.domain = domain

    def cancel(self) -> None:
        self.cancelled = True

    def __repr__(self) -> str:
        name = getattr(self.callback, "__qualname__", repr(self.callback))
        return f"<Event {name} at {self.time_ns} ns{' cancelled' if self.cancelled else ''}>"


class Engine:
    """The event queue and the virtual clock (``now_ns``, integer nanoseconds)."""

    def __init__(self, seed: int = 0) -> None:
        self.now_ns = 0
        self.random = random.Random(seed)
        self._queue: list[tuple[int, int, int, Event]] = []
        self._sequence = 0
        # Told the time of every new event: whoever runs ahead of the queue (a simulated
        # thread given a deadline) must learn of an event earlier than its deadline.
        self.on_schedule: Callable[[int], None] | None = None
        # The trace: every scheduling event as a dict, when recording (``record``).
        self.trace: list[dict[str, Any]] | None = None
        # The domain of whatever runs now (an event's, or a dispatched thread's process),
        # and how far each domain has got (``step_in_domains``).
        self.domain = 0
        self.progress: dict[int, int] = {}
        # In parallel mode, each domain's events in a heap of their own too
        # (``peek_domain``); None until ``split_domains``.
        self._by_domain: dict[int, list[tuple[int, int, int, Event]]] | None = None

    def schedule(
        self,
        time_ns: int,
        callback: Callable[..., Any],
        *args: Any,
        priority: int = NORMAL,
        domain: int | None = None,
    ) -> Event:
        """Call ``callback(*args)`` at ``time_ns`` (not before now), in ``domain`` (by
        default the domain of whatever runs now)."""
        time_ns = max(time_ns, self.now_ns)
        event = Event(time_ns, callback, args, self.domain if domain is None else domain)
        self._sequence += 1
        entry = (time_ns, priority, self._sequence, event)
        heapq.heappush(self._queue, entry)
        if self._by_domain is not None:
            heapq.heappush(self._by_domain.setdefault(event.domain, []), entry)
        if self.on_schedule is not None:
            self.on_schedule(time_ns)
        return event

    def record(self, event: str, **fields: Any) -> None:
        """Append ``event`` at the present time to the trace, if one is being recorded."""
        if self.trace is not None:
            self.trace.append({"time_ns": self.now_ns, "event": event, **fields})

    def record_at(self, time_ns: int, event: str, **fields: Any) -> None:
        """Append ``event`` at ``time_ns``, not before now: a running thread's own clock is
        ahead of the queue's, up to the next event, so nothing else can come between."""
        if self.trace is not None:
            self.trace.append({"time_ns": max(time_ns, self.now_ns), "event": event, **fields})

    def after(
        self, delay_ns: int, callback: Callable[..., Any], *args: Any, domain: int | None = None
    ) -> Event:
        """Call ``callback(*args)`` ``delay_ns`` from now."""
        return self.schedule(self.now_ns + delay_ns, callback, *args, domain=domain)

    def peek_ns(self) -> int:
        """The time of the next live event, or ``NEVER``."""
        queue = self._queue
        while queue and queue[0][3].cancelled:
            heapq.heappop(queue)
        return queue[0][0] if queue else NEVER

    def advance(self, time_ns: int) -> None:
        """Move the clock forward to ``time_ns`` (something ran until then)."""
        if time_ns > self.now_ns:
            self.now_ns = time_ns

    def step(self) -> bool:
        """Run the next live event; return False if there is none.  An event whose time has
        already passed (the running thread went past it within one step of its own) runs
        late, at the present time: the clock never goes back."""
        queue = self._queue
        while queue:
            time_ns, _, _, event = heapq.heappop(queue)
            if event.cancelled:
                continue
            if time_ns > self.now_ns:
                self.now_ns = time_ns
            event.callback(*event.args)
            return True
        return False

    def split_domains(self) -> None:
        """From now on keep each domain's events in a heap of its own as well."""
        if self._by_domain is None:
            self._by_domain = {}
            for entry in self._queue:
                if not entry[3].cancelled:
                    heapq.heappush(self._by_domain.setdefault(entry[3].domain, []), entry)

    def peek_domain(self, domain: int) -> int:
        """The time of ``domain``'s next live event, or ``NEVER`` (parallel mode)."""
        assert self._by_domain is not None
        queue = self._by_domain.get(domain)
        while queue and queue[0][3].cancelled:
            heapq.heappop(queue)
        return queue[0][0] if queue else NEVER

    def domains(self) -> list[int]:
        """The domains that have had events (parallel mode)."""
        return list(self._by_domain or ())

    def step_in_domains(self) -> bool:
        """``step`` with processes side by side: the next event runs at its own time, or,
        if its domain has already gone past it, late by that domain's progress.  The
        present (``now_ns``) is the event's, which may be behind another domain's."""
        queue = self._queue
        while queue:
            time_ns, _, _, event = heapq.heappop(queue)
            if event.cancelled:
                continue
            domain = event.domain
            self.now_ns = max(time_ns, self.progress.get(domain, 0))
            self.progress[domain] = self.now_ns
            self.domain = domain
            event.cancelled = True  # done: its domain's heap lets go of it
            event.callback(*event.args)
            self.reached(domain, self.now_ns)
            return True
        return False

    def reached(self, domain: int, time_ns: int) -> None:
        """``domain`` has got as far as ``time_ns``."""
        if time_ns > self.progress.get(domain, 0):
            self.progress[domain] = time_ns
