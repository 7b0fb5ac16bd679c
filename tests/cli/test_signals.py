"""Signals sent to ``gilsim run`` as a user sends them (Ctrl-C, ``kill``), each compared with
the same program under the real ``python`` and the same signal: Ctrl-C reaches the simulated
main thread as ``KeyboardInterrupt`` (or the program's own SIGINT handler), whether it is
blocked in ``join`` or busy; a second Ctrl-C, SIGTERM and SIGHUP stop gilsim, which writes
its files first; a program that kills itself makes gilsim die of the same signal.

Each program prints ``ready`` once its threads run; the signal is sent after that line is
read, never after a fixed sleep."""

import json
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

# Workers that spin until told to stop, and a main thread that waits for them: Ctrl-C must
# wake the main thread out of its join, and its ``finally`` stops the workers (whenever the
# signal comes: ``ready`` is printed inside the ``try``).
JOINING = """\
import threading
stop = False
def work():
    while not stop:
        pass
threads = [threading.Thread(target=work) for _ in range(2)]
try:
    for t in threads:
        t.start()
    print("ready", flush=True)
    for t in threads:
        t.join()
finally:
    stop = True
"""

# The main thread is the busy one: Ctrl-C reaches it at a check point of its own loop.
BUSY = """\
import threading
stop = False
def work():
    while not stop:
        pass
try:
    threading.Thread(target=work).start()
    print("ready", flush=True)
    n = 0
    while True:
        n += 1
finally:
    stop = True
"""

# The program's own SIGINT handler runs in the main thread, and the program goes on.
HANDLER = """\
import signal, threading, time
got = []
def on_int(signum, frame):
    got.append(signum)
    print("handler in", threading.current_thread().name, flush=True)
signal.signal(signal.SIGINT, on_int)
stop = False
def work():
    while not stop:
        pass
t = threading.Thread(target=work)
t.start()
print("ready", flush=True)
while not got:
    time.sleep(0.001)
stop = True
t.join()
print("done", got)
"""

# A worker that never ends, joined for ever; SIGINT only prints.  Only gilsim's stop ends it.
STUBBORN = """\
import signal, threading
signal.signal(signal.SIGINT, lambda signum, frame: print("got SIGINT", flush=True))
def work():
    while True:
        pass
threading.Thread(target=work).start()
print("ready", flush=True)
while True:
    pass
"""

SELF_KILL = """\
import os, signal, sys
print("before", flush=True)
os.kill(os.getpid(), getattr(signal, sys.argv[1]))
print("after")
"""


def start(command, tmp_path):
    return subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=tmp_path
    )


def signalled(command, tmp_path, *steps, asleep=False):
    """Run ``command``; for each step ``(line, signum)``, wait until it printed ``line``
    (and, if ``asleep``, until its main thread sleeps), then send ``signum``.  Its return
    code, stdout and stderr."""
    process = start(command, tmp_path)
    guard = threading.Timer(240, process.kill)  # a hung run fails, it does not hang
    guard.start()
    try:
        seen = []
        for line, signum in steps:
            while True:
                got = process.stdout.readline()
                assert got, f"ended before printing {line!r}: {seen}"
                seen.append(got)
                if got.strip() == line:
                    break
            if asleep:
                wait_until_asleep(process.pid)
            process.send_signal(signum)
        out, err = process.communicate()
    finally:
        guard.cancel()
    return process.returncode, "".join(seen) + out, err


# How long the main thread must sleep without a break to be waiting in ``join``: waiting
# for the GIL (also asleep) ends within the switch interval, 5 ms, while workers spin.
ASLEEP_S = 0.1


def wait_until_asleep(pid):
    """Wait until the main thread of process ``pid`` sleeps (state ``S`` in
    ``/proc/PID/task/PID/stat``) for ``ASLEEP_S`` on end.  The real ``python`` has a window between a main
    thread's last check for signals and its wait in ``join``: a SIGINT that comes in it sets
    the flag and interrupts no wait, and the main thread waits for ever (``JOINING``, the
    signal sent as soon as ``ready`` was read: 3 to 7 hangs in 60 runs under each of 3.11,
    3.12 and 3.13).  Sent once it waits, the signal interrupts the wait, as a user's Ctrl-C
    does.  gilsim's main thread is simulated: there the signal may come at any time."""
    stat = Path(f"/proc/{pid}/task/{pid}/stat")
    deadline = time.monotonic() + 30
    asleep_since = None
    while time.monotonic() < deadline:
        try:
            state = stat.read_text().rpartition(")")[2].split()[0]
        except (OSError, IndexError):
            return  # it ended: the caller sees how
        now = time.monotonic()
        if state != "S":
            asleep_since = None
        elif asleep_since is None:
            asleep_since = now
        elif now - asleep_since >= ASLEEP_S:
            return
        time.sleep(0.005)
    raise AssertionError(f"the main thread of {pid} never waited")


def under_both(tmp_path, program, *steps, options=(), asleep=False):
    """The same program with the same signals, under ``python`` and under ``gilsim run``
    (``asleep``: under ``python``, each signal once its main thread waits)."""
    script = tmp_path / "prog.py"
    script.write_text(program)
    real = signalled([sys.executable, "prog.py"], tmp_path, *steps, asleep=asleep)
    simulated = signalled(
        [sys.executable, "-m", "gilsim", "run", *options, "prog.py"], tmp_path, *steps
    )
    return real, simulated


def files_of(tmp_path):
    return ["--json", "run.json", "--trace", "run.jsonl", "--perfetto", "run.perfetto.json"]


def check_files(tmp_path):
    """Every file asked for is there and valid; the summary."""
    summary = json.loads((tmp_path / "run.json").read_text())
    events = [json.loads(line) for line in (tmp_path / "run.jsonl").read_text().splitlines()]
    assert events
    json.loads((tmp_path / "run.perfetto.json").read_text())
    return summary


@pytest.mark.parametrize("program", [JOINING, BUSY], ids=["joining", "busy"])
def test_ctrl_c_ends_the_main_thread_with_keyboard_interrupt(tmp_path, program):
    """Ctrl-C raises KeyboardInterrupt in the main thread, not in a worker; the program dies
    of SIGINT as under python, and every file is written."""
    real, (status, out, err) = under_both(
        tmp_path,
        program,
        ("ready", signal.SIGINT),
        options=files_of(tmp_path),
        asleep=program is JOINING,
    )
    assert real[0] == -signal.SIGINT
    assert status == real[0]
    assert out == real[1] == "ready\n"
    assert err.splitlines()[-1] == "KeyboardInterrupt"
    assert "Exception in thread" not in err
    assert err.count("Traceback") == 1
    assert check_files(tmp_path)["exit_status"] == -signal.SIGINT


def test_the_programs_sigint_handler_runs_in_the_main_thread(tmp_path):
    real, simulated = under_both(tmp_path, HANDLER, ("ready", signal.SIGINT))
    assert real == (0, "ready\nhandler in MainThread\ndone [2]\n", "")
    assert simulated == real


def test_a_second_ctrl_c_stops_the_run_and_writes_the_files(tmp_path):
    """The first Ctrl-C is the program's (its handler prints); the second stops gilsim,
    which writes what it has and dies of SIGINT."""
    script = tmp_path / "prog.py"
    script.write_text(STUBBORN)
    command = [sys.executable, "-m", "gilsim", "run", *files_of(tmp_path), "prog.py"]
    status, out, err = signalled(
        command, tmp_path, ("ready", signal.SIGINT), ("got SIGINT", signal.SIGINT)
    )
    assert status == -signal.SIGINT
    assert out == "ready\ngot SIGINT\n"
    assert err == "gilsim: a second Ctrl-C stopped the run\n"
    summary = check_files(tmp_path)
    assert summary["error"] == "a second Ctrl-C stopped the run"


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP], ids=lambda s: s.name)
def test_sigterm_and_sighup_write_the_files_then_kill_gilsim(tmp_path, signum):
    script = tmp_path / "prog.py"
    script.write_text(JOINING)
    command = [sys.executable, "-m", "gilsim", "run", *files_of(tmp_path), "prog.py"]
    status, out, err = signalled(command, tmp_path, ("ready", signum))
    assert status == -signum
    assert out == "ready\n"
    assert err == f"gilsim: {signum.name} stopped the run\n"
    assert check_files(tmp_path)["exit_status"] == 128 + signum


@pytest.mark.parametrize("name", ["SIGTERM", "SIGKILL"])
def test_a_program_that_kills_itself_ends_gilsim_by_that_signal(tmp_path, name):
    script = tmp_path / "prog.py"
    script.write_text(SELF_KILL)
    real = subprocess.run(
        [sys.executable, "prog.py", name], capture_output=True, text=True, cwd=tmp_path
    )
    simulated = subprocess.run(
        [sys.executable, "-m", "gilsim", "run", "--json", "run.json", "prog.py", name],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
    )
    assert real.returncode == -getattr(signal, name)
    assert (simulated.returncode, simulated.stdout, simulated.stderr) == (
        real.returncode,
        real.stdout,
        real.stderr,
    )
    assert json.loads((tmp_path / "run.json").read_text())["exit_status"] == real.returncode
