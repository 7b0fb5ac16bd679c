"""``multiprocessing``'s forkserver start method in the simulation (``docs/processes.md``,
``docs/model/processes.md`` §1.4): the first start launches the server, a fresh
interpreter; each child is forked from the server, not from the program; the server ends
when the program has closed the "alive" pipe, by ending."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

import gilsim

TWO_CHILDREN = """
    import multiprocessing as mp
    import os

    def report(q):
        q.put(os.getppid())

    if __name__ == "__main__":
        ctx = mp.get_context("forkserver")
        q = ctx.SimpleQueue()
        for _ in range(2):
            p = ctx.Process(target=report, args=(q,))
            p.start()
            print("the child's parent is", "us" if q.get() == os.getpid() else "the server")
            p.join()
            print("exit code", p.exitcode)
"""


def run(tmp_path: Path, source: str, **options):
    path = tmp_path / "main.py"
    path.write_text(textwrap.dedent(source), encoding="utf-8")
    return gilsim.run(path, argv=[str(path)], **options)


def test_the_children_are_forked_from_one_server(tmp_path):
    """Processes: the program, its resource tracker and its fork server (both its
    children), and two children of the server; everything ends with exit code 0, the
    server and the tracker after the program (when their pipes from it close)."""
    result = run(tmp_path, TWO_CHILDREN, trace=True)
    assert result.exit_status == 0, result.error
    assert result.stdout == ("the child's parent is the server\nexit code 0\n" * 2), result.stderr
    root, tracker, server, *children = result.summary["processes"]
    assert tracker["ppid"] == server["ppid"] == root["pid"]
    assert [child["ppid"] for child in children] == [server["pid"]] * 2
    assert all(p["exit_code"] == 0 for p in result.summary["processes"])
    ends = [e["pid"] for e in result.trace if e["event"] == "process_exit"]
    assert ends.index(root["pid"]) < ends.index(server["pid"])
    assert ends.index(root["pid"]) < ends.index(tracker["pid"])


@pytest.mark.feature("processes")
def test_only_the_first_start_launches_the_server(tmp_path):
    """The first child starts after a fresh interpreter's start-up (the server's); the
    second one soon after the first has ended, forked from the running server."""
    result = run(tmp_path, TWO_CHILDREN, trace=True)
    starts = {e["pid"]: e["time_ns"] for e in result.trace if e["event"] == "process_start"}
    ends = {e["pid"]: e["time_ns"] for e in result.trace if e["event"] == "process_exit"}
    root, _, server, first, second = (p["pid"] for p in result.summary["processes"])
    assert starts[first] - starts[server] > 40_000_000  # the server's interpreter start-up
    assert starts[second] - ends[first] < 2_000_000


def test_the_start_method_is_available(tmp_path):
    """forkserver is one of the start methods, as on Linux (it needs SCM_RIGHTS)."""
    result = run(
        tmp_path,
        """
        import multiprocessing as mp
        print(sorted(mp.get_all_start_methods()), mp.get_context("forkserver").get_start_method())
        """,
    )
    assert result.stdout == "['fork', 'forkserver', 'spawn'] forkserver\n", result.stderr
