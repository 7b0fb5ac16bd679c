"""The process functions of the simulated ``os`` (``Modules/posixmodule.c``): the program's
side.  Each converts its arguments as CPython does and makes a system call of the process
table (``processes.table``) with plain numbers; what concerns the host (another process
group, a pid that is not simulated) is asked of the host's ``os``."""

from __future__ import annotations

import operator
import os
from typing import Any

from gilsim.errors import ProcessExit
from gilsim.interpreter import state
from gilsim.processes import table
from gilsim.processes.table import exit_status, host_pid, virtual_pid
from gilsim.runtime import syscall


def getpid() -> int:
    return syscall.held(table.getpid)


def getppid() -> int:
    return syscall.held(table.getppid)


def getpgid(pid: Any) -> int:
    """``os.getpgid``: the host's process group, in virtual pids (a shell makes the command
    it starts the leader of its own group: then the first process is)."""
    if not isinstance(pid, int):
        return virtual_pid(os.getpgid(pid))  # the host's TypeError
    return virtual_pid(os.getpgid(syscall.held(table.getpgid, int(pid))))


def getpgrp() -> int:
    return virtual_pid(os.getpgrp())


def getsid(pid: Any) -> int:
    if not isinstance(pid, int):
        return virtual_pid(os.getsid(pid))
    return virtual_pid(os.getsid(syscall.held(table.getsid, int(pid))))


def killpg(pgid: Any, sig: Any) -> None:
    os.killpg(host_pid(pgid), sig)


def _exit(code: Any) -> None:
    """``os._exit``: the process ends now; nothing of its program runs on the way."""
    if not isinstance(code, int):
        raise TypeError(f"'{type(code).__name__}' object cannot be interpreted as an integer")
    raise ProcessExit(exit_status(code))


def waitpid(pid: Any, options: Any) -> tuple[int, int]:
    """``os.waitpid``: reap a child that has ended, waiting (without the GIL) unless
    ``WNOHANG``; ``ChildProcessError`` if there is no such child."""
    for value in (pid, options):
        if not isinstance(value, int):
            raise TypeError(f"'{type(value).__name__}' object cannot be interpreted as an integer")
    pid, options = int(pid), int(options)
    ts = state.current_thread()
    ts.interp.machine.sync_processes(ts.os_thread)
    # A child that has already ended is reaped with the GIL held; only a wait releases it.
    reaped = syscall.held(table.waitpid, pid, options | os.WNOHANG)
    if reaped != (0, 0) or options & os.WNOHANG:
        return reaped
    # os_waitpid_impl: Py_BEGIN_ALLOW_THREADS around waitpid(2); EINTR runs the handlers,
    # then waits again (PEP 475).
    return syscall.restarting(table.waitpid, pid, options)


def wait() -> tuple[int, int]:
    return waitpid(-1, 0)


def kill(pid: Any, sig: Any) -> None:
    """``os.kill`` of a simulated process: signal 0 asks whether it exists; a signal whose
    default action ends a process ends it.  Any other pid is the host's."""
    if not isinstance(pid, int):
        os.kill(pid, sig)  # the host's TypeError
        return
    ends_caller = syscall.held(table.kill, int(pid), int(operator.index(sig)))
    if ends_caller is None:
        os.kill(host_pid(pid), sig)
    elif ends_caller:
        raise ProcessExit(int(sig))
