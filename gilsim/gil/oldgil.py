"""The "old GIL" of CPython up to 3.1 and of 2.x, as 2.7 implements it in ``Python/ceval.c``
(the ``_Py_Ticker`` block of ``PyEval_EvalFrameEx``) and ``Python/thread_pthread.h``
(``docs/model/gil.md`` §3.1), run on 3.11, 3.12 or 3.13 bytecode: ``--gil old``.

Notes about the implementation:

- The GIL is ``interpreter_lock``, a plain binary semaphore (``sem_t`` under
  ``USE_SEMAPHORES``): ``locked`` is its value.  It has no owner, no fairness, no timeout
  and no drop request.  A thread that finds it taken sleeps in ``sem_wait`` until a
  ``sem_post`` wakes it (``blocked``: the futex queue), then tries again; if the lock has
  been taken meanwhile, it goes back to sleep (a *futile wake-up*, ``futile_wakeups``).
  Every thread inside ``sem_wait`` is *registered* (``waiters``: glibc's ``nwaiters``).

- ``_Py_Ticker`` (``ticker``) counts down from ``_Py_CheckInterval`` (``check_interval``,
  100; ``sys.setcheckinterval``) at every tick.  When it runs out it is reset, and, once
  threads exist (``PyEval_InitThreads`` ran when the first thread started: ``threads``),
  the holder releases the lock and at once takes it again with a blocking acquire
  (``release_and_retake``), whether or not anyone waits.  A program that never starts a
  thread never releases.

- A tick is one pass through the top of 2.7's eval loop.  2.7's fast opcodes (those that
  end in ``goto fast_next_opcode``) and ``PREDICT``-ed successors skip it.  Their 3.11
  counterparts are ``FAST_OPNAMES`` (see there for the mapping).  3.11 polls
  ``eval_breaker`` only at its check points, about once per loop iteration, so the ticker
  is wound down there: by the instructions run since the previous check point, weighted by
  the share of ticking instructions in the code that ran (``tick_weight``: the body of
  the loop whose backward jump it is, else the whole code object).  A release therefore
  falls on the first check point after 100 ticks, as 2.7's falls on the first tick after
  100, and the ticks past 100 are dropped with the reset.  Counting at check points is
  cheap (no cost per instruction on the eval loop's hot path) and exact for a loop without
  calls; what it cannot give is a release *between* two check points: under ``--gil old``
  the GIL still changes hands only where 3.11 polls, so ``x = x + 1`` on a global stays
  atomic where 2.7 could switch inside it.  2.7's skipping the release before
  ``SETUP_FINALLY`` is not modelled (3.11 has no such opcode).  While threads exist
  ``eval_breaker`` stays set, so that every check point comes here.

- On the host's interpreter (3.12, 3.13) every instruction that ticks is seen as it comes
  (``gilsim.tracer.ticks``, ``by_instruction``): ``tick`` counts one and releases before
  that instruction, where 2.7 releases, between two check points if that is where the
  ticker runs out; ``eval_breaker`` is left alone and the check points do nothing here.

- The release is where the multicore "GIL battle" happens (DB10; §7 item 5).  ``sem_post``
  increments the value and, if anyone is registered, makes a ``futex_wake`` system call;
  the lock is free for as long as that takes (``POST_NS`` or ``FUTEX_NS``, the window).
  Then ``sem_wait`` takes it back.  A sleeping waiter that is woken needs a wake-up
  latency (the machine's) to get running, long after the window has closed, so it usually
  finds the lock taken: it wins only when it happens to try during one of the holder's
  later windows.  On one core the woken waiter can only run when the OS preempts the
  holder: the machine's scheduler model decides that.

- Waking a sleeping waiter on another core costs both threads (§7 item 5: "charge the
  cross-core wake-up cost to both threads"): the holder pays ``CROSS_CORE_WAKE_NS`` once
  it has the lock back, and a waiter that wins pays as much again when it takes the lock.
  A futile wake-up costs nobody's bytecode time: the machine runs a waiter's attempts in
  no time (``gilsim.machine.cpu``).

- Blocking calls release through the same lock (``drop_gil`` and ``take_gil``, as
  ``Py_BEGIN_ALLOW_THREADS`` does in 2.7), at no extra cost: the blocking call's own cost
  is modelled where it is made.

- A watcher (race recording, schedule exploration) sees every check point, as under the
  new GIL.  With a chooser (exploration) the ticker does not release: the chooser decides
  at every check point, and any hand-off a periodic release could make is one it can
  choose, so the schedules it enumerates stay its own.

- ``switch_number`` counts hand-offs to a different thread; ``forced`` those that followed
  a periodic release, ``releases`` every periodic release.  ``drop_requests`` is always 0.
"""

from __future__ import annotations

from typing import Any, ClassVar

from gilsim.errors import InternalError
from gilsim.gil.kind import EvalBreaker, Refcounting
from gilsim.gil.watch import Watcher, position_fields
from gilsim.machine import Machine, OSThread, Wait

WAIT_GIL = Wait("gil", "the GIL")

# ``_Py_CheckInterval``: 100 since Python 2.3 (``docs/model/gil.md`` §3.1).
DEFAULT_CHECK_INTERVAL = 100

# 3.11 opnames that do not tick, after 2.7's ``fast_next_opcode`` opcodes (§3.1):
# NOP, LOAD_FAST, LOAD_CONST, STORE_FAST, POP_TOP; ROT_* and DUP_TOP(X) are 3.11's SWAP
# and COPY; JUMP_FORWARD; 2.7's conditional jumps are fast on exact bools and PREDICT-ed
# after COMPARE_OP, so the forward ones and JUMP_IF_*_OR_POP do not tick.  3.11 moved the
# test of a ``while`` loop to its end: POP_JUMP_BACKWARD_IF_* is 2.7's JUMP_ABSOLUTE back
# edge too, which ticks (no FAST_LOOPS), so it is left out here, as JUMP_BACKWARD is.
# Instructions 2.7 has no counterpart for, which belong to a neighbour that ticks once
# already, do not tick: RESUME, CACHE, EXTENDED_ARG, PUSH_NULL, PRECALL (one CALL_FUNCTION
# in 2.7 is PUSH_NULL, PRECALL and CALL in 3.11), KW_NAMES, COPY_FREE_VARS, MAKE_CELL.
FAST_OPNAMES = frozenset(
    {
        "NOP",
        "CACHE",
        "RESUME",
        "EXTENDED_ARG",
        "LOAD_FAST",
        "LOAD_CONST",
        "STORE_FAST",
        "POP_TOP",
        "SWAP",
        "COPY",
        "JUMP_FORWARD",
        "POP_JUMP_FORWARD_IF_TRUE",
        "POP_JUMP_FORWARD_IF_FALSE",
        "POP_JUMP_FORWARD_IF_NONE",
        "POP_JUMP_FORWARD_IF_NOT_NONE",
        "JUMP_IF_TRUE_OR_POP",
        "JUMP_IF_FALSE_OR_POP",
        "PUSH_NULL",
        "PRECALL",
        "KW_NAMES",
        "COPY_FREE_VARS",
        "MAKE_CELL",
        # 3.12 and 3.13, on the host's interpreter: every conditional jump is a forward
        # one (a loop's back edge is JUMP_BACKWARD); the fast loads and stores that are
        # LOAD_FAST or STORE_FAST, or two of them; the parts of a 2.7 instruction that
        # ticks once already: END_FOR (FOR_ITER's exit), END_SEND (YIELD_FROM's), TO_BOOL
        # (the truth test of a conditional jump), CONVERT_VALUE (FORMAT_VALUE's),
        # SET_FUNCTION_ATTRIBUTE (MAKE_FUNCTION's).
        "POP_JUMP_IF_TRUE",
        "POP_JUMP_IF_FALSE",
        "POP_JUMP_IF_NONE",
        "POP_JUMP_IF_NOT_NONE",
        "LOAD_FAST_CHECK",
        "LOAD_FAST_AND_CLEAR",
        "LOAD_FAST_LOAD_FAST",
        "STORE_FAST_LOAD_FAST",
        "STORE_FAST_STORE_FAST",
        "END_FOR",
        "END_SEND",
        "TO_BOOL",
        "CONVERT_VALUE",
        "SET_FUNCTION_ATTRIBUTE",
    }
)
_BACKWARD_JUMPS = frozenset(
    {
        "JUMP_BACKWARD",
        "JUMP_BACKWARD_NO_INTERRUPT",
        "POP_JUMP_BACKWARD_IF_TRUE",
        "POP_JUMP_BACKWARD_IF_FALSE",
        "POP_JUMP_BACKWARD_IF_NONE",
        "POP_JUMP_BACKWARD_IF_NOT_NONE",
    }
)

# Costs of a periodic release (ns), calibrated against 2.7.18 on the 2-vCPU VM of `docs/model/gil.md` (§7
# item 5, §8.1).  gilsim's ticks cost what 3.11's do (a countdown iteration of 3 ticks takes
# about 30 ns here, 96 ns in 2.7), so the figures were fitted to 2.7's ratios, not to its
# absolute times, and checked to be plausible as what they stand for:
# - POST_NS: ``sem_post`` and ``sem_wait`` with nobody registered: two atomic operations and
#   ``PyThreadState_Swap`` twice.
# - FUTEX_NS: ``sem_post`` with a waiter registered: the ``futex_wake`` system call (a
#   syscall on a VM costs 0.1-0.2 us).  The lock is free meanwhile: this is the window in
#   which a waiter that is awake and trying wins.  It sets how often the waiter wins: with
#   120 ns, two spinners hand over about 3,400 times/s, median gap 0.2 ms (2.7: 2,527-3,168/s,
#   0.15-0.17 ms).
# - CROSS_CORE_WAKE_NS: waking a sleeper on another core (the futex wake-up's inter-processor
#   interrupt, a VM exit on KVM, and the semaphore's cache line moving), paid by the waker
#   after it has re-taken the lock, and by the waiter when it wins.  It sets the throughput
#   lost: with 900 ns, the countdown runs 1.6x slower threaded (2.7: 1.43-1.85x; about 36%
#   of its loop throughput lost).  The split (the window as the system call alone, the rest
#   after the re-take) is a simplification: in glibc the lock is free for the whole
#   ``futex_wake``, but a woken waiter needs microseconds to run, so only the part in which
#   an already running waiter can win matters.
POST_NS = 30
FUTEX_NS = 120
CROSS_CORE_WAKE_NS = 900


class OldGIL:
    """``interpreter_lock`` with ``_Py_Ticker`` and ``_Py_CheckInterval``.

    ``breaker`` is the interpreter state: the eval loop polls its ``eval_breaker`` and counts
    its ``instructions``.  ``interval_ns`` is only kept, for ``sys.getswitchinterval`` and
    child processes: the old GIL has no switch interval.
    """

    # What the kind is (``gilsim.gil.kind``): as the new GIL's, one thread at a time.
    kind: ClassVar[str] = "old"
    threads_in_parallel: ClassVar[bool] = False
    has_switch_points: ClassVar[bool] = True
    tax_permille: ClassVar[int] = 0
    refcounting: ClassVar[Refcounting] = "plain"

    def __init__(
        self,
        machine: Machine,
        breaker: EvalBreaker,
        interval_ns: int = 5_000_000,
        wake_policy: str = "random",
    ) -> None:
        self.machine = machine
        self.breaker = breaker
        self.locked = False
        self.holder: OSThread | None = None
        self.last_holder: OSThread | None = None
        self.switch_number = 0
        self.interval_us = interval_ns // 1000
        self.wake_policy = wake_policy
        self.check_interval = DEFAULT_CHECK_INTERVAL
        self.ticker: float = DEFAULT_CHECK_INTERVAL
        # ``interpreter_lock != NULL``: a second thread has come to the lock.
        self.threads = False
        self._first: OSThread | None = None
        self.waiters: list[OSThread] = []  # inside sem_wait (registered)
        self.blocked: list[OSThread] = []  # asleep in the futex queue
        # ``interp.instructions`` at the previous check point, and the tick weights by
        # (code, check point).
        self._seen = 0
        self._weights: dict[tuple[int, int], float] = {}
        self._periodic = False  # the latest release was a periodic one
        self._owed: dict[OSThread, int] = {}  # woken waiters' share of the wake-up (ns)
        # Whether every tick is seen as it comes (``tick``: the host's interpreter, through
        # ``gilsim.tracer.ticks``) rather than wound down at check points.
        self.by_instruction = False
        self.watcher: Watcher | None = None
        self.handoff: OSThread | None = None
        # Statistics.
        self.forced = 0
        self.voluntary = 0
        self.releases = 0
        self.futile_wakeups = 0
        self.drop_requests = 0

    # -- taking the lock ----------------------------------------------------------------

    def take_gil(self, thread: OSThread) -> None:
        """``PyThread_acquire_lock(interpreter_lock, 1)``: ``sem_wait``, sleeping until a
        ``sem_post`` and trying again, as often as it takes."""
        machine = self.machine
        machine.advance(thread.clock.clock_ns)
        self._note(thread)
        if not self._taken_for(thread):
            self._acquire(thread)
            return
        self.waiters.append(thread)
        try:
            while self._taken_for(thread):
                self.blocked.append(thread)
                machine.block(thread, WAIT_GIL)
                if thread in self.blocked:
                    self.blocked.remove(thread)
                if self._taken_for(thread):
                    self.futile_wakeups += 1
        finally:
            self.waiters.remove(thread)
        switched = self.last_holder is not thread
        self._acquire(thread)
        # The waker paid for waking it on another core; the winner pays as much again:
        # the lock's and the interpreter's cache lines come over to its core.
        owed = self._owed.pop(thread, 0)
        if owed and switched:
            self._spend(thread, owed)

    def _taken_for(self, thread: OSThread) -> bool:
        return self.locked or (self.handoff is not None and self.handoff is not thread)

    def _note(self, thread: OSThread) -> None:
        """``PyEval_InitThreads``: from the second thread on, the ticker releases."""
        if self._first is None:
            self._first = thread
        elif thread is not self._first and not self.threads:
            self.threads = True
            self.breaker.eval_breaker = (
                not self.by_instruction or self.watcher is not None or self.breaker.signals_pending
            )
            self._seen = self.breaker.instructions

    def _acquire(self, thread: OSThread) -> None:
        self.locked = True
        self.holder = thread
        self.handoff = None
        if self.watcher is not None:
            self.watcher.taken(thread, self.machine.now_ns())
        switched = self.last_holder is not thread
        if switched:
            self.last_holder = thread
            self.switch_number += 1
            if self._periodic:
                self.forced += 1
        self._periodic = False
        if self.machine.tracing:
            self.machine.record(
                "gil_take", thread=thread.ident, switch=switched, **position_fields(thread)
            )

    # -- releasing it -------------------------------------------------------------------

    def drop_gil(self, thread: OSThread, forced: bool = False) -> None:
        """``PyThread_release_lock(interpreter_lock)``: ``sem_post``, which wakes one
        sleeper if there is one.  ``forced`` marks a periodic release."""
        if not self.locked or self.holder is not thread:
            raise InternalError(f"drop_gil: {thread.name} does not hold the GIL")
        self._release(thread, forced)

    def _release(self, thread: OSThread, forced: bool) -> int:
        """Release; return what waking a sleeper on another core costs (ns), if that is
        what the ``sem_post`` did."""
        machine = self.machine
        machine.advance(thread.clock.clock_ns)
        self.last_holder = thread
        self.locked = False
        self.holder = None
        self._periodic = forced
        if forced:
            self.releases += 1
        else:
            self.voluntary += 1
        if machine.tracing:
            machine.record(
                "gil_drop", thread=thread.ident, forced=forced, **position_fields(thread)
            )
        if self.watcher is not None:
            self.watcher.released(thread, forced)
        if not self.waiters:
            return 0
        free_core = machine.core_free()
        woken = self._signal_one(thread, at_once=forced and not free_core)
        if woken is not None and free_core:
            # It will run on a free core, another one than ours.
            self._owed[woken] = CROSS_CORE_WAKE_NS
            return CROSS_CORE_WAKE_NS
        return 0

    def _signal_one(self, holder: OSThread, at_once: bool = False) -> OSThread | None:
        """The ``futex_wake`` of ``sem_post``: one sleeper, the OS's pick (``wake_policy``)
        unless a watcher chose one; ``at_once``: runnable without a wake-up latency."""
        waiting = self._waiting()
        if not waiting:
            return None
        if self.handoff is not None and self.handoff in waiting:
            chosen = self.handoff
        elif self.wake_policy == "fifo":
            chosen = waiting[0]
        elif self.wake_policy == "lifo":
            chosen = waiting[-1]
        else:
            chosen = waiting[self.machine.randrange(len(waiting))]
        if self.watcher is not None and self.handoff is None:
            chosen = self.watcher.pick(holder, waiting, chosen)
        self.blocked.remove(chosen)
        if at_once:
            # No core is free: the sleeper is made runnable inside our ``futex_wake`` (the
            # kernel's ``try_to_wake_up``), not after a wake-up latency, so that if it
            # preempts us, it does so there, at the system call's return, before we take
            # the lock back.  It does when it last ran only to find the lock taken: the
            # fair scheduler owes it time (a positive lag, ``gilsim.machine.fair``).
            # On one core the tick gives the other thread the core while the holder holds
            # the lock, it blocks, and the holder's next release hands the lock over: one
            # hand-off a tick (2.7: 252/s, 4.00 ms, `docs/model/gil.md` §8.1).
            self.machine.wake(chosen, 0)
        else:
            self.machine.wake(chosen)
        return chosen

    def _waiting(self) -> list[OSThread]:
        return [t for t in self.blocked if self.machine.is_blocked(t)]

    def release_and_retake(self, thread: OSThread) -> None:
        """The end of a check interval (``ceval.c``: "Give another thread a chance"):
        release, let the ``sem_post`` run (the lock is free meanwhile), take it again."""
        cross_core = self._release(thread, forced=True)
        self._spend(thread, FUTEX_NS if self.waiters else POST_NS)
        self.take_gil(thread)
        if cross_core:
            self._spend(thread, cross_core)

    def _spend(self, thread: OSThread, cost_ns: int) -> None:
        """``thread`` runs for ``cost_ns`` without the lock (its ``sem_post``); events due
        meanwhile happen at their own time, so a woken waiter tries the lock in the middle
        of it.  The machine runs one thread at a time, each up to the next event: an event
        at the end of the window stops a waiter that took the lock there, so that this
        thread comes back, finds the lock taken and sleeps, in time order."""
        clock, machine = thread.clock, self.machine
        target = clock.clock_ns + cost_ns
        if self.waiters:
            machine.marker(target, domain=thread.process)
        while clock.deadline_ns < target:
            clock.clock_ns = max(clock.clock_ns, clock.deadline_ns)
            machine.yield_to_events(thread)
        clock.clock_ns = max(clock.clock_ns, target)

    # -- the ticker ---------------------------------------------------------------------

    def eval_frame_handle_pending(self, thread: OSThread) -> None:
        """At a check point (``eval_breaker`` stays set while threads exist): wind the
        ticker down by the ticks run since the previous check point; when it has run out,
        reset it and release and re-take the lock.  A watcher sees every check point; with
        a chooser (schedule exploration) the chooser alone decides who runs, so the ticker
        does not release (any hand-off a release could make is one it can choose)."""
        watcher = self.watcher
        if watcher is not None:
            waiting = self._waiting() if self.handoff is None else []
            chosen = watcher.check_point(thread, waiting)
            if chosen is not None:
                self.handoff = chosen
                self._release(thread, forced=True)
                self.take_gil(thread)
                return
            if watcher.chooser is not None:
                watcher.goes_on(thread)
                return
        if self.by_instruction:
            if watcher is not None:
                watcher.goes_on(thread)
            return  # the ticks are counted as they come (``tick``)
        interp = self.breaker
        ran = interp.instructions - self._seen
        self._seen = interp.instructions
        self.ticker -= ran * self.tick_weight(thread)
        if self.ticker < 0:
            self.ticker = self.check_interval
            if self.threads:
                self.release_and_retake(thread)
                return
        if watcher is not None:
            watcher.goes_on(thread)

    def tick(self, thread: OSThread) -> None:
        """One tick, seen as it comes, before the instruction that ticks runs: 2.7's
        ``if (--_Py_Ticker < 0)`` at the top of its eval loop, exactly (``by_instruction``:
        the host's interpreter shows every ticking instruction, ``gilsim.tracer.ticks``).
        Only the holder ticks: 2.7's eval loop runs with the lock held, and what runs
        without it is C code's (a shadow's raw file called back by the host's buffered
        layer runs ``contextlib``'s Python inside its ``allow_threads``)."""
        if self.holder is not thread:
            return
        self.ticker -= 1
        if self.ticker < 0:
            self.ticker = self.check_interval
            if self.threads:
                self.release_and_retake(thread)

    def tick_weight(self, thread: OSThread) -> float:
        """The share of ticking instructions in what led to the check point ``thread`` is
        at: the body of the loop whose backward jump it is (the jump has gone to the body's
        start, ``frame.pc``), else its whole code object."""
        frame = thread.payload.frame if thread.payload is not None else None
        if frame is None:
            return 1.0
        code = frame.code
        at = frame.pc
        key = (id(code), at)
        weight = self._weights.get(key)
        if weight is None:
            weight = self._weights[key] = _weight(code.opnames, code.instructions, at)
        return weight

    # -- settings -----------------------------------------------------------------------

    def set_check_interval(self, interval: int) -> None:
        """``sys.setcheckinterval``: sets ``_Py_CheckInterval`` and resets the ticker."""
        self.check_interval = interval
        self.ticker = interval

    def set_switch_interval(self, interval_us: int) -> None:
        """``sys.setswitchinterval`` is kept (a 3.11 program calls it), and does nothing
        to the old GIL."""
        self.interval_us = interval_us

    def watch(self, watcher: Watcher) -> None:
        """Install ``watcher``: from now on it sees every check point and release."""
        self.watcher = watcher
        self.breaker.eval_breaker = True


def _weight(opnames: list[str], instructions: list[Any], at: int) -> float:
    """Ticks per instruction over the loop body that starts at instruction ``at`` (where a
    backward jump, whose argument is its target, went to), else over the whole code."""
    names = opnames
    for index in range(at, len(opnames)):
        if opnames[index] in _BACKWARD_JUMPS and instructions[index][1] == at:
            names = opnames[at : index + 1]
            break
    names = [name for name in names if name != "CACHE"]
    if not names:
        return 1.0
    return sum(name not in FAST_OPNAMES for name in names) / len(names)
