"""The shadows of the C boundary for a program on the host's interpreter
(``gilsim.hostprogram``), one function for each module, as gevent's ``monkey`` has one per
module it patches.

Each is the same simulated module gilsim's own interpreter answers (``shadows``), with what
the host version's standard library takes from it, and with every function and class of
gilsim's in it made a C function towards the program (``gilsim.tracer.boundary``): a call
into it charges a native call and is a check point when it returns, and nothing gilsim does
inside it is charged or switched in.
"""

from __future__ import annotations

import builtins
import ctypes
import io
import sys
import types
from typing import Any

from gilsim.errors import UnsupportedError
from gilsim.runtime import ShadowModule, fileio, ttyguard
from gilsim.runtime.atexitmodule import make_atexit
from gilsim.runtime.osmodule import make_os
from gilsim.runtime.queuemodule import make_queue
from gilsim.runtime.selectmodule import make_select
from gilsim.runtime.semaphores import make_multiprocessing
from gilsim.runtime.signalmodule import make_signal
from gilsim.runtime.socketmodule import make_socket
from gilsim.runtime.sysmodule import host_sys_functions, unsupported
from gilsim.runtime.threadhandles import make_host_thread_module
from gilsim.runtime.timemodule import make_time
from gilsim.tracer.boundary import c_function, c_module_attributes, c_type
from gilsim.tracer.pystate import TracedInterpreter

# What starts a new program and does not run on the host's interpreter yet (``os.fork``
# does: ``gilsim.processes.hostfork``, and so multiprocessing's fork start method).
PROCESS_STARTS = {
    "os": ("forkpty", "posix_spawn", "posix_spawnp", "system", "execv", "execve"),
}


def make_host_shadows(interp: TracedInterpreter) -> dict[str, types.ModuleType]:
    """Every module the C boundary shadows, for ``interp`` (``finish`` completes them once
    ``gilsim.processes`` has added its functions)."""
    return {
        "sys": ShadowModule(sys, host_sys_functions(interp), frozenset()),
        "time": make_time(interp),
        "atexit": make_atexit(interp),
        "_thread": make_host_thread_module(interp),
        "_queue": make_queue(interp),
        "os": make_os(interp),
        "socket": make_socket(interp),
        "select": make_select(interp),
        "signal": make_signal(interp),
        # The host's semaphores would block the host in sem_wait(), every simulated thread
        # with it: a multiprocessing.Lock shared by threads is the simulated kernel's.
        "_multiprocessing": make_multiprocessing(interp),
    }


def finish(interp: TracedInterpreter) -> None:
    """Refuse what starts a process, and make every function and class of gilsim's in
    the shadows a C function."""
    shadows = interp.shadow_modules
    for module_name, names in PROCESS_STARTS.items():
        module = shadows.get(module_name)
        if module is None:
            continue
        for name in names:
            object.__setattr__(module, name, _refused_start(interp, f"{module_name}.{name}"))
    for module in shadows.values():
        for name, value in c_module_attributes(dict(vars(module))).items():
            if value is not vars(module)[name]:
                object.__setattr__(module, name, value)


def _refused_start(interp: TracedInterpreter, what: str) -> Any:
    """``what`` (a call that starts a process), refused: it stops the run with a message
    naming it."""

    def call(*args: Any, **kwargs: Any) -> Any:
        raise UnsupportedError(
            f"{where_in_program(interp)}{what}() starts a process running a new program, "
            f"which gilsim does not run on Python {interp.version.name} yet (os.fork() it "
            "runs, and Python started by multiprocessing or subprocess without posix_spawn; "
            "the others run on Python 3.11)"
        )

    call.__name__ = what.rpartition(".")[2]
    return call


def where_in_program(interp: TracedInterpreter) -> str:
    """``"file, line N: "`` of the program's innermost frame outside the standard
    library (the call the user wrote), or nothing."""
    from gilsim.interpreter import state
    from gilsim.paths import is_library

    ts = state.current
    if ts is None:
        return ""
    for filename, line, _name in interp.frames(ts):
        if not is_library(filename):
            return f"{filename}, line {line}: "
    return ""


def host_patches() -> list[tuple[Any, str, Any]]:
    """What is set on the host's own modules for a run (``hostworld.World``): a read from a
    terminal is refused (``ttyguard``), in ``input()`` and in ``sys.stdin``, and so is
    ``ctypes``'s ``PyThreadState_SetAsyncExc`` (``_set_async_exc``).

    ``breakpoint()`` stays the host's: it calls ``sys.breakpointhook``, which a program may
    set (and ``PYTHONBREAKPOINT`` may name); only the debugger it starts by default is
    refused, when it starts tracing (``sysmodule.host_settrace``)."""
    c_type(ttyguard.TerminalInput)
    open_ = c_function(_open)
    return [
        (builtins, "input", c_function(ttyguard.input)),
        (sys, "stdin", ttyguard.guard_stdin(sys.stdin)),
        (builtins, "open", open_),
        (io, "open", open_),
        (ctypes.pythonapi, "PyThreadState_SetAsyncExc", c_function(_set_async_exc)),
    ]


def _set_async_exc(thread_id: Any, exc: Any) -> int:
    """``ctypes.pythonapi.PyThreadState_SetAsyncExc``, refused: the host's looks for a
    thread state of the host's with that id, knows no simulated thread, and returns 0 (a
    program waiting for its exception would wait for ever); gilsim has no asynchronous
    exceptions (``tstate->async_exc``) yet."""
    raise unsupported("ctypes.pythonapi.PyThreadState_SetAsyncExc()")


# The host's own ``open`` (``io.open`` is the same function), kept for what the host opens.
_host_open = io.open


def _open(file: Any, *args: Any, **kwargs: Any) -> Any:
    """``open()`` and ``io.open()``: the host's, but for a descriptor of the simulated
    kernel, which only gilsim's ``open`` knows (``subprocess.Popen`` opens the ends of its
    ``os.pipe()`` pipes so, before it starts the process)."""
    if fileio.is_simulated(file):
        return fileio.open_(file, *args, **kwargs)
    return _host_open(file, *args, **kwargs)
