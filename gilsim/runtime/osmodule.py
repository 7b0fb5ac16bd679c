"""The simulated ``os`` (``Modules/posixmodule.c``): what reads the simulated machine, and I/O
on descriptors.  ``os.cpu_count()`` is the number of simulated cores; ``os.pipe()`` makes a
simulated pipe (``pipes``); ``os.read``, ``os.write`` and ``os.close`` release the GIL around
their system call (``fdio``); ``os.fdopen`` builds its file over a simulated raw layer
(``fileio``).  Everything else is the host's ``os``."""

from __future__ import annotations

import os
from typing import Any

from gilsim.interpreter import state
from gilsim.runtime import ShadowModule, fdio, fileio, fscalls, schedcalls, syscall
from gilsim.runtime.sysmodule import unsupported


def make_os(interp: state.InterpreterState) -> ShadowModule:
    def cpu_count() -> int:
        return interp.machine.core_count

    def sched_getaffinity(pid: Any) -> set[int]:
        cpus = syscall.held(schedcalls.sched_getaffinity, pid) if type(pid) is int else None
        if cpus is None:
            os.sched_getaffinity(pid)  # the host's errors for a bad pid
            cpus = list(range(interp.machine.core_count))  # (else the run's cores too)
        return set(cpus)

    def pipe() -> tuple[int, int]:
        return syscall.released(fscalls.pipe2)  # os_pipe_impl: pipe2() without the GIL

    def isatty(fd: Any) -> bool:
        return False if fdio.is_simulated(fd) else os.isatty(fd)

    # fcntl() with the GIL held (_Py_get_blocking, _Py_set_inheritable...).

    def get_blocking(fd: Any) -> bool:
        if not fdio.is_simulated(fd):
            return os.get_blocking(fd)
        return syscall.held(fscalls.get_flag, fd, "blocking")

    def set_blocking(fd: Any, blocking: Any) -> None:
        if not fdio.is_simulated(fd):
            os.set_blocking(fd, blocking)
        else:
            syscall.held(fscalls.set_flag, fd, "blocking", bool(blocking))

    def get_inheritable(fd: Any) -> bool:
        if not fdio.is_simulated(fd):
            return os.get_inheritable(fd)
        return syscall.held(fscalls.get_flag, fd, "inheritable")

    def set_inheritable(fd: Any, inheritable: Any) -> None:
        if not fdio.is_simulated(fd):
            os.set_inheritable(fd, inheritable)
        else:
            syscall.held(fscalls.set_flag, fd, "inheritable", bool(inheritable))

    def dup(fd: Any) -> int:
        """``os.dup``: a new descriptor naming the same open file (the lowest free)."""
        if not fdio.is_simulated(fd):
            return os.dup(fd)
        return syscall.released(fscalls.dup, fd)

    def register_at_fork(**hooks: Any) -> None:
        """``os.register_at_fork``: the hooks belong to the simulated process (its fork runs
        them), never to the host, which would keep them, and the whole run they reach,
        alive, and call them when the host itself forks (a process pool of exploration).
        ``threading`` registers one when it is imported."""
        if not hooks:
            raise TypeError("At least one argument is required.")
        for name, hook in hooks.items():
            if name not in interp.at_fork:
                raise TypeError(f"'{name}' is an invalid keyword argument for register_at_fork()")
            if not callable(hook):
                raise TypeError(f"'{name}' must be callable, not {type(hook).__name__}")
        for name, hook in hooks.items():
            interp.at_fork[name].append(hook)

    def refused_on_simulated(name: str) -> Any:
        """The host's ``os.<name>``, refused on a simulated descriptor."""
        host = getattr(os, name)

        def call(fd: Any, *args: Any, **kwargs: Any) -> Any:
            what = syscall.held(fscalls.describe, fd) if fdio.is_simulated(fd) else None
            if what is not None:
                raise unsupported(f"os.{name}() of {what}")
            return host(fd, *args, **kwargs)

        call.__name__ = name
        return call

    overrides: dict[str, Any] = {
        "cpu_count": cpu_count,
        "sched_getaffinity": sched_getaffinity,
        "pipe": pipe,
        "read": fdio.read,
        "write": fdio.write,
        "close": fdio.close,
        "fdopen": fileio.fdopen,
        "isatty": isatty,
        "get_blocking": get_blocking,
        "set_blocking": set_blocking,
        "get_inheritable": get_inheritable,
        "set_inheritable": set_inheritable,
        "register_at_fork": register_at_fork,
        "dup": dup,
    }
    for name in ("fstat", "dup2", "lseek", "readv", "writev", "pread", "pwrite"):
        overrides[name] = refused_on_simulated(name)
    return ShadowModule(os, overrides, frozenset())
