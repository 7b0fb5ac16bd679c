"""gilsim reproduces what real CPython 3.11 measurably does with processes
(``docs/model/processes.md`` §6, the items named in each test).

What children see is compared with CPython itself: a program that prints what its children
see prints the same lines under gilsim as under ``python`` (none of them prints a process
id).  What things cost is compared with the spec's figures, within stated tolerances; real
CPython's timings on a shared test machine are too noisy to be a reference in a test.

Copy-on-write (items 14, 15 and 17) is compared with CPython too: the same program reads its
own ``/proc/self/smaps_rollup`` in a fork child under both, and the pages it copied must
agree within the stated tolerance.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest

# What runs on 3.11 only so far (spawn, forkserver, copy-on-write figures): forks run on
# every version (``gilsim.processes.hostfork``).
beyond_forks = pytest.mark.feature("processes")

HERE = Path(__file__).parent
PROGRAMS = HERE / "programs"
DIFFERENTIAL = HERE.parent / "differential" / "programs"
REPO = HERE.parents[1]
EXAMPLES = REPO / "examples"


def _env() -> dict[str, str]:
    env = dict(os.environ, PYTHONHASHSEED="0", PYTHONIOENCODING="utf-8")
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    return env


def run(
    program: Path, *args: str, simulated: bool, timeout: float = 300
) -> subprocess.CompletedProcess:
    """``program`` run by ``python`` (or ``python -m gilsim run``), in a session of its own:
    at a timeout every process of the session is killed, not only ``python`` (a fork child
    blocked for ever writing to a pipe would outlive its killed parent), and
    ``subprocess.TimeoutExpired`` raised."""
    gilsim = ["-m", "gilsim", "run"] if simulated else []
    with subprocess.Popen(
        [sys.executable, *gilsim, program.name, *args],
        cwd=program.parent,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=_env(),
        start_new_session=True,
    ) as process:
        try:
            stdout, stderr = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            raise
    return subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)


# Each program, and the items of spec §6 it shows.
SEEN_BY_CHILDREN = {
    "proc_mp_fork_inherit.py": "1, 2, 3, 6 under fork",
    "proc_mp_spawn_inherit.py": "1, 2, 3, 6 under spawn",
    "proc_fork_inherit.py": "1, 2 with os.fork()",
    "proc_fork_threads.py": "6 with os.fork(), and the at-fork hooks",
    "proc_mp_no_guard.py": "4 under spawn and forkserver",
    "proc_mp_pickling.py": "5 under spawn and forkserver",
    "proc_mp_forkserver_inherit.py": "1, 2, 3, 6, 9 under forkserver",
    "proc_mp_forkserver_pool.py": "12, Queue, Pipe, Pool and executor under forkserver",
    "proc_mp_forkserver_shared.py": "24 (Value and Array with a lock) under forkserver",
    "proc_fork_exit_codes.py": "12 with os.fork()",
    "processes_exit_codes.py": "12 under fork, spawn and forkserver",
    "processes_queue.py": "22",
    "processes_value.py": "24",
}


# Arguments for CPython's run only.  ``processes_value.py``'s race needs its two children to
# overlap: on a loaded machine CPython's could each run 20,000 increments within one time
# slice, and lose none.  200,000 span dozens of slices; gilsim's run keeps the default.
NATIVE_ARGUMENTS = {"processes_value.py": ("200000",)}


def _path(name: str) -> Path:
    return DIFFERENTIAL / name if name.startswith("proc_") else PROGRAMS / name


# What the host's interpreter does not run yet, and what it prints otherwise on a version
# (``tests/differential/test_differential.py`` lists the same, with the reasons).
NOT_YET_ON_THE_HOST: frozenset[str] = frozenset()
SPAWN_TRACEBACK_313 = frozenset({"proc_mp_pickling", "proc_mp_no_guard"})


def _seen(name: str) -> object:
    stem = Path(name).stem
    marks: list = [beyond_forks] if stem in NOT_YET_ON_THE_HOST else []
    if stem in SPAWN_TRACEBACK_313 and sys.version_info[:2] == (3, 13):
        marks.append(
            pytest.mark.xfail(
                reason="a spawn child's traceback shows gilsim's descriptor numbers", strict=True
            )
        )
    return pytest.param(name, id=stem, marks=marks)


def _any_pid(stderr: str) -> str:
    """CPython's warning of a fork with threads running (3.12+) names the host's pid under
    python, the virtual one under gilsim."""
    return re.sub(r"This process \(pid=\d+\)", "This process (pid=N)", stderr)


@pytest.mark.slow
@pytest.mark.parametrize("name", [_seen(name) for name in SEEN_BY_CHILDREN])
def test_children_see_what_cpython_children_see(name):
    """Items as listed: the same standard output, standard error and exit status."""
    program = _path(name)
    native = run(program, *NATIVE_ARGUMENTS.get(name, ()), simulated=False)
    simulated = run(program, simulated=True)
    assert simulated.returncode == native.returncode, simulated.stderr
    assert simulated.stdout == native.stdout
    if name != "processes_value.py":  # its standard error is the count it lost
        assert _any_pid(simulated.stderr) == _any_pid(native.stderr)


def test_value_without_its_lock_loses_what_cpython_loses():
    """Item 24: 2 processes x 20,000 `v.value += 1`; CPython lost 27-35% (65-73k of 100k),
    gilsim must lose between 15% and 45%, and none under get_lock()."""
    simulated = run(PROGRAMS / "processes_value.py", simulated=True)
    assert simulated.returncode == 0, simulated.stderr
    lost_unlocked, lost_locked = (int(line) for line in simulated.stderr.split())
    assert 0.15 * 40_000 <= lost_unlocked <= 0.45 * 40_000
    assert lost_locked == 0


def test_a_queue_joined_before_it_is_read_waits_for_ever():
    """Item 23: CPython never ends (still running after 5 s); gilsim reports the deadlock
    and says why."""
    program = PROGRAMS / "processes_queue_join.py"
    with pytest.raises(subprocess.TimeoutExpired):
        run(program, simulated=False, timeout=5)
    simulated = run(program, simulated=True)
    assert simulated.returncode == 3
    assert "deadlock" in simulated.stderr
    assert "waits for room in the pipe" in simulated.stderr
    assert "joining it first waits for ever" in simulated.stderr
    assert simulated.stdout == ""


@pytest.fixture(scope="module")
def costs() -> dict:  # (its program starts spawn and forkserver children)
    simulated = run(PROGRAMS / "processes_costs.py", simulated=True)
    assert simulated.returncode == 0, simulated.stderr
    return json.loads(simulated.stdout)


@beyond_forks
def test_creation_costs_fork_below_spawn(costs):
    """Item 18: fork about 1.7 ms, spawn 40-50 ms, start() under 1 ms for both (spec
    §3.1: 1.72 and 49.8 ms; 0.46 and 0.56 ms)."""
    assert costs["fork"]["start_ms"] < 1 and costs["spawn"]["start_ms"] < 1
    assert 0.8 <= costs["fork"]["join_ms"] <= 2.5
    assert 38 <= costs["spawn"]["join_ms"] <= 55
    assert costs["spawn"]["join_ms"] > 10 * costs["fork"]["join_ms"]


@beyond_forks
def test_forkserver_costs_a_server_launch_once(costs):
    """Items 9 and 18 under forkserver (spec §3.1): the first start of a program launches
    the server, a fresh interpreter (47 ms in the spec; here within 38-65 ms); afterwards
    start() returns in under 1 ms (0.93 ms), once the server has forked and sent the pid,
    and a start+join costs about 8 ms (8.2 ms; here within 5-12 ms): the child loads what
    the server never imported (``pkgutil`` for ``runpy.run_path``, and ``json`` for the main
    module it runs again), with the copy-on-write of the server's pages that loading writes,
    and compiles the main module.

    gilsim's first start is dearer than the spec's because its interpreters start with the
    32 modules of a bare one (``loading.STARTUP_MODULES``): the program loads
    ``multiprocessing.forkserver``'s requirements (``tempfile``, ``shutil``, ``random``...,
    about 13 ms) in ``start()``, where an interpreter whose ``site`` had loaded them (the
    spec's, like this machine's pyenv Python, which starts with 102) loads far less."""
    forkserver = costs["forkserver"]
    assert 38 <= forkserver["first_ms"] <= 65
    assert costs["fork"]["start_ms"] < forkserver["start_ms"] < 1
    assert 5 <= forkserver["join_ms"] <= 12
    assert forkserver["join_ms"] > costs["fork"]["join_ms"] + 4
    assert forkserver["first_ms"] > 5 * forkserver["join_ms"]


@beyond_forks
def test_fork_cost_grows_with_the_parent(costs):
    """Item 19: about 27 ms per GiB of the parent (spec: 2.1 ms small, 9.4 ms at 256 MiB)."""
    small, big = costs["raw_fork_ms"]["small"], costs["raw_fork_ms"]["256MiB"]
    assert 0.7 <= small <= 2.5
    assert 5.0 <= big - small <= 8.5  # 27 ms/GiB x 0.25 GiB = 6.75 ms


@pytest.mark.slow
@beyond_forks
def test_processes_speed_up_cpu_work_and_threads_do_not():
    """Item 20: 2 threads as fast as sequential (+-5%), 2 fork processes 1.86-1.88x (here
    1.75-1.95x on a 38 ms job, whose fork overhead is a larger share than on 0.25 s), spawn
    slower than fork by its start-up (about 43 ms, within 35-55 ms).  2 forkserver
    processes with the server running: 1.73-1.79x in the spec on a 0.25 s job, against
    fork's 1.86-1.88x, that is 5.3-11.5 ms more; here the same 5-12 ms more than fork's,
    which on this short job is a smaller speed-up.  Each method has started a process before
    it is timed (``processes_speedup.py``)."""
    simulated = run(PROGRAMS / "processes_speedup.py", "1000000", simulated=True)
    assert simulated.returncode == 0, simulated.stderr
    figures = json.loads(simulated.stdout)
    sequential = figures["sequential"]
    assert 0.95 <= figures["threads"] / sequential <= 1.05
    assert 1.75 <= sequential / figures["fork"] <= 1.95
    assert 0.035 <= figures["spawn"] - figures["fork"] <= 0.055
    assert 0.005 <= figures["forkserver"] - figures["fork"] <= 0.012


def _copied(stderr: str) -> dict[str, float]:
    """``examples/copy_on_write.py``'s figures: MiB copied by each action, and the two
    passes' milliseconds."""
    figures: dict[str, float] = {}
    for line in stderr.splitlines():
        what, _, value = line.rpartition(": ")
        if what == "passes":
            first, second = re.findall(r"[\d.]+", value)
            figures["first pass"], figures["second pass"] = float(first), float(second)
        else:
            figures[what] = float(value.removesuffix(" MiB"))
    return figures


@pytest.fixture(scope="module")
def copy_on_write() -> tuple[dict[str, float], dict[str, float], str]:
    """The copy-on-write example with 100,000 objects of each kind, under CPython and gilsim
    (its standard output must be the same)."""
    program = EXAMPLES / "copy_on_write.py"
    native = run(program, "100000", simulated=False)
    simulated = run(program, "100000", simulated=True)
    assert native.returncode == simulated.returncode == 0, simulated.stderr
    assert simulated.stdout == native.stdout
    return _copied(native.stderr), _copied(simulated.stderr), simulated.stdout


@pytest.mark.slow
@beyond_forks
def test_reading_inherited_objects_copies_their_pages(copy_on_write):
    """Items 14 and 15: a child that only reads inherited objects copies their pages through
    refcount writes (100,000 ints, 32 bytes each: 3.05 MiB; CPython here 3.15 MiB), len()
    of their list and a scan of a 64 MiB bytes copy next to nothing, gc.collect() copies
    every page with a tracked object unless the parent called gc.freeze(), and freezing
    does not spare what the child iterates.  Each figure within 20% + 0.3 MiB of CPython's."""
    native, simulated, _stdout = copy_on_write
    for action in (
        "len() of the list of ints",
        "iterate the ints",
        "iterate the records",
        "scan the 64 MiB bytes",
        "gc.collect()",
        "gc.collect() after gc.freeze()",
        "iterate the records after it",
    ):
        assert abs(simulated[action] - native[action]) <= 0.3 + 0.2 * native[action], action
    assert 2.9 <= simulated["iterate the ints"] <= 3.2  # 100,000 x 32 bytes = 3.05 MiB
    assert simulated["gc.collect() after gc.freeze()"] < 0.1


@pytest.mark.slow
@beyond_forks
def test_a_first_pass_pays_for_the_page_faults(copy_on_write):
    """Item 17: the first pass over inherited ints is slower than the second by about
    2.5 µs per page it copied (spec: 51.8 against 12.2 ms for 2M ints, 15,705 pages)."""
    _native, simulated, _stdout = copy_on_write
    pages = simulated["iterate the ints twice"] * (1 << 20) / 4096
    extra_us = (simulated["first pass"] - simulated["second pass"]) * 1000
    assert 2.2 <= extra_us / pages <= 2.8
    assert simulated["first pass"] > 2 * simulated["second pass"]
