"""The simulated kernel's system calls on descriptors: ``read``, ``write``, ``close``,
``pipe2``, ``dup``, ``fcntl``'s ``O_NONBLOCK`` and ``FD_CLOEXEC``, and ``poll`` (Linux's
``fs/read_write.c``, ``fs/open.c``, ``fs/pipe.c``, ``fs/file.c``, ``fs/fcntl.c``,
``fs/select.c``).

The kernel's side of ``fdio``, ``osmodule``, ``fileio`` and ``selectmodule``: each takes the descriptor's number and
finds its open file here (``syscall``).  A number that names no open file is ``EBADF``, as
the host would answer for a number that high (``kernel.FIRST_FD``).
"""

from __future__ import annotations

import select
from typing import Any

from gilsim.interpreter import state
from gilsim.machine import OSThread, Wait
from gilsim.runtime import pipes
from gilsim.runtime.kernel import Kernel, WaitQueue, busy, ebadf, sleep, sync
from gilsim.runtime.pipes import PipeEnd
from gilsim.runtime.sockets import SocketFile
from gilsim.runtime.syscall import system_call
from gilsim.runtime.sysmodule import unsupported

POLLIN, POLLPRI, POLLOUT = select.POLLIN, select.POLLPRI, select.POLLOUT
POLLERR, POLLHUP, POLLNVAL = select.POLLERR, select.POLLHUP, select.POLLNVAL
_ALWAYS = POLLERR | POLLHUP | POLLNVAL  # reported whether asked for or not
# The kernel's work per descriptor of a poll (``do_poll``: its file's poll method).
_PER_FD_NS = 100


def _file(kernel: Kernel, fd: int) -> Any:
    file = kernel.lookup(fd)
    if file is None:
        raise ebadf()
    return file


@system_call
def read(
    kernel: Kernel, interp: state.InterpreterState, thread: OSThread, fd: int, size: int
) -> bytes:
    """``read(2)``: what the file has, at most ``size`` bytes; it may sleep until some
    comes."""
    file = _file(kernel, fd)
    busy(interp, thread, kernel.costs.syscall_ns)
    return bytes(file.read(interp, thread, size))


@system_call
def write(
    kernel: Kernel, interp: state.InterpreterState, thread: OSThread, fd: int, data: bytes
) -> int:
    """``write(2)``: how many bytes of ``data`` the file took; it may sleep for room."""
    file = _file(kernel, fd)
    busy(interp, thread, kernel.costs.syscall_ns)
    return int(file.write(interp, thread, memoryview(data)))


@system_call
def write_at_once(kernel: Kernel, fd: int, data: bytes) -> int:
    """What fits of ``data``, written without sleeping or spending time (for a finalizer
    flushing a buffer: ``fileio.finalizing``)."""
    return int(_file(kernel, fd).write_now(kernel.interp, memoryview(data)))


@system_call
def close(kernel: Kernel, interp: state.InterpreterState, thread: OSThread, fd: int) -> None:
    """``close(2)``: the number is free again; the file goes with its last descriptor."""
    busy(interp, thread, kernel.costs.syscall_ns)
    close_at_once(kernel, fd)


@system_call
def close_at_once(kernel: Kernel, fd: int) -> None:
    """``close(2)`` without spending time (for a finalizer, or after the run)."""
    if not kernel.close(fd):
        raise ebadf()


@system_call
def pipe2(kernel: Kernel, interp: state.InterpreterState, thread: OSThread) -> tuple[int, int]:
    """``pipe2(2)``: a new pipe's read and write descriptors."""
    busy(interp, thread, kernel.costs.syscall_ns)
    return pipes.pipe(kernel)


@system_call
def dup(kernel: Kernel, interp: state.InterpreterState, thread: OSThread, fd: int) -> int:
    """``dup(2)``: the lowest free descriptor, naming ``fd``'s file too."""
    file = _file(kernel, fd)
    busy(interp, thread, kernel.costs.syscall_ns)
    return kernel.allocate(file)


@system_call
def get_flag(
    kernel: Kernel, interp: state.InterpreterState, thread: OSThread, fd: int, flag: str
) -> bool:
    """``fcntl(F_GETFL)``/``fcntl(F_GETFD)``: whether ``fd`` is "blocking" (``O_NONBLOCK``
    clear) or "inheritable" (``FD_CLOEXEC`` clear)."""
    return bool(getattr(_file(kernel, fd), _flag(flag)))


@system_call
def set_flag(
    kernel: Kernel,
    interp: state.InterpreterState,
    thread: OSThread,
    fd: int,
    flag: str,
    value: bool,
) -> None:
    """``fcntl(F_SETFL)``/``fcntl(F_SETFD)``: set "blocking" or "inheritable"."""
    setattr(_file(kernel, fd), _flag(flag), value)


def _flag(flag: str) -> str:
    if flag not in ("blocking", "inheritable"):
        raise ValueError(f"no descriptor flag {flag!r}")
    return flag


@system_call
def describe(
    kernel: Kernel, interp: state.InterpreterState, thread: OSThread, fd: int
) -> str | None:
    """What ``fd`` names, for a message ("the pipe (...)"), or None if it is not open."""
    file = kernel.lookup(fd)
    return None if file is None else str(file.describe())


# -- poll(2) (fs/select.c) ---------------------------------------------------------------


def _mask(kernel: Kernel, fd: int) -> int:
    """What poll(2) reports for ``fd``, a simulated descriptor, now."""
    file = kernel.lookup(fd)
    if file is None:
        return POLLNVAL
    if isinstance(file, PipeEnd):
        stream = file.stream
        if file.reading:
            return (POLLIN if stream.data else 0) | (POLLHUP if stream.writer_gone else 0)
        return (POLLOUT if stream.room() > 0 else 0) | (POLLERR if stream.reader_gone else 0)
    if isinstance(file, SocketFile):
        mask = 0
        if file.backlog is not None:
            return POLLIN if file.backlog else 0
        if file.ready("recv"):
            mask |= POLLIN
        if file.endpoint is not None and file.endpoint.outgoing.writable():
            mask |= POLLOUT
        if file.endpoint is not None and file.endpoint.incoming.ended and file.shut_wr:
            mask |= POLLHUP
        return mask
    return POLLIN | POLLOUT


def _queues(kernel: Kernel, fd: int) -> list[WaitQueue]:
    """The wait queues whose change may change what ``fd`` reports."""
    file = kernel.lookup(fd)
    if isinstance(file, PipeEnd):
        return [file.stream.readers if file.reading else file.stream.writers]
    if isinstance(file, SocketFile):
        queues = [file.waiters]
        if file.endpoint is not None:
            queues += [file.endpoint.incoming.readers, file.endpoint.outgoing.writers]
        return queues
    return []


@system_call
def do_sys_poll(
    kernel: Kernel,
    interp: state.InterpreterState,
    thread: OSThread,
    asked: dict[int, int],
    host: dict[int, int],
    deadline: int | None,
) -> list[tuple[int, int]]:
    """``poll(2)``: the descriptors of ``asked`` that report one of their
    events, sleeping until one does or until ``deadline``; ``host`` holds what the host's
    descriptors among them report."""
    # Entering the kernel, and each descriptor's poll method.
    busy(interp, thread, kernel.costs.syscall_ns + _PER_FD_NS * len(asked))
    while True:
        ready = []
        for fd, events in asked.items():
            mask = (host[fd] if fd in host else _mask(kernel, fd)) & (events | _ALWAYS)
            if mask:
                ready.append((fd, mask))
        if ready:
            return ready
        remaining = None if deadline is None else deadline - sync(interp)
        if remaining is not None and remaining <= 0:
            return []
        queues = [queue for fd in asked for queue in _queues(kernel, fd)]
        if not queues and remaining is None:
            raise unsupported("select or poll for ever on descriptors that never change")
        for queue in queues:
            queue.threads.append(thread)
        try:
            sleep(interp, thread, Wait("io", "any of several descriptors"), remaining)
        finally:
            for queue in queues:
                if thread in queue.threads:
                    queue.threads.remove(thread)
        interp.machine.sync_processes(thread)
