"""``os.fork()`` as a real fork of gilsim's host process (``gilsim.processes.hostfork``, on
3.12 and 3.13; the 3.11 engine copies the process instead, and must agree where both
apply): what the child prints reaches a run that captures output, deadlocks and limits
span processes, the same seed gives the same trace, a child forks again and sets its own
signal handlers."""

from __future__ import annotations

import subprocess
import sys

import pytest

from gilsim import versions

from .running import run

host_only = pytest.mark.skipif(not versions.traced(), reason="the host's interpreter's fork")

CHILD_PRINTS = """
    import os, sys
    print("parent before")
    sys.stdout.flush()
    pid = os.fork()
    if pid == 0:
        print("child", os.getpid() - os.getppid())
        sys.stdout.flush()
        os._exit(4)
    _, status = os.waitpid(pid, 0)
    print("parent after", os.waitstatus_to_exitcode(status))
"""


def test_what_the_child_prints_reaches_a_captured_run_in_order(tmp_path):
    result = run(tmp_path, CHILD_PRINTS)
    assert result.stdout == "parent before\nchild 1\nparent after 4\n"
    assert result.exit_status == 0, result.stderr


def test_the_same_seed_gives_the_same_trace(tmp_path):
    first = run(tmp_path, CHILD_PRINTS, trace=True, seed=3)
    second = run(tmp_path, CHILD_PRINTS, trace=True, seed=3)
    assert first.trace == second.trace
    starts = [e for e in first.trace if e["event"] == "process_start"]
    assert len(starts) == 1
    parent, child = first.summary["processes"]
    assert child["ppid"] == parent["pid"] and child["exit_code"] == 4


def test_a_child_counts_what_it_ran_after_the_fork_only(tmp_path):
    result = run(
        tmp_path,
        """
        import os
        total = 0
        for i in range(20_000):
            total += i
        pid = os.fork()
        if pid == 0:
            os._exit(0)
        os.waitpid(pid, 0)
        """,
    )
    parent, child = result.summary["processes"]
    assert parent["instructions"] > 80_000
    assert 0 < child["instructions"] < 20_000


def test_a_deadlock_across_processes_names_each_thread(tmp_path):
    result = run(
        tmp_path,
        """
        import os
        r, w = os.pipe()
        pid = os.fork()
        if pid == 0:
            os.read(r, 1)  # the parent never writes, and holds the write end
            os._exit(0)
        os.waitpid(pid, 0)
        """,
    )
    assert result.exit_status == 3
    assert "deadlock" in result.error
    assert "MainThread of process 4200000 waits for process 4200001 to end" in result.error
    assert "MainThread of process 4200001 waits for data from the pipe" in result.error


@host_only
def test_the_parent_of_a_fork_with_threads_running_is_warned_with_its_pid(tmp_path):
    """CPython 3.12's DeprecationWarning (gh-100228), naming the virtual pid.  (From the
    command: in a test's own process, pytest catches the warnings.)"""
    path = tmp_path / "main.py"
    path.write_text(
        "import os, threading\n"
        "event = threading.Event()\n"
        "threading.Thread(target=event.wait).start()\n"
        "pid = os.fork()\n"
        "if pid == 0:\n"
        "    os._exit(0)\n"
        "os.waitpid(pid, 0)\n"
        "event.set()\n"
    )
    done = subprocess.run(
        [sys.executable, "-m", "gilsim", "run", "main.py"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert (done.returncode, done.stdout) == (0, "")
    assert done.stderr == (
        f"{path}:4: DeprecationWarning: This process (pid=4200000) is multi-threaded, use of "
        "fork() may lead to deadlocks in the child.\n  pid = os.fork()\n"
    )


GRANDCHILD = """
    import os, sys
    pid = os.fork()
    if pid == 0:
        grandchild = os.fork()
        if grandchild == 0:
            print("grandchild", os.getpid() - os.getppid())
            sys.stdout.flush()
            os._exit(6)
        _, status = os.waitpid(grandchild, 0)
        print("child reaped", os.waitstatus_to_exitcode(status))
        sys.stdout.flush()
        os._exit(4)
    _, status = os.waitpid(pid, 0)
    print("parent reaped", os.waitstatus_to_exitcode(status))
"""


def test_a_fork_childs_own_fork_is_its_child_in_the_trace_and_summary(tmp_path):
    first = run(tmp_path, GRANDCHILD, trace=True, seed=5)
    assert first.stdout == "grandchild 1\nchild reaped 6\nparent reaped 4\n"
    assert first.exit_status == 0, first.stderr
    parent, child, grandchild = first.summary["processes"]
    assert (child["ppid"], grandchild["ppid"]) == (parent["pid"], child["pid"])
    assert (child["exit_code"], grandchild["exit_code"]) == (4, 6)
    starts = [(e["pid"], e["ppid"]) for e in first.trace if e["event"] == "process_start"]
    assert starts == [(child["pid"], parent["pid"]), (grandchild["pid"], child["pid"])]
    assert run(tmp_path, GRANDCHILD, trace=True, seed=5).trace == first.trace


def test_a_fork_child_sets_its_own_signal_handlers(tmp_path):
    """The child's dispositions are its own (the parent's are unchanged), and the kernel
    reads them: a Python handler's signal is refused as in the first process, an ignored
    one does nothing."""
    result = run(
        tmp_path,
        """
        import os, signal, sys
        pid = os.fork()
        if pid == 0:
            signal.signal(signal.SIGTERM, signal.SIG_IGN)
            os.kill(os.getpid(), signal.SIGTERM)
            previous = signal.signal(signal.SIGUSR1, lambda signum, frame: None)
            print("child", previous is signal.SIG_DFL, callable(signal.getsignal(signal.SIGUSR1)))
            sys.stdout.flush()
            os.kill(os.getpid(), signal.SIGUSR1)
        os.waitpid(pid, 0)
        """,
    )
    assert result.stdout == "child True True\n"
    assert result.exit_status == 2
    assert "os.kill() of process 4200001 with SIGUSR1, for which it set a Python handler" in (
        result.error
    )


def test_a_childs_thread_ends_and_the_child_goes_on(tmp_path):
    result = run(
        tmp_path,
        """
        import os, threading
        pid = os.fork()
        if pid == 0:
            out = []
            t = threading.Thread(target=lambda: out.append("the thread ran"))
            t.start()
            t.join()
            out.append(sum(i for i in range(100_000)))
            print(out, flush=True)
            os._exit(0)
        print("parent reaped", os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]))
        """,
    )
    assert result.stdout == "['the thread ran', 4999950000]\nparent reaped 0\n"
    assert result.exit_status == 0, result.stderr
