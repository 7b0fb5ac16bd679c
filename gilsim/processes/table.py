"""The machine's processes: who is whose child, how each ended, and the system calls that
ask about them (``waitpid``, ``kill``...), the kernel's side of ``processes.posix``.

A process ends in one of three ways (``docs/model/processes.md`` §1.1, §6 item 12), and
its parent's ``waitpid`` reads the way from the *wait status*, as ``<sys/wait.h>`` packs it:

- its main thread finished the program (``Py_FinalizeEx`` ran): status ``code << 8``, with
  the code CPython gives (0, the ``sys.exit`` code, 1 after a traceback);
- ``os._exit(code)``: at once, nothing run on the way, ``code << 8`` too;
- a signal whose default action ends it (``SIGTERM``, ``SIGKILL``): the signal number,
  which ``multiprocessing`` reports as ``exitcode == -N``.

Its parent is then sent SIGCHLD: a parent with a Python handler for it and a wake-up
descriptor (``signal.set_wakeup_fd``) gets the signal's byte there, which is how
``multiprocessing``'s fork server learns of its children's ends.

The run ends when the last process has ended, not the first: an orphan goes on printing
after its parent has gone, as on a real machine.
"""

from __future__ import annotations

import errno
import os
import signal
from typing import Any

import attrs

from gilsim.errors import UnsupportedError
from gilsim.interpreter import state
from gilsim.isolation import caller_ids
from gilsim.machine import Machine, OSThread, Wait
from gilsim.runtime import hostfds, signalmodule, syscall
from gilsim.runtime.kernel import Kernel, busy, os_error, sleep, sync

# Tearing down a process's address space at exit (ns): ``fork.ProcessCosts.exit_ns``.
EXIT_NS = 350_000

# The first process's pid; its parent is ``FIRST_PID - 1`` and each later process takes the
# next number.  Virtual, so that a run shows the same pids on every host and every time
# (``--trace``, ``--json``, ``os.getpid()``); above ``PID_MAX_LIMIT`` (4,194,304,
# ``include/linux/threads.h``), so that no virtual pid is ever a host's process: one that
# reaches the host's ``os`` names no process there, never another user's.
FIRST_PID = 4_200_000


@attrs.define(eq=False)
class Process:
    """One simulated process: its interpreter, its family and its end."""

    pid: int
    ppid: int
    number: int  # its threads' domain on the machine (``OSThread.process``); 0 is the first
    interp: Any
    parent: Process | None = None
    children: list[Process] = attrs.Factory(list)
    status: int | None = None  # the wait status, once it has ended
    reaped: bool = False
    # Threads of this process asleep in waitpid() until a child ends.
    child_waiters: list[OSThread] = attrs.Factory(list)
    main_thread: OSThread | None = None
    # It ended while others ran on: its objects are let go at the end of the run, unrun.
    buried: bool = False

    def modules(self) -> list[Any]:
        """Its modules: the program's and the simulated standard library's."""
        interp = self.interp
        modules = list(interp.sim_modules.values())
        if interp.world is not None:
            modules += interp.world.modules.values()
        return modules

    @property
    def alive(self) -> bool:
        return self.status is None

    @property
    def exit_code(self) -> int | None:
        """What ``subprocess`` and ``multiprocessing`` report: the code, or ``-signal``."""
        if self.status is None:
            return None
        return os.waitstatus_to_exitcode(self.status)


class ProcessTable:
    """Every process the machine has run, by virtual pid: the first is ``FIRST_PID``, its
    children count up from there."""

    def __init__(self, machine: Machine) -> None:
        self.machine = machine
        self.processes: list[Process] = []
        self.by_pid: dict[int, Process] = {}
        self._next_pid = FIRST_PID + 1

    @property
    def root(self) -> Process:
        return self.processes[0]

    def add(self, interp: Any, parent: Process | None) -> Process:
        if parent is None:
            pid, ppid = FIRST_PID, FIRST_PID - 1
        else:
            pid, ppid = self._next_pid, parent.pid
            self._next_pid += 1
        process = Process(pid, ppid, len(self.processes), interp, parent)
        self.processes.append(process)
        self.by_pid[pid] = process
        if parent is not None:
            parent.children.append(process)
            self.machine.add_process()
        interp.process = process
        return process

    def live(self) -> list[Process]:
        return [process for process in self.processes if process.alive]

    def end(self, process: Process, status: int, ending: OSThread | None) -> None:
        """``process`` has ended with wait ``status``: its other threads end with it, its
        parent's ``waitpid`` wakes, and the run ends with the last process."""
        if not process.alive:
            return
        process.status = status
        machine = self.machine
        if not self.live():
            # The last process: whatever is still alive ends with the run (``kill_all``),
            # as a run of one process always ended.
            if len(self.processes) > 1 and machine.tracing:
                machine.record("process_exit", pid=process.pid, status=status)
            machine.finish()
            return
        # Its objects run nothing any more: in CPython what its modules held went at its
        # finalisation, in it; here they go when the run is over (``processes.forget``),
        # and their ``__del__`` would run in another process, its descriptors closed.
        _bury(process)
        if process.interp.kernel is not None:
            # Its descriptors close (the ends of its pipes: a reader elsewhere sees the end).
            # Not for the last process: nobody is left to see it, and its objects' __del__
            # still close theirs when the run is over, as at CPython's finalisation.
            process.interp.kernel.close_all()
        received = hostfds.host_descriptors(machine)
        if received is not None:
            received.end(process.number)  # and the host's it received over a socket
        machine.kill(
            [
                thread
                for thread in machine.threads
                if thread.process == process.number and thread is not ending
            ]
        )
        if machine.tracing:
            machine.record("process_exit", pid=process.pid, status=status)
        for child in process.children:
            child.ppid = 1  # an orphan is re-parented to init
        parent = process.parent
        if parent is not None and parent.alive:
            waiters, parent.child_waiters = parent.child_waiters, []
            for waiter in waiters:
                machine.wake(waiter)
            # The kernel sends the parent SIGCHLD (do_notify_parent); where it has a Python
            # handler, CPython's C handler writes to the wake-up fd at once.
            if signalmodule.has_python_handler(parent.interp, signal.SIGCHLD):
                running = state.current.interp if state.current is not None else process.interp
                signalmodule.trip_signal(parent.interp, signal.SIGCHLD, running)

    def on_thread_exit(self, thread: OSThread, status: int) -> None:
        """The machine's hook: a thread's body ended its process (``ProcessExit``), and
        the kernel tears its address space down before its parent can reap it."""
        process = self.processes[thread.process]
        if len(self.live()) > 1:
            busy(process.interp, thread, EXIT_NS)
            sync(process.interp)
        self.end(process, status, thread)


def _bury(process: Process) -> None:
    """``process`` has ended before the run: none of its functions runs again."""
    from gilsim.interpreter.state import DEAD_GLOBALS

    process.buried = True
    for module in process.modules():
        DEAD_GLOBALS[id(module.__dict__)] = module.__dict__


def table_of(machine: Machine) -> ProcessTable:
    table: ProcessTable | None = machine.process_table
    if table is None:
        table = ProcessTable(machine)
        machine.process_table = table
        machine.on_process_exit = table.on_thread_exit
    return table


def exit_status(code: int) -> int:
    """The wait status of a process that exited with ``code`` (a negative code: killed by
    that signal, as a ``KeyboardInterrupt`` that ends a program reports SIGINT)."""
    return -code if code < 0 else (code & 0xFF) << 8


# -- the system calls ----------------------------------------------------------------------
# The kernel's side of the process functions of the simulated ``os`` (``processes.posix``):
# each takes and returns plain data (pids, signal numbers, wait statuses).


@syscall.system_call
def getpid(kernel: Kernel, interp: state.InterpreterState, thread: OSThread) -> int:
    return int(interp.process.pid)


@syscall.system_call
def getppid(kernel: Kernel, interp: state.InterpreterState, thread: OSThread) -> int:
    """The parent's pid, or 1 once the parent has ended (an orphan is init's)."""
    return int(interp.process.ppid)


@syscall.system_call
def getpgid(kernel: Kernel, interp: state.InterpreterState, thread: OSThread, pid: int) -> int:
    """Which host process to ask ``getpgid(2)`` for ``pid``: 0 (the host's own) for a
    simulated process, all of which run in it; the host's pid for any other."""
    return 0 if _simulated(interp, pid) else int(host_pid(pid))


@syscall.system_call
def getsid(kernel: Kernel, interp: state.InterpreterState, thread: OSThread, pid: int) -> int:
    """Which host process to ask ``getsid(2)`` for ``pid``, as ``getpgid``."""
    return 0 if _simulated(interp, pid) else int(host_pid(pid))


def _simulated(interp: state.InterpreterState, pid: int) -> bool:
    """Whether ``pid`` is 0 (the caller) or a simulated process."""
    return pid == 0 or pid in table_of(interp.machine).by_pid


def host_pid(pid: Any) -> Any:
    """The host's pid for a virtual one: the first process is the host process that runs
    the run (or the caller of ``gilsim.run``), its parent that process's parent; any other
    pid is taken as the host's."""
    if pid == FIRST_PID:
        return caller_ids()[0]
    if pid == FIRST_PID - 1:
        return caller_ids()[1]
    return pid


def virtual_pid(pid: int) -> int:
    """The virtual pid for a host's: ``host_pid`` the other way."""
    caller, parent = caller_ids()
    return FIRST_PID if pid == caller else FIRST_PID - 1 if pid == parent else pid


@syscall.system_call
def waitpid(
    kernel: Kernel, interp: state.InterpreterState, thread: OSThread, pid: int, options: int
) -> tuple[int, int]:
    """``waitpid(2)``: reap a child that has ended, ``(pid, wait status)``; ``(0, 0)``
    with ``WNOHANG`` if none has ended yet, else sleep until one does (``InterruptedCall``
    if a signal comes first); ``ECHILD`` if there is no such child."""
    machine = interp.machine
    process: Process = interp.process

    def candidates() -> list[Process]:
        if pid > 0:
            return [c for c in process.children if c.pid == pid and not c.reaped]
        if pid in (0, -1):
            return [c for c in process.children if not c.reaped]
        return [c for c in process.children if c.pid == -pid and not c.reaped]

    while True:
        found = candidates()
        if not found:
            raise os_error(errno.ECHILD)
        ended = [c for c in found if not c.alive]
        if ended:
            return _reap(ended[0])
        if options & os.WNOHANG:
            return 0, 0
        process.child_waiters.append(thread)
        what = f"process {found[0].pid} to end" if len(found) == 1 else "a child to end"
        try:
            sleep(interp, thread, Wait("process", what, found), None)
        finally:
            if thread in process.child_waiters:
                process.child_waiters.remove(thread)
        machine.sync_processes(thread)


def _reap(child: Process) -> tuple[int, int]:
    child.reaped = True
    assert child.status is not None
    return child.pid, child.status


# Signals whose default action ends a process (signal(7): "Term" and "Core").  SIGINT is
# not one here: CPython's own handler turns it into KeyboardInterrupt, not modelled across
# processes yet.
_FATAL = frozenset(
    {signal.SIGTERM, signal.SIGKILL, signal.SIGHUP, signal.SIGQUIT, signal.SIGABRT, signal.SIGUSR1}
)


# signal(7): the default action of these is to do nothing.
_IGNORED_BY_DEFAULT = frozenset({signal.SIGCHLD, signal.SIGURG, signal.SIGWINCH, signal.SIGCONT})


def _name(sig: int) -> str:
    try:
        return signal.Signals(sig).name
    except ValueError:
        return f"signal {sig}"


@syscall.system_call
def kill(
    kernel: Kernel, interp: state.InterpreterState, thread: OSThread, pid: int, sig: int
) -> bool | None:
    """``kill(2)`` of a simulated process: signal 0 asks whether it exists; a signal whose
    default action ends a process ends it.  True if that process is the caller, which
    ends on its way back from the call; None if ``pid`` is no simulated process (the
    host's)."""
    table = table_of(interp.machine)
    target = table.by_pid.get(pid)
    if target is None:
        return None
    interp.machine.sync_processes(thread)
    if not target.alive and target.reaped:
        raise os_error(errno.ESRCH)
    if sig == 0 or not target.alive:
        return False  # a zombie still exists until it is reaped
    handler = target.interp.signals.get(sig, signal.SIG_DFL)
    if sig != signal.SIGKILL and handler is signal.SIG_IGN:
        return False
    if sig != signal.SIGKILL and handler is not signal.SIG_DFL:
        raise UnsupportedError(
            f"os.kill() of process {pid} with {_name(sig)}, for which it set a Python "
            "handler: gilsim does not run signal handlers yet"
        )
    if sig not in _FATAL:
        if sig in _IGNORED_BY_DEFAULT:
            return False
        raise UnsupportedError(
            f"os.kill() with {_name(sig)}: gilsim delivers only signals that end a process "
            "(SIGTERM, SIGKILL, ...) between simulated processes"
        )
    if target is interp.process:
        return True
    table.end(target, sig, None)
    return False
