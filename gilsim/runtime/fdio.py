"""``os.read``, ``os.write`` and ``os.close`` on any descriptor: ``_Py_read`` and ``_Py_write``
in ``Python/fileutils.c``, ``os_close_impl`` in ``Modules/posixmodule.c``.

Each releases the GIL around its system call, even one that completes at once (``docs/model/gil.md``
§4), and spends the call's kernel time without it (``kernel.busy``).  A simulated descriptor
(a pipe end, a socket) is read and written in the simulated kernel, where a call may sleep
until another simulated thread acts.  A real descriptor (a regular file, a standard stream
redirected from a file or a pipe, ``/dev/null``) is read or written by the host, at once, and
the call lasts the modelled duration.  A read from a terminal is refused: it would stop the
whole simulation until someone types (``ttyguard``).
"""

from __future__ import annotations

import errno
import operator
import os
from typing import Any

from gilsim.interpreter import state
from gilsim.runtime import fscalls, hostfds, syscall, ttyguard
from gilsim.runtime.kernel import COSTS, FIRST_FD, allow_threads, busy, os_error, simulating


def is_simulated(fd: Any) -> bool:
    """Whether ``fd`` is a number the simulated kernel hands out (open or not): the
    program's side tells them by their number alone (``kernel.FIRST_FD``)."""
    return type(fd) is int and fd >= FIRST_FD


def _length(value: Any) -> int:
    """``os.read``'s count: an index, not negative (``os_read_impl``: EINVAL)."""
    length = operator.index(value)
    if length < 0:
        raise os_error(errno.EINVAL)
    return length


def read(fd: Any, length: Any) -> bytes:
    """``os.read(fd, length)``."""
    size = _length(length)
    if not is_simulated(fd):
        return read_host(fd, size)
    return syscall.restarting(fscalls.read, fd, size)  # _Py_read: EINTR, handlers, again


def read_host(fd: Any, size: int) -> bytes:
    """``read(2)`` of a real descriptor by the host, lasting the modelled duration."""
    ttyguard.refuse_terminal(fd, f"os.read({fd}, ...)")
    with allow_threads() as (interp, thread):
        data = os.read(fd, size)
        busy(interp, thread, COSTS.syscall_ns + COSTS.transfer_ns(len(data)))
        return data


def write(fd: Any, data: Any) -> int:
    """``os.write(fd, data)``."""
    view = bytes_view(data)
    if not is_simulated(fd):
        return write_host(fd, view)
    return syscall.restarting(fscalls.write, fd, bytes(view))  # _Py_write: as _Py_read


def bytes_view(data: Any) -> memoryview:
    """``data`` as bytes (``Py_buffer``), with ``os.write``'s message for anything else."""
    try:
        return memoryview(data).cast("B")
    except TypeError:
        raise TypeError(f"a bytes-like object is required, not '{type(data).__name__}'")


def write_host(fd: Any, view: memoryview) -> int:
    """``write(2)`` of a real descriptor by the host, lasting the modelled duration."""
    with allow_threads() as (interp, thread):
        written = os.write(fd, view)
        busy(interp, thread, COSTS.syscall_ns + COSTS.transfer_ns(written))
        return written


def write_now(interp: state.InterpreterState, fd: int, data: Any) -> int:
    """What fits of ``data``, written at once without the GIL's release or any sleep (for
    a finalizer flushing a buffer: ``fileio.finalizing``)."""
    return syscall.at_once(interp, fscalls.write_at_once, fd, bytes(bytes_view(data)))


def close_now(interp: state.InterpreterState, fd: int) -> None:
    """Close a simulated descriptor at once (for a finalizer)."""
    syscall.at_once(interp, fscalls.close_at_once, fd)


def close(fd: Any) -> None:
    """``os.close(fd)``; at once, the GIL kept, when no thread of the process holds the GIL
    to release (a finalizer the host runs after the run: a ``multiprocessing`` connection
    still alive at the end, in a module or in the frames of a daemon thread)."""
    interp = state.current_thread().interp
    if is_simulated(fd):
        if simulating(interp):
            syscall.released(fscalls.close, fd)
        else:
            close_now(interp, fd)
        return
    if not simulating(interp):
        _close_host(interp, fd)
        return
    with allow_threads() as (interp, thread):
        busy(interp, thread, COSTS.syscall_ns)
        _close_host(interp, fd)


def _close_host(interp: state.InterpreterState, fd: Any) -> None:
    received = hostfds.host_descriptors(interp.machine)
    if received is None or not received.close(interp.process.number, fd):
        os.close(fd)
