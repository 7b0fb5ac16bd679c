"""What loading a module costs a process on the host's interpreter (3.12 and later): the
model of ``gilsim.interpreter.loading``, for the program's ``import`` statements.

On the host a module the program loads is loaded by the host's own import system, whose C
part (reading the ``.pyc``, ``marshal.loads``, ``dlopen``) costs the program almost nothing,
and a module that gilsim itself imported before the run and that ``hostworld.World`` keeps
(``collections``, ``struct``, ``pickle``...) is not loaded at all: it is in ``sys.modules``.
A CPython process loads each module the first time it imports it, so ``import_`` (the
run's ``builtins.__import__``, which ``IMPORT_NAME`` calls, and ``PyImport_Import`` from C)
charges, per process (``InterpreterState.loaded``, a started program's begins with its
version's ``loading.STARTUP_MODULES_OF``, a fork child's is its parent's, the same memory):

* a module whose body ran now, in the program: finding and reading it
  (``LoadCosts.read``; its body cost its instructions), or, for an extension or built-in
  module, its loading;
* a module that was there already: its whole load (``LoadCosts.source``...), with the
  modules its body would have imported that the process has not loaded
  (``loading.load``), as 3.11 charges a module it imports natively;
* in a fork child, either way, the pages of its parent's that its loading copies
  (``loading.LoadPages``), as 3.11's fork children pay them.

What is not charged, as on 3.11: ``importlib.import_module`` (it does not call
``__import__``), and imports made while gilsim's own code runs (a shadow's).
"""

from __future__ import annotations

import builtins
import importlib.util
import os
from typing import Any

from gilsim.interpreter import loading
from gilsim.tracer import boundary

# The host's own ``__import__``, which does the work.
_host_import = builtins.__import__


def import_(
    name: str,
    globals: Any = None,  # noqa: A002 (``__import__``'s own parameter names)
    locals: Any = None,  # noqa: A002
    fromlist: Any = (),
    level: int = 0,
) -> Any:
    """``__import__`` for the run: the host's, then the program's process charged for what
    it loaded (see the module's docstring)."""
    tracer = boundary.TRACER
    ts = tracer.running if tracer is not None else None
    absolute = _absolute(name, globals, level) if ts is not None else None
    if tracer is None or ts is None or absolute is None:
        return _host_import(name, globals, locals, fromlist, level)
    before = set(loading.modules_named(absolute, fromlist))
    module = _host_import(name, globals, locals, fromlist, level)
    # Measuring a module reads its code with the host's ``importlib`` (Python code): not
    # the program's, as inside a C function (``boundary``).
    tracer.running = None
    try:
        spent = _load(ts.interp, absolute, fromlist, before)
    finally:
        tracer.running = ts
    if spent:
        ts.interp.spend(ts, spent)
    return module


# The frame of ``import_`` stands between the importing frame and the import system's, where
# CPython has C: ``warnings`` skips it as it skips the import system's own frames (a name
# with "importlib" and "_bootstrap": ``_is_internal_filename``), so that a module's warning
# with ``stacklevel=2`` points at the ``import`` line.  (It stays gilsim's, in its
# directory: never charged, out of tracebacks.)
import_.__code__ = import_.__code__.replace(
    co_filename=os.path.join(os.path.dirname(__file__), "importlib._bootstrap.__import__")
)


def _load(interp: Any, absolute: str, fromlist: Any, before: set[str]) -> int:
    """What ``import absolute`` (with ``fromlist``) loaded in ``interp``'s process costs
    (ns), now that it is done; ``before``: the modules of it that ``sys.modules`` had."""
    loaded = interp.loaded
    spent = 0
    for found in loading.modules_named(absolute, fromlist):
        if found in loaded:
            continue
        if found in before:
            for cost_ns, size in loading.load(loaded, (found,)):
                spent += cost_ns + _copied_ns(interp, size)
            continue
        loaded.add(found)
        cost_ns, size, _ = loading.native(found)
        spent += (loading.COSTS.read(size) if size else cost_ns) + _copied_ns(interp, size)
    return spent


# The interpreter's pages that loading has copied in this host process, by its pid, when
# it is a fork child (``hostfork``): a real fork, whose copies the host's kernel makes
# unseen by the virtual clock.
_FORK_PAGES: dict[int, loading.LoadPages] = {}


def _copied_ns(interp: Any, size: int) -> int:
    """What loading code of ``size`` bytes in a fork child costs in copied pages
    (``loading.LoadPages``); nothing in a process that is no fork child."""
    pid = os.getpid()
    if interp.host_pid == pid:
        return 0  # the process the interpreter started in: its memory is its own
    pages = _FORK_PAGES.get(pid)
    if pages is None:
        pages = _FORK_PAGES[pid] = loading.LoadPages()
    return pages.load(size)


def _absolute(name: str, globals: Any, level: int) -> str | None:
    """The absolute name ``import`` resolves ``name`` to (None: the host's import will raise
    the error)."""
    if not isinstance(name, str) or not isinstance(level, int):
        return None
    if level == 0:
        return name
    package = _package(globals)
    if not package:
        return None
    try:
        return importlib.util.resolve_name("." * level + name, package)
    except (ImportError, ValueError):
        return None


def _package(globals: Any) -> str | None:
    """The package a relative import in a module of ``globals`` is relative to
    (``importlib._bootstrap._calc___package__``, without its warnings)."""
    if not isinstance(globals, dict):
        return None
    package = globals.get("__package__")
    if isinstance(package, str):
        return package
    spec = globals.get("__spec__")
    if spec is not None:
        return getattr(spec, "parent", None)
    module = globals.get("__name__")
    if not isinstance(module, str):
        return None
    return module if "__path__" in globals else module.rpartition(".")[0]


def patches() -> list[tuple[Any, str, Any]]:
    """What ``hostworld.World`` sets for a run: the program's ``__import__``."""
    return [(builtins, "__import__", import_)]


__all__ = ["import_", "patches"]
