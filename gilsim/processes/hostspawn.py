"""``_posixsubprocess.fork_exec`` of Python on the host's interpreter (3.12 and later): a new
program in a process of its own (issue 19).

``multiprocessing``'s spawn start method, its resource tracker and its fork server start
``sys.executable -c CODE`` this way (``util.spawnv_passfds``), and ``subprocess`` does for a
Python command line.  The new process is no copy of its parent: a fresh interpreter, with
its own GIL and modules, that runs the command line as its main program, keeps only the
descriptors it was given (``fds_to_keep``), and starts after an interpreter's start-up time
(``ProcessCosts.interpreter_start_ns``).  What it imports it loads afresh, in the
simulation, and pays for.

The host does it as ``fork`` then ``exec`` would, without the ``exec``: gilsim's host
process forks (``hostfork``: the machine and the kernel stay in the coordinator, which
adopts the new process before the fork), and the host child makes a new interpreter on the
coordinator's machine, puts the parent's modules away (its ``World``, as at the end of a
run: ``sys.modules`` is the program's only) and runs the command line in it
(``hostprogram.run_started``).  The parent's memory is still there, unreachable from the
new program's modules; its threads' greenlets stay suspended for ever.  Nothing of the
parent's program runs in the child: its collector garbage is frozen, never collected.

Any other executable is refused: gilsim simulates Python processes only.
"""

from __future__ import annotations

import functools
import gc
import io
import os
import signal
import sys
from collections.abc import Callable

# (The host's, imported with gilsim: see ``hostfork``.)
from multiprocessing.connection import Connection
from typing import Any, NoReturn, cast

import attrs
import greenlet

from gilsim.errors import UnsupportedError
from gilsim.interpreter import state
from gilsim.interpreter.watchdog import Watchdog
from gilsim.machine import Machine, OSThread
from gilsim.machine.remote import RemoteMachine
from gilsim.processes import hostfork
from gilsim.processes.fork import COSTS
from gilsim.processes.hostfork import ChildInterp
from gilsim.processes.spawn import command_line
from gilsim.processes.table import Process, table_of
from gilsim.runtime import ShadowModule
from gilsim.runtime.hostshadows import where_in_program
from gilsim.runtime.kernel import Kernel, busy, kernel_of, sync
from gilsim.runtime.threadmodule import _FIRST_IDENT, _IDENT_STEP
from gilsim.tracer import boundary
from gilsim.tracer.pystate import TracedInterpreter


@attrs.define(eq=False)
class Started:
    """What the new host process needs to run the program it was started for."""

    machine: RemoteMachine
    config: Any  # (``gilsim.config.Config``, a layer above)
    process: Process
    number: int  # its main thread's number on the machine
    source: str | bytes
    filename: str
    argv: list[str]
    watchdog: Watchdog | None


# Runs a started program in the new host process (``hostprogram.run_started``).
Runner = Callable[[Started], NoReturn]


def make_posixsubprocess(interp: TracedInterpreter, runner: Runner) -> ShadowModule:
    import _posixsubprocess

    return ShadowModule(
        _posixsubprocess, {"fork_exec": functools.partial(fork_exec, runner)}, frozenset()
    )


def fork_exec(
    runner: Runner,
    args: Any,
    executable_list: Any,
    close_fds: Any,
    fds_to_keep: Any,
    *rest: Any,
) -> int:
    """``_posixsubprocess.fork_exec``: start a simulated Python; return its pid."""
    ts = state.current_thread()
    interp, thread = cast(TracedInterpreter, ts.interp), ts.os_thread
    kind, what, rest_args = command_line(args, executable_list)
    _check_plain_start(interp, rest)
    source: str | bytes
    if kind == "-c":
        filename, source, child_argv = "<string>", what, ["-c", *rest_args]
    else:
        filename = os.path.abspath(what)
        with open(filename, "rb") as handle:
            source = handle.read()
        child_argv = [what, *rest_args]
    keep = sorted({int(fd) for fd in fds_to_keep})
    machine = interp.machine
    machine.sync_processes(thread)
    busy(interp, thread, COSTS.spawn_ns)  # vfork and exec, in the parent
    now = sync(interp)
    there, (pid, number, thread_number) = hostfork.new_host_process(
        machine,
        ("spawn", keep, now),
        lambda conn: _adopt_program(machine, interp, thread, conn, keep, now),
    )
    if there is not None:  # (the new host process)
        process = Process(pid, interp.process.pid, number, None)
        started = Started(
            hostfork.leave_parent(interp, there),
            interp.config,
            process,
            thread_number,
            source,
            filename,
            child_argv,
            interp.watchdog,
        )
        _become_program(interp, started, runner)
    return int(pid)


# ``fork_exec``'s arguments after ``fds_to_keep`` (``subprocess_fork_exec_impl``, the same in
# 3.12 and 3.13), with the value each has when the child changes nothing of what it
# inherits; ``errpipe_read`` and ``errpipe_write`` (the parent's pipe for an exec error,
# closed in the child by the exec) are the two left out.
_PLAIN_START = (
    ("cwd", None),
    ("env", None),
    ("stdin", -1),  # p2cread
    (None, -1),  # p2cwrite
    (None, -1),  # c2pread
    ("stdout", -1),  # c2pwrite
    (None, -1),  # errread
    ("stderr", -1),  # errwrite
    (None, None),  # errpipe_read
    (None, None),  # errpipe_write
    (None, None),  # restore_signals
    ("start_new_session", False),  # call_setsid
    ("process_group", -1),  # pgid_to_set
    ("group", None),  # gid
    ("extra_groups", None),
    ("user", None),  # uid
    ("umask", -1),  # child_umask
    ("preexec_fn", None),
)


def _check_plain_start(interp: TracedInterpreter, rest: tuple[Any, ...]) -> None:
    """A new program whose streams, directory, environment or credentials are set for it
    (``subprocess``'s arguments) is not simulated yet: refused by the argument's name."""
    changed = [
        name
        for (name, plain), value in zip(_PLAIN_START, rest, strict=False)
        if name is not None and value != plain
    ]
    if changed:
        raise UnsupportedError(
            f"{where_in_program(interp)}starting Python with "
            + ", ".join(f"{name}=" for name in changed)
            + f" given is not supported by gilsim on Python {interp.version.name} yet"
        )


def _adopt_program(
    machine: Machine,
    interp: TracedInterpreter | ChildInterp,
    thread: OSThread,
    conn: Connection,
    keep: list[int],
    now: int,
) -> tuple[hostfork.Proxy, int, int, int]:
    """The coordinator's side of a new program started by ``thread`` of ``interp``'s
    process: the new process in the process table, with the descriptors ``keep`` of its
    parent's (``close_fds``; ``execve`` closes the rest, ``FD_CLOEXEC``) and a fresh
    interpreter's signal dispositions, and the mirror of its main thread, which the machine
    starts after an interpreter's start-up.  Its pid, its number on the machine and its
    main thread's number."""
    parent = cast(Process, interp.process)
    child_interp = ChildInterp(interp)
    # ``Py_Initialize``'s: SIGINT raises KeyboardInterrupt, the rest are the defaults.
    child_interp.signals = {signal.SIGINT: signal.default_int_handler}
    child_interp.wakeup_fd = -1
    child = table_of(machine).add(child_interp, parent)
    child_interp.kernel = Kernel(child_interp)  # type: ignore[arg-type]
    child_interp.kernel.keep(kernel_of(interp), keep)  # type: ignore[arg-type]
    thread_number = machine.next_thread_number()
    proxy = hostfork.proxy_for(machine, conn, child_interp)
    child.main_thread = proxy.adopt(
        _FIRST_IDENT + thread_number * _IDENT_STEP,
        "MainThread",
        delay_ns=COSTS.interpreter_start_ns,
    )
    if machine.tracing:
        machine.record_at(
            now,
            "process_start",
            pid=child.pid,
            ppid=parent.pid,
            thread=thread.ident,
            child=child.main_thread.ident,
        )
    return proxy, child.pid, child.number, thread_number


def spawn_in_child(proxy: hostfork.Proxy, mirror: OSThread, keep: list[int], now: int) -> Any:
    """A forked or started process starts a program (the ``spawn`` request of its
    mirror)."""
    return hostfork.adopt_for_child(proxy, mirror, _adopt_program, keep, now)


def _become_program(interp: TracedInterpreter, started: Started, runner: Runner) -> NoReturn:
    """In the new host process (``hostfork.leave_parent`` done): the parent's program is
    put away (its tracer, its modules), and a greenlet of the host's own runs the new one
    (``runner``), never coming back to the parent's frames."""
    interp.tracer.uninstall()
    boundary.activate(None)
    _new_std_streams()
    world = interp.host_world
    if world is not None:
        world.restore()
    # What the parent's program left to the collector stays uncollected: its finalizers
    # are the parent's code.
    gc.freeze()
    if started.watchdog is not None:
        started.watchdog.report = None  # the coordinator draws the progress line
    root = greenlet.getcurrent()
    while root.parent is not None:
        root = root.parent
    hostfork.keep(greenlet.getcurrent())
    greenlet.greenlet(lambda: runner(started), parent=root).switch()
    raise AssertionError("a started program's host process came back to its parent's")


def _new_std_streams() -> None:
    """``create_stdio`` of the new interpreter: new standard stream objects over the same
    descriptors.  What the parent had printed and not yet flushed stays in the parent's
    objects, which are kept and never flushed (the host process ends by ``os._exit``):
    an ``exec`` leaves nothing of the parent's memory, where a fork child has a copy of
    the parent's buffers and prints it again."""
    for name in ("stdout", "stderr"):
        old = getattr(sys, name)
        buffer = getattr(old, "buffer", None)
        if not isinstance(old, io.TextIOWrapper) or buffer is None:
            continue  # (not a stream of its own: nothing of the parent's is pending in it)
        hostfork.keep(old)
        raw = getattr(buffer, "raw", None)
        new = io.TextIOWrapper(
            type(buffer)(raw) if raw is not None else buffer,
            encoding=old.encoding,
            errors=old.errors,
            line_buffering=old.line_buffering,
            write_through=old.write_through,
        )
        if getattr(sys, f"__{name}__") is old:
            setattr(sys, f"__{name}__", new)
        setattr(sys, name, new)


hostfork.CHILD_OPS["spawn"] = spawn_in_child


__all__ = ["Started", "fork_exec", "make_posixsubprocess", "spawn_in_child"]
