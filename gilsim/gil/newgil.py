"""The "new GIL" of CPython 3.2 to 3.13, as 3.11 implements it in ``Python/ceval_gil.h``
(``docs/model/gil.md`` §1).

Notes about the implementation (after the comment block that opens ``ceval_gil.h``):

- The GIL is a boolean, ``locked``, that a thread takes in ``take_gil`` and gives back in
  ``drop_gil``.  Threads that find it taken wait on a condition variable (``cond_waiters``).

- A waiter waits at most one switch interval (``interval_us``; 5000 by default) at a time.  If
  its wait times out while the GIL is still taken and ``switch_number`` has not moved (nobody
  else got the GIL meanwhile), it sets ``gil_drop_request``, which also sets the interpreter's
  ``eval_breaker``.  Every pass of the wait is re-armed with a full interval: waiting time is
  never carried over (§1.2 step 4).

- The holder polls ``eval_breaker`` only at the eval loop's check points (§2.1); there, if a
  drop is requested, it calls ``drop_gil`` and at once ``take_gil`` again
  (``eval_frame_handle_pending``).  That is the only involuntary switch; every other release
  is voluntary (``PyEval_SaveThread`` around a blocking call) and goes through the same
  ``drop_gil``.

- ``drop_gil`` signals the condition variable once: the OS wakes one waiter, not necessarily
  the one that asked (``wake_policy``: ``"random"`` by default, "the OS picks", or ``"fifo"``).

- FORCE_SWITCHING: a holder that drops on request waits on ``switch_cond`` until another
  thread has taken the GIL, so it cannot win it straight back on a multicore machine.

- Whoever takes the GIL next clears a pending drop request, whoever made it (§1.2 step 7).

- ``switch_number`` counts hand-offs to a *different* thread; re-taking by the last holder is
  no switch.
"""

from __future__ import annotations

from typing import ClassVar

from gilsim.errors import InternalError
from gilsim.gil.kind import EvalBreaker, Refcounting
from gilsim.gil.watch import Watcher, position_fields
from gilsim.machine import Machine, OSThread, Wait

WAKE_POLICIES = ("random", "fifo", "lifo")

WAIT_GIL = Wait("gil", "the GIL")
WAIT_SWITCH = Wait("gil", "the GIL to pass to another thread (FORCE_SWITCHING)")


class GIL:
    """``struct _gil_runtime_state`` with the interpreter's ``gil_drop_request``.

    ``breaker`` is the object whose ``eval_breaker`` attribute the eval loop polls (the
    interpreter state).
    """

    # What the kind is (``gilsim.gil.kind``).  One thread at a time runs bytecode: the
    # machine keeps a process's threads in one domain (``gilsim.gil.nogil`` has the kinds
    # that do not), and ``ob_refcnt++`` needs no atomics.
    kind: ClassVar[str] = "new"
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
        self.gil_drop_request = False
        self.wake_policy = wake_policy
        self.cond_waiters: list[OSThread] = []
        self.switch_waiter: OSThread | None = None
        # Race recording and schedule exploration watch every switch point (``watch``);
        # ``handoff`` is the waiter a watcher chose to hand the GIL to at a check point.
        self.watcher: Watcher | None = None
        self.handoff: OSThread | None = None
        # Statistics: forced switches (a holder dropped on request), voluntary releases,
        # drop requests made.
        self.forced = 0
        self.voluntary = 0
        self.drop_requests = 0

    # -- take_gil -------------------------------------------------------------------------

    def take_gil(self, thread: OSThread) -> None:
        """Take the GIL for ``thread``, waiting in timed waits of one interval each."""
        machine = self.machine
        machine.advance(thread.clock.clock_ns)
        while self.locked or (self.handoff is not None and self.handoff is not thread):
            saved_switchnum = self.switch_number
            self.cond_waiters.append(thread)
            timed_out = machine.block(thread, WAIT_GIL, max(self.interval_us, 1) * 1000)
            if thread in self.cond_waiters:  # not taken off by a signal
                self.cond_waiters.remove(thread)
            if timed_out and self.locked and self.switch_number == saved_switchnum:
                self._set_gil_drop_request(thread)
        self._acquire(thread)

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
        if self.machine.tracing:
            self.machine.record(
                "gil_take", thread=thread.ident, switch=switched, **position_fields(thread)
            )
        # FORCE_SWITCHING: the thread that dropped on request may go on.
        if self.switch_waiter is not None:
            waiter, self.switch_waiter = self.switch_waiter, None
            self.machine.wake(waiter)
        if self.gil_drop_request:
            self._reset_gil_drop_request()

    # -- drop_gil -------------------------------------------------------------------------

    def drop_gil(self, thread: OSThread, forced: bool = False) -> None:
        """Give the GIL up and signal one waiter; after a requested drop, wait until another
        thread has taken it (FORCE_SWITCHING)."""
        if not self.locked or self.holder is not thread:
            # CPython aborts here (``Py_FatalError("drop_gil: GIL is not locked")``).
            raise InternalError(f"drop_gil: {thread.name} does not hold the GIL")
        machine = self.machine
        machine.advance(thread.clock.clock_ns)
        self.last_holder = thread
        self.locked = False
        self.holder = None
        if forced:
            self.forced += 1
        else:
            self.voluntary += 1
        if machine.tracing:
            machine.record(
                "gil_drop", thread=thread.ident, forced=forced, **position_fields(thread)
            )
        if self.watcher is not None:
            self.watcher.released(thread, forced)
        self._signal_one(thread)
        if self.gil_drop_request and self.last_holder is thread:
            # Nobody can have taken the GIL between the signal and here: no time passes.
            self._reset_gil_drop_request()
            self.switch_waiter = thread
            machine.block(thread, WAIT_SWITCH)

    def _signal_one(self, holder: OSThread | None = None) -> None:
        """``COND_SIGNAL(gil->cond)``: wake one thread waiting on the condition.  A waiter
        whose timeout has expired but that has not run yet still counts: glibc's
        ``pthread_cond_timedwait`` lets it consume a signal posted before it returns, and it
        then returns as signalled, not timed out."""
        waiting = self._waiting()
        if not waiting:
            return
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
        self.cond_waiters.remove(chosen)
        self.machine.signal(chosen)

    # -- the drop request -----------------------------------------------------------------

    def _set_gil_drop_request(self, requester: OSThread) -> None:
        self.gil_drop_request = True
        self.breaker.eval_breaker = True
        self.drop_requests += 1
        holder = self.holder.ident if self.holder is not None else None
        self.machine.record("drop_request", thread=requester.ident, holder=holder)

    def _reset_gil_drop_request(self) -> None:
        self.gil_drop_request = False
        # COMPUTE_EVAL_BREAKER: a pending signal keeps it set (pending calls are not
        # modelled), and a watcher sees every check point.
        breaker = self.breaker
        breaker.eval_breaker = self.watcher is not None or breaker.signals_pending

    # -- what the eval loop and blocking calls use ----------------------------------------

    def eval_frame_handle_pending(self, thread: OSThread) -> None:
        """At a check point with ``eval_breaker`` set (``ceval.c``): on a drop request,
        drop the GIL and take it again at once.  A watcher sees every check point and may
        choose a waiter to hand the GIL to: then the holder drops it as on a request."""
        if self.watcher is not None:
            # With a drop request pending the GIL changes hands anyway: who gets it is the
            # release's choice, not a preemption.
            free = self.handoff is None and not self.gil_drop_request
            waiting = self._waiting() if free else []
            chosen = self.watcher.check_point(thread, waiting)
            if chosen is not None:
                self.handoff = chosen
                self.gil_drop_request = True
        if self.gil_drop_request:
            self.drop_gil(thread, forced=True)
            self.take_gil(thread)
        elif self.watcher is not None:
            self.watcher.goes_on(thread)

    def watch(self, watcher: Watcher) -> None:
        """Install ``watcher``: from now on it sees every check point and release."""
        self.watcher = watcher
        self.breaker.eval_breaker = True

    def _waiting(self) -> list[OSThread]:
        """Waiters a signal can reach (blocked, or timed out and not yet running)."""
        return [t for t in self.cond_waiters if self.machine.is_waiting(t)]

    def set_switch_interval(self, interval_us: int) -> None:
        """``_PyEval_SetSwitchInterval``: waits already armed keep their interval."""
        self.interval_us = interval_us
        caller = self.machine.current
        at_ns = caller.clock.clock_ns if caller is not None else self.machine.now_ns()
        self.machine.record_at(at_ns, "switch_interval", interval_us=interval_us)
