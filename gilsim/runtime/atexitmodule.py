"""The simulated ``atexit``: handlers registered by the program run inside the simulation
when its main module finishes (``Modules/atexitmodule.c`` runs them at interpreter exit)."""

from __future__ import annotations

import atexit
from typing import Any

from gilsim.interpreter import state
from gilsim.runtime import ShadowModule


def make_atexit(interp: state.InterpreterState) -> ShadowModule:
    def register(function: Any, *args: Any, **kwargs: Any) -> Any:
        if not callable(function):
            raise TypeError("the first argument must be callable")
        interp.exit_handlers.append((function, args, kwargs))
        return function

    def unregister(function: Any) -> None:
        interp.exit_handlers[:] = [h for h in interp.exit_handlers if h[0] != function]

    def _run_exitfuncs() -> None:
        run_exit_handlers(interp)

    def _clear() -> None:
        interp.exit_handlers.clear()

    def _ncallbacks() -> int:
        return len(interp.exit_handlers)

    overrides = {
        "register": register,
        "unregister": unregister,
        "_run_exitfuncs": _run_exitfuncs,
        "_clear": _clear,
        "_ncallbacks": _ncallbacks,
    }
    return ShadowModule(atexit, overrides, frozenset())


def run_exit_handlers(interp: state.InterpreterState) -> None:
    """Last registered, first run; an exception is reported and the others still run."""
    import sys

    while interp.exit_handlers:
        function, args, kwargs = interp.exit_handlers.pop()
        try:
            interp.call_program(function, *args, **kwargs)
        except SystemExit:
            pass
        except BaseException as exc:  # reported like CPython's atexit_callfuncs
            sys.stderr.write(f"Exception ignored in atexit callback: {function!r}\n")
            sys.stderr.write(interp.format_exception(exc))
