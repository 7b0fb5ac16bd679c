"""Searching the schedules of a program for its distinct outcomes.

Three strategies:

* ``exhaustive``: every schedule with at most ``bound`` preemptions (iterative context
  bounding, Musuvathi and Qadeer, "Iterative context bounding for systematic testing of
  multithreaded programs", PLDI 2007), taken by increasing preemptions; choices at releases
  cost none.  A stateless search: every run is made from the start, and its record says
  which schedules to try next.  With reduction (the default) those are its backtrack points
  (``dpor``): only the races of the run are reversed, since reordering segments that commute
  cannot change the outcome.  Without, every other choice at every choice point after the
  run's last forced one.  Each schedule is made once.
* ``random``: ``schedules`` runs, each preempting at about ``bound`` random check points.
* ``pct``: ``schedules`` runs of probabilistic concurrency testing, which finds a bug of
  depth ``d`` with probability at least ``1/(n k^(d-1))`` per run (Burckhardt et al. 2010).

Runs go out in batches of a fixed size, in order, and their results are taken in order, so
the outcome is the same whether they run here, on a process pool or on a cluster.
"""

from __future__ import annotations

import collections
import concurrent.futures
import os
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import attrs

from gilsim.config import Config
from gilsim.errors import ConfigurationError
from gilsim.schedules import workers as pool
from gilsim.schedules.runner import Job, RunRecord, Strategy, run_job
from gilsim.schedules.schedule import Choice, Schedule, preemptions
from gilsim.schedules.size import SearchSize, size_of
from gilsim.schedules.workers import Stop

STRATEGIES = ("exhaustive", "random", "pct")
# Runs handed out at once: enough to keep a pool busy between the points where the search
# must wait for results; the same for every executor, so that every executor searches alike.
BATCH = 64
DEFAULT_MAX_SCHEDULES = 5000
SHRINK_RUNS = 200

# ``progress(explored, to_go, outcomes)``, after every run: to_go is what is queued, up to
# the limit (exhaustive), or left (random, pct); outcomes, the distinct outcomes so far.
Progress = Callable[[int, int, int], None]
# ``announce(size)``, once, after the default run and before the search goes on.
Announce = Callable[[SearchSize], None]


@attrs.frozen
class ChoiceInfo:
    """One choice of a schedule, told: at choice point ``point`` (``kind`` ``"check"``: the
    holder was preempted, or ``"release"``: the holder let go), thread ``thread`` got the GIL
    from ``holder``, which was at ``filename``, ``line``, in ``function``, at ``opname``.
    Threads are numbers and names."""

    point: int
    kind: str
    thread: int
    thread_name: str
    holder: int
    holder_name: str
    filename: str | None
    line: int | None
    function: str | None
    opname: str | None

    def to_json(self) -> dict[str, Any]:
        return attrs.asdict(self)


@attrs.frozen
class Outcome:
    """One distinct outcome: the program's stdout and exit status, how many of the explored
    schedules led to it, and one that does, with its preemptions (the fewest found) and its
    choices told (``choices``)."""

    stdout: str
    exit_status: int
    schedules: int
    schedule: Schedule
    preemptions: int
    stderr: str
    choices: tuple[ChoiceInfo, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "stdout": self.stdout,
            "exit_status": self.exit_status,
            "schedules": self.schedules,
            "schedule": str(self.schedule),
            "preemptions": self.preemptions,
            "stderr": self.stderr,
            "choices": [choice.to_json() for choice in self.choices],
        }


def _told(record: RunRecord) -> tuple[ChoiceInfo, ...]:
    """``record``'s choices, each with who and where."""

    def name(number: int) -> str:
        return record.threads[number] if number < len(record.threads) else f"T{number}"

    told = []
    for choice in record.schedule.choices:
        point = record.log[choice.point]
        where = point.where
        told.append(
            ChoiceInfo(
                point=choice.point,
                kind=point.kind,
                thread=choice.thread,
                thread_name=name(choice.thread),
                holder=point.holder,
                holder_name=name(point.holder),
                filename=where.filename if where is not None else None,
                line=where.lineno if where is not None else None,
                function=where.function if where is not None else None,
                opname=where.opname if where is not None else None,
            )
        )
    return tuple(told)


@attrs.frozen
class Exploration:
    """What an exploration found: every distinct outcome, most frequent first (the default
    run's first among equals), and how the search went."""

    outcomes: tuple[Outcome, ...]
    explored: int
    complete: bool
    strategy: str
    bound: int
    choice_points: int
    # Stopped by Ctrl-C (SIGINT): what was found until then, every run counted finished.
    interrupted: bool = False
    size: SearchSize | None = None
    # Stopped by its wall-time limit (``max_wall_ns``), as Ctrl-C stops it.
    timed_out: bool = False

    def to_json(self) -> dict[str, Any]:
        return {
            "format": "gilsim-explore/1",
            "strategy": self.strategy,
            "bound": self.bound,
            "schedules_explored": self.explored,
            "complete": self.complete,
            "interrupted": self.interrupted,
            "timed_out": self.timed_out,
            "estimated_schedules": self.size.estimate if self.size is not None else None,
            "choice_points_default_run": self.choice_points,
            "outcomes": [o.to_json() for o in self.outcomes],
        }


class _Runner:
    """Runs jobs in order, in batches: here, or on an executor; ``stop`` ends them early."""

    def __init__(self, executor: concurrent.futures.Executor | None, stop: Stop) -> None:
        self.executor = executor
        self.stop = stop

    def map(self, jobs: list[Job]) -> Iterator[RunRecord]:
        """The records of ``jobs``, in order, until the search is stopped: a run cut short
        by Ctrl-C (or finished after it) is not among them."""
        if self.executor is None:
            results: Iterator[RunRecord] = map(run_job, jobs)
        else:
            results = iter(self.executor.map(run_job, jobs))
        while True:
            record = self.stop.take(results)
            if record is None:
                return
            yield record

    def one(self, job: Job) -> RunRecord | None:
        return next(self.map([job]), None)


class _Tally:
    """Outcomes so far, each with its count and its best schedule."""

    def __init__(self) -> None:
        self.counts: collections.Counter[tuple[str, int]] = collections.Counter()
        self.best: dict[tuple[str, int], RunRecord] = {}
        self.order: list[tuple[str, int]] = []

    def add(self, record: RunRecord) -> None:
        key = (record.stdout, record.exit_status)
        self.counts[key] += 1
        best = self.best.get(key)
        if best is None:
            self.order.append(key)
        if best is None or _rank(record) < _rank(best):
            self.best[key] = record

    def outcomes(self) -> tuple[Outcome, ...]:
        first = {key: n for n, key in enumerate(self.order)}
        keys = sorted(self.order, key=lambda k: (-self.counts[k], first[k]))
        return tuple(
            Outcome(
                key[0],
                key[1],
                self.counts[key],
                self.best[key].schedule,
                self.best[key].preemptions,
                self.best[key].stderr,
                _told(self.best[key]),
            )
            for key in keys
        )


def _rank(record: RunRecord) -> tuple[int, int]:
    return (record.preemptions, len(record.schedule.choices))


@attrs.define
class _Search:
    """A search under way: what it has found, and how far it got."""

    job: Job
    runner: _Runner
    strategy: str
    bound: int
    limit: int
    progress: Progress | None
    announce: Announce | None
    tally: _Tally = attrs.Factory(_Tally)
    # Runs counted: each is in exactly one outcome's count (a diverged run is in none).
    explored: int = 0
    complete: bool = True
    points: int = 0
    size: SearchSize | None = None

    def default_run(self) -> RunRecord | None:
        """The first run, the default schedule, which tells how large the search is."""
        started = time.perf_counter()
        first = self.runner.one(self.job)
        if first is None:
            return None
        self.points = len(first.log)
        self.size = size_of(
            first.log,
            first.threads,
            strategy=self.strategy,
            bound=self.bound,
            limit=self.limit,
            seconds=time.perf_counter() - started,
            reduce=self.job.reduce,
        )
        if self.announce is not None:
            self.announce(self.size)
        return first

    def add(self, record: RunRecord, to_go: int) -> None:
        self.tally.add(record)
        self.explored += 1
        if self.progress is not None:
            self.progress(self.explored, to_go, len(self.tally.order))

    def result(self) -> Exploration:
        stop = self.runner.stop
        return Exploration(
            self.tally.outcomes(),
            self.explored,
            self.complete and not stop.requested,
            self.strategy,
            self.bound,
            self.points,
            interrupted=stop.reason == pool.CTRL_C,
            size=self.size,
            timed_out=stop.reason == pool.MAX_WALL,
        )


def explore(
    source: str | bytes,
    filename: str,
    argv: tuple[str, ...] | list[str],
    config: Config,
    *,
    strategy: str = "exhaustive",
    bound: int = 2,
    max_schedules: int | None = None,
    executor: concurrent.futures.Executor | None = None,
    workers: int = 1,
    reduce: bool = True,
    shrink: bool = True,
    progress: Progress | None = None,
    announce: Announce | None = None,
    max_wall_ns: int | None = None,
) -> Exploration:
    """Explore the schedules of a program (its ``source`` text, as from ``filename``).

    ``executor`` runs the schedules (any ``concurrent.futures.Executor``); without one,
    ``workers`` > 1 makes a process pool for the search, and 1 runs them here.  Ctrl-C
    (SIGINT, when called from the main thread) stops the search: what it found until then
    is returned, ``interrupted``.  So does ``max_wall_ns`` of wall time from the call on
    (``timed_out``; the run under way then is dropped, see ``gilsim.schedules.workers``).
    """
    if strategy not in STRATEGIES:
        raise ConfigurationError(
            f"unknown exploration strategy {strategy!r}; choose one of {', '.join(STRATEGIES)}"
        )
    if bound < 0:
        raise ConfigurationError(f"the preemption bound must not be negative, got {bound}")
    if workers < 1:
        raise ConfigurationError(f"workers must be positive, got {workers}")
    if max_schedules is not None and max_schedules < 1:
        raise ConfigurationError(f"max schedules must be positive, got {max_schedules}")
    if max_wall_ns is not None and max_wall_ns < 1:
        raise ConfigurationError(f"the wall-time limit must be positive, got {max_wall_ns} ns")
    if filename != "<string>":
        filename = os.path.abspath(filename)
    if config.schedule is not None:
        config = attrs.evolve(config, schedule=None)
    job = Job(source, filename, tuple(argv), config, reduce=reduce and strategy == "exhaustive")
    stop = Stop(max_wall_ns)
    previous = stop.install()
    own = None
    try:
        if executor is None and workers > 1:
            executor = own = pool.process_pool(workers)
        default_limit = DEFAULT_MAX_SCHEDULES if strategy == "exhaustive" else 200
        search = _Search(
            job,
            _Runner(executor, stop),
            strategy,
            bound,
            max_schedules or default_limit,
            progress,
            announce,
        )
        if strategy == "exhaustive":
            _exhaustive(search)
        else:
            _sampled(search)
        if shrink:
            _shrink_all(search)
        return search.result()
    finally:
        if own is not None:
            if stop.requested:
                pool.kill(own)
            else:
                own.shutdown(cancel_futures=True)
        stop.uninstall(previous)


def _exhaustive(search: _Search) -> None:
    """Every schedule of at most ``bound`` preemptions that the search reaches (with
    reduction, those ``dpor`` finds worth trying), fewest preemptions first."""
    bound, limit = search.bound, search.limit
    levels: list[collections.deque[Schedule]] = [collections.deque() for _ in range(bound + 1)]
    seen = {Schedule()}

    def follow(record: RunRecord) -> None:
        for schedule, preempting in _next(record):
            if preempting <= bound and schedule not in seen:
                seen.add(schedule)
                levels[preempting].append(schedule)

    first = search.default_run()
    if first is None:
        return
    follow(first)
    search.add(first, min(sum(len(q) for q in levels), limit - 1))
    while not search.runner.stop.requested:
        queue = next((q for q in levels if q), None)
        if queue is None:
            break
        if search.explored >= limit:
            search.complete = False
            break
        size = min(BATCH, len(queue), limit - search.explored)
        batch = [queue.popleft() for _ in range(size)]
        jobs = [attrs.evolve(search.job, schedule=s) for s in batch]
        for record in search.runner.map(jobs):
            if record.diverged:
                continue  # a schedule the run did not offer after all: never made
            follow(record)
            queued = sum(len(q) for q in levels)
            search.add(record, min(queued, limit - search.explored - 1))


def _next(record: RunRecord) -> Iterable[tuple[Schedule, int]]:
    """The schedules to try after ``record``, each with its preemptions: with reduction its
    backtrack points; without, every other choice at every choice point after its last
    forced one (each schedule is then made by exactly one parent)."""
    log = record.log
    if record.backtracks is not None:
        alternatives = sorted(record.backtracks)
    else:
        after = record.schedule.last_point
        alternatives = [
            (point.index, option)
            for point in log[after + 1 :]
            for option in point.options
            if option != point.chosen
        ]
    for index, thread in alternatives:
        prefix = tuple(c for c in record.schedule.choices if c.point < index)
        point = log[index]
        if thread != point.default:
            prefix = (*prefix, Choice(index, thread))
        schedule = Schedule(prefix)
        yield schedule, preemptions(schedule, log)


def _sampled(search: _Search) -> None:
    """Random or PCT runs, each seeded from the configuration's seed and its number; their
    number of steps comes from the default run."""
    job, limit = search.job, search.limit
    seed = job.config.seed
    first = search.default_run()
    if first is None:
        return
    search.add(first, limit - 1)
    steps = max(len(first.log), 1)
    made = 1
    while made < limit and not search.runner.stop.requested:
        count = min(BATCH, limit - made)
        jobs = [
            attrs.evolve(
                job,
                strategy=Strategy(
                    search.strategy,
                    seed=seed * 1_000_003 + made + n,
                    depth=search.bound + 1,
                    steps=steps,
                ),
            )
            for n in range(count)
        ]
        made += count
        for record in search.runner.map(jobs):
            search.add(record, limit - search.explored)
    search.complete = False


def _shrink_all(search: _Search) -> None:
    """Shrink the schedule of every outcome (``_shrink``); the runs it takes are not
    counted among the outcome's schedules.  Ctrl-C keeps what is shrunk so far."""
    plain = attrs.evolve(search.job, reduce=False, strategy=Strategy())
    tally = search.tally
    for key, record in list(tally.best.items()):
        if search.runner.stop.requested:
            return
        tally.best[key] = _shrink(plain, search.runner, record)


def _shrink(job: Job, runner: _Runner, record: RunRecord) -> RunRecord:
    """Drop choices from ``record``'s schedule, one at a time, while the outcome stays the
    same and the schedule gets no worse (fewer preemptions, or as many and fewer choices),
    until none can go (at most SHRINK_RUNS runs)."""
    best = record
    runs = 0
    changed = True
    while changed and runs < SHRINK_RUNS:
        changed = False
        for index in range(len(best.schedule.choices)):
            if runs >= SHRINK_RUNS:
                break
            candidate = best.schedule.without(index)
            result = runner.one(attrs.evolve(job, schedule=candidate))
            if result is None:
                return best  # stopped
            runs += 1
            same = (result.stdout, result.exit_status) == (best.stdout, best.exit_status)
            if same and not result.diverged and _rank(result) < _rank(best):
                best = result
                changed = True
                break
    return best
