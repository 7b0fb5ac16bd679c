"""Descriptors of the host passed between simulated processes over an AF_UNIX socket.

The simulated kernel's descriptors (pipes, sockets) are each process's own.  A file the
program opens itself (``os.open``, ``tempfile``: the arena behind a ``multiprocessing.Value``
or ``Array``, which ``multiprocessing`` maps with ``mmap``) has a descriptor of the host, in
the one table the host has for every simulated process.  Passing one over ``SCM_RIGHTS``
gives the receiver a new descriptor for the same open file, as Linux does: here a ``dup`` of
the host's, made when it is sent (what the message holds while in flight: ``HostFile``).

The host's table being shared, a process that closes the number it received must not close
it for the others that have it: a fork child of the receiver has it too, and the fork server
forks, then closes what it received.  So each received host descriptor counts the processes
that hold it (``HostDescriptors``); ``os.close`` in one of them forgets that one, and the
host's descriptor is closed when the last has closed it or ended.
"""

from __future__ import annotations

import os
from typing import Any

from gilsim.interpreter import state
from gilsim.machine import Machine


class HostFile:
    """A descriptor of the host in flight over a socket: a duplicate of the sender's,
    closed if nobody receives it (the kernel's ``descriptors`` protocol)."""

    def __init__(self, fd: int) -> None:
        self.fd = fd
        self.descriptors = 0
        self.blocking = True

    def close(self, interp: state.InterpreterState) -> None:
        os.close(self.fd)

    def describe(self) -> str:
        return f"descriptor {self.fd} of the host"


class HostDescriptors:
    """The host descriptors processes received, and which processes (by number) hold each."""

    def __init__(self) -> None:
        self.holders: dict[int, set[int]] = {}

    def receive(self, process: int, file: HostFile) -> int:
        """``file`` arrived in ``process``: its descriptor is that process's now."""
        self.holders[file.fd] = {process}
        return file.fd

    def inherit(self, parent: int, child: int) -> None:
        """fork(2): the child holds what its parent holds."""
        for holders in self.holders.values():
            if parent in holders:
                holders.add(child)

    def close(self, process: int, fd: int) -> bool:
        """``os.close(fd)`` in ``process``; False if ``fd`` is none of these."""
        holders = self.holders.get(fd)
        if holders is None:
            return False
        holders.discard(process)
        if not holders:
            del self.holders[fd]
            os.close(fd)
        return True

    def end(self, process: int) -> None:
        """``process`` ended: it holds nothing any more."""
        for fd in [fd for fd, holders in self.holders.items() if process in holders]:
            self.close(process, fd)


def host_descriptors(machine: Machine) -> HostDescriptors | None:
    """The machine's table, if a host descriptor was ever passed (else None)."""
    table: HostDescriptors | None = machine.shared.get("host_fds")
    return table


def send(machine: Machine, fd: int) -> HostFile:
    """A host descriptor ``fd`` is sent: the message holds a duplicate of it."""
    machine.shared.setdefault("host_fds", HostDescriptors())
    return HostFile(os.dup(fd))


def receive(machine: Machine, process: int, file: Any) -> int:
    """``file`` (a ``HostFile``) is received by ``process``: its descriptor number."""
    table: HostDescriptors = machine.shared.setdefault("host_fds", HostDescriptors())
    return table.receive(process, file)
