"""The access recorder: what ``--races`` installs on an interpreter.

``install(interp)`` makes the program's own code decode with the recording handler table
(``recording``), hooks happens-before into threads and locks (``interp.recorder``, which the
simulated ``_thread`` tells of every start, acquire and release), and makes sure a watcher
counts switch points on the GIL.  Each access then goes through ``Recorder.access``: its place
is found (``places``), an ``Access`` is made with the thread's vector clock and switch point
count, and the detector checks it at once (``detector``), so that memory stays bounded however
long the run.

For schedule exploration (partial-order reduction) the recorder can also keep, per *segment*
(a thread's stretch between two switch points: ``(thread ident, switch point count)``), what
it did to what (``segments``): each key it touched with the ways it touched it, the *modes*
of ``gilsim.schedules.dpor``.  A place is read (``"r"``) or written (``"w"``); its container,
if it is an item, is touched item-wise (``"ir"``, ``"iw"``); a native operation on a whole
container (``len``, ``sorted``, ``list.append``, iteration) reads (``"R"``) or writes
(``"W"``) it (``gilsim.races.containers``); a lock is acquired (``"acq"``) or released
(``"rel"``); starting a thread is ``"start"`` of the child's key, which its first segment
``"begin"``s; the program's output is a write of ``("stdout",)``.
"""

from __future__ import annotations

import functools
import types
import weakref
from collections.abc import Hashable
from typing import Any

from gilsim.errors import InternalError
from gilsim.interpreter import importer, state
from gilsim.races.detector import Access, Detector
from gilsim.races.happens_before import Clocks
from gilsim.races.places import CONTAINER_TYPES, Owner, Places, capture
from gilsim.races.recording import recording_table
from gilsim.races.watching import RecordingWatcher, where_after

_READS = frozenset({"read", "check"})


def is_program_code(filename: str) -> bool:
    """Whether code from ``filename`` is the program's own (recorded), not the standard
    library's, an installed package's or gilsim's."""
    if filename.startswith("<frozen"):
        return False
    return not importer.is_library(filename)


class Recorder:
    """Records the program's accesses and finds races in them as the run goes."""

    def __init__(self, interp: state.InterpreterState, *, segments: bool = False) -> None:
        self.interp = interp
        # The GIL's watcher, which counts every thread's switch points: ``install`` puts one
        # on the GIL before it makes a recorder, and nothing replaces it afterwards.
        watcher = interp.gil.watcher
        if watcher is None:
            raise InternalError("a race recorder needs a watcher on the GIL (races.install)")
        self.watcher = watcher
        self.places = Places()
        self.clocks = Clocks()
        self.detector = Detector(self._where_after, self._handoff_between)
        self.table = recording_table(interp.table, containers=segments)
        self.seq = 0
        # Source text of files linecache cannot read (``gilsim.run(source=...)``).
        self.sources: dict[str, str] = {}
        self.keep_segments = segments
        # Per segment (thread ident, switch point count): key -> the modes it was touched in.
        self.segments: dict[tuple[int, int], dict[Hashable, set[str]]] = {}
        # Iterators of containers by id, with the container (``containers``, ``FOR_ITER``).
        self.iterated: dict[int, tuple[Any, Any]] = {}
        # The program has ended (``finish``): nothing is recorded any more.
        self.finished = False
        # Weak references to the locks the clocks hold an entry for (``released``).
        self._locks: dict[Hashable, weakref.ref[Any]] = {}

    def for_fork_child(self, child: state.InterpreterState) -> Recorder:
        """The recorder of a fork child of this interpreter: its own, since the child's
        objects are its own and its threads never race with the parent's.  (Its races are
        not reported yet: the report is the first process's.)"""
        return install(child, segments=self.keep_segments)

    def table_for(self, code: types.CodeType) -> dict[Any, Any]:
        """The handler table to decode ``code`` with (decided once per code object)."""
        return self.table if is_program_code(code.co_filename) else self.interp.table

    # -- accesses (the recording handlers call this) ------------------------------------------

    def access(
        self,
        frame: Any,
        obj: Any,
        key: Any,
        kind: str,
        action: str,
        value: Any,
        hint: str | None = None,
    ) -> None:
        """Thread ``state.current`` accessed place ``key`` of ``obj`` (``kind``: global,
        attribute, item or cell) at ``frame``'s current instruction (gilsim's own
        interpreter: ``recording``)."""
        self.record(frame.code, frame.pc - 1, self.owner(obj, kind, hint), key, kind, action, value)

    def owner(self, obj: Any, kind: str, hint: str | None = None) -> Owner:
        """The owner of the places of ``obj``, labelled on first sight."""
        places = self.places
        owner = places.owners.get(id(obj))
        if owner is None or not owner.holds(obj):
            owner = places.owner(obj, kind, hint)
        return owner

    def record(
        self, code: Any, index: int, owner: Owner, key: Any, kind: str, action: str, value: Any
    ) -> None:
        """Thread ``state.current`` accessed place ``key`` of ``owner`` at instruction
        ``index`` of ``code`` (a ``DecodedCode``, or the host's ``TracedCode``: what the
        reports ask for a line and an opname)."""
        places = self.places
        tid = state.current.os_thread.ident  # type: ignore[union-attr]
        place = places.place(owner, key, kind, tid)
        if place is None:
            return
        watcher = self.watcher
        points = watcher.points[tid]
        self.seq += 1
        record = Access(
            self.seq,
            tid,
            self.clocks.of(tid),
            points,
            len(watcher.handoffs),
            code,
            index,
            action,
            capture(value),
            self.interp.clock_ns,
        )
        if type(value) in CONTAINER_TYPES:
            places.name_container(value, place.short_name())
        if action in _READS:
            self.detector.read(place, record)
        else:
            self.detector.write(place, record)
        if self.keep_segments:
            reads = action in _READS
            self.note(tid, ("place", place.serial), "r" if reads else "w")
            if kind == "item":
                self.note(tid, ("whole", owner.label), "ir" if reads else "iw")

    # -- happens-before (the simulated ``_thread`` calls these) -----------------------------

    def started(self, parent: int, child: int) -> None:
        """Thread ``parent`` started thread ``child`` (``_thread.start_new_thread``)."""
        self.clocks.started(parent, child)
        if self.keep_segments:
            self.note(parent, ("thread", child), "start")
            self.note(child, ("thread", child), "begin")

    # A lock that a library module's body made (``threading``'s ``_active_limbo_lock``,
    # taken by every thread as it starts and as it ends) orders nothing of the program's
    # own: with it, a thread that ended before the next one started would seem ordered
    # before it, and no race between them would ever be reported.  Race detectors leave the
    # runtime's internal locks out of happens-before for the same reason.  Exploration still
    # sees it (``note``): who takes it first is a real choice of the schedule.

    def acquired(self, lock: Any, tid: int) -> None:
        """Thread ``tid`` took ``lock`` (``_thread.lock``)."""
        key = ("lock", lock._serial)
        if not lock._library_global:
            self.clocks.acquired(tid, key)
        if self.keep_segments:
            self.note(tid, key, "acq")

    def released(self, lock: Any, tid: int) -> None:
        """Thread ``tid`` released ``lock``."""
        key = ("lock", lock._serial)
        if not lock._library_global:
            if key not in self.clocks.objects:
                # A weak reference, not ``weakref.finalize``, whose first use registers an
                # exit hook with the ``atexit`` it imports then: during a run, the program's,
                # which would run it (and charge it) at the program's end.
                self._locks[key] = weakref.ref(lock, functools.partial(self._lock_gone, key))
            self.clocks.released(tid, key)
        if self.keep_segments:
            self.note(tid, key, "rel")

    def _lock_gone(self, key: Hashable, ref: weakref.ref[Any]) -> None:
        """The lock of ``key`` was collected: its clock goes too."""
        self._locks.pop(key, None)
        self.clocks.forget(key)

    # -- segments, for partial-order reduction ------------------------------------------------

    def note(self, tid: int, key: Hashable, mode: str) -> None:
        """Thread ``tid`` touched ``key`` in ``mode`` in its present segment."""
        segment_key = (tid, self.watcher.points[tid])
        segment = self.segments.get(segment_key)
        if segment is None:
            segment = self.segments[segment_key] = {}
        modes = segment.get(key)
        if modes is None:
            segment[key] = {mode}
        else:
            modes.add(mode)

    def whole(self, container: Any, mode: str) -> None:
        """The running thread read (``"R"``) or wrote (``"W"``) all of ``container`` in a
        native operation."""
        owner = self.places.owner(container, "item")
        self.note(state.current.os_thread.ident, ("whole", owner.label), mode)  # type: ignore[union-attr]

    # -- the end ----------------------------------------------------------------------------

    def finish(self) -> None:
        """The program's end (``finalize_modules``): its other threads are done, so nothing
        races from here; stop recording, and let go of the containers the places hold
        (a module's globals dict among them), so that what the program's modules held goes
        with them, its finalizers running as they do under CPython."""
        self.finished = True
        self.places.let_go()
        self.iterated.clear()

    # -- what the detector asks of the watcher ------------------------------------------------

    def _where_after(self, tid: int, points: int) -> Any:
        return where_after(self.watcher, tid, points)

    def _handoff_between(self, giver: int, start: int, end: int) -> Any:
        for handoff in self.watcher.handoffs[start:end]:
            if handoff.giver == giver:
                return handoff
        return None


def install(interp: state.InterpreterState, *, segments: bool = False) -> Recorder:
    """Record the accesses of the program that ``interp`` will run; returns the recorder.

    Call it before the program's code is decoded (``program.new_interpreter`` does, for
    ``Config(races=True)``).  A watcher already on the GIL is used as it is; else a
    ``RecordingWatcher`` is installed.  Installing again returns the same recorder, keeping
    segments if either call asks for them."""
    if interp.recorder is not None:  # installed already (``Config(races=True)``)
        if segments and not interp.recorder.keep_segments:
            interp.recorder.keep_segments = True
            interp.recorder.table = recording_table(interp.table, containers=True)
        return interp.recorder
    if interp.gil.watcher is None:
        interp.gil.watch(RecordingWatcher())
    recorder = Recorder(interp, segments=segments)
    interp.recorder = recorder
    return recorder
