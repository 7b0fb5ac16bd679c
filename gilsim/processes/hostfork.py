"""``os.fork()`` on the host's interpreter (3.12 and later): a real fork of gilsim's host
process (issue 19).

The child host process is a copy of the parent's memory, so it inherits what CPython's
child inherits because it *is* the same memory: the program's objects and modules, its
locks (one another thread held stays held: that thread is not in the child), its open
files, the forking thread's frames.  What the child does not keep is the machine: the
machine, the engine and the simulated kernel stay in the first host process, the
*coordinator*, and the child reaches them over a connection (``gilsim.machine.remote``):
its machine object becomes a ``RemoteMachine``, and each of its system calls is made by
the coordinator (``gilsim.runtime.syscall``), which keeps a ``ChildInterp`` for the
process: its clock, its descriptor table, its place in the process table.

In the child the forking thread is the only thread (``fork(2)``: the others vanish, their
stacks unwound by no one); it gets a new thread id, the GIL is new and its own
(``PyOS_AfterFork_Child``), and it goes on once the machine has started the new process
(``ProcessCosts.child_start_ns`` after the fork), then runs the program's
``after_in_child`` hooks (``threading`` resets its threads there).
"""

from __future__ import annotations

import errno
import functools
import gc
import io
import os
import signal
import sys
import traceback
from collections.abc import Callable

# (From the host's module, imported with gilsim: a run's own ``import`` would give the
# program's copy, over the program's simulated ``os``.)
from multiprocessing.connection import Connection, Pipe
from typing import Any, NoReturn, cast

import greenlet

from gilsim import gil
from gilsim.interpreter import state
from gilsim.machine import Machine, OSThread
from gilsim.machine.remote import Proxy, RemoteClock, RemoteMachine
from gilsim.processes.fork import COSTS, _run_hooks
from gilsim.processes.table import Process, table_of
from gilsim.runtime import syscall
from gilsim.runtime.deadlock import HeldAcrossFork, thread_name
from gilsim.runtime.kernel import Kernel, busy, kernel_of, sync
from gilsim.runtime.threadhandles import DONE, _ThreadHandle
from gilsim.runtime.threadmodule import _FIRST_IDENT, _IDENT_STEP, lock
from gilsim.tracer.pystate import TracedInterpreter


class ChildInterp(RemoteClock):
    """A forked process as the coordinator sees it: what the process table and the
    simulated kernel need of its interpreter (its clock, shared by its threads' mirrors;
    its descriptors), while its Python runs in the child host process."""

    runs_here = False

    def __init__(self, parent: TracedInterpreter | ChildInterp) -> None:
        super().__init__()
        self.machine: Machine = parent.machine
        # Told why the process stopped the run: the first process's tracer, for the report.
        self.on_stop: Callable[[Exception], None] = (
            parent.on_stop
            if isinstance(parent, ChildInterp)
            else functools.partial(setattr, parent.tracer, "stopped")
        )
        self.limit_ns: int = parent.limit_ns
        self.kernel: Kernel | None = None
        self.process: Process | None = None
        # (What ``Process.modules`` and ``processes.forget`` read: the child's modules are
        # in its own host process, and go with it.)
        self.sim_modules: dict[str, Any] = {}
        self.world: Any = None
        # The kernel's record of its dispositions and wake-up descriptor: its parent's at
        # the fork; what the child sets afterwards comes by system call
        # (``signalmodule.sigaction``, ``signalmodule.wakeup_fd``).
        self.signals: dict[int, Any] = dict(parent.signals)
        self.wakeup_fd: int = parent.wakeup_fd
        # (No signal reaches its Python handlers through here, and the run's stop comes to
        # the child through its thread's mirror: ``signals.interrupted`` finds none.)
        self.stop_request: Exception | None = None
        self.signals_pending = False
        self.instructions = 0
        self.pages = None  # (no copy-on-write model for a real fork: the host's kernel does it)

    def program_module(self, name: str) -> None:
        return None

    def frames(self, ts: Any) -> list[tuple[str, int, str]]:
        """(Its threads' frames are in the child host process.)"""
        return []

    def release(self) -> None:
        pass

    def system_call(self, thread: OSThread, name: str, args: tuple, kwargs: dict) -> Any:
        """A system call of the child's ``thread``, made here.  (The kernel's side reads
        of an interpreter what this has: its clock, its machine, kernel and process.)"""
        return syscall.enter_by_name(name, cast(Any, self), thread, args, kwargs)

    def output(self, thread: OSThread, name: str, data: bytes) -> None:
        """What the child wrote to a standard stream captured in memory (an in-process
        run: ``gilsim.run``): it goes where the parent's goes, now."""
        getattr(sys, name).buffer.write(data)

    def counts(self, thread: OSThread, instructions: int, process_instructions: int) -> None:
        """The child's counts, sent as its thread ends (for the run's summary)."""
        cast(MirrorState, thread.payload).instructions = instructions
        self.instructions = process_instructions


class MirrorState:
    """The ``payload`` of a forked process's thread mirror: its interpreter, and what its
    thread ran (``instructions``, told at its end)."""

    def __init__(self, interp: ChildInterp) -> None:
        self.interp = interp
        self.instructions = 0


def fork() -> int:
    """``os.fork()``: the child's pid in the parent; 0 in the child."""
    ts = state.current_thread()
    interp, thread = cast(TracedInterpreter, ts.interp), ts.os_thread
    machine = interp.machine
    machine.sync_processes(thread)
    _run_hooks(list(reversed(interp.at_fork["before"])))
    parent: Process = interp.process
    name = thread_name(interp, thread)  # (``threading``'s name: the child's thread keeps it)
    pthread = thread.pthread or thread.ident
    busy(interp, thread, COSTS.fork_ns)
    now = sync(interp)
    there, (pid, number, ident) = new_host_process(
        machine,
        ("fork", name, now),
        lambda conn: _adopt_child(machine, interp, thread, conn, name, now),
    )
    if there is not None:  # (the child host process)
        own = Process(pid, parent.pid, number, interp, main_thread=thread)
        _become_child(interp, ts, there, own, ident, pthread)
        return 0
    _warn_if_threads(interp, machine.live_threads(parent.number), parent.pid)
    _run_hooks(list(interp.at_fork["after_in_parent"]))
    return pid


def new_host_process(
    machine: Machine,
    request: tuple[Any, ...],
    adopt: Callable[[Connection], tuple[Any, ...]],
) -> tuple[Connection | None, tuple[Any, ...]]:
    """Fork gilsim's host process for a new simulated process, which the coordinator
    adopts first: ``adopt(conn)`` here, giving its proxy and what it tells the new
    process, or, in a forked process, the coordinator's answer to ``request``, made with
    this end of the new connection (``SCM_RIGHTS``).  In the new host process, its end
    of the connection; in this one, None; and the answer."""
    # (``Pipe`` is the host's module's, imported with gilsim: imported during the run it
    # would be the program's copy, over the program's simulated ``os``.)
    here, there = Pipe()
    proxy = None
    if isinstance(machine, RemoteMachine):
        answer = tuple(machine.request(*request, fds=[here.fileno()]))
    else:
        proxy, *adopted = adopt(here)
        answer = tuple(adopted)
    host_pid = os.fork()
    if host_pid == 0:
        here.close()
        return there, answer
    there.close()
    if proxy is None:
        here.close()  # (the coordinator's copy is the one in use)
    else:
        host_children(machine).append((host_pid, proxy))
    return None, answer


def _adopt_child(
    machine: Machine,
    interp: TracedInterpreter | ChildInterp,
    thread: OSThread,
    conn: Connection,
    name: str,
    now: int,
) -> tuple[Proxy, int, int, int]:
    """The coordinator's side of a fork by ``thread`` of ``interp``'s process: the new
    process in the process table and the kernel (its descriptors are its parent's), and
    the mirror of its one thread, which the machine starts ``child_start_ns`` from now.
    The new process's pid, its number on the machine and its thread's ident."""
    parent = cast(Process, interp.process)
    child_interp = ChildInterp(interp)
    child = table_of(machine).add(child_interp, parent)
    child_interp.kernel = Kernel(child_interp)  # type: ignore[arg-type]
    child_interp.kernel.inherit(kernel_of(interp))  # type: ignore[arg-type]
    ident = _FIRST_IDENT + machine.next_thread_number() * _IDENT_STEP
    proxy = proxy_for(machine, conn, child_interp)
    child.main_thread = proxy.adopt(
        ident, name, thread.pthread or thread.ident, delay_ns=COSTS.child_start_ns
    )
    if machine.tracing:
        machine.record_at(
            now, "process_start", pid=child.pid, ppid=parent.pid, thread=thread.ident, child=ident
        )
    return proxy, child.pid, child.number, ident


def proxy_for(machine: Machine, conn: Connection, child_interp: ChildInterp) -> Proxy:
    """The coordinator's side of a process whose Python runs in another host process,
    with the requests its threads make beyond the machine's (``CHILD_OPS``)."""
    process = cast(Process, child_interp.process)
    proxy = Proxy(machine, conn, process.number, clock=child_interp)
    proxy.payload = MirrorState(child_interp)
    proxy.ops["syscall"] = child_interp.system_call
    proxy.ops["output"] = child_interp.output
    proxy.ops["counts"] = child_interp.counts
    for op, handler in CHILD_OPS.items():
        proxy.ops[op] = functools.partial(handler, proxy)
    proxy.on_stop = child_interp.on_stop
    return proxy


def adopt_for_child(
    proxy: Proxy, mirror: OSThread, adopt: Callable[..., tuple[Any, ...]], *args: Any
) -> tuple[Any, ...]:
    """A forked or started process makes a new one (a request of its ``mirror``): the new
    process's connection comes with the request, and ``adopt(machine, interp, mirror,
    conn, *args)`` gives its proxy and what the asker is told.  Its host process is the
    asker's child, which waits for it (``serve_then_exit``)."""
    conn = Connection(proxy.receive_fds(1)[0])
    interp = cast(MirrorState, mirror.payload).interp
    child, *answer = adopt(proxy.machine, interp, mirror, conn, *args)
    host_children(proxy.machine).append((0, child))
    return tuple(answer)


def _fork_in_child(proxy: Proxy, mirror: OSThread, name: str, now: int) -> tuple[Any, ...]:
    """A forked process's thread forks (the ``fork`` request of its mirror)."""
    return adopt_for_child(proxy, mirror, _adopt_child, name, now)


def _host_fds_in(proxy: Proxy, mirror: OSThread, count: int) -> list[int]:
    """Descriptors of the child's host process, for a message it sends
    (``syscall.host_fds_in``): here, by this host process's numbers."""
    fds = proxy.receive_fds(count)
    kernel_of(cast(MirrorState, mirror.payload).interp).handed_in.update(fds)  # type: ignore[arg-type]
    return fds


def _host_fds_out(proxy: Proxy, mirror: OSThread, fds: list[int]) -> None:
    """Descriptors of the host a message brought the child (``syscall.host_fds_out``): to
    its host process, after the answer; closed here."""
    kernel = kernel_of(cast(MirrorState, mirror.payload).interp)  # type: ignore[arg-type]
    if not set(fds) <= kernel.handed_out:
        raise OSError(errno.EBADF, os.strerror(errno.EBADF))
    kernel.handed_out.difference_update(fds)
    proxy.send_fds_after_answer(fds)


# What a forked (or started) process asks of the coordinator beyond the machine's calls:
# ``handler(proxy, mirror, *args)`` (``hostspawn`` adds its ``spawn``).
CHILD_OPS: dict[str, Callable[..., Any]] = {
    "fork": _fork_in_child,
    "host_fds_in": _host_fds_in,
    "host_fds_out": _host_fds_out,
}


# gilsim's own files, which a warning of the program's skips to point at its caller.
_GILSIM = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep


def _warn_if_threads(interp: TracedInterpreter, threads: int, pid: int) -> None:
    """``warn_about_fork_with_threads`` (3.12+, gh-100228): the parent of a fork that
    had other threads running is warned, with its own pid (the virtual one here)."""
    warnings = interp.program_module("warnings")
    if threads <= 1 or warnings is None:
        return
    warnings.warn(
        f"This process (pid={pid}) is multi-threaded, use of fork() may lead to deadlocks "
        "in the child.",
        DeprecationWarning,
        stacklevel=2,
        skip_file_prefixes=(_GILSIM,),
    )


def host_children(machine: Machine) -> list[tuple[int, Proxy]]:
    """The host processes forked for the run's processes, with their proxies (host pid 0:
    one that a forked process forked, whose host parent waits for it)."""
    children: list[tuple[int, Proxy]] = machine.shared.setdefault("host_children", [])
    return children


def reap(machine: Machine) -> None:
    """The run is over: let every child host process go, and wait for it."""
    children = host_children(machine)
    for _, proxy in children:
        proxy.close()
    # (All closed first: a forked process's host process waits for those it forked.)
    for pid, _ in children:
        try:
            if pid:
                os.waitpid(pid, 0)
        except ChildProcessError:
            pass
    children.clear()


def _become_child(
    interp: TracedInterpreter,
    ts: Any,
    conn: Connection,
    child: Process,
    ident: int,
    pthread: int,
) -> None:
    """In the child host process: the machine becomes the coordinator's proxy, the
    forking thread the process's only thread (``child``, the process as its own code sees
    it, has it as its main thread); it waits until the machine starts it."""
    remote = leave_parent(interp, conn)
    remote.before_exit = functools.partial(send_counts, remote, interp)
    thread: OSThread = ts.os_thread
    interp.process = child
    interp.main_ident = ident
    thread.ident, thread.process, thread.pthread = ident, child.number, pthread
    ts.native_id = child.pid
    remote.know(thread)
    # Its counts are its own from here (``--max-instructions`` bounds each process).
    interp.instructions = ts.instructions = 0
    interp.instruction_limit = interp.instruction_cap
    if interp.watchdog is not None:
        interp.watchdog.report = None  # the coordinator draws the progress line
        interp.watch(interp.watchdog)
    _fix_locks(interp, thread)
    gil.reset(interp.gil, remote, interp)  # PyOS_AfterFork_Child: a new GIL
    # The thread's greenlets hand over to a hub of the child's; the parent's hub, and the
    # other threads' greenlets, stay suspended for ever (kept: a greenlet collected would
    # unwind its frames, running their ``finally`` blocks in the child).
    body = greenlet.getcurrent().parent
    root = body
    while root.parent is not None:
        root = root.parent
    hub = greenlet.greenlet(lambda: serve_then_exit(remote), parent=root)
    keep(body.parent)
    body.parent = hub
    remote._hub = hub
    remote.to_hub(hub)  # until the machine runs the new process
    interp.gil.take_gil(thread)  # PyOS_AfterFork_Child: the GIL is the forking thread's
    _run_hooks(list(interp.at_fork["after_in_child"]))


_KEPT: list[Any] = []


def keep(suspended: greenlet.greenlet) -> None:
    """Keep ``suspended`` for the host process's life: a greenlet collected would unwind
    its frames, running their ``finally`` blocks in a process where they never ran."""
    _KEPT.append(suspended)


def leave_parent(interp: TracedInterpreter, conn: Connection) -> RemoteMachine:
    """In a new host process, forked for a process of the run: the machine becomes the
    coordinator's proxy over ``conn``; what was the parent's own alone goes."""
    # A terminal's Ctrl-C (a SIGTERM, a SIGHUP to the group) reaches every process of its
    # group: the coordinator alone acts, and lets the child go as the run ends.
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, signal.SIG_IGN)
    machine = interp.machine
    if isinstance(machine, RemoteMachine):
        machine.connection().close()  # (its parent's, copied by the fork)
    for _, proxy in host_children(machine):
        proxy.conn.close()  # (the other children's connections, copied by the fork)
    host_children(machine).clear()
    remote = RemoteMachine.become(machine, conn)
    _forward_captured_output(remote)
    return remote


def send_counts(remote: RemoteMachine, interp: TracedInterpreter, thread: OSThread) -> None:
    """(``RemoteMachine.before_exit``: what the thread, and its process, ran.)"""
    remote.request("counts", thread.payload.instructions, interp.instructions)


def _forward_captured_output(remote: RemoteMachine) -> None:
    """An in-process run captures the standard streams in memory (``gilsim.run``): the
    child's copies would keep what it writes, so each write goes to the parent's."""
    for name in ("__stdout__", "__stderr__"):
        raw = getattr(getattr(sys, name), "buffer", None)
        if isinstance(raw, io.BytesIO) and not hasattr(raw, "forwarded"):
            raw.__class__ = _forwarding(type(raw), remote, name)


def _forwarding(base: type[io.BytesIO], remote: RemoteMachine, name: str) -> type[io.BytesIO]:
    def write(self: io.BytesIO, data: Any) -> int:
        payload = bytes(data)
        remote.request("output", name, payload)
        return len(payload)

    return type(f"Forwarded{base.__name__}", (base,), {"write": write, "forwarded": True})


def serve_then_exit(remote: RemoteMachine) -> NoReturn:
    """The child host process's hub: it serves the machine's answers until the
    coordinator lets go, then the host process ends (its simulated status is the
    coordinator's to report)."""
    status = 0
    try:
        remote.serve()
    except BaseException:
        traceback.print_exc()
        status = 70  # EX_SOFTWARE: gilsim's own failure, said on stderr
    finally:
        sys.stderr.flush()
        _wait_for_forks()
        os._exit(status)


def _wait_for_forks() -> None:
    """Wait for the host processes this one forked (a forked process's own forks), which
    end as the coordinator lets them go: no zombie is left to the host's init."""
    while True:
        try:
            os.waitpid(-1, 0)
        except ChildProcessError:
            return
        except InterruptedError:
            continue


def _fix_locks(interp: state.InterpreterState, thread: OSThread) -> None:
    """The child's locks are the parent's, unchanged: only their waiters (threads the
    child does not have) go, and a lock another thread held is held by no one who can
    release it (``HeldAcrossFork``).  But the other threads are gone, and so is what
    stood for their lives: ``PyOS_AfterFork_Child`` clears their thread states, which
    releases a 3.12 thread's sentinel lock (``release_sentinel``), and marks a 3.13
    thread's handle done (``_PyThread_AfterFork``)."""
    for obj in gc.get_objects():
        if type(obj) is _ThreadHandle:
            if obj._ident != thread.ident and obj._state != DONE:
                obj._state = DONE
                obj._exited._sentinel_of = None
                obj._exited._owner = None
                obj._exited._locked = False
            continue
        if type(obj) is not lock:
            continue
        obj._waiters = []
        owner = obj._owner
        if owner is None or owner is thread:
            continue
        if obj._sentinel_of is not None:
            obj._sentinel_of = obj._owner = None
            obj._locked = False
            continue
        obj._owner = HeldAcrossFork(thread_name(interp, owner))  # type: ignore[assignment]
