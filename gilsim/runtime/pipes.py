"""Simulated pipes: ``os.pipe()`` (``os_pipe_impl`` in ``Modules/posixmodule.c``) and the two
ends it returns, whose bytes live in a ``streams.Stream`` of the simulated kernel.

As in Linux (``fs/pipe.c``, pipe(7)): the buffer holds 65,536 bytes; a read sleeps while the
pipe is empty and a write end is open, and returns b"" once every write end is closed; a
write sleeps while the pipe is full, writes of at most PIPE_BUF (4,096) bytes are atomic, and
a write with no read end open fails with EPIPE (``BrokenPipeError``: CPython ignores SIGPIPE
at startup, so the error is what the program sees).  The descriptors are the simulated
kernel's (``kernel.FIRST_FD`` and up); ``os.read``, ``os.write``, ``os.close``, ``os.fdopen``
and ``open`` know them.
"""

from __future__ import annotations

import errno

from gilsim.interpreter import state
from gilsim.machine import OSThread
from gilsim.runtime.kernel import Kernel, os_error
from gilsim.runtime.streams import Stream


class PipeEnd:
    """One end of a pipe: an open file description of the simulated kernel."""

    def __init__(self, kernel: Kernel, stream: Stream, reading: bool) -> None:
        self.kernel = kernel
        self.stream = stream
        self.reading = reading
        self.blocking = True  # O_NONBLOCK clear
        self.inheritable = False  # os.pipe() sets O_CLOEXEC (PEP 446)

    @property
    def mode(self) -> str:
        return "rb" if self.reading else "wb"

    def read(self, interp: state.InterpreterState, thread: OSThread, size: int) -> bytes:
        """``read(2)`` on this end, without the GIL."""
        if not self.reading:
            raise os_error(errno.EBADF)
        return self.stream.read(interp, thread, size, self.blocking)

    def write(self, interp: state.InterpreterState, thread: OSThread, data: bytes) -> int:
        """``write(2)`` on this end, without the GIL."""
        if self.reading:
            raise os_error(errno.EBADF)
        return self.stream.write(interp, thread, data, self.blocking, self.kernel.costs.pipe_buf)

    def write_now(self, interp: state.InterpreterState, data: memoryview) -> int:
        if self.reading:
            raise os_error(errno.EBADF)
        return self.stream.put_now(interp, data)

    def close(self, interp: state.InterpreterState) -> None:
        """The last descriptor of this end is closed."""
        if self.reading:
            self.stream.abandon(interp)
        else:
            self.stream.end(interp)

    def describe(self) -> str:
        return f"the read end of {self.stream.what}" if self.reading else self.stream.what


def pipe(kernel: Kernel) -> tuple[int, int]:
    """A new pipe: its read and write descriptors."""
    stream = Stream(kernel.costs, kernel.costs.pipe_capacity)
    read_fd = kernel.allocate(PipeEnd(kernel, stream, reading=True))
    write_fd = kernel.allocate(PipeEnd(kernel, stream, reading=False))
    stream.what = f"the pipe ({read_fd}, {write_fd})"
    return read_fd, write_fd
