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
from gilsim.runtime import ShadowModule, fdio, fscalls, syscall
from gilsim.runtime.fscalls import POLLERR, POLLHUP, POLLIN, POLLNVAL, POLLOUT, POLLPRI
from gilsim.runtime.kernel import sync
from gilsim.runtime.sysmodule import unsupported


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


def _host_mask(fd: int) -> int:
    """What poll(2) reports for ``fd``, a descriptor of the host (all events; the caller
    masks them): it never changes while the program runs."""
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


def _wait(asked: dict[int, int], timeout_ns: int | None) -> list[tuple[int, int]]:
    """poll(2) of ``asked`` (fd: events), waiting at most ``timeout_ns`` (None: for ever)."""
    interp = state.current_thread().interp
    host = {fd: _host_mask(fd) for fd in asked if not fdio.is_simulated(fd)}
    # select_select_impl, select_poll_poll_impl: the deadline is set once, with the GIL;
    # EINTR runs the handlers, then polls again for what is left (PEP 475).
    deadline = None if timeout_ns is None else sync(interp) + max(timeout_ns, 0)
    return syscall.restarting(fscalls.do_sys_poll, asked, host, deadline)


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
