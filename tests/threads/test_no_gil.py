"""Threads without a GIL (``--gil none``, ``--gil free-threaded``) as a user meets them:
programs that synchronise properly print what they print under the GIL, deadlocks and
time limits are reported as ever, processes still work, and what needs a GIL is refused."""

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import gilsim
from gilsim.analysis.timeline import timeline_of
from gilsim.errors import ConfigurationError

REPO = Path(__file__).parents[2]
PROGRAMS = REPO / "tests" / "differential" / "programs"
NO_GIL = ("none", "free-threaded")

# Threaded programs of the differential corpus: each synchronises (locks, Event, Queue,
# Condition, join) and prints the same every run under CPython.
SYNCHRONISED = [
    "thread_event_sequencing",
    "thread_excepthook",
    "thread_io_pipe",
    "thread_io_socketpair",
    "thread_join_results",
    "thread_local_pool",
    "thread_lock_counter",
    "thread_low_level",
    "thread_pool_executor",
    "thread_queue_workers",
    "thread_shutdown_waits",
    "thread_sync_primitives",
    "proc_fork_threads",
]
# Examples whose standard output is a result, and whose timings go to stderr.
EXAMPLES = ["bank_transfer_locked", "thread_pool_vs_threads", "fork_with_held_lock"]


def run(source, **options):
    return gilsim.run(source=textwrap.dedent(source), **options)


def run_file(path, monkeypatch, **options):
    monkeypatch.chdir(path.parent)
    return gilsim.run(path, argv=[str(path)], **options)


@pytest.mark.parametrize("gil", NO_GIL)
@pytest.mark.parametrize("name", SYNCHRONISED)
def test_a_program_that_synchronises_prints_what_it_prints_under_the_gil(name, gil, monkeypatch):
    path = PROGRAMS / f"{name}.py"
    under_gil = run_file(path, monkeypatch, gil="new")
    without = run_file(path, monkeypatch, gil=gil)
    assert (without.exit_status, without.stdout, without.stderr) == (
        under_gil.exit_status,
        under_gil.stdout,
        under_gil.stderr,
    )


@pytest.mark.parametrize("gil", NO_GIL)
@pytest.mark.parametrize("name", EXAMPLES)
def test_an_example_computes_what_it_computes_under_the_gil(name, gil, monkeypatch):
    path = REPO / "examples" / f"{name}.py"
    under_gil = run_file(path, monkeypatch, gil="new")
    without = run_file(path, monkeypatch, gil=gil)
    assert (without.exit_status, without.stdout) == (under_gil.exit_status, under_gil.stdout)


@pytest.mark.parametrize("gil", NO_GIL)
def test_a_runaway_thread_is_still_stopped_by_max_time(gil):
    result = run(
        """
        import threading
        print("before")
        def spin():
            while True:
                pass
        threading.Thread(target=spin).start()
        """,
        max_time_ns="20ms",
        gil=gil,
    )
    assert result.exit_status == 3
    assert result.stdout == "before\n"
    assert "--max-time 20 ms" in result.error


def test_a_lock_hands_over_in_time_order():
    """A waiter woken by a release takes the lock before a thread that asks for it later
    in virtual time, though that thread ran ahead on the host: lock operations are made in
    their time order."""
    result = run(
        """
        import threading, time
        lock = threading.Lock()
        order = []
        def holder():
            with lock:
                order.append("holder")
                time.sleep(0.002)
        def late():
            time.sleep(0.004)          # asks well after the waiter was woken
            with lock:
                order.append("late")
        def waiter():
            time.sleep(0.001)
            with lock:
                order.append("waiter")
                n = 20000
                while n:               # holds the lock past the late thread's ask
                    n -= 1
        threads = [threading.Thread(target=f) for f in (holder, late, waiter)]
        for t in threads: t.start()
        for t in threads: t.join()
        print(order)
        """,
        gil="none",
    )
    assert result.stdout == "['holder', 'waiter', 'late']\n"


POOL = """
import multiprocessing as mp
def square(x):
    return x * x
if __name__ == "__main__":
    with mp.get_context("fork").Pool(2) as pool:
        print(pool.map(square, range(6)))
"""


@pytest.mark.parametrize("gil", NO_GIL)
def test_a_multiprocessing_pool_works_without_a_gil(gil, tmp_path):
    # In a process of its own: a simulated Pool's connections outlive the run in the
    # host (under every --gil), and would be collected during another test.
    script = tmp_path / "pool.py"
    script.write_text(POOL)
    env = dict(
        os.environ, PYTHONPATH=os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")])
    )
    result = subprocess.run(
        [sys.executable, "-m", "gilsim", "run", "--gil", gil, str(script)],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == "[0, 1, 4, 9, 16, 25]\n"


@pytest.mark.parametrize("options", [{"races": True}, {"schedule": "1:T0"}])
def test_what_watches_the_gil_is_refused_without_one(options):
    with pytest.raises(ConfigurationError, match="has no GIL"):
        gilsim.run(source="pass", gil="free-threaded", **options)


COUNTDOWN = """
import threading
def count(n):
    while n > 0:
        n -= 1
threads = [threading.Thread(target=count, args=(200_000,)) for _ in range(2)]
for t in threads: t.start()
for t in threads: t.join()
"""


@pytest.mark.parametrize("gil", NO_GIL)
def test_the_summary_has_no_gil_activity_and_both_cores_busy(gil):
    result = gilsim.run(source=COUNTDOWN, gil=gil)
    summary = result.summary
    assert summary["gil"] == {
        "kind": gil,
        "switches": 0,
        "forced_switches": 0,
        "voluntary_releases": 0,
        "drop_requests": 0,
    }
    assert all(thread["gil_wait_ns"] == 0 for thread in summary["threads"])
    workers = summary["threads"][1:]
    # Each counted for about 6 ms, at once: on two cores, in well under 12 ms.
    assert [core["busy_ns"] > 5_000_000 for core in summary["cores"]] == [True, True]
    assert sum(t["cpu_ns"] for t in workers) > summary["virtual_time_ns"] * 0.9


def test_the_timeline_shows_two_threads_running_at_once_and_no_gil():
    result = gilsim.run(source=COUNTDOWN, gil="none", trace=True)
    trace = result.trace
    assert not any(event["event"].startswith("gil_") for event in trace)
    timeline = timeline_of(trace)
    assert not timeline.has_gil and timeline.gil_lane == () and timeline.handoffs == ()
    first, second = (info.ident for info in timeline.threads[1:])
    one = [i for i in timeline.thread_lanes[first] if i.state == "running"]
    two = [i for i in timeline.thread_lanes[second] if i.state == "running"]
    overlap = sum(
        max(0, min(a.end_ns, b.end_ns) - max(a.start_ns, b.start_ns)) for a in one for b in two
    )
    assert overlap > 5_000_000  # running bytecode at once for most of their 6 ms
