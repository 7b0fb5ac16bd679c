"""The GIL (``gilsim/gil/newgil.py``) as a Hypothesis state machine.

Synthetic threads (``gilsim.testing.synthetic``) take the GIL, compute with a check point
every few microseconds, sleep with the GIL released, and end; rules add threads and let
virtual time pass.  Between rules, and over the trace, the GIL must keep the rules of
``docs/model/gil.md`` §1: one holder; ``switch_number`` moving only when the holder changes; a
drop request only from a waiter whose wait timed out with ``switch_number`` unchanged;
FORCE_SWITCHING; and in the end every thread finishes (no lost wake-up, no starvation).
"""

from __future__ import annotations

from typing import Any

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from gilsim.engine import Engine
from gilsim.gil import GIL, WAKE_POLICIES
from gilsim.gil.newgil import WAIT_GIL, WAIT_SWITCH
from gilsim.machine import Machine, MachineSpec, OSThread, Wait
from gilsim.testing.invariants import TraceChecker
from gilsim.testing.synthetic import Breaker, Compute, Sleep, SyntheticThread, run_until

MAX_THREADS = 6

# Short computations, and some longer than any switch interval drawn below.
durations = st.integers(0, 100_000) | st.integers(2_000_000, 6_000_000)
actions = st.lists(
    st.one_of(st.builds(Compute, durations), st.builds(Sleep, st.integers(0, 1_000_000))),
    max_size=4,
)


class ObservedEngine(Engine):
    """An engine that, when a drop request is recorded, keeps what the requester's last wait
    was at that moment (the thread blocks again right after)."""

    machine: ObservedMachine

    def __init__(self, seed: int) -> None:
        super().__init__(seed)
        self.requests: list[dict[str, Any]] = []

    def record(self, event: str, **fields: Any) -> None:
        if event == "drop_request":
            self.requests.append(dict(self.machine.last_block[fields["thread"]]))
        super().record(event, **fields)


class ObservedMachine(Machine):
    """A machine that remembers how each thread's last wait began and ended: the
    ``switch_number`` and ``locked`` of the GIL then, and whether it timed out."""

    gil: GIL

    def __init__(self, engine: Engine, spec: MachineSpec) -> None:
        super().__init__(engine, spec)
        self.last_block: dict[int, dict[str, Any]] = {}

    def block(self, thread: OSThread, wait: Wait, timeout_ns: int | None = None) -> bool:
        record = {"wait": wait, "switches_before": self.gil.switch_number}
        self.last_block[thread.ident] = record
        timed_out = super().block(thread, wait, timeout_ns)
        record.update(
            timed_out=timed_out,
            switches_after=self.gil.switch_number,
            locked_after=self.gil.locked,
        )
        return timed_out


class GILMachine(RuleBasedStateMachine):
    @initialize(
        cores=st.integers(1, 4),
        interval_ns=st.sampled_from([100_000, 1_000_000, 5_000_000])
        | st.integers(1_000, 2_000_000),
        wake_policy=st.sampled_from(WAKE_POLICIES),
        seed=st.integers(0, 2**16),
        check_every_ns=st.sampled_from([10_000, 1_000, 50_000]),
    )
    def setup(
        self, cores: int, interval_ns: int, wake_policy: str, seed: int, check_every_ns: int
    ) -> None:
        self.engine = ObservedEngine(seed)
        self.engine.trace = []
        self.spec = MachineSpec(cores=cores)
        self.machine = ObservedMachine(self.engine, self.spec)
        self.engine.machine = self.machine
        self.breaker = Breaker()
        self.gil = GIL(self.machine, self.breaker, interval_ns, wake_policy)
        self.machine.gil = self.gil
        self.check_every_ns = check_every_ns
        self.threads: list[SyntheticThread] = []
        self.checker = TraceChecker(cores, interval_ns, min_slice_ns=self.spec.min_slice_ns)
        self.seen = 0  # trace events checked so far
        self.last_taker: int | None = None
        self.changes_of_holder = 0

    @precondition(lambda self: len(self.threads) < MAX_THREADS)
    @rule(program=actions)
    def add_thread(self, program: list[Compute | Sleep]) -> None:
        ident = len(self.threads) + 1
        thread = SyntheticThread(self.machine, ident, program, self.gil, self.check_every_ns)
        self.threads.append(thread.start())

    @rule(ns=st.integers(0, 5_000_000))
    def advance(self, ns: int) -> None:
        run_until(self.machine, self.engine.now_ns + ns)
        self.check_new_events()

    def check_new_events(self) -> None:
        """Feed the new trace events to the checker; at each drop request and each take, look
        at what the GIL and the requester's last wait said then."""
        trace = self.engine.trace
        assert trace is not None
        while self.seen < len(trace):
            event = trace[self.seen]
            self.seen += 1
            self.checker.feed(event)
            if event["event"] == "gil_take":
                self.changes_of_holder += event["thread"] != self.last_taker
                self.last_taker = event["thread"]
            if event["event"] == "drop_request":
                wait = self.engine.requests.pop(0)
                assert wait["wait"] is WAIT_GIL, (
                    "a drop request from a thread not waiting for the GIL"
                )
                assert wait["timed_out"], "a drop request after a wait that did not time out"
                assert wait["locked_after"], "a drop request while the GIL was free"
                assert wait["switches_after"] == wait["switches_before"], (
                    "a drop request though switch_number moved during the wait"
                )

    @invariant()
    def one_holder(self) -> None:
        if not hasattr(self, "gil"):
            return
        gil = self.gil
        assert gil.locked == (gil.holder is not None)
        if gil.holder is not None:
            holder = gil.holder
            assert not (holder.state == "blocked" and holder.wait is WAIT_GIL), (
                "the holder waits for the GIL"
            )
        for waiter in gil.cond_waiters:
            assert waiter is not gil.holder
            assert waiter.state in ("blocked", "waking", "runnable", "running")

    @invariant()
    def switch_number_counts_changes_of_holder(self) -> None:
        if hasattr(self, "gil"):
            assert self.gil.switch_number == self.changes_of_holder

    @invariant()
    def force_switching(self) -> None:
        """A thread parked in FORCE_SWITCHING dropped the GIL last, and nobody took it
        since: taking it wakes the parked thread."""
        if not hasattr(self, "gil"):
            return
        waiter = self.gil.switch_waiter
        if waiter is not None:
            assert self.gil.last_holder is waiter
            assert not self.gil.locked
            assert waiter.state == "blocked" and waiter.wait is WAIT_SWITCH

    @invariant()
    def request_and_breaker_agree(self) -> None:
        if not hasattr(self, "gil"):
            return
        # Only drop requests set the breaker here (no signals, no pending calls).
        assert self.breaker.eval_breaker == self.gil.gil_drop_request
        if self.gil.gil_drop_request:
            assert self.gil.locked, "a drop request pending with nobody to answer it"

    def teardown(self) -> None:
        if not hasattr(self, "gil"):
            return
        # Every program is finite: run until all threads end (no lost wake-up).
        total_ns = sum(
            action.ns + self.gil.interval_us * 1000 + 10_000_000
            for thread in self.threads
            for action in thread.program
        )
        run_until(self.machine, self.engine.now_ns + total_ns + 50_000_000)
        self.check_new_events()
        stuck = [t.os_thread.name for t in self.threads if not t.finished]
        assert not stuck, f"threads never finished: {stuck}"
        self.checker.finish(self.engine.now_ns)
        self.machine.kill_all()


GILMachine.TestCase.settings = settings(
    settings.default, max_examples=5 * settings.default.max_examples, stateful_step_count=30
)
TestGIL = GILMachine.TestCase
