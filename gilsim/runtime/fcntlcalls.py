"""``fcntl(2)`` on a simulated descriptor, the kernel's side (``fs/fcntl.c``)."""

from __future__ import annotations

import errno
import fcntl as host_fcntl
import os

from gilsim.interpreter import state
from gilsim.machine import OSThread
from gilsim.runtime import syscall
from gilsim.runtime.kernel import Kernel, ebadf, os_error


@syscall.system_call
def fcntl(
    kernel: Kernel, interp: state.InterpreterState, thread: OSThread, fd: int, cmd: int
) -> int:
    """``F_GETFL``: the descriptor's file status flags, of which only ``O_NONBLOCK`` is
    modelled; ``EBADF`` if ``fd`` is not open, ``EINVAL`` for another command."""
    if cmd != host_fcntl.F_GETFL:
        raise os_error(errno.EINVAL)
    file = kernel.lookup(fd)
    if file is None:
        raise ebadf()
    return 0 if file.blocking else os.O_NONBLOCK
