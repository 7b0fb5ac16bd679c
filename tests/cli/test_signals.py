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
import textwrap
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
# (The handler prints nothing itself: a SIGINT that came while ``print("ready")`` wrote
# would run it inside that print, and its own print would fail with "reentrant call inside
# <_io.BufferedWriter name='<stdout>'>", leaving the worker spinning for ever.)
HANDLER = """\
import signal, threading, time
got = []
def on_int(signum, frame):
    got.append((signum, threading.current_thread().name))
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
print("handler in", got[0][1])
print("done", [signum for signum, _ in got])
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


# A main thread blocked in a system call, while a worker spins: Ctrl-C interrupts the call
# (EINTR) and the handler's KeyboardInterrupt comes out of it.  Each: the set-up, the call.
BLOCKED_IN_KERNEL = {
    "os.read": ("r, w = os.pipe()", "os.read(r, 1)"),
    "os.write": ("r, w = os.pipe()", "print(os.write(w, bytes(1 << 20)))\nwhile True:\n    pass"),
    "recv": ("a, b = socket.socketpair()", "a.recv(1)"),
    "accept": (
        "s = socket.socket()\ns.bind(('127.0.0.1', 0))\ns.listen()",
        "s.accept()",
    ),
    "select": ("r, w = os.pipe()", "select.select([r], [], [])"),
    "poll": ("r, w = os.pipe()\np = select.poll()\np.register(r)", "p.poll()"),
    "waitpid": (
        "r, w = os.pipe()\npid = os.fork()\nif pid == 0:\n"
        "    os.close(w)\n    os.read(r, 1)\n    os._exit(0)",
        "os.waitpid(pid, 0)",
    ),
    "SemLock": ("lock = multiprocessing.Lock()\nlock.acquire()", "lock.acquire()"),
    "Queue.get": ("q = multiprocessing.Queue()", "q.get()"),
}

IN_KERNEL = """\
import multiprocessing, os, select, socket, threading, time
stop = False
def work():
    time.sleep(0.2)  # the main thread is in its call by then
    print("ready", flush=True)
    while not stop:
        pass
{setup}
try:
    threading.Thread(target=work).start()
{call}
finally:
    stop = True
    if "w" in globals():
        os.close(w)
"""


def in_kernel(name):
    setup, call = BLOCKED_IN_KERNEL[name]
    return IN_KERNEL.format(setup=setup, call=textwrap.indent(call, "    "))


@pytest.mark.parametrize("name", list(BLOCKED_IN_KERNEL))
def test_ctrl_c_interrupts_a_main_thread_blocked_in_a_system_call(tmp_path, name):
    """The main thread sleeps in the kernel (a pipe, a socket, select, poll, waitpid, a
    multiprocessing lock or queue): Ctrl-C interrupts the call, which raises the handler's
    KeyboardInterrupt, as under python; a write that had put bytes returns their count."""
    real, simulated = under_both(tmp_path, in_kernel(name), ("ready", signal.SIGINT), asleep=True)
    assert real[0] == -signal.SIGINT
    assert real[2].splitlines()[-1] == "KeyboardInterrupt"
    if name == "accept":  # gilsim's socket class is not socket.py's (docs/processes.md)
        real = (real[0], real[1], without_frames_of("socket.py", real[2]))
    assert simulated == real


def without_frames_of(filename, traceback):
    """``traceback`` without the frames of files named ``filename``."""
    kept, skipping = [], False
    for line in traceback.splitlines(keepends=True):
        if line.startswith("  File "):
            skipping = line.split('"')[1].endswith("/" + filename)
        elif not line.startswith("    "):
            skipping = False
        if not skipping:
            kept.append(line)
    return "".join(kept)


# The program's own SIGINT handler runs and returns: the interrupted call is made again
# (PEP 475) and returns what the worker, told by the handler, then provides.
RETRIED = {
    "os.read": ("r, w = os.pipe()", "os.write(w, b'x')", "print(os.read(r, 1))"),
    "recv": ("a, b = socket.socketpair()", "b.send(b'x')", "print(a.recv(1))"),
    "select": (
        "r, w = os.pipe()",
        "os.write(w, b'x')",
        "print(select.select([r], [], [], 60)[0] == [r])",
    ),
    "SemLock": (
        "lock = multiprocessing.Lock()\nlock.acquire()",
        "lock.release()",
        "print(lock.acquire())",
    ),
}

RETRY = """\
import multiprocessing, os, select, signal, socket, threading, time
{setup}
got = []
def on_int(signum, frame):
    got.append(signum)
    print("handler in", threading.current_thread().name, flush=True)
signal.signal(signal.SIGINT, on_int)
def work():
    time.sleep(0.2)  # the main thread is in its call by then
    print("ready", flush=True)
    while not got:
        pass
    {provide}
threading.Thread(target=work).start()
{call}
"""


@pytest.mark.parametrize("name", RETRIED)
def test_a_system_call_goes_on_after_a_handler_that_returns(tmp_path, name):
    setup, provide, call = RETRIED[name]
    program = RETRY.format(setup=setup, provide=provide, call=call)
    real, simulated = under_both(tmp_path, program, ("ready", signal.SIGINT), asleep=True)
    assert real[:2] == (0, f"ready\nhandler in MainThread\n{RETRY_OUT[name]}\n")
    assert simulated == real


RETRY_OUT = {"os.read": "b'x'", "recv": "b'x'", "select": "True", "SemLock": "True"}
