"""Parallel mode: threads that run at once, in slices of virtual time, on one host thread.

Processes side by side
----------------------
Threads of one process need no finer interleaving than ``gilsim.machine.cpu`` gives them,
since one GIL lets only one
of them run bytecode.  Two processes have two GILs and run at once on two cores, so once a
program forks the machine runs in *parallel mode* (``add_process``):

* a runnable thread is dispatched in the order of the time it may resume from (its own
  process's progress), not at one global present;
* it may run ahead of a runnable thread of another process by at most ``lookahead_ns``, and
  never past the next event: so the machine's decisions between processes (a freed core, a
  preemption) are at most one lookahead out of order;
* an operation another process can see (a fork, a ``waitpid``, a signal, a pipe or a
  semaphore) waits first until every other process has caught up with it
  (``sync_processes``), so such operations happen in exactly their time order;
* an event that is late runs late by its own process's progress (``Engine.step_in_domains``),
  and the trace is sorted at the end, since processes record in their own time.

Every event's domain is the process it concerns (``OSThread.process``; 0 is the first
process, ``MACHINE`` the scheduler tick).  Until a second process exists nothing of this is
used, so a single-process run is exactly what it was.

Threads without a GIL
---------------------
An interpreter without a GIL (``--gil none``, ``--gil free-threaded``: ``gilsim.gil.nogil``)
runs its threads at once on several cores, as two processes run.  So each thread it starts
gets a domain of its own (``start(own_domain=True)``; its main thread keeps the process's)
and parallel mode treats it as it treats a process: it is dispatched by its own progress,
runs at most ``lookahead_ns`` ahead of the others, and its events run late by its own
progress.  The greenlets still run one at a time on the host, in slices of virtual time.

What a thread does to another's view of the world must then be ordered.  Operations on
locks (``_thread.lock``, which ``threading``'s ``Lock``, ``RLock``, ``Condition``,
``Event``, ``Semaphore``, ``queue.Queue`` and ``join`` are made of) and every system call
first wait until every other thread has caught up (``sync_processes``): they happen in
exactly their time order, so a program that synchronises properly sees what it would see
on a real machine.  Plain reads and writes of shared objects are not synchronised: a thread
sees another's writes as of the host's order of slices, up to a lookahead (50 µs) out of
virtual-time order, and a read-modify-write (``n += 1``) is split only where a slice ends.
Races on plain variables are therefore far rarer than on a real free-threaded CPython.
"""

from __future__ import annotations

import collections

from gilsim.engine import Engine
from gilsim.engine.core import NEVER
from gilsim.machine.threads import MachineSpec, OSThread

# The domain of the machine's own events (the scheduler tick); a process's is its number;
# a thread of an interpreter without a GIL has one of its own, from ``THREAD_DOMAINS`` up
# (far above any process number).
MACHINE = -1
THREAD_DOMAINS = 1 << 20


class ParallelMode:
    """What ``Machine`` does in parallel mode (see the module's docstring)."""

    engine: Engine
    spec: MachineSpec
    parallel: bool
    processes: int
    _thread_domains: int
    _resumable: collections.deque[OSThread]
    _to_kill: list[OSThread]

    def _kill_doomed(self) -> None: ...

    def _dispatch(self, thread: OSThread) -> None: ...

    def yield_to_events(self, thread: OSThread) -> None: ...

    def add_process(self) -> None:
        """A second (third...) process now runs on this machine: parallel mode from now."""
        self.processes += 1
        if not self.parallel:
            self.parallel = True
            self.engine.progress[0] = self.engine.now_ns
            self.engine.split_domains()

    def _new_domain(self) -> int:
        """A domain for one thread of an interpreter without a GIL: parallel mode from
        now, as for a second process."""
        self._thread_domains += 1
        if not self.parallel:
            self.parallel = True
            self.engine.progress[0] = self.engine.now_ns
            self.engine.split_domains()
        return THREAD_DOMAINS + self._thread_domains

    def _resume_time(self, thread: OSThread) -> int:
        return max(thread.resume_ns, self.engine.progress.get(thread.domain, 0))

    def _step_parallel(self) -> bool:
        """One step in parallel mode: the earliest of the next event and the runnable
        threads (an event first at a tie, as in the serial loop)."""
        engine = self.engine
        if self._to_kill:
            self._kill_doomed()
        best: OSThread | None = None
        best_ns = NEVER
        for thread in self._resumable:
            resume = self._resume_time(thread)
            if resume < best_ns:
                best, best_ns = thread, resume
        if best is not None and best_ns < engine.peek_ns():
            self._resumable.remove(best)
            engine.now_ns = best_ns
            engine.domain = best.domain
            self._dispatch(best)
            engine.reached(best.domain, engine.now_ns)
            return True
        return engine.step_in_domains()

    def _others_ns(self, thread: OSThread) -> int:
        """The earliest time another process may act from: one of its runnable threads
        resume, or one of its events (a thread of it going on, a timer) come due."""
        earliest = NEVER
        for other in self._resumable:
            if other.domain != thread.domain:
                earliest = min(earliest, self._resume_time(other))
        engine = self.engine
        for domain in engine.domains():
            if domain not in (thread.domain, MACHINE):
                earliest = min(earliest, engine.peek_domain(domain))
        return earliest

    def _parallel_deadline(self, thread: OSThread) -> int:
        """How far ``thread`` may run: to the next event of its own process or of the
        machine, and at most a lookahead past where another process may act from.  (Not
        to another process's next event itself: that process's own continuation is one,
        and two processes would stop each other a step apart.)"""
        engine = self.engine
        own = min(engine.peek_domain(thread.domain), engine.peek_domain(MACHINE))
        return min(own, self._others_ns(thread) + self.spec.lookahead_ns)

    def sync_processes(self, thread: OSThread) -> None:
        """Called by the running ``thread`` before an operation another process (or,
        without a GIL, another thread) can see: come back once every other domain has got
        as far as its clock, so that such operations happen in their time order.  Nothing
        to do in a serial run."""
        if not self.parallel:
            return
        while self._others_ns(thread) < thread.clock.clock_ns:
            self.yield_to_events(thread)
