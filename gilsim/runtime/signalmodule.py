"""The simulated ``signal`` (``Modules/signalmodule.c``): each simulated process's own signal
dispositions and mask.

The host's ``signal.signal`` sets the disposition of gilsim's own process, so a simulated
program must never reach it: ``multiprocessing``'s resource tracker ignores SIGINT, which
would make gilsim itself deaf to Ctrl-C.  Here each process keeps its handlers
(``InterpreterState.signals``): ``signal``, ``getsignal`` and ``pthread_sigmask`` work on
them, with CPython's checks, and ``os.kill`` of a simulated process reads them
(``gilsim.processes.table.kill``): an ignored signal does nothing, a default one that ends
a process ends it.

``set_wakeup_fd`` sets the process's wake-up descriptor.  When a signal for which the
process set a Python handler arrives (SIGCHLD, when one of its children ends:
``gilsim.processes.table``), ``trip_signal`` does what CPython's C handler does at once
(``trip_signal`` in ``Modules/signalmodule.c``): it writes the signal's number, one byte,
to that descriptor, which wakes a ``select`` or ``poll`` waiting on it; this is how
``multiprocessing``'s fork server learns that a child ended.  Running the Python handler
itself later, in the main thread, is not simulated.
"""

from __future__ import annotations

import operator
import os
import signal
from typing import Any

from gilsim.interpreter import state
from gilsim.machine import OSThread
from gilsim.runtime import ShadowModule, fdio, fscalls, syscall
from gilsim.runtime.kernel import Kernel, kernel_of
from gilsim.runtime.sysmodule import refusal

_VALID = frozenset(signal.valid_signals())
_UNCATCHABLE = frozenset({signal.SIGKILL, signal.SIGSTOP})


def _number(signalnum: Any) -> int:
    if not isinstance(signalnum, int):
        raise TypeError(f"'{type(signalnum).__name__}' object cannot be interpreted as an integer")
    if signalnum not in _VALID:
        raise ValueError("signal number out of range")
    return int(signalnum)


def make_signal(interp: state.InterpreterState) -> ShadowModule:
    """The program's ``signal``."""
    handlers: dict[int, Any] = {signal.SIGINT: signal.default_int_handler}
    interp.signals = handlers
    mask: set[int] = set()

    def getsignal(signalnum: Any) -> Any:
        return handlers.get(_number(signalnum), signal.SIG_DFL)

    def signal_(signalnum: Any, handler: Any) -> Any:
        number = _number(signalnum)
        if handler not in (signal.SIG_DFL, signal.SIG_IGN) and not callable(handler):
            raise TypeError(
                "signal handler must be signal.SIG_IGN, signal.SIG_DFL, or a callable object"
            )
        ts = state.current_thread()
        if ts.os_thread is not interp.process.main_thread:
            raise ValueError("signal only works in main thread of the main interpreter")
        if number in _UNCATCHABLE:
            raise OSError(22, "Invalid argument")
        previous = handlers.get(number, signal.SIG_DFL)
        handlers[number] = handler
        syscall.held(sigaction, number, _disposition(handler))
        return previous

    def set_wakeup_fd(fd: Any, /, *, warn_on_full_buffer: Any = True) -> int:
        """``signal.set_wakeup_fd``: the previous descriptor (-1: none)."""
        number = operator.index(fd)
        ts = state.current_thread()
        if ts.os_thread is not interp.process.main_thread:
            raise ValueError("set_wakeup_fd only works in main thread of the main interpreter")
        if number != -1:
            if fdio.is_simulated(number):
                blocking = syscall.held(fscalls.get_flag, number, "blocking")
            else:
                os.fstat(number)  # the host's EBADF for a descriptor that is not open
                blocking = os.get_blocking(number)
            if blocking:
                raise ValueError(f"the fd {number} must be in non-blocking mode")
        previous, interp.wakeup_fd = interp.wakeup_fd, number
        syscall.held(wakeup_fd, number)
        return previous

    def pthread_sigmask(how: Any, signals: Any) -> set[signal.Signals]:
        numbers = {_number(s) for s in signals}
        previous = {signal.Signals(s) for s in mask}
        if how == signal.SIG_BLOCK:
            mask.update(numbers)
        elif how == signal.SIG_UNBLOCK:
            mask.difference_update(numbers)
        elif how == signal.SIG_SETMASK:
            mask.clear()
            mask.update(numbers)
        else:
            raise OSError(22, "Invalid argument")
        return previous

    overrides: dict[str, Any] = {
        "signal": signal_,
        "getsignal": getsignal,
        "pthread_sigmask": pthread_sigmask,
        "set_wakeup_fd": set_wakeup_fd,
    }
    for name in ("alarm", "setitimer", "siginterrupt", "pause", "raise_signal"):
        overrides[name] = refusal("signal", name)
    return ShadowModule(signal, overrides, frozenset())


def _disposition(handler: Any) -> str:
    if handler is signal.SIG_DFL:
        return "default"
    return "ignore" if handler is signal.SIG_IGN else "handler"


def _python_handler(signum: int, frame: Any) -> None:
    """What the kernel's record of a process's dispositions holds for a Python handler
    that lives in another host process (a forked process's): it only says there is one."""
    raise AssertionError("a handler of another host process is never run here")


@syscall.system_call
def sigaction(
    kernel: Kernel, interp: state.InterpreterState, thread: OSThread, signum: int, disposition: str
) -> None:
    """``rt_sigaction``: the kernel's record of the process's disposition for ``signum``,
    which ``kill`` and a child's end (SIGCHLD) read.  In the first process the record is
    the program's own table, already set; a forked process's is kept here apart."""
    current = interp.signals.get(signum, signal.SIG_DFL)
    if _disposition(current) != disposition:
        interp.signals[signum] = {"default": signal.SIG_DFL, "ignore": signal.SIG_IGN}.get(
            disposition, _python_handler
        )


@syscall.system_call
def wakeup_fd(kernel: Kernel, interp: state.InterpreterState, thread: OSThread, fd: int) -> None:
    """The kernel's record of the process's wake-up descriptor (``signal.set_wakeup_fd``
    keeps it in the C handler's reach, ``wakeup.fd``), where ``trip_signal`` writes."""
    interp.wakeup_fd = fd


def has_python_handler(interp: state.InterpreterState, signum: int) -> bool:
    """Whether ``interp``'s process set a Python callable for ``signum`` (CPython then
    installs its C handler for it, ``signal_handler``)."""
    return callable(interp.signals.get(signum, signal.SIG_DFL))


def trip_signal(interp: state.InterpreterState, signum: int, running: state.InterpreterState):
    """``signum`` arrived for ``interp``'s process, which has a Python handler for it: the
    signal's byte goes to its wake-up descriptor at once, without blocking (a full pipe
    loses it).  ``running`` is the interpreter whose thread
    is running now (the one that ended a child)."""
    fd = interp.wakeup_fd
    if fd == -1:
        return
    byte = memoryview(bytes([signum & 0xFF]))
    file = kernel_of(interp).lookup(fd)
    try:
        if file is None:
            os.write(fd, byte)
        else:
            file.write_now(running, byte)
    except OSError:
        pass  # (CPython reports a failed write later, from the main thread; not modelled)
