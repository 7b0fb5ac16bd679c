"""Threads whose code runs in another host process (``gilsim.machine.remote``): the same
synthetic workload, run once with its threads in this process and once with them in a
forked child that reaches the machine only through its connection, gives the same run,
event for event (the trace), whether the threads share a GIL (which lives in the child,
as a child process's own GIL will) or not."""

from __future__ import annotations

import os
import sys
import traceback
import warnings
from collections.abc import Callable
from multiprocessing import Pipe

import pytest

from gilsim.engine import Engine
from gilsim.gil import make_gil
from gilsim.machine import Machine, MachineSpec
from gilsim.machine.remote import Proxy, RemoteMachine
from gilsim.testing.synthetic import (
    Breaker,
    Compute,
    Idle,
    Sleep,
    SyntheticThread,
    run_out,
)

# A workload: its threads, each with the delay after which it starts (None: the machine's
# thread-creation time).
Build = Callable[[Machine], list[tuple[SyntheticThread, int | None]]]


def machine(cores: int = 2) -> Machine:
    engine = Engine(7)
    engine.trace = []
    return Machine(engine, MachineSpec(cores=cores))


def run_here(build: Build, cores: int = 2) -> Machine:
    m = machine(cores)
    for thread, delay_ns in build(m):
        thread.start(delay_ns)
    run_out(m)
    return m


def run_in_child(build: Build, cores: int = 2) -> Machine:
    """``build``'s threads run in a forked host process; their mirrors here."""
    m = machine(cores)
    threads = build(m)
    here, there = Pipe()
    with warnings.catch_warnings():
        # (pytest's process may have threads: the child runs only the synthetic ones.)
        warnings.simplefilter("ignore", DeprecationWarning)
        pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        status = 0
        try:
            here.close()
            remote = RemoteMachine.become(m, there)
            for thread, _ in threads:
                remote.know(thread.os_thread)
            remote.serve()
        except BaseException:
            traceback.print_exc()
            status = 1
        finally:
            sys.stderr.flush()
            os._exit(status)
    there.close()
    proxy = Proxy(m, here, process=0)
    try:
        for thread, delay_ns in threads:
            proxy.adopt(thread.os_thread.ident, thread.os_thread.name, delay_ns=delay_ns)
        run_out(m)
    finally:
        proxy.close()
        _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    return m


def cpu_bound_with_a_gil(m: Machine) -> list[tuple[SyntheticThread, int | None]]:
    """Two CPU-bound threads hand the GIL over every interval."""
    gil = make_gil("new", m, Breaker(), 5_000_000, "fifo")
    return [
        (SyntheticThread(m, 1, [Compute(40_000_000)], gil=gil), None),
        (SyntheticThread(m, 2, [Compute(30_000_000)], gil=gil), 1_000),
    ]


def convoy_with_a_gil(m: Machine) -> list[tuple[SyntheticThread, int | None]]:
    """An I/O thread beside a CPU-bound one: it waits for the GIL after each sleep."""
    gil = make_gil("new", m, Breaker(), 5_000_000, "fifo")
    return [
        (SyntheticThread(m, 1, [Compute(30_000_000)], gil=gil), None),
        (SyntheticThread(m, 2, [Compute(50_000), Sleep(200_000)] * 20, gil=gil), None),
    ]


def random_hand_offs_among_three(m: Machine) -> list[tuple[SyntheticThread, int | None]]:
    """The GIL goes to a waiter drawn from the run's seeded random stream."""
    gil = make_gil("new", m, Breaker(), 1_000_000, "random")
    return [
        (SyntheticThread(m, i, [Compute(2_000_000), Sleep(300_000)] * 4, gil=gil), i * 1_000)
        for i in (1, 2, 3)
    ]


def no_gil_on_one_core(m: Machine) -> list[tuple[SyntheticThread, int | None]]:
    """Threads without a GIL share one core: the OS scheduler's ticks and wake-ups."""
    return [
        (SyntheticThread(m, 1, [Compute(20_000_000)]), None),
        (SyntheticThread(m, 2, [Compute(100_000), Sleep(1_000_000)] * 10), None),
        (SyntheticThread(m, 3, [Sleep(3_000_000), Compute(2_000_000)]), None),
    ]


WORKLOADS = {
    "cpu_bound_with_a_gil": (cpu_bound_with_a_gil, 2),
    "convoy_with_a_gil": (convoy_with_a_gil, 2),
    "random_hand_offs_among_three": (random_hand_offs_among_three, 2),
    "no_gil_on_one_core": (no_gil_on_one_core, 1),
}


@pytest.mark.parametrize("name", sorted(WORKLOADS))
def test_a_workload_in_a_child_runs_as_it_does_here(name: str) -> None:
    build, cores = WORKLOADS[name]
    here, there = run_here(build, cores), run_in_child(build, cores)
    assert there.engine.trace == here.engine.trace
    assert len(here.engine.trace or []) > 20
    assert [dict(t.times) for t in there.threads] == [dict(t.times) for t in here.threads]
    assert there.engine.now_ns == here.engine.now_ns


def test_a_thread_waiting_for_ever_in_a_child_is_seen_blocked() -> None:
    """The machine tells the deadlock it sees: the mirror of a thread idle in the child is
    blocked on what the child said it waits for."""

    def build(m: Machine) -> list[tuple[SyntheticThread, int | None]]:
        return [(SyntheticThread(m, 1, [Compute(1_000_000), Idle()]), None)]

    there = run_in_child(build)
    (mirror,) = there.threads
    assert mirror.state == "blocked"
    assert mirror.wait is not None and (mirror.wait.kind, mirror.wait.what) == ("wake", "a wake-up")
