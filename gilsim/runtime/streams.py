"""Bytes on their way through the simulated kernel: the buffer of a pipe, or one direction of
a socket connection (``fs/pipe.c`` ``pipe_read``/``pipe_write``; ``net/unix/af_unix.c`` and
``net/ipv4/tcp.c`` for sockets, reduced to a buffer, a capacity and a delivery latency).

A ``Stream`` holds the bytes written and not yet read, up to ``capacity``.  Bytes sent with a
``latency_ns`` (loopback TCP) count against the capacity at once but can be read only when
they arrive; the end of the stream (the writer shut down or closed) travels behind them, so it
never overtakes data.  A reader sleeps while the stream is empty and not ended; a writer
sleeps while it is full; either is woken by the other side (``kernel.WaitQueue``).

Descriptors passed over an AF_UNIX socket (``SCM_RIGHTS``) travel with the bytes they were
sent with (``Rights``): as in ``unix_stream_read_generic`` (``net/unix/af_unix.c``), the read
that takes the first of those bytes receives the descriptors, and stops at the end of what
was sent with them; a read that cannot take them (``recv``, ``os.read``) closes them.  While
in flight each holds a reference to its open file, as the message's ``struct file`` pointers
do (``scm_fp_copy``), so the sender may close its descriptor at once.

Every method here runs without the GIL, inside ``kernel.allow_threads``: blocking is a sleep
in the kernel, not a wait for the GIL.
"""

from __future__ import annotations

import collections
import errno
from typing import Any

from gilsim.interpreter import state
from gilsim.machine import OSThread, Wait
from gilsim.runtime.kernel import (
    InterruptedCall,
    IOCosts,
    WaitQueue,
    busy,
    os_error,
    release,
    sync,
)


class Rights:
    """Open files sent with the bytes from ``start`` to ``end`` (positions counted from
    the first byte the stream ever carried): one ``SCM_RIGHTS`` message in flight."""

    def __init__(self, start: int, end: int, files: list[Any]) -> None:
        self.start = start
        self.end = end
        self.files = files


class Stream:
    """One direction of a pipe or of a connection."""

    def __init__(
        self, costs: IOCosts, capacity: int, latency_ns: int = 0, what: str = "a pipe"
    ) -> None:
        self.costs = costs
        self.capacity = capacity
        self.latency_ns = latency_ns
        self.what = what
        self.data = bytearray()
        self.in_flight = 0  # sent, not arrived yet (counts against the capacity)
        self.ended = False  # no more bytes will ever arrive: reads past the data give b""
        self.writer_gone = False  # the writing side shut down or closed
        self.reader_gone = False  # nobody will read: a write fails with EPIPE
        self.readers = WaitQueue()
        self.writers = WaitQueue()
        # Descriptors in flight (AF_UNIX only), in order, and the positions they refer to:
        # bytes taken so far, bytes arrived so far.
        self.rights: collections.deque[Rights] = collections.deque()
        self.taken = 0
        self.arrived = 0

    # -- state, as poll() would report it -------------------------------------------------

    def readable(self) -> bool:
        return bool(self.data) or self.ended

    def room(self) -> int:
        return self.capacity - len(self.data) - self.in_flight

    def writable(self) -> bool:
        return self.room() > 0 or self.reader_gone

    # -- the two sides --------------------------------------------------------------------

    def wait_readable(
        self, interp: state.InterpreterState, thread: OSThread, deadline_ns: int | None
    ) -> bool:
        """Sleep until there is something to read (or the end); False if the deadline
        passed first."""
        wait = Wait("io", f"data from {self.what}", self)
        while not self.readable():
            if self.readers.wait(interp, thread, wait, deadline_ns):
                return self.readable()
        return True

    def wait_writable(
        self,
        interp: state.InterpreterState,
        thread: OSThread,
        deadline_ns: int | None,
        room: int = 1,
    ) -> bool:
        """Sleep until ``room`` bytes fit (or nobody reads any more); False if the deadline
        passed first."""
        wait = Wait("io", f"room in {self.what}", self)
        while self.room() < room and not self.reader_gone:
            if self.writers.wait(interp, thread, wait, deadline_ns):
                return self.room() >= room or self.reader_gone
        return True

    def take(self, interp: state.InterpreterState, size: int) -> bytes:
        """Remove and return up to ``size`` bytes that have arrived (b"" at the end); the
        descriptors sent with them, if any, are closed (a read with no room for them)."""
        chunk, files = self.take_with_rights(interp, size)
        for file in files:
            release(interp, file)
        return chunk

    def take_with_rights(self, interp: state.InterpreterState, size: int) -> tuple[bytes, list]:
        """Up to ``size`` bytes, and the open files sent with the first of them (the
        caller now holds their references): the read stops at the end of the bytes sent
        with them, as ``unix_stream_read_generic`` stops after an skb that carried files."""
        files: list[Any] = []
        if self.rights and self.rights[0].start < self.taken + size:
            rights = self.rights.popleft()
            files = rights.files
            size = min(size, rights.end - self.taken)
        chunk = bytes(self.data[:size])
        del self.data[:size]
        self.taken += len(chunk)
        if chunk:
            self.writers.wake_all(interp)
        return chunk, files

    def put(self, interp: state.InterpreterState, chunk: bytes, files: list | None = None) -> None:
        """Append ``chunk``: at once, or after the latency.  ``files`` (only on a stream
        without latency: AF_UNIX) travel with it, each holding a reference."""
        if not self.latency_ns:
            if files:
                for file in files:
                    file.descriptors += 1
                end = self.arrived + len(chunk)
                self.rights.append(Rights(self.arrived, end, files))
            self.arrived += len(chunk)
            self.data += chunk
            self.readers.wake_all(interp)
            return
        self.in_flight += len(chunk)
        arrival = sync(interp) + self.latency_ns
        interp.machine.call_at(arrival, self._arrive, interp, chunk)

    def _arrive(self, interp: state.InterpreterState, chunk: bytes) -> None:
        self.in_flight -= len(chunk)
        if not self.reader_gone:
            self.arrived += len(chunk)
            self.data += chunk
        self.readers.wake_all(interp)

    def end(self, interp: state.InterpreterState) -> None:
        """The writing side is gone: once what was sent has arrived, reads give b""."""
        if self.writer_gone:
            return
        self.writer_gone = True
        if not self.latency_ns:
            self.mark_ended(interp)
        else:
            arrival = sync(interp) + self.latency_ns
            interp.machine.call_at(arrival, self.mark_ended, interp)

    def mark_ended(self, interp: state.InterpreterState) -> None:
        self.ended = True
        self.readers.wake_all(interp)

    def abandon(self, interp: state.InterpreterState) -> None:
        """The reading side is gone: what is buffered is dropped, and writers get EPIPE
        (over a connection, once the news has crossed it)."""
        if not self.latency_ns:
            self._abandoned(interp)
        else:
            arrival = sync(interp) + self.latency_ns
            interp.machine.call_at(arrival, self._abandoned, interp)

    def _abandoned(self, interp: state.InterpreterState) -> None:
        self.reader_gone = True
        self.data.clear()
        pending, self.rights = self.rights, collections.deque()
        for rights in pending:  # unix_release_sock purges the queue: its files are put
            for file in rights.files:
                release(interp, file)
        self.writers.wake_all(interp)

    def put_now(self, interp: state.InterpreterState, data: memoryview) -> int:
        """Put what fits of ``data`` at once (a finalizer's flush: no sleep, no time)."""
        if self.reader_gone:
            raise os_error(errno.EPIPE)
        count = min(self.room(), len(data))
        if count:
            self.put(interp, bytes(data[:count]))
        return count

    # -- read() and write() as the kernel runs them ---------------------------------------

    def read(
        self, interp: state.InterpreterState, thread: OSThread, size: int, blocking: bool = True
    ) -> bytes:
        """``read(2)``: wait for data (EAGAIN instead, if not ``blocking``), take up to
        ``size`` bytes and charge their copy."""
        chunk, files = self.read_with_rights(interp, thread, size, blocking)
        for file in files:
            release(interp, file)
        return chunk

    def read_with_rights(
        self, interp: state.InterpreterState, thread: OSThread, size: int, blocking: bool = True
    ) -> tuple[bytes, list]:
        """``recvmsg(2)``: ``read``, and the open files that came with the bytes."""
        if size == 0:
            return b"", []
        if not self.readable():
            if not blocking:
                raise os_error(errno.EAGAIN)
            self.wait_readable(interp, thread, None)
        chunk, files = self.take_with_rights(interp, size)
        busy(interp, thread, self.costs.transfer_ns(len(chunk)))
        return chunk, files

    def write(
        self,
        interp: state.InterpreterState,
        thread: OSThread,
        data: bytes,
        blocking: bool = True,
        atomic: int = 0,
        files: list | None = None,
    ) -> int:
        """``write(2)``: a blocking write puts every byte, sleeping for room as the reader
        takes them; a non-blocking one puts what fits now.  A write of at most ``atomic``
        bytes goes in one piece (PIPE_BUF).  ``files`` go with the first bytes put (and
        not at all if none are).  Returns the count written; raises EPIPE if nobody reads
        and nothing was written, EAGAIN if nothing fitted."""
        written, total = 0, len(data)
        while written < total and not self.reader_gone:
            need = total if total <= atomic else 1
            if self.room() < need:
                if not blocking:
                    break
                try:
                    self.wait_writable(interp, thread, None, need)
                except InterruptedCall:
                    if written:  # pipe_write: a signal ends the write with what was put
                        break
                    raise
                continue
            count = min(self.room(), total - written)
            self.put(interp, bytes(data[written : written + count]), files)
            files = None
            written += count
            busy(interp, thread, self.costs.transfer_ns(count))
        if written or not total:
            return written
        if self.reader_gone:
            raise os_error(errno.EPIPE)
        raise os_error(errno.EAGAIN)
