"""The program's world on the host's interpreter: every path to a module the C boundary
shadows reaches the shadow (design principle 2), as gevent's ``monkey.patch_all`` does for
greenlets, and nothing of it outlives the run.

``install`` puts the shadows in ``sys.modules`` before the program's first import, so
``import time``, ``from _thread import allocate_lock``, ``__import__("time")``,
``importlib.import_module`` and ``sys.modules["time"]`` all give the shadow.  Three more
things make that complete:

* **Modules loaded before the shadows** (by gilsim itself, or at the host's start-up) may
  hold what they took from the real modules: ``threading`` took ``_thread.allocate_lock``,
  ``queue`` took ``time.monotonic``, ``logging`` took ``threading``.  Such a module is
  *tainted*; it is taken out of ``sys.modules`` for the run, so that the program's import
  loads it again, on the shadows (gilsim keeps the copies it imported, which go on using the
  real modules, as gevent keeps its ``saved`` originals).  What taints is found by looking:
  a module whose namespace holds a shadowed module, a function or class a shadow replaces,
  or a tainted module.  (Not a class or function of a tainted module: ``collections`` holds
  ``reprlib.recursive_repr``, and loading ``collections`` again would give the program an
  ``OrderedDict`` that the modules kept do not know.)
* **C modules bound to Python modules** are loaded afresh: ``_asyncio`` takes functions of
  ``asyncio.events`` and others when it is loaded (its module state), so the program's gets
  the program's ``asyncio``.  It keeps the running loop in the host thread's state, which
  every simulated thread shares: ``gilsim.tracer.hoststate`` keeps it per simulated thread.
* **The import system's own locks** (``importlib._bootstrap._ModuleLock``) use ``_thread``,
  which it bound at start-up: they are the shadow's during the run, so that a thread
  importing a module another thread is importing waits for it, as in CPython.

``restore`` puts everything back.
"""

from __future__ import annotations

import importlib.machinery
import sys
import types
from collections.abc import Iterable
from typing import Any

# C modules the program loads afresh: what they took from Python modules when they were
# loaded (``_asyncio`` takes ``asyncio.events.get_event_loop_policy``...) must be the
# program's.
FRESH = ("_asyncio",)

# Modules that hold something of a shadowed module but never use it while a program runs,
# and stay: ``functools`` binds ``_thread.RLock`` for the Python version of ``lru_cache``,
# which its C version replaces.
UNTAINTED = frozenset({"functools"})

# Shadowed modules whose module object does not taint whoever holds it: everything holds
# ``sys`` and ``os``, for what they do not shadow (a module that took ``os.cpu_count`` itself
# is tainted by that).
HOLDING_ALLOWED = frozenset({"sys", "os"})

# Modules never taken out: the interpreter's own start-up modules, the import system, and
# the packages gilsim itself runs on.
_KEPT_PREFIXES = ("gilsim", "greenlet", "attr", "attrs", "_pytest", "pytest", "pluggy")


def _kept(name: str, module: types.ModuleType) -> bool:
    if name in sys.builtin_module_names or name in UNTAINTED:
        return True
    if name.split(".")[0] in _KEPT_PREFIXES:
        return True
    if name.startswith(("importlib", "encodings", "_frozen_importlib")):
        return True
    return getattr(module, "__file__", None) is None  # built in, or frozen


def tainted(modules: dict[str, Any], shadows: dict[str, types.ModuleType]) -> set[str]:
    """The modules of ``modules`` (``sys.modules`` before the shadows) that hold what the
    shadows replace, directly or through other tainted modules."""
    roots = {
        id(modules[name])
        for name in shadows
        if modules.get(name) is not None and name not in HOLDING_ALLOWED
    }
    replaced: set[int] = set()
    for name, shadow in shadows.items():
        real = modules.get(name)
        if real is None:
            continue
        for attribute in vars(shadow):
            if attribute.startswith("__") or attribute in ("_host", "_forward"):
                continue  # a module's own attributes, and a shadow's
            value = getattr(real, attribute, None)
            if callable(value) or isinstance(value, type):
                replaced.add(id(value))
    found: set[str] = set()
    changed = True
    while changed:
        changed = False
        for name, module in list(modules.items()):
            if name in found or name in shadows or not isinstance(module, types.ModuleType):
                continue
            if _kept(name, module):
                continue
            if _holds(module, roots | replaced):
                found.add(name)
                roots.add(id(module))
                changed = True
    return found | _submodules(modules, found)


def _submodules(modules: dict[str, Any], packages: set[str]) -> set[str]:
    """The submodules of ``packages`` still loaded, which go with their package: a package
    loaded again binds its submodules to itself only as it loads them
    (``_find_and_load_unlocked`` sets the parent's attribute), so one left in ``sys.modules``
    is never bound (``asyncio/__init__.py`` reads ``coroutines.__all__`` after ``from
    .coroutines import *``: a ``NameError`` if ``asyncio.coroutines`` was kept)."""
    prefixes = tuple(f"{name}." for name in packages)
    return {
        name
        for name, module in modules.items()
        if name.startswith(prefixes) and isinstance(module, types.ModuleType)
    }


def _holds(module: types.ModuleType, ids: set[int]) -> bool:
    return any(id(value) in ids for value in list(vars(module).values()))


class World:
    """The host's ``sys.modules`` as the program sees it, installed for one run."""

    def __init__(
        self,
        shadows: dict[str, types.ModuleType],
        patches: Iterable[tuple[Any, str, Any]] = (),
    ) -> None:
        self.shadows = shadows
        # Attributes of the host's own objects set for the run: what C code reads from
        # the real modules (``input()`` and ``print()`` use the real ``sys.stdin``).
        self.patches = list(patches)
        self.patched: list[tuple[Any, str, Any]] = []
        self.saved: dict[str, Any] = {}
        self.purged: set[str] = set()
        self.bootstrap_thread: Any = None
        self.module_locks: dict[str, Any] = {}
        self.finder: _ShadowFinder | None = None
        self.installed = False

    def install(self) -> None:
        modules = sys.modules
        self.saved = dict(modules)
        self.purged = tainted(self.saved, self.shadows)
        for name in self.purged:
            del modules[name]
        for name, module in self.shadows.items():
            modules[name] = module
        for name in FRESH:
            modules.pop(name, None)
        # A program may take a shadow out of ``sys.modules`` to import the module afresh
        # (``test.support.import_helper.import_fresh_module``): the finder gives the shadow.
        self.finder = _ShadowFinder(self.shadows)
        sys.meta_path.insert(0, self.finder)
        for owner, name, value in self.patches:
            self.patched.append((owner, name, getattr(owner, name)))
            setattr(owner, name, value)
        bootstrap = _bootstrap()
        self.bootstrap_thread = bootstrap._thread
        self.module_locks = dict(bootstrap._module_locks)
        if "_thread" in self.shadows:
            bootstrap._thread = self.shadows["_thread"]
        self.installed = True

    def restore(self) -> None:
        """``sys.modules`` as it was before ``install``; the program's modules go."""
        if not self.installed:
            return
        modules = sys.modules
        for name in list(modules):
            if name not in self.saved:
                del modules[name]
        modules.update(self.saved)
        if self.finder in sys.meta_path:
            sys.meta_path.remove(self.finder)
        bootstrap = _bootstrap()
        bootstrap._thread = self.bootstrap_thread
        # The per-module import locks made during the run are made of the shadow's locks
        # (``_ModuleLock.__init__`` calls ``_thread.RLock()``), and one a stopped thread
        # held stays held (a run stopped by ``--max-time`` in the middle of an ``import``):
        # the next import of that module by the host would wait for it for ever.  Each is
        # found by name while something holds it (a weak reference), so they go.
        locks = bootstrap._module_locks
        for name, ref in list(locks.items()):
            if self.module_locks.get(name) is not ref:
                locks.pop(name, None)  # (unless its weak reference's callback came first)
        self.module_locks = {}
        for owner, name, value in reversed(self.patched):
            setattr(owner, name, value)
        self.patched = []
        sys.settrace(None)  # the program's, if its last thread had one
        self.installed = False

    def program_modules(self) -> Iterable[str]:
        """The names of the modules the program loaded itself."""
        return [name for name in sys.modules if name not in self.saved]


class _ShadowFinder:
    """A finder first on ``sys.meta_path`` that finds the shadows: a shadowed module imported
    again once it is out of ``sys.modules`` is its shadow again (the same module)."""

    def __init__(self, shadows: dict[str, types.ModuleType]) -> None:
        self.shadows = shadows

    def find_spec(self, name: str, path: Any = None, target: Any = None) -> Any:
        if name not in self.shadows:
            return None
        loader: Any = self  # a loader too: ``create_module`` and ``exec_module``
        return importlib.machinery.ModuleSpec(name, loader)

    def create_module(self, spec: Any) -> types.ModuleType:
        return self.shadows[spec.name]

    def exec_module(self, module: types.ModuleType) -> None:
        pass  # made whole already


def _bootstrap() -> Any:
    import importlib._bootstrap

    return importlib._bootstrap
