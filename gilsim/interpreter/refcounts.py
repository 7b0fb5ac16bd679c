"""Watching the reference counts of chosen objects (``gilsim run --refcount NAME``).

Why a count needs the GIL: ``Py_INCREF``/``Py_DECREF`` (``Include/object.h``) are a plain
``ob_refcnt++`` and ``--`` with no atomic instruction, so two threads updating one object's
count at once can lose an update (``docs/model/gil.md`` §5.1).  gilsim runs the program on real
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

from gilsim.interpreter import biased, blocks, obrefcnt
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
    weakref support; ``count`` the host's count at the last read (None: nothing bound yet),
    from which each update's change is worked out.  Objects are numbered from 1 in the order
    the name was bound to them (``object`` in the events).  ``low``, ``high`` and ``final``
    are of the count CPython would hold (``obrefcnt``), over every object the name was bound
    to; ``freed`` counts the ``dealloc`` events, ``bindings`` the objects watched."""

    name: str
    ref: Any = None
    held: Any = _MISSING
    count: int | None = None
    final: int | None = None
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


class Watch:
    """The watched names of one interpreter (``InterpreterState.refcounts``), read after
    every instruction its threads run; ``counts`` puts what is read in time order, as
    CPython's ``ob_refcnt`` would hold it (``gilsim.interpreter.obrefcnt``)."""

    def __init__(self, interp: Any, names: tuple[str, ...], seed: int = 0) -> None:
        self.interp = interp
        self.watched = [Watched(name) for name in names]
        # The main module's globals (``program.run_main`` sets them before it runs).
        self.namespace: dict[str, Any] = {}
        self.counts = obrefcnt.Counts(self, seed)

    def decoded(self, code: DecodedCode) -> DecodedCode:
        """``code`` as a watched run executes it: each handler wrapped to read the counts
        after it, none "pure" (so the clock the wrapper reads is the instruction's), and
        its heat already past ``blocks.HOT`` (so no block is ever compiled)."""
        instructions = [(watching(h), arg, cost, False) for h, arg, cost, _ in code.instructions]
        code = attrs.evolve(code, instructions=instructions)
        code.heat = [blocks.HOT + 1] * len(instructions)
        return code

    def after(self, frame: Frame, pc: int) -> None:
        """Read each watched name's object and its count after instruction ``pc`` of
        ``frame``."""
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
                self._update(watched, count, frame, pc)
                if count == 0:
                    # Only the watch holds it: let it go, and the host frees it now.
                    watched.held = _MISSING

    def _update(self, watched: Watched, count: int, frame: Frame, pc: int) -> None:
        """The count of ``watched`` changed to ``count`` in instruction ``pc``."""
        delta = None if watched.count is None else count - watched.count
        watched.count = count
        place = obrefcnt.Place(self.interp.clock_ns, _ident(frame.thread), frame.code, pc)
        update = obrefcnt.Update(
            place.time_ns, watched, watched.bindings, delta, count, place, freed=count == 0
        )
        self.counts.add(update)

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
        self.counts.object(watched, watched.bindings, type(obj).__name__, biased.immortal(obj))
        self.record(
            "refcount_watch",
            self._here(),
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
            place = self._here()
            if current:
                watched.ref = None
                # The last reference went inside an instruction: the count was not read
                # after it, so its change is all that was left.
                delta = -(watched.count or 0)
                watched.count = 0
                update = obrefcnt.Update(
                    place.time_ns, watched, serial, delta, 0, place, freed=True, read=False
                )
            else:
                # An object the name was watched for before: its count was last followed
                # when the name let go of it.
                update = obrefcnt.Update(
                    place.time_ns, watched, serial, None, 0, place, freed=True, read=False
                )
            watched.retired.pop(serial, None)
            self.counts.add(update)

        return freed

    def _here(self) -> obrefcnt.Place:
        """The running thread's present, as a place (when no instruction is at hand)."""
        from gilsim.interpreter import state  # the running thread, when a callback runs

        ts = state.current
        frame = ts.frame if ts is not None else None
        if frame is None:
            return obrefcnt.Place(self.interp.clock_ns, _ident(ts))
        return obrefcnt.Place(self.interp.clock_ns, _ident(ts), frame.code, max(frame.pc - 1, 0))

    # -- what the counts say (called by ``obrefcnt.Counts``, in time order) ---------------

    def note(
        self,
        watched: Watched,
        serial: int,
        count: int,
        place: obrefcnt.Place,
        references: int | None = None,
        **biased: int,
    ) -> None:
        """Object ``serial`` of ``watched`` has count ``count`` after ``place``
        (``references``: how many references exist, if that is not ``count``; ``biased``:
        ``local`` and ``shared``, its two fields under free threading)."""
        if serial == watched.bindings:
            watched.final = count
        watched.low = count if watched.low is None else min(watched.low, count)
        watched.high = count if watched.high is None else max(watched.high, count)
        fields: dict[str, Any] = {"name": watched.name, "object": serial, "count": count}
        if references is not None and references != count:
            fields["references"] = references
        self.record("refcount", place, **fields, **biased)

    def freed(
        self,
        watched: Watched,
        serial: int,
        place: obrefcnt.Place,
        early: bool = False,
        references: int = 0,
    ) -> None:
        """Object ``serial`` of ``watched`` is freed after ``place`` (``early``: by a count
        that reached 0 while ``references`` remained)."""
        watched.freed += 1
        if serial == watched.bindings:
            watched.final = 0
        watched.low = 0 if watched.low is None else min(watched.low, 0)
        fields: dict[str, Any] = {"name": watched.name, "object": serial}
        if early:
            fields.update(early=True, references=references, **place.fields())
        self.record("dealloc", place, **fields)

    def record(self, event: str, place: obrefcnt.Place, **fields: Any) -> None:
        """Record ``event`` at ``place``'s time: in order now with a GIL; without one, in
        the trace that the run sorts at its end (``program._record_names``)."""
        machine = self.interp.machine
        if self.counts.parallel:
            machine.record_unordered(place.time_ns, event, thread=place.thread, **fields)
        else:
            machine.record_at(place.time_ns, event, thread=place.thread, **fields)

    def finish(self) -> None:
        """The run is over: take the updates still waiting, and say what is wrong at exit."""
        machine = self.interp.machine
        end_ns = max(self.interp.clock_ns, machine.elapsed_ns())
        self.counts.finish(obrefcnt.Place(end_ns, None))

    def notes(self, thread_names: dict[int, str] | None = None) -> list[str]:
        """What to say at the end of the run: each watched name the program never bound,
        and each count that went wrong (``thread_names`` name the threads, by ident)."""
        said = [
            f"--refcount {w.name}: the program never bound a global named {w.name!r}"
            for w in self.watched
            if w.bindings == 0
        ]
        for watched in self.watched:
            for obj in self.counts.of(watched):
                said.extend(
                    obrefcnt.consequences(
                        watched.name, obj, thread_names or {}, several=watched.bindings > 1
                    )
                )
        return said

    def summary(self) -> dict[str, Any]:
        """Each watched name's min, max and final count, whether it was freed, and what
        went wrong with it: updates lost, objects freed while in use, used after, leaked;
        under free threading, how its biased count was updated."""
        summary: dict[str, dict[str, Any]] = {}
        for watched in self.watched:
            objects = self.counts.of(watched)
            summary[watched.name] = {
                "min": watched.low,
                "max": watched.high,
                "final": watched.final,
                "freed": watched.freed > 0,
                "objects": watched.bindings,
                "updates": sum(obj.updates for obj in objects),
                "lost": sum(obj.lost for obj in objects),
                "freed_early": any(obj.freed_at is not None for obj in objects),
                "used_after_free": any(obj.used_at is not None for obj in objects),
                "leaked": any(obj.leaked for obj in objects),
            }
            if self.counts.biased:
                counted = [obj.biased for obj in objects if obj.biased is not None]
                summary[watched.name]["biased"] = {
                    "local_updates": sum(b.local_updates for b in counted),
                    "shared_updates": sum(b.shared_updates for b in counted),
                    "merged": sum(1 for obj in objects if obj.merged is not None),
                    "immortal": sum(1 for obj in objects if _was_immortal(obj)),
                    "skipped_updates": sum(obj.skipped for obj in objects),
                }
        return summary


def _was_immortal(obj: obrefcnt.ObjectCount) -> bool:
    """Immortal under free threading for some of the run: from the start, or once the
    first thread started, if it was updated after that."""
    return obj.immortal is not None and (obj.immortal[0] == biased.STATIC or obj.skipped > 0)


def _ident(ts: Any) -> int | None:
    """The OS thread ident of thread state ``ts`` (None if it has none)."""
    return ts.os_thread.ident if ts is not None and ts.os_thread is not None else None


def watching(handler: Callable[[Frame, Any], Any]) -> Callable[[Frame, Any], Any]:
    """``handler``, reading the watched counts after it runs (also when it raises).  One
    wrapper per handler serves every run: it finds the watch through the frame's thread."""
    made = _made.get(handler)
    if made is None:

        def made(frame: Frame, arg: Any) -> Any:
            # The eval loop has moved past the instruction already.
            pc = max(frame.pc - 1, 0)
            try:
                return handler(frame, arg)
            finally:
                frame.thread.interp.refcounts.after(frame, pc)

        made.__name__ = made.__qualname__ = getattr(handler, "__name__", "handler")
        _made[handler] = made
    return made


_made: dict[Callable[[Frame, Any], Any], Callable[[Frame, Any], Any]] = {}


def install(interp: Any, names: tuple[str, ...], seed: int = 0) -> Watch:
    """Watch ``names`` in the program ``interp`` will run (before its code is decoded), with
    ``seed`` the run's (``obrefcnt`` draws where in an instruction each update falls)."""
    interp.refcounts = Watch(interp, names, seed)
    return interp.refcounts
