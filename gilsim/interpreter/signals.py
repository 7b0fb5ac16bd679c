"""Signals sent to gilsim's own process, delivered to the simulated program as CPython
delivers them (``Modules/signalmodule.c``, ``Python/ceval_gil.c``).

Notes about the implementation:

- The host's handlers (``route``) run wherever the host happens to be: in a simulated
  thread's bytecode, in the machine's hub, in gilsim's own code.  So they only set flags,
  as CPython's C handler does (``trip_signal``): the signal is *tripped* (``tripped``),
  ``signals_pending`` and ``eval_breaker`` are set, and the machine is told
  (``Machine.interrupted``).  Nothing is raised where the host was.

- Only the main thread of the main interpreter runs Python signal handlers
  (``_Py_ThreadCanHandleSignals``).  The eval breaker stays set while a signal is pending
  (``COMPUTE_EVAL_BREAKER``), so the main thread acts at its next check point
  (``check_signals``, after ``eval_frame_handle_pending``); another thread that reaches one
  only wakes the main thread if it is blocked.

- A main thread blocked in ``lock.acquire()``, ``time.sleep()`` or a system call that
  sleeps (``Wait.kind`` "io", "process") is woken (POSIX delivers the signal to the main
  thread and its wait fails with ``EINTR``; lock waits are interruptible since 3.2,
  bpo-8844).  The blocking call then runs the handlers with the GIL (``acquire_timed``:
  ``Py_MakePendingCalls``; ``pysleep``, ``_Py_read`` and the others:
  ``PyErr_CheckSignals``) and, if none raised, goes on waiting for what is left of its
  timeout (PEP 475; ``kernel.restarting``).

- SIGINT's handler is ``signal.default_int_handler`` unless the program set another: it
  raises ``KeyboardInterrupt``.  A program's own callable runs instead, in the main thread;
  ``SIG_IGN`` does nothing, ``SIG_DFL`` ends the process by the signal.

- A second SIGINT, or SIGTERM or SIGHUP, is for gilsim, not for the program: the run stops
  at the next check point or pass of the hub (``Interrupted``), and the command writes what
  it has before it ends by that signal.  From then on SIGINT has its default action: a third
  Ctrl-C kills gilsim at once.
"""

from __future__ import annotations

import contextlib
import signal
from collections.abc import Iterator
from typing import Any

from gilsim.errors import Interrupted, ProcessExit

# What a blocked main thread can be woken from by a signal (``Wait.kind``).
INTERRUPTIBLE = frozenset({"lock", "sleep", "io", "process"})

# The signals that stop gilsim itself, after it wrote its files.
STOPPING = (signal.SIGTERM, signal.SIGHUP)


@contextlib.contextmanager
def route(interp: Any) -> Iterator[None]:
    """Route SIGINT, SIGTERM and SIGHUP sent to gilsim to ``interp``'s process for the run,
    then give the host back its previous handlers."""
    interp.machine.on_interrupt = lambda: on_interrupt(interp)

    def on_sigint(signum: int, frame: Any) -> None:
        if interp.interrupts:
            signal.signal(signal.SIGINT, signal.SIG_DFL)  # a third one kills at once
            stop(interp, Interrupted("a second Ctrl-C stopped the run", signum))
            return
        interp.interrupts += 1
        trip_signal(interp, signum)

    def on_stop(signum: int, frame: Any) -> None:
        stop(interp, Interrupted(f"{signal.Signals(signum).name} stopped the run", signum))

    saved = {signal.SIGINT: signal.signal(signal.SIGINT, on_sigint)}
    for signum in STOPPING:
        saved[signum] = signal.signal(signum, on_stop)
    try:
        yield
    finally:
        for signum, handler in saved.items():
            if signum != signal.SIGINT or signal.getsignal(signum) is on_sigint:
                signal.signal(signum, handler)


def trip_signal(interp: Any, signum: int) -> None:
    """``trip_signal``: mark ``signum`` as arrived and make the main thread look at it."""
    if signum not in interp.tripped:
        interp.tripped.append(signum)
    interp.signals_pending = True
    interp.eval_breaker = True
    interp.machine.interrupted = True


def stop(interp: Any, error: Interrupted) -> None:
    """Ask the run to stop at its next check point or pass of the hub."""
    if interp.stop_request is None:
        interp.stop_request = error
    interp.signals_pending = True  # so that every check point looks
    interp.eval_breaker = True
    interp.machine.interrupted = True


def on_interrupt(interp: Any) -> None:
    """In the hub: stop the run if asked, or wake a main thread blocked where a signal
    interrupts it."""
    if interp.stop_request is not None:
        raise interp.stop_request
    wake_main(interp)


def check_signals(interp: Any, thread: Any) -> None:
    """At a check point that found ``eval_breaker`` set, after the GIL's part
    (``_Py_HandlePending``): stop if asked; in the main thread, run the handlers of the
    signals that arrived (raising what they raise); in another, wake the main thread."""
    if interp.stop_request is not None:
        raise interp.stop_request
    if not interp.signals_pending:
        return
    if thread is interp.process.main_thread:
        handle_signals(interp)
    else:
        wake_main(interp)


def interrupted(thread: Any) -> bool:
    """Whether ``thread``, just woken in a blocking call, must stop waiting: it is a main
    thread with a signal pending, or the run is to stop."""
    interp = thread.payload.interp
    if interp.stop_request is not None:
        return True
    return bool(interp.signals_pending) and thread is interp.process.main_thread


def wake_main(interp: Any) -> None:
    """Wake the main thread if it is blocked where a signal interrupts its wait."""
    main = interp.process.main_thread
    wait = interp.machine.blocked_in(main) if main is not None else None
    if wait is None:
        return
    if interp.stop_request is not None or wait.kind in INTERRUPTIBLE:
        interp.machine.wake(main)


def handle_signals(interp: Any) -> None:
    """``_PyErr_CheckSignalsTstate`` in the main thread, holding the GIL: run each tripped
    signal's handler; what a handler raises propagates (``KeyboardInterrupt``).  The
    handler's ``frame`` argument is None here (CPython passes the main thread's frame)."""
    if interp.stop_request is not None:
        raise interp.stop_request
    interp.signals_pending = False
    while interp.tripped:
        signum = interp.tripped.pop(0)
        handler = interp.signals.get(signum, signal.SIG_DFL)
        if handler is signal.SIG_IGN:
            continue
        if handler is signal.SIG_DFL:
            raise ProcessExit(signum)  # the default action: the process dies of it
        if handler is signal.default_int_handler:
            raise KeyboardInterrupt
        interp.call_program(handler, signum, None)
