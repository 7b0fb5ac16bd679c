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
from gilsim.machine import OSThread
from gilsim.runtime import hostfds, ttyguard
from gilsim.runtime.kernel import (
    Kernel,
    allow_threads,
    busy,
    kernel_of,
    os_error,
    restarting,
    simulating,
)


def _kernel() -> Kernel:
    return kernel_of(state.current_thread().interp)


def _length(value: Any) -> int:
    """``os.read``'s count: an index, not negative (``os_read_impl``: EINVAL)."""
    length = operator.index(value)
    if length < 0:
        raise os_error(errno.EINVAL)
    return length


def read(fd: Any, length: Any) -> bytes:
    """``os.read(fd, length)``."""
    kernel = _kernel()
    size = _length(length)
    file = kernel.lookup(fd)
    if file is None:
        return read_host(kernel, fd, size)

    def call(interp: state.InterpreterState, thread: OSThread) -> bytes:
        busy(interp, thread, kernel.costs.syscall_ns)
        return bytes(file.read(interp, thread, size))

    return restarting(call)  # _Py_read: EINTR runs the handlers, then reads again


def read_host(kernel: Kernel, fd: Any, size: int) -> bytes:
    """``read(2)`` of a real descriptor by the host, lasting the modelled duration."""
    ttyguard.refuse_terminal(fd, f"os.read({fd}, ...)")
    with allow_threads() as (interp, thread):
        data = os.read(fd, size)
        busy(interp, thread, kernel.costs.syscall_ns + kernel.costs.transfer_ns(len(data)))
        return data


def write(fd: Any, data: Any) -> int:
    """``os.write(fd, data)``."""
    kernel = _kernel()
    view = bytes_view(data)
    file = kernel.lookup(fd)
    if file is None:
        return write_host(kernel, fd, view)

    def call(interp: state.InterpreterState, thread: OSThread) -> int:
        busy(interp, thread, kernel.costs.syscall_ns)
        return file.write(interp, thread, view)

    return restarting(call)  # _Py_write: EINTR runs the handlers, then writes again


def bytes_view(data: Any) -> memoryview:
    """``data`` as bytes (``Py_buffer``), with ``os.write``'s message for anything else."""
    try:
        return memoryview(data).cast("B")
    except TypeError:
        raise TypeError(f"a bytes-like object is required, not '{type(data).__name__}'")


def write_host(kernel: Kernel, fd: Any, view: memoryview) -> int:
    """``write(2)`` of a real descriptor by the host, lasting the modelled duration."""
    with allow_threads() as (interp, thread):
        written = os.write(fd, view)
        busy(interp, thread, kernel.costs.syscall_ns + kernel.costs.transfer_ns(written))
        return written


def write_now(kernel: Kernel, fd: int, data: Any) -> int:
    """What fits of ``data``, written at once without the GIL's release or any sleep (for
    a finalizer flushing a buffer: ``fileio.finalizing``)."""
    file = kernel.lookup(fd)
    if file is None:
        raise os_error(errno.EBADF)
    return file.write_now(kernel.interp, bytes_view(data))


def close_now(kernel: Kernel, fd: int) -> None:
    """Close a simulated descriptor at once (for a finalizer)."""
    kernel.close(fd)


def close(fd: Any) -> None:
    """``os.close(fd)``; at once, the GIL kept, when no thread of the process holds the GIL
    to release (a finalizer the host runs after the run: a ``multiprocessing`` connection
    still alive at the end, in a module or in the frames of a daemon thread)."""
    kernel = _kernel()
    file = kernel.lookup(fd)
    if not simulating(kernel.interp):
        _close(kernel, fd, file)
        return
    with allow_threads() as (interp, thread):
        busy(interp, thread, kernel.costs.syscall_ns)
        _close(kernel, fd, file)


def _close(kernel: Kernel, fd: Any, file: Any) -> None:
    if file is not None:
        kernel.close(fd)
        return
    received = hostfds.host_descriptors(kernel.interp.machine)
    if received is None or not received.close(kernel.interp.process.number, fd):
        os.close(fd)
