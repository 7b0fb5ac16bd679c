"""The ``_thread`` of 3.12 and 3.13, as their ``threading`` uses it
(``Modules/_threadmodule.c``).

3.12's ``threading`` is 3.11's, with ``daemon_threads_allowed`` and ``_is_main_interpreter``
(subinterpreters, PEP 684: gilsim runs the main interpreter only).  3.13's joins threads
through *thread handles* instead of the ``_tstate_lock`` sentinel:

- ``start_joinable_thread(function, handle=None, daemon=True)`` starts a thread and returns
  its ``_ThreadHandle``; a non-daemon thread's handle goes on the list ``_shutdown`` joins.
- ``_ThreadHandle.join(timeout=None)`` waits, without the GIL, until the thread has exited;
  ``is_done()`` says whether it has; ``_set_done()`` marks it so (``threading._shutdown``
  does it for the main thread).
- A thread is done after its thread state is deleted and the GIL dropped (``thread_run``:
  ``_PyThreadState_DeleteCurrent``, then ``_PyEvent_Notify(&handle->thread_is_exiting)``).

A handle is done when its lock, held while the thread runs, is released: a joiner waits on
it as ``join`` waits on the sentinel in 3.12, and a deadlock report says "the end of T".
"""

from __future__ import annotations

import _thread
from typing import Any

from gilsim.interpreter import state
from gilsim.runtime import ShadowModule
from gilsim.runtime.threadmodule import (
    _timeout_ns,
    get_ident,
    lock,
    start_thread,
    thread_functions,
)

# ``ThreadHandleState``.
NOT_STARTED, STARTING, RUNNING, DONE = range(4)


class _ThreadHandle:  # noqa: N801 - CPython's name
    """``_thread._ThreadHandle`` (3.13)."""

    __slots__ = ("_ident", "_state", "_exited", "__weakref__")

    def __init__(self) -> None:
        self._ident = 0
        self._state = NOT_STARTED
        self._exited = lock()

    @property
    def ident(self) -> int:
        return self._ident

    def _started(self, ident: int, thread: Any) -> None:
        self._ident = ident
        self._state = RUNNING
        self._exited.acquire()
        self._exited._sentinel_of = thread

    def join(self, timeout: Any = None) -> None:
        """``ThreadHandle_join``: wait until the thread has exited (a negative timeout
        waits for ever, as ``None`` does)."""
        if timeout is None or (isinstance(timeout, int | float) and timeout < 0):
            timeout_arg = -1.0
        else:
            _timeout_ns(True, timeout)  # the same errors as ``lock.acquire``
            timeout_arg = timeout
        if self._state == NOT_STARTED:
            raise RuntimeError("thread not started")
        if self._state != DONE and self._ident == get_ident():
            raise RuntimeError("Cannot join current thread")
        if self._state == DONE:
            # Its end happens before the join returns, as when ``join`` waits on the lock
            # (``gilsim.races.happens_before``).
            ts = state.current
            if ts is not None and ts.interp.recorder is not None:
                ts.interp.recorder.acquired(self._exited, ts.os_thread.ident)
            return
        if self._exited.acquire(True, timeout_arg):
            self._exited.release()

    def is_done(self) -> bool:
        return self._state == DONE

    def _set_done(self) -> None:
        if self._state == NOT_STARTED:
            raise RuntimeError("thread not started")
        if self._state == DONE:
            return
        self._state = DONE
        if self._exited.locked():
            self._exited.release()

    def __repr__(self) -> str:
        return f"<_thread._ThreadHandle object: ident={self._ident}>"


_ThreadHandle.__module__ = "_thread"


def make_host_thread_module(interp: Any) -> ShadowModule:
    """The shadow ``_thread`` of ``interp``, on the host's interpreter: what the host
    version's ``threading`` takes from it."""
    threads: dict[str, Any] = {"count": 0}
    functions = thread_functions(interp, threads)
    shutdown_handles: list[_ThreadHandle] = []

    def daemon_threads_allowed() -> bool:
        return True

    def _is_main_interpreter() -> bool:
        return True

    def start_joinable_thread(function: Any, handle: Any = None, daemon: Any = True) -> Any:
        if not callable(function):
            raise TypeError("thread function must be callable")
        if handle is None:
            handle = _ThreadHandle()
        elif not isinstance(handle, _ThreadHandle):
            raise TypeError("'handle' must be a _ThreadHandle")
        if handle._state != NOT_STARTED:
            raise RuntimeError("thread already started")
        if not daemon:
            shutdown_handles.append(handle)

        def exited() -> None:
            if handle in shutdown_handles:
                shutdown_handles.remove(handle)
            handle._set_done()

        thread = start_thread(interp, threads, function, (), {}, on_exit=exited)
        handle._started(thread.ident, thread)
        return handle

    def _make_thread_handle(ident: Any) -> _ThreadHandle:
        handle = _ThreadHandle()
        handle._started(ident, None)
        return handle

    def _get_main_thread_ident() -> int:
        return interp.main_ident

    def _shutdown() -> None:
        """Wait for every non-daemon thread but the caller to exit."""
        me = get_ident()
        while True:
            # (A fork child's copies of other threads' handles are done: ``hostfork``.)
            waiting = [h for h in shutdown_handles if h.ident != me and not h.is_done()]
            if not waiting:
                return
            waiting[0].join()

    functions["daemon_threads_allowed"] = daemon_threads_allowed
    functions["_is_main_interpreter"] = _is_main_interpreter
    if interp.version.info >= (3, 13):
        functions.update(
            {
                "start_joinable_thread": start_joinable_thread,
                "_ThreadHandle": _ThreadHandle,
                "_make_thread_handle": _make_thread_handle,
                "_get_main_thread_ident": _get_main_thread_ident,
                "_shutdown": _shutdown,
            }
        )
        # 3.13 has no sentinel: ``threading`` joins through handles.
        del functions["_set_sentinel"]
    return ShadowModule(_thread, functions, frozenset())
