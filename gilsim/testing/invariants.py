"""Invariants of a scheduling trace, and of the summary of a run.

Why: a scheduler bug rarely crashes.  It shows as a thread that ran bytecode without the GIL,
a core that ran two threads, or a drop request nobody answered, in a run whose output still
looks right.  :func:`check_invariants` reads the trace of a finished run (``trace=True``)
and raises :class:`InvariantViolation` at the first event that breaks one of the rules
below, naming the rule, the event and what led to it.

The rules, and where each comes from (``docs/model/gil.md`` unless a module is named); the
trace rules are checked event by event by ``gilsim.testing.tracecheck.TraceChecker``:

* **clock**: event times never decrease, a ``ran`` segment ends no earlier than it starts,
  and the run ends no earlier than its last event (the engine: "the clock never goes
  back", ``gilsim/engine/core.py``).
* **one holder**: ``gil_take`` only while the GIL is free, ``gil_drop`` only by its holder
  (§1.1: ``locked`` is one boolean; §1.3 step 1: dropping a free GIL is a fatal error).
* **switch**: a take is a switch exactly when the taker is not the last holder, and the
  summary's ``switches`` counts them (§1.1 ``switch_number``; §1.2 step 5).
* **on a core**: only a thread that is running on a core takes or drops the GIL, asks for a
  drop or runs code: a blocked thread cannot execute (§1.7, "both outcomes become runnable
  only after an OS wake-up").
* **bytecode under the GIL**: a ``ran`` segment (time a thread spent on its core) lies inside
  one interval in which the thread runs on the core the segment names, and wherever the
  thread does not hold the GIL during it, the thread is inside a call that released the GIL
  voluntarily (kernel time of a system call), never before its first take nor after a drop
  on request (§1.4: code runs only in the holder; §1.5 and §4: what runs without it).
  Segments of one thread never overlap.
* **drop request**: made by a thread just back from a condition-variable wait for the GIL
  that lasted at least one switch interval (it timed out) with no switch meanwhile, while
  another thread holds the GIL; ``holder`` names that thread (§1.2 step 4.3).
* **forced drop**: a drop is forced only while a request is pending; a take consumes the
  request, so a forced drop needs a request made since its holder's take (§1.2 step 7,
  §1.4 step 3).
* **FORCE_SWITCHING**: after a drop with a request pending, the next take is by another
  thread (§1.3 step 4, §7 item 10).
* **answered**: no request is left pending at the end of the trace, unless the thread that
  made it never exited (a daemon thread killed at exit, a run stopped by a limit) (§1.6).
* **thread states**: each thread is in one state at a time and moves only along the edges
  of :data:`TRANSITIONS`; a blocked or waking thread says what it waits for and no other
  does (``gilsim/machine/cpu.py``: a woken thread runs only after the wake-up latency).
* **locks**: a lock is acquired only while free and released by a running thread; a thread
  is started once, by a running thread (``Modules/_threadmodule.c``: a ``_thread.lock`` is
  a binary semaphore).
* **cores**: a core runs at most one thread, a running thread is on exactly one core in
  ``range(cores)`` (``gilsim/machine/cpu.py``).
* **work conserving**: at the end of every instant, a runnable thread means every core is
  busy; a thread is preempted only while another one is runnable, and (when the minimum
  slice is known) only after running that long on its core or by a thread woken that
  instant (``cpu.py``, "a runnable thread takes a free core, else queues", "the scheduler
  tick preempts a thread that has run at least ``min_slice_ns`` while others queue", "a
  woken thread the scheduler owes time preempts"; §7 item 14, §8).
* **accounts** (:func:`check_invariants`, from the summary): CPU time of all threads is at
  most ``cores`` times the elapsed time, a core is busy at most the elapsed time, the cores'
  busy time is the threads' CPU time, and each exited thread's running, runnable, GIL-wait
  and blocked times, each core's busy time and the GIL counters are what the trace shows.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, NoReturn

from gilsim.api import RunResult
from gilsim.config import Config
from gilsim.testing.tracecheck import TRANSITIONS, InvariantViolation, TraceChecker

__all__ = ["TRANSITIONS", "InvariantViolation", "TraceChecker", "check_invariants", "check_trace"]


def check_trace(
    trace: Iterable[Mapping[str, Any]],
    cores: int,
    interval_ns: int | None,
    names: Mapping[int, str] | None = None,
    end_ns: int | None = None,
    min_slice_ns: int | None = None,
    requests: bool = True,
) -> TraceChecker:
    """Check a whole trace (see :class:`TraceChecker` for the arguments; ``end_ns`` is when
    the run ended); return the checker, whose counts and accounts describe the trace."""
    checker = TraceChecker(cores, interval_ns, names, min_slice_ns, requests=requests)
    for event in trace:
        checker.feed(event)
    checker.finish(end_ns)
    return checker


def check_invariants(result: RunResult, config: Config | None = None) -> None:
    """Check a finished run (the result of a run with ``trace=True``) against
    every invariant of this module; raise :class:`InvariantViolation` at the first broken
    one.  Given the run's ``config``, the checks also know the switch interval it started
    with, the OS scheduler's minimum slice and the kind of GIL; without it they read what
    they can from the summary."""
    if result.trace is None:
        raise ValueError("check_invariants needs a run with trace=True")
    summary = result.summary
    cores = summary["machine"]["cores"]
    min_slice_ns = None
    if config is not None:
        spec = config.machine_spec()
        if spec.cores != cores:
            raise ValueError(f"the run had {cores} cores, its config says {spec.cores}")
        interval_ns: int | None = config.switch_interval_ns
        min_slice_ns = spec.min_slice_ns
    elif any(event["event"] == "switch_interval" for event in result.trace):
        interval_ns = None  # the summary has only the last one
    else:
        interval_ns = summary["switch_interval_ns"]
    names = {thread["ident"]: thread["name"] for thread in summary["threads"]}
    elapsed = summary["virtual_time_ns"]
    # The old GIL drops on no request (``gilsim.gil.oldgil``).
    requests = config is None or config.gil != "old"
    checker = check_trace(
        result.trace, cores, interval_ns, names, elapsed, min_slice_ns, requests=requests
    )
    _check_accounts(summary, checker)


def _check_accounts(summary: Mapping[str, Any], checker: TraceChecker) -> None:
    def fail(detail: str) -> NoReturn:
        raise InvariantViolation(f"accounts: {detail}")

    elapsed = summary["virtual_time_ns"]
    cores = summary["machine"]["cores"]
    cpu = sum(thread["cpu_ns"] for thread in summary["threads"])
    busy = [core["busy_ns"] for core in summary["cores"]]
    if cpu > cores * elapsed:
        fail(f"{cpu} ns of CPU time in {elapsed} ns on {cores} cores")
    for index, busy_ns in enumerate(busy):
        if busy_ns > elapsed:
            fail(f"core {index} busy {busy_ns} ns in {elapsed} ns")
    if sum(busy) != cpu:
        fail(f"the cores were busy {sum(busy)} ns but the threads ran {cpu} ns")
    all_exited = all(state == "exited" for state in checker.state.values())
    if all_exited and busy != checker.core_busy_ns:
        fail(f"core busy times {busy} ns, the trace shows {checker.core_busy_ns} ns")
    for thread in summary["threads"]:
        ident = thread["ident"]
        if checker.state.get(ident) != "exited":
            continue
        seen = checker.accounts[ident]
        blocked = sum(t for k, t in seen.items() if k not in ("running", "runnable", "gil"))
        expected = {
            "cpu_ns": seen["running"],
            "runnable_ns": seen["runnable"],
            "gil_wait_ns": seen["gil"],
            "blocked_ns": blocked,
        }
        for key, value in expected.items():
            if thread[key] != value:
                fail(f"{thread['name']} has {key}={thread[key]}, the trace shows {value}")
    gil = summary["gil"]
    observed = {
        "switches": checker.switches,
        "forced_switches": checker.counts["forced"],
        "voluntary_releases": checker.counts["voluntary"],
        "drop_requests": checker.counts["requests"],
    }
    for key, value in observed.items():
        if gil[key] != value:
            fail(f"the summary counts {gil[key]} {key}, the trace {value}")
