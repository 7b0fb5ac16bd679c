"""Same program, options and seed, same run: the ``--trace`` file byte for byte and the
``--json`` summary (less its wall-clock time), whatever string hashing the host would have
chosen and whatever pids it hands out (``gilsim.hashseed``, ``processes.table.FIRST_PID``).

The programs are in one directory and what the runs write in another: importing reads the
program's directory, and what a listing holds is part of what an import costs.
"""

import json
import os
import subprocess
import sys

import pytest

from gilsim.hashseed import hash_seed
from gilsim.processes.table import FIRST_PID

# Each thread's work depends on the order in which it iterates a set of strings: how often
# the order goes down, which string hashing decides.
HASHED_WORK = """\
import threading

WORDS = {f"word{i}" for i in range(60)}
descents = []

def work():
    count = 0
    last = ""
    for word in WORDS:
        if word < last:
            count += sum(range(40))
        last = word
    descents.append(count)

threads = [threading.Thread(target=work) for _ in range(3)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print(len(set(descents)))
"""

# A fork, multiprocessing's fork and spawn children, queues, locks (named semaphores): pids
# everywhere in the trace.
PROCESSES = """\
import multiprocessing as mp
import os
import time


def child(q, n, lock):
    with lock:
        q.put((n, os.getpid(), os.getppid()))


if __name__ == "__main__":
    pid = os.fork()
    if pid == 0:
        os._exit(3)
    print("waited", os.waitpid(pid, 0) == (pid, 3 << 8), pid == os.getpid() + 1)
    for method in ("fork", "spawn"):
        ctx = mp.get_context(method)
        q, lock = ctx.Queue(), ctx.Lock()
        procs = [ctx.Process(target=child, args=(q, i, lock)) for i in range(2)]
        with lock:  # the children wait for it
            for p in procs:
                p.start()
            time.sleep(0.5)
        got = sorted(q.get() for _ in procs)
        for p in procs:
            p.join()
        print(method, [n for n, _, _ in got], all(ppid == os.getpid() for _, _, ppid in got))
        print(sorted(pid for _, pid, _ in got) == sorted(p.pid for p in procs))
"""


def gilsim_run(program, out, name, hashseed, *options):
    """``gilsim run --seed 3`` of ``program``, its trace and summary written under ``out``
    as ``name``; ``hashseed`` is the environment's ``PYTHONHASHSEED`` (None: unset)."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONHASHSEED"}
    if hashseed is not None:
        env["PYTHONHASHSEED"] = hashseed
    trace, summary = out / f"{name}.jsonl", out / f"{name}.json"
    result = subprocess.run(
        [sys.executable, "-m", "gilsim", "run", "--seed", "3", *options]
        + ["--trace", str(trace), "--json", str(summary), str(program)],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    fields = json.loads(summary.read_text())
    del fields["wall_time_s"]
    return result.stdout, trace.read_bytes(), fields


@pytest.fixture
def dirs(tmp_path):
    program, out = tmp_path / "program", tmp_path / "out"
    program.mkdir()
    out.mkdir()
    return program, out


def test_string_hashing_is_fixed_by_the_seed(dirs):
    """Without ``PYTHONHASHSEED`` two runs are the same, and the same as a run with the
    seed's own hash seed set; another hash seed changes the threads' work."""
    program, out = dirs
    script = program / "hashed.py"
    script.write_text(HASHED_WORK)
    first = gilsim_run(script, out, "first", None)
    again = gilsim_run(script, out, "again", None)
    assert again == first
    assert gilsim_run(script, out, "set", str(hash_seed(3))) == first
    others = [gilsim_run(script, out, f"other{seed}", str(seed))[1:] for seed in (1, 2)]
    assert any(other != first[1:] for other in others)  # the work depends on hashing


def test_processes_have_the_same_pids_every_run(dirs):
    """Fork, multiprocessing's children, their queues and locks: the same trace and summary
    twice over, with virtual pids counting up from the first process's, and the spawned
    children's lock (a named semaphore) numbered, not named."""
    program, out = dirs
    script = program / "processes.py"
    script.write_text(PROCESSES)
    first = gilsim_run(script, out, "first", None, "--max-time", "20s")
    assert gilsim_run(script, out, "again", None, "--max-time", "20s") == first
    stdout, trace, summary = first
    assert stdout == ("waited True True\nfork [0, 1] True\nTrue\nspawn [0, 1] True\nTrue\n")
    pids = [process["pid"] for process in summary["processes"]]
    assert pids[0] == FIRST_PID and summary["processes"][0]["ppid"] == FIRST_PID - 1
    assert sorted(pids) == list(range(FIRST_PID, FIRST_PID + len(pids)))
    events = [json.loads(line) for line in trace.splitlines()]
    named = {e[key] for e in events for key in ("pid", "ppid") if key in e}
    assert named and named <= set(range(FIRST_PID - 1, FIRST_PID + len(pids)))
    waits = {e["what"] for e in events if e.get("what")}
    assert any("named semaphore" in what for what in waits), waits
    assert b"/mp-" not in trace


PIDS = """\
import os
import threading

print(os.getpid(), os.getppid(), threading.get_native_id())
print(len(os.sched_getaffinity(os.getpid())) > 0)
print(os.getpgid(os.getpid()) == os.getpgrp(), os.getsid(os.getpid()) == os.getsid(0))
os.kill(os.getpid(), 0)
os.kill(os.getppid(), 0)  # the host process's parent
try:
    os.kill(os.getppid() - 1, 0)
except ProcessLookupError:
    print("no such process")
"""


def test_the_first_process_has_a_virtual_pid_on_every_engine(tmp_path):
    script = tmp_path / "pids.py"
    script.write_text(PIDS)
    result = subprocess.run(
        [sys.executable, "-m", "gilsim", "run", str(script)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.stderr == ""
    assert result.stdout.splitlines() == [
        f"{FIRST_PID} {FIRST_PID - 1} {FIRST_PID}",
        "True",
        "True True",
        "no such process",
    ]


ENVIRONMENT = """\
import os
import sys

print(os.environ.get("PYTHONHASHSEED"), sys.flags.hash_randomization, hash("a"))
print(sorted(name for name in os.environ if name.startswith("GILSIM")))
"""


@pytest.mark.parametrize("hashseed", [None, "0", "12345"])
def test_the_program_sees_the_environment_cpython_would_give_it(tmp_path, hashseed):
    """``PYTHONHASHSEED`` is the user's: the program sees it, and hashes as CPython does
    with it; unset, the program finds none, and hash randomization on."""
    script = tmp_path / "environment.py"
    script.write_text(ENVIRONMENT)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHONHASHSEED", "GILSIM"))}
    if hashseed is not None:
        env["PYTHONHASHSEED"] = hashseed

    def output(*command):
        result = subprocess.run(
            [sys.executable, *command, str(script)],
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
        )
        assert result.returncode == 0, result.stderr
        return result.stdout.splitlines()

    simulated = output("-m", "gilsim", "run")
    real = output()
    if hashseed is None:
        assert simulated[0].split()[:2] == real[0].split()[:2] == ["None", "1"]
        assert simulated[1] == real[1] == "[]"
        # Its hashes are the seed's: those of CPython with the hash seed of --seed 0.
        env["PYTHONHASHSEED"] = str(hash_seed(0))
        assert simulated[0].split()[2] == output()[0].split()[2]
    else:
        assert simulated == real


def test_the_hash_seed_is_never_zero():
    assert [hash_seed(seed) for seed in (0, 1, 4_294_967_294, 4_294_967_295)] == [
        1,
        2,
        4_294_967_295,
        1,
    ]
