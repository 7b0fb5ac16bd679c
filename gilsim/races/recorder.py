"""The access recorder: what ``--races`` installs on an interpreter.

``install(interp)`` makes the program's own code decode with the recording handler table
(``recording``), hooks happens-before into threads and locks (``interp.recorder``, which the
simulated ``_thread`` tells of every start, acquire and release), and makes sure a watcher
counts switch points on the GIL.  Each access then goes through ``Recorder.access``: its place
is found (``places``), an ``Access`` is made with the thread's vector clock and switch point
count, and the detector checks it at once (``detector``), so that memory stays bounded however
long the run.

For schedule exploration (partial-order reduction) the recorder can also keep, per *segment*
(a thread's stretch between two switch points: ``(thread ident, switch point count)``), the
places it read and wrote (``segments()``).  Lock acquires and releases count as writes of
``("lock", serial)`` there.
"""

from __future__ import annotations

import types
import weakref
from collections.abc import Hashable
from typing import Any

from gilsim.interpreter import importer, state
from gilsim.races.detector import Access, Detector
from gilsim.races.happens_before import Clocks
from gilsim.races.places import CONTAINER_TYPES, Places, capture
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
        self.gil = interp.gil
        self.places = Places()
        self.clocks = Clocks()
        self.detector = Detector(self._where_after, self._handoff_between)
        self.table = recording_table(interp.table)
        self.seq = 0
        # Source text of files linecache cannot read (``gilsim.run(source=...)``).
        self.sources: dict[str, str] = {}
        self.keep_segments = segments
        self._segments: dict[tuple[int, int], tuple[set[Hashable], set[Hashable]]] = {}

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
        attribute, item or cell) at ``frame``'s current instruction."""
        places = self.places
        owner = places.owners.get(id(obj))
        if owner is None or not owner.holds(obj):
            owner = places.owner(obj, kind, hint)
        tid = state.current.os_thread.ident  # type: ignore[union-attr]
        place = places.place(owner, key, kind, tid)
        if place is None:
            return
        watcher = self.gil.watcher
        points = watcher.points[tid]
        self.seq += 1
        record = Access(
            self.seq,
            tid,
            self.clocks.of(tid),
            points,
            len(watcher.handoffs),
            frame.code,
            frame.pc - 1,
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
            reads, writes = self._segment(tid, points)
            (reads if action in _READS else writes).add(("place", place.serial))

    # -- happens-before (the simulated ``_thread`` calls these) -----------------------------

    def started(self, parent: int, child: int) -> None:
        """Thread ``parent`` started thread ``child`` (``_thread.start_new_thread``)."""
        self.clocks.started(parent, child)

    def acquired(self, lock: Any, tid: int) -> None:
        """Thread ``tid`` took ``lock`` (``_thread.lock``)."""
        key = ("lock", lock._serial)
        self.clocks.acquired(tid, key)
        self._lock_segment(tid, key)

    def released(self, lock: Any, tid: int) -> None:
        """Thread ``tid`` released ``lock``."""
        key = ("lock", lock._serial)
        if key not in self.clocks.objects:
            weakref.finalize(lock, self.clocks.forget, key)
        self.clocks.released(tid, key)
        self._lock_segment(tid, key)

    # -- segments, for partial-order reduction ------------------------------------------------

    def segments(self) -> dict[tuple[int, int], tuple[frozenset[Hashable], frozenset[Hashable]]]:
        """Per (thread ident, switch point count): the place keys read and written in that
        segment (only when made with ``segments=True``)."""
        return {
            key: (frozenset(reads), frozenset(writes))
            for key, (reads, writes) in self._segments.items()
        }

    def _segment(self, tid: int, points: int) -> tuple[set[Hashable], set[Hashable]]:
        key = (tid, points)
        segment = self._segments.get(key)
        if segment is None:
            segment = self._segments[key] = (set(), set())
        return segment

    def _lock_segment(self, tid: int, key: Hashable) -> None:
        if self.keep_segments:
            self._segment(tid, self.gil.watcher.points[tid])[1].add(key)

    # -- what the detector asks of the watcher ------------------------------------------------

    def _where_after(self, tid: int, points: int) -> Any:
        return where_after(self.gil.watcher, tid, points)

    def _handoff_between(self, giver: int, start: int, end: int) -> Any:
        for handoff in self.gil.watcher.handoffs[start:end]:
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
        interp.recorder.keep_segments |= segments
        return interp.recorder
    if interp.gil.watcher is None:
        interp.gil.watch(RecordingWatcher())
    recorder = Recorder(interp, segments=segments)
    interp.recorder = recorder
    return recorder
