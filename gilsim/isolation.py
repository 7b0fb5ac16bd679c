"""One run, one host process: a program on the host's own interpreter runs with gilsim's
shadows in ``sys.modules`` and its threads' frames suspended in greenlets, none of which may
leak into the caller's process (a notebook, a test session, a Sphinx build).  So
``gilsim.run()`` runs each such simulation in a child of the caller, made by ``fork``
(``call_in_child``), which sends its result back pickled and ends with ``os._exit``, running
no finaliser of the program's.

Forking is what ``multiprocessing``'s fork start method does; the child runs nothing of the
caller's but gilsim.  A caller with other threads gets Python's warning about forking one
(gh-100228) only if those threads could hold a lock the child needs: the child writes its
result with ``os.write`` and its output goes to memory.

Ctrl-C is the caller's: the child ignores SIGINT, and a caller interrupted while it waits
(``KeyboardInterrupt``, or ``gilsim explore``'s stop) kills the child before it goes on.
"""

from __future__ import annotations

import gc
import os
import pickle
import signal
import sys
import warnings
from collections.abc import Callable
from typing import Any, TypeVar

from gilsim.errors import InternalError

T = TypeVar("T")

# In a child made by ``call_in_child``: the pid and parent pid of the process that asked for
# the run, which the simulated first process stands for on the host (its ``os.kill`` of its
# parent signals the caller's parent, as a run in the caller itself would).
_CALLER: tuple[int, int] | None = None


def caller_ids() -> tuple[int, int]:
    """``(pid, ppid)`` of the process that asked for the run."""
    return _CALLER if _CALLER is not None else (os.getpid(), os.getppid())


def call_in_child(function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """``function(*args, **kwargs)`` in a forked child; its result or its exception."""
    read_end, write_end = os.pipe()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except Exception:
            pass
    caller = caller_ids()
    # The child's collector leaves what the caller has alone (``gc.freeze``, as a server
    # does before it forks workers): the run's first collection looks at none of it, and no
    # finaliser of the caller's garbage runs in the child.
    gc.freeze()
    # SIGINT waits until the parent is ready to kill the child (below): a handler that
    # raised during the fork would raise in an at-fork hook (``logging``'s), which prints
    # and drops the exception.
    mask = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    pid = -1
    try:
        with warnings.catch_warnings():
            # The child does not use the caller's other threads' locks (see the module).
            warnings.simplefilter("ignore", DeprecationWarning)
            pid = os.fork()
    except BaseException:
        signal.pthread_sigmask(signal.SIG_SETMASK, mask)
        raise
    finally:
        if pid != 0:
            gc.unfreeze()
    if pid == 0:  # the child
        global _CALLER
        _CALLER = caller
        # Ctrl-C is the caller's to answer: the program must not take a terminal's SIGINT
        # for its own ``KeyboardInterrupt``; an interrupted caller kills the child (below).
        try:
            signal.signal(signal.SIGINT, signal.SIG_IGN)
        except ValueError:
            pass  # not the main thread of the child's interpreter (cannot be, after fork)
        signal.pthread_sigmask(signal.SIG_SETMASK, mask)
        os.close(read_end)
        status = 0
        try:
            outcome: tuple[str, Any] = ("value", function(*args, **kwargs))
        except BaseException as exc:
            outcome = ("error", exc)
        try:
            data = pickle.dumps(outcome)
        except Exception as exc:
            data = pickle.dumps(("error", InternalError(f"gilsim could not send a result: {exc}")))
        try:
            for stream in (sys.stdout, sys.stderr):
                try:
                    stream.flush()
                except Exception:
                    pass
            view = memoryview(data)
            while view:
                view = view[os.write(write_end, view) :]
        except BaseException:
            status = 1
        os._exit(status)
    chunks = []
    try:
        os.close(write_end)
        signal.pthread_sigmask(signal.SIG_SETMASK, mask)
        while True:
            chunk = os.read(read_end, 1 << 20)
            if not chunk:
                break
            chunks.append(chunk)
    except BaseException:
        # Interrupted (Ctrl-C, ``KeyboardInterrupt`` or a search's stop): the run is not
        # wanted any more, and waiting for it could take as long as it does.
        os.kill(pid, signal.SIGKILL)
        raise
    finally:
        os.close(read_end)
        _, wait_status = os.waitpid(pid, 0)
    if not chunks:
        raise InternalError(
            f"gilsim's run ended without a result (wait status {wait_status}): the host "
            "process running it died"
        )
    kind, value = pickle.loads(b"".join(chunks))
    if kind == "error":
        raise value
    return value
