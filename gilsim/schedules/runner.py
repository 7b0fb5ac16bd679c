"""One run of an exploration: a ``Job`` in, a ``RunRecord`` out.

Both are plain picklable values and ``run_job`` is a module-level function, so a job runs the
same in this process, on a ``concurrent.futures`` process pool or on a cluster's executor
(Dask's ``Client.get_executor()``): each worker only needs gilsim importable.
"""

from __future__ import annotations

import random

import attrs

from gilsim import versions
from gilsim.config import Config
from gilsim.interpreter import state
from gilsim.isolation import call_in_child
from gilsim.program import CapturedStream, captured_stdio, new_interpreter, run_main
from gilsim.runtime.deadlock import thread_name
from gilsim.schedules import dpor
from gilsim.schedules.schedule import ChoicePoint, Decide, Schedule, ScheduleChooser


@attrs.frozen
class Strategy:
    """How a run chooses where its schedule says nothing: ``"default"`` (as the simulation
    does by itself), ``"random"`` (about ``depth - 1`` preemptions at random check points
    among ``steps``, any waiter at a release) or ``"pct"`` (probabilistic concurrency testing,
    Burckhardt et al., ASPLOS 2010: random thread priorities, ``depth - 1`` priority drops at
    random choice points among the first ``steps``)."""

    kind: str = "default"
    seed: int = 0
    depth: int = 3
    steps: int = 100


@attrs.frozen
class Job:
    """One run to make: the program, its configuration, the schedule to follow."""

    source: str | bytes
    filename: str
    argv: tuple[str, ...]
    config: Config
    schedule: Schedule = Schedule()
    strategy: Strategy = Strategy()
    # Record what each segment touches, for partial-order reduction (``dpor``).
    reduce: bool = True


@attrs.frozen
class RunRecord:
    """What one run did: its full schedule, its output and how it ended, the choice points
    it met, and (with ``reduce``) its backtrack points: (choice point, thread number) pairs
    worth trying (``dpor.backtracks``)."""

    schedule: Schedule
    stdout: str
    stderr: str
    exit_status: int
    log: tuple[ChoicePoint, ...]
    preemptions: int
    diverged: bool
    backtracks: frozenset[tuple[int, int]] | None = None
    # The threads' names (``threading``'s), by thread number.
    threads: tuple[str, ...] = ()


class _Output(CapturedStream):
    """The program's stdout, noting each write as a write of ``("stdout",)`` by the segment
    that made it: output is an access like any other, since its order is the outcome."""

    def __init__(self) -> None:
        super().__init__("<stdout>")

    def write(self, text: str) -> int:
        ts = state.current
        if ts is not None and text:
            recorder = ts.interp.recorder
            if recorder is not None and recorder.keep_segments:
                recorder.note(ts.os_thread.ident, STDOUT, "w")
        return super().write(text)


STDOUT = ("stdout",)


def run_job(job: Job) -> RunRecord:
    """Run ``job`` and say what happened.  On the host's interpreter (3.12 and later) the
    run is made in a child of this process (``gilsim.isolation``): its threads' frames and
    the shadows of the C boundary go with the child, and each run starts from the same
    state, this process's (with gilsim imported and warm, a fork costs milliseconds)."""
    if versions.traced():
        _prepare(job)
        return call_in_child(_run_job, job)
    return _run_job(job)


# The configurations this process has prepared runs of (``_prepare``).
_prepared: set[tuple[Config, bool]] = set()


def _prepare(job: Job) -> None:
    """Build (and drop) an interpreter as a run of ``job`` builds it, so that this process
    has imported every module the run needs: each child forked for a run would import what
    this process has not, again (with no bytecode cache, compiling it)."""
    key = (job.config, job.reduce)
    if key not in _prepared:
        _prepared.add(key)
        new_interpreter(job.config, ScheduleChooser(segments=job.reduce))


def _run_job(job: Job) -> RunRecord:
    chooser = ScheduleChooser(job.schedule, _decider(job.strategy), segments=job.reduce)
    with captured_stdio(None, _Output()) as (out, err):
        outcome = run_main(job.source, job.filename, list(job.argv), job.config, chooser)
    stderr = err.getvalue()
    if outcome.gilsim_error is not None:
        stderr += f"gilsim: {outcome.gilsim_error}\n"
    found = None
    interp = outcome.interp
    names: tuple[str, ...] = ()
    if interp is not None:
        names = tuple(thread_name(interp, thread) for thread in interp.machine.threads)
    if job.reduce and interp is not None:
        numbers = {thread.ident: n for n, thread in enumerate(interp.machine.threads)}
        steps = chooser.watcher.steps
        found = frozenset(dpor.backtracks(steps, interp.recorder.segments, chooser.log, numbers))
    return RunRecord(
        schedule=chooser.schedule,
        stdout=out.getvalue(),
        stderr=stderr,
        exit_status=outcome.exit_status,
        log=tuple(chooser.log),
        preemptions=chooser.preemptions,
        diverged=chooser.misfit is not None,
        backtracks=found,
        threads=names,
    )


def _decider(strategy: Strategy) -> Decide | None:
    if strategy.kind == "default":
        return None
    rng = random.Random(strategy.seed)
    if strategy.kind == "random":
        return _random(strategy, rng)
    if strategy.kind == "pct":
        return _pct(strategy, rng)
    raise ValueError(f"unknown strategy {strategy.kind!r}")


def _random(strategy: Strategy, rng: random.Random) -> Decide:
    """Preempt at each check point with probability ``depth - 1`` over ``steps`` (about
    ``depth - 1`` preemptions a run, anywhere in it), handing the GIL to any waiter; at a
    release, signal any waiter."""
    rate = (strategy.depth - 1) / max(strategy.steps, 1)

    def decide_random(point: int, kind: str, options: tuple[int, ...], default: int) -> int:
        if kind == "check":
            if rng.random() >= rate:
                return default
            return rng.choice(options[1:])
        return rng.choice(options)

    return decide_random


def _pct(strategy: Strategy, rng: random.Random) -> Decide:
    """PCT: each thread gets a random priority when first seen (all above ``depth``); at
    each of ``depth - 1`` random change points the running thread drops to a priority below
    all initial ones; the highest-priority thread that can run, runs."""
    changes = {
        point: strategy.depth - 1 - n
        for n, point in enumerate(
            sorted(rng.sample(range(max(strategy.steps, strategy.depth)), strategy.depth - 1))
        )
    }
    priority: dict[int, float] = {}

    def prio(thread: int) -> float:
        if thread not in priority:
            priority[thread] = strategy.depth + rng.random()
        return priority[thread]

    def decide_pct(point: int, kind: str, options: tuple[int, ...], default: int) -> int:
        if kind == "check" and point in changes:
            priority[options[0]] = changes[point]
        return max(options, key=prio)

    return decide_pct
