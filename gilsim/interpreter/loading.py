"""What loading a module costs the process that loads it.

CPython's ``import`` of a module that is not in ``sys.modules`` yet
(``importlib._bootstrap._find_and_load``) finds it on ``sys.path`` (``PathFinder`` asks each
entry's ``FileFinder``, whose directory listing is cached), reads its code
(``SourceFileLoader.get_code``: the cached ``.pyc``, then ``marshal.loads``) and executes the
module body, whose own module-level imports load their modules first.  An extension module is
found, ``dlopen``-ed and initialised (its ``PyInit_`` function); a built-in one is only
initialised.  All of it runs holding the GIL.

gilsim runs the program's own modules and the simulated part of the standard library
(``importer.SIMULATED_STDLIB``) as bytecode, so their bodies cost what their instructions
cost, and only finding and reading them is charged here.  Every other module is imported
natively (design principle 2), in no virtual time, so this module charges each its load:

* per process: each interpreter records the modules it has loaded
  (``InterpreterState.loaded``).  A fresh interpreter starts with those CPython 3.11 has loaded
  when its main program starts (``STARTUP_MODULES``), whose cost is part of its start-up; a
  fork child starts with a copy of its parent's, so it loads again only what its parent never
  did (a forkserver child loads ``pkgutil`` for ``runpy.run_path``, and the main module's
  imports that the server lacks).
* with its requirements: a module's module-level imports, read from its code (``IMPORT_NAME``
  outside functions), those that the host did load, and theirs in turn.
* in a fork child, with copy-on-write (``Inherited.load``): the first import writes the import
  system's inherited state, and the new objects fill the free blocks of the parent's pools
  (``obmalloc`` prefers partly used pools), whose pages are shared.

What is not charged: imports that native code makes (``importlib.import_module`` called from
the program, ``pickle`` finding a class), a module's imports inside functions that native code
runs, and the compilation of a program module whose ``.pyc`` is stale (gilsim charges the
cached case).  The load is one stretch of GIL-holding time, as a long native call is: a thread
that asks for the GIL meanwhile is answered after the ``import``.
"""

from __future__ import annotations

import dis
import functools
import importlib.util
import inspect
import marshal
import os
import sys
import types
from collections.abc import Iterable, Iterator
from typing import Any

import attrs

# ``sys.modules`` when the main program of CPython 3.11.7 starts (a venv with no packages:
# ``python -c "import sys; print(sorted(sys.modules))"``).  Their loading is part of an
# interpreter's start-up (``ProcessCosts.interpreter_start_ns``).
STARTUP_MODULES = frozenset(
    {
        "__main__",
        "_abc",
        "_codecs",
        "_collections_abc",
        "_frozen_importlib",
        "_frozen_importlib_external",
        "_imp",
        "_io",
        "_signal",
        "_sitebuiltins",
        "_stat",
        "_thread",
        "_warnings",
        "_weakref",
        "abc",
        "builtins",
        "codecs",
        "encodings",
        "encodings.aliases",
        "encodings.utf_8",
        "genericpath",
        "io",
        "marshal",
        "os",
        "os.path",
        "posix",
        "posixpath",
        "site",
        "stat",
        "sys",
        "time",
        "zipimport",
    }
)


@attrs.frozen
class LoadCosts:
    """What loading one module costs (ns), after CPython 3.11.7 on this 2-vCPU machine.

    ``python -X importtime -c "import M"`` self times, medians of 5 fresh interpreters, for
    60 source modules of the standard library fit 273 µs + 10.6 ns per byte of ``.pyc``
    (median error 28%: what a body does varies), and for 19 extension modules 269 µs +
    0.33 ns per byte of the shared object (16%); 10 built-in modules took 23-202 µs, median
    45.  Timing ``find_spec`` and ``get_code`` apart (10 modules of 5-160 KB): finding took
    32-53 µs, reading and unmarshalling 30 µs + 4 ns per byte, so the body's own execution
    is the rest: 200 µs + 6.6 ns per byte."""

    find_ns: int = 40_000
    read_ns: int = 30_000
    read_ns_per_kib: int = 4_100
    execute_ns: int = 200_000
    execute_ns_per_kib: int = 6_800
    extension_ns: int = 270_000
    extension_ns_per_mib: int = 350_000
    builtin_ns: int = 45_000

    def source(self, size: int) -> int:
        """Finding, reading and executing a source module whose marshalled code has
        ``size`` bytes."""
        return self.read(size) + self.execute_ns + self.execute_ns_per_kib * size // 1024

    def read(self, size: int) -> int:
        """Finding and reading one: what a module whose body runs as bytecode costs."""
        return self.find_ns + self.read_ns + self.read_ns_per_kib * size // 1024

    def extension(self, size: int) -> int:
        """Finding, loading and initialising an extension module of ``size`` bytes."""
        return self.extension_ns + self.extension_ns_per_mib * size // (1 << 20)


COSTS = LoadCosts()


def _native(name: str) -> tuple[int, int, tuple[str, ...]]:
    """For the host's module ``name``: what loading it costs (ns), the bytes of its code
    (what its new objects take, 0 for a native one) and the modules it requires."""
    if name not in sys.modules:
        return 0, 0, ()  # (never so: the names come from ``sys.modules``)
    return _host_module(name)


@functools.cache
def _host_module(name: str) -> tuple[int, int, tuple[str, ...]]:
    module = sys.modules[name]
    if any(sys.modules.get(other) is module for other in STARTUP_MODULES):
        return 0, 0, ()  # another name of a module loaded at start-up (importlib._bootstrap)
    spec = getattr(module, "__spec__", None)
    origin = getattr(spec, "origin", None)
    if spec is None or origin == "built-in":
        return COSTS.builtin_ns, 0, ()
    code = _code(spec)
    if code is None:
        if isinstance(origin, str) and origin.endswith((".so", ".pyd")):
            return COSTS.extension(_file_size(origin)), 0, ()
        return COSTS.builtin_ns, 0, ()
    size = len(marshal.dumps(code))
    package = name if spec.submodule_search_locations is not None else name.rpartition(".")[0]
    return COSTS.source(size), size, tuple(dict.fromkeys(requirements(code, package)))


def _code(spec: Any) -> types.CodeType | None:
    get_code = getattr(spec.loader, "get_code", None)
    if get_code is None:
        return None
    try:
        code = get_code(spec.name)
    except (ImportError, OSError, SyntaxError):
        return None
    return code if isinstance(code, types.CodeType) else None


def _file_size(path: str) -> int:
    try:
        return os.path.getsize(path)
    except OSError:
        return 0


def requirements(code: types.CodeType, package: str) -> Iterator[str]:
    """The modules that executing the module body ``code`` (of a module in ``package``)
    loaded on the host: those its module-level imports name, with their parent packages."""
    for imported, fromlist, level in module_level_imports(code):
        try:
            absolute = importlib.util.resolve_name("." * level + imported, package)
        except (ImportError, ValueError):
            continue
        yield from modules_named(absolute, fromlist)


def modules_named(absolute: str, fromlist: Any) -> Iterator[str]:
    """The modules that ``import absolute`` (with ``fromlist``) loads, if the host has them:
    each package on the way, and the submodules the ``fromlist`` names."""
    parts = absolute.split(".")
    for end in range(1, len(parts) + 1):
        name = ".".join(parts[:end])
        if name in sys.modules:
            yield name
    for item in fromlist or ():
        if isinstance(item, str) and f"{absolute}.{item}" in sys.modules:
            yield f"{absolute}.{item}"


def module_level_imports(code: types.CodeType) -> Iterator[tuple[str, Any, int]]:
    """``(name, fromlist, level)`` of each ``import`` that runs when ``code`` (a module
    body) runs: in the body and in its class bodies, not in functions (whose code is
    ``CO_OPTIMIZED``) nor under ``if __name__ == "__main__":``.  3.11 compiles an import to
    ``LOAD_CONST level``, ``LOAD_CONST fromlist``, ``IMPORT_NAME name``."""
    recent: list[Any] = [None] * 3  # the last three instructions' (opname, argval)
    skip_to = -1
    for instruction in dis.get_instructions(code):
        if instruction.offset < skip_to:
            continue
        if instruction.opname == "IMPORT_NAME":
            level, fromlist = recent[1][1], recent[2][1]
            yield instruction.argval, fromlist, level if isinstance(level, int) else 0
        elif instruction.opname == "POP_JUMP_FORWARD_IF_FALSE" and recent == _MAIN_TEST:
            skip_to = instruction.argval  # the block runs only when the module is a script
        recent = [recent[1], recent[2], (instruction.opname, instruction.argval)]
    for constant in code.co_consts:
        if isinstance(constant, types.CodeType) and not constant.co_flags & inspect.CO_OPTIMIZED:
            yield from module_level_imports(constant)


# ``if __name__ == "__main__":`` as 3.11 compiles it, up to its jump.
_MAIN_TEST = [("LOAD_NAME", "__name__"), ("LOAD_CONST", "__main__"), ("COMPARE_OP", "==")]


def charge_native(ts: Any, names: Iterable[str]) -> None:
    """The natively imported modules ``names`` were imported by a thread of ``ts``'s
    process: load those it has not loaded yet, requirements first, each once."""
    interp = ts.interp
    loaded = interp.loaded
    pending = [name for name in names if name not in loaded]
    spent = 0
    while pending:
        name = pending.pop()
        if name in loaded:
            continue
        loaded.add(name)
        cost_ns, size, required = _native(name)
        pending.extend(r for r in required if r not in loaded)
        spent += cost_ns + _copied_ns(interp, size)
    if spent:
        spend(interp, ts, spent)


def charge_simulated(ts: Any, name: str, code: types.CodeType) -> None:
    """Module ``name``, whose body ``code`` is about to run as bytecode, is being loaded:
    finding and reading it (its body costs its instructions)."""
    interp = ts.interp
    if name in interp.loaded:
        return
    interp.loaded.add(name)
    size = len(marshal.dumps(code))
    spend(interp, ts, COSTS.read(size) + _copied_ns(interp, size))


def _copied_ns(interp: Any, size: int) -> int:
    pages = interp.pages
    return pages.load(size) if pages is not None else 0


def spend(interp: Any, ts: Any, cost_ns: int) -> None:
    # Imported here: ``calls`` imports the eval loop, which imports ``state``, which
    # imports this module for ``STARTUP_MODULES``.
    from gilsim.interpreter import calls

    calls.spend(interp, ts, cost_ns)
