"""POSIX semaphores, the kernel's side (sem_overview(7)): the semaphores themselves and the
system calls ``_multiprocessing.SemLock`` (``gilsim.runtime.semaphores``) makes on them.

On Linux a POSIX semaphore is a word in shared memory (``/dev/shm/sem.NAME`` for a named
one) that glibc changes with atomic instructions, asking the kernel only to sleep and to
wake (``futex``).  Here the whole semaphore is the simulated kernel's: a process names it by
a *handle* (the address ``sem_open`` returns), which a fork child inherits unchanged and a
spawned child gets again by opening the name.  Both tables, of handles and of names, are
the machine's (``Machine.shared``), as ``/dev/shm`` is.
"""

from __future__ import annotations

import errno
import itertools
from typing import Any

from gilsim.interpreter import state
from gilsim.machine import OSThread, Wait
from gilsim.runtime import syscall
from gilsim.runtime.kernel import Kernel, WaitQueue, os_error

# Handles look like the addresses glibc's sem_open returns (a page of /dev/shm mapped).
_handles = itertools.count(0x7F0000001000, 0x20)


class KernelSemaphore:
    """A POSIX semaphore: its value and the threads asleep in ``sem_wait``.  One object
    serves every process that has it open (the fork copy shares it)."""

    def __init__(self, value: int, name: str | None, number: int) -> None:
        self.value = value
        # The name it was made with; None if it was unlinked at once (as ``SemLock.name``).
        self.name = name
        # Its number on the machine, from 1, which descriptions show instead of the name:
        # multiprocessing draws names at random (``tempfile._RandomNameSequence``, seeded
        # from os.urandom), and the same seed must give the same trace.
        self.number = number
        self.sleepers = WaitQueue()
        self.handle = next(_handles)
        # Who took it last (process id, thread name), for a deadlock report.
        self.taken_by: str | None = None


def _named(interp: state.InterpreterState) -> dict[str, KernelSemaphore]:
    """The machine's named semaphores (``/dev/shm/sem.*``), shared by its processes."""
    shared: dict[str, Any] = interp.machine.shared
    table: dict[str, KernelSemaphore] = shared.setdefault("semaphores", {})
    return table


def _opened(interp: state.InterpreterState) -> dict[int, KernelSemaphore]:
    """Every semaphore of the machine, by handle (named or not)."""
    shared: dict[str, Any] = interp.machine.shared
    table: dict[int, KernelSemaphore] = shared.setdefault("semaphore_handles", {})
    return table


def _semaphore(interp: state.InterpreterState, handle: int) -> KernelSemaphore:
    sem = _opened(interp).get(handle)
    if sem is None:
        raise os_error(errno.EINVAL)  # sem_post(3): "sem is not a valid semaphore"
    return sem


# -- the system calls ----------------------------------------------------------------------


@syscall.system_call
def sem_open(
    kernel: Kernel,
    interp: state.InterpreterState,
    thread: OSThread,
    name: str | None,
    value: int | None,
    unlink: bool,
) -> int:
    """With a ``value``, ``sem_open(name, O_CREAT | O_EXCL, 0600, value)``, followed at once
    by ``sem_unlink(name)`` if ``unlink``; with None, ``sem_open(name, 0)`` of an existing
    semaphore.  Its handle."""
    named = _named(interp)
    if value is None:
        sem = named.get(name) if name is not None else None
        if sem is None:
            raise os_error(errno.ENOENT)
        return sem.handle
    if name in named:
        raise os_error(errno.EEXIST)
    numbers = interp.machine.shared.setdefault("semaphore_numbers", itertools.count(1))
    sem = KernelSemaphore(value, None if unlink else name, next(numbers))
    if name is not None and not unlink:
        named[name] = sem
    _opened(interp)[sem.handle] = sem
    return sem.handle


@syscall.system_call
def sem_unlink(kernel: Kernel, interp: state.InterpreterState, thread: OSThread, name: str) -> None:
    """The name is gone; whoever has the semaphore open keeps it."""
    named = _named(interp)
    if name not in named:
        raise os_error(errno.ENOENT)
    del named[name]


@syscall.system_call
def sem_trywait(
    kernel: Kernel, interp: state.InterpreterState, thread: OSThread, handle: int
) -> bool:
    """Take the semaphore if its value is above 0, without waiting: whether it did."""
    sem = _semaphore(interp, handle)
    if sem.value == 0:
        return False
    _take(sem, interp, thread)
    return True


@syscall.system_call
def sem_timedwait(
    kernel: Kernel,
    interp: state.InterpreterState,
    thread: OSThread,
    handle: int,
    deadline_ns: int | None,
    maxvalue: int,
) -> bool:
    """Take the semaphore, sleeping until its value is above 0 or until ``deadline_ns``
    (virtual time; None: no limit): whether it did.  A signal for the main thread ends the
    sleep with ``InterruptedCall`` (EINTR).  ``maxvalue`` (1: a lock) is for the description
    of the wait."""
    sem = _semaphore(interp, handle)
    wait = Wait("lock", _describe(sem, maxvalue), sem)
    while sem.value == 0:
        timed_out = sem.sleepers.wait(interp, thread, wait, deadline_ns)
        if timed_out and sem.value == 0:
            return False
    _take(sem, interp, thread)
    return True


@syscall.system_call
def sem_post(
    kernel: Kernel, interp: state.InterpreterState, thread: OSThread, handle: int, maxvalue: int
) -> None:
    """Give the semaphore back, waking one sleeper; ``EOVERFLOW`` if its value is already
    ``maxvalue`` (the check ``semaphore.c`` makes with ``sem_getvalue`` first)."""
    sem = _semaphore(interp, handle)
    if sem.value >= maxvalue:
        raise os_error(errno.EOVERFLOW)
    sem.value += 1
    if sem.sleepers.threads:
        # sem_post wakes one sleeper; it takes the semaphore if it is still there.
        sleeper = sem.sleepers.threads.pop(0)
        interp.machine.advance(interp.clock_ns)
        interp.machine.wake(sleeper)


@syscall.system_call
def sem_getvalue(
    kernel: Kernel, interp: state.InterpreterState, thread: OSThread, handle: int
) -> int:
    return _semaphore(interp, handle).value


def _take(sem: KernelSemaphore, interp: state.InterpreterState, thread: OSThread) -> None:
    sem.value -= 1
    sem.taken_by = f"{_thread_name(thread)} of process {interp.process.pid}"


def _describe(sem: KernelSemaphore, maxvalue: int) -> str:
    """What a thread asleep on ``sem`` waits for, in a deadlock report."""
    what = "a multiprocessing lock" if maxvalue == 1 else "a multiprocessing semaphore"
    if sem.name:
        what += f" (named semaphore {sem.number})"
    if sem.taken_by and maxvalue == 1:
        what += f", last taken by {sem.taken_by}"
    return what


def _thread_name(thread: OSThread) -> str:
    from gilsim.runtime.deadlock import thread_name

    return thread_name(thread.payload.interp, thread)
