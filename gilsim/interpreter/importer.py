"""The program's imports.

Design principle 2: the program's own modules run inside the simulation, everything else is
imported natively.  gilsim lets the host's import system do the resolving (relative imports,
packages, ``fromlist``, ``sys.modules``, the messages of ``ModuleNotFoundError``): during a
run a finder sits first on ``sys.meta_path`` and claims modules whose source lies under one
of the program's roots (the script's directory, and directories the program adds to
``sys.path``); their loader executes the module body in a simulated frame.  Modules that
gilsim models at the C boundary (``time``, ``sys``) are answered with their simulated
versions.
"""

from __future__ import annotations

import _imp
import builtins
import functools
import importlib.abc
import importlib.machinery
import importlib.util
import os
import sys
import types
from typing import Any

from gilsim.interpreter import eval as eval_
from gilsim.interpreter import loading, state
from gilsim.interpreter.frame import NULL, Frame, push_frame
from gilsim.paths import LIBRARY_DIRS as _LIBRARY_DIRS


@functools.lru_cache(maxsize=4096)
def is_library(path: str) -> bool:
    real = os.path.realpath(path)
    return any(real == d or real.startswith(d + os.sep) for d in _LIBRARY_DIRS)


def innermost_program_frame(frame: Any) -> Any:
    """The innermost frame, from ``frame`` outwards, whose code is the program's own (not
    the standard library's or gilsim's), or None."""
    while frame is not None and is_library(frame.code.code.co_filename):
        frame = frame.previous
    return frame


class ProgramFinder(importlib.abc.MetaPathFinder):
    """Claims the program's own modules for the simulation."""

    def __init__(self, interp: state.InterpreterState) -> None:
        self.interp = interp

    def _roots(self) -> list[str]:
        roots = list(self.interp.program_roots)
        for entry in sys.path:
            if isinstance(entry, str) and entry and entry not in self.interp.host_path:
                real = os.path.realpath(entry)
                if os.path.isdir(real) and not is_library(real) and real not in roots:
                    roots.append(real)
        return roots

    def find_spec(self, fullname: str, path: Any = None, target: Any = None) -> Any:
        spec = importlib.machinery.PathFinder.find_spec(fullname, path)
        if spec is None or not isinstance(spec.loader, importlib.machinery.SourceFileLoader):
            return None
        origin = os.path.realpath(spec.origin or "")
        if is_library(origin):
            return None
        if not any(origin.startswith(root + os.sep) for root in self._roots()):
            return None
        spec.loader = SimulatedLoader(spec.loader.name, spec.loader.path)
        return spec


class SimulatedLoader(importlib.machinery.SourceFileLoader):
    """Loads a module of the program from source and runs its body in the simulation."""

    def get_code(self, fullname: str) -> Any:
        if _imp.is_frozen(fullname):
            # A module CPython runs frozen (``runpy`` in 3.11): its frames are named
            # ``<frozen runpy>`` in tracebacks, with no source line, as CPython shows them.
            source = self.get_source(fullname)
            if source is not None:
                return compile(source, f"<frozen {fullname}>", "exec", dont_inherit=True)
        return super().get_code(fullname)

    def exec_module(self, module: types.ModuleType) -> None:
        code = self.get_code(module.__name__)
        if code is None:
            raise ImportError(f"cannot load {module.__name__!r}", name=module.__name__)
        ts = state.current_thread()
        loading.charge_simulated(ts, module.__name__, code)
        world = ts.interp.world
        if world is not None and not is_simulated_stdlib(module.__name__):
            # One process of several: the module is this process's (``processes.world``).
            world.modules[module.__name__] = module
            try:
                run_module_code(code, module.__dict__)
            except BaseException:
                del world.modules[module.__name__]
                raise
            return
        run_module_code(code, module.__dict__)


def run_module_code(code: types.CodeType, namespace: dict[str, Any]) -> Any:
    """Execute a module body ``code`` in ``namespace`` on the current simulated thread."""
    ts = state.current_thread()
    interp = ts.interp
    namespace.setdefault("__builtins__", interp.builtins)
    decoded = interp.decoded(code)
    frame = Frame(decoded, [NULL] * decoded.nlocalsplus, namespace, interp.builtins, namespace)
    caller = ts.frame
    push_frame(ts, caller, frame)
    return eval_.run(ts, frame)


# Standard-library modules (and packages) whose Python source runs inside the simulation, for
# the program's own imports, because they reach into the interpreter state or are where
# threads switch: the traceback module reads tracebacks and ``sys.exc_info()``, ``warnings``
# finds the warning's frame, and ``threading``, ``queue`` and ``concurrent.futures`` are the
# Python level of threads, whose check points and lock waits must be simulated;
# ``multiprocessing`` is the Python level of processes (it forks inside ``Popen``),
# ``selectors`` must find the simulated ``select``, and ``runpy`` (a spawn child runs the
# parent's main module with it) must execute code with the simulated ``exec``.
SIMULATED_STDLIB = frozenset(
    {
        "traceback",
        "warnings",
        "threading",
        "queue",
        "_threading_local",
        "concurrent",
        "multiprocessing",
        "selectors",
        "runpy",
    }
)

# C accelerators the simulated program must not see, so that the pure-Python fallback of
# a simulated stdlib module is used: ``warnings`` falls back when ``_warnings`` is missing,
# ``queue`` uses its own ``_PySimpleQueue`` (built on simulated locks) without ``_queue``.
BLOCKED = frozenset({"_warnings", "_queue"})


def is_simulated_stdlib(name: str) -> bool:
    return name.partition(".")[0] in SIMULATED_STDLIB


def simulated_stdlib_module(interp: state.InterpreterState, name: str) -> types.ModuleType:
    """The program's copy of stdlib module ``name`` (dotted for a submodule of a simulated
    package), run from the host's source file."""
    module = interp.sim_modules.get(name)
    if module is not None:
        return module
    parent_name, _, child = name.rpartition(".")
    parent = simulated_stdlib_module(interp, parent_name) if parent_name else None
    search = getattr(parent, "__path__", None) if parent is not None else None
    found = importlib.machinery.PathFinder.find_spec(name, search)
    path = found.origin if found is not None else None
    if found is None or path is None:
        raise ModuleNotFoundError(f"No module named '{name}'", name=name)
    loader = SimulatedLoader(name, path)
    spec = importlib.util.spec_from_file_location(
        name, path, loader=loader, submodule_search_locations=found.submodule_search_locations
    )
    assert spec is not None
    module = importlib.util.module_from_spec(spec)
    interp.sim_modules[name] = module
    try:
        loader.exec_module(module)
    except BaseException:
        del interp.sim_modules[name]
        raise
    if parent is not None:
        setattr(parent, child, module)
    return module


def _import_simulated(interp: state.InterpreterState, name: str, fromlist: Any) -> types.ModuleType:
    """``__import__`` for a simulated stdlib module: the top package for ``import a.b``,
    the module itself with a ``fromlist`` (importing the submodules it names)."""
    module = simulated_stdlib_module(interp, name)
    if not fromlist:
        return simulated_stdlib_module(interp, name.partition(".")[0])
    if hasattr(module, "__path__"):
        for item in fromlist:
            if item != "*" and not hasattr(module, item):
                try:
                    simulated_stdlib_module(interp, f"{name}.{item}")
                except ModuleNotFoundError:
                    pass  # IMPORT_FROM reports the missing name
    return module


def import_name(frame: Frame, name: str, fromlist: Any, level: int) -> Any:
    """``import_name`` in ``Python/ceval.c``: call ``__import__``."""
    interp = frame.thread.interp
    if level > 0:
        package = frame.globals.get("__package__")
        if isinstance(package, str) and is_simulated_stdlib(package):
            dots = "." * level
            return _import_simulated(
                interp, importlib.util.resolve_name(dots + name, package), fromlist or ("",)
            )
    if level == 0:
        if name in interp.shadow_modules:
            loading.charge_native(frame.thread, (name,))
            return interp.shadow_modules[name]
        if is_simulated_stdlib(name):
            return _import_simulated(interp, name, fromlist)
        if name in BLOCKED:
            raise ModuleNotFoundError(f"No module named '{name}'", name=name)
    importer = frame.builtins.get("__import__", None)
    if importer is None:
        raise ImportError("__import__ not found")
    if importer is builtins.__import__ or importer is interp.builtins.get("__import__"):
        module = builtins.__import__(name, frame.globals, frame.locals, fromlist, level)
        loading.charge_native(frame.thread, _natively_loaded(frame, name, fromlist, level))
        return module
    return importer(name, frame.globals, frame.locals, fromlist, level)


def _natively_loaded(frame: Frame, name: str, fromlist: Any, level: int) -> list[str]:
    """The modules ``import name`` (``from . import ...`` for a ``level``) in ``frame``
    has in ``sys.modules`` once it is done, but for the program's own, whose loading is
    charged as they are loaded (``SimulatedLoader``)."""
    absolute = name
    if level > 0:
        package = frame.globals.get("__package__") or frame.globals.get("__name__", "")
        absolute = importlib.util.resolve_name("." * level + name, package)
    return [
        found
        for found in loading.modules_named(absolute, fromlist)
        if not isinstance(getattr(sys.modules[found], "__loader__", None), SimulatedLoader)
    ]
