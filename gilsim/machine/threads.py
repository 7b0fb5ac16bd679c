"""The machine's OS threads: their states, what a blocked one waits for, and what the machine
needs of a thread's interpreter (``Clock``); and ``MachineSpec``, what a machine is made of.
The machine that runs them is ``gilsim.machine.cpu``."""

from __future__ import annotations

import collections
from collections.abc import Callable
from typing import Any, Protocol

import attrs

from gilsim.errors import GilsimError

# Thread states.  A blocked thread is counted under the kind of what it waits for.
NEW = "new"
RUNNING = "running"
RUNNABLE = "runnable"
WAKING = "waking"  # woken, not yet runnable: the wake-up latency
BLOCKED = "blocked"
EXITED = "exited"


def _positive(instance: object, attribute: attrs.Attribute, value: int) -> None:
    if value <= 0:
        raise ValueError(f"{attribute.name} must be positive, got {value}")


def _not_negative(instance: object, attribute: attrs.Attribute, value: int) -> None:
    if value < 0:
        raise ValueError(f"{attribute.name} must not be negative, got {value}")


@attrs.frozen
class MachineSpec:
    """A machine: its cores and its OS scheduler's parameters (durations in ns)."""

    cores: int = attrs.field(default=2, validator=_positive)
    tick_ns: int = attrs.field(default=4_000_000, validator=_positive)
    min_slice_ns: int = attrs.field(default=1_500_000, validator=_not_negative)
    wake_median_ns: int = attrs.field(default=20_000, validator=_not_negative)
    wake_sigma: float = 0.5
    timer_slack_ns: int = attrs.field(default=60_000, validator=_not_negative)
    # A core that went idle less than ``halt_poll_ns`` ago is still polling before it halts
    # (Linux's cpuidle-haltpoll on a KVM guest: ``guest_halt_poll_ns``, 200 µs by default),
    # so a thread woken there runs after ``polling_wake_median_ns`` instead.
    halt_poll_ns: int = attrs.field(default=200_000, validator=_not_negative)
    polling_wake_median_ns: int = attrs.field(default=2_000, validator=_positive)
    context_switch_ns: int = attrs.field(default=2_000, validator=_not_negative)
    thread_create_ns: int = attrs.field(default=25_000, validator=_not_negative)
    # How far a thread may run ahead of a runnable thread of another process (parallel
    # mode only): below the tick's 4 ms by far, above a wake-up latency, so that two
    # CPU-bound processes cost one dispatch each per 50 µs of virtual time.
    lookahead_ns: int = attrs.field(default=50_000, validator=_positive)


class Clock(Protocol):
    """What the machine needs of a thread's interpreter: its time while it runs (ns), and to
    be told when the machine switches to one of its threads and when that thread stops
    running (it blocked, reached its deadline or ended: the hub runs next)."""

    clock_ns: int
    deadline_ns: int

    def enter(self, thread: OSThread, now_ns: int, next_event_ns: int) -> None: ...

    def leave(self, thread: OSThread) -> None: ...


@attrs.frozen
class Wait:
    """What a blocked thread waits for: ``kind`` for statistics ("gil", "lock", "sleep",
    "io", ...), ``what`` for people, ``obj`` the thing itself (for deadlock reports)."""

    kind: str
    what: str
    obj: Any = None


class ThreadKilled(GilsimError):
    """Thrown into a thread still alive when its process ends (a daemon thread); being a
    ``GilsimError``, it runs no handler of the simulated program on its way out."""


@attrs.define(eq=False)
class OSThread:
    """One OS thread: its body, its state on the machine and where its time went."""

    ident: int
    name: str
    body: Callable[[], None]
    clock: Clock
    payload: Any = None  # the interpreter's thread state
    owner: Any = None  # the object that started it (a ``threading.Thread``), for its name
    state: str = NEW
    core: int | None = None
    last_core: int | None = None
    wait: Wait | None = None
    timed_out: bool = False
    timer: Any = None  # the engine event of a pending timeout
    pending: Any = None  # the engine event that lets it continue on its core
    picked_at: int = 0  # when it last took a core
    # What the fair scheduler owes it (``gilsim.machine.fair``): its virtual runtime's
    # offset from its CPU time, and its lag while it does not compete.
    v_offset: int = 0
    lag_ns: int = 0
    since: int = 0  # when it entered its state
    times: dict[str, int] = attrs.Factory(lambda: collections.defaultdict(int))
    greenlet: Any = None
    # The process it belongs to (the domain of its events; 0 for the first process), the
    # time it may resume from once resumable, and the ``pthread_t`` the program sees when
    # it is not ``ident`` (a fork child's thread keeps the forking thread's).
    process: int = 0
    resume_ns: int = 0
    pthread: int = 0
    # The domain of its events and of its progress in parallel mode: its process's, or,
    # for a thread of an interpreter without a GIL, its own (``Machine.start``).
    domain: int = 0

    @property
    def state_key(self) -> str:
        """The account its time goes to: a blocked thread's time, and its wake-up latency,
        count under the kind of what it waited for."""
        if self.state in (BLOCKED, WAKING) and self.wait is not None:
            return self.wait.kind
        return self.state
