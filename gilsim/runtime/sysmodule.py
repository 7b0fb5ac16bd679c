"""The simulated ``sys`` (``Python/sysmodule.c``): what reads the simulated interpreter
instead of the host's.  Everything else is the host's ``sys``, shared with native code
(``sys.stdout``, ``sys.argv``, ``sys.modules``, ``sys.path``)."""

from __future__ import annotations

import collections.abc
import sys
from typing import Any

from gilsim.errors import UnsupportedError
from gilsim.gil import OldGIL
from gilsim.interpreter import state, tracebacks
from gilsim.runtime import ShadowModule
from gilsim.tracer import RECURSION_HEADROOM


class ModulesView(collections.abc.MutableMapping):
    """The program's ``sys.modules``: the host's, with the program's copies of simulated
    standard-library modules (``gilsim.interpreter.importer.SIMULATED_STDLIB``) in front."""

    def __init__(self, interp: state.InterpreterState) -> None:
        self._own = interp.sim_modules
        self._interp = interp

    def __getitem__(self, name: str) -> Any:
        if name in self._own:
            return self._own[name]
        return sys.modules[name]

    def __setitem__(self, name: str, module: Any) -> None:
        if name in self._own:
            self._own[name] = module
            return
        sys.modules[name] = module
        world = self._interp.world
        if world is not None:
            # One process of several: the entry is this process's (``processes.world``),
            # as a spawn child's ``sys.modules["__mp_main__"]`` is.
            world.modules[name] = module

    def __delitem__(self, name: str) -> None:
        if name in self._own:
            del self._own[name]
            return
        del sys.modules[name]
        world = self._interp.world
        if world is not None:
            world.modules.pop(name, None)

    def __iter__(self) -> Any:
        yield from self._own
        yield from (name for name in list(sys.modules) if name not in self._own)

    def __len__(self) -> int:
        return len(set(sys.modules) | set(self._own))

    def __contains__(self, name: object) -> bool:
        return name in self._own or name in sys.modules

    def __repr__(self) -> str:
        return repr(dict(self.items()))


class SysModule(ShadowModule):
    """The shadow ``sys``: ``sys.stdin`` is the host's, guarded when it is a terminal
    (``ttyguard``); assigning it still sets the host's, where native code looks for it."""

    shadow_class = True

    @property
    def stdin(self) -> Any:
        from gilsim.runtime.ttyguard import guard_stdin

        return guard_stdin(sys.stdin)

    @property
    def excepthook(self) -> Any:
        """The host's hook if the program set one (an assignment reaches the host's
        ``sys``, where the end of the main program looks for it), else the default one,
        which prints simulated tracebacks (``sys.__excepthook__``)."""
        hook = sys.excepthook
        return display_exception if hook is sys.__excepthook__ else hook


SysModule.__name__ = SysModule.__qualname__ = "module"  # as ``ShadowModule``


def display_exception(exc_type: Any, value: Any, tb: Any) -> None:
    """``sys.__excepthook__`` (``sys_excepthook_impl``, ``PyErr_Display``): the traceback of
    ``value`` on stderr, as CPython prints an uncaught exception.  ``multiprocessing``'s
    fork server calls it for a child that failed before it ran."""
    if isinstance(value, BaseException):
        sys.stderr.write(tracebacks.format_exception(value))
    else:
        sys.stderr.write(
            f"TypeError: print_exception(): Exception expected for value, "
            f"{type(value).__name__} found\n"
        )


def unsupported(what: str) -> UnsupportedError:
    """A refusal naming ``what`` and where the simulated program asked for it."""
    ts = state.current
    where = ""
    if ts is not None:
        for filename, line, _name in ts.interp.frames(ts):
            where = f"{filename}, line {line}: "
            break
    return UnsupportedError(f"{where}{what} is not supported by gilsim")


def refusal(module: str, name: str) -> Any:
    """A function ``module.name`` that refuses every call, naming itself (``unsupported``)."""

    def call(*args: Any, **kwargs: Any) -> Any:
        raise unsupported(f"{module}.{name}()")

    call.__name__ = name
    return call


def getrefcount(obj: Any) -> int:
    """``sys.getrefcount`` (``sys_getrefcount_impl``) as the program calls it: ``obj``'s
    count, which CPython gives with one reference of the caller's value stack in it.

    Called by ``CALL``, the object is held by the call's argument list, the tuple
    ``calls.call`` unpacks into this call, ``obj`` here, and the argument of the host's
    ``sys.getrefcount``, where CPython's count has the value stack's one alone.  A call
    from native code (``map(sys.getrefcount, ...)``) holds it otherwise, and reads high or
    low by a reference or two."""
    return _host_getrefcount(obj) - _GETREFCOUNT_OWN


_host_getrefcount = sys.getrefcount
# The references of the ``CALL`` path above besides CPython's one (list, tuple, ``obj``, the
# host call's argument; less the value stack's, which ``CALL`` has popped).
_GETREFCOUNT_OWN = 3


def settrace(function: Any) -> None:
    if function is not None:
        raise unsupported("sys.settrace() (tracing the simulated interpreter)")


def host_settrace(interp: Any) -> Any:
    """``sys.settrace`` of a program on the host's interpreter (``sys_settrace``).

    A trace function is the calling thread's (``tstate->c_tracefunc``), and every simulated
    thread is the one host thread.  So while any of them has one, the host's is a dispatcher
    that calls the running thread's function for a frame that starts (the ``call`` event),
    and none for gilsim's frames (C functions to the program); the local function it
    returns is the frame's ``f_trace``, which the host calls for the frame's other events.
    (Setting the host's function per thread as threads switch would not do: a frame that
    runs on changes its instrumentation only where it checks it, and misses events.)  A
    trace function runs as the host's tracing runs it, with monitoring off: gilsim charges
    nothing in it, nor switches threads there.

    A debugger's (``bdb.Bdb.set_trace``, which ``pdb.set_trace`` and so the default
    ``sys.breakpointhook`` run) is refused as ``breakpoint()``: it would wait for a person
    with every thread stopped."""
    from gilsim.tracer.codeinfo import is_own

    tracing: set[Any] = set()  # the threads with a trace function

    def dispatch(frame: Any, event: str, arg: Any) -> Any:
        ts = state.current
        if ts is None or ts.trace is None or is_own(frame.f_code):
            return None
        try:
            return ts.trace(frame, event, arg)
        except BaseException:
            # ``call_trampoline``: a trace function that raises is unset.
            ts.trace = None
            tracing.discard(ts)
            raise

    def settrace_(function: Any) -> None:
        owner = getattr(function, "__self__", None)
        if any(cls.__module__ == "bdb" for cls in type(owner).__mro__):
            from gilsim.paths import is_library

            ts = state.current
            frames = interp.frames(ts) if ts is not None else ()
            where = next((f"{f}, line {n}: " for f, n, _ in frames if not is_library(f)), "")
            raise UnsupportedError(
                f"{where}breakpoint() (the simulated program cannot be debugged "
                "interactively inside gilsim) is not supported by gilsim"
            )
        ts = state.current
        if ts is None:
            return
        ts.trace = function
        if function is None:
            tracing.discard(ts)
        else:
            tracing.add(ts)
        sys.settrace(dispatch if tracing else None)

    def gettrace() -> Any:
        ts = state.current
        return ts.trace if ts is not None else None

    settrace_.__name__ = "settrace"
    settrace_.gettrace = gettrace  # type: ignore[attr-defined]
    return settrace_


def setprofile(function: Any) -> None:
    if function is not None:
        raise unsupported("sys.setprofile() (profiling the simulated interpreter)")


def check_recursion_limit(limit: Any, depth: int) -> None:
    """``sys_setrecursionlimit_impl``'s checks of a new ``limit`` at ``depth``."""
    if not isinstance(limit, int):
        raise TypeError(f"'{type(limit).__name__}' object cannot be interpreted as an integer")
    if limit < 1:
        raise ValueError("recursion limit must be greater or equal than 1")
    if limit <= depth:
        raise RecursionError(
            f"cannot set the recursion limit to {limit} at the recursion depth {depth}: "
            "the limit is too low"
        )


def switch_interval_functions(interp: state.InterpreterState) -> dict[str, Any]:
    """``sys.getswitchinterval`` and ``sys.setswitchinterval`` of ``interp``'s GIL."""

    def getswitchinterval() -> float:
        return interp.gil.interval_us / 1e6

    def setswitchinterval(interval: float) -> None:
        # ``sys_setswitchinterval_impl``: seconds, stored as truncated microseconds in an
        # unsigned long; a value that overflows it comes out as 0 (``docs/model/gil.md`` §6).
        interval = float(interval)
        if interval <= 0.0:
            raise ValueError("switch interval must be strictly positive")
        microseconds = int(1e6 * interval) if 1e6 * interval < 2**64 else 0
        interp.gil.set_switch_interval(microseconds)

    return {"getswitchinterval": getswitchinterval, "setswitchinterval": setswitchinterval}


def check_interval_functions(interp: state.InterpreterState) -> dict[str, Any]:
    """Under ``--gil old`` the program gets the old GIL's knob, which is what a program
    written for it calls; otherwise none: in the ``sys`` of 3.9 and later it is gone
    (bpo-37392: an AttributeError, ``docs/model/gil.md`` §6)."""
    gil = interp.gil
    if not isinstance(gil, OldGIL):
        return {}

    def getcheckinterval() -> int:
        """``sys.getcheckinterval`` (2.7; removed in 3.9): ``_Py_CheckInterval``."""
        return int(gil.check_interval)

    def setcheckinterval(n: int) -> None:
        """``sys.setcheckinterval`` (2.7): ``_Py_CheckInterval = n`` and the ticker reset.
        2.7 parses ``n`` as a C int (``"i"``) and checks nothing else: 0 or less releases
        at every tick."""
        if not isinstance(n, int):
            raise TypeError(f"an integer is required (got type {type(n).__name__})")
        gil.set_check_interval(n)

    return {"getcheckinterval": getcheckinterval, "setcheckinterval": setcheckinterval}


def host_sys_functions(interp: Any) -> dict[str, Any]:
    """What the shadow ``sys`` of a program on the host's interpreter replaces: the switch
    interval, and (3.13) whether the GIL is enabled.  Everything else is the host's, real
    frames and tracebacks included."""
    functions = switch_interval_functions(interp)
    functions.update(check_interval_functions(interp))

    def getrecursionlimit() -> int:
        return interp.recursion_limit

    def setrecursionlimit(limit: Any) -> None:
        """``sys_setrecursionlimit_impl``: the program's limit, counted in its own frames
        (``Tracer.too_deep``); the host's is higher, for gilsim's."""
        ts = state.current
        # ``py_recursion_limit - py_recursion_remaining`` of the caller: its frames, and
        # one more, as a new thread's first frame reads (``call_program``).
        check_recursion_limit(limit, len(ts.stack) + 1 if ts is not None else 0)
        interp.recursion_limit = limit
        sys.setrecursionlimit(limit + RECURSION_HEADROOM)

    functions["getrecursionlimit"] = getrecursionlimit
    functions["setrecursionlimit"] = setrecursionlimit
    # gilsim's tracer is the host's monitoring of the program: a program's own tracer or
    # profiler would trace gilsim's frames too, and change nothing of the simulation's.
    functions["settrace"] = host_settrace(interp)
    functions["gettrace"] = functions["settrace"].gettrace
    functions["setprofile"] = setprofile
    if interp.version.info >= (3, 13):

        def _is_gil_enabled() -> bool:
            return not interp.gil.threads_in_parallel

        functions["_is_gil_enabled"] = _is_gil_enabled
    return functions


def make_sys(interp: state.InterpreterState) -> ShadowModule:
    def exc_info() -> tuple[Any, Any, Any]:
        """The exception being handled, as ``(type, value, traceback)``."""
        exc = exception()
        if exc is None:
            return (None, None, None)
        return (type(exc), exc, tracebacks.traceback_of(exc))

    def exception() -> Any:
        """The exception being handled (3.11)."""
        ts = state.current
        if ts is None:
            return None
        for exc in reversed(ts.exc_info):
            if exc is not None:
                return exc
        return None

    def getrecursionlimit() -> int:
        return interp.recursion_limit

    def setrecursionlimit(limit: int) -> None:
        ts = state.current
        check_recursion_limit(limit, ts.depth if ts is not None else 0)
        interp.recursion_limit = limit

    def _getframe(depth: int = 0) -> Any:
        ts = state.current
        frame = ts.frame if ts is not None else None
        for _ in range(depth):
            if frame is None:
                break
            frame = frame.previous
        if frame is None:
            raise ValueError("call stack is not deep enough")
        return frame

    overrides = {
        "getrefcount": getrefcount,
        "modules": ModulesView(interp),
        "_getframe": _getframe,
        "exc_info": exc_info,
        "exception": exception,
        "getrecursionlimit": getrecursionlimit,
        "setrecursionlimit": setrecursionlimit,
        **switch_interval_functions(interp),
        "settrace": settrace,
        "setprofile": setprofile,
        "__excepthook__": display_exception,
    }
    overrides.update(check_interval_functions(interp))
    return SysModule(sys, overrides, frozenset())
