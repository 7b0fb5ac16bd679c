"""The event-by-event checker of a scheduling trace: the rules listed in
``gilsim.testing.invariants``, with their sources.

``TraceChecker`` replays a trace as a small model of the run: each thread's state and core,
the GIL's holder and last holder, a pending drop request, each thread's last wait for the
GIL.  Each event is checked against that model before it updates it, so the first event
that breaks a rule is the one reported, with the events that led to it.
"""

from __future__ import annotations

import collections
from collections.abc import Mapping
from typing import Any, NoReturn

from gilsim.gil.newgil import WAIT_GIL

__all__ = ["TRANSITIONS", "InvariantViolation", "TraceChecker"]

TRANSITIONS: Mapping[str, frozenset[str]] = {
    "new": frozenset({"running", "runnable"}),
    "running": frozenset({"blocked", "runnable", "exited"}),
    "blocked": frozenset({"waking"}),
    "waking": frozenset({"running", "runnable"}),
    "runnable": frozenset({"running"}),
    "exited": frozenset(),
}
"""The legal moves of a thread's state: ``thread_state`` events record the arrival."""

WAITING = frozenset({"blocked", "waking"})

# Where a thread stands with the GIL.  A thread in a call that released the GIL (a system
# call, ``Py_BEGIN_ALLOW_THREADS``) may spend kernel time on its core; one that dropped it on
# request only waits, and one that never held it has not started its Python code.
NEVER_HELD = "it never held the GIL"
HOLDS = "it holds the GIL"
IN_CALL = "in a call that released the GIL"
FORCED = "it dropped the GIL on request"
CONTEXT = 6  # events shown before the one that breaks a rule


class InvariantViolation(AssertionError):
    """A trace broke a scheduling invariant; the message names the rule and the event."""


class TraceChecker:
    """Checks a trace one event at a time (``feed``), then at its end (``finish``).

    ``cores`` is the machine's number of cores; ``interval_ns`` the switch interval the run
    started with (``None`` if unknown: drop requests are then not timed until a
    ``switch_interval`` event says it); ``names`` maps thread idents to names for messages;
    ``min_slice_ns``, if known, is the OS scheduler's minimum slice: no thread is preempted
    before it has run that long on its core, unless by a thread woken that instant (one the
    scheduler owes time, ``gilsim.machine.fair``).  Without ``gil``, the trace is of a machine
    driven without one (threads run on cores holding nothing), and the rules of the GIL about
    ``ran`` segments are not applied.  With ``requests`` false the GIL is the old one
    (``gilsim.gil.oldgil``): its forced drops are periodic releases that nobody requested,
    and the dropper may take the GIL straight back.
    """

    def __init__(
        self,
        cores: int,
        interval_ns: int | None,
        names: Mapping[int, str] | None = None,
        min_slice_ns: int | None = None,
        gil: bool = True,
        requests: bool = True,
    ) -> None:
        self.cores = cores
        self.gil = gil
        self.requests = requests
        self.last_drop_forced = False
        # ``take_gil`` waits whole microseconds (``interval_us``).
        self.interval_ns = None if interval_ns is None else interval_ns // 1000 * 1000
        self.min_slice_ns = min_slice_ns
        self.names = dict(names or {})
        self.index = -1
        self.now_ns = 0
        self.recent: collections.deque[dict[str, Any]] = collections.deque(maxlen=CONTEXT)
        # Threads: state, core, since when, and where their time went (ns per account).
        self.state: dict[int, str] = {}
        self.core_of: dict[int, int] = {}
        self.since: dict[int, int] = {}
        self.wait_of: dict[int, tuple[str | None, str | None]] = {}
        self.accounts: dict[int, collections.Counter[str]] = {}
        self.on_core: list[int | None] = [None] * cores
        self.core_busy_ns = [0] * cores
        # The GIL: its holder and last holder, the switches so far, counts of drops and
        # requests, who made the pending drop request, who may not take it next.
        self.holder: int | None = None
        self.last_holder: int | None = None
        self.switches = 0
        self.counts: collections.Counter[str] = collections.Counter()
        self.request_by: int | None = None
        self.no_retake_by: int | None = None  # FORCE_SWITCHING
        # Per thread: where it stands with the GIL when its next ``ran`` segment begins
        # (``NEVER_HELD``, ``HOLDS``, ``IN_CALL``, ``FORCED``), and its GIL events since.
        self.gil_status: dict[int, str] = {}
        self.gil_log: dict[int, list[tuple[int, str]]] = collections.defaultdict(list)
        self.lock_holder: dict[int, int] = {}  # lock serial -> the thread that acquired it
        # Per thread: its present condition-variable wait for the GIL (start, switches then,
        # interval then), and its last one, ended (the same, and when it woke).
        self.gil_wait: dict[int, tuple[int, int, int | None]] = {}
        self.last_wait: dict[int, tuple[int, int, int | None, int]] = {}
        # Per thread: when it last took a core (``core_of``) and last left one.
        self.running_since: dict[int, int] = {}
        self.left_core_ns: dict[int, int] = {}
        self.ran_until_ns: dict[int, int] = {}
        self.woken_at: dict[int, int] = {}  # when a thread last became runnable from waking

    # -- reporting ------------------------------------------------------------------------

    def name(self, ident: int | None) -> str:
        if ident is None:
            return "nobody"
        return self.names.get(ident, f"thread {ident:#x}")

    def fail(self, rule: str, detail: str) -> NoReturn:
        lines = [f"{rule}: {detail}", "the trace up to there:"]
        first = self.index - len(self.recent) + 1
        lines += [f"  [{first + n}] {event}" for n, event in enumerate(self.recent)]
        raise InvariantViolation("\n".join(lines))

    # -- the events -----------------------------------------------------------------------

    def feed(self, event: Mapping[str, Any]) -> None:
        """Check one event against everything before it."""
        self.index += 1
        self.recent.append(dict(event))
        time_ns = event["time_ns"]
        if time_ns < self.now_ns:
            self.fail("clock", f"time goes back from {self.now_ns} ns to {time_ns} ns")
        if time_ns > self.now_ns:
            self.end_of_instant()
            self.now_ns = time_ns
        handler = getattr(self, "on_" + event["event"], None)
        if handler is None:
            self.fail("events", f"unknown event {event['event']!r}")
        handler(event)

    def on_process_start(self, event: Mapping[str, Any]) -> None:
        """A fork (``gilsim.processes.fork``): the child's thread starts as any thread."""

    def on_process_exit(self, event: Mapping[str, Any]) -> None:
        """A process ended; its threads' own events say how."""

    def on_thread_state(self, event: Mapping[str, Any]) -> None:
        ident, new = event["thread"], event["state"]
        old = self.state.get(ident, "new")
        if new not in TRANSITIONS:
            self.fail("thread states", f"unknown state {new!r}")
        if new not in TRANSITIONS[old]:
            self.fail("thread states", f"{self.name(ident)} goes from {old} to {new}")
        if (event["wait"] is not None) != (new in WAITING):
            self.fail("thread states", f"{self.name(ident)} is {new} with wait {event['wait']!r}")
        self.account(ident)
        if old == "running":
            self.leave_core(ident)
        if new == "running":
            self.take_core(ident, event["core"])
        if new == "runnable" and old == "waking":
            self.woken_at[ident] = self.now_ns
        if new == "runnable" and old == "running":
            self.check_preemption(ident)
        if new == "blocked":
            self.last_wait.pop(ident, None)
            if event["wait"] == "gil" and event["what"] == WAIT_GIL.what:
                self.gil_wait[ident] = (self.now_ns, self.switches, self.interval_ns)
        if old == "blocked" and ident in self.gil_wait:
            start, switches, interval = self.gil_wait.pop(ident)
            self.last_wait[ident] = (start, switches, interval, self.now_ns)
        self.state[ident] = new
        self.wait_of[ident] = (event["wait"], event["what"])

    def on_gil_take(self, event: Mapping[str, Any]) -> None:
        ident = event["thread"]
        self.must_run(ident, "takes the GIL")
        if self.holder is not None:
            self.fail(
                "one holder", f"{self.name(ident)} takes the GIL {self.name(self.holder)} holds"
            )
        if ident == self.no_retake_by:
            self.fail(
                "FORCE_SWITCHING",
                f"{self.name(ident)} dropped the GIL on request and took it back first",
            )
        switched = ident != self.last_holder
        if event["switch"] != switched:
            self.fail("switch", f"take by {self.name(ident)} marked switch={event['switch']}")
        self.switches += switched
        if switched and self.last_drop_forced and not self.requests:
            self.counts["forced"] += 1
        self.holder = self.last_holder = ident
        self.gil_log[ident].append((self.now_ns, HOLDS))
        self.request_by = self.no_retake_by = None  # a take consumes the request
        self.last_wait.pop(ident, None)

    def on_gil_drop(self, event: Mapping[str, Any]) -> None:
        ident = event["thread"]
        self.must_run(ident, "drops the GIL")
        if self.holder != ident:
            self.fail(
                "one holder", f"{self.name(ident)} drops a GIL held by {self.name(self.holder)}"
            )
        self.last_drop_forced = event["forced"]
        if event["forced"]:
            # The old GIL counts the periodic releases after which another thread took it.
            self.counts["forced"] += self.requests
            if self.request_by is None and self.requests:
                self.fail("forced drop", f"{self.name(ident)} dropped on no request since its take")
        else:
            self.counts["voluntary"] += 1
        if self.request_by is not None:
            self.no_retake_by = ident
        self.holder, self.request_by = None, None
        # The old GIL's periodic release runs ``sem_post`` without the GIL, as a call does.
        forced = event["forced"] and self.requests
        self.gil_log[ident].append((self.now_ns, FORCED if forced else IN_CALL))

    def on_drop_request(self, event: Mapping[str, Any]) -> None:
        ident = event["thread"]
        self.counts["requests"] += 1
        self.must_run(ident, "asks for a drop")
        if self.holder is None or self.holder == ident:
            self.fail(
                "drop request", f"{self.name(ident)} asks while {self.name(self.holder)} holds"
            )
        if event["holder"] != self.holder:
            self.fail("drop request", f"names {self.name(event['holder'])} as the holder")
        wait = self.last_wait.get(ident)
        if wait is None:
            self.fail("drop request", f"{self.name(ident)} has not just waited for the GIL")
        start, switches, interval, woke = wait
        if switches != self.switches:
            self.fail("drop request", f"the GIL switched since {self.name(ident)} began its wait")
        if interval is not None and woke - start < max(interval, 1000):
            self.fail(
                "drop request",
                f"{self.name(ident)} waited {woke - start} ns, less than the interval "
                f"{interval} ns: its wait did not time out",
            )
        self.request_by = ident
        del self.last_wait[ident]

    def on_ran(self, event: Mapping[str, Any]) -> None:
        ident, start, end = event["thread"], event["start_ns"], event["time_ns"]
        if start > end:
            self.fail("clock", f"a segment of {self.name(ident)} ends before it starts")
        if start < self.ran_until_ns.get(ident, 0):
            self.fail("clock", f"two segments of {self.name(ident)} overlap")
        self.ran_until_ns[ident] = end
        if self.gil:
            self.check_gil_during(ident, start, end)
        on_core = self.state.get(ident) == "running" or self.left_core_ns.get(ident) == end
        since = self.running_since.get(ident)
        if not on_core or since is None or since > start or event["core"] != self.core_of[ident]:
            self.fail(
                "bytecode under the GIL",
                f"{self.name(ident)} ran on core {event['core']} from {start} ns without "
                f"running there all along",
            )

    def on_switch_interval(self, event: Mapping[str, Any]) -> None:
        self.interval_ns = event["interval_us"] * 1000

    def on_lock_acquire(self, event: Mapping[str, Any]) -> None:
        self.must_run(event["thread"], f"acquires lock {event['lock']}")
        holder = self.lock_holder.get(event["lock"])
        if holder is not None:
            self.fail(
                "locks",
                f"{self.name(event['thread'])} acquires lock {event['lock']}, which "
                f"{self.name(holder)} holds",
            )
        self.lock_holder[event["lock"]] = event["thread"]

    def on_lock_release(self, event: Mapping[str, Any]) -> None:
        self.must_run(event["thread"], f"releases lock {event['lock']}")
        self.lock_holder.pop(event["lock"], None)

    def on_thread_start(self, event: Mapping[str, Any]) -> None:
        self.must_run(event["thread"], "starts a thread")
        if event["child"] in self.state:
            self.fail("thread states", f"{self.name(event['child'])} is started twice")

    def on_thread_name(self, event: Mapping[str, Any]) -> None:
        pass  # names come after the run, for the reader

    def on_run_end(self, event: Mapping[str, Any]) -> None:
        if event["cores"] != self.cores:
            self.fail("cores", f"the run ends on {event['cores']} cores, not {self.cores}")

    # -- helpers --------------------------------------------------------------------------

    def check_preemption(self, ident: int) -> None:
        if not self.others_runnable(ident):
            self.fail("work conserving", f"{self.name(ident)} preempted with nobody queued")
        ran_ns = self.now_ns - self.running_since[ident]
        woken = any(
            at == self.now_ns and self.state.get(other) == "runnable"
            for other, at in self.woken_at.items()
        )
        if self.min_slice_ns is not None and ran_ns < max(self.min_slice_ns, 1) and not woken:
            self.fail(
                "work conserving",
                f"{self.name(ident)} preempted after {ran_ns} ns on its core, before its "
                f"slice of {self.min_slice_ns} ns",
            )

    def check_gil_during(self, ident: int, start: int, end: int) -> None:
        """Replay the thread's GIL events over its segment: any stretch of it without the
        GIL must lie inside a call that released the GIL voluntarily."""
        status, cursor = self.gil_status.get(ident, NEVER_HELD), start
        for time_ns, next_status in [*self.gil_log.pop(ident, []), (end, "")]:
            if time_ns > cursor and status not in (HOLDS, IN_CALL):
                self.fail(
                    "bytecode under the GIL",
                    f"{self.name(ident)} ran from {cursor} ns to {time_ns} ns without the GIL "
                    f"({status})",
                )
            cursor = max(cursor, time_ns)
            status = next_status or status
        self.gil_status[ident] = status

    def must_run(self, ident: int, doing: str) -> None:
        if self.state.get(ident) != "running":
            self.fail(
                "on a core", f"{self.name(ident)} {doing} while {self.state.get(ident, 'new')}"
            )

    def others_runnable(self, ident: int) -> bool:
        return any(s == "runnable" and t != ident for t, s in self.state.items())

    def take_core(self, ident: int, core: Any) -> None:
        if not isinstance(core, int) or not 0 <= core < self.cores:
            self.fail("cores", f"{self.name(ident)} runs on core {core!r}")
        occupant = self.on_core[core]
        if occupant is not None:
            self.fail("cores", f"{self.name(ident)} and {self.name(occupant)} both on core {core}")
        self.on_core[core] = ident
        self.core_of[ident] = core
        self.running_since[ident] = self.now_ns

    def leave_core(self, ident: int) -> None:
        core = self.core_of.get(ident)
        if core is not None and self.on_core[core] == ident:
            self.on_core[core] = None
        self.left_core_ns[ident] = self.now_ns

    def account(self, ident: int) -> None:
        """Credit the time since the thread's last change to the account of its state."""
        state = self.state.get(ident)
        if state is None:
            self.since[ident] = self.now_ns
            self.accounts[ident] = collections.Counter()
            return
        spent = self.now_ns - self.since[ident]
        wait, _ = self.wait_of[ident]
        self.accounts[ident][wait if state in WAITING and wait else state] += spent
        if state == "running":
            self.core_busy_ns[self.core_of[ident]] += spent
        self.since[ident] = self.now_ns

    def end_of_instant(self) -> None:
        if None in self.on_core:
            queued = [t for t, s in self.state.items() if s == "runnable"]
            if queued:
                self.fail(
                    "work conserving",
                    f"{self.name(queued[0])} queued at {self.now_ns} ns while a core is free",
                )

    def finish(self, end_ns: int | None = None) -> None:
        """The checks at the end of the trace (``end_ns``: when the run ended)."""
        self.end_of_instant()
        if end_ns is not None and end_ns < self.now_ns:
            self.fail("clock", f"the run ends at {end_ns} ns, before its last event")
        self.now_ns = max(self.now_ns, end_ns or 0)
        for ident in self.state:
            if self.state[ident] != "exited":
                self.account(ident)
        if self.request_by is not None and self.state.get(self.request_by) == "exited":
            self.fail(
                "answered",
                f"the drop request of {self.name(self.request_by)} to "
                f"{self.name(self.holder)} is still pending at the end",
            )
