"""The simulated ``select`` (``Modules/selectmodule.c``): ``select.poll`` and ``select.select``
over the simulated kernel's descriptors, which ``selectors`` (run inside the simulation) and
so ``multiprocessing.connection.wait`` use to wait for a pipe, a socket or a child's end.

What each descriptor reports is what Linux's ``pipe_poll`` and ``unix_poll`` report: a read
end is readable when it holds data, and hung up (``POLLHUP``) once every write end is closed;
a write end is writable while there is room, and in error (``POLLERR``) once nobody reads.
A caller that must wait sleeps, without the GIL, on every wait queue of the descriptors it
asked about at once, until one of them changes or the timeout passes.

A real descriptor of the host (a regular file) is always ready, as poll(2) says of regular
files; any other real descriptor (a terminal, a pipe of the host) is refused: waiting for it
would stop the whole simulation.
"""

from __future__ import annotations

import math
import os
import select
import stat
from typing import Any

from gilsim.interpreter import state
from gilsim.machine import OSThread, Wait
from gilsim.runtime import ShadowModule
from gilsim.runtime.kernel import (
    Kernel,
    WaitQueue,
    busy,
    kernel_of,
    restarting,
    sleep,
    sync,
)
from gilsim.runtime.pipes import PipeEnd
from gilsim.runtime.sockets import SocketFile
from gilsim.runtime.sysmodule import unsupported

POLLIN, POLLPRI, POLLOUT = select.POLLIN, select.POLLPRI, select.POLLOUT
POLLERR, POLLHUP, POLLNVAL = select.POLLERR, select.POLLHUP, select.POLLNVAL
_ALWAYS = POLLERR | POLLHUP | POLLNVAL  # reported whether asked for or not
# The kernel's work per descriptor of a poll (``do_poll``: its file's poll method).
_PER_FD_NS = 100


def _fileno(obj: Any) -> int:
    """``PyObject_AsFileDescriptor``: an int, or what ``fileno()`` returns."""
    if isinstance(obj, int):
        fd = obj
    else:
        method = getattr(obj, "fileno", None)
        if method is None:
            raise TypeError("argument must be an int, or have a fileno() method.")
        fd = method()
        if not isinstance(fd, int):
            raise TypeError("fileno() returned a non-integer")
    if fd < 0:
        raise ValueError(f"file descriptor cannot be a negative integer ({fd})")
    return fd


def _mask(kernel: Kernel, fd: int) -> int:
    """What poll(2) reports for ``fd`` now (all events; the caller masks them)."""
    file = kernel.lookup(fd)
    if file is None:
        try:
            mode = os.fstat(fd).st_mode
        except OSError:
            return POLLNVAL
        if stat.S_ISREG(mode):
            return POLLIN | POLLOUT
        raise unsupported(
            f"select or poll on descriptor {fd} of the host (not a regular file): "
            "waiting for it would stop the simulation"
        )
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


def _wait(asked: dict[int, int], timeout_ns: int | None) -> list[tuple[int, int]]:
    """poll(2) of ``asked`` (fd: events), waiting at most ``timeout_ns`` (None: for ever)."""
    ts = state.current_thread()
    kernel = kernel_of(ts.interp)
    deadline: int | None = None

    def call(interp: state.InterpreterState, thread: OSThread) -> list[tuple[int, int]]:
        nonlocal deadline
        # The system call: entering the kernel, and each descriptor's poll method.
        busy(interp, thread, kernel.costs.syscall_ns + _PER_FD_NS * len(asked))
        if deadline is None and timeout_ns is not None:
            deadline = sync(interp) + max(timeout_ns, 0)
        while True:
            ready = []
            for fd, events in asked.items():
                mask = _mask(kernel, fd) & (events | _ALWAYS)
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

    # select_select_impl, select_poll_poll_impl: EINTR runs the handlers, then polls again
    # for what is left of the timeout (PEP 475).
    return restarting(call)


class poll:  # noqa: N801 - CPython's name: ``select.poll``
    """``select.poll()``."""

    def __init__(self) -> None:
        self._fds: dict[int, int] = {}

    def register(self, fd: Any, eventmask: int = POLLIN | POLLPRI | POLLOUT) -> None:
        self._fds[_fileno(fd)] = eventmask

    def modify(self, fd: Any, eventmask: int) -> None:
        number = _fileno(fd)
        if number not in self._fds:
            raise FileNotFoundError(2, "No such file or directory")
        self._fds[number] = eventmask

    def unregister(self, fd: Any) -> None:
        del self._fds[_fileno(fd)]

    def poll(self, timeout: Any = None) -> list[tuple[int, int]]:
        """Wait at most ``timeout`` milliseconds (None or negative: for ever)."""
        timeout_ns = None
        if timeout is not None:
            milliseconds = float(timeout)
            if milliseconds >= 0:
                timeout_ns = math.ceil(milliseconds) * 1_000_000
        return _wait(dict(self._fds), timeout_ns)


def select_(rlist: Any, wlist: Any, xlist: Any, timeout: Any = None) -> tuple[list[Any], ...]:
    """``select.select``: the objects of each list that are ready."""
    timeout_ns = None
    if timeout is not None:
        seconds = float(timeout)
        if seconds < 0:
            raise ValueError("timeout must be non-negative")
        timeout_ns = round(seconds * 1e9)
    lists = [list(rlist), list(wlist), list(xlist)]
    asked: dict[int, int] = {}
    for objects, events in zip(lists, (POLLIN, POLLOUT, POLLPRI), strict=True):
        for obj in objects:
            number = _fileno(obj)
            asked[number] = asked.get(number, 0) | events
    ready = dict(_wait(asked, timeout_ns))
    readable = POLLIN | POLLHUP | POLLERR
    return (
        [obj for obj in lists[0] if ready.get(_fileno(obj), 0) & readable],
        [obj for obj in lists[1] if ready.get(_fileno(obj), 0) & (POLLOUT | POLLERR)],
        [obj for obj in lists[2] if ready.get(_fileno(obj), 0) & POLLPRI],
    )


class _SelectModule(ShadowModule):
    """The shadow, without the host's ``epoll``: ``selectors`` then chooses its
    ``PollSelector``, as ``multiprocessing.connection.wait`` does anyway."""

    shadow_class = True

    _hidden = frozenset({"epoll", "devpoll", "kqueue", "kevent"})

    def __getattr__(self, name: str) -> Any:
        if name in _SelectModule._hidden:
            raise AttributeError(f"module 'select' has no attribute '{name}'")
        return super().__getattr__(name)

    def __dir__(self) -> list[str]:
        return [name for name in super().__dir__() if name not in _SelectModule._hidden]


def make_select(interp: state.InterpreterState) -> ShadowModule:
    """The program's ``select``."""
    return _SelectModule(select, {"poll": poll, "select": select_}, frozenset())
