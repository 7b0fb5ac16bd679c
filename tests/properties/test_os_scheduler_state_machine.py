"""The OS scheduler (``gilsim/machine/cpu.py``) as a Hypothesis state machine.

Synthetic threads with no GIL compute on their cores, sleep, wait to be woken and end; rules
add threads, wake waiting ones and let virtual time pass.  Between rules, and over the trace,
the scheduler must keep the rules of ``cpu.py``'s docstring and ``docs/model/gil.md`` §8: no more
running threads than cores; a runnable thread queues only while every core is taken (a core
counts as taken from the moment it is given, during the context switch too); the tick, and a
wake-up, preempt only a thread that has used its slice, or else, at a wake-up, one ahead of
a woken thread the scheduler owes time (``gilsim.machine.fair``); the clock never goes back; every
nanosecond of every thread is accounted; and in the end every thread finishes.
"""

from __future__ import annotations

from typing import Any

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from gilsim.engine import Engine
from gilsim.machine import Machine, MachineSpec, OSThread, fair
from gilsim.testing.invariants import TraceChecker
from gilsim.testing.synthetic import WAIT_WAKE, Compute, Idle, Sleep, SyntheticThread, run_until

MAX_THREADS = 8

durations = st.integers(0, 200_000) | st.integers(1_000_000, 5_000_000)
actions = st.lists(
    st.one_of(st.builds(Compute, durations), st.builds(Sleep, durations), st.just(Idle())),
    max_size=4,
)


class ObservedMachine(Machine):
    """A machine that checks each preemption as it happens: a thread is preempted only once
    it has used its slice, counted to the tick's own time for a tick and to the last tick
    for a wake-up (the kernel updates run times at ticks), or at the wake-up of a thread
    owed time that it is ahead of."""

    def __init__(self, engine: Engine, spec: MachineSpec) -> None:
        super().__init__(engine, spec)
        self.tick_time_ns: int | None = None  # the time of the tick being handled
        self.preemptions = 0
        self.readying: OSThread | None = None  # the thread ``_ready`` is placing

    def _on_tick(self, tick_ns: int) -> None:
        assert self._tick is not None
        self.tick_time_ns = self._tick.time_ns
        assert self.tick_time_ns == tick_ns, "a tick told another time than its own"
        assert self.tick_time_ns % self.spec.tick_ns == 0, "a tick off the tick boundary"
        try:
            super()._on_tick(tick_ns)
        finally:
            self.tick_time_ns = None

    def _ready(self, thread: OSThread) -> None:
        self.readying = thread
        try:
            super()._ready(thread)
        finally:
            self.readying = None

    def _preempt(self, thread: OSThread) -> None:
        now, slice_ns = self.engine.now_ns, max(self.spec.min_slice_ns, 1)
        counted_to = self.tick_time_ns
        if counted_to is None:
            counted_to = now - now % self.spec.tick_ns
        used = counted_to - thread.picked_at
        woken = self.readying if self.tick_time_ns is None else None
        owed = (
            woken is not None
            and woken.lag_ns > 0
            and fair.vruntime(thread, now) > fair.vruntime(woken, now)
        )
        assert used >= slice_ns or owed, (
            f"{thread.name} preempted at {now} ns having used {used} ns of its core "
            f"(counted to {counted_to} ns), less than its slice of {slice_ns} ns, and not "
            "by a woken thread it is ahead of that is owed time"
        )
        assert self.run_queue, "a preemption with nobody queued"
        self.preemptions += 1
        super()._preempt(thread)


class SchedulerMachine(RuleBasedStateMachine):
    @initialize(
        cores=st.integers(1, 4),
        tick_ns=st.sampled_from([4_000_000, 1_000_000, 250_000]),
        min_slice_ns=st.sampled_from([1_500_000, 0, 100_000, 3_000_000]),
        context_switch_ns=st.sampled_from([2_000, 0, 50_000]),
        seed=st.integers(0, 2**16),
        check_every_ns=st.sampled_from([10_000, 100_000, 3_000]),
    )
    def setup(
        self,
        cores: int,
        tick_ns: int,
        min_slice_ns: int,
        context_switch_ns: int,
        seed: int,
        check_every_ns: int,
    ) -> None:
        self.engine = Engine(seed)
        self.engine.trace = []
        self.spec = MachineSpec(
            cores=cores,
            tick_ns=tick_ns,
            min_slice_ns=min_slice_ns,
            context_switch_ns=context_switch_ns,
        )
        self.machine = ObservedMachine(self.engine, self.spec)
        self.check_every_ns = check_every_ns
        self.threads: list[SyntheticThread] = []
        self.started_at: dict[int, int] = {}
        self.checker = TraceChecker(cores, None, min_slice_ns=min_slice_ns, gil=False)
        self.seen = 0
        self.last_now_ns = 0

    @precondition(lambda self: len(self.threads) < MAX_THREADS)
    @rule(program=actions)
    def add_thread(self, program: list[Any]) -> None:
        ident = len(self.threads) + 1
        thread = SyntheticThread(self.machine, ident, program, None, self.check_every_ns)
        self.started_at[ident] = self.engine.now_ns
        self.threads.append(thread.start())

    def idle(self) -> list[OSThread]:
        return [
            t.os_thread
            for t in self.threads
            if t.os_thread.state == "blocked" and t.os_thread.wait.kind == WAIT_WAKE
        ]

    @precondition(lambda self: bool(self.idle()))
    @rule(data=st.data())
    def wake(self, data: st.DataObject) -> None:
        thread = data.draw(st.sampled_from(self.idle()))
        assert self.machine.wake(thread)

    @rule(ns=st.integers(0, 10_000_000))
    def advance(self, ns: int) -> None:
        run_until(self.machine, self.engine.now_ns + ns)
        self.check_new_events()

    def check_new_events(self) -> None:
        trace = self.engine.trace
        assert trace is not None
        while self.seen < len(trace):
            self.seen += 1
            self.checker.feed(trace[self.seen - 1])

    @invariant()
    def cores_hold_running_threads(self) -> None:
        if not hasattr(self, "machine"):
            return
        machine = self.machine
        on_cores = [t for t in machine.cores if t is not None]
        assert len(set(map(id, on_cores))) == len(on_cores), "a thread on two cores"
        for index, thread in enumerate(machine.cores):
            if thread is not None:
                assert thread.state == "running" and thread.core == index
        running = [t for t in machine.threads if t.state == "running"]
        assert len(running) <= self.spec.cores
        assert all(t.core is not None and machine.cores[t.core] is t for t in running)

    @invariant()
    def queue_only_when_cores_are_taken(self) -> None:
        if not hasattr(self, "machine"):
            return
        machine = self.machine
        queued = list(machine.run_queue)
        runnable = [t for t in machine.threads if t.state == "runnable"]
        assert len(set(map(id, queued))) == len(queued), "a thread queued twice"
        assert {id(t) for t in queued} == {id(t) for t in runnable}
        if queued:
            assert None not in machine.cores, "a thread queued while a core is free"

    @invariant()
    def clock_is_monotone(self) -> None:
        if not hasattr(self, "machine"):
            return
        assert self.engine.now_ns >= self.last_now_ns
        self.last_now_ns = self.engine.now_ns

    @invariant()
    def time_is_accounted(self) -> None:
        """Each thread's accounts add up to its life so far; the cores' busy time to the
        threads' running time."""
        if not hasattr(self, "machine"):
            return
        now = self.engine.now_ns
        for thread in self.machine.threads:
            pending = 0 if thread.state == "exited" else now - thread.since
            lived = (thread.since if thread.state == "exited" else now) - self.started_at[
                thread.ident
            ]
            assert sum(thread.times.values()) + pending == lived, thread.name
        running = sum(t.times.get("running", 0) for t in self.machine.threads)
        assert sum(self.machine.busy_ns) == running
        assert all(busy <= now for busy in self.machine.busy_ns)

    def teardown(self) -> None:
        if not hasattr(self, "machine"):
            return
        # Every program is finite once its idle waits are woken: no thread may starve.
        for _ in range(4 * MAX_THREADS + 4):
            for thread in self.idle():
                self.machine.wake(thread)
            run_until(self.machine, self.engine.now_ns + 50_000_000)
            if all(t.finished for t in self.threads):
                break
        self.check_new_events()
        stuck = [t.os_thread.name for t in self.threads if not t.finished]
        assert not stuck, f"threads never finished: {stuck}"
        self.checker.finish(self.engine.now_ns)
        self.machine.kill_all()


SchedulerMachine.TestCase.settings = settings(
    settings.default, max_examples=5 * settings.default.max_examples, stateful_step_count=40
)
TestScheduler = SchedulerMachine.TestCase
