"""Cores, OS threads and an OS scheduler on top of the event engine.

How a simulated thread runs
---------------------------
Each OS thread runs its body in its own greenlet, so that it can stop anywhere, deep inside
native code that called back into simulated code, exactly where a real thread would block.
The *hub* (the greenlet that called ``Machine.run``) is the event loop: it switches into a
thread, which runs until it blocks (``block``), hands control back because it reached the time
of the next event (``yield_to_events``), or ends.  Then the hub runs the events that are due.

Only a thread that holds a core runs.  While a thread runs, its own clock (``clock.clock_ns``,
kept by the interpreter for speed) is the time; when it stops, the engine's clock catches up.
A thread is told to stop at ``clock.deadline_ns``, the time of the next event, so that no event
is missed by more than one step of the interpreter.  At most one thread executes bytecode at a
time (the GIL sees to that); every other activity of a thread (a timed wait expiring, a woken
waiter re-checking a lock) takes no time, so threads never need to be interleaved finer.
Without a GIL they do: see ``gilsim.machine.parallel``, "Threads without a GIL".

The OS scheduler (a model of Linux's, measured in ``docs/model/gil.md`` §8)
---------------------------------------------------------------------
* A thread that is woken (signalled, or its timeout expired) becomes runnable after a wake-up
  latency drawn from a seeded log-normal distribution (median ``wake_median_ns``); an expired
  timeout adds the timer slack.  A runnable thread takes a free core, else queues (FIFO).
* The scheduler tick (``tick_ns``, 4 ms at ``CONFIG_HZ=250``) preempts a thread that has run
  at least ``min_slice_ns`` while others queue.  A wake-up preempts such a thread at once if
  the tick has already accounted its slice as used (the kernel updates run times at ticks).
* A woken thread the scheduler owes time (a positive lag, ``gilsim.machine.fair``) preempts
  the running thread furthest ahead of it, used slice or not: an I/O thread that slept beside
  a CPU-bound one runs as it wakes, while a CPU-bound GIL waiter whose wait ends is owed
  nothing and waits for the tick, which is why on one core switches fall on tick boundaries
  (§7 item 14).
* Taking a core costs ``context_switch_ns``.

Running threads of several processes, or of an interpreter without a GIL, at once:
``gilsim.machine.parallel``.  The threads themselves and what they wait for:
``gilsim.machine.threads``.
"""

from __future__ import annotations

import collections
import math
from collections.abc import Callable
from typing import Any

from greenlet import greenlet

from gilsim.engine import Engine
from gilsim.engine.core import LATE, NEVER, URGENT
from gilsim.errors import GilsimError, ProcessExit
from gilsim.machine import fair
from gilsim.machine.parallel import MACHINE, ParallelMode
from gilsim.machine.port import EnginePort
from gilsim.machine.threadport import ThreadPort
from gilsim.machine.threads import (
    BLOCKED,
    EXITED,
    NEW,
    RUNNABLE,
    RUNNING,
    WAKING,
    MachineSpec,
    OSThread,
    ThreadKilled,
    Wait,
)


def _switch(hub: Any) -> Any:
    return hub.switch()


class Machine(EnginePort, ThreadPort, ParallelMode):
    """The cores, the threads and the scheduler."""

    def __init__(self, engine: Engine, spec: MachineSpec) -> None:
        self.engine = engine
        self.spec = spec
        self.cores: list[OSThread | None] = [None] * spec.cores
        self.run_queue: collections.deque[OSThread] = collections.deque()
        self.threads: list[OSThread] = []
        self.current: OSThread | None = None
        self.finished = False
        self._resumable: collections.deque[OSThread] = collections.deque()
        self._waking: dict[OSThread, None] = {}  # threads in their wake-up latency
        self._tick: Any = None
        self._hub: Any = None
        self._killing = False
        self._mu = math.log(max(spec.wake_median_ns, 1))
        self._poll_mu = math.log(max(spec.polling_wake_median_ns, 1))
        # Time each core spent running a thread (ns), for utilisation.
        self.busy_ns = [0] * spec.cores
        # Parallel mode (``gilsim.machine.parallel``): set when a second process starts.
        self.parallel = False
        self.processes = 1
        self._thread_domains = 0
        self._core_free_ns = [0] * spec.cores
        self._to_kill: list[OSThread] = []
        # Told when a thread's body ends its process (``ProcessExit``: ``os._exit``, a
        # signal): ``gilsim.processes`` ends the process.
        self.on_process_exit: Callable[[OSThread, int], None] | None = None
        # The processes running on it (``gilsim.processes.table.ProcessTable``), and the
        # kernel objects they all share, by kind (named semaphores...).
        self.process_table: Any = None
        self.shared: dict[str, Any] = {}
        # How a running thread hands control to the hub (``greenlet.switch``): a program on
        # the host's interpreter keeps what its thread state says of a monitoring callback
        # in progress per thread (``gilsim.tracer.hoststate``).
        self.to_hub: Callable[[Any], Any] = _switch
        # A signal reached gilsim's process (``gilsim.interpreter.signals``): the host's
        # handler sets ``interrupted``, and the hub calls ``on_interrupt`` at its next pass,
        # a place where waking a thread is safe (the handler runs wherever the host was).
        self.interrupted = False
        self.on_interrupt: Callable[[], None] | None = None

    # -- the event loop -------------------------------------------------------------------

    def run(self) -> bool:
        """Run until ``finish`` is called (True) or nothing can ever happen again (False:
        every live thread waits for something no one will do)."""
        self._hub = greenlet.getcurrent()
        engine = self.engine
        engine.on_schedule = self._on_schedule
        while not self.finished:
            if self.interrupted and self.on_interrupt is not None:
                self.interrupted = False
                self.on_interrupt()
            if self.parallel:
                if not self._step_parallel():
                    return False
                continue
            if engine.peek_ns() <= engine.now_ns:
                engine.step()
            elif self._resumable:
                self._dispatch(self._resumable.popleft())
            elif not engine.step():
                return False
        return True

    def kill(self, threads: list[OSThread]) -> None:
        """End ``threads`` (the other threads of a process that exits): they never run
        again; their greenlets are ended from the hub, the only place a greenlet can be
        thrown into and come back from."""
        for thread in threads:
            if thread.state == EXITED:
                continue
            if thread.pending is not None:
                thread.pending.cancel()
                thread.pending = None
            if thread.timer is not None:
                thread.timer.cancel()
                thread.timer = None
            if thread in self._resumable:
                self._resumable.remove(thread)
            if thread in self.run_queue:
                self.run_queue.remove(thread)
            self._set_state(thread, EXITED)
            self._leave_core(thread)
            self._to_kill.append(thread)
        if greenlet.getcurrent() is self._hub:
            self._kill_doomed()

    def _kill_doomed(self) -> None:
        doomed, self._to_kill = self._to_kill, []
        for thread in doomed:
            if thread.greenlet is not None and thread.greenlet:
                thread.greenlet.throw(ThreadKilled(thread.name))
            thread.greenlet = None

    def _on_schedule(self, time_ns: int) -> None:
        # A running thread's deadline is the next event: bring it forward.
        current = self.current
        if current is not None and time_ns < current.clock.deadline_ns:
            current.clock.deadline_ns = time_ns

    def finish(self) -> None:
        """End the run once the current thread stops (the process exits)."""
        self.finished = True

    def stop(self, thread: OSThread, error: Exception | None = None) -> None:
        """End the run from the running ``thread`` (it reached a limit: ``error``, which
        the caller keeps): the hub's loop ends, and the thread never goes on.  Its
        greenlet, and every other thread's, stays suspended: ``kill_all`` is for threads
        whose frames may be unwound."""
        self.finished = True
        self.to_hub(self._hub)
        raise GilsimError(f"{thread.name} went on after the run was stopped")

    def kill_all(self) -> None:
        """End every thread still alive (daemon threads at exit), and let go of every
        thread's greenlet: the garbage collector does not see a greenlet's reference to its
        ``run``, so a thread and its greenlet would keep each other (and the whole run)
        alive.  A killed thread may not wait again on its way out (re-taking the GIL after a
        ``sleep``, say): it would never end."""
        self._killing = True
        self._kill_doomed()  # threads of processes that ended just before the run did
        for thread in self.threads:
            if thread.state != EXITED and thread.greenlet is not None and thread.greenlet:
                thread.greenlet.throw(ThreadKilled(thread.name))
            thread.state = EXITED
            thread.greenlet = None

    def _dispatch(self, thread: OSThread) -> None:
        self.current = thread
        clock = thread.clock
        # One process: the next event.  Several: see ``_parallel_deadline``.
        parallel = self.parallel
        deadline = self._parallel_deadline(thread) if parallel else self.engine.peek_ns()
        clock.enter(thread, self.engine.now_ns, deadline)
        if thread.greenlet is None:
            thread.greenlet = greenlet(lambda: self._body(thread), parent=self._hub)
        started = self.engine.now_ns
        thread.greenlet.switch()
        clock.leave(thread)
        self.current = None
        self.engine.advance(clock.clock_ns)
        if self.engine.trace is not None and clock.clock_ns > started:
            # Recorded when it ends, so that the trace stays in time order.
            self.engine.record(
                "ran",
                thread=thread.ident,
                core=thread.core if thread.core is not None else thread.last_core,
                start_ns=started,
            )

    def _body(self, thread: OSThread) -> None:
        try:
            thread.body()
        except ThreadKilled:
            return
        except ProcessExit as exc:
            if self.on_process_exit is None:
                raise
            try:
                self.on_process_exit(thread, exc.status)
            except ThreadKilled:
                return  # a signal ended the process while it was exiting anyway
        if thread.state == EXITED:
            return  # killed while it ended (its process exited)
        self.engine.advance(thread.clock.clock_ns)
        self._set_state(thread, EXITED)
        self._leave_core(thread)

    # -- called by the running thread, from its greenlet ----------------------------------

    def block(self, thread: OSThread, wait: Wait, timeout_ns: int | None = None) -> bool:
        """Leave the core and wait until ``wake`` or, given ``timeout_ns``, a timeout.
        Return True if the wait timed out."""
        self.engine.advance(thread.clock.clock_ns)
        thread.wait = wait
        thread.timed_out = False
        if self._killing:
            raise ThreadKilled(thread.name)
        fair.keep_lag(thread, self._competing(), self.engine.now_ns)
        self._set_state(thread, BLOCKED)
        if timeout_ns is not None:
            thread.timer = self.engine.after(
                max(timeout_ns, 0), self._on_timeout, thread, domain=thread.domain
            )
        self._leave_core(thread)
        self.to_hub(self._hub)
        return thread.timed_out

    def yield_to_events(self, thread: OSThread) -> None:
        """The running thread has reached its deadline: let the events that are due run;
        come back when it may go on (at once, or after a preemption)."""
        if self._killing:
            raise ThreadKilled(thread.name)
        self.engine.advance(thread.clock.clock_ns)
        # It goes on after the events due now, and after threads they make resumable.
        thread.pending = self.engine.schedule(
            self.engine.now_ns, self._make_resumable, thread, priority=LATE, domain=thread.domain
        )
        self.to_hub(self._hub)

    def start(
        self, thread: OSThread, delay_ns: int | None = None, own_domain: bool = False
    ) -> None:
        """A new thread: it becomes runnable once the OS has created it (after
        ``delay_ns``, by default the machine's thread-creation time).  With ``own_domain``
        (a thread of an interpreter without a GIL) it keeps its own progress in parallel
        mode, apart from its process's other threads (``gilsim.machine.parallel``)."""
        if own_domain and self.current is not None:
            # From its starter's present: its domain has no progress of its own yet.
            self.engine.advance(self.current.clock.clock_ns)
        self.threads.append(thread)
        thread.since = self.engine.now_ns
        thread.domain = self._new_domain() if own_domain else thread.process
        if delay_ns is None:
            delay_ns = self.spec.thread_create_ns
        self.engine.after(delay_ns, self._ready, thread, domain=thread.domain)

    # -- called by anyone -----------------------------------------------------------------

    def wake(self, thread: OSThread, latency_ns: int | None = None) -> bool:
        """Wake a blocked thread (it was signalled); False if it was not blocked.  It can
        run after the machine's wake-up latency, or ``latency_ns`` (0: it is runnable at
        once, in the waker's system call, as a wakee that must wait for a busy core is)."""
        if thread.state != BLOCKED:
            return False
        if self.current is not None:
            # Woken by the running thread (a lock release), whose clock is ahead of the
            # queue's: the wake-up happens at the waker's time, not at the queue's.
            self.engine.advance(self.current.clock.clock_ns)
        if thread.timer is not None:
            thread.timer.cancel()
            thread.timer = None
        thread.timed_out = False
        self._wake_up(thread)
        delay = self._wake_latency(thread) if latency_ns is None else latency_ns
        self.engine.after(delay, self._ready, thread, domain=thread.domain)
        return True

    def now_ns(self) -> int:
        """The engine's present (ns): behind a running thread's own clock."""
        return self.engine.now_ns

    def elapsed_ns(self) -> int:
        """How far the run has got: in parallel mode, the furthest any process got."""
        return max(self.engine.now_ns, *self.engine.progress.values(), 0)

    # -- the scheduler --------------------------------------------------------------------

    def _on_timeout(self, thread: OSThread) -> None:
        thread.timer = None
        if thread.state != BLOCKED:
            return
        thread.timed_out = True
        self._wake_up(thread)
        delay = self.spec.timer_slack_ns + self._wake_latency()
        self.engine.after(delay, self._ready, thread, domain=thread.domain)

    def _wake_latency(self, thread: OSThread | None = None) -> int:
        if self.spec.wake_median_ns == 0:
            return 0
        mu = self._mu
        if thread is not None and self.spec.halt_poll_ns:
            core = thread.last_core
            now = self.engine.now_ns
            if (
                core is not None
                and self.cores[core] is None
                and now - self._core_free_ns[core] < self.spec.halt_poll_ns
            ):
                mu = self._poll_mu  # its core is still polling: it answers at once
        return round(self.engine.random.lognormvariate(mu, self.spec.wake_sigma))

    def _ready(self, thread: OSThread) -> None:
        """``thread`` (new, or woken) can run: give it a free core or queue it, and let it
        preempt a running thread if the scheduler owes it time."""
        if thread.state == EXITED:
            # Killed (its process ended) before it was created or while it was waking:
            # the start or wake-up scheduled for it is void.
            return
        now = self.engine.now_ns
        if thread.state == NEW:
            fair.place(thread, self._competing(), now)
        for index, occupant in enumerate(self.cores):
            if occupant is None:
                self._assign(index, thread, 0)
                return
        self._set_state(thread, RUNNABLE)
        self.run_queue.append(thread)
        # Only time accounted at the last tick counts for a slice used up.
        victim = self._preemptible(now - now % self.spec.tick_ns)
        if victim is None:
            running = [t for t in self.cores if t is not None and t is not self.current]
            victim = fair.furthest_ahead(thread, running, now)
        if victim is not None:
            self._preempt(victim)
        self._arm_tick()

    def _assign(self, core: int, thread: OSThread, delay_ns: int) -> None:
        if self.parallel:
            # A process ahead of this one may have left the core later than now.
            delay_ns += max(0, self._core_free_ns[core] - self.engine.now_ns)
        self.cores[core] = thread
        thread.core = core
        thread.picked_at = self.engine.now_ns
        self._set_state(thread, RUNNING)
        if delay_ns:
            thread.pending = self.engine.after(
                delay_ns, self._make_resumable, thread, domain=thread.domain
            )
        else:
            self._make_resumable(thread)

    def _make_resumable(self, thread: OSThread) -> None:
        thread.pending = None
        thread.resume_ns = self.engine.now_ns
        self._resumable.append(thread)

    def _leave_core(self, thread: OSThread) -> None:
        core = thread.core
        if core is None:
            return
        thread.core = None
        thread.last_core = core
        self.cores[core] = None
        self._core_free_ns[core] = self.engine.now_ns
        if self.run_queue:
            self._assign(core, self.run_queue.popleft(), self.spec.context_switch_ns)

    def _wake_up(self, thread: OSThread) -> None:
        """``try_to_wake_up``: the thread competes again at once, though it runs only
        after its wake-up latency."""
        fair.place(thread, self._competing(), self.engine.now_ns)
        self._set_state(thread, WAKING)

    def _competing(self) -> list[OSThread]:
        """The threads that compete for the cores: running, runnable or being woken."""
        running = [t for t in self.cores if t is not None]
        return [*running, *self.run_queue, *self._waking]

    def _preemptible(self, at_ns: int) -> OSThread | None:
        """A running thread that had used its slice at ``at_ns``, the longest-running
        first."""
        now = at_ns
        best = None
        for occupant in self.cores:
            if occupant is None or occupant is self.current:
                continue
            used = now - occupant.picked_at >= max(self.spec.min_slice_ns, 1)
            if used and (best is None or occupant.picked_at < best.picked_at):
                best = occupant
        return best

    def _preempt(self, thread: OSThread) -> None:
        if thread.pending is not None:
            thread.pending.cancel()
            thread.pending = None
        if thread in self._resumable:
            self._resumable.remove(thread)
        core = thread.core
        assert core is not None
        self._set_state(thread, RUNNABLE)
        thread.core = None
        thread.last_core = core
        self.cores[core] = None
        self.run_queue.append(thread)
        self._assign(core, self.run_queue.popleft(), self.spec.context_switch_ns)

    def _arm_tick(self) -> None:
        if self._tick is None and self.run_queue:
            tick = self.spec.tick_ns
            at = (self.engine.now_ns // tick + 1) * tick
            self._tick = self.engine.schedule(
                at, self._on_tick, at, priority=URGENT, domain=MACHINE
            )

    def _on_tick(self, tick_ns: int) -> None:
        self._tick = None
        for _ in range(len(self.cores)):
            if not self.run_queue:
                break
            # Slices are measured at the tick's own time, even if it runs late (a thread
            # went past it in one step, such as a long native call).
            victim = self._preemptible(tick_ns)
            if victim is None:
                break
            self._preempt(victim)
        self._arm_tick()

    def _set_state(self, thread: OSThread, state: str) -> None:
        now = self.engine.now_ns
        # Never negative, though in parallel mode another process's event may come up to
        # a lookahead behind this thread's own time.
        spent = max(0, now - thread.since)
        thread.times[thread.state_key] += spent
        if thread.state == RUNNING and thread.core is not None:
            self.busy_ns[thread.core] += spent
        thread.since = now
        changed = state != thread.state
        thread.state = state
        if state == WAKING:
            self._waking[thread] = None
        else:
            self._waking.pop(thread, None)
        if state not in (BLOCKED, WAKING):
            thread.wait = None
        if changed and self.engine.trace is not None:
            wait = thread.wait
            self.engine.record(
                "thread_state",
                thread=thread.ident,
                state=state,
                core=thread.core,
                wait=wait.kind if wait is not None else None,
                what=wait.what if wait is not None else None,
            )

    def settle(self) -> None:
        """Account the time of every thread up to now (for statistics at the end)."""
        for thread in self.threads:
            if thread.state != EXITED:
                self._set_state(thread, thread.state)


__all__ = [
    "EXITED",
    "NEVER",
    "Machine",
    "MachineSpec",
    "OSThread",
    "ThreadKilled",
    "Wait",
]
