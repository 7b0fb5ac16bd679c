"""A new program started by the program (``_posixsubprocess.fork_exec`` of Python: the spawn
and forkserver start methods, ``subprocess``) on 3.12 and 3.13 (``gilsim.processes.hostspawn``;
the 3.11 engine's is ``gilsim.processes.spawn``, and must agree where both apply): a fresh
interpreter of its own, with only the descriptors it was given, in the run's trace and
summary; what it cannot be given yet is refused by name."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest

from gilsim import versions

from .running import run

host_only = pytest.mark.skipif(not versions.traced(), reason="the host's interpreter's start")

SPAWNED = """
    import multiprocessing as mp, os, sys

    SEEN = []

    def child(q):
        q.put((__name__, SEEN, os.getppid() == int(sys.argv[-1] if False else PARENT)))

    PARENT = os.getpid()
    SEEN.append("set in the parent's __main__")
    if __name__ == "__main__":
        ctx = mp.get_context("spawn")
        q = ctx.Queue()
        p = ctx.Process(target=child, args=(q,))
        p.start()
        print(q.get())
        p.join()
        print("exit", p.exitcode)
"""


def test_a_spawned_child_runs_the_main_module_again_in_a_fresh_interpreter(tmp_path):
    """It imports the main module as ``__mp_main__`` (what the parent set after its start
    is not there: the module ran again); it is the parent's child, and the run's summary
    and trace have it, with the resource tracker the parent started first."""
    result = run(tmp_path, SPAWNED, trace=True)
    assert result.stdout == (
        "('__mp_main__', [\"set in the parent's __main__\"], False)\nexit 0\n"
    ), result.stderr
    assert result.exit_status == 0
    parent, tracker, child = result.summary["processes"]
    assert tracker["ppid"] == child["ppid"] == parent["pid"]
    assert child["exit_code"] == tracker["exit_code"] == 0
    starts = [e["pid"] for e in result.trace if e["event"] == "process_start"]
    assert starts == [tracker["pid"], child["pid"]]


@host_only
def test_a_started_program_has_the_descriptors_it_was_given_after_its_start_up(tmp_path):
    """``pass_fds`` are open in the new program, naming the same pipe; it starts
    ``ProcessCosts.interpreter_start_ns`` (10.5 ms) after ``fork_exec``.  (On 3.11,
    ``subprocess`` is natively imported, and starts a process of the host.)"""
    result = run(
        tmp_path,
        """
        import os, subprocess, sys, time
        r, w = os.pipe()
        start = time.monotonic()
        code = f"import os; os.write({w}, b'written by the child')"
        subprocess.run([sys.executable, "-c", code], pass_fds=(w,), check=True)
        elapsed = time.monotonic() - start
        os.close(w)
        print(os.read(r, 100), elapsed > 0.0105)
        """,
    )
    assert (result.stdout, result.exit_status) == ("b'written by the child' True\n", 0), (
        result.error
    )


@host_only
def test_a_start_with_its_streams_or_directory_set_is_refused_by_name(tmp_path):
    result = run(
        tmp_path,
        """
        import subprocess, sys
        subprocess.run([sys.executable, "-c", "pass"], cwd="/")
        """,
    )
    assert result.exit_status == 2
    assert "main.py, line 3: starting Python with cwd= given is not supported" in result.error


@host_only
def test_a_program_other_than_python_is_refused_by_name(tmp_path):
    result = run(
        tmp_path,
        """
        import subprocess
        subprocess.run(["/bin/true"], cwd=None, close_fds=True, pass_fds=(0,))
        """,
    )
    assert result.exit_status == 2
    assert "starting '/bin/true': gilsim simulates child processes of the Python" in (result.error)


def test_a_fork_child_starts_a_program_of_its_own(tmp_path):
    """A forked process's spawn child is its child, and the coordinator's process like any
    other (on 3.12 and 3.13 the fork's host process asks the coordinator for it)."""
    result = run(
        tmp_path,
        """
        import multiprocessing as mp, os

        def report(q, parent):
            q.put(("spawned", __name__, os.getppid() == parent))

        def forked():
            ctx = mp.get_context("spawn")
            q = ctx.Queue()
            p = ctx.Process(target=report, args=(q, os.getpid()))
            p.start()
            print(q.get(), flush=True)
            p.join()
            print("spawn child's exit", p.exitcode, flush=True)

        if __name__ == "__main__":
            p = mp.get_context("fork").Process(target=forked)
            p.start()
            p.join()
            print("fork child's exit", p.exitcode)
        """,
    )
    assert result.stdout == (
        "('spawned', '__mp_main__', True)\nspawn child's exit 0\nfork child's exit 0\n"
    ), result.error
    assert result.exit_status == 0
    parent, forked, *rest = result.summary["processes"]
    assert forked["ppid"] == parent["pid"]
    assert any(p["ppid"] == forked["pid"] for p in rest)


@host_only
def test_a_started_program_with_a_syntax_error_prints_it_and_exits_1(tmp_path):
    """As ``python -c`` does: the error on its standard error, status 1; the run goes on.
    (``pass_fds`` keeps 3.13's ``subprocess`` on ``fork_exec``.)"""
    result = run(
        tmp_path,
        """
        import os, subprocess, sys
        r, w = os.pipe()
        print(subprocess.run([sys.executable, "-c", "def ("], pass_fds=(w,)).returncode)
        """,
    )
    assert (result.stdout, result.exit_status) == ("1\n", 0), result.error
    assert result.stderr.endswith("    def (\n        ^\nSyntaxError: invalid syntax\n")


def test_what_the_parent_left_unflushed_is_not_printed_again_by_a_spawn_child(tmp_path):
    """A fork child has a copy of its parent's buffers, a started program none: with
    standard output a pipe (block-buffered), the parent's line is printed once, though
    the resource tracker (started by the queue's semaphore) was started without a flush."""
    (tmp_path / "main.py").write_text(
        textwrap.dedent(
            """
            import multiprocessing as mp

            def child(q):
                q.put("the child")

            if __name__ == "__main__":
                print("the parent, before the queue")
                ctx = mp.get_context("spawn")
                q = ctx.Queue()
                p = ctx.Process(target=child, args=(q,))
                p.start()
                print(q.get())
                p.join()
            """
        )
    )
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    done = subprocess.run(
        [sys.executable, "-m", "gilsim", "run", "main.py"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert (done.stdout, done.returncode) == ("the parent, before the queue\nthe child\n", 0), (
        done.stderr
    )
