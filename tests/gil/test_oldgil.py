"""The old GIL (``--gil old``, ``gilsim.gil.oldgil``): 2.7's ``interpreter_lock`` released
and re-taken every ``_Py_CheckInterval`` ticks once threads exist."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import gilsim
from gilsim.config import Config
from gilsim.gil import KINDS, OldGIL
from gilsim.gil.oldgil import FAST_OPNAMES, _weight
from gilsim.testing.invariants import check_invariants

REPO = Path(__file__).resolve().parents[2]

# The main thread counts down while a second thread waits on an Event: threads exist, but
# nobody competes for the lock.  3.11 runs 8 instructions per iteration, 3 of them ticks
# (BINARY_OP, COMPARE_OP and the backward jump; 2.7 ticks at INPLACE_SUBTRACT, COMPARE_OP and
# JUMP_ABSOLUTE), so a release falls every 34 iterations (the ticker goes below 0 at 102).
# 3.12 and 3.13 tick at the same three, one by one (``gilsim.tracer.ticks``): a release every
# 101 ticks, about 30,000 x 3 / 101 = 891 (894 measured on both).
COUNTDOWN = """
import sys, threading
go = threading.Event()
helper = threading.Thread(target=go.wait)
{start}
{setting}
def count(n):
    while n > 0:
        n -= 1
count({n})
go.set()
{join}
"""


def periodic_releases(source: str, **options) -> int:
    result = gilsim.run(source=source, gil="old", trace=True, **options)
    assert result.exit_status == 0, result.stderr
    return sum(1 for e in result.trace if e["event"] == "gil_drop" and e["forced"])


def countdown(n: int, thread: bool = True, setting: str = "") -> str:
    return COUNTDOWN.format(
        n=n,
        start="helper.start()" if thread else "",
        join="helper.join()" if thread else "",
        setting=setting,
    )


def test_old_is_a_kind_of_gil():
    assert KINDS["old"] is OldGIL


def test_the_holder_releases_every_hundred_ticks_once_threads_exist():
    """30,000 iterations of 3 ticks: about 30,000 / 34 = 882 releases (and a few more in
    ``threading``'s own code)."""
    releases = periodic_releases(countdown(30_000))
    assert 860 <= releases <= 930, releases


def test_a_program_without_threads_never_releases():
    """``interpreter_lock`` is made when the first thread starts: before that, no release."""
    assert periodic_releases(countdown(30_000, thread=False)) == 0


def test_setcheckinterval_sets_how_often():
    """Ten times the interval, a tenth of the releases (and 2.7's getter reads it back)."""
    source = countdown(30_000, setting="sys.setcheckinterval(1000)\nprint(sys.getcheckinterval())")
    result = gilsim.run(source=source, gil="old")
    assert result.stdout == "1000\n"
    releases = periodic_releases(source)
    assert 80 <= releases <= 100, releases


def test_getcheckinterval_defaults_to_100():
    result = gilsim.run(source="import sys\nprint(sys.getcheckinterval())", gil="old")
    assert result.stdout == "100\n"


def test_the_new_gil_has_no_check_interval_as_in_311():
    """Removed in 3.9: CPython 3.11's AttributeError, word for word."""
    source = "import sys\ntry:\n    sys.setcheckinterval(10)\nexcept AttributeError as e:\n    print(e)\n"
    native = subprocess.run([sys.executable, "-c", source], capture_output=True, text=True)
    simulated = gilsim.run(source=source)
    assert simulated.stdout == native.stdout == "module 'sys' has no attribute 'setcheckinterval'\n"


def test_setcheckinterval_wants_an_integer():
    source = "import sys\ntry:\n    sys.setcheckinterval(1.5)\nexcept TypeError as e:\n    print('TypeError')\n"
    assert gilsim.run(source=source, gil="old").stdout == "TypeError\n"


def test_ticks_follow_27s_fast_opcodes():
    """The countdown's loop body: 8 instructions, 3 ticks; a body of fast opcodes only
    (``x = y``) ticks once per iteration, at its backward jump."""
    names = ["LOAD_FAST", "LOAD_CONST", "BINARY_OP", "STORE_FAST"]
    names += ["LOAD_FAST", "LOAD_CONST", "COMPARE_OP", "POP_JUMP_BACKWARD_IF_TRUE"]
    instructions = [(None, None)] * 7 + [(None, 0)]
    assert _weight(names, instructions, 0) == 3 / 8
    assert (
        _weight(["LOAD_FAST", "STORE_FAST", "JUMP_BACKWARD"], [(None, None)] * 2 + [(None, 0)], 0)
        == 1 / 3
    )
    assert {
        "LOAD_FAST",
        "LOAD_CONST",
        "STORE_FAST",
        "POP_TOP",
        "SWAP",
        "COPY",
        "NOP",
    } <= FAST_OPNAMES
    assert "JUMP_BACKWARD" not in FAST_OPNAMES and "BINARY_OP" not in FAST_OPNAMES


def test_blocking_calls_release_through_the_same_lock():
    """sleep, Lock, Event, Queue, join and a pipe all work, with the scheduler's invariants
    kept (one holder at a time, bytecode only under the lock)."""
    source = textwrap.dedent(
        """
        import os, queue, threading, time
        q = queue.Queue()
        lock = threading.Lock()
        total = [0]
        r, w = os.pipe()
        def worker(k):
            for i in range(200):
                with lock:
                    total[0] += i
            time.sleep(0.0005)
            q.put(k)
        ts = [threading.Thread(target=worker, args=(k,)) for k in range(3)]
        for t in ts: t.start()
        os.write(w, b"x")
        print(os.read(r, 1), sorted(q.get() for _ in ts))
        for t in ts: t.join()
        print(total[0])
        """
    )
    config = Config(gil="old", trace=True)
    result = gilsim.run(source=source, config=config)
    assert result.stdout == "b'x' [0, 1, 2]\n59700\n", result.stderr
    check_invariants(result, config)
    assert result.summary["gil"]["drop_requests"] == 0


def test_two_spinners_keep_the_invariants_on_one_and_two_cores():
    for cores in (1, 2):
        config = Config(gil="old", trace=True, cores=cores)
        path = REPO / "tests/phenomena/programs/oldgil_countdown.py"
        result = gilsim.run(path, argv=[str(path), "30000"], config=config)
        check_invariants(result, config)
        assert result.summary["gil"]["forced_switches"] <= result.summary["gil"]["switches"]


def test_a_fork_child_gets_an_old_gil_too():
    """``gil.like``: the child's threads release every 100 ticks as the parent's do."""
    source = textwrap.dedent(
        """
        import os, sys, threading
        def count(n):
            while n > 0:
                n -= 1
        pid = os.fork()
        if pid == 0:
            t = threading.Thread(target=count, args=(20000,))
            t.start(); count(20000); t.join()
            print("child", sys.getcheckinterval())
            os._exit(0)
        os.waitpid(pid, 0)
        print("parent")
        """
    )
    result = gilsim.run(source=source, gil="old")
    assert result.stdout == "child 100\nparent\n", result.stderr


def gilsim_cli(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run(
        [sys.executable, "-m", "gilsim", *args], capture_output=True, text=True, env=env
    )


RACY = """
import threading
counter = 0
def work():
    global counter
    for _ in range(3):
        v = counter
        counter = v + 1
ts = [threading.Thread(target=work) for _ in range(2)]
for t in ts: t.start()
for t in ts: t.join()
print(counter)
"""


def test_explore_and_races_work_under_the_old_gil(tmp_path):
    """Exploration decides at every check point, as under the new GIL (the ticker does not
    release then); race recording sees the same data race."""
    script = tmp_path / "racy.py"
    script.write_text(RACY)
    explored = gilsim_cli("explore", "--gil", "old", str(script))
    assert explored.returncode == 0, explored.stderr
    assert "1 distinct outcome" in explored.stdout and "    6\n" in explored.stdout
    races = gilsim_cli("races", "--gil", "old", str(script))
    assert "data race on counter" in races.stdout + races.stderr
