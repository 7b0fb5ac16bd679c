"""Simulated processes on one machine (``gilsim.processes``, ``gilsim.machine.cpu``
"Processes side by side"): they run at once on the cores, the trace stays in time order,
what another process can see happens in time order, and what cannot be simulated is refused
by name."""

from __future__ import annotations

import signal

import pytest

from gilsim.analysis import timeline_of

from .running import run

CPU_CHILDREN = """
    import os

    def work():
        total = 0
        for i in range(60_000):
            total += i
        return total

    pids = []
    for _ in range(2):
        pid = os.fork()
        if pid == 0:
            work()
            os._exit(0)
        pids.append(pid)
    print([os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) for pid in pids])
"""


def test_two_processes_run_at_once_on_two_cores(tmp_path):
    result = run(tmp_path, CPU_CHILDREN, cores=2, trace=True)
    assert result.stdout == "[0, 0]\n"
    children = [p["pid"] for p in result.summary["processes"][1:]]
    ran = {pid: [] for pid in children}
    pid_of = {e["thread"]: e.get("pid") for e in result.trace if e["event"] == "thread_name"}
    for event in result.trace:
        if event["event"] == "ran" and pid_of.get(event["thread"]) in ran:
            ran[pid_of[event["thread"]]].append((event["start_ns"], event["time_ns"]))
    first, second = (ran[pid] for pid in children)
    overlap = sum(max(0, min(b1, b2) - max(a1, a2)) for a1, b1 in first for a2, b2 in second)
    busy = sum(b - a for a, b in first)
    assert overlap > 0.8 * busy  # side by side, not one after the other


def test_on_one_core_the_processes_take_turns(tmp_path):
    """The same work on one core takes one child's work longer: the machine's scheduler,
    not a GIL, shares the core between the processes."""
    two = run(tmp_path, CPU_CHILDREN, cores=2)
    one = run(tmp_path, CPU_CHILDREN, cores=1)
    assert one.stdout == two.stdout == "[0, 0]\n"
    child_cpu = min(t["cpu_ns"] for t in two.summary["threads"][1:])
    assert one.virtual_time_ns - two.virtual_time_ns > 0.7 * child_cpu
    waited = sum(t["runnable_ns"] for t in one.summary["threads"])  # for the one core
    assert waited > child_cpu
    assert sum(t["runnable_ns"] for t in two.summary["threads"]) == 0


def test_the_trace_of_several_processes_is_in_time_order(tmp_path):
    result = run(tmp_path, CPU_CHILDREN, trace=True)
    times = [event["time_ns"] for event in result.trace]
    assert times == sorted(times)
    assert sum(e["event"] == "process_start" for e in result.trace) == 2
    assert sum(e["event"] == "process_exit" for e in result.trace) >= 2


def test_each_process_has_its_own_gil_lane(tmp_path):
    result = run(tmp_path, CPU_CHILDREN, trace=True)
    lanes = timeline_of(result.trace).process_gil_lanes
    assert [pid for pid, _ in lanes] == [p["pid"] for p in result.summary["processes"]]
    assert all(lane for _, lane in lanes)


def test_a_pipe_read_sees_every_write_made_before_it(tmp_path):
    """A reader in one process and a writer in another: the reader's poll and read happen
    in time order with the writes, whichever process the machine ran ahead."""
    result = run(
        tmp_path,
        """
        import os, select, time
        r, w = os.pipe()
        pid = os.fork()
        if pid == 0:
            os.close(r)
            for i in range(5):
                time.sleep(0.001)
                os.write(w, b"%d" % i)
            os._exit(0)
        os.close(w)
        poller = select.poll()
        poller.register(r, select.POLLIN)
        got = b""
        while True:
            events = poller.poll(1000)
            chunk = os.read(r, 100)
            if not chunk:
                break
            got += chunk
        print(got, [bool(e & select.POLLHUP) for _, e in poller.poll(0)])
        os.waitpid(pid, 0)
        """,
    )
    assert result.stdout == "b'01234' [True]\n", result.stderr


def test_signal_dispositions_are_the_processes_own(tmp_path):
    before = signal.getsignal(signal.SIGINT)
    result = run(
        tmp_path,
        """
        import os, signal, time
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        pid = os.fork()
        if pid == 0:
            signal.signal(signal.SIGTERM, signal.SIG_IGN)
            time.sleep(0.05)
            os._exit(7)
        time.sleep(0.01)
        os.kill(pid, signal.SIGTERM)  # ignored by the child
        print(os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]), signal.getsignal(signal.SIGINT))
        """,
    )
    assert result.stdout == "7 1\n", result.stderr  # (3.11 prints Handlers.SIG_IGN as 1)
    assert signal.getsignal(signal.SIGINT) is before  # gilsim's own is untouched


@pytest.mark.feature("processes")
def test_a_fork_from_a_native_callback_is_refused_by_name(tmp_path):
    result = run(
        tmp_path,
        """
        import os
        def key(x):
            os.fork()
            return x
        sorted([2, 1], key=key)
        """,
    )
    assert result.exit_status == 2
    assert "os.fork() called from key" in result.error
    assert "cannot copy the native ones" in result.error


def test_os_exit_ends_the_first_process_with_its_code(tmp_path):
    result = run(
        tmp_path,
        """
        import os
        try:
            os._exit(4)
        finally:
            print("no finally block runs")
        """,
    )
    assert result.exit_status == 4
    assert result.stdout == ""


def test_a_process_killed_before_it_ran_never_runs(tmp_path):
    """SIGTERM right after fork(), before the child's thread has started: its start is
    void, and nothing of it runs later (it ran from the top, with no descriptors)."""
    result = run(
        tmp_path,
        """
        import os, signal, time
        pid = os.fork()
        if pid == 0:
            print("child ran")
            os._exit(0)
        os.kill(pid, signal.SIGTERM)
        print(os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]))
        time.sleep(0.01)
        print("parent ends")
        """,
    )
    assert result.stdout == "-15\nparent ends\n", result.stderr


def test_a_run_stopped_with_other_processes_alive_prints_only_why(tmp_path):
    """Stopped by something gilsim refuses while multiprocessing's resource tracker waits
    in a read (as a fork server's does): its thread ends without a word (the buffered
    reader's lock is not released by a thread that is no longer running).  (Spawn, not
    forkserver: a stopped run runs no exit handlers, and the fork server's directory in
    the temporary directory would stay behind.)"""
    result = run(
        tmp_path,
        """
        import multiprocessing as mp, socket

        def nothing():
            pass

        if __name__ == "__main__":
            p = mp.get_context("spawn").Process(target=nothing)
            p.start()
            p.join()
            socket.socket(socket.AF_INET, socket.SOCK_RAW)
        """,
    )
    assert result.exit_status == 2
    assert "socket.socket(2, 3, -1) is not supported" in result.error
    assert result.stderr.splitlines() == [f"gilsim: {result.error}"]


PROCESS_TIMES = """
    import os, time

    def work(n):
        total = 0
        for i in range(n):
            total += i

    work(20_000)
    pid = os.fork()
    if pid == 0:
        work(100_000)
        print("child", time.process_time_ns(), time.thread_time_ns(), flush=True)
        os._exit(0)
    os.waitpid(pid, 0)
    print("parent", time.process_time_ns(), time.thread_time_ns())
"""


def test_process_time_counts_the_calling_process_only(tmp_path):
    """``time.process_time`` is the CPU time of the caller's process, not of the machine:
    a fork child's starts from zero (fork(2): "the child's ... CPU time counters
    (times(2)) are reset to zero") and the parent's leaves out the child's.  Each process
    here has one thread, so its process time is that thread's time, up to the few
    instructions between the two calls."""
    result = run(tmp_path, PROCESS_TIMES)
    (child, *child_times), (parent, *parent_times) = (
        line.split() for line in result.stdout.splitlines()
    )
    assert (child, parent) == ("child", "parent")
    (child_process, child_thread), (parent_process, parent_thread) = (
        map(int, child_times),
        map(int, parent_times),
    )
    assert 0 < child_process <= child_thread < child_process + 10_000
    assert 0 < parent_process <= parent_thread < parent_process + 10_000
    # The child did five times the parent's loop, more than the parent's whole run.
    assert child_process > parent_process
