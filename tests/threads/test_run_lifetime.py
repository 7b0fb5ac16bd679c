"""A finished run keeps nothing alive: exploration makes thousands of runs in one process, and
each one kept (its interpreter, its modules, its threads) cost about half a megabyte."""

import gc

import pytest

import gilsim
from gilsim.interpreter import state
from gilsim.interpreter.state import InterpreterState

THREADED = """
import threading, queue, time
q = queue.Queue()
class Box:
    pass
box = Box()
def work(n):
    box.value = n
    q.put(n)
    try:
        {}["missing"]
    except KeyError:
        pass
def forever():
    while True:
        time.sleep(0.001)
threads = [threading.Thread(target=work, args=(n,)) for n in range(3)]
for t in threads:
    t.start()
for t in threads:
    t.join()
threading.Thread(target=forever, daemon=True).start()  # killed at exit, in its sleep
print(sorted(q.get() for _ in range(3)))
"""


def interpreters_alive() -> int:
    gc.collect()
    return sum(1 for o in gc.get_objects() if type(o) is InterpreterState)


@pytest.mark.parametrize("races", [False, True])
def test_runs_do_not_keep_their_interpreters_alive(races):
    """Neither the simulated ``threading`` (its ``os.register_at_fork`` hook), nor the
    threads' greenlets, nor the record of exceptions, nor race recording holds on.  (On
    3.12 and 3.13 each run is a child process of this one: nothing of it can stay.)"""
    for _ in range(3):
        result = gilsim.run(source=THREADED, races=races)
        assert (result.stdout, result.stderr) == ("[0, 1, 2]\n", "")
    state.current = None  # the last run's thread, as it was when the run ended
    assert interpreters_alive() == 0


def test_fork_hooks_stay_in_the_simulation(capfd):
    """``os.register_at_fork`` checks its arguments as CPython does, and the hooks stay with
    the simulated process: when the host forks (a process pool), none of them runs."""
    import os

    result = gilsim.run(
        source=(
            "import os\n"
            "os.register_at_fork(before=lambda: print('hook ran'))\n"
            "for kw in ({}, {'before': 1}, {'after_in_child': None}):\n"
            "    try:\n"
            "        os.register_at_fork(**kw)\n"
            "    except TypeError as e:\n"
            "        print(e)\n"
        )
    )
    assert result.stdout == (
        "At least one argument is required.\n"
        "'before' must be callable, not int\n"
        "'after_in_child' must be callable, not NoneType\n"
    )
    capfd.readouterr()
    pid = os.fork()
    if pid == 0:
        os._exit(0)
    os.waitpid(pid, 0)
    captured = capfd.readouterr()
    assert (captured.out, captured.err) == ("", "")


PROCESSES = """
import multiprocessing as mp

def square(x):
    return x * x

if __name__ == "__main__":
    for method in ("fork", "spawn", "forkserver"):
        with mp.get_context(method).Pool(2) as pool:
            print(method, pool.map(square, range(4)))
"""


def test_runs_of_several_processes_keep_nothing_alive(tmp_path):
    """Nor do runs of several processes: their children's interpreters, nor an entry a
    child made in ``sys.modules`` (a spawn child's ``__mp_main__``), nor a fork server.
    (From a file: a spawn child runs the main module's file again.)"""
    import sys

    path = tmp_path / "pools.py"
    path.write_text(PROCESSES, encoding="utf-8")
    before = set(sys.modules)
    for _ in range(2):
        result = gilsim.run(path, argv=[str(path)])
        assert result.stdout == (
            "fork [0, 1, 4, 9]\nspawn [0, 1, 4, 9]\nforkserver [0, 1, 4, 9]\n"
        ), result.stderr
    state.current = None
    assert interpreters_alive() == 0
    assert not {
        name for name in set(sys.modules) - before if "mp_main" in name or name == "__main__"
    }


def test_a_run_that_imports_multiprocessing_keeps_nothing_alive():
    """``multiprocessing`` names the main module ``__mp_main__`` too when it is imported:
    that entry goes with the run."""
    import sys

    # The caller's own ``__mp_main__``, if it imported ``multiprocessing`` (a process pool
    # of an earlier test in this process), stays: the run's entry goes.
    callers = sys.modules.get("__mp_main__")
    result = gilsim.run(
        source="import multiprocessing\nprint('__mp_main__' in __import__('sys').modules)"
    )
    assert result.stdout == "True\n", result.stderr
    state.current = None
    assert sys.modules.get("__mp_main__") is callers
    assert interpreters_alive() == 0


def test_a_generator_left_by_one_run_never_runs_in_the_next(tmp_path):
    """A suspended generator that the host's collector finds after its run is over must not
    be closed on the next run's thread: its ``finally`` would print into that run and take
    its time (found when a fork program's cost moved after a generator program ran)."""
    left = tmp_path / "left.py"
    left.write_text(
        "def g():\n"
        "    try:\n"
        "        yield 1\n"
        "    finally:\n"
        "        print('closed')\n"
        "x = g()\n"
        "next(x)\n"
        "cycle = [x]\n"
        "cycle.append(cycle)\n",
        encoding="utf-8",
    )
    after = tmp_path / "after.py"
    after.write_text("import gc\ngc.collect()\nprint('after')\n", encoding="utf-8")
    gilsim.run(left, argv=[str(left)])
    assert gilsim.run(after, argv=[str(after)]).stdout == "after\n"


@pytest.mark.feature("interpreter")
def test_an_object_collected_after_its_run_runs_no_code(monkeypatch):
    """A ``__del__`` of a run's garbage cycle that the host's collector finds only after the
    run (here: the collector is off during it) runs nothing, as nothing runs after
    ``Py_FinalizeEx``; an exception raised there instead would keep the run alive.  (On
    3.12 and 3.13 the run collects its garbage at its end, as CPython's finalisation does,
    in a process of its own.)"""
    unraisable = []
    monkeypatch.setattr("sys.unraisablehook", unraisable.append)
    gc.disable()
    try:
        result = gilsim.run(
            source=(
                "class Node:\n"
                "    def __del__(self):\n"
                "        print('del', flush=True)\n"
                "node = Node()\n"
                "node.self = node\n"
                "del node\n"
                "print('end')\n"
            )
        )
    finally:
        state.current = None  # the last run's thread, as it was when the run ended
        gc.enable()
    assert interpreters_alive() == 0
    assert unraisable == []
    assert result.stdout == "end\n", result.stderr
