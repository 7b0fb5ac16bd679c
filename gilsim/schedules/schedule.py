"""Schedules: who runs next at each place where the GIL can change hands, written down so that a
run can be replayed exactly.

A run under a ``Watcher`` (``gilsim.gil.watch``) meets a sequence of *choice points*: a check
point of the GIL holder while other threads wait for the GIL (it may go on, or hand the GIL to
one of them: a *preemption*), and a release of the GIL while two or more threads wait (which of
them gets it; no preemption, the holder was giving it up anyway).  Choice points are numbered
0, 1, 2... in the order the run meets them.  Everything else in a run is deterministic (one
seeded generator), so a run is fixed by its configuration and the choices that differ from
what the simulation does by itself, the *default*: at a check point, go on (unless the switch
interval has expired); at a release, the waiter the OS model picks.

A schedule is those differing choices: ``12:T1,40:T0`` means "at choice point 12 give the GIL
to thread 1, at 40 to thread 0", threads numbered in the order they were created (0 is the main
thread).  The empty schedule, written ``default``, is the run gilsim makes on its own.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

import attrs

from gilsim import races
from gilsim.errors import ConfigurationError
from gilsim.gil.watch import Watcher, Where
from gilsim.machine import MachineSpec, OSThread

DEFAULT = "default"
_CHOICE = re.compile(r"(\d+):T(\d+)")

# ``decide(point, kind, options, default) -> thread number``: a strategy's choice.
Decide = Callable[[int, str, tuple[int, ...], int], int]


@attrs.frozen(order=True)
class Choice:
    """At choice point ``point``, thread number ``thread`` gets (or keeps) the GIL."""

    point: int
    thread: int


@attrs.frozen
class Schedule:
    """The choices of a run that differ from the default, by increasing point."""

    choices: tuple[Choice, ...] = ()

    def __str__(self) -> str:
        if not self.choices:
            return DEFAULT
        return ",".join(f"{c.point}:T{c.thread}" for c in self.choices)

    def without(self, index: int) -> Schedule:
        return Schedule(self.choices[:index] + self.choices[index + 1 :])

    @property
    def last_point(self) -> int:
        return self.choices[-1].point if self.choices else -1

    @classmethod
    def parse(cls, text: str) -> Schedule:
        """Read a schedule as ``str`` writes it; a clear error names what is wrong."""
        text = text.strip()
        if text in ("", DEFAULT):
            return cls()
        choices = []
        for part in text.split(","):
            match = _CHOICE.fullmatch(part.strip())
            if match is None:
                raise ConfigurationError(
                    f"bad schedule {text!r}: {part.strip()!r} is not POINT:TNUMBER "
                    f"(e.g. 12:T1, as `gilsim explore` prints it)"
                )
            choices.append(Choice(int(match[1]), int(match[2])))
        points = [c.point for c in choices]
        if points != sorted(set(points)):
            raise ConfigurationError(
                f"bad schedule {text!r}: choice points must increase, each given once"
            )
        return cls(tuple(choices))


@attrs.frozen
class ChoicePoint:
    """What a run met at one choice point: what kind (``"check"`` or ``"release"``), the
    holder's thread number and where it was (``where``: its last switch point, this one),
    the threads that could get the GIL (``options``, the holder first at a check point),
    what the default was and what was chosen."""

    index: int
    kind: str
    holder: int
    where: Where | None
    options: tuple[int, ...]
    default: int
    chosen: int


class ScheduleChooser:
    """A ``Chooser`` that follows a schedule and logs every choice point.

    ``decide(point, kind, holder, options, default)`` may be given to choose where the
    schedule says nothing (random and PCT exploration); its choices that differ from the
    default are added to ``taken``, so the run's full schedule is known afterwards.
    """

    def __init__(
        self,
        schedule: Schedule | None = None,
        decide: Decide | None = None,
        segments: bool = False,
    ) -> None:
        schedule = schedule or Schedule()
        # Record each segment's accesses and the order of the segments (for partial-order
        # reduction, ``dpor``).
        self.segments = segments
        self.forced = {c.point: c.thread for c in schedule.choices}
        self.decide = decide
        self.log: list[ChoicePoint] = []
        self.taken: list[Choice] = []
        # The first point where the schedule named a thread that could not get the GIL.
        self.diverged: int | None = None
        # Set by ``install``: the machine (thread numbers) and the watcher (switch points).
        self.machine: Any = None
        self.watcher: Any = None

    @property
    def last_choice(self) -> int:
        return len(self.log) - 1

    def machine_spec(self, spec: MachineSpec) -> MachineSpec:
        """The machine to run on (``idealised``)."""
        return idealised(spec)

    def install(self, interp: Any) -> None:
        """Decide at every choice point of ``interp``'s GIL (and, with ``segments``, record
        what each segment touches)."""
        watcher = Watcher(self, steps=self.segments)
        self.machine = interp.machine
        self.watcher = watcher
        interp.gil.watch(watcher)
        if self.segments:
            races.install(interp, segments=True)

    def number(self, thread: OSThread) -> int:
        return int(self.machine.threads.index(thread))

    def _choose(
        self, kind: str, holder: OSThread, options: list[OSThread], default: OSThread
    ) -> OSThread:
        numbers = tuple(self.number(t) for t in options)
        point = len(self.log)
        default_number = self.number(default)
        chosen = default_number
        wanted = self.forced.get(point)
        if wanted is not None:
            if wanted in numbers:
                chosen = wanted
            elif self.diverged is None:
                self.diverged = point
        elif self.decide is not None:
            chosen = self.decide(point, kind, numbers, default_number)
        if chosen != default_number:
            self.taken.append(Choice(point, chosen))
        where = self.watcher.last_where.get(holder.ident) if self.watcher is not None else None
        self.log.append(
            ChoicePoint(point, kind, self.number(holder), where, numbers, default_number, chosen)
        )
        return options[numbers.index(chosen)]

    def at_check_point(self, holder: OSThread, waiting: list[OSThread]) -> OSThread | None:
        chosen = self._choose("check", holder, [holder, *waiting], holder)
        return None if chosen is holder else chosen

    def at_release(self, holder: OSThread, waiting: list[OSThread], default: OSThread) -> OSThread:
        return self._choose("release", holder, list(waiting), default)

    @property
    def misfit(self) -> int | None:
        """The first choice point of the schedule that did not apply: its thread could not
        take the GIL there, or the run ended before it.  None if all applied."""
        if self.diverged is not None:
            return self.diverged
        beyond = [point for point in self.forced if point >= len(self.log)]
        return min(beyond) if beyond else None

    @property
    def schedule(self) -> Schedule:
        """The schedule of the run so far: every choice that differed from the default."""
        return Schedule(tuple(self.taken))

    @property
    def preemptions(self) -> int:
        """Choices that took the GIL from a holder that would have gone on."""
        return preemptions(self.schedule, self.log)


def preemptions(schedule: Schedule, log: Sequence[ChoicePoint]) -> int:
    """How many of ``schedule``'s choices are preemptions (choices at a check point, where
    the default is to go on), by the log of a run of it."""
    return sum(1 for c in schedule.choices if c.point < len(log) and log[c.point].kind == "check")


def idealised(spec: MachineSpec) -> MachineSpec:
    """The machine a schedule runs on: ``spec`` with threads that wake up and start at once.

    On the real machine a thread woken from a lock or a sleep, or just created, needs tens of
    microseconds before it waits for the GIL, and a short program can end before anyone
    waits.  CPython's outcomes do not hang on those latencies being long: a faster wake-up
    could always have happened.  Without them every thread that could be waiting for the GIL
    is, so a check point offers every switch CPython could make there, and going on stands
    for the waiter having been slower.
    """
    return attrs.evolve(spec, wake_median_ns=0, timer_slack_ns=0, thread_create_ns=0)


def replaying(config: Any) -> ScheduleChooser | None:
    """The chooser that replays ``config.schedule`` (a ``Config``), or None without one."""
    if config.schedule is None:
        return None
    return ScheduleChooser(Schedule.parse(config.schedule))


def divergence_warning(chooser: ScheduleChooser | None) -> str | None:
    """What to tell a user whose schedule did not fit the run, or None."""
    if chooser is None:
        return None
    point = chooser.misfit
    if point is None:
        return None
    wanted = chooser.forced[point]
    if point >= len(chooser.log):
        return (
            f"the schedule names choice point {point} but the run met only {len(chooser.log)}; "
            f"replay with the options the exploration used (seed, machine, cores, interval, "
            f"check points)"
        )
    return (
        f"the schedule did not fit this run: at choice point {point} thread T{wanted} could not "
        f"take the GIL; replay with the options the exploration used (seed, machine, cores, "
        f"interval, check points)"
    )
