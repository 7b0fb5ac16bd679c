"""The simulated ``_thread`` (``Modules/_threadmodule.c``): threads and locks at the C level.

``threading``, ``queue`` and ``concurrent.futures`` are the host's own Python source run
inside the simulation on top of this module, so that every switch point in them is real.

Locks follow ``acquire_timed``: first a try without releasing the GIL; only if the lock is
taken (and the caller will wait) is the GIL released around the wait in the OS lock, and
taken again afterwards (``docs/model/gil.md`` §4).  ``release`` never releases the GIL: the woken
waiter must still win the GIL from a holder that may keep computing (§7 item 9).
"""

from __future__ import annotations

import _thread
import operator
import os
import sys
import weakref
from typing import Any

from gilsim.errors import GilsimError
from gilsim.gil.watch import position_fields
from gilsim.interpreter import signals, state
from gilsim.machine import Machine, OSThread, Wait
from gilsim.paths import is_library
from gilsim.runtime import ShadowModule
from gilsim.runtime.sysmodule import unsupported
from gilsim.tracer.boundary import call_back

TIMEOUT_MAX = _thread.TIMEOUT_MAX

# Thread identifiers: pthread_t values on Linux are addresses; these look like them.
_FIRST_IDENT = 0x7F3A5C000640
_IDENT_STEP = 0x801000


def _running() -> OSThread:
    return state.current_thread().os_thread


_locks_made_outside = 0


def _describe_new_lock() -> tuple[int, str, bool]:
    """A serial number and ``lock #N (made at FILE:LINE)``: numbered per interpreter,
    located at the innermost frame of the program's own code; and whether the body of a
    library module made it, through library code only (``threading``'s
    ``_active_limbo_lock = RLock()``: the library's own bookkeeping, which every thread
    takes when it starts and when it ends)."""
    global _locks_made_outside
    ts = state.current
    if ts is None:
        _locks_made_outside += 1
        return -_locks_made_outside, "a lock", False
    interp = ts.interp
    interp.locks_made += 1
    serial = interp.locks_made
    frames = list(interp.frames(ts))
    library_global = False
    for filename, _line, name in frames:
        if not is_library(filename):
            break
        if name == "<module>":
            library_global = True
            break
    program = next((frame for frame in frames if not is_library(frame[0])), None)
    if program is None:
        return serial, f"lock #{serial}", library_global
    where = f"{os.path.basename(program[0])}:{program[1]}"
    return serial, f"lock #{serial} (made at {where})", library_global


def _in_time_order() -> None:
    """Before the running thread looks at or changes a lock: without a GIL its threads run
    at once, each up to a lookahead ahead of the others, so first let every other thread
    catch up with it (``Machine.sync_processes``).  Lock operations then happen in exactly
    their time order, whatever order the host ran the threads' slices in.  With a GIL
    there is nothing to do: only its holder runs."""
    ts = state.current
    if ts is not None and ts.interp.gil.threads_in_parallel:
        thread = ts.os_thread
        if ts.interp.machine.current is thread:
            ts.interp.machine.sync_processes(thread)


def _machine_of(thread: OSThread) -> Machine:
    return thread.payload.interp.machine


# ``lock_acquire_parse_args``'s message for a negative timeout (3.13 reworded it).
_NEGATIVE_TIMEOUT = (
    "timeout value must be a non-negative number"
    if sys.version_info >= (3, 13)
    else "timeout value must be positive"
)


def _timeout_ns(blocking: Any, timeout: Any) -> int | None:
    """``lock_acquire_parse_args``: None waits forever, 0 only tries."""
    if not isinstance(blocking, int | float | bool):
        raise TypeError(f"'{type(blocking).__name__}' object cannot be interpreted as an integer")
    if not isinstance(timeout, int | float):
        raise TypeError(f"'{type(timeout).__name__}' object cannot be interpreted as an integer")
    if not blocking and timeout != -1:
        raise ValueError("can't specify a timeout for a non-blocking call")
    if timeout < 0 and timeout != -1:
        raise ValueError(_NEGATIVE_TIMEOUT)
    if not blocking:
        return 0
    if timeout == -1:
        return None
    if timeout * 1e9 >= 2**63:
        raise OverflowError("timestamp out of range for platform time_t")
    if timeout > TIMEOUT_MAX:
        raise OverflowError("timeout value is too large")
    return round(timeout * 1e9)


class lock:  # noqa: N801 - CPython's name: ``_thread.lock``
    """A simulated ``_thread.lock``: a binary semaphore whose waiters are simulated threads."""

    __slots__ = (
        "_locked",
        "_waiters",
        "_owner",
        "_sentinel_of",
        "_serial",
        "_name",
        "_library_global",
        "__weakref__",
    )

    def __init__(self) -> None:
        self._locked = False
        self._waiters: list[OSThread] = []
        # For reports: who holds it, whose end it stands for (a sentinel), and a name that
        # is the same in every run (no address): a serial number and where it was made.
        self._owner: OSThread | None = None
        self._sentinel_of: OSThread | None = None
        self._serial, self._name, self._library_global = _describe_new_lock()

    def acquire(self, blocking: Any = True, timeout: Any = -1) -> bool:
        timeout_ns = _timeout_ns(blocking, timeout)
        _in_time_order()
        if not self._locked:
            self._take()
            return True
        if timeout_ns == 0:
            return False
        thread = _running()
        interp = state.current_thread().interp
        machine = _machine_of(thread)
        end = None if timeout_ns is None else machine.now_ns() + timeout_ns
        while True:
            interp.gil.drop_gil(thread)  # Py_BEGIN_ALLOW_THREADS
            try:
                acquired = self._wait(thread, end)
            finally:
                interp.gil.take_gil(thread)  # Py_END_ALLOW_THREADS
            if acquired is not None:
                return acquired
            # ``acquire_timed``: interrupted by a signal (PY_LOCK_INTR), the main thread runs
            # its handlers (``Py_MakePendingCalls``); what they raise propagates, else the
            # wait goes on for what is left of the timeout.
            signals.handle_signals(interp)

    def _take(self) -> None:
        self._locked = True
        ts = state.current
        self._owner = ts.os_thread if ts is not None else None
        if ts is not None:
            if ts.interp.recorder is not None:
                ts.interp.recorder.acquired(self, ts.os_thread.ident)  # happens-before
            self._trace("lock_acquire", ts.os_thread)

    def _wait(self, thread: OSThread, end: int | None) -> bool | None:
        """``PyThread_acquire_lock_timed`` without the GIL: wait in the OS lock until
        virtual time ``end`` (ns; None: for ever).  None if a signal interrupted the wait
        of the main thread (``PY_LOCK_INTR``)."""
        machine = _machine_of(thread)
        wait = Wait("lock", self._name, self)
        while self._locked:
            if signals.interrupted(thread):
                return None  # (also when it came before the wait: it would wait for ever)
            remaining = None if end is None else end - machine.now_ns()
            if remaining is not None and remaining <= 0:
                return False
            self._waiters.append(thread)
            machine.block(thread, wait, remaining)
            if thread in self._waiters:
                self._waiters.remove(thread)
            _in_time_order()  # woken: look again once the others have caught up
        self._locked = True
        self._owner = thread
        recorder = thread.payload.interp.recorder
        if recorder is not None:
            recorder.acquired(self, thread.ident)  # happens-before
        self._trace("lock_acquire", thread)
        return True

    def _trace(self, event: str, thread: OSThread) -> None:
        """Record ``lock_acquire`` or ``lock_release`` in the trace, if one is kept: the
        schedule graph joins a release to the next acquire of the same lock."""
        machine = _machine_of(thread)
        if machine.tracing:
            ended = self._sentinel_of
            machine.record_at(
                thread.clock.clock_ns,
                event,
                thread=thread.ident,
                lock=self._serial,
                name=self._name,
                library=self._library_global,
                sentinel_of=ended.ident if ended is not None else None,
                **position_fields(thread),
            )

    def release(self) -> None:
        _in_time_order()
        if not self._locked:
            raise RuntimeError("release unlocked lock")
        ts = state.current
        if ts is not None:
            if ts.interp.recorder is not None:
                ts.interp.recorder.released(self, ts.os_thread.ident)  # happens-before
            self._trace("lock_release", ts.os_thread)
        self._locked = False
        self._owner = None
        if self._waiters:
            waiter = self._waiters.pop(0)
            _machine_of(waiter).wake(waiter)

    def locked(self) -> bool:
        _in_time_order()
        return self._locked

    def __hash__(self) -> int:
        # By creation number, not address: ``threading`` keeps its shutdown locks in a set
        # and iterates over it, and a run must do the same in the same order every time.
        return self._serial

    def _at_fork_reinit(self) -> None:
        self._locked = False
        self._waiters = []

    acquire_lock = acquire
    release_lock = release
    locked_lock = locked

    def __enter__(self) -> bool:
        return self.acquire()

    def __exit__(self, *exc: Any) -> None:
        self.release()

    def __repr__(self) -> str:
        status = "locked" if self._locked else "unlocked"
        return f"<{status} _thread.lock object at {id(self):#x}>"


lock.__module__ = "_thread"


class RLock:
    """``_thread.RLock`` (``rlockobject``): an owner and a count over a ``lock``."""

    __slots__ = ("_lock", "_owner", "_count", "__weakref__")

    def __init__(self) -> None:
        self._lock = lock()
        self._owner = 0
        self._count = 0

    def acquire(self, blocking: Any = True, timeout: Any = -1) -> bool:
        _timeout_ns(blocking, timeout)
        me = get_ident()
        if self._count > 0 and self._owner == me:
            self._count += 1
            return True
        if not self._lock.acquire(blocking, timeout):
            return False
        self._owner = me
        self._count = 1
        return True

    def release(self) -> None:
        if self._count == 0 or self._owner != get_ident():
            raise RuntimeError("cannot release un-acquired lock")
        self._count -= 1
        if self._count == 0:
            self._owner = 0
            self._lock.release()

    def _is_owned(self) -> bool:
        return self._count > 0 and self._owner == get_ident()

    def _recursion_count(self) -> int:
        return self._count if self._owner == get_ident() else 0

    def _release_save(self) -> tuple[int, int]:
        if self._count == 0:
            raise RuntimeError("cannot release un-acquired lock")
        saved = (self._count, self._owner)
        self._count = 0
        self._owner = 0
        self._lock.release()
        return saved

    def _acquire_restore(self, saved: tuple[int, int]) -> None:
        self._lock.acquire()
        self._count, self._owner = saved

    def _at_fork_reinit(self) -> None:
        self._lock._at_fork_reinit()
        self._owner = 0
        self._count = 0

    def __enter__(self) -> bool:
        return self.acquire()

    def __exit__(self, *exc: Any) -> None:
        self.release()

    def __repr__(self) -> str:
        status = "locked" if self._lock.locked() else "unlocked"
        return (
            f"<{status} _thread.RLock object owner={self._owner} count={self._count} "
            f"at {id(self):#x}>"
        )


RLock.__module__ = "_thread"


# Per ``_local`` object (by id): each thread's dictionary, and the arguments to run
# ``__init__`` with in a thread that has none yet.
_LOCAL_STATE: dict[int, tuple[dict[int, dict[str, Any]], tuple[Any, Any]]] = {}


class _local:  # noqa: N801 - CPython's name
    """``_thread._local``: attributes seen only by the thread that set them.  Each thread
    gets its own ``__dict__``, made (and ``__init__`` run again) on its first access, as the
    C implementation does (``_ldict``)."""

    def __new__(cls, *args: Any, **kwargs: Any) -> Any:
        if (args or kwargs) and cls.__init__ is object.__init__:
            raise TypeError("Initialization arguments are not supported")
        self = object.__new__(cls)
        key = id(self)
        first = object.__getattribute__(self, "__dict__")
        _LOCAL_STATE[key] = ({get_ident(): first}, (args, kwargs))
        weakref.finalize(self, _LOCAL_STATE.pop, key, None)
        return self

    def __getattribute__(self, name: str) -> Any:
        _select(self)
        return object.__getattribute__(self, name)

    def __setattr__(self, name: str, value: Any) -> None:
        if name == "__dict__":
            raise AttributeError("'_thread._local' object attribute '__dict__' is read-only")
        _select(self)
        object.__setattr__(self, name, value)

    def __delattr__(self, name: str) -> None:
        if name == "__dict__":
            raise AttributeError("'_thread._local' object attribute '__dict__' is read-only")
        _select(self)
        object.__delattr__(self, name)


_local.__module__ = "_thread"


def _select(local: Any) -> None:
    """Make the running thread's dictionary the one ``local`` shows."""
    entry = _LOCAL_STATE.get(id(local))
    if entry is None:
        return
    dicts, (args, kwargs) = entry
    me = get_ident()
    mine = dicts.get(me)
    if mine is None:
        mine = dicts[me] = {}
        object.__setattr__(local, "__dict__", mine)
        init = type(local).__init__
        if init is not object.__init__:
            call_back(init, local, *args, **kwargs)
    elif object.__getattribute__(local, "__dict__") is not mine:
        object.__setattr__(local, "__dict__", mine)


def get_ident() -> int:
    """The thread's ``pthread_t``: a fork child's thread keeps the forking thread's, as
    ``fork(2)`` keeps ``pthread_self()`` (so ``threading._after_fork`` finds the thread in
    ``_active`` instead of making a new ``_MainThread``)."""
    thread = _running()
    return thread.pthread or thread.ident


def get_native_id() -> int:
    return _running().payload.native_id


def _set_sentinel() -> lock:
    """A lock that the calling thread acquires, released when the thread's state is
    deleted (``join`` waits on it; ``threading.Thread._set_tstate_lock``)."""
    sentinel = lock()
    sentinel._sentinel_of = _running()
    state.current_thread().sentinels.append(sentinel)
    return sentinel


def stack_size(size: int = 0, /) -> int:
    """``thread_stack_size``: sets the stack size of the threads started from now on (0,
    also with no argument: the platform's) and returns what it was.  Simulated threads
    have no stack of their own; the size is only kept."""
    size = operator.index(size)
    if size < 0:
        raise ValueError("size must be 0 or a positive value")
    if size != 0 and size < 32768:  # ``_pythread_pthread_set_stacksize``'s minimum
        raise ValueError(f"size not valid: {size} bytes")
    interp = state.current_thread().interp
    old: int = getattr(interp, "thread_stack_size", 0)
    setattr(interp, "thread_stack_size", size)  # noqa: B010 - not an attribute of 3.11's
    return old


def exit() -> None:
    raise SystemExit


def interrupt_main(signum: int = 2) -> None:
    raise unsupported("_thread.interrupt_main()")


def _excepthook(args: Any) -> None:
    """``thread_excepthook``: "Exception in thread NAME:" and the traceback on stderr."""
    if len(args) != 4:
        raise TypeError("_thread._excepthook argument type must be ExceptHookArgs")
    exc_type, exc_value, exc_tb, thread = args
    if exc_type is SystemExit:
        return
    stream = sys.stderr
    if stream is None and thread is not None:
        stream = getattr(thread, "_stderr", None)
    if stream is None:
        return
    name = getattr(thread, "name", None) if thread is not None else None
    if name is None:
        name = get_ident()
    stream.write(f"Exception in thread {name}:\n")
    interp = state.current_thread().interp
    stream.write(interp.format_exception(exc_value) if exc_value is not None else f"{exc_type}\n")
    stream.flush()


def make_thread_module(interp: state.InterpreterState) -> ShadowModule:
    """The program's ``_thread``."""
    return ShadowModule(_thread, thread_functions(interp, {"count": 0}), frozenset())


def thread_functions(interp: state.InterpreterState, threads: dict[str, Any]) -> dict[str, Any]:
    """What the shadow ``_thread`` of ``interp`` replaces; ``threads["count"]`` counts the
    threads it started that still run."""

    def start_new_thread(function: Any, args: Any, kwargs: Any = None) -> int:
        if not callable(function):
            raise TypeError("first arg must be callable")
        if not isinstance(args, tuple):
            raise TypeError("2nd arg must be a tuple")
        if kwargs is not None and not isinstance(kwargs, dict):
            raise TypeError("optional 3rd arg must be a dictionary")
        return start_thread(interp, threads, function, args, kwargs or {}).ident

    def _count() -> int:
        return threads["count"]

    overrides = {
        "start_new_thread": start_new_thread,
        "start_new": start_new_thread,
        "allocate_lock": lock,
        "allocate": lock,
        "LockType": lock,
        "RLock": RLock,
        "_local": _local,
        "get_ident": get_ident,
        "get_native_id": get_native_id,
        "_set_sentinel": _set_sentinel,
        "_count": _count,
        "stack_size": stack_size,
        "exit": exit,
        "exit_thread": exit,
        "interrupt_main": interrupt_main,
        "_excepthook": _excepthook,
        "_ExceptHookArgs": _thread._ExceptHookArgs,
        "TIMEOUT_MAX": TIMEOUT_MAX,
        "error": RuntimeError,
    }
    return overrides


def start_thread(
    interp: state.InterpreterState,
    threads: dict[str, Any],
    function: Any,
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
    on_exit: Any = None,
) -> OSThread:
    """``do_start_new_thread``: a new OS thread that takes the GIL and calls ``function``;
    when it is done, its thread state is deleted (the GIL dropped), then ``on_exit`` runs
    (3.13's thread handles are marked done there).  ``threads["count"]`` counts the
    running ones (``_thread._count``)."""
    ts, thread = new_thread(interp, None)
    if interp.recorder is not None:
        interp.recorder.started(_running().ident, thread.ident)  # happens-before
    if interp.machine.tracing:
        parent = _running()
        interp.machine.record_at(
            interp.clock_ns,
            "thread_start",
            thread=parent.ident,
            child=thread.ident,
            **position_fields(parent),
        )
    # ``threading`` starts ``Thread._bootstrap``: its owner knows the thread's name.
    thread.owner = getattr(function, "__self__", None)
    threads["count"] += 1

    def thread_run() -> None:
        interp.gil.take_gil(thread)  # PyEval_AcquireThread
        try:
            interp.call_program(function, *args, **kwargs)
        except GilsimError:
            raise
        except SystemExit:
            pass
        except BaseException as exc:
            interp.write_unraisable(f"in thread started by: {function!r}", exc)
        finally:
            threads["count"] -= 1
        delete_thread_state(ts)
        if on_exit is not None:
            on_exit()

    thread.body = thread_run
    if interp.refcounts is not None:
        # 3.13t makes the objects of deferred reference counting immortal here.
        interp.refcounts.counts.thread_started(interp.clock_ns)
    interp.machine.start(thread, own_domain=interp.gil.threads_in_parallel)
    return thread


def new_thread(
    interp: state.InterpreterState, name: str | None, number: int | None = None
) -> tuple[Any, OSThread]:
    """A thread state and the OS thread it runs on (its body is set by the caller); its
    ``number`` on the machine, if the machine gave it already."""
    ts = state.ThreadState(interp)
    if number is None:
        number = interp.machine.next_thread_number()
    thread = OSThread(
        ident=_FIRST_IDENT + number * _IDENT_STEP,
        name=name or f"thread {number}",
        body=lambda: None,
        clock=interp,
        payload=ts,
        process=interp.process.number if interp.process is not None else 0,
    )
    ts.os_thread = thread
    # Linux gives a process's main thread the process's pid as its id, and later threads
    # the next numbers (``alloc_pid``): here the virtual pid (``processes.table``) and the
    # thread's number in the run.
    ts.native_id = (interp.process.pid if interp.process is not None else os.getpid()) + number
    return ts, thread


def delete_thread_state(ts: Any) -> None:
    """``PyThreadState_Clear`` and ``_PyThreadState_DeleteCurrent``: release the sentinel
    locks (``join`` wakes), then drop the GIL for good."""
    for sentinel in ts.sentinels:
        if sentinel.locked():
            sentinel.release()
    ts.sentinels.clear()
    ts.interp.gil.drop_gil(ts.os_thread)
