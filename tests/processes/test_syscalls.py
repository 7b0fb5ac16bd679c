"""The system calls of processes and of ``multiprocessing``'s semaphores (``processes.table``,
``runtime.posixsem``) cross the door into the simulated kernel with plain data only
(``gilsim.runtime.syscall``, issue 19): programs that make each of them run with the door's
check on and print what CPython 3.11 printed on Linux, and the check catches a kernel object
that crosses."""

from __future__ import annotations

import pytest

from gilsim.processes import table
from gilsim.runtime import posixsem, semaphores, syscall

from .running import run


@pytest.fixture(autouse=True)
def plain_data_check(monkeypatch):
    monkeypatch.setattr(syscall, "PLAIN_DATA_CHECK", True)


PROCESSES = """
    import os, signal, time

    pid = os.fork()
    if pid == 0:
        time.sleep(0.01)
        os._exit(3)
    print("WNOHANG", os.waitpid(pid, os.WNOHANG))
    print("kill 0", os.kill(pid, 0))
    _, status = os.waitpid(pid, 0)
    print("exit code", os.waitstatus_to_exitcode(status))
    try:
        os.kill(pid, 0)
    except ProcessLookupError as exc:
        print("reaped:", exc)
    try:
        os.waitpid(-1, 0)
    except ChildProcessError as exc:
        print("no child:", exc)
    pid = os.fork()
    if pid == 0:
        time.sleep(10)
        os._exit(0)
    os.kill(pid, signal.SIGTERM)
    waited, status = os.wait()
    print("killed", waited == pid, os.waitstatus_to_exitcode(status))
    r, w = os.pipe()
    me = os.getpid()
    pid = os.fork()
    if pid == 0:
        os.write(w, b"%d" % (os.getppid() == me))
        os.kill(os.getpid(), signal.SIGTERM)
        os._exit(0)
    print("its own SIGTERM", os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]))
    print("child's parent is me", os.read(r, 10))
    print(os.getpgid(0) == os.getpgid(me) == os.getpgrp(), os.getsid(0) == os.getsid(me))
    print(os.sched_getaffinity(0) == os.sched_getaffinity(me))
"""


def test_waitpid_kill_and_the_pids_cross_as_plain_data(tmp_path):
    """waitpid with and without WNOHANG, ECHILD, kill of a child, of a reaped one and of
    the caller itself, getppid, getpgid, getsid and sched_getaffinity."""
    result = run(tmp_path, PROCESSES, cores=2)
    assert result.stdout == (
        "WNOHANG (0, 0)\n"
        "kill 0 None\n"
        "exit code 3\n"
        "reaped: [Errno 3] No such process\n"
        "no child: [Errno 10] No child processes\n"
        "killed True -15\n"
        "its own SIGTERM -15\n"
        "child's parent is me b'1'\n"
        "True True\n"
        "True\n"
    ), result.stderr
    assert result.exit_status == 0


SEMAPHORES = """
    import _multiprocessing
    import multiprocessing as mp
    import os


    def child(lock, sem, value, queue, parent):
        with lock:
            value.value += 1
        print("the child takes the semaphore:", sem.acquire(timeout=0.05))
        queue.put(os.getppid() == parent)


    def spawned(lock):
        print("the spawned child takes the lock:", lock.acquire(timeout=5))
        lock.release()


    if __name__ == "__main__":
        ctx = mp.get_context("fork")
        lock, rlock = ctx.Lock(), ctx.RLock()
        sem = ctx.BoundedSemaphore(1)
        value = ctx.Value("i", 0)
        queue = ctx.Queue()
        with rlock:
            with rlock:
                print("rlock held", rlock._semlock._count())
        sem.acquire()
        print("value", sem.get_value(), sem._semlock._is_zero())
        p = ctx.Process(target=child, args=(lock, sem, value, queue, os.getpid()))
        p.start()
        print("the child's parent is me:", queue.get())
        p.join()
        print("exitcode", p.exitcode, "value", value.value)
        sem.release()
        try:
            sem.release()
        except ValueError as exc:
            print("ValueError:", exc)
        print(lock.acquire(block=False), lock.acquire(block=False))
        lock.release()
        try:
            rlock.release()
        except AssertionError as exc:
            print("AssertionError:", exc)
        sctx = mp.get_context("spawn")
        slock = sctx.Lock()
        slock.acquire()
        sp = sctx.Process(target=spawned, args=(slock,))
        sp.start()
        slock.release()
        sp.join()
        print("spawned exitcode", sp.exitcode)
        try:
            _multiprocessing.sem_unlink("/gilsim-no-such-semaphore")
        except FileNotFoundError as exc:
            print("FileNotFoundError:", exc)
        for args in [(0, 1, 1, None, False), (0, "x", 1, "/a", True), (5, 1, 1, "/b", True)]:
            try:
                _multiprocessing.SemLock(*args)
            except (TypeError, ValueError) as exc:
                print(type(exc).__name__, exc)
"""


def test_semaphores_cross_as_plain_data(tmp_path):
    """Locks, recursive locks, bounded semaphores and a Value's lock shared with a fork
    child, one re-opened by name in a spawned child, and the errors of each call."""
    result = run(tmp_path, SEMAPHORES, cores=2)
    assert result.stdout == (
        "rlock held 2\n"
        "value 0 True\n"
        "the child takes the semaphore: False\n"
        "the child's parent is me: True\n"
        "exitcode 0 value 1\n"
        "ValueError: semaphore or lock released too many times\n"
        "True False\n"
        "AssertionError: attempt to release recursive lock not owned by thread\n"
        "the spawned child takes the lock: True\n"
        "spawned exitcode 0\n"
        "FileNotFoundError: [Errno 2] No such file or directory\n"
        "TypeError SemLock() argument 'name' must be str, not None\n"
        "TypeError 'str' object cannot be interpreted as an integer\n"
        "ValueError unrecognized kind\n"
    ), result.stderr
    assert result.exit_status == 0


LOCK = """
    import multiprocessing
    lock = multiprocessing.get_context("fork").Lock()
    lock.acquire()
    print("taken")
"""


def test_the_check_catches_a_semaphore_that_crosses(tmp_path, monkeypatch):
    """A SemLock that held its kernel semaphore instead of the handle (as it did before)
    fails at the door."""
    init = semaphores.SemLock._init

    def holding_the_semaphore(self, handle, *args):
        interp = semaphores.state.current_thread().interp
        init(self, posixsem._opened(interp)[handle], *args)

    monkeypatch.setattr(semaphores.SemLock, "_init", holding_the_semaphore)
    result = run(tmp_path, LOCK)
    assert "taken" not in result.stdout
    assert (
        "sem_trywait's arguments hold a KernelSemaphore, which is not plain data" in result.stderr
    )


WAIT = """
    import os
    pid = os.fork()
    if pid == 0:
        os._exit(0)
    print(os.waitpid(pid, 0))
"""


def test_the_check_catches_a_process_that_crosses(tmp_path, monkeypatch):
    """A waitpid that returned the child's Process instead of its pid fails at the door."""
    monkeypatch.setattr(table, "_reap", lambda child: (child, 0))
    result = run(tmp_path, WAIT)
    assert result.stdout == ""
    assert "waitpid's result hold a Process, which is not plain data" in result.stderr
