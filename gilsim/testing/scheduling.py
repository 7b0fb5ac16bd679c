"""Hypothesis strategies for testing schedulers: machines, GIL settings, threading workloads,
and runs that combine them.

Why: a scheduling bug shows only under some mix of cores, switch interval, wake order and
program.  These strategies draw each part, so that a property test can run many mixes and
check the trace of each (``gilsim.testing.check_invariants``), and Hypothesis can shrink a
failing mix to a few threads with a few steps on a small machine::

    from hypothesis import given
    import gilsim
    from gilsim.testing import check_invariants, runs

    @given(runs())
    def test_scheduler(run):
        source, config = run
        check_invariants(gilsim.run(source=source, config=config))

* :func:`machines` and :func:`gil_settings` draw dictionaries of :class:`gilsim.Config`
  fields, so that ``Config(**machine, **gil)`` is a configuration;
* :func:`thread_workloads` draws programs of 1 to 6 threads (``gilsim.testing.workloads``
  says why each ends and prints the same under any interleaving, CPython included);
* :func:`runs` draws ``(source, config)`` pairs, with a seed and the trace on.

The simplest draw comes first everywhere (a worker before a producer and consumer pair, a
loop before a sleep before a lock, the default 5 ms interval), so failures shrink towards
short programs on the default machine.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from hypothesis import strategies as st

from gilsim.config import Config
from gilsim.gil import WAKE_POLICIES
from gilsim.machine import PRESETS
from gilsim.testing.workloads import Await, Join, Locked, Pair, Sleep, Spin, Step, Worker, Workload

__all__ = ["gil_settings", "machines", "runs", "thread_workloads", "workloads"]

SPIN_BUDGET = 60_000
"""Loop iterations in a whole program: about 4 ms of virtual time (60-70 ns each)."""

SLEEP_BUDGET_US = 8_000
"""Microseconds of ``time.sleep`` in a whole program, all threads together."""

MAX_SPIN = 10_000
MAX_SLEEP_US = 2_000
MAX_STEPS = 5
RUN_LIMIT_NS = 500_000_000
"""``max_time_ns`` of the configurations :func:`runs` draws: 25 times what a workload needs,
so that a run that never ends fails fast instead of hanging a test."""

COMMON_INTERVALS_NS = (5_000_000, 1_000_000, 100_000, 20_000_000)


def machines(*, max_cores: int = 8) -> st.SearchStrategy[dict[str, Any]]:
    """``{"machine": preset, "cores": n}``: a preset of ``gilsim.machine.PRESETS`` with
    1 to ``max_cores`` cores."""
    presets = ["vm2", *sorted(set(PRESETS) - {"vm2"})]
    return st.fixed_dictionaries(
        {"machine": st.sampled_from(presets), "cores": st.integers(1, max_cores)}
    )


def gil_settings(
    *, min_interval_ns: int = 100_000, max_interval_ns: int = 20_000_000
) -> st.SearchStrategy[dict[str, Any]]:
    """``{"switch_interval_ns": ns, "wake_policy": policy}``: an interval from 100 us to
    20 ms by default (common values first), and a wake policy of ``gilsim.gil``."""
    common = [ns for ns in COMMON_INTERVALS_NS if min_interval_ns <= ns <= max_interval_ns]
    # Short intervals are where switching happens: they get a branch of their own.
    short = st.integers(min_interval_ns, min(max_interval_ns, 3 * min_interval_ns))
    interval = st.one_of(short, st.integers(min_interval_ns, max_interval_ns))
    if common:
        interval = st.one_of(st.sampled_from(common), interval)
    return st.fixed_dictionaries(
        {"switch_interval_ns": interval, "wake_policy": st.sampled_from(WAKE_POLICIES)}
    )


def workloads(*, max_threads: int = 6) -> st.SearchStrategy[Workload]:
    """Workloads (``gilsim.testing.workloads.Workload``) of 1 to ``max_threads`` threads
    besides the main thread."""
    if max_threads < 1:
        raise ValueError(f"max_threads must be positive, got {max_threads}")
    return _workloads(max_threads)


def thread_workloads(*, max_threads: int = 6) -> st.SearchStrategy[str]:
    """Threading programs: each ends, never deadlocks, runs in a few ms of virtual time
    and prints the same under gilsim (any configuration) and under CPython."""
    return workloads(max_threads=max_threads).map(Workload.source)


def runs(*, max_threads: int = 6, max_cores: int = 8) -> st.SearchStrategy[tuple[str, Config]]:
    """``(source, config)``: a workload and a configuration with a machine, GIL settings, a
    seed, the trace on and a limit of virtual time."""
    config = st.builds(
        _config,
        machines(max_cores=max_cores),
        gil_settings(),
        st.integers(0, 2**32 - 1),
    )
    return st.tuples(thread_workloads(max_threads=max_threads), config)


def _config(machine: dict[str, Any], gil: dict[str, Any], seed: int) -> Config:
    return Config(**machine, **gil, seed=seed, trace=True, max_time_ns=RUN_LIMIT_NS)


# --------------------------------------------------------------------------- the builder

Draw = Callable[[st.SearchStrategy[Any]], Any]


@dataclass
class _Budget:
    """What is left to spend: loop iterations and microseconds of sleep."""

    spin: int = SPIN_BUDGET
    sleep_us: int = SLEEP_BUDGET_US


@st.composite
def _workloads(draw: Draw, max_threads: int) -> Workload:
    budget = _Budget()
    locks = tuple(draw(st.lists(st.sampled_from(["Lock", "RLock"]), max_size=3)))
    wanted = draw(st.integers(1, max_threads))
    threads: list[Worker | Pair] = []
    workers: list[int] = []  # indices of the threads that publish an event
    joiners: dict[int, int] = {}  # a joined thread: the one thread that joins it
    count = 0
    while count < wanted:
        if wanted - count >= 2 and draw(st.booleans()):
            threads.append(_pair(draw, budget))
            count += 2
            continue
        steps = _steps(draw, budget, locks, workers, joiners, count)
        publish_at = draw(st.integers(0, len(steps)))
        threads.append(Worker(steps, publish_at))
        workers.append(count)
        count += 1
    main = _steps(draw, budget, locks, workers, joiners, count, main=True)
    return Workload(tuple(threads), locks, main)


def _steps(
    draw: Draw,
    budget: _Budget,
    locks: tuple[str, ...],
    workers: list[int],
    joiners: dict[int, int],
    index: int,
    main: bool = False,
) -> tuple[Step, ...]:
    """The steps of thread ``index`` (or of the main thread, which runs after every thread
    has started): waits only for threads before it, and joins only threads no other thread
    joins (``joiners``, updated; see ``workloads``: "no race in join")."""
    kinds = ["spin", "sleep"]
    if locks:
        kinds.append("locked")
    if workers:
        kinds.append("await")
    joinable = [k for k in range(index) if joiners.get(k, index) == index]
    if joinable:
        kinds.append("join")
    steps: list[Step] = []
    for _ in range(draw(st.integers(0, 2 if main else MAX_STEPS))):
        kind = draw(st.sampled_from(kinds))
        if kind == "spin":
            steps.append(_spin(draw, budget))
        elif kind == "sleep":
            steps.append(_sleep(draw, budget))
        elif kind == "locked":
            steps.append(_locked(draw, budget, locks, 0, depth=2))
        elif kind == "await":
            steps.append(Await(draw(st.sampled_from(workers))))
        else:
            target = draw(st.sampled_from(joinable))
            joiners[target] = index
            steps.append(Join(target))
    return tuple(steps)


def _spin(draw: Draw, budget: _Budget, most: int = MAX_SPIN, times: int = 1) -> Spin:
    iterations = _amount(draw, min(most, budget.spin // times))
    budget.spin -= iterations * times
    return Spin(iterations, draw(st.sampled_from(["for", "while", "call"])))


def _sleep(draw: Draw, budget: _Budget, most: int = MAX_SLEEP_US, times: int = 1) -> Sleep:
    us = _amount(draw, min(most, budget.sleep_us // times))
    budget.sleep_us -= us * times
    return Sleep(us)


def _amount(draw: Draw, most: int) -> int:
    """A number up to ``most``: small, or in the top half.  Hypothesis alone favours small
    numbers, but threads contend for the GIL only when they compute longer than the switch
    interval, so long loops get half the draws."""
    if most > 1 and draw(st.booleans()):
        return draw(st.integers(most // 2, most))
    return draw(st.integers(0, most // 10))


def _locked(draw: Draw, budget: _Budget, locks: tuple[str, ...], lowest: int, depth: int) -> Locked:
    """A ``with`` block on a lock numbered ``lowest`` or more; its body computes, sleeps,
    or (while ``depth`` allows) takes a lock numbered higher."""
    lock = draw(st.integers(lowest, len(locks) - 1))
    reenter = locks[lock] == "RLock" and draw(st.booleans())
    body: list[Spin | Sleep | Locked] = []
    for _ in range(draw(st.integers(0, 2))):
        kinds = ["spin", "sleep"]
        if depth > 1 and lock + 1 < len(locks):
            kinds.append("locked")
        kind = draw(st.sampled_from(kinds))
        if kind == "spin":
            body.append(_spin(draw, budget, most=500))
        elif kind == "sleep":
            body.append(_sleep(draw, budget, most=500))
        else:
            body.append(_locked(draw, budget, locks, lock + 1, depth - 1))
    return Locked(lock, reenter, tuple(body))


def _pair(draw: Draw, budget: _Budget) -> Pair:
    items = draw(st.integers(1, 20))
    maxsize = draw(st.sampled_from([0, 1, 2, 5]))
    sides = []
    for _ in range(2):
        work: list[Spin | Sleep] = []
        kind = draw(st.sampled_from(["none", "spin", "sleep"]))
        if kind == "spin":
            work.append(_spin(draw, budget, most=300, times=items))
        elif kind == "sleep":
            work.append(_sleep(draw, budget, most=200, times=items))
        sides.append(tuple(work))
    return Pair(items, maxsize, sides[0], sides[1])
