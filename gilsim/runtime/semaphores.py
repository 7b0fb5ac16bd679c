"""The simulated ``_multiprocessing`` (``Modules/_multiprocessing/semaphore.c``): ``SemLock``,
the lock under every ``multiprocessing`` primitive (``Lock``, ``RLock``, ``Semaphore``,
``Condition``, ``Event``, a ``Queue``'s locks, a ``Value``'s lock).

A ``SemLock`` is the handle of a POSIX semaphore (``sem_open``), which the simulated kernel
keeps and which every operation reaches by a system call (``gilsim.runtime.posixsem``), plus,
in the process's own memory, a count of how many times this process's holder took it and
which thread did (``last_tid``).  So across ``fork`` the semaphore itself is *shared* (the
child's copy holds the same handle, as a named semaphore is one kernel object) while the
count is *copied*: the fork child has the parent's count until ``multiprocessing`` resets it
(``_after_fork``).  Spawn children re-open the semaphore by name (``_rebuild``).

As in ``semaphore.c``: ``acquire`` first tries without releasing the GIL (``sem_trywait``) and
only then waits without it, with a timeout if given; ``release`` of a lock (``maxvalue`` 1)
that is not taken raises "semaphore or lock released too many times"; a recursive lock
released by a thread that does not own it raises ``AssertionError``.  Every operation is one
another process can see, so it first waits until every other process has caught up
(``Machine.sync_processes``): the lost updates of ``Value`` happen exactly where they can.
"""

from __future__ import annotations

import _multiprocessing
import errno
import operator
from typing import Any

from gilsim.interpreter import state
from gilsim.runtime import ShadowModule, posixsem, syscall

RECURSIVE_MUTEX, SEMAPHORE = 0, 1
SEM_VALUE_MAX = _multiprocessing.SemLock.SEM_VALUE_MAX


def _running() -> tuple[state.InterpreterState, Any]:
    ts = state.current_thread()
    return ts.interp, ts.os_thread


def _tid(thread: Any) -> int:
    return int(thread.pthread or thread.ident)


def _type_name(obj: Any) -> str:
    """How Argument Clinic names a wrong argument's type (``_PyArg_BadArgument``)."""
    return "None" if obj is None else type(obj).__name__


class SemLock:
    """``_multiprocessing.SemLock``: the semaphore's handle, and what this process keeps of
    it in its own memory."""

    __slots__ = ("_handle", "_kind", "_maxvalue", "_name", "_held", "_last_tid", "__weakref__")

    SEM_VALUE_MAX = SEM_VALUE_MAX

    def __init__(self, kind: Any, value: Any, maxvalue: Any, name: Any, unlink: Any) -> None:
        # Argument Clinic's converters (``_multiprocessing_SemLock``): "i", "i", "i", "s",
        # "p".
        kind, value, maxvalue = (int(operator.index(n)) for n in (kind, value, maxvalue))
        if not isinstance(name, str):
            raise TypeError(f"SemLock() argument 'name' must be str, not {_type_name(name)}")
        if kind not in (RECURSIVE_MUTEX, SEMAPHORE):
            raise ValueError("unrecognized kind")
        unlink = bool(unlink)
        handle = syscall.held(posixsem.sem_open, str(name), value, unlink)
        # An unlinked semaphore has no name any more (``name`` is None, as in C).
        self._init(handle, kind, maxvalue, None if unlink else str(name))

    def _init(self, handle: int, kind: int, maxvalue: int, name: str | None) -> None:
        self._handle = handle
        self._kind = kind
        self._maxvalue = maxvalue
        self._name = name
        self._held = 0
        self._last_tid = 0

    @classmethod
    def _rebuild(cls, handle: Any, kind: Any, maxvalue: Any, name: Any) -> SemLock:
        """Open the semaphore again by name (a spawned child)."""
        kind, maxvalue = (int(operator.index(n)) for n in (kind, maxvalue))
        if name is not None and not isinstance(name, str):
            raise TypeError(f"_rebuild() argument 4 must be str or None, not {_type_name(name)}")
        opened = syscall.held(posixsem.sem_open, name, None, False)
        made = cls.__new__(cls)
        made._init(opened, kind, maxvalue, name)
        return made

    handle = property(lambda self: self._handle)
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
        interp.machine.sync_processes(thread)
        # sem_trywait() first, with the GIL held; only then sem_timedwait() without it,
        # and after EINTR the handlers run and it waits again until the same deadline.
        if not syscall.held(posixsem.sem_trywait, self._handle):
            if not block:
                return False
            taken = syscall.restarting(
                posixsem.sem_timedwait, self._handle, deadline, self._maxvalue
            )
            if not taken:
                return False
        self._held += 1
        self._last_tid = _tid(thread)
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
        try:
            syscall.held(posixsem.sem_post, self._handle, self._maxvalue)
        except OSError as exc:
            if exc.errno != errno.EOVERFLOW:
                raise
            raise ValueError("semaphore or lock released too many times") from None
        self._held -= 1

    def __enter__(self) -> bool:
        return self.acquire()

    def __exit__(self, *args: Any) -> None:
        self.release()

    def _count(self) -> int:
        return self._held

    def _get_value(self) -> int:
        return syscall.held(posixsem.sem_getvalue, self._handle)

    def _is_zero(self) -> bool:
        return syscall.held(posixsem.sem_getvalue, self._handle) == 0

    def _after_fork(self) -> None:
        self._held = 0

    def __repr__(self) -> str:
        return f"<_multiprocessing.SemLock object at {id(self):#x}>"


def make_multiprocessing(interp: state.InterpreterState) -> ShadowModule:
    """The program's ``_multiprocessing``."""

    def sem_unlink(name: Any) -> None:
        if not isinstance(name, str):
            raise TypeError(f"sem_unlink() argument must be str, not {_type_name(name)}")
        syscall.held(posixsem.sem_unlink, name)

    return ShadowModule(
        _multiprocessing, {"SemLock": SemLock, "sem_unlink": sem_unlink}, frozenset()
    )
