"""The fair scheduler's lag (``gilsim.machine.fair``) on one core, with synthetic threads
and no GIL: who preempts as it wakes, and who waits for the tick."""

from __future__ import annotations

from gilsim.engine import Engine
from gilsim.machine import Machine, MachineSpec
from gilsim.testing.synthetic import Compute, Sleep, SyntheticThread, run_out

TICK_NS = 4_000_000


def one_core() -> Machine:
    engine = Engine(0)
    engine.trace = []
    return Machine(engine, MachineSpec(cores=1, tick_ns=TICK_NS))


def runs_after_waking(machine: Machine, ident: int) -> list[int]:
    """How long the thread waited for the core each time it was woken (ns)."""
    trace = machine.engine.trace or []
    waits, woken = [], None
    for event in trace:
        if event["event"] != "thread_state" or event["thread"] != ident:
            continue
        if event["state"] == "waking":
            woken = event["time_ns"]
        elif event["state"] == "running" and woken is not None:
            waits.append(event["time_ns"] - woken)
            woken = None
    return waits


def test_a_thread_that_slept_after_running_little_preempts_as_it_wakes() -> None:
    """An I/O-like thread beside a CPU-bound one: owed time, it gets the core within its
    wake-up latency and timer slack, not at the next 4 ms tick."""
    machine = one_core()
    SyntheticThread(machine, 1, [Compute(30_000_000)]).start()
    SyntheticThread(machine, 2, [Compute(50_000), Sleep(200_000)] * 20).start()
    run_out(machine)
    waits = runs_after_waking(machine, 2)
    assert len(waits) >= 19
    assert max(waits[1:]) < 500_000, waits


def test_a_thread_that_slept_after_its_fill_waits_for_the_tick() -> None:
    """Two CPU-bound threads, one of which sleeps briefly after running for a while: it has
    had more than its share, so it is owed nothing and waits for a tick to get the core."""
    machine = one_core()
    SyntheticThread(machine, 1, [Compute(40_000_000)]).start()
    SyntheticThread(machine, 2, [Compute(3_000_000), Sleep(100_000)] * 6).start()
    run_out(machine)
    waits = runs_after_waking(machine, 2)
    assert len(waits) >= 5
    late = [wait for wait in waits if wait > 1_000_000]
    assert len(late) >= len(waits) // 2, waits
