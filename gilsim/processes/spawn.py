"""A new interpreter: ``_posixsubprocess.fork_exec`` of the Python that gilsim runs on
(``Modules/_posixsubprocess.c``; ``docs/model/processes.md`` §1.3).

``multiprocessing``'s spawn start method, its resource tracker and its fork server all start
``sys.executable -c CODE`` through ``util.spawnv_passfds``, which calls ``fork_exec``.  The
child is not a copy of anyone: a fresh interpreter on the same machine, with its own GIL and
modules, which runs the command line as its main program.  It keeps only the descriptors it
was given (``fds_to_keep``) and the standard streams; its ``sys.argv`` and ``sys.path`` are
those of a Python started that way.  It starts after an interpreter's start-up time
(``ProcessCosts.interpreter_start_ns``); what it imports then costs its loading
(``gilsim.interpreter.loading``), and ``multiprocessing`` itself runs in the simulation; at
its exit ``Py_FinalizeEx`` clears every module it loaded (``finalize_ns_per_module``).

Any other executable is refused: gilsim simulates Python processes only.
"""

from __future__ import annotations

import os
import sys
import types
from typing import Any

from gilsim import gil
from gilsim.errors import UnsupportedError
from gilsim.interpreter import state
from gilsim.interpreter.builtins import make_builtins
from gilsim.processes.fork import COSTS, install, start_process
from gilsim.processes.table import exit_status, table_of
from gilsim.processes.world import World, first_world
from gilsim.runtime import ShadowModule, pymain
from gilsim.runtime.fileio import io_builtins
from gilsim.runtime.kernel import busy, kernel_of, sync
from gilsim.runtime.shadows import make_shadow_modules
from gilsim.runtime.threadmodule import new_thread

# Options of the interpreter that take no argument, and those that take one
# (``python --help``); what they change is not modelled.
_FLAGS = frozenset("bBdEhiIOPqsSuvVx")
_WITH_ARGUMENT = frozenset("WX")


def _is_python(executable: str) -> bool:
    return os.path.realpath(executable) == os.path.realpath(sys.executable)


def _command(argv: list[str]) -> tuple[str, str, list[str]]:
    """``("-c", code, args)`` or ``("script", path, args)`` from an interpreter's command
    line (after the executable)."""
    index = 0
    while index < len(argv):
        arg = argv[index]
        if arg == "-c" and index + 1 < len(argv):
            return "-c", argv[index + 1], argv[index + 2 :]
        if arg.startswith("-c") and len(arg) > 2:
            return "-c", arg[2:], argv[index + 1 :]
        if arg.startswith("-") and len(arg) > 1 and all(c in _FLAGS for c in arg[1:]):
            index += 1
            continue
        if arg[:2] in ("-W", "-X"):
            index += 1 if len(arg) > 2 else 2
            continue
        if not arg.startswith("-"):
            return "script", arg, argv[index + 1 :]
        break
    raise UnsupportedError(f"starting Python with {' '.join(argv)!r}: gilsim runs -c or a script")


def command_line(args: Any, executable_list: Any) -> tuple[str, str, list[str]]:
    """``fork_exec``'s command line as ``_command`` reads it; any program but the Python
    gilsim runs on is refused."""
    argv = [os.fsdecode(a) for a in args]
    executable = os.fsdecode(executable_list[0]) if executable_list else argv[0]
    if not _is_python(executable):
        raise UnsupportedError(
            f"starting {executable!r}: gilsim simulates child processes of the Python it "
            "runs on only"
        )
    return _command(argv[1:])


def fork_exec(args: Any, executable_list: Any, close_fds: Any, fds_to_keep: Any, *rest: Any) -> int:
    """``_posixsubprocess.fork_exec``: start a simulated Python; return its pid."""
    ts = state.current_thread()
    interp, thread = ts.interp, ts.os_thread
    kind, what, rest_args = command_line(args, executable_list)
    machine = interp.machine
    machine.sync_processes(thread)
    if interp.world is None:
        interp.world = first_world()
    child_interp = _fresh_interpreter(interp)
    child = install(child_interp, interp.process)
    _keep_descriptors(interp, child_interp, [int(fd) for fd in fds_to_keep])

    main = types.ModuleType("__main__")
    main.__dict__["__builtins__"] = __import__("builtins")
    host = interp.world.inherited()
    if kind == "-c":
        filename = "<string>"
        source = what
        host.argv = ["-c", *rest_args]
        host.path = ["", *host.path[1:]]
    else:
        filename = os.path.abspath(what)
        with open(filename, "rb") as handle:
            source = handle.read()  # type: ignore[assignment]
        main.__dict__["__file__"] = filename
        host.argv = [what, *rest_args]
        host.path = [os.path.dirname(filename), *host.path[1:]]
    main.__dict__["__cached__"] = None
    child_interp.world = World({"__main__": main}, interp.world.machine_world, host)
    code = compile(source, filename, "exec", dont_inherit=True)

    child_ts, child_thread = new_thread(child_interp, "MainThread")
    child_thread.process = child.number
    child_ts.native_id = child.pid
    child.main_thread = child_thread

    def child_body() -> None:
        child_interp.gil.take_gil(child_thread)  # Py_Initialize takes the GIL
        status = pymain.run_module(child_ts, code, main.__dict__)
        pymain.finalize(child_ts)
        teardown_ns = COSTS.finalize_ns_per_module * len(child_interp.loaded)
        busy(child_interp, child_thread, teardown_ns + COSTS.exit_ns)
        sync(child_interp)
        table_of(machine).end(child, exit_status(status), child_thread)

    child_thread.body = child_body
    busy(interp, thread, COSTS.spawn_ns)  # vfork and exec, in the parent
    sync(interp)
    start_process(interp, thread, child, child_thread, COSTS.interpreter_start_ns)
    return child.pid


def _fresh_interpreter(parent: state.InterpreterState) -> state.InterpreterState:
    """A new interpreter on ``parent``'s machine, as ``Py_Initialize`` makes one."""
    interp = state.InterpreterState(
        parent.table,
        parent.costs,
        max_time_ns=parent.max_time_ns,
        max_instructions=parent.max_instructions,
    )
    interp.checkpoints = parent.checkpoints
    if parent.watchdog is not None:  # ``--max-wall`` bounds the whole run
        interp.watch(parent.watchdog)
    interp.machine = parent.machine
    interp.gil = gil.like(parent.gil, parent.machine, interp)
    interp.builtins = make_builtins()
    interp.builtins.update(io_builtins())
    interp.shadow_modules = make_shadow_modules(interp)
    interp.program_roots = list(parent.program_roots)
    interp.host_path = set(parent.host_path)
    interp.clock_ns = parent.clock_ns
    return interp


def _keep_descriptors(
    parent: state.InterpreterState, child: state.InterpreterState, fds: list[int]
) -> None:
    """The child has the descriptors it was given, naming the same open files."""
    if parent.kernel is None:
        return
    kernel_of(child).keep(parent.kernel, fds)  # (made with the child's os module)


def make_posixsubprocess(interp: state.InterpreterState) -> ShadowModule:
    import _posixsubprocess

    return ShadowModule(_posixsubprocess, {"fork_exec": fork_exec}, frozenset())


__all__ = ["fork_exec", "make_posixsubprocess"]
