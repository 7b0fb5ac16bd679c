"""The simulated ``pickle``: the host's C pickler, told where the simulated standard library
lives.

Functions and classes are pickled by reference, ``(module, qualified name)``, and the pickler
checks the reference by importing the module from ``sys.modules`` (``save_global`` in
``Modules/_pickle.c``).  The program's own modules are there; the program's copies of
simulated standard-library modules (``multiprocessing.pool``, ``threading``) are not: they
are the interpreter's own (``InterpreterState.sim_modules``), and the host's module of that
name is another object.  So the pickler the program gets has a ``reducer_override`` (called
before the pickler's own handling of classes and functions) that pickles a reference into a
simulated module as a call of ``simulated_global(module, name)``, which the unpickling
process resolves in its own copy of the module.  Everything else is the host's pickle.
"""

from __future__ import annotations

import pickle
import types
from typing import Any

from gilsim.interpreter import importer, state
from gilsim.interpreter.functions import SimFunction
from gilsim.runtime import ShadowModule


def simulated_global(module: str, qualname: str) -> Any:
    """What ``module.qualname`` names in the running process's own copy of ``module``
    (imported now if this process has not imported it yet, as ``find_class`` would)."""
    found: Any = importer.simulated_stdlib_module(state.current_thread().interp, module)
    for part in qualname.split("."):
        found = getattr(found, part)
    return found


def _reference(obj: Any) -> Any:
    """``(simulated_global, (module, qualname))`` for a class or function of a simulated
    standard-library module; ``NotImplemented`` (the usual handling) for anything else."""
    kind = type(obj)
    if kind is not SimFunction and not (isinstance(obj, type) and kind is type):
        return NotImplemented
    module = getattr(obj, "__module__", None)
    ts = state.current
    if ts is None or module not in ts.interp.sim_modules:
        return NotImplemented
    qualname = obj.__qualname__
    if "<locals>" in qualname:
        return NotImplemented  # the pickler's own error names it
    return simulated_global, (module, qualname)


class Pickler(pickle.Pickler):
    """``pickle.Pickler`` for the simulated program (``_pickle.Pickler`` with a reducer
    override; a subclass's own ``reducer_override`` still comes first)."""

    def reducer_override(self, obj: Any) -> Any:
        return _reference(obj)


def dumps(
    obj: Any, protocol: Any = None, *, fix_imports: bool = True, buffer_callback: Any = None
) -> bytes:
    import io

    buffer = io.BytesIO()
    Pickler(buffer, protocol, fix_imports=fix_imports, buffer_callback=buffer_callback).dump(obj)
    return buffer.getvalue()


def dump(
    obj: Any,
    file: Any,
    protocol: Any = None,
    *,
    fix_imports: bool = True,
    buffer_callback: Any = None,
) -> None:
    Pickler(file, protocol, fix_imports=fix_imports, buffer_callback=buffer_callback).dump(obj)


def make_pickle(interp: state.InterpreterState) -> types.ModuleType:
    """The program's ``pickle``."""
    return ShadowModule(pickle, {"Pickler": Pickler, "dumps": dumps, "dump": dump}, frozenset())
