"""The simulated kernel's side of I/O: system calls made without the GIL, how long they take,
and the wait queues of threads blocked in them.

How a blocking call is modelled
-------------------------------
CPython wraps every system call that may take time in ``Py_BEGIN_ALLOW_THREADS`` /
``Py_END_ALLOW_THREADS``: ``_Py_read`` and ``_Py_write`` in ``Python/fileutils.c`` (behind
``os.read``, ``os.write`` and ``FileIO``), ``sock_call_ex`` in ``Modules/socketmodule.c``
(behind every socket call), and ``os_close_impl``/``os_pipe_impl`` in
``Modules/posixmodule.c``.  They release the GIL even when the call completes at once
(``docs/model/gil.md`` §4), so each call here is, in order:

1. ``drop_gil``: a waiter is signalled (and, if a drop was requested, the caller waits in
   FORCE_SWITCHING until another thread has the GIL: ``docs/model/gil.md`` §1.5);
2. the system call itself: *kernel time* on the caller's core (``busy``: entering the kernel,
   copying the bytes), and, if it must wait (an empty pipe, a full buffer, no connection yet),
   a sleep on a wait queue until another thread or a timer wakes it (``WaitQueue``; the
   wake-up latency is the machine's);
3. ``take_gil``, as any thread coming back from a blocking call.

Why kernel time is spent on the core, not in a timed block: a thread in a short system call
keeps its core, so it pays neither the timer slack nor a wake-up latency; a timed
``Machine.block`` would make every 0.5 µs read cost tens of µs.  ``busy`` advances the
thread's own clock, and hands control to the machine at each event on the way (with an
event at its own end, so that a thread running meanwhile on another core stops there too).

Simulated file descriptors
--------------------------
Pipes and sockets get descriptors of the simulated kernel (``Kernel.files``), numbered from
``FIRST_FD`` = 2**30 up.  Linux never hands out descriptors that high (``fs.nr_open``
defaults to 2**20), so they cannot clash with the real descriptors of files the program
opens, and a call gilsim does not model fails loudly with ``EBADF`` instead of reaching a
real descriptor that would block the host.  No host resource is held, so nothing leaks.
"""

from __future__ import annotations

import contextlib
import errno
import os
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import attrs

from gilsim.errors import GilsimError
from gilsim.interpreter import signals, state
from gilsim.machine import OSThread, Wait

T = TypeVar("T")

# Linux's ``fs.nr_open`` (the highest descriptor count a process may be allowed) defaults to
# 2**20, and raising it to 2**30 is all a privileged user can do in practice.
FIRST_FD = 1 << 30


@attrs.frozen
class IOCosts:
    """Durations of the kernel's work (ns), and buffer sizes (bytes)."""

    # One read() or write() of a pipe or a file in the page cache: 3.11.7 did os.write plus
    # os.read of one byte on a pipe in 1 µs, interpreter included (``docs/model/gil.md`` §8.2).
    syscall_ns: int = 500
    # Copying between the program's buffer and the kernel's: about 10 GB/s.
    copy_ns_per_kib: int = 100
    # A socket call also runs the protocol stack (TCP on loopback: a few µs).
    socket_syscall_ns: int = 2_000
    # From send() on loopback until the bytes can be received, softirq processing included
    # (an assumption; the receiver's wake-up latency, the machine's, comes on top).  A
    # ping-pong between two CPython 3.11 threads over loopback TCP took 7 µs per round trip
    # on a bare host; the 2-vCPU VM of docs/model/gil.md §8 wakes threads far more slowly.
    loopback_latency_ns: int = 10_000
    # pipe(7): 16 pages since Linux 2.6.11.  socket(7): net.core.wmem_default.
    pipe_capacity: int = 65_536
    socket_buffer: int = 212_992
    # pipe(7): writes of at most PIPE_BUF bytes are atomic.
    pipe_buf: int = 4_096

    def transfer_ns(self, nbytes: int) -> int:
        """Kernel time to copy ``nbytes`` bytes."""
        return nbytes * self.copy_ns_per_kib // 1024


COSTS = IOCosts()


def os_error(code: int) -> OSError:
    """``OSError(code, strerror)``; the constructor picks the subclass
    (``BrokenPipeError`` for EPIPE, ``BlockingIOError`` for EAGAIN...)."""
    return OSError(code, os.strerror(code))


def ebadf() -> OSError:
    return os_error(errno.EBADF)


# -- running a system call without the GIL ------------------------------------------------


@contextlib.contextmanager
def allow_threads() -> Iterator[tuple[state.InterpreterState, OSThread]]:
    """``Py_BEGIN_ALLOW_THREADS`` ... ``Py_END_ALLOW_THREADS`` around the body, which gets
    the interpreter and the running OS thread."""
    ts = state.current_thread()
    interp, thread = ts.interp, ts.os_thread
    interp.gil.drop_gil(thread)
    # A system call may touch what another process shares (a pipe, a socket): it happens
    # once every other process has got as far (``Machine.sync_processes``).
    interp.machine.sync_processes(thread)
    try:
        yield interp, thread
    except GilsimError:
        raise  # the simulation is ending: there is no GIL to take back
    except BaseException:
        interp.gil.take_gil(thread)
        raise
    interp.gil.take_gil(thread)


class InterruptedCall(Exception):
    """EINTR: a signal for the main thread came while it slept in a system call.  Raised
    without the GIL, caught by ``restarting`` once the GIL is back; the program never
    sees it."""


def restarting(call: Callable[[state.InterpreterState, OSThread], T]) -> T:
    """A system call that may sleep, made as CPython makes it since PEP 475 (``_Py_read``,
    ``_Py_write``, ``sock_call_ex``, ``select_select_impl``, ``os_waitpid_impl``,
    ``_multiprocessing_SemLock_acquire_impl``): ``call`` runs without the GIL; when a
    signal interrupts its sleep (EINTR), the GIL is taken back and the handlers run
    (``PyErr_CheckSignals``): what they raise propagates (``KeyboardInterrupt``), else
    the call is made again.  A call that keeps a deadline across the retries waits only
    for what is left of its timeout."""
    interp = state.current_thread().interp
    while True:
        try:
            with allow_threads() as (interp, thread):
                return call(interp, thread)
        except InterruptedCall:
            pass
        signals.handle_signals(interp)  # (outside the handler: nothing to chain to)


def sleep(
    interp: state.InterpreterState, thread: OSThread, wait: Wait, timeout_ns: int | None
) -> bool:
    """Sleep in the kernel (``TASK_INTERRUPTIBLE``) until woken or for ``timeout_ns``;
    True if the time passed.  A signal for the main thread (or the run's end) makes the
    call fail with EINTR instead (``signal_pending`` before each sleep), so a caller that
    looks again after each wake-up and sleeps once more gets it then."""
    if signals.interrupted(thread):
        raise InterruptedCall
    return interp.machine.block(thread, wait, timeout_ns)


def simulating(interp: state.InterpreterState) -> bool:
    """Whether a simulated thread of ``interp`` is running and holds the GIL (and so may
    release it): not so in a finalizer run by the host after the run, or between events."""
    ts = state.current
    if ts is None or ts.interp is not interp:
        return False
    return interp.machine.current is ts.os_thread and interp.gil.holder is ts.os_thread


def sync(interp: state.InterpreterState) -> int:
    """Bring the engine's clock up to the running thread's and return it (ns): what is
    scheduled from here on is scheduled from the thread's present."""
    machine = interp.machine
    machine.advance(interp.clock_ns)
    return machine.now_ns()


def busy(interp: state.InterpreterState, thread: OSThread, duration_ns: int) -> None:
    """Keep ``thread`` on its core for ``duration_ns`` of kernel time (it holds no GIL)."""
    remaining = duration_ns
    while True:
        room = interp.deadline_ns - interp.clock_ns
        if remaining <= room or interp.deadline_ns >= interp.limit_ns:
            # No event on the way (or only the time limit, which the eval loop reports).
            interp.clock_ns += remaining
            return
        if room > 0:
            interp.clock_ns += room
            remaining -= room
        marker = interp.machine.marker(interp.clock_ns + remaining)
        interp.machine.yield_to_events(thread)
        marker.cancel()


class WaitQueue:
    """Threads asleep in the kernel until something changes (``wait_queue_head_t``)."""

    def __init__(self) -> None:
        self.threads: list[OSThread] = []

    def wait(
        self,
        interp: state.InterpreterState,
        thread: OSThread,
        wait: Wait,
        deadline_ns: int | None = None,
    ) -> bool:
        """Sleep until woken or until ``deadline_ns`` (virtual time); True if it passed."""
        timeout_ns = None
        if deadline_ns is not None:
            timeout_ns = deadline_ns - sync(interp)
            if timeout_ns <= 0:
                return True
        self.threads.append(thread)
        try:
            return sleep(interp, thread, wait, timeout_ns)
        finally:
            if thread in self.threads:
                self.threads.remove(thread)

    def wake_all(self, interp: state.InterpreterState) -> None:
        """Wake every sleeper; each checks again what it waits for."""
        if not self.threads:
            return
        sync(interp)
        threads, self.threads = self.threads, []
        for thread in threads:
            interp.machine.wake(thread)


# -- the descriptor table ------------------------------------------------------------------


class Kernel:
    """The simulated kernel's side of one process: its descriptor table.

    A descriptor names an *open file description* (a pipe end, a socket), which several
    descriptors may name: a fork child's table is a copy of its parent's, and a descriptor
    sent over a socket names the sender's file in the receiver.  The description counts
    its references (``descriptors``) and is closed when the last goes (close(2), ``fput``)."""

    def __init__(self, interp: state.InterpreterState) -> None:
        self.interp = interp
        self.costs = COSTS
        self.files: dict[int, Any] = {}
        self._next_fd = FIRST_FD
        # ``socket.setdefaulttimeout()``'s value: module state of the process's ``socket``
        # in CPython, so a fork child has its parent's (``inherit``).
        self.default_timeout: float | None = None
        # Descriptors of the host crossing to or from a process whose Python runs in
        # another host process (``syscall.host_fds_in``, ``host_fds_out``), by the numbers
        # the kernel's own host process gives them: handed in for a message about to be
        # sent, handed out in a message received and not yet taken across.
        self.handed_in: set[int] = set()
        self.handed_out: set[int] = set()

    def allocate(self, file: Any) -> int:
        """The lowest free simulated descriptor, now naming ``file``."""
        fd = self.install(file)
        file.descriptors = getattr(file, "descriptors", 0) + 1
        return fd

    def install(self, file: Any) -> int:
        """The lowest free simulated descriptor, now naming ``file``, whose reference the
        caller hands over (``fd_install``: a descriptor received over a socket)."""
        fd = self._next_fd
        while fd in self.files or is_host_fd(fd):  # (never, in practice: see the docstring)
            fd += 1
        self.files[fd] = file
        self._next_fd = fd + 1
        return fd

    def inherit(self, parent: Kernel) -> None:
        """fork(2): every descriptor of ``parent`` is open here too, naming the same file."""
        self.files = dict(parent.files)
        self._next_fd = parent._next_fd
        self.default_timeout = parent.default_timeout
        for file in self.files.values():
            file.descriptors += 1

    def keep(self, parent: Kernel, fds: list[int]) -> None:
        """``execve`` after fork(2): of ``parent``'s descriptors, ``fds`` are open here
        too, naming the same files (the others were close-on-exec, or ``close_fds``)."""
        for fd in fds:
            file = parent.lookup(fd)
            if file is not None:
                self.files[fd] = file
                file.descriptors += 1

    def close_all(self) -> None:
        """The process ends: every descriptor it has is closed."""
        for fd in sorted(self.files):
            self.close(fd)

    def lookup(self, fd: Any) -> Any:
        """The file a simulated descriptor names, or None for any other value."""
        if type(fd) is not int or fd < FIRST_FD:
            return None
        return self.files.get(fd)

    def close(self, fd: int, file: Any = None) -> bool:
        """Close ``fd`` (if it still names ``file``, when given): the number is free again,
        lowest first as POSIX wants, and the file is told it has no descriptor left."""
        current = self.files.get(fd)
        if current is None or (file is not None and current is not file):
            return False
        del self.files[fd]
        self._next_fd = min(self._next_fd, fd)
        release(self.interp, current)
        return True


def release(interp: state.InterpreterState, file: Any) -> None:
    """One reference to an open ``file`` is gone (a descriptor closed, or a message in
    flight that carried it dropped): the last one closes it (``fput``).  ``descriptors``
    counts them all: descriptors of every process, and messages in flight."""
    file.descriptors -= 1
    if file.descriptors == 0:
        file.close(interp)


def is_host_fd(fd: int) -> bool:
    """Whether the host really has ``fd`` open."""
    try:
        os.fstat(fd)
    except OSError:
        return False
    return True


def kernel_of(interp: state.InterpreterState) -> Kernel:
    """The simulated kernel of ``interp`` (one per interpreter, made on first use and kept
    on it: a table beside it, keyed by the interpreter, would keep every run's kernel and
    interpreter alive through the kernel's reference back)."""
    kernel = interp.kernel
    if kernel is None:
        kernel = interp.kernel = Kernel(interp)
    return kernel
