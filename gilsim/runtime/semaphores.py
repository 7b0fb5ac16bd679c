"""The simulated ``_multiprocessing`` (``Modules/_multiprocessing/semaphore.c``): ``SemLock``,
the lock under every ``multiprocessing`` primitive (``Lock``, ``RLock``, ``Semaphore``,
``Condition``, ``Event``, a ``Queue``'s locks, a ``Value``'s lock).

A ``SemLock`` is a POSIX semaphore (``sem_open``) plus, in the process's own memory, a count
of how many times this process's holder took it and which thread did (``last_tid``).  So
across ``fork`` the semaphore itself is *shared* (one ``KernelSemaphore`` for every process,
as a named semaphore is one kernel object) while the count is *copied*: the fork child has
the parent's count until ``multiprocessing`` resets it (``_after_fork``).  Spawn children
re-open the semaphore by name (``_rebuild``).

As in ``semaphore.c``: ``acquire`` first tries without releasing the GIL (``sem_trywait``) and
only then waits without it, with a timeout if given; ``release`` of a lock (``maxvalue`` 1)
that is not taken raises "semaphore or lock released too many times"; a recursive lock
released by a thread that does not own it raises ``AssertionError``.  Every operation is one
another process can see, so it first waits until every other process has caught up
(``Machine.sync_processes``): the lost updates of ``Value`` happen exactly where they can.
"""

from __future__ import annotations

import _multiprocessing
import itertools
from typing import Any

from gilsim.interpreter import state
from gilsim.machine import OSThread, Wait
from gilsim.runtime import ShadowModule
from gilsim.runtime.kernel import WaitQueue, restarting

RECURSIVE_MUTEX, SEMAPHORE = 0, 1
SEM_VALUE_MAX = _multiprocessing.SemLock.SEM_VALUE_MAX
_handles = itertools.count(0x7F0000001000, 0x20)


class KernelSemaphore:
    """A POSIX semaphore: its value and the threads asleep in ``sem_wait``.  One object
    serves every process that has it open (the fork copy shares it)."""

    def __init__(self, value: int, name: str | None, number: int) -> None:
        self.value = value
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


def _running() -> tuple[state.InterpreterState, Any]:
    ts = state.current_thread()
    return ts.interp, ts.os_thread


def _tid(thread: Any) -> int:
    return int(thread.pthread or thread.ident)


class SemLock:
    """``_multiprocessing.SemLock``."""

    __slots__ = ("_sem", "_kind", "_maxvalue", "_name", "_held", "_last_tid", "__weakref__")

    SEM_VALUE_MAX = SEM_VALUE_MAX

    def __init__(self, kind: int, value: int, maxvalue: int, name: str, unlink: bool) -> None:
        if kind not in (RECURSIVE_MUTEX, SEMAPHORE):
            raise ValueError("unrecognized kind")
        interp, _ = _running()
        named = _named(interp)
        if name in named:
            raise FileExistsError(17, "File exists")
        numbers = interp.machine.shared.setdefault("semaphore_numbers", itertools.count(1))
        sem = KernelSemaphore(value, name, next(numbers))
        if not unlink:
            named[name] = sem
        # An unlinked semaphore has no name any more (``name`` is None, as in C).
        self._init(sem, kind, maxvalue, None if unlink else name)

    def _init(self, sem: KernelSemaphore, kind: int, maxvalue: int, name: str | None) -> None:
        self._sem = sem
        self._kind = kind
        self._maxvalue = maxvalue
        self._name = name
        self._held = 0
        self._last_tid = 0

    @classmethod
    def _rebuild(cls, handle: Any, kind: int, maxvalue: int, name: str | None) -> SemLock:
        """Open the semaphore again by name (a spawned child)."""
        interp, _ = _running()
        sem = _named(interp).get(name) if name is not None else None
        if sem is None:
            raise FileNotFoundError(2, "No such file or directory")
        made = cls.__new__(cls)
        made._init(sem, kind, maxvalue, name)
        return made

    handle = property(lambda self: self._sem.handle)
    kind = property(lambda self: self._kind)
    maxvalue = property(lambda self: self._maxvalue)
    name = property(lambda self: self._name)

    def _is_mine(self) -> bool:
        _, thread = _running()
        return self._held > 0 and self._last_tid == _tid(thread)

    def acquire(self, block: Any = True, timeout: Any = None) -> bool:
        interp, thread = _running()
        if self._kind == RECURSIVE_MUTEX and self._is_mine():
            self._held += 1
            return True
        deadline = None
        if timeout is not None:
            seconds = float(timeout)
            deadline = interp.clock_ns + max(0, round(seconds * 1e9))
        sem = self._sem
        interp.machine.sync_processes(thread)
        if sem.value == 0:
            if not block:
                return False
            wait = Wait("lock", f"{self._describe()}{self._holder()}", self)

            def call(interp: state.InterpreterState, thread: OSThread) -> bool:
                while sem.value == 0:
                    timed_out = sem.sleepers.wait(interp, thread, wait, deadline)
                    if timed_out and sem.value == 0:
                        return False
                return True

            # sem_timedwait() without the GIL; EINTR runs the handlers, then waits again
            # until the same deadline.
            if not restarting(call):
                return False
        sem.value -= 1
        self._held += 1
        self._last_tid = _tid(thread)
        sem.taken_by = f"{_thread_name(thread)} of process {interp.process.pid}"
        return True

    def release(self) -> None:
        interp, thread = _running()
        if self._kind == RECURSIVE_MUTEX:
            if not self._is_mine():
                raise AssertionError("attempt to release recursive lock not owned by thread")
            if self._held > 1:
                self._held -= 1
                return
        interp.machine.sync_processes(thread)
        sem = self._sem
        if sem.value >= self._maxvalue:
            raise ValueError("semaphore or lock released too many times")
        sem.value += 1
        self._held -= 1
        if sem.sleepers.threads:
            # sem_post wakes one sleeper; it takes the semaphore if it is still there.
            sleeper = sem.sleepers.threads.pop(0)
            interp.machine.advance(interp.clock_ns)
            interp.machine.wake(sleeper)

    def __enter__(self) -> bool:
        return self.acquire()

    def __exit__(self, *args: Any) -> None:
        self.release()

    def _count(self) -> int:
        return self._held

    def _get_value(self) -> int:
        return self._sem.value

    def _is_zero(self) -> bool:
        return self._sem.value == 0

    def _after_fork(self) -> None:
        self._held = 0

    def _describe(self) -> str:
        what = "a multiprocessing lock" if self._maxvalue == 1 else "a multiprocessing semaphore"
        return f"{what} (named semaphore {self._sem.number})" if self._name else what

    def _holder(self) -> str:
        taken_by = self._sem.taken_by
        return f", last taken by {taken_by}" if taken_by and self._maxvalue == 1 else ""

    def __repr__(self) -> str:
        return f"<_multiprocessing.SemLock object at {id(self):#x}>"


def _thread_name(thread: Any) -> str:
    from gilsim.runtime.deadlock import thread_name

    return thread_name(thread.payload.interp, thread)


def make_multiprocessing(interp: state.InterpreterState) -> ShadowModule:
    """The program's ``_multiprocessing``."""

    def sem_unlink(name: Any) -> None:
        named = _named(interp)
        if name not in named:
            raise FileNotFoundError(2, "No such file or directory")
        del named[name]

    return ShadowModule(
        _multiprocessing, {"SemLock": SemLock, "sem_unlink": sem_unlink}, frozenset()
    )
