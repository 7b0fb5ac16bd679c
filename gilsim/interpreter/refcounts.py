"""Watching the reference counts of chosen objects (``gilsim run --refcount NAME``).

Why a count needs the GIL: ``Py_INCREF``/``Py_DECREF`` (``Include/object.h``) are a plain
``ob_refcnt++`` and ``--`` with no atomic instruction, so two threads updating one object's
count at once can lose an update (``spec/gil.md`` §5.1).  gilsim runs the program on real
host objects, so the host's counts *are* the program's, and the host frees an object (running
its ``__del__`` and weakref callbacks inside the simulation, on the thread whose instruction
dropped the last reference) when its count reaches zero.  This module only reads them.

How a count is read.  Each watched object is named by a global of the main module
(``Watch.names``).  While anything is watched, every instruction of every code object is run
through a wrapper (``watching``) that, after the instruction, re-resolves each name and reads
the object's count with ``sys.getrefcount``; a change is a ``refcount`` trace event.  The host
count is corrected to what CPython's ``ob_refcnt`` would be (``Watch.after``):

- ``sys.getrefcount``'s argument and the reader's local variable are the reader's own
  (``_READER``); a watched object that has no weakref support is also held by the watch
  itself (``_HELD``), which lets it go, and says it was freed, once that hold is its last
  reference: the host then frees it there, at the end of the instruction that dropped the
  program's last reference, rather than inside it.
- Between two instructions gilsim's frames hold what CPython's do: the value stack and the
  fast locals are lists of strong references, the module's globals a real dict.  The
  references gilsim holds besides (a ``CALL``'s argument list while the call runs, the value
  the entry frame of a nested run returned, ``ThreadState.retval``, kept until the next) are
  not corrected for: a count read while a call of the program is in progress on another
  thread's stack is exact, one read inside a native call is not read at all (counts are read
  only between instructions).

A watched object with weakref support is held weakly; a weakref callback records the
``dealloc`` event when the host frees it, at whatever point that happens (the instruction
that dropped the last reference, a collection of a cycle, the end of the run).

Watching runs every instruction one at a time: compiled blocks would advance the clock a
block at a time, and their inlined templates would skip the wrapper.  A run that watches
nothing decodes with the normal table and never reaches this module.
"""

from __future__ import annotations

import keyword
import sys
import weakref
from collections.abc import Callable
from typing import Any

import attrs

from gilsim.interpreter import blocks
from gilsim.interpreter.decode import DecodedCode
from gilsim.interpreter.frame import Frame

_getrefcount = sys.getrefcount

# References the reader itself holds while it reads a count: ``obj`` in ``Watch.after``
# and ``sys.getrefcount``'s argument (pushed on the host's value stack, then borrowed).
_READER = 2
# And the watch's own strong reference to an object without weakref support.
_HELD = 1

_MISSING = object()


def valid_name(name: str) -> str | None:
    """Why ``name`` cannot be watched, or None: it must be a global of the main module, an
    identifier (``module.name`` is not supported)."""
    if not isinstance(name, str):
        return f"--refcount takes a name, not {type(name).__name__} {name!r}"
    if "." in name:
        return (
            f"--refcount {name}: only globals of the main module can be watched "
            "(a plain name, without a module)"
        )
    if not name.isidentifier() or keyword.iskeyword(name):
        return f"--refcount {name!r}: not a Python name"
    return None


@attrs.define(eq=False)
class Watched:
    """One watched name and the object bound to it now.

    ``ref`` is a weak reference to the object, or ``held`` the object itself when it has no
    weakref support; ``count`` the last count read (None: nothing bound yet).  Objects are
    numbered from 1 in the order the name was bound to them (``object`` in the events).  ``low``,
    ``high`` and ``last`` are over every object the name was bound to; ``freed`` counts the
    ``dealloc`` events, ``bindings`` the objects watched."""

    name: str
    ref: Any = None
    held: Any = _MISSING
    count: int | None = None
    low: int | None = None
    high: int | None = None
    bindings: int = 0
    freed: int = 0
    # The weak references to objects the name was watched for before, by their number.
    retired: dict[int, Any] = attrs.field(factory=dict)

    def target(self) -> Any:
        """The watched object, or ``_MISSING`` if none (never bound, or freed)."""
        if self.held is not _MISSING:
            return self.held
        if self.ref is not None:
            obj = self.ref()
            if obj is not None:
                return obj
        return _MISSING

    def to_json(self) -> dict[str, Any]:
        return {
            "min": self.low,
            "max": self.high,
            "final": self.count,
            "freed": self.freed > 0,
            "objects": self.bindings,
        }


class Watch:
    """The watched names of one interpreter (``InterpreterState.refcounts``), read after
    every instruction its threads run."""

    def __init__(self, interp: Any, names: tuple[str, ...]) -> None:
        self.interp = interp
        self.watched = [Watched(name) for name in names]
        # The main module's globals (``program.run_main`` sets them before it runs).
        self.namespace: dict[str, Any] = {}

    def decoded(self, code: DecodedCode) -> DecodedCode:
        """``code`` as a watched run executes it: each handler wrapped to read the counts
        after it, none "pure" (so the clock the wrapper reads is the instruction's), and
        its heat already past ``blocks.HOT`` (so no block is ever compiled)."""
        instructions = [(watching(h), arg, cost, False) for h, arg, cost, _ in code.instructions]
        code = attrs.evolve(code, instructions=instructions)
        code.heat = [blocks.HOT + 1] * len(instructions)
        return code

    def after(self, frame: Frame) -> None:
        """Read each watched name's object and its count after an instruction of ``frame``."""
        namespace = self.namespace
        for watched in self.watched:
            bound = namespace.get(watched.name, _MISSING)
            obj = watched.target()
            # ``name = None`` lets go of an object as ``del name`` does: the object stays
            # watched (another reference may keep it), and None (whose count is everyone's)
            # is not.
            if bound is not _MISSING and bound is not None and bound is not obj:
                self._bind(watched, bound, frame)
                obj = bound
            del bound  # (``_READER`` counts ``obj`` alone)
            if obj is _MISSING:
                continue
            # Read here, not in a helper: a call would hold ``obj`` twice more.
            count = _getrefcount(obj) - _READER - (_HELD if watched.held is not _MISSING else 0)
            del obj
            if count != watched.count:
                self._note(watched, count, frame)
                if count == 0:
                    # Only the watch holds it: let it go, and the host frees it now.
                    watched.held = _MISSING
                    self._freed(watched, frame, watched.bindings, True)

    def _bind(self, watched: Watched, obj: Any, frame: Frame | None) -> None:
        if watched.ref is not None:
            # Kept, so that its callback still tells when the object it was watched for is
            # freed (perhaps being freed now: its ``__del__`` sees the new binding).
            watched.retired[watched.bindings] = watched.ref
        watched.held = _MISSING
        watched.ref = None
        watched.bindings += 1
        try:
            watched.ref = weakref.ref(obj, self._on_free(watched, watched.bindings))
        except TypeError:
            watched.held = obj
        watched.count = None
        self._record(
            "refcount_watch",
            frame,
            name=watched.name,
            object=watched.bindings,
            type=type(obj).__name__,
            rebound=watched.bindings > 1,
        )

    def _on_free(self, watched: Watched, serial: int) -> Callable[[Any], None]:
        def freed(ref: Any) -> None:
            # The name may be bound to another object already: CPython runs ``__del__``
            # before it clears the weakrefs (``subtype_dealloc``, ``Objects/typeobject.c``),
            # and the instructions of ``__del__`` see the new binding.
            current = watched.ref is ref
            if current:
                watched.ref = None
            watched.retired.pop(serial, None)
            self._freed(watched, None, serial, current)

        return freed

    def _note(self, watched: Watched, count: int, frame: Frame | None) -> None:
        watched.count = count
        watched.low = count if watched.low is None else min(watched.low, count)
        watched.high = count if watched.high is None else max(watched.high, count)
        self._record("refcount", frame, name=watched.name, object=watched.bindings, count=count)

    def _freed(self, watched: Watched, frame: Frame | None, serial: int, current: bool) -> None:
        """Object number ``serial`` of ``watched`` was freed (``current``: it is the one
        the name is watched for still)."""
        watched.freed += 1
        if current:
            watched.count = 0
        watched.low = 0 if watched.low is None else min(watched.low, 0)
        self._record("dealloc", frame, name=watched.name, object=serial)

    def _record(self, event: str, frame: Frame | None, **fields: Any) -> None:
        engine = self.interp.machine.engine
        if engine.trace is None:
            return
        from gilsim.interpreter import state  # the running thread, when a callback runs

        ts = frame.thread if frame is not None else state.current
        thread = ts.os_thread.ident if ts is not None and ts.os_thread is not None else None
        engine.record_at(self.interp.clock_ns, event, thread=thread, **fields)

    def notes(self) -> list[str]:
        """What to say at the end of the run: each watched name the program never bound."""
        return [
            f"--refcount {w.name}: the program never bound a global named {w.name!r}"
            for w in self.watched
            if w.bindings == 0
        ]

    def summary(self) -> dict[str, Any]:
        """Each watched name's min, max and final count and whether it was freed."""
        return {watched.name: watched.to_json() for watched in self.watched}


def watching(handler: Callable[[Frame, Any], Any]) -> Callable[[Frame, Any], Any]:
    """``handler``, reading the watched counts after it runs (also when it raises).  One
    wrapper per handler serves every run: it finds the watch through the frame's thread."""
    made = _made.get(handler)
    if made is None:

        def made(frame: Frame, arg: Any) -> Any:
            try:
                return handler(frame, arg)
            finally:
                frame.thread.interp.refcounts.after(frame)

        made.__name__ = made.__qualname__ = getattr(handler, "__name__", "handler")
        _made[handler] = made
    return made


_made: dict[Callable[[Frame, Any], Any], Callable[[Frame, Any], Any]] = {}


def install(interp: Any, names: tuple[str, ...]) -> Watch:
    """Watch ``names`` in the program ``interp`` will run (before its code is decoded)."""
    interp.refcounts = Watch(interp, names)
    return interp.refcounts
