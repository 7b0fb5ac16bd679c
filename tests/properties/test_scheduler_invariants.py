"""Property tests over generated threading runs (:func:`gilsim.testing.runs`).

* every run keeps the scheduling invariants of :func:`gilsim.testing.check_invariants`;
* the same seed gives the same trace (:func:`gilsim.testing.check_deterministic`);
* a generated workload prints under gilsim what it prints under CPython, on any simulated
  machine, and ends cleanly under CPython in little time (the generator's own promise).

Each run draws whether gilsim compiles hot code into blocks (``gilsim.interpreter.blocks``):
scheduling must keep its rules both ways, and one instruction at a time is the cheaper way
for short runs.  The tests that need two runs per example try half as many examples.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from hypothesis import given, note, settings
from hypothesis import strategies as st

import gilsim
from gilsim.interpreter import blocks
from gilsim.testing import check_deterministic, check_invariants, runs, workloads
from gilsim.testing.workloads import Join, Pair, Worker, Workload

CPYTHON_TIMEOUT_S = 20
WORKLOAD_BUDGET_NS = 20_000_000  # what thread_workloads promises, in virtual time
FEWER = settings(settings.default, max_examples=max(10, settings.default.max_examples // 2))


@contextmanager
def compiled_blocks(enabled: bool) -> Iterator[None]:
    saved = blocks.ENABLED
    blocks.ENABLED = enabled
    try:
        yield
    finally:
        blocks.ENABLED = saved


def numbered(source: str) -> str:
    return "".join(f"{n:3} | {line}\n" for n, line in enumerate(source.splitlines(), 1))


def run_cpython(source: str) -> subprocess.CompletedProcess[str]:
    with tempfile.TemporaryDirectory(prefix="gilsim-sched-") as directory:
        path = Path(directory) / "workload.py"
        path.write_text(source, encoding="utf-8")
        env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
        return subprocess.run(
            [sys.executable, str(path)],
            cwd=directory,
            env=env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            encoding="utf-8",
            timeout=CPYTHON_TIMEOUT_S,
        )


@given(run=runs(), compile_blocks=st.booleans())
def test_runs_keep_the_scheduling_invariants(
    run: tuple[str, gilsim.Config], compile_blocks: bool
) -> None:
    source, config = run
    note(numbered(source))
    note(repr(config))
    with compiled_blocks(compile_blocks):
        result = gilsim.run(source=source, config=config)
    assert result.error is None and result.exit_status == 0, result.stderr
    assert result.stderr == ""
    assert result.virtual_time_ns <= WORKLOAD_BUDGET_NS
    check_invariants(result, config)


@FEWER
@given(run=runs(), compile_blocks=st.booleans())
def test_same_seed_same_trace(run: tuple[str, gilsim.Config], compile_blocks: bool) -> None:
    source, config = run
    note(numbered(source))
    with compiled_blocks(compile_blocks):
        check_deterministic(source, config)


@FEWER
@given(run=runs(), compile_blocks=st.booleans())
def test_workloads_print_what_cpython_prints(
    run: tuple[str, gilsim.Config], compile_blocks: bool
) -> None:
    source, config = run
    note(numbered(source))
    expected = run_cpython(source)
    assert expected.returncode == 0 and expected.stderr == "", expected.stderr
    with compiled_blocks(compile_blocks):
        result = gilsim.run(source=source, config=config)
    assert result.stdout == expected.stdout


@given(workload=workloads())
def test_one_thread_joins_a_thread(workload: Workload) -> None:
    """The generator's promise "no race in join": no two threads join one thread (3.11's
    ``Thread.join`` then fails now and then in ``_stop``, CPython gh-116372; gilsim found
    it so), and the main thread's last loop joins every thread no worker joins."""
    joiners: dict[int, set[str]] = {}
    for index, thread in enumerate(_indexed(workload)):
        if isinstance(thread, Worker):
            for step in thread.steps:
                if isinstance(step, Join):
                    joiners.setdefault(step.thread, set()).add(f"thread_{index}")
    for step in workload.main:
        if isinstance(step, Join):
            joiners.setdefault(step.thread, set()).add("main")
    assert all(len(who) == 1 for who in joiners.values()), joiners
    source = workload.source()
    last = source[source.rindex("for thread in") :]
    by_workers = {k for k, who in joiners.items() if who != {"main"}}
    rest = [k for k in range(workload.thread_count) if k not in by_workers]
    assert last.startswith(
        "for thread in threads:"
        if not by_workers
        else f"for thread in [threads[k] for k in {rest}]:"
    )


def _indexed(workload: Workload) -> list[Worker | Pair]:
    """The workload's threads, one entry per thread index (a pair takes two)."""
    out: list[Worker | Pair] = []
    for thread in workload.threads:
        out += [thread] if isinstance(thread, Worker) else [thread, thread]
    return out


LOCKED = """\
import threading
lock = threading.Lock()
def work():
    with lock:
        pass
threads = [threading.Thread(target=work) for _ in range(2)]
for t in threads:
    t.start()
for t in threads:
    t.join()
"""


def test_same_seed_same_trace_with_locks() -> None:
    """The trace names the lock a thread waits for without a host address (traces once
    showed ``<locked _thread.lock object at 0x...>``, which differed from run to run), and
    ``threading``'s set of shutdown locks is iterated in the same order every run (locks
    once hashed by address)."""
    result = check_deterministic(LOCKED, gilsim.Config(seed=1))
    assert any(event.get("wait") == "lock" for event in result.trace or [])
